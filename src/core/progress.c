#include "core/progress.h"

#include "core/timer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    int on;   /* rank 0, not --quiet, inside a stage */
    int live; /* a terminal: redraw one line */
    FILE *out;
    char stage[32];
    const char *unit;
    double total, done, started, last, every;
} p;

static void draw(double now)
{
    const double elapsed = now - p.started, rate = elapsed > 0 ? p.done / elapsed : 0;
    const double share = p.total > 0 ? p.done / p.total : 0;
    const double eta = rate > 0 && p.total > p.done ? (p.total - p.done) / rate : 0;
    fprintf(p.out, "%stelrisk: %-12s %5.1f%%  %.3g of %.3g %s on rank 0, %.3g %s/s, ETA %.0f s%s",
            p.live ? "\r" : "", p.stage, 100 * (share > 1 ? 1 : share), p.done, p.total, p.unit,
            rate, p.unit, eta, p.live ? "\033[K" : "\n");
    fflush(p.out);
    p.last = now;
}

void tr_progress_begin(const struct tr_ctx *ctx, const char *stage, double total, const char *unit)
{
    memset(&p, 0, sizeof p);
    p.on = ctx->rank == 0 && ctx->level >= TR_LOG_INFO;
    if (!p.on) return;
    p.out = ctx->msg;
    p.live = isatty(fileno(ctx->msg));
    const char *every = getenv("TELRISK_PROGRESS_SECONDS");
    p.every = p.live ? 0.5 : every && atof(every) > 0 ? atof(every) : 30;
    snprintf(p.stage, sizeof p.stage, "%s", stage);
    p.unit = unit;
    p.total = total;
    p.started = p.last = tr_now();
}

void tr_progress_add(double done)
{
    if (!p.on) return;
    p.done += done;
    const double now = tr_now(); /* about 20 ns: fine per subscriber or per path */
    if (now - p.last >= p.every) draw(now);
}

void tr_progress_total(double total)
{
    p.total = total;
}

void tr_progress_end(void)
{
    if (p.on && p.live) fprintf(p.out, "\r\033[K"), fflush(p.out);
    p.on = 0;
}
