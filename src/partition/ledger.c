#include "partition/ledger.h"

#include "core/error.h"
#include "partition/exchange.h"
#include "partition/partition.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The join's all-to-alls: sent per rank per round (each round's memory is given back as the
 * next fills: partition/exchange.h). */
#define LEDGER_ROUND_BYTES ((size_t)16 << 20)

/* What the directory knows of an accepted loan: led by its loan key, which places it. */
struct loan_entry {
    uint64_t loan, borrower;
    int64_t issued; /* seconds: 00:00 UTC of the issued day */
    uint64_t order;
};

/* At the borrower: by (borrower, time, input order) with the radix sort. order is unique per
 * line, so the order is total and the same at any rank count. */
static void sort_repayments(struct tr_array *reps)
{
    tr_sort_records_copying(reps, (int)offsetof(struct tr_repayment, t),
                            (int)offsetof(struct tr_repayment, order), -1);
}

/* Every rank's loans' entries at their loan's directory rank, sorted by loan. */
static void directory_of(const struct tr_ctx *ctx, const struct tr_partition *p,
                         const struct tr_array *loans, struct tr_array *dir)
{
    tr_array_init(dir, sizeof(struct loan_entry));
    tr_array_reserve(dir, loans->n);
    for (size_t i = 0; i < loans->n; i++) {
        const struct tr_loan_rec *l = tr_array_at(loans, i);
        struct loan_entry *e = tr_array_push(dir);
        *e = (struct loan_entry){l->loan, l->self, (int64_t)l->issued * 86400, l->order};
    }
    tr_partition_shuffle(ctx, p, dir, LEDGER_ROUND_BYTES);
    /* By (loan, input order): the radix sort, as the repayments'. */
    tr_sort_records_copying(dir, -1, (int)offsetof(struct loan_entry, order), -1);
}

/* The directory's first entry of a loan at or after *at, or NULL: the repayments come in loan
 * order, as the directory, so one walk through it serves them all (repeats of one line agree). */
static const struct loan_entry *find_loan(const struct tr_array *dir, size_t *at, uint64_t loan)
{
    const struct loan_entry *e = (const struct loan_entry *)dir->data;
    while (*at < dir->n && e[*at].loan < loan)
        (*at)++;
    return *at < dir->n && e[*at].loan == loan ? &e[*at] : NULL;
}

/* At the directory, the repayments taken in (loan, time, input order), in_order[j] the j-th,
 * without moving them: each whose loan the pass holds given its borrower, or rejected into late
 * when paid before the loan's first day or from cut_end (seconds) on; one whose loan no pass held
 * rejected in the last pass; the others (another pass's) dropped. Those kept stay in the order
 * they came in (the borrower's sort orders them). */
static void join_here(const struct tr_array *dir, struct tr_array *reps, const uint64_t *in_order,
                      int last_pass, int64_t cut_end, uint8_t *matched,
                      struct tr_late_rejects *late)
{
    struct tr_repayment *rep = (struct tr_repayment *)reps->data;
    uint8_t *keep = TR_CALLOC(reps->n + 1, 1);
    size_t at = 0;
    for (size_t j = 0; j < reps->n; j++) {
        struct tr_repayment *r = &rep[in_order[j]];
        const struct loan_entry *e = find_loan(dir, &at, r->loan);
        if (e) matched[j] = 1;
        if (!e && last_pass && !matched[j])
            tr_late_add(late, TR_T_REPAYMENTS, r->order, TR_R_UNKNOWN_LOAN,
                        "no accepted loan has this loan_id");
        if (e && r->t < e->issued)
            tr_late_add(late, TR_T_REPAYMENTS, r->order, TR_R_BEFORE_ISSUE,
                        "paid before its loan's issued day");
        else if (e && r->t >= cut_end)
            tr_late_add(late, TR_T_REPAYMENTS, r->order, TR_R_AFTER_CUT,
                        "paid after the ledger's cut (credit.ledger_cut)");
        if (!e || r->t < e->issued || r->t >= cut_end) continue;
        r->self = e->borrower;
        keep[in_order[j]] = 1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < reps->n; i++)
        if (keep[i]) rep[kept++] = rep[i]; /* a struct's copy: inlined, not a call per record */
    reps->n = kept;
    free(keep);
}

