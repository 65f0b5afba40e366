#include "features/registry.h"

/* clang-format off */
const struct tr_feature_info tr_feature_registry[TR_FEAT_COUNT] = {
    [TR_FEAT_INTERACTIONS_IN] = {"interactions_in", "count", "calls and texts received"},
    [TR_FEAT_INTERACTIONS_OUT] = {"interactions_out", "count", "calls and texts made"},
    [TR_FEAT_CALLS] = {"calls", "count", "calls made or received"},
    [TR_FEAT_TEXTS] = {"texts", "count", "texts sent or received"},
    [TR_FEAT_CONTACTS] = {"contacts", "count", "distinct correspondents of calls and texts, either direction"},
    [TR_FEAT_ACTIVE_DAYS] = {"active_days", "days", "days with at least one call or text, either direction"},
    [TR_FEAT_CALL_DURATION_MEAN] = {"call_duration_mean", "s", "mean duration of calls made or received; NaN without calls"},
    [TR_FEAT_CALL_DURATION_STD] = {"call_duration_std", "s", "population standard deviation of call durations; NaN without calls"},
    [TR_FEAT_PERCENT_NOCTURNAL] = {"percent_nocturnal", "fraction", "share of calls and texts between 19:00 and 07:00 (both inclusive); NaN without any"},
    [TR_FEAT_ANTENNAS] = {"antennas", "count", "distinct known antennas at which the subscriber's calls and texts were placed"},
    [TR_FEAT_RECHARGES_COUNT] = {"recharges_count", "count", "airtime top-ups"},
    [TR_FEAT_RECHARGES_AMOUNT] = {"recharges_amount", "currency", "sum of airtime top-ups"},
    [TR_FEAT_PAYMENTS_COUNT + 0] = {"payments_count_p2p", "count", "mobile-money p2p transfers sent or received"},
    [TR_FEAT_PAYMENTS_COUNT + 1] = {"payments_count_cashin", "count", "mobile-money cash-ins"},
    [TR_FEAT_PAYMENTS_COUNT + 2] = {"payments_count_cashout", "count", "mobile-money cash-outs"},
    [TR_FEAT_PAYMENTS_COUNT + 3] = {"payments_count_billpay", "count", "mobile-money bill payments"},
    [TR_FEAT_PAYMENTS_COUNT + 4] = {"payments_count_merchant", "count", "mobile-money merchant payments"},
    [TR_FEAT_PAYMENTS_COUNT + 5] = {"payments_count_loan_disbursement", "count", "loan disbursements received"},
    [TR_FEAT_PAYMENTS_COUNT + 6] = {"payments_count_loan_repayment", "count", "loan repayments made"},
    [TR_FEAT_PAYMENTS_AMOUNT + 0] = {"payments_amount_p2p", "currency", "sum of p2p transfers sent or received"},
    [TR_FEAT_PAYMENTS_AMOUNT + 1] = {"payments_amount_cashin", "currency", "sum of cash-ins"},
    [TR_FEAT_PAYMENTS_AMOUNT + 2] = {"payments_amount_cashout", "currency", "sum of cash-outs"},
    [TR_FEAT_PAYMENTS_AMOUNT + 3] = {"payments_amount_billpay", "currency", "sum of bill payments"},
    [TR_FEAT_PAYMENTS_AMOUNT + 4] = {"payments_amount_merchant", "currency", "sum of merchant payments"},
    [TR_FEAT_PAYMENTS_AMOUNT + 5] = {"payments_amount_loan_disbursement", "currency", "sum of loan disbursements received"},
    [TR_FEAT_PAYMENTS_AMOUNT + 6] = {"payments_amount_loan_repayment", "currency", "sum of loan repayments made"},
};
/* clang-format on */
