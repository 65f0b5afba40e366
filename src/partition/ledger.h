/* The repayments joined to their loans (docs/credit.md section 1). A repayment names a loan, not
 * a subscriber, so it cannot go to its borrower's owner as it is read: it goes to its loan's
 * directory rank (the owner of the loan's key), where the accepted loans' (loan, borrower, issued
 * day) wait too. There it is rejected (unknown_loan, before_issue; records/late.h) or given its
 * borrower's key, and then it travels to the borrower's owner. The directory is a place, never a
 * result: every rank count joins the same pairs and rejects the same lines. */
#ifndef TELRISK_PARTITION_LEDGER_H
#define TELRISK_PARTITION_LEDGER_H

#include "core/log.h"
#include "partition/partition.h"
#include "records/late.h"
#include "records/tables.h"

#include <stdint.h>

/* What the join remembers from pass to pass of a run in passes: which of the repayments this
 * rank holds at their directory (the same ones, in the same order, every pass: the files and the
 * routing are) have found their loan in some pass. A repayment is unknown_loan only when no pass
 * held its loan. */
struct tr_ledger_passes {
    size_t n;         /* repayments at this rank's directory */
    uint8_t *matched; /* [n]: its loan was among some pass's loans */
};
void tr_ledger_passes_free(struct tr_ledger_passes *m);

/* Collective, in each pass after the loans are sorted, deduplicated and their conflicts dropped:
 * every repayment (keyed by its loan; every pass reads them all) joined to its loan among the
 * pass's loans, or rejected into late (before_issue, or after_cut from cut_end (seconds; INT64_MAX:
 * no cut) on, in the pass that holds its loan; unknown_loan
 * in the last pass, when no pass held it); the joined ones at their borrower's owner in the pass
 * sorted by (borrower, time, order), exact duplicates (byte-identical lines) dropped and
 * added to dups[n_files] (of the later copy's file); those of other passes' loans dropped. */
void tr_repayments_join(const struct tr_ctx *ctx, const struct tr_pass *pass,
                        const struct tr_array *loans, struct tr_array *repayments, int64_t cut_end,
                        struct tr_late_rejects *late, int n_files, int64_t *dups,
                        struct tr_ledger_passes *m);

#endif
