#include "stress/portfolio.h"

#include "core/error.h"
#include "core/keys.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const tr_pd_source_names[3] = {"loan", "model", "none"};

/* Row of key in the sorted keys, or -1. */
static long find_key(const uint64_t *key, size_t n, uint64_t k)
{
    return tr_row_of_key(key, n, k);
}

/* A revolving line's undrawn limit that a default would find drawn: ccf of it (currency). */
static double undrawn_ead(const struct tr_loan_rec *l, double ccf)
{
    return l->product == TR_REVOLVE && l->limit > l->outstanding
               ? ccf * (double)(l->limit - l->outstanding) / 100
               : 0;
}

void tr_portfolio_build(const struct tr_ctx *ctx, const struct tr_array *loans, size_t n_subs,
                        const uint64_t *key, const int32_t *region, const double *pd, double ccf,
                        struct tr_portfolio *out)
{
    out->n = 0;
    out->ccf_revolving = ccf;
    out->e = TR_MALLOC(sizeof *out->e * (loans->n + 1));
    for (size_t i = 0; i < loans->n; i++) {
        const struct tr_loan_rec *l = tr_array_at(loans, i);
        /* The performing book: a defaulted loan (default, written_off, restructured:
         * tr_status_defaulted) has no PD left to stress, a repaid one no exposure. */
        if (l->status != TR_ST_OPEN || l->outstanding <= 0) continue;
        const long row = find_key(key, n_subs, l->self);
        struct tr_exposure *e = &out->e[out->n++];
        *e = (struct tr_exposure){.subscriber = l->self,
                                  .loan = l->loan,
                                  .region = row < 0 ? -1 : region[row],
                                  .product = (int8_t)l->product,
                                  .ead = (double)l->outstanding / 100 + undrawn_ead(l, ccf),
                                  .pd = l->pd,
                                  .lgd = l->lgd};
        e->pd_source = isnan(l->pd) ? TR_PD_NONE : TR_PD_LOAN;
    }
    if (pd) tr_portfolio_join_pd(out, n_subs, key, pd);
    uint64_t mine = out->n, before = 0;
    MPI_CHECK(MPI_Exscan(&mine, &before, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    out->first = ctx->rank == 0 ? 0 : before;
}

void tr_portfolio_join_pd(struct tr_portfolio *book, size_t n_subs, const uint64_t *key,
                          const double *pd)
{
    for (size_t i = 0; i < book->n; i++) {
        struct tr_exposure *e = &book->e[i];
        if (e->pd_source != TR_PD_NONE) continue; /* the loan's own PD wins */
        const long row = find_key(key, n_subs, e->subscriber);
        if (row >= 0 && !isnan(pd[row])) e->pd_source = TR_PD_MODEL, e->pd = pd[row];
    }
}

void tr_portfolio_append(struct tr_portfolio *dst, const struct tr_portfolio *src)
{
    dst->ccf_revolving = src->ccf_revolving;
    dst->e = TR_REALLOC(dst->e, sizeof *dst->e * (dst->n + src->n + 1));
    memcpy(dst->e + dst->n, src->e, sizeof *src->e * src->n);
    dst->n += src->n;
}

void tr_portfolio_free(struct tr_portfolio *p)
{
    free(p->e);
    p->e = NULL, p->n = 0;
}
