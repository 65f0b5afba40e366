/* The smaller tables: the subscriber register, top-ups, data sessions, loans, SIM swaps, and
 * the per-subscriber truth rows. */
#include "generate/defects.h"
#include "generate/gen.h"
#include "generate/loans.h"
#include "generate/mobility.h"

#include "core/calendar.h"
#include "core/rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Sorted, one per second, inside the window (see space_out for calls). */
static int64_t tidy_times(const struct tr_world *w, int64_t *t, int64_t n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_i64);
    const int64_t end = w->start_epoch + w->days * 86400;
    int64_t k = 0;
    for (; k < n; k++) {
        if (k > 0 && t[k] <= t[k - 1]) t[k] = t[k - 1] + 1;
        if (t[k] >= end) break;
    }
    return k;
}

static void put_sep(struct tr_textbuf *b, const char *s)
{
    tr_put_char(b, ',');
    tr_put_str(b, s);
}

static int year_of_day(int64_t day)
{
    int y, m, d;
    tr_civil_from_days(day, &y, &m, &d);
    return y;
}

static int has_break(const struct tr_ledger *l)
{
    for (int k = 0; k < l->n; k++)
        if (l->ev[k].brk) return 1;
    return 0;
}

void tr_emit_subscriber(struct tr_gen *g)
{
    const struct tr_world *w = g->w;
    const struct tr_person *p = &g->self;
    const char *region = w->regions[p->region].name;
    uint64_t key = tr_key(w->seed, TR_S_PERSON, (uint64_t)p->index, 100);
    struct tr_textbuf *b = &g->sink->buf[TR_F_SUBSCRIBERS];
    tr_put_str(b, g->self_id);
    /* One register entry in twenty lacks the region: the home antenna's region applies. */
    put_sep(b, tr_unit(key) < 0.05 ? "" : region);
    tr_put_char(b, ',');
    int64_t tenure = 30 + (int64_t)(2400 * p->stability * (0.5 + 0.5 * tr_unit(tr_mix64(key))));
    tr_put_date(b, w->start_day - tenure);
    put_sep(b, p->postpaid ? "postpaid" : "prepaid");
    tr_put_eol(b);
    g->sink->records[TR_F_SUBSCRIBERS]++;

    b = &g->sink->buf[TR_F_TRUTH_SUBSCRIBERS];
    tr_put_str(b, g->self_id);
    put_sep(b, region);
    tr_put_char(b, ',');
    tr_put_fixed(b, p->pd, 6);
    tr_put_char(b, ',');
    tr_put_fixed(b, p->income, 2);
    tr_put_char(b, ',');
    tr_put_fixed(b, p->stability, 4);
    tr_put_char(b, ',');
    tr_put_fixed(b, p->regularity, 4);
    put_sep(b, p->wallet ? "1" : "0");
    put_sep(b, tr_kind_names[p->kind]);
    put_sep(b, has_break(&g->ledger) ? "1" : "0");
    put_sep(b, p->legit_swap || p->kind == TR_KIND_TAKEOVER ? "1" : "0");
    tr_put_char(b, ',');
    tr_put_antenna(b, p->home);
    tr_put_char(b, ',');
    tr_put_antenna(b, p->work);
    tr_put_char(b, ',');
    if (p->kind == TR_KIND_DORMANT) tr_put_i64(b, p->dormant_until);
    tr_put_eol(b);
}

/* Top-ups in the usual denominations, a size that follows income; they come on a beat that
 * regular people keep closely and others loosely. */
