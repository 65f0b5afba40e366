/* Key-range partitioning: every subscriber's records on one rank (its owner), sorted by
 * (key, time, input order). The key space is cut into equal ranges: keys are keyed hashes, so
 * ranks get even shares of subscribers (and, over many subscribers, of records), and the cut is
 * known before any record is read, so ingest sends each record to its owner as it reads it.
 * Nothing computed depends on the cut. Subscribers' records cross ranks only through
 * partition/exchange.h (the antennas, which every rank holds, and the rejects, gathered to rank 0,
 * go their own ways in records/). */
#ifndef TELRISK_PARTITION_PARTITION_H
#define TELRISK_PARTITION_PARTITION_H

#include "core/log.h"
#include "records/tables.h"

struct tr_partition {
    int n_ranks;
    uint64_t *upper; /* [n_ranks]: rank r owns keys k with upper[r-1] <= k < upper[r] (last: all) */
    int even;        /* the key space cut in n_ranks equal ranges (owner found by arithmetic) */
};

void tr_partition_free(struct tr_partition *p);
int tr_partition_owner(const struct tr_partition *p, uint64_t key);

/* The cut: a run in passes (partition.max_memory_per_rank) cuts the key space into P x K equal
 * slices, and pass k of K gives rank r of P the slice r K + k; a run without passes is one pass
 * (k = 0, K = 1). Each rank's keys rise from pass to pass and stay below the next rank's, so the
 * passes' rows, appended, are in the one global key order. */
struct tr_pass {
    int k, K, P;
};
/* Collective: how many passes keep a rank's peak memory under partition.max_memory_per_rank (1:
 * no limit, or enough), from a model of the peak fitted on the benchmark country
 * (partition/passes.c); says so, and warns when even the most passes cannot. */
struct tr_config;
int tr_passes_plan(const struct tr_ctx *ctx, const struct tr_config *cfg);

/* Whether key belongs to the pass (to any rank's slice of it). */
int tr_pass_contains(const struct tr_pass *s, uint64_t key);
/* The pass's owners: rank r gets its slice (keys outside the pass go somewhere, unused). */
void tr_partition_pass(const struct tr_pass *s, struct tr_partition *p);

/* Sorts records (each starting with its uint64 key) by (key, time, order, tie): byte offsets of
 * the int64 time (-1: none), the uint64 order and a one-byte tie-break (-1: none). */
void tr_sort_records(struct tr_array *a, int t_at, int order_at, int tie_at);
/* The same order, faster, with a second copy of a's records while it runs: for a table small
 * beside the records (the repayments), not for the big ones. */
void tr_sort_records_copying(struct tr_array *a, int t_at, int order_at, int tie_at);

/* The same order as a permutation, a left as it is: index[i] is the record at place i ([a->n],
 * to free). For a pass over the records in that order without moving them. */
uint64_t *tr_sort_order(const struct tr_array *a, int t_at, int order_at, int tie_at);

/* Local sorts by (key, time, order) for the event tables, (key, order) for the others. */
void tr_sort_cdr(struct tr_array *a);
void tr_sort_money(struct tr_array *a);
void tr_sort_timed(struct tr_array *a); /* tr_recharge, tr_data, tr_swap: {key, t, order, ...} */
void tr_sort_keyed(struct tr_array *a); /* tr_subscriber, tr_loan_rec: {key, order, ...} */

/* After the sort: drops exact duplicates (same key, time and line hash: byte-identical lines, the
 * first in input order kept) and counts, per input file, the dropped copies that are primary (the
 * caller's copy of a two-party record). keyed: the register tables (key and line only). */
int64_t tr_dedupe_cdr(struct tr_array *a, int64_t *per_file);
int64_t tr_dedupe_money(struct tr_array *a, int64_t *per_file);
int64_t tr_dedupe_timed(struct tr_array *a, int64_t *per_file);
int64_t tr_dedupe_keyed(struct tr_array *a, int64_t *per_file);

#endif
