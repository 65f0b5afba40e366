#include "partition/conflicts.h"

#include "core/error.h"
#include "partition/exchange.h"
#include "partition/partition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTES_ROUND_BYTES                                                                          \
    ((size_t)64 << 20) /* the loan notes' all-to-all: sent per rank per round */

/* The excerpt says why, not where the kept row is: a line number can run to 6 digits, which the
 * excerpts never show (they might be an id). */
static void kept_excerpt(uint64_t kept_order, char out[TR_EXCERPT_MAX])
{
    (void)kept_order;
    snprintf(out, TR_EXCERPT_MAX, "another row of this id differs; the one kept is its rule's");
}

/* Of the rows [g0, g1) of one key: the one kept (smallest line hash, then order). */
static size_t kept_row(const struct tr_array *a, size_t g0, size_t g1)
{
    size_t best = g0;
    for (size_t i = g0 + 1; i < g1; i++) {
        const struct tr_subscriber *s = tr_array_at(a, i), *b = tr_array_at(a, best);
        if (s->line < b->line || (s->line == b->line && s->order < b->order)) best = i;
    }
    return best;
}

void tr_subscriber_conflicts(struct tr_array *a, struct tr_late_rejects *late)
{
    size_t kept = 0;
    for (size_t g0 = 0; g0 < a->n;) {
        const uint64_t key = ((const struct tr_subscriber *)tr_array_at(a, g0))->self;
        size_t g1 = g0 + 1;
        while (g1 < a->n && ((const struct tr_subscriber *)tr_array_at(a, g1))->self == key)
            g1++;
        const size_t best = kept_row(a, g0, g1);
        const uint64_t best_order = ((const struct tr_subscriber *)tr_array_at(a, best))->order;
        for (size_t i = g0; i < g1; i++) {
            if (i != best) {
                char excerpt[TR_EXCERPT_MAX];
                kept_excerpt(best_order, excerpt);
                tr_late_add(late, TR_T_SUBSCRIBERS,
                            ((const struct tr_subscriber *)tr_array_at(a, i))->order,
                            TR_R_CONFLICTING_DUPLICATE, excerpt);
            }
        }
        memmove(tr_array_at(a, kept), tr_array_at(a, best), a->size);
        kept++;
        g0 = g1;
    }
    a->n = kept;
}

static int cmp_u64(const void *pa, const void *pb)
{
    const uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* At a loan id's owner, notes sorted by (loan, line): the lines of ids given to more than one
 * line, beyond the kept one (smallest line hash, then order), rejected; their orders in *mine. */
static void reject_losers(const struct tr_array *notes, struct tr_late_rejects *late,
                          uint64_t **mine, size_t *n_mine)
{
    for (size_t g0 = 0; g0 < notes->n;) {
        const struct tr_loan_note *first = tr_array_at(notes, g0);
        size_t g1 = g0 + 1, best = g0;
        for (; g1 < notes->n; g1++) {
            const struct tr_loan_note *n = tr_array_at(notes, g1);
            if (n->loan != first->loan) break;
            if (n->line == first->line &&
                n->order < ((const struct tr_loan_note *)tr_array_at(notes, best))->order)
                best = g1;
        }
        const uint64_t kept_order = ((const struct tr_loan_note *)tr_array_at(notes, best))->order;
        for (size_t i = g0; i < g1; i++) {
            const struct tr_loan_note *n = tr_array_at(notes, i);
            if (n->line == first->line) continue; /* the kept line, or exact repeats of it */
            char excerpt[TR_EXCERPT_MAX];
            kept_excerpt(kept_order, excerpt);
            tr_late_add(late, TR_T_LOANS, n->order, TR_R_CONFLICTING_DUPLICATE, excerpt);
            *mine = TR_REALLOC(*mine, sizeof **mine * (*n_mine + 1));
            (*mine)[(*n_mine)++] = n->order;
        }
        g0 = g1;
    }
}

void tr_loan_conflicts(const struct tr_ctx *ctx, struct tr_array *notes,
                       struct tr_late_rejects *late, struct tr_loan_drop *drop)
{
    struct tr_partition p;
    tr_partition_pass(&(struct tr_pass){0, 1, ctx->size}, &p);
    tr_partition_shuffle(ctx, &p, notes, NOTES_ROUND_BYTES);
    tr_partition_free(&p);
    tr_sort_keyed(notes); /* by (loan, line): the smallest line hash of an id first */
    uint64_t *mine = NULL;
    size_t n_mine = 0;
    reject_losers(notes, late, &mine, &n_mine);
    tr_array_free(notes);
    tr_array_init(notes, sizeof(struct tr_loan_note));
    int count = (int)n_mine, total = 0;
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&count, 1, MPI_INT, counts, 1, MPI_INT, ctx->comm));
    for (int r = 0; r < ctx->size; total += counts[r++])
        displs[r] = total;
    drop->order = TR_MALLOC(sizeof(uint64_t) * ((size_t)total + 1));
    drop->n = (size_t)total;
    MPI_CHECK(MPI_Allgatherv(mine, count, MPI_UINT64_T, drop->order, counts, displs, MPI_UINT64_T,
                             ctx->comm));
    qsort(drop->order, drop->n, sizeof *drop->order, cmp_u64);
    free(mine), free(counts), free(displs);
}

void tr_loans_drop(struct tr_array *loans, const struct tr_loan_drop *drop)
{
    if (drop->n == 0) return;
    size_t kept = 0;
    for (size_t i = 0; i < loans->n; i++) {
        const struct tr_loan_rec *l = tr_array_at(loans, i);
        if (bsearch(&l->order, drop->order, drop->n, sizeof *drop->order, cmp_u64)) continue;
        if (kept != i) memcpy(tr_array_at(loans, kept), l, loans->size);
        kept++;
    }
    loans->n = kept;
}

void tr_loan_drop_free(struct tr_loan_drop *drop)
{
    free(drop->order);
    memset(drop, 0, sizeof *drop);
}
