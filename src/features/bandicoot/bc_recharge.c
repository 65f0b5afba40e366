/* bandicoot's recharge.py: top-up amounts, the time between top-ups, their pareto share and
 * count per group, and the whole period's average balance (with bandicoot's min(1, ...)). */
#include "features/bandicoot/bc_internal.h"

#include <math.h>

/* The fewest top-ups, largest first, whose running sum reaches 0.8 x the total, over all of
 * them. The sum runs over the amounts sorted from the largest, as bandicoot's. */
static double pareto_recharges(double *amounts, size_t n)
{
    bc_sort(amounts, n);
    double total = 0;
    for (size_t k = n; k-- > 0;)
        total += amounts[k];
    double partial = 0;
    size_t count = 0;
    for (size_t k = n; k-- > 0; count++) {
        partial += amounts[k];
        if (partial >= 0.8 * total) break;
    }
    return (double)(count + 1) / (double)n;
}

void bc_group_recharges(const struct bc_job *j, const uint32_t *idx, size_t n, double *row)
{
    const struct tr_bc_recharge *rc = j->u->recharges;
    double *v = j->s->vals;
    int extended = j->lay->opt.extended;
    for (size_t k = 0; k < n; k++)
        v[k] = rc[idx[k]].amount;
    bc_summary(v, n, extended, row + BC_SLOT(BC_AMOUNT_RECHARGES, 0));
    for (size_t k = 0; k < n; k++)
        v[k] = rc[idx[k]].amount;
    row[BC_SLOT(BC_PERCENT_PARETO_RECHARGES, 0)] = pareto_recharges(v, n);
    for (size_t k = 1; k < n; k++)
        v[k - 1] = (double)(rc[idx[k]].t - rc[idx[k - 1]].t);
    bc_summary(v, n - 1, extended, row + BC_SLOT(BC_INTEREVENT_TIME_RECHARGES, 0));
    row[BC_SLOT(BC_NUMBER_OF_RECHARGES, 0)] = (double)n;
}

/* Whole days between two times, rounded down as Python's timedelta.days. */
static int64_t whole_days(int64_t from, int64_t to)
{
    int64_t d = to - from;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

static int64_t min1(int64_t x)
{
    return x < 1 ? x : 1;
}

/* bandicoot caps each gap and the period at min(1, days) where max(1, days) looks intended:
 * the result is half the sum of the amounts followed by a gap of a day or more, undivided.
 * Kept for conformance (docs/indicators.md). bandicoot raises ZeroDivisionError when all
 * top-ups fall on one day; that is NaN here, as is a user without top-ups. */
double bc_average_balance(const struct tr_bc_user *u)
{
    size_t n = u->n_recharges;
    if (n == 0) return NAN;
    const struct tr_bc_recharge *rc = u->recharges;
    double balance = 0;
    for (size_t k = 1; k < n; k++)
        balance += rc[k - 1].amount * (double)min1(whole_days(rc[k - 1].t, rc[k].t)) / 2;
    int64_t period = min1(whole_days(rc[0].t, rc[n - 1].t));
    return period != 0 ? balance / (double)period : NAN;
}
