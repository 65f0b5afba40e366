/* Stage timing: each stage's wall time (slowest rank), records and records per second, and the
 * largest peak memory of any rank, for the log and the run file's /provenance/stages. */
#ifndef TELRISK_CORE_STAGE_H
#define TELRISK_CORE_STAGE_H

#include "core/log.h"

#include <stdint.h>

#define TR_MAX_STAGES 24

/* One pipeline stage's timing and figure of merit. Same on every rank. */
struct tr_stage_stat {
    char name[32];
    double seconds;       /* wall time, slowest rank */
    int64_t records;      /* records (or subscribers) the stage processed, all ranks */
    double records_per_s; /* records / seconds */
    double peak_mib;      /* largest peak resident memory of any rank after the stage */
    double peak_mib_sum;  /* the ranks' peaks, summed (what the job asks of its nodes) */
};

struct tr_stages {
    struct tr_stage_stat stat[TR_MAX_STAGES];
    int n;
    double started;
};

void tr_stage_begin(struct tr_stages *s);
/* Collective: records is this rank's count; the total is summed. */
void tr_stage_end(const struct tr_ctx *ctx, struct tr_stages *s, const char *name, int64_t records,
                  const char *unit);

/* A sub-stage measured elsewhere (seconds and total already the same on every rank), e.g. the
 * Newton iterations inside the model stage. Not collective. */
void tr_stage_record(const struct tr_ctx *ctx, struct tr_stages *s, const char *name,
                     double seconds, int64_t total, const char *unit);

/* Adds src's rows into dst: a stage of the same name (an earlier pass) gets the time and records
 * added and the larger peak; a new one is appended. */
void tr_stages_merge(struct tr_stages *dst, const struct tr_stages *src);

#endif
