/* The registry's features: mobile money (Cider's set and more), top-ups, data sessions, loan
 * history and the register. Money is summed in cents (exact) and turned into currency units at
 * the end. */
#include "features/indicators.h"

#include "core/calendar.h"

#include <math.h>
#include <string.h>

/* Count, sum, min, max of a series of amounts in cents (the sum in 128 bits: no overflow). */
struct tally {
    int64_t n, min, max;
    __int128 sum;
};

static void tally_add(struct tally *t, int64_t v)
{
    if (t->n == 0 || v < t->min) t->min = v;
    if (t->n == 0 || v > t->max) t->max = v;
    t->n++;
    t->sum += v;
}

/* sum, mean, min, max in units of `unit` hundredths or thousandths (NaN where there is nothing). */
static void tally_put_in(const struct tally *t, double unit, double *sum, double *mean, double *min,
                         double *max)
{
    *sum = (double)t->sum / unit;
    *mean = t->n ? (double)t->sum / unit / (double)t->n : NAN;
    *min = t->n ? (double)t->min / unit : NAN;
    *max = t->n ? (double)t->max / unit : NAN;
}

static void tally_put(const struct tally *t, double *sum, double *mean, double *min, double *max)
{
    tally_put_in(t, 100.0, sum, mean, min, max); /* cents to currency units */
}

static void money_by_direction(const struct tr_subscriber_records *r,
                               struct tr_indicator_scratch *s, double *out)
{
    struct tally dir[TR_MM_DIRS] = {{0}};
    tr_indicator_scratch_reserve(s, r->n_money + 1);
    for (int d = 0; d < TR_MM_DIRS; d++) {
        size_t n = 0;
        for (size_t k = 0; k < r->n_money; k++) {
            const struct tr_money *m = &r->money[k];
            int in = !m->outgoing;
            if ((d == TR_MM_IN && !in) || (d == TR_MM_OUT && in)) continue;
            tally_add(&dir[d], m->amount);
            s->keys[n++] = m->other;
        }
        out[TR_FEAT_MM_COUNT + d] = (double)dir[d].n;
        tally_put(&dir[d], &out[TR_FEAT_MM_AMOUNT_SUM + d], &out[TR_FEAT_MM_AMOUNT_MEAN + d],
                  &out[TR_FEAT_MM_AMOUNT_MIN + d], &out[TR_FEAT_MM_AMOUNT_MAX + d]);
        out[TR_FEAT_MM_COUNTERPARTIES + d] = (double)tr_distinct_u64(s->keys, n);
    }
}

static void money_by_type(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                          double *out)
{
    int64_t count[TR_TXN_TYPES] = {0}, balances = 0, bal_min = 0, bal_max = 0, dom_n = 0;
    __int128 cents[TR_TXN_TYPES] = {0}, paid_out = 0, balance_sum = 0; /* no overflow */
    __int128 cashed_out = 0; /* the subscriber's own cash-outs, not an agent's till's */
    double dom_sum = 0, dom_sum2 = 0;
    size_t billers = 0;
    for (size_t k = 0; k < r->n_money; k++) {
        const struct tr_money *m = &r->money[k];
        count[m->type]++;
        cents[m->type] += m->amount;
        if (m->outgoing) paid_out += m->amount;
        if (m->outgoing && m->type == TR_CASHOUT) cashed_out += m->amount;
        if (m->balance_after != TR_NO_BALANCE) {
            if (balances == 0 || m->balance_after < bal_min) bal_min = m->balance_after;
            if (balances == 0 || m->balance_after > bal_max) bal_max = m->balance_after;
            balance_sum += m->balance_after;
            balances++;
        }
        if (m->type == TR_BILLPAY && m->outgoing) {
            int y, mo, d;
            tr_civil_from_days(tr_day_of(tr_tz_local(r->zone, m->t)), &y, &mo, &d);
            dom_sum += d, dom_sum2 += (double)d * d, dom_n++;
            s->keys[billers++] = m->other;
        }
    }
    for (int t = 0; t < TR_TXN_TYPES; t++) {
        out[TR_FEAT_MM_TYPE_COUNT + t] = (double)count[t];
        out[TR_FEAT_MM_TYPE_AMOUNT + t] = (double)cents[t] / 100.0;
        out[TR_FEAT_MM_TYPE_MEAN + t] =
            count[t] ? (double)cents[t] / 100.0 / (double)count[t] : NAN;
    }
    out[TR_FEAT_MM_BALANCE_MEAN] = balances ? (double)balance_sum / 100.0 / (double)balances : NAN;
    out[TR_FEAT_MM_BALANCE_MIN] = balances ? (double)bal_min / 100.0 : NAN;
    out[TR_FEAT_MM_BALANCE_MAX] = balances ? (double)bal_max / 100.0 : NAN;
    out[TR_FEAT_MM_CASHOUT_SHARE] = paid_out ? (double)cashed_out / (double)paid_out : NAN;
    out[TR_FEAT_MM_BILLPAY_BILLERS] = (double)tr_distinct_u64(s->keys, billers);
    double mean = dom_n ? dom_sum / (double)dom_n : 0;
    out[TR_FEAT_MM_BILLPAY_DOM_STD] =
        dom_n ? sqrt(fmax(0, dom_sum2 / (double)dom_n - mean * mean)) : NAN;
}

