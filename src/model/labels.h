/* What the credit models learn from: a subscriber's label is the outcome of its first loan issued
 * after the observation window (within model.horizon_days of its end), as the loan book stands
 * at its cut: default 1, repaid 0; an open loan or none at all leaves it unlabelled (-1). The
 * hold-out is drawn by keyed hash of the subscriber key, so it is the same at any rank count and
 * in every run with the same seed. */
#ifndef TELRISK_MODEL_LABELS_H
#define TELRISK_MODEL_LABELS_H

#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

enum { TR_UNLABELLED = -1 };

/* loans: one subscriber's loans (any order). window_end: seconds; horizon_days > 0. */
int8_t tr_label(const struct tr_loan_rec *loans, size_t n, int64_t window_end,
                int64_t horizon_days);

/* 1 for the hold-out share of subscribers, else 0. */
int8_t tr_holdout(uint64_t key, uint64_t seed, double share);

#endif
