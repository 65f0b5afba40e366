/* Stage timing: each stage's wall time (slowest rank), records and records per second, and the
 * largest peak memory of any rank, for the log and the run file's /provenance/stages. */
#ifndef TELRISK_CORE_STAGE_H
#define TELRISK_CORE_STAGE_H

#include "core/log.h"

#include <stdint.h>

#define TR_MAX_STAGES 32

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

/* Clocks of a stage's parts that belong to one feature (as PETSc's log events), timed where they
 * run and reported under the stage they ran in: the loan ledger's, whose cost inside the read,
 * the partition, the indicators and the checkpoints would otherwise be hidden in theirs
 * (docs/performance.md). */
enum tr_clock {
    TR_CLOCK_READ_REPAYMENTS, /* "read.repayments": the repayments files read, lines */
    TR_CLOCK_LEDGER_JOIN,     /* "partition.ledger": repayments joined to their loans */
    TR_CLOCK_LEDGER_WALK,     /* "indicators.ledger": obligors' ledgers walked */
    TR_CLOCK_LEDGER_WRITE,    /* "checkpoint.records.ledger": /ledger written, loans */
    TR_CLOCK_IFRS9_WRITE,     /* "checkpoint.model.ifrs9": /ifrs9 written, loans */
    TR_CLOCKS
};
/* This rank's seconds and records added to clock c. tr_stage_end reports each clock that ran
 * since the last stage ended, after the stage's own row, as a row of its own (the slowest
 * rank's seconds, all ranks' records), and sets it back to zero. */
void tr_clock_add(enum tr_clock c, double seconds, int64_t records);

/* Adds src's rows into dst: a stage of the same name (an earlier pass) gets the time and records
 * added and the larger peak; a new one is appended. */
void tr_stages_merge(struct tr_stages *dst, const struct tr_stages *src);

#endif
