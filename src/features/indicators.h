/* A subscriber's indicators from its sorted records, in a fixed order, so the floating-point
 * results are the same on any rank: the registry's features (payments, top-ups, data, loans,
 * register; tr_indicators_fixed) and the home antenna that places a subscriber the register
 * leaves without a region. bandicoot's indicators are in features/bandicoot/. */
#ifndef TELRISK_FEATURES_INDICATORS_H
#define TELRISK_FEATURES_INDICATORS_H

#include "features/registry.h"
#include "core/tz.h"
#include "records/tables.h"

#include <stddef.h>

/* A subscriber's records (each array sorted by time, then input order) and the window. */
struct tr_subscriber_records {
    uint64_t key;
    const struct tr_subscriber *reg;
    const struct tr_cdr *cdr;
    size_t n_cdr;
    const struct tr_money *money;
    size_t n_money;
    const struct tr_recharge *recharges;
    size_t n_recharges;
    const struct tr_data *data;
    size_t n_data;
    const struct tr_loan_rec *loans;
    size_t n_loans;
    const struct tr_swap *swaps;
    size_t n_swaps;
    const struct tr_repayment *repayments; /* joined to its loans: by (time, order) */
    size_t n_repayments;
    int64_t window_end; /* seconds: the end of the observation window (last record's day end) */
    const struct tr_tz *zone; /* run.timezone: the clock of night and days (NULL: UTC) */
};

/* Scratch space reused across subscribers. */
struct tr_indicator_scratch {
    uint64_t *keys;
    int32_t *antennas;
    size_t cap;
};

void tr_indicator_scratch_free(struct tr_indicator_scratch *s);
/* Room for n keys and n antennas. */
void tr_indicator_scratch_reserve(struct tr_indicator_scratch *s, size_t n);
/* Sorts v[0..n) and keeps each value once at its front; returns how many. */
size_t tr_distinct_u64(uint64_t *v, size_t n);
/* qsort/bsearch order of uint64_t. */
int tr_cmp_u64(const void *a, const void *b);

/* The most frequent known antenna of the subscriber's night-time calls and texts (19:00-07:00),
 * else of all of them; the smallest index on a tie; -1 without any. */
int32_t tr_home_antenna(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s);

/* Fills out[TR_FEAT_COUNT]: the registry's features (features/registry.h). */
void tr_indicators_fixed(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                         double *out);

#endif
