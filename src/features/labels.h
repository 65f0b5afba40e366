/* What the credit models learn from, drawn with the indicators (the loans are in memory only
 * while the records are): a subscriber's label is the outcome of its first loan issued
 * after the observation window (within model.horizon_days of its end), as the loan book stands
 * at its cut: default 1, repaid 0; an open loan or none at all leaves it unlabelled (-1). The
 * hold-out is drawn at ingest from the subscriber id with model.holdout_salt (not the privacy
 * key), so it is the same at any rank count, in every run with the same salt, whatever the key
 * file. */
#ifndef TELRISK_FEATURES_LABELS_H
#define TELRISK_FEATURES_LABELS_H

#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

enum { TR_UNLABELLED = -1 };

/* A subscriber's sample (/subscribers/holdout): the models learn from the training sample and
 * are validated on the other two. */
enum { TR_TRAINING = 0, TR_HOLDOUT = 1, TR_OUT_OF_TIME = 2 };

/* loans: one subscriber's loans (any order). window_end: seconds; horizon_days > 0. */
int8_t tr_label(const struct tr_loan_rec *loans, size_t n, int64_t window_end,
                int64_t horizon_days);

/* The same, with the labelling loan's issue day (days since 1970; INT64_MAX when none). */
int8_t tr_label_issued(const struct tr_loan_rec *loans, size_t n, int64_t window_end,
                       int64_t horizon_days, int64_t *issued_day);

/* TR_OUT_OF_TIME for a labelled subscriber whose loan was issued on or after oot_day (INT64_MAX:
 * no out-of-time sample), else the hold-out draw made at ingest (drawn: struct tr_subscriber's
 * holdout, core/keyhash.h's tr_holdout_drawn). */
int8_t tr_sample_of(int drawn, int8_t label, int64_t issued_day, int64_t oot_day);

#endif