/* This pass's flags of the directory's repayments: the first pass's made, a later one's checked
 * to be of the same repayments (the same count: the same files, the same routing). */
static uint8_t *pass_flags(const struct tr_pass *pass, size_t n, struct tr_ledger_passes *m)
{
    if (pass->k == 0) {
        tr_ledger_passes_free(m);
        m->n = n;
        m->matched = TR_CALLOC(n + 1, 1);
    } else if (m->n != n) {
        TR_DIE(TR_EXIT_INTERNAL, "pass %d holds %zu repayments at its directory, pass 1 %zu",
               pass->k + 1, n, m->n);
    }
    return m->matched;
}

void tr_ledger_passes_free(struct tr_ledger_passes *m)
{
    free(m->matched);
    *m = (struct tr_ledger_passes){0};
}

/* Sorted at the borrower: byte-identical lines (same loan, time, amount and line hash) kept
 * once, the copy first in input order; the others counted in their own file's duplicates. */
static void drop_repeats(struct tr_array *reps, int64_t *per_file)
{
    struct tr_repayment *rep = (struct tr_repayment *)reps->data;
    size_t kept = 0, group = 0; /* group: the first kept record of this (self, t) */
    for (size_t i = 0; i < reps->n; i++) {
        const struct tr_repayment r = rep[i];
        int repeat = 0;
        if (kept > 0 && (rep[group].self != r.self || rep[group].t != r.t)) group = kept;
        for (size_t j = group; j < kept && !repeat; j++)
            repeat = rep[j].loan == r.loan && rep[j].line == r.line && rep[j].amount == r.amount;
        if (repeat) {
            per_file[tr_order_file(r.order)]++;
            continue;
        }
        rep[kept++] = r; /* a struct's copy: inlined, not a call per record */
    }
    reps->n = kept;
}

void tr_repayments_join(const struct tr_ctx *ctx, const struct tr_pass *pass,
                        const struct tr_array *loans, struct tr_array *repayments, int64_t cut_end,
                        struct tr_late_rejects *late, int n_files, int64_t *dups,
                        struct tr_ledger_passes *m)
{
    struct tr_partition by_loan_key, owners; /* the directory's cut; the pass's borrowers' */
    tr_partition_pass(&(struct tr_pass){0, 1, ctx->size}, &by_loan_key);
    tr_partition_pass(pass, &owners);
    struct tr_array dir;
    directory_of(ctx, &by_loan_key, loans, &dir);
    tr_partition_shuffle(ctx, &by_loan_key, repayments, LEDGER_ROUND_BYTES); /* to directory */
    /* Their order there, (loan, time, input order), is the same in every pass: the flags' */
    uint64_t *in_order = tr_sort_order(repayments, (int)offsetof(struct tr_repayment, t),
                                       (int)offsetof(struct tr_repayment, order), -1);
    uint8_t *matched = pass_flags(pass, repayments->n, m);
    join_here(&dir, repayments, in_order, pass->k == pass->K - 1, cut_end, matched, late);
    free(in_order);
    tr_array_free(&dir);
    tr_partition_shuffle(ctx, &owners, repayments, LEDGER_ROUND_BYTES); /* keyed by borrower */
    tr_partition_free(&owners);
    tr_partition_free(&by_loan_key);
    sort_repayments(repayments);
    int64_t *mine = TR_CALLOC((size_t)n_files + 1, sizeof(int64_t));
    drop_repeats(repayments, mine);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, mine, n_files, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int f = 0; f < n_files; f++)
        dups[f] += mine[f];
    free(mine);
}
