/* The indicators stage: for every subscriber of the register this rank owns (in key order), its
 * indicators from the partitioned, sorted tables: bandicoot's (features/bandicoot/) then the
 * registry's (features/registry.h), or the basic CDR set alone (features/basic.h). */
#ifndef TELRISK_FEATURES_FEATURES_H
#define TELRISK_FEATURES_FEATURES_H

#include "core/tz.h"
#include "features/ledger_days.h"
#include "features/registry.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

struct tr_feature_options {
    int full;  /* features.set = full: bandicoot's weekday/weekend and day/night splits too */
    int basic; /* features.set = basic: the thirteen CDR basics only (features/basic.h) */
    int has_recharges;        /* the run has a recharges table: bandicoot's recharge indicators */
    int64_t horizon_days;     /* labels: model.horizon_days */
    int64_t oot_day;          /* model.oot_date in days since 1970; INT64_MAX: none */
    const struct tr_tz *zone; /* run.timezone (NULL: UTC) */
    /* The ledger's settings when the run has a repayments table (NULL: none; the labels are the
     * statuses'): every obligor's ledger is followed day by day (features/ledger_days.h). */
    const struct tr_ledger_settings *ledger;
};

struct tr_feature_table {
    size_t n; /* subscribers */
    int n_features;
    const struct tr_feature_info *info; /* [n_features] */
    uint64_t *key;                      /* [n], increasing */
    int32_t *region;                    /* [n]: the register's, else the home antenna's, else -1 */
    int8_t *label;                      /* [n]: features/labels.h */
    int8_t *holdout; /* [n]: TR_TRAINING, TR_HOLDOUT or TR_OUT_OF_TIME (features/labels.h) */
    double *values;  /* [n x n_features], row-major */
    int64_t unregistered[TR_T_COUNT]; /* records whose subscriber is not in the register */
    struct tr_ledger_table ledger;    /* the obligors among them, and their loans */
};

/* tables: this rank's partitioned tables, sorted; antennas: all n_antennas of them; window_end:
 * the observation window's end (seconds), the same on every rank. */
void tr_features_compute(const struct tr_array *tables, const struct tr_antenna_rec *antennas,
                         size_t n_antennas, int64_t window_end, const struct tr_feature_options *o,
                         struct tr_feature_table *out);
void tr_feature_table_free(struct tr_feature_table *f);
/* src's rows after dst's (a later pass: its keys follow; dst may be zeroed, empty). Into an
 * empty dst, src's arrays are moved, not copied (a run in one pass copies nothing), and src is
 * left empty; src is to be freed after either way. */
void tr_feature_table_append(struct tr_feature_table *dst, struct tr_feature_table *src);

/* The feature names and metadata for these options, without computing anything. */
const struct tr_feature_info *tr_feature_list(const struct tr_feature_options *o, int *n);

#endif
