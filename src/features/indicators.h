/* A subscriber's indicators from its sorted records: one pass per table, in a fixed order, so
 * the floating-point results are the same on any rank. The call features here are the first,
 * simple ones; the fixed registry's features (payments, top-ups, data, loans, register) are
 * computed by tr_indicators_fixed. */
#ifndef TELRISK_FEATURES_INDICATORS_H
#define TELRISK_FEATURES_INDICATORS_H

#include "features/registry.h"
#include "records/tables.h"

#include <stddef.h>

enum tr_call_feat {
    TR_CF_INTERACTIONS_IN,
    TR_CF_INTERACTIONS_OUT,
    TR_CF_CALLS,
    TR_CF_TEXTS,
    TR_CF_CONTACTS,
    TR_CF_ACTIVE_DAYS,
    TR_CF_CALL_DURATION_MEAN,
    TR_CF_CALL_DURATION_STD,
    TR_CF_PERCENT_NOCTURNAL,
    TR_CF_ANTENNAS,
    TR_CF_COUNT
};
extern const struct tr_feature_info tr_call_features[TR_CF_COUNT];

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
    int64_t window_end; /* seconds: the end of the observation window (last record's day end) */
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
/* Distinct values among v[0..n) (sorted in place). */
size_t tr_distinct_u64(uint64_t *v, size_t n);

/* Fills out[TR_CF_COUNT] (NaN where undefined). home_antenna: the most frequent antenna of
 * the subscriber's night-time records (else of all), -1 without any. */
void tr_indicators_calls(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                         double *out, int32_t *home_antenna);

/* Fills out[TR_FEAT_COUNT]: the registry's features (features/registry.h). */
void tr_indicators_fixed(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                         double *out);

#endif
