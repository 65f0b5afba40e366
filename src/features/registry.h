/* The feature registry: every feature telrisk computes beyond bandicoot's (payments, top-ups,
 * data, loans, the register), with its unit and a one-line description (written as HDF5
 * attributes and listed in docs/indicators.md). */
#ifndef TELRISK_FEATURES_REGISTRY_H
#define TELRISK_FEATURES_REGISTRY_H

/* Feature metadata (the registry's view). */
struct tr_feature_info {
    const char *name;
    const char *unit;
    const char *description;
};

/* Mobile money, per direction: all records, those where the subscriber pays (out), receives (in).
 */
enum tr_mm_dir { TR_MM_ALL, TR_MM_IN, TR_MM_OUT, TR_MM_DIRS };

enum tr_feat {
    /* per direction: count, amount sum/mean/min/max, distinct counterparties (6 x 3) */
    TR_FEAT_MM_COUNT,
    TR_FEAT_MM_AMOUNT_SUM = TR_FEAT_MM_COUNT + TR_MM_DIRS,
    TR_FEAT_MM_AMOUNT_MEAN = TR_FEAT_MM_AMOUNT_SUM + TR_MM_DIRS,
    TR_FEAT_MM_AMOUNT_MIN = TR_FEAT_MM_AMOUNT_MEAN + TR_MM_DIRS,
    TR_FEAT_MM_AMOUNT_MAX = TR_FEAT_MM_AMOUNT_MIN + TR_MM_DIRS,
    TR_FEAT_MM_COUNTERPARTIES = TR_FEAT_MM_AMOUNT_MAX + TR_MM_DIRS,
    /* per txn_type: count, amount sum, amount mean (7 x 3) */
    TR_FEAT_MM_TYPE_COUNT = TR_FEAT_MM_COUNTERPARTIES + TR_MM_DIRS,
    TR_FEAT_MM_TYPE_AMOUNT = TR_FEAT_MM_TYPE_COUNT + 7,
    TR_FEAT_MM_TYPE_MEAN = TR_FEAT_MM_TYPE_AMOUNT + 7,
    TR_FEAT_MM_BALANCE_MEAN = TR_FEAT_MM_TYPE_MEAN + 7,
    TR_FEAT_MM_BALANCE_MIN,
    TR_FEAT_MM_BALANCE_MAX,
    TR_FEAT_MM_CASHOUT_SHARE,
    TR_FEAT_MM_BILLPAY_BILLERS,
    TR_FEAT_MM_BILLPAY_DOM_STD,
    TR_FEAT_RECHARGES_COUNT,
    TR_FEAT_RECHARGES_SUM,
    TR_FEAT_RECHARGES_MEAN,
    TR_FEAT_RECHARGES_MIN,
    TR_FEAT_RECHARGES_MAX,
    TR_FEAT_RECHARGES_DAYS,
    TR_FEAT_RECHARGES_GAP_CV,
    TR_FEAT_DATA_COUNT,
    TR_FEAT_DATA_SUM,
    TR_FEAT_DATA_MEAN,
    TR_FEAT_DATA_MIN,
    TR_FEAT_DATA_MAX,
    TR_FEAT_DATA_DAYS,
    TR_FEAT_LOANS_PRIOR,
    TR_FEAT_LOANS_PRIOR_DEFAULTED,
    TR_FEAT_LOANS_PRIOR_REPAID_SHARE,
    TR_FEAT_LOANS_PRIOR_AMOUNT_MEAN,
    TR_FEAT_LOANS_DAYS_PAST_DUE_MEAN,
    TR_FEAT_SIM_SWAPS,
    TR_FEAT_TENURE_DAYS,
    TR_FEAT_POSTPAID,
    TR_FEAT_COUNT
};

extern const struct tr_feature_info tr_feature_registry[TR_FEAT_COUNT];

#endif
