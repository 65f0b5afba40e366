#include "generate/loans.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/rng.h"
#include "generate/mobility.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

/* Loans issued after the window: micro-loan 30 days; revolving 1 year; mortgage 20 years. */
static const int64_t term_days[3] = {30, 365, 7300};
/* Days between installments of a history micro-loan (1-4 of them). */
#define MICRO_PERIOD 30
/* The standard deviation of a region-year's shift of the log-odds of default. */
/* A defaulter's first missed installment is K = 1 + floor(n u^DEFAULT_SKEW): early ones likelier,
 * as defaults come early in a loan's life. */
#define DEFAULT_SKEW 1.5
/* A defaulted loan is written off by the lender with this chance once 180 days in default. */
#define WRITE_OFF_SHARE    0.5
#define RESTRUCTURED_SHARE 0.1
/* A borrower in a career (generate.career_days) takes a micro-loan about every four months. */
#define CAREER_MICRO_PER_MONTH 0.25

int64_t tr_observation_day(const struct tr_world *w)
{
    return w->start_day + w->days;
}

int64_t tr_loan_cut_day(const struct tr_world *w)
{
    return tr_observation_day(w) + w->cfg->generate.outcome_days;
}

int64_t tr_installment_day(const struct tr_loan *l, int k)
{
    return l->issued + (int64_t)k * (l->due - l->issued) / l->installments;
}

int64_t tr_installment_cents(const struct tr_loan *l, int k)
{
    const int64_t part = l->amount_cents / l->installments;
    return k < l->installments ? part : l->amount_cents - part * (l->installments - 1);
}

double tr_cycle_shift(const struct tr_world *w, int32_t region, int year)
{
    const double u = tr_unit(tr_key(w->seed, TR_S_CYCLE, (uint64_t)region, (uint64_t)year));
    return w->cfg->generate.cycle_sd * gsl_cdf_ugaussian_Pinv(0.5 / 9007199254740992.0 + u);
}

static int year_of(int64_t day)
{
    int y, m, d;
    tr_civil_from_days(day, &y, &m, &d);
    return y;
}

/* P(K <= k) for a defaulter's first missed installment K of n. */
static double stop_cdf(int k, int n)
{
    return pow((double)k / (double)n, 1.0 / DEFAULT_SKEW);
}

double tr_loan_pd_12m(const struct tr_world *w, const struct tr_loan *l)
{
    const int64_t obs = tr_observation_day(w);
    double within = 0, later = 0; /* P(K = k) over the k defaulting in the year, or from it on */
    for (int k = 1; k <= l->installments; k++) {
        const int64_t day = tr_installment_day(l, k) + TR_DEFAULT_DPD;
        const double pk = stop_cdf(k, l->installments) - stop_cdf(k - 1, l->installments);
        if (day >= obs) later += pk;
        if (day >= obs && day < obs + 365) within += pk;
    }
    const double q = l->issue_pd, survive = 1 - q + q * later;
    return survive > 0 ? q * within / survive : 0;
}

int64_t tr_loan_owed_before(const struct tr_book *b, const struct tr_loan *l, int64_t day)
{
    int64_t owed = l->amount_cents;
    for (int k = 0; k < l->n_rep; k++)
        if (b->rep[l->first_rep + k].t < day * 86400) owed -= b->rep[l->first_rep + k].cents;
    return owed > 0 ? owed : 0;
}

int tr_loan_open_at_observation(const struct tr_world *w, const struct tr_book *b,
                                const struct tr_loan *l)
{
    const int64_t obs = tr_observation_day(w);
    return l->issued < obs && (l->default_day < 0 || l->default_day >= obs) &&
           tr_loan_owed_before(b, l, obs) > 0;
}

static int64_t round_to(double cents, int64_t step)
{
    int64_t v = (int64_t)llround(cents / (double)step) * step;
    return v < step ? step : v;
}

/* Terms: equal installments of an annuity at the effective annual rate (a one-installment loan
 * owes principal and the term's interest); amount is what they add up to. */
static void set_terms(struct tr_loan *l, int installments, int64_t term, double rate,
                      int64_t principal, gsl_rng *r)
{
    l->due = l->issued + term;
    l->installments = installments;
    l->rate = rate;
    l->principal_cents = principal;
    const double n = installments, i = pow(1 + rate, (double)term / (365.0 * n)) - 1;
    l->amount_cents = llround((double)principal * n * i / (1 - pow(1 + i, -n)));
    /* A revolving line's limit: what was drawn and some room above it, in whole 50s. */
    l->limit_cents =
        l->product == TR_REVOLVING
            ? (int64_t)ceil((double)l->amount_cents * gsl_ran_flat(r, 1.0, 1.6) / 5000) * 5000
            : 0;
}

