#include "features/labels.h"

int8_t tr_label(const struct tr_loan_rec *loans, size_t n, int64_t window_end, int64_t horizon_days)
{
    int64_t issued;
    return tr_label_issued(loans, n, window_end, horizon_days, &issued);
}

int8_t tr_label_issued(const struct tr_loan_rec *loans, size_t n, int64_t window_end,
                       int64_t horizon_days, int64_t *issued_day)
{
    const int64_t first_day = window_end / 86400, last_day = first_day + horizon_days;
    const struct tr_loan_rec *first = NULL;
    for (size_t k = 0; k < n; k++) {
        const struct tr_loan_rec *l = &loans[k];
        if (l->issued < first_day || l->issued >= last_day) continue;
        if (!first || l->issued < first->issued ||
            (l->issued == first->issued && l->order < first->order))
            first = l;
    }
    *issued_day = first ? first->issued : INT64_MAX;
    if (!first || first->status == TR_ST_OPEN) return TR_UNLABELLED;
    /* written_off and restructured are defaults as much as default is (docs/credit.md). */
    return tr_status_defaulted(first->status) ? 1 : 0;
}

int8_t tr_sample_of(int drawn, int8_t label, int64_t issued_day, int64_t oot_day)
{
    if (label != TR_UNLABELLED && issued_day >= oot_day) return TR_OUT_OF_TIME;
    return drawn ? TR_HOLDOUT : TR_TRAINING;
}
