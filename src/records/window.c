#include "records/window.h"

#include "core/calendar.h"
#include "core/error.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines per day: a small open-addressing map (a window has tens of days; absurd dates add
 * one slot each) ---- */

void tr_day_counts_init(struct tr_day_counts *c)
{
    memset(c, 0, sizeof *c);
    c->cap = 64;
    c->day = TR_MALLOC(sizeof(int64_t) * c->cap);
    c->lines = TR_CALLOC(c->cap, sizeof(int64_t));
    for (size_t k = 0; k < c->cap; k++)
        c->day[k] = INT64_MIN;
}

void tr_day_counts_free(struct tr_day_counts *c)
{
    free(c->day);
    free(c->lines);
    memset(c, 0, sizeof *c);
}

static size_t slot_of(const struct tr_day_counts *c, int64_t day)
{
    size_t k = ((uint64_t)day * 0x9E3779B97F4A7C15u) >> 32 & (c->cap - 1);
    while (c->day[k] != INT64_MIN && c->day[k] != day)
        k = (k + 1) & (c->cap - 1);
    return k;
}

static void grow(struct tr_day_counts *c)
{
    struct tr_day_counts old = *c;
    c->cap *= 2;
    c->day = TR_MALLOC(sizeof(int64_t) * c->cap);
    c->lines = TR_CALLOC(c->cap, sizeof(int64_t));
    for (size_t k = 0; k < c->cap; k++)
        c->day[k] = INT64_MIN;
    for (size_t k = 0; k < old.cap; k++)
        if (old.day[k] != INT64_MIN) {
            size_t s = slot_of(c, old.day[k]);
            c->day[s] = old.day[k];
            c->lines[s] = old.lines[k];
        }
    c->last = 0;
    free(old.day);
    free(old.lines);
}

void tr_day_counts_add(struct tr_day_counts *c, int64_t t)
{
    const int64_t day = tr_day_of(t);
    if (c->day[c->last] == day) {
        c->lines[c->last]++;
        return;
    }
    size_t k = slot_of(c, day);
    if (c->day[k] == INT64_MIN) {
        if (2 * (c->n + 1) > c->cap) {
            grow(c);
            k = slot_of(c, day);
        }
        c->day[k] = day;
        c->n++;
    }
    c->lines[k]++;
    c->last = k;
}

/* ---- the window ---- */

struct day_lines {
    int64_t day, lines;
};

static int by_day(const void *pa, const void *pb)
{
    const struct day_lines *a = pa, *b = pb;
    return a->day < b->day ? -1 : a->day > b->day;
}

static int by_lines_down(const void *pa, const void *pb)
{
    const struct day_lines *a = pa, *b = pb;
    if (a->lines != b->lines) return a->lines > b->lines ? -1 : 1;
    return by_day(pa, pb);
}