/* An annual effective rate that is realistic for the product (mobile micro-loans charge about
 * 7.5% a month). Rounded to 4 decimals, as loans.csv gives it, before the amount is computed. */
static double draw_rate(enum tr_product product, gsl_rng *r)
{
    static const double lo[3] = {1.0, 0.22, 0.10}, hi[3] = {1.6, 0.38, 0.16};
    return round(gsl_ran_flat(r, lo[product], hi[product]) * 1e4) / 1e4;
}

/* The principal: a quarter of the monthly income (micro), half (revolving), 60 times (mortgage),
 * times lognormal(0, 0.4), in whole 5s (cents). */
static int64_t draw_principal(enum tr_product product, const struct tr_person *p, gsl_rng *r)
{
    static const double income_multiple[3] = {0.25, 0.5, 60};
    return round_to(100.0 * income_multiple[product] * p->income * gsl_ran_lognormal(r, 0, 0.4),
                    500);
}

static int cmp_repayment(const void *pa, const void *pb)
{
    const struct tr_repayment *a = pa, *b = pb;
    return a->t < b->t ? -1 : a->t > b->t;
}

static void add_repayment(struct tr_book *b, int64_t t, int64_t cents)
{
    if (b->n_rep == TR_MAX_REPAYMENTS)
        TR_DIE(TR_EXIT_INTERNAL, "generator: more than %d repayments for one subscriber (a bug)",
               TR_MAX_REPAYMENTS);
    b->rep[b->n_rep++] = (struct tr_repayment){t, cents};
}

/* The repayments up to the cut. Installments are paid on time (up to 4 days early) or, by a late
 * payer, some 5-60 days late and then caught up (never past the cut, so every installment due by
 * the cut is paid by it); a defaulter pays until installment K, maybe part of it, then nothing. */
static void repay(const struct tr_world *w, struct tr_book *b, struct tr_loan *l, gsl_rng *r)
{
    const int64_t cut = tr_loan_cut_day(w);
    const int n = l->installments;
    const int stop =
        l->eventual_default ? 1 + (int)((double)n * pow(gsl_rng_uniform(r), DEFAULT_SKEW)) : n + 1;
    l->default_day = l->eventual_default ? tr_installment_day(l, stop) + TR_DEFAULT_DPD : -1;
    const int late_payer = gsl_rng_uniform(r) < fmin(0.6, 0.1 + l->issue_pd);
    l->first_rep = b->n_rep;
    for (int k = 1; k <= n && k <= stop; k++) {
        int64_t day = tr_installment_day(l, k), cents = tr_installment_cents(l, k);
        if (day > cut) break;
        if (k == stop) { /* the defaulter's last: part of it, or nothing */
            if (gsl_rng_uniform(r) < 0.5) break;
            cents = (int64_t)((double)cents * gsl_ran_flat(r, 0.1, 0.9));
            if (cents <= 0) break;
        }
        if (late_payer && gsl_rng_uniform(r) < 0.35)
            day += 5 + (int64_t)gsl_rng_uniform_int(r, 56);
        else
            day -= (int64_t)gsl_rng_uniform_int(r, 5);
        if (day < l->issued) day = l->issued;
        if (day > cut) day = cut;
        int64_t t = day * 86400 + tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
        if (t <= l->disbursed_at) t = l->disbursed_at + 60; /* never before the money came */
        add_repayment(b, t, cents);
    }
    l->n_rep = b->n_rep - l->first_rep;
    qsort(&b->rep[l->first_rep], (size_t)l->n_rep, sizeof *b->rep, cmp_repayment);
}

/* The status at the cut. An application keeps the rule the label was built on (due after the
 * cut: open; else default or repaid by its planted outcome); a history loan's follows its ledger:
 * default once 90 days past due (some written off half a year later, a few restructured). */
static void settle(const struct tr_world *w, const struct tr_book *b, struct tr_loan *l, gsl_rng *r)
{
    const int64_t cut = tr_loan_cut_day(w);
    l->outstanding_cents = tr_loan_owed_before(b, l, cut + 1);
    const double u = gsl_rng_uniform(r);
    if (l->after_window)
        l->status = l->due > cut ? TR_OPEN : l->eventual_default ? TR_DEFAULT : TR_REPAID;
    else if (l->eventual_default && l->default_day <= cut)
        l->status = l->default_day + 180 <= cut && u < WRITE_OFF_SHARE ? TR_WRITTEN_OFF
                    : u > 1 - RESTRUCTURED_SHARE                       ? TR_RESTRUCTURED
                                                                       : TR_DEFAULT;
    else
        l->status = l->outstanding_cents == 0 ? TR_REPAID : TR_OPEN;
    static const double base_lgd[3] = {0.65, 0.75, 0.25};
    l->true_lgd = base_lgd[l->product] + gsl_ran_flat(r, -0.1, 0.1);
    l->lgd = gsl_rng_uniform(r) < 0.3 ? NAN : round(100 * l->true_lgd) / 100;
}

