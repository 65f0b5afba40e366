#include "core/stage.h"

#include "core/error.h"
#include "core/memory.h"
#include "core/timer.h"

#include <stdio.h>
#include <string.h>

/* One line per stage; scripts/bench.sh reads these. */
static void log_stage(const struct tr_ctx *ctx, const struct tr_stage_stat *st, const char *unit)
{
    TR_INFO(ctx,
            "%-10s %8.2f s  %12lld %-12s %10.3g %s/s (%.3g per rank)  peak %.0f MiB/rank, %.0f MiB"
            " in all",
            st->name, st->seconds, (long long)st->records, unit, st->records_per_s, unit,
            st->records_per_s / ctx->size, st->peak_mib, st->peak_mib_sum);
}

static const struct {
    const char *name, *unit;
} clock_names[TR_CLOCKS] = {
    [TR_CLOCK_READ_REPAYMENTS] = {"read.repayments", "lines"},
    [TR_CLOCK_LEDGER_JOIN] = {"partition.ledger", "repayments"},
    [TR_CLOCK_LEDGER_WALK] = {"indicators.ledger", "obligors"},
    [TR_CLOCK_LEDGER_WRITE] = {"checkpoint.records.ledger", "loans"},
    [TR_CLOCK_IFRS9_WRITE] = {"checkpoint.model.ifrs9", "loans"},
};
static double clock_seconds[TR_CLOCKS];
static int64_t clock_records[TR_CLOCKS];

void tr_clock_add(enum tr_clock c, double seconds, int64_t records)
{
    clock_seconds[c] += seconds;
    clock_records[c] += records;
}

/* Collective: the clocks that ran, as rows after the stage's, then zero. */
static void report_clocks(const struct tr_ctx *ctx, struct tr_stages *s)
{
    double most[TR_CLOCKS];
    int64_t total[TR_CLOCKS];
    MPI_CHECK(MPI_Allreduce(clock_seconds, most, TR_CLOCKS, MPI_DOUBLE, MPI_MAX, ctx->comm));
    MPI_CHECK(MPI_Allreduce(clock_records, total, TR_CLOCKS, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int c = 0; c < TR_CLOCKS; c++)
        if (most[c] > 0)
            tr_stage_record(ctx, s, clock_names[c].name, most[c], total[c], clock_names[c].unit);
    memset(clock_seconds, 0, sizeof clock_seconds);
    memset(clock_records, 0, sizeof clock_records);
}

void tr_stage_begin(struct tr_stages *s)
{
    s->started = tr_now();
}

void tr_stage_end(const struct tr_ctx *ctx, struct tr_stages *s, const char *name, int64_t records,
                  const char *unit)
{
    double mine[2] = {tr_now() - s->started, tr_peak_rss_mib()}, most[2], sum = 0;
    int64_t total = 0;
    MPI_CHECK(MPI_Allreduce(mine, most, 2, MPI_DOUBLE, MPI_MAX, ctx->comm));
    MPI_CHECK(MPI_Allreduce(&mine[1], &sum, 1, MPI_DOUBLE, MPI_SUM, ctx->comm));
    MPI_CHECK(MPI_Allreduce(&records, &total, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    if (s->n == TR_MAX_STAGES) return;
    struct tr_stage_stat *st = &s->stat[s->n++];
    snprintf(st->name, sizeof st->name, "%s", name);
    st->seconds = most[0];
    st->records = total;
    st->records_per_s = most[0] > 0 ? (double)total / most[0] : 0;
    st->peak_mib = most[1];
    st->peak_mib_sum = sum;
    log_stage(ctx, st, unit);
    report_clocks(ctx, s);
}

void tr_stage_record(const struct tr_ctx *ctx, struct tr_stages *s, const char *name,
                     double seconds, int64_t total, const char *unit)
{
    if (s->n == TR_MAX_STAGES) return;
    struct tr_stage_stat *st = &s->stat[s->n++];
    snprintf(st->name, sizeof st->name, "%s", name);
    st->seconds = seconds;
    st->records = total;
    st->records_per_s = seconds > 0 ? (double)total / seconds : 0;
    st->peak_mib = s->n > 1 ? s->stat[s->n - 2].peak_mib : 0;
    st->peak_mib_sum = s->n > 1 ? s->stat[s->n - 2].peak_mib_sum : 0;
    log_stage(ctx, st, unit);
}

void tr_stages_merge(struct tr_stages *dst, const struct tr_stages *src)
{
    for (int k = 0; k < src->n; k++) {
        const struct tr_stage_stat *a = &src->stat[k];
        struct tr_stage_stat *d = NULL;
        for (int j = 0; j < dst->n && !d; j++)
            if (strcmp(dst->stat[j].name, a->name) == 0) d = &dst->stat[j];
        if (!d && dst->n == TR_MAX_STAGES) continue;
        if (!d) {
            dst->stat[dst->n++] = *a;
            continue;
        }
        d->seconds += a->seconds;
        d->records += a->records;
        d->records_per_s = d->seconds > 0 ? (double)d->records / d->seconds : 0;
        if (a->peak_mib > d->peak_mib) d->peak_mib = a->peak_mib;
        if (a->peak_mib_sum > d->peak_mib_sum) d->peak_mib_sum = a->peak_mib_sum;
    }
}
