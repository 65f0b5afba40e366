/* The IFRS 9 book from the ledger's rows and the subscribers' (docs/credit.md section 6). */
#include "ifrs9/ecl.h"

#include "core/error.h"
#include "features/ledger_days.h"

#include <math.h>
#include <stdlib.h>

/* The row of key among keys[0..n) (sorted), or -1; *from: where to start (keys come in order). */
static long row_of(const uint64_t *keys, size_t n, uint64_t key, size_t *from)
{
    while (*from < n && keys[*from] < key)
        (*from)++;
    return *from < n && keys[*from] == key ? (long)*from : -1;
}

struct tr_ifrs9_loan *tr_ifrs9_loans_of(const struct tr_ledger_table *t, size_t n,
                                        const uint64_t *key, const int32_t *region,
                                        const double *pd, const uint8_t *flags, size_t *n_out)
{
    struct tr_ifrs9_loan *out = TR_MALLOC(sizeof *out * (t->n_loans + 1));
    size_t m = 0, at_row = 0, at_obligor = 0;
    for (size_t i = 0; i < t->n_loans; i++) {
        const struct tr_loan_position *p = &t->loan[i];
        if (p->outstanding <= 0) continue;
        const long row = row_of(key, n, p->subscriber, &at_row);
        while (at_obligor < t->n_obligors && t->obligor[at_obligor].subscriber < p->subscriber)
            at_obligor++;
        const int in_default = at_obligor < t->n_obligors &&
                               t->obligor[at_obligor].subscriber == p->subscriber &&
                               t->obligor[at_obligor].in_default;
        const double own = row >= 0 && pd ? pd[row] : NAN;
        out[m++] = (struct tr_ifrs9_loan){
            .subscriber = p->subscriber,
            .loan = p->loan,
            .region = row >= 0 ? region[row] : -1,
            .product = (int8_t)p->product,
            .in_default = (int8_t)in_default,
            .fraud = row >= 0 && flags && flags[row] != 0,
            .issued = p->issued,
            .due = p->due,
            .installments = p->installments,
            .dpd = p->dpd,
            .installments_paid = p->installments_paid,
            .amount = p->amount,
            .outstanding = p->outstanding,
            .limit = p->limit,
            .pd = !isnan(p->pd) ? p->pd : own, /* a loan's own PD wins, as in the stress */
            .origination_pd = p->origination_pd,
            .lgd = p->lgd,
            .rate = p->rate};
    }
    *n_out = m;
    return out;
}

void tr_ifrs9_run(const struct tr_ctx *ctx, struct tr_ifrs9_run *r, const struct tr_ledger_table *t,
                  size_t n_rows, const uint64_t *key, const double *pd, struct tr_ifrs9_loan *loans,
                  size_t n)
{
    tr_ifrs9_hazards_build(ctx, &r->params, t, n_rows, key, pd, &r->hazards);
    r->n = n;
    r->loans = loans;
    r->results = TR_MALLOC(sizeof *r->results * (n + 1));
    const size_t cells = n * (size_t)r->params.n_scenarios + 1;
    r->ecl_scenario = TR_MALLOC(sizeof(double) * cells);
    r->stage_scenario = TR_MALLOC(cells);
    tr_ifrs9_book(ctx, &r->params, &r->hazards, loans, n, r->results, r->ecl_scenario,
                  r->stage_scenario, &r->summary);
}

void tr_ifrs9_run_free(struct tr_ifrs9_run *r)
{
    free(r->loans);
    free(r->results);
    free(r->ecl_scenario);
    free(r->stage_scenario);
    tr_ifrs9_summary_free(&r->summary);
    tr_ifrs9_hazards_free(&r->hazards);
    tr_ifrs9_params_free(&r->params);
    *r = (struct tr_ifrs9_run){0};
}

void tr_ifrs9_previous_free(struct tr_ifrs9_previous *p)
{
    free(p->loan);
    free(p->stage);
    free(p->ead);
    *p = (struct tr_ifrs9_previous){0};
}

/* The previous row of loan key, or -1. */
static long previous_row(const struct tr_ifrs9_previous *p, uint64_t loan)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (p->loan[mid] < loan)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->loan[lo] == loan ? (long)lo : -1;
}

void tr_ifrs9_transfers_of(const struct tr_ctx *ctx, const struct tr_ifrs9_previous *prev,
                           const struct tr_ifrs9_loan *loans, const struct tr_ifrs9_result *results,
                           size_t n, struct tr_ifrs9_transfers *out)
{
    *out = (struct tr_ifrs9_transfers){0};
    int64_t matched[4] = {0};
    tr_exact matched_ead[4] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const long j = previous_row(prev, loans[i].loan);
        const int from = j < 0 ? 0 : prev->stage[j], to = results[i].stage;
        out->loans[from][to]++;
        tr_exact_add(&out->ead[from][to], results[i].ead);
        if (j >= 0) matched[from]++, tr_exact_add(&matched_ead[from], prev->ead[j]);
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &out->loans[0][0], 16, MPI_INT64_T, MPI_SUM, ctx->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, matched, 4, MPI_INT64_T, MPI_SUM, ctx->comm));
    tr_exact_allreduce(ctx, &out->ead[0][0], 16);
    tr_exact_allreduce(ctx, matched_ead, 4);
    /* The loans that left the book: every rank holds the whole previous one. */
    for (size_t j = 0; j < prev->n; j++) {
        out->loans[prev->stage[j]][0]++;
        tr_exact_add(&out->ead[prev->stage[j]][0], prev->ead[j]);
    }
    for (int s = 1; s < 4; s++) {
        out->loans[s][0] -= matched[s];
        out->ead[s][0].fixed -= matched_ead[s].fixed;
    }
}