/* Draws the loan's outcome and payments; issued, product and the terms are set. */
static void run_loan(const struct tr_world *w, struct tr_book *b, struct tr_loan *l, gsl_rng *r)
{
    l->eventual_default = gsl_rng_uniform(r) < l->issue_pd;
    l->disbursed_at = l->issued * 86400 + tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
    repay(w, b, l, r);
    settle(w, b, l, r);
}

static struct tr_loan *new_loan(struct tr_book *b, const struct tr_person *p,
                                enum tr_product product, int64_t issued)
{
    struct tr_loan *l = &b->loan[b->n];
    *l = (struct tr_loan){
        .number = (uint64_t)p->index * 32 + (uint64_t)b->n, .product = product, .issued = issued};
    b->n++;
    return l;
}

static int cmp_day(const void *pa, const void *pb)
{
    const int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

/* One loan of a borrower's history or career, issued on `day`: its terms drawn for the product,
 * its chance of default the person's PD with the log-odds shifted by the region's cycle in the
 * year it was issued, then its outcome and payments. */
static void add_ledger_loan(const struct tr_world *w, const struct tr_person *p, struct tr_book *b,
                            enum tr_product product, int64_t day, gsl_rng *r)
{
    struct tr_loan *l = new_loan(b, p, product, day);
    const int n_inst = product == TR_MICROLOAN   ? 1 + (int)gsl_rng_uniform_int(r, 4)
                       : product == TR_REVOLVING ? 12
                                                 : 240;
    const int64_t term = product == TR_MICROLOAN ? MICRO_PERIOD * n_inst : term_days[product];
    const int64_t principal = draw_principal(product, p, r);
    set_terms(l, n_inst, term, draw_rate(product, r), principal, r);
    const double logit_pd = log(p->pd / (1 - p->pd));
    const double shift = tr_cycle_shift(w, p->region, year_of(l->issued));
    l->issue_pd = 1 / (1 + exp(-(logit_pd + shift)));
    run_loan(w, b, l, r);
    if (l->eventual_default && l->default_day < b->lent_until) b->lent_until = l->default_day;
}

/* The planned loans (issue day * 4 + product, n of them) in issue order, up to the day before
 * `last` and while the borrower is not in default. A loan issued before `first` happens (its
 * default ends the lending) but is not in the book: the lender's ledger starts on `first`. */
static void lend_plan(const struct tr_world *w, const struct tr_person *p, struct tr_book *b,
                      int64_t *plan, int n, int64_t first, int64_t last, gsl_rng *r)
{
    qsort(plan, (size_t)n, sizeof *plan, cmp_day);
    for (int k = 0; k < n; k++) {
        const int64_t day = plan[k] / 4;
        if (day >= last || day >= b->lent_until) break; /* no lending to a borrower in default */
        add_ledger_loan(w, p, b, (enum tr_product)(plan[k] % 4), day, r);
        if (day < first) b->n--, b->n_rep = b->loan[b->n].first_rep;
    }
}

/* The products of a borrower's plan: n_micro micro-loans, a revolving line for one in ten, a
 * mortgage for some of the better off (generate.mortgage_share) unless `no_mortgage`; returns the
 * plan's length. */
static int plan_products(const struct tr_world *w, const struct tr_person *p, unsigned n_micro,
                         int no_mortgage, int64_t *plan, gsl_rng *r)
{
    int n = 0;
    for (unsigned k = 0; k < n_micro && n < TR_MAX_LOANS - 3; k++)
        plan[n++] = TR_MICROLOAN;
    if (gsl_rng_uniform(r) < 0.10) plan[n++] = TR_REVOLVING;
    if (gsl_rng_uniform(r) < w->cfg->generate.mortgage_share && p->income > 300 && !no_mortgage)
        plan[n++] = TR_MORTGAGE;
    return n;
}

/* The history (generate.career_days = 0): mobile-money borrowers only (their payments are in the
 * wallet's ledger), about 1.5 micro-loans a year, issued over the history_days before the
 * observation date, numbered in issue order. Dormant accounts (silent before they wake) and SIM
 * boxes borrow nothing. */
static void add_history(const struct tr_world *w, const struct tr_person *p, struct tr_book *b,
                        gsl_rng *r)
{
    if (!p->wallet || p->kind == TR_KIND_DORMANT) return;
    gsl_rng_set(r, tr_key(w->seed, TR_S_LOAN, (uint64_t)p->index, 1));
    const int64_t span = w->cfg->generate.history_days, obs = tr_observation_day(w);
    int64_t plan[TR_MAX_LOANS - 1];
    const int n = plan_products(w, p, gsl_ran_poisson(r, 0.12 * (double)span / 30.0), 0, plan, r);
    for (int k = 0; k < n; k++)
        plan[k] += 4 * (obs - span + (int64_t)gsl_rng_uniform_int(r, (unsigned long)span));
    lend_plan(w, p, b, plan, n, obs - span, obs, r);
}

/* A borrowing career (generate.career_days = L > 0): every mobile-money borrower borrows for L
 * days, starting on a day drawn uniformly from history_days + L before the observation date to
 * the cut, at CAREER_MICRO_PER_MONTH micro-loans a month and a revolving line for one in ten,
 * the same lending before and after the observation date, until the first default; the ledger
 * holds the loans issued from history_days before the observation date (the earlier ones
 * happened: a default among them ends the career unseen). Careers that start and end all the
 * time keep the borrowers' mix the same in every year whose year before is in the ledger
 * (docs/credit.md section 4, "Planted truth"): without a cycle, the long-run average is this
 * year's expected rate. No mortgage: a mortgage book is in its steady state only after twenty
 * years of lending, longer than any ledger drawn here. */
static void add_career(const struct tr_world *w, const struct tr_person *p, struct tr_book *b,
                       gsl_rng *r)
{
    if (!p->wallet || p->kind == TR_KIND_DORMANT) return;
    gsl_rng_set(r, tr_key(w->seed, TR_S_LOAN, (uint64_t)p->index, 2));
    const int64_t L = w->cfg->generate.career_days, cut = tr_loan_cut_day(w);
    const int64_t first = tr_observation_day(w) - w->cfg->generate.history_days;
    const int64_t start =
        first - L + (int64_t)gsl_rng_uniform_int(r, (unsigned long)(cut - first + L));
    int64_t plan[TR_MAX_LOANS - 1];
    const int n = plan_products(w, p, gsl_ran_poisson(r, CAREER_MICRO_PER_MONTH * (double)L / 30.0),
                                1, plan, r);
    for (int k = 0; k < n; k++)
        plan[k] += 4 * (start + (int64_t)gsl_rng_uniform_int(r, (unsigned long)L));
    lend_plan(w, p, b, plan, n, first, cut, r);
}

/* The application: for loan_share of subscribers, one loan issued in the loan_days after the
 * window, defaulting with the person's true PD (no cycle: the label's truth is that PD). */
static void add_application(const struct tr_world *w, const struct tr_person *p, struct tr_book *b,
                            gsl_rng *r)
{
    gsl_rng_set(r, tr_key(w->seed, TR_S_LOAN, (uint64_t)p->index, 0));
    if (gsl_rng_uniform(r) >= w->cfg->generate.loan_share) return;
    double u = gsl_rng_uniform(r);
    const enum tr_product product = (u < 0.04 && p->income > 300) ? TR_MORTGAGE
                                    : u < 0.14                    ? TR_REVOLVING
                                                                  : TR_MICROLOAN;
    const int64_t issued =
        tr_observation_day(w) +
        (int64_t)gsl_rng_uniform_int(r, (unsigned long)w->cfg->generate.loan_days);
    if (issued >= b->lent_until) return; /* no lending to a borrower in default */
    struct tr_loan *l = new_loan(b, p, product, issued);
    static const int installments[3] = {1, 12, 240};
    const int64_t principal = draw_principal(product, p, r);
    set_terms(l, installments[product], term_days[product], draw_rate(product, r), principal, r);
    l->after_window = 1;
    l->issue_pd = p->pd;
    run_loan(w, b, l, r);
}

void tr_person_book(const struct tr_world *w, const struct tr_person *p, struct tr_book *b)
{
    b->n = b->n_rep = 0;
    b->lent_until = INT64_MAX;
    if (p->kind == TR_KIND_SIMBOX) return;
    gsl_rng *r = tr_rng_alloc();
    if (w->cfg->generate.career_days > 0) {
        add_career(w, p, b, r); /* the same lending after the observation date: no application */
    } else {
        add_history(w, p, b, r);
        add_application(w, p, b, r);
    }
    gsl_rng_free(r);
}
