/* The basic CDR feature set (features.set = basic): thirteen whole-window indicators of a
 * subscriber's calls and texts, both directions, as a SQL engine would compute them with one scan
 * and a few GROUP BYs (scripts/duckdb/features.sql computes the same, and scripts/bench.sh
 * --vs-duckdb checks that the two agree). docs/indicators.md defines each. */
#ifndef TELRISK_FEATURES_BASIC_H
#define TELRISK_FEATURES_BASIC_H

#include "core/tz.h"
#include "features/registry.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

enum tr_basic {
    TR_BASIC_IN,
    TR_BASIC_OUT,
    TR_BASIC_CALLS,
    TR_BASIC_TEXTS,
    TR_BASIC_ACTIVE_DAYS,
    TR_BASIC_CONTACTS,
    TR_BASIC_DURATION_MEAN,
    TR_BASIC_DURATION_STD,
    TR_BASIC_NOCTURNAL,
    TR_BASIC_INITIATED,
    TR_BASIC_ANTENNAS,
    TR_BASIC_ENTROPY,
    TR_BASIC_INTEREVENT_MEAN,
    TR_BASIC_COUNT
};

extern const struct tr_feature_info tr_basic_features[TR_BASIC_COUNT];

/* Scratch reused across subscribers: a hash table of contacts, the antennas seen. */
struct tr_basic_scratch {
    uint64_t *contact;      /* [slots]: key + 1, 0 = free */
    uint32_t *count;        /* [slots] */
    uint32_t *order;        /* [slots]: the slots in first-seen order */
    size_t slots, mask;     /* allocated; the part in use (a power of two, less one) */
    uint32_t *antenna_seen; /* [n_antennas]: the stamp of the last subscriber that used it */
    size_t n_antennas;
    uint32_t stamp;
};

void tr_basic_scratch_init(struct tr_basic_scratch *s, size_t n_antennas);
void tr_basic_scratch_free(struct tr_basic_scratch *s);

/* out[TR_BASIC_COUNT] from one subscriber's CDRs c[0..n), sorted by time; night and days on the
 * local clock of zone (NULL: UTC). */
void tr_basic_compute(const struct tr_cdr *c, size_t n, const struct tr_tz *zone,
                      struct tr_basic_scratch *s, double *out);

#endif
