/* Reference rows that conflict: a subscriber listed twice with other content, a loan id given to
 * two different loans. Which row stays must not depend on where the rows sit in the files, so the
 * rule is the content's: the row whose line hash is smallest stays, and every other is rejected
 * as conflicting_duplicate (records/late.h), whatever its position (byte-identical repeats stay
 * exact duplicates, counted as such). docs/formats.md, "Conflicting rows". */
#ifndef TELRISK_PARTITION_CONFLICTS_H
#define TELRISK_PARTITION_CONFLICTS_H

#include "core/log.h"
#include "records/ingest.h"
#include "records/late.h"

#include <stddef.h>
#include <stdint.h>

/* After the sort and the exact duplicates (by key, order): a subscriber's rows beyond the one
 * kept are dropped and rejected. Local: a subscriber's rows are all at its owner. */
void tr_subscriber_conflicts(struct tr_array *subscribers, struct tr_late_rejects *late);

/* The lines to drop from the loans, by order, sorted: the same on every rank. */
struct tr_loan_drop {
    uint64_t *order; /* [n] */
    size_t n;
};

/* Collective, after the first pass's read: every loan line noted (tr_ingest.loan_notes, emptied)
 * to its loan id's owner, which rejects the lines of an id given to different lines; every rank
 * gets the dropped lines' orders (each pass drops them: tr_loans_drop). */
void tr_loan_conflicts(const struct tr_ctx *ctx, struct tr_array *notes,
                       struct tr_late_rejects *late, struct tr_loan_drop *drop);
void tr_loans_drop(struct tr_array *loans, const struct tr_loan_drop *drop);
void tr_loan_drop_free(struct tr_loan_drop *drop);

#endif
