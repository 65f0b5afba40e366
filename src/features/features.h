/* The indicators stage: for every subscriber of the register this rank owns (in key order), its
 * indicators from the partitioned, sorted tables. */
#ifndef TELRISK_FEATURES_FEATURES_H
#define TELRISK_FEATURES_FEATURES_H

#include "output/runfile.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

struct tr_feature_table {
    size_t n;           /* subscribers */
    int n_features;
    const struct tr_feature_info *info; /* [n_features] */
    uint64_t *key;      /* [n], increasing */
    int32_t *region;    /* [n]: the register's, else the home antenna's, else -1 */
    double *values;     /* [n x n_features], row-major */
    int64_t unregistered[TR_T_COUNT]; /* records whose subscriber is not in the register */
};

/* tables: this rank's partitioned tables, sorted; antennas: all of them; window_end: the
 * observation window's end (seconds), the same on every rank. */
void tr_features_compute(const struct tr_array *tables, const struct tr_antenna_rec *antennas,
                         int64_t window_end, struct tr_feature_table *out);
void tr_feature_table_free(struct tr_feature_table *f);

#endif
