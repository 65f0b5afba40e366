#include "generate/loans.h"

#include "core/rng.h"
#include "generate/mobility.h"

#include <gsl/gsl_randist.h>
#include <math.h>

int64_t tr_loan_cut_day(const struct tr_world *w)
{
    return w->start_day + w->days + w->cfg->generate.outcome_days;
}

static int64_t round_to(double cents, int64_t step)
{
    int64_t v = (int64_t)llround(cents / (double)step) * step;
    return v < step ? step : v;
}

static void settle(const struct tr_world *w, struct tr_loan *l, gsl_rng *r)
{
    if (l->due > tr_loan_cut_day(w)) {
        l->status = TR_OPEN;
        l->outstanding_cents =
            l->product == TR_MICROLOAN
                ? l->amount_cents
                : round_to((double)l->amount_cents * gsl_ran_flat(r, 0.5, 1.0), 100);
    } else if (l->eventual_default) {
        l->status = TR_DEFAULT;
        l->outstanding_cents = round_to((double)l->amount_cents * gsl_ran_flat(r, 0.4, 1.0), 100);
    } else {
        l->status = TR_REPAID;
        l->outstanding_cents = 0;
    }
    static const double base_lgd[3] = {0.65, 0.75, 0.25};
    l->lgd = gsl_rng_uniform(r) < 0.3
                 ? NAN
                 : round(100 * (base_lgd[l->product] + gsl_ran_flat(r, -0.1, 0.1))) / 100;
}

int tr_person_loans(const struct tr_world *w, const struct tr_person *p,
                    struct tr_loan out[TR_MAX_LOANS])
{
    if (p->kind == TR_KIND_SIMBOX) return 0;
    gsl_rng *r = tr_rng_alloc();
    gsl_rng_set(r, tr_key(w->seed, TR_S_LOAN, (uint64_t)p->index, 0));
    int n = 0;
    unsigned prior = p->wallet ? gsl_ran_poisson(r, 0.6) : 0;
    if (prior > TR_MAX_LOANS - 1) prior = TR_MAX_LOANS - 1;
    for (unsigned k = 0; k < prior; k++) {
        struct tr_loan *l = &out[n];
        l->number = (uint64_t)p->index * 8 + (uint64_t)n;
        l->product = TR_MICROLOAN;
        /* Earlier loans: issued in the 150 days before the window or in it; all settled by the
         * cut, and their disbursements and repayments inside the window are in mobile money. */
        l->issued =
            w->start_day - 150 + (int64_t)gsl_rng_uniform_int(r, (unsigned long)(150 + w->days));
        l->due = l->issued + 30;
        l->amount_cents = round_to(25.0 * p->income * gsl_ran_lognormal(r, 0, 0.4), 500);
        l->eventual_default = gsl_rng_uniform(r) < p->pd;
        l->after_window = 0;
        l->disbursed_at =
            l->issued * 86400 + tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
        l->repaid_at = l->eventual_default
                           ? -1
                           : l->due * 86400 - 86400 * (int64_t)gsl_rng_uniform_int(r, 5) +
                                 tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
        settle(w, l, r);
        n++;
    }
    if (gsl_rng_uniform(r) < w->cfg->generate.loan_share) {
        struct tr_loan *l = &out[n];
        l->number = (uint64_t)p->index * 8 + (uint64_t)n;
        double u = gsl_rng_uniform(r);
        l->product = (u < 0.04 && p->income > 300) ? TR_MORTGAGE
                     : u < 0.14                    ? TR_REVOLVING
                                                   : TR_MICROLOAN;
        l->issued = w->start_day + w->days +
                    (int64_t)gsl_rng_uniform_int(r, (unsigned long)w->cfg->generate.loan_days);
        static const int64_t term_days[3] = {30, 365, 7300};
        static const double income_multiple[3] = {0.25, 0.5, 60};
        l->due = l->issued + term_days[l->product];
        l->amount_cents = round_to(
            100.0 * income_multiple[l->product] * p->income * gsl_ran_lognormal(r, 0, 0.4), 500);
        l->eventual_default = gsl_rng_uniform(r) < p->pd;
        l->after_window = 1;
        l->disbursed_at =
            l->issued * 86400 + tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
        l->repaid_at = -1;
        settle(w, l, r);
        n++;
    }
    gsl_rng_free(r);
    return n;
}
