/* One subscriber's indicators from its sorted records: one pass, in a fixed order, so the
 * floating-point results are the same on any rank. */
#ifndef TELRISK_FEATURES_INDICATORS_H
#define TELRISK_FEATURES_INDICATORS_H

#include "features/registry.h"
#include "records/tables.h"

#include <stddef.h>

/* A subscriber's records (each array sorted by time, then input order). */
struct tr_subscriber_records {
    uint64_t key;
    const struct tr_cdr *cdr;
    size_t n_cdr;
    const struct tr_money *money;
    size_t n_money;
    const struct tr_recharge *recharges;
    size_t n_recharges;
};

/* Scratch space reused across subscribers. */
struct tr_indicator_scratch {
    uint64_t *keys;
    int32_t *antennas;
    size_t cap;
};

void tr_indicator_scratch_free(struct tr_indicator_scratch *s);

/* Fills out[TR_FEAT_COUNT] (NaN where undefined). home_antenna: the most frequent antenna of
 * the subscriber's night-time records (else of all), -1 without any. */
void tr_indicators(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                   double *out, int32_t *home_antenna);

#endif
