/* The repayments joined to their loans (docs/credit.md section 1). A repayment names a loan, not
 * a subscriber, so it cannot go to its borrower's owner as it is read: it goes to its loan's
 * directory rank (the owner of the loan's key), where the accepted loans' (loan, borrower, issued
 * day) wait too. There it is rejected (unknown_loan, before_issue; records/late.h) or given its
 * borrower's key, and then it travels to the borrower's owner. The directory is a place, never a
 * result: every rank count joins the same pairs and rejects the same lines. */
#ifndef TELRISK_PARTITION_LEDGER_H
#define TELRISK_PARTITION_LEDGER_H

#include "core/log.h"
#include "records/late.h"
#include "records/tables.h"

#include <stdint.h>

/* Collective, in a run of one pass, after the loans are sorted, deduplicated and their conflicts
 * dropped: every repayment (keyed by its loan) joined to its loan, or rejected into late; the
 * joined ones at their borrower's owner sorted by (borrower, loan, time, order), exact duplicates
 * (byte-identical lines) dropped and added to dups[n_files] (of the later copy's file). */
void tr_repayments_join(const struct tr_ctx *ctx, const struct tr_array *loans,
                        struct tr_array *repayments, struct tr_late_rejects *late, int n_files,
                        int64_t *dups);

#endif