void tr_emit_recharges(struct tr_gen *g)
{
    static const double denominations[] = {0.5, 1, 2, 5, 10, 20};
    const struct tr_world *w = g->w;
    const struct tr_person *p = &g->self;
    gsl_rng *r = g->r;
    gsl_rng_set(r, tr_key(w->seed, TR_S_RECHARGE, (uint64_t)p->index, 0));
    const int simbox = p->kind == TR_KIND_SIMBOX;
    int64_t first_day = p->dormant_until, span = w->days - first_day;
    double rate = simbox ? 1.0 * (double)span
                         : (2.5 + 2.0 * exp(0.3 * p->z_income)) * gsl_ran_lognormal(r, 0, 0.3) *
                               (double)span / 30.0;
    int64_t n = gsl_ran_poisson(r, rate);
    int64_t *t = (int64_t *)tr_gen_times(g, (size_t)n);
    /* The beat's jitter, in top-up intervals: a few hours for the most regular, days for others. */
    const double jitter = 0.08 + 1.2 * pow(1 - p->regularity, 1.5);
    for (int64_t k = 0; k < n; k++) {
        double day = ((double)k + 0.5 + gsl_ran_gaussian(r, jitter)) * (double)span / (double)n;
        if (day < 0) day = 0;
        if (day >= (double)span) day = (double)span - 1e-3;
        t[k] = w->start_epoch + (first_day + (int64_t)day) * 86400 +
               tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
    }
    n = tidy_times(w, t, n);
    for (int64_t k = 0; k < n; k++) {
        double want = simbox ? 20
                             : 0.012 * p->income * gsl_ran_lognormal(r, 0, 0.4) *
                                   tr_world_shift(w, p->region, TR_SHIFT_RECHARGES);
        int best = 0;
        for (int d = 1; d < 6; d++)
            if (fabs(log(denominations[d] / want)) < fabs(log(denominations[best] / want)))
                best = d;
        struct tr_textbuf *b = &g->line;
        tr_put_str(b, g->self_id);
        tr_put_char(b, ',');
        tr_put_fixed(b, denominations[best], 2);
        tr_put_char(b, ',');
        tr_put_timestamp(b, t[k]);
        tr_gen_flush_line(g, TR_F_RECHARGES,
                          tr_key(w->seed, TR_S_RECHARGE, (uint64_t)p->index, 1 + (uint64_t)k));
    }
}

/* Data sessions: richer subscribers have smartphones that use more. */
void tr_emit_data(struct tr_gen *g)
{
    const struct tr_world *w = g->w;
    const struct tr_person *p = &g->self;
    if (p->kind == TR_KIND_SIMBOX) return;
    gsl_rng *r = g->r;
    gsl_rng_set(r, tr_key(w->seed, TR_S_DATA, (uint64_t)p->index, 0));
    double per_day = 0.2 + 0.8 * gsl_cdf_ugaussian_P(p->z_income + gsl_ran_gaussian(r, 0.7));
    int64_t span = w->days - p->dormant_until;
    int64_t n = gsl_ran_poisson(r, per_day * (double)span);
    int64_t *t = (int64_t *)tr_gen_times(g, (size_t)n);
    for (int64_t k = 0; k < n; k++)
        t[k] = w->start_epoch +
               (p->dormant_until + (int64_t)gsl_rng_uniform_int(r, (unsigned long)span)) * 86400 +
               tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
    n = tidy_times(w, t, n);
    double median = 25 * pow(p->income / 200.0, 0.6) * tr_world_shift(w, p->region, TR_SHIFT_DATA);
    for (int64_t k = 0; k < n; k++) {
        double mb = fmax(0.01, median * gsl_ran_lognormal(r, 0, 1.0));
        struct tr_textbuf *b = &g->line;
        tr_put_str(b, g->self_id);
        tr_put_char(b, ',');
        tr_put_fixed(b, mb, 2);
        tr_put_char(b, ',');
        tr_put_timestamp(b, t[k]);
        tr_gen_flush_line(g, TR_F_MOBILEDATA,
                          tr_key(w->seed, TR_S_DATA, (uint64_t)p->index, 1 + (uint64_t)k));
    }
}

static void put_loan_id(struct tr_textbuf *b, const struct tr_loan *l)
{
    tr_put_str(b, "LN");
    tr_put_u64_width(b, l->number, 10);
}

/* The schedule's columns of loans.csv: installments, rate, limit (revolving only). */
static void put_schedule(struct tr_textbuf *b, const struct tr_loan *l)
{
    tr_put_char(b, ',');
    tr_put_i64(b, l->installments);
    tr_put_char(b, ',');
    tr_put_fixed(b, l->rate, 4);
    tr_put_char(b, ',');
    if (l->limit_cents > 0) tr_put_cents(b, l->limit_cents);
}

static void put_loan(struct tr_gen *g, const struct tr_loan *l)
{
    struct tr_textbuf *b = &g->sink->buf[TR_F_LOANS];
    put_loan_id(b, l);
    put_sep(b, g->self_id);
    put_sep(b, tr_product_names[l->product]);
    tr_put_char(b, ',');
    tr_put_date(b, l->issued);
    tr_put_char(b, ',');
    tr_put_date(b, l->due);
    tr_put_char(b, ',');
    tr_put_cents(b, l->amount_cents);
    tr_put_char(b, ',');
    tr_put_cents(b, l->outstanding_cents);
    put_sep(b, tr_status_names[l->status]);
    tr_put_char(b, ',');
    if (!isnan(l->lgd)) tr_put_fixed(b, l->lgd, 2);
    put_schedule(b, l);
    tr_put_char(b, ','); /* origination_pd: the lender's PD at issue, the planted one */
    tr_put_fixed(b, fmin(fmax(l->issue_pd, 1e-6), 0.999999), 6);
    tr_put_eol(b);
    g->sink->records[TR_F_LOANS]++;
}

