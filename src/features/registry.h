/* The feature registry: every feature the run file can carry, with its unit and a one-line
 * description (written as HDF5 attributes and listed in docs/indicators.md). */
#ifndef TELRISK_FEATURES_REGISTRY_H
#define TELRISK_FEATURES_REGISTRY_H

#include "output/runfile.h"

enum tr_feat {
    TR_FEAT_INTERACTIONS_IN,
    TR_FEAT_INTERACTIONS_OUT,
    TR_FEAT_CALLS,
    TR_FEAT_TEXTS,
    TR_FEAT_CONTACTS,
    TR_FEAT_ACTIVE_DAYS,
    TR_FEAT_CALL_DURATION_MEAN,
    TR_FEAT_CALL_DURATION_STD,
    TR_FEAT_PERCENT_NOCTURNAL,
    TR_FEAT_ANTENNAS,
    TR_FEAT_RECHARGES_COUNT,
    TR_FEAT_RECHARGES_AMOUNT,
    TR_FEAT_PAYMENTS_COUNT,  /* 7 consecutive: one per txn_type */
    TR_FEAT_PAYMENTS_AMOUNT = TR_FEAT_PAYMENTS_COUNT + 7,
    TR_FEAT_COUNT = TR_FEAT_PAYMENTS_AMOUNT + 7
};

extern const struct tr_feature_info tr_feature_registry[TR_FEAT_COUNT];

#endif