/* Collective: every rank's (day, lines) pairs on rank 0, one per day, by day; *n their count. */
static struct day_lines *gather_days(const struct tr_ctx *ctx, const struct tr_day_counts *mine,
                                     size_t *n)
{
    int count = 0;
    int64_t *pairs = TR_MALLOC(sizeof(int64_t) * 2 * (mine->n + 1));
    for (size_t k = 0; k < mine->cap; k++)
        if (mine->day[k] != INT64_MIN) {
            pairs[2 * count] = mine->day[k];
            pairs[2 * count + 1] = mine->lines[k];
            count++;
        }
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    const int words = 2 * count;
    MPI_CHECK(MPI_Gather(&words, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
    int total = 0;
    for (int r = 0; ctx->rank == 0 && r < ctx->size; total += counts[r++])
        displs[r] = total;
    struct day_lines *all = TR_MALLOC(sizeof *all * ((size_t)total / 2 + 1));
    MPI_CHECK(
        MPI_Gatherv(pairs, words, MPI_INT64_T, all, counts, displs, MPI_INT64_T, 0, ctx->comm));
    free(pairs), free(counts), free(displs);
    size_t m = 0, got = (size_t)total / 2;
    qsort(all, got, sizeof *all, by_day);
    for (size_t k = 0; k < got; k++) {
        if (m > 0 && all[m - 1].day == all[k].day)
            all[m - 1].lines += all[k].lines;
        else
            all[m++] = all[k];
    }
    *n = m;
    return all;
}

/* The typical day: the one on which the median line falls when days are ranked by their lines
 * (a line-weighted median), so that many days of a few stray lines each do not make it small. */
static int64_t typical_lines(struct day_lines *d, size_t n)
{
    int64_t total = 0, seen = 0;
    for (size_t k = 0; k < n; k++)
        total += d[k].lines;
    qsort(d, n, sizeof *d, by_lines_down);
    size_t k = 0;
    while (k + 1 < n && 2 * (seen + d[k].lines) < total)
        seen += d[k++].lines;
    const int64_t typical = n ? d[k].lines : 0;
    qsort(d, n, sizeof *d, by_day);
    return typical;
}

/* Rank 0: the bulk rule over every day's lines. */
static void bulk_window(const struct tr_config *cfg, struct day_lines *d, size_t n,
                        struct tr_window *w)
{
    w->typical_lines = typical_lines(d, n);
    double least = ceil(cfg->run.window_min_share * (double)w->typical_lines);
    w->min_lines = least < 1 ? 1 : (int64_t)least;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t k = 0; k < n; k++)
        if (d[k].lines >= w->min_lines) {
            if (d[k].day < first) first = d[k].day;
            if (d[k].day > last) last = d[k].day;
        }
    if (first != INT64_MAX) w->start = first * 86400, w->end = (last + 1) * 86400;
    snprintf(w->rule, sizeof w->rule,
             "from the data: the first and last days with at least %" PRId64
             " event lines (run.window_min_share = %g of the typical day's %" PRId64 ")",
             w->min_lines, cfg->run.window_min_share, w->typical_lines);
}

static void config_window(const struct tr_config *cfg, struct tr_window *w)
{
    int64_t a = 0, b = 0;
    if (cfg->run.window_start[0]) {
        tr_parse_date(cfg->run.window_start, &a);
        tr_parse_date(cfg->run.window_end, &b);
        w->start = a * 86400, w->end = (b + 1) * 86400;
        snprintf(w->rule, sizeof w->rule, "from the config: run.window_start = %s, window_end = %s",
                 cfg->run.window_start, cfg->run.window_end);
    } else {
        tr_parse_date(cfg->run.observation_date, &b);
        w->start = (b - cfg->run.window_days) * 86400, w->end = b * 86400;
        snprintf(w->rule, sizeof w->rule,
                 "from the config: run.observation_date = %s, window_days = %" PRId64,
                 cfg->run.observation_date, cfg->run.window_days);
    }
}

void tr_window_decide(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const struct tr_day_counts *mine, struct tr_window *w)
{
    memset(w, 0, sizeof *w);
    size_t n = 0;
    struct day_lines *d = gather_days(ctx, mine, &n);
    if (ctx->rank == 0) {
        if (cfg->run.window_start[0] || cfg->run.observation_date[0])
            config_window(cfg, w);
        else
            bulk_window(cfg, d, n, w);
        for (size_t k = 0; k < n; k++)
            w->days_outside += d[k].day * 86400 < w->start || d[k].day * 86400 >= w->end;
    }
    free(d);
    MPI_CHECK(MPI_Bcast(w, (int)sizeof *w, MPI_BYTE, 0, ctx->comm));
}

/* ---- dropping what lies outside ---- */

/* Whether a record is the one of its line that reports it (a line gives both parties a copy). */
static int primary(int t, const void *rec)
{
    if (t == TR_T_CDR) return ((const struct tr_cdr *)rec)->outgoing;
    if (t == TR_T_MOBILEMONEY) return ((const struct tr_money *)rec)->outgoing;
    return 1;
}

static void excerpt_of(int64_t t, const struct tr_window *w, char out[TR_EXCERPT_MAX])
{
    int y, m, d, y0, m0, d0, y1, m1, d1;
    tr_civil_from_days(tr_day_of(t), &y, &m, &d);
    tr_civil_from_days(w->start / 86400, &y0, &m0, &d0);
    tr_civil_from_days(w->end / 86400 - 1, &y1, &m1, &d1);
    const int64_t s = t - tr_day_of(t) * 86400;
    snprintf(out, TR_EXCERPT_MAX,
             "%04d-%02d-%02d %02d:%02d:%02d not in %04d-%02d-%02d..%04d-%02d-%02d", y, m, d,
             (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60), y0, m0, d0, y1, m1, d1);
}

/* The time that places a record: an event's time; a subscriber's activation (midnight), which
 * lies outside only after the window's end (a subscriber active before it is the rule). */
static int outside(int t, const void *rec, const struct tr_window *w, int64_t *when)
{
    if (t == TR_T_SUBSCRIBERS) {
        *when = (int64_t)((const struct tr_subscriber *)rec)->activation * 86400;
        return *when >= w->end;
    }
    *when = tr_record_time(t, rec);
    return *when != INT64_MIN && (*when < w->start || *when >= w->end);
}

void tr_window_filter(const struct tr_window *w, struct tr_array tables[TR_T_COUNT],
                      struct tr_late_rejects *late)
{
    if (w->start == 0 && w->end == 0) return; /* no event at all: nothing to place */
    for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++) {
        struct tr_array *a = &tables[t];
        const size_t order_at = tr_order_offset(t);
        size_t kept = 0;
        for (size_t i = 0; i < a->n; i++) {
            const char *rec = tr_array_at(a, i);
            int64_t when;
            if (outside(t, rec, w, &when)) {
                if (primary(t, rec)) {
                    uint64_t order;
                    char excerpt[TR_EXCERPT_MAX];
                    memcpy(&order, rec + order_at, sizeof order);
                    excerpt_of(when, w, excerpt);
                    tr_late_add(late, (enum tr_table_id)t, order, TR_R_OUT_OF_WINDOW, excerpt);
                }
                continue;
            }
            if (kept != i) memcpy(tr_array_at(a, kept), rec, a->size);
            kept++;
        }
        a->n = kept;
    }
}