static void put_repayments(struct tr_gen *g, const struct tr_book *book, const struct tr_loan *l)
{
    struct tr_textbuf *b = &g->sink->buf[TR_F_REPAYMENTS];
    for (int k = 0; k < l->n_rep; k++) {
        const struct tr_repayment *rp = &book->rep[l->first_rep + k];
        put_loan_id(b, l);
        tr_put_char(b, ',');
        tr_put_timestamp(b, rp->t);
        tr_put_char(b, ',');
        tr_put_cents(b, rp->cents);
        tr_put_eol(b);
    }
    g->sink->records[TR_F_REPAYMENTS] += l->n_rep;
}

static void put_optional_day(struct tr_textbuf *b, int64_t day)
{
    tr_put_char(b, ',');
    if (day >= 0) tr_put_date(b, day);
}

/* truth/loans.csv: the planted outcome and, for a loan open at the observation date, its planted
 * 12-month PD and its exposure then (docs/generator.md, "Loans"). */
static void put_loan_truth(struct tr_gen *g, const struct tr_book *book, const struct tr_loan *l)
{
    const struct tr_world *w = g->w;
    struct tr_textbuf *b = &g->sink->buf[TR_F_TRUTH_LOANS];
    put_loan_id(b, l);
    put_sep(b, g->self_id);
    put_sep(b, tr_product_names[l->product]);
    put_sep(b, l->after_window ? "1" : "0");
    put_sep(b, tr_status_names[l->status]);
    put_sep(b, l->eventual_default ? "1" : "0");
    tr_put_char(b, ',');
    tr_put_fixed(b, g->self.pd, 6);
    put_optional_day(b, l->issued);
    put_schedule(b, l);
    tr_put_char(b, ',');
    tr_put_cents(b, l->principal_cents);
    tr_put_char(b, ',');
    tr_put_fixed(b, l->issue_pd, 6);
    tr_put_char(b, ',');
    if (!l->after_window) tr_put_i64(b, year_of_day(l->issued));
    put_optional_day(b, l->default_day);
    const int open = tr_loan_open_at_observation(w, book, l);
    put_sep(b, open ? "1" : "0");
    tr_put_char(b, ',');
    if (open) tr_put_fixed(b, tr_loan_pd_12m(w, l), 6);
    tr_put_char(b, ',');
    tr_put_fixed(b, l->true_lgd, 4);
    tr_put_char(b, ',');
    if (open) tr_put_cents(b, tr_loan_owed_before(book, l, tr_observation_day(w)));
    tr_put_char(b, ',');
    if (l->eventual_default) tr_put_cents(b, tr_loan_owed_before(book, l, l->default_day));
    tr_put_char(b, ',');
    tr_put_i64(b, l->n_rep);
    tr_put_eol(b);
}

void tr_emit_loans(struct tr_gen *g)
{
    struct tr_book *book = &g->book;
    tr_person_book(g->w, &g->self, book);
    for (int k = 0; k < book->n; k++) {
        put_loan(g, &book->loan[k]);
        put_repayments(g, book, &book->loan[k]);
        put_loan_truth(g, book, &book->loan[k]);
    }
}

void tr_emit_swaps(struct tr_gen *g)
{
    const struct tr_world *w = g->w;
    const struct tr_person *p = &g->self;
    int64_t t;
    if (p->kind == TR_KIND_TAKEOVER) {
        t = tr_takeover_swap_time(w, p);
    } else if (p->legit_swap) {
        uint64_t key = tr_key(w->seed, TR_S_SWAP, (uint64_t)p->index, 2);
        t = w->start_epoch + (int64_t)(tr_unit(key) * (double)(w->days * 86400));
    } else {
        return;
    }
    tr_put_str(&g->line, g->self_id);
    tr_put_char(&g->line, ',');
    tr_put_timestamp(&g->line, t);
    tr_gen_flush_line(g, TR_F_SIM_SWAPS, tr_key(w->seed, TR_S_SWAP, (uint64_t)p->index, 3));
}