/* std / mean of the gaps between consecutive top-ups (times sorted), in one pass of exact
 * integer sums: a gap is at most a window of seconds, its square fits in 128 bits. */
static double gap_cv(const struct tr_recharge *top, size_t n)
{
    if (n < 3) return NAN;
    __int128 sum = 0, sum2 = 0;
    for (size_t k = 1; k < n; k++) {
        const __int128 gap = top[k].t - top[k - 1].t;
        sum += gap, sum2 += gap * gap;
    }
    if (sum == 0) return NAN;
    const double gaps = (double)(n - 1), mean = (double)sum / gaps;
    /* n sum2 - sum^2 >= 0 exactly, so the variance never goes negative by rounding. */
    const double var = (double)((__int128)(n - 1) * sum2 - sum * sum) / (gaps * gaps);
    return sqrt(var) / mean;
}

static void usage(const struct tr_subscriber_records *r, double *out)
{
    struct tally top = {0}, data = {0};
    int64_t top_days = 0, data_days = 0, last = INT64_MIN;
    for (size_t k = 0; k < r->n_recharges; k++) {
        tally_add(&top, r->recharges[k].amount);
        int64_t d = tr_day_of(tr_tz_local(r->zone, r->recharges[k].t));
        top_days += d != last, last = d;
    }
    last = INT64_MIN;
    for (size_t k = 0; k < r->n_data; k++) {
        tally_add(&data, r->data[k].volume); /* kB */
        int64_t d = tr_day_of(tr_tz_local(r->zone, r->data[k].t));
        data_days += d != last, last = d;
    }
    out[TR_FEAT_RECHARGES_COUNT] = (double)top.n;
    tally_put(&top, &out[TR_FEAT_RECHARGES_SUM], &out[TR_FEAT_RECHARGES_MEAN],
              &out[TR_FEAT_RECHARGES_MIN], &out[TR_FEAT_RECHARGES_MAX]);
    out[TR_FEAT_RECHARGES_DAYS] = (double)top_days;
    out[TR_FEAT_RECHARGES_GAP_CV] = gap_cv(r->recharges, r->n_recharges);
    out[TR_FEAT_DATA_COUNT] = (double)data.n;
    tally_put_in(&data, 1000.0, &out[TR_FEAT_DATA_SUM], &out[TR_FEAT_DATA_MEAN],
                 &out[TR_FEAT_DATA_MIN], &out[TR_FEAT_DATA_MAX]); /* kB to MB */
    out[TR_FEAT_DATA_DAYS] = (double)data_days;
}

/* Loans issued before the window's end: how many, how they went. */
static void loan_history(const struct tr_subscriber_records *r, double *out)
{
    const int64_t end_day = tr_day_of(r->window_end - 1);
    int64_t prior = 0, defaulted = 0, due = 0, repaid = 0;
    __int128 cents = 0;
    double past_due = 0;
    for (size_t k = 0; k < r->n_loans; k++) {
        const struct tr_loan_rec *l = &r->loans[k];
        if (l->issued > end_day) continue;
        prior++;
        cents += l->amount;
        /* Only loans due by the window's end have an outcome the window could know. */
        if (l->due > end_day || l->status == TR_ST_OPEN) continue;
        due++;
        /* A write-off or a distressed restructuring is a default too (tr_status_defaulted). */
        defaulted += tr_status_defaulted(l->status);
        repaid += l->status == TR_ST_REPAID;
        if (tr_status_defaulted(l->status)) past_due += (double)(end_day - l->due);
    }
    out[TR_FEAT_LOANS_PRIOR] = (double)prior;
    out[TR_FEAT_LOANS_PRIOR_DEFAULTED] = (double)defaulted;
    out[TR_FEAT_LOANS_PRIOR_REPAID_SHARE] = due ? (double)repaid / (double)due : NAN;
    out[TR_FEAT_LOANS_PRIOR_AMOUNT_MEAN] = prior ? (double)cents / 100.0 / (double)prior : NAN;
    out[TR_FEAT_LOANS_DAYS_PAST_DUE_MEAN] = due ? past_due / (double)due : NAN;
}

void tr_indicators_fixed(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                         double *out)
{
    money_by_direction(r, s, out);
    money_by_type(r, s, out);
    usage(r, out);
    loan_history(r, out);
    out[TR_FEAT_SIM_SWAPS] = (double)r->n_swaps;
    out[TR_FEAT_TENURE_DAYS] =
        r->reg ? (double)(tr_day_of(r->window_end - 1) - r->reg->activation) : NAN;
    out[TR_FEAT_POSTPAID] = r->reg ? (double)(r->reg->plan == TR_POSTPAID) : NAN;
}
