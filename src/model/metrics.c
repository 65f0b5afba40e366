#include "model/metrics.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct scored {
    double p, y;
};

static int cmp_scored(const void *pa, const void *pb)
{
    const struct scored *a = pa, *b = pb;
    return a->p < b->p ? -1 : a->p > b->p;
}

/* qnorm(0.975): the normal quantile of a two-sided 95% interval, as R prints it to 16 digits. */
#define Z_975 1.959963984540054

/* DeLong's interval from the scores sorted by p. A default's placement is the share of repaid
 * scored below it (ties half), a repaid's the share of defaults scored above it; the AUC is the
 * mean of either, and its variance is that of the placements' means. One pass over the groups of
 * equal scores, in sorted order, so the sums are the same bits at any rank count. */
static void delong(const struct scored *v, size_t n, double pos, double neg, struct tr_metrics *m)
{
    m->auc_lower = m->auc_upper = m->auc_se = NAN;
    if (pos < 2 || neg < 2) return; /* a variance needs two of each class */
    double below = 0, above = pos, s10 = 0, s01 = 0;
    for (size_t first = 0; first < n;) {
        size_t last = first;
        double group_pos = 0;
        while (last < n && v[last].p == v[first].p)
            group_pos += v[last].y > 0.5, last++;
        const double group_neg = (double)(last - first) - group_pos;
        above -= group_pos;
        const double v10 = (below + 0.5 * group_neg) / neg - m->auc;
        const double v01 = (above + 0.5 * group_pos) / pos - m->auc;
        s10 += group_pos * v10 * v10, s01 += group_neg * v01 * v01;
        below += group_neg;
        first = last;
    }
    const double sd = sqrt(s10 / (pos - 1) / pos + s01 / (neg - 1) / neg);
    m->auc_se = sd;
    m->auc_lower = fmax(0.0, m->auc - Z_975 * sd);
    m->auc_upper = fmin(1.0, m->auc + Z_975 * sd);
}

int tr_metrics(const double *p, const double *y, size_t n, struct tr_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    struct scored *v = TR_MALLOC(sizeof *v * (n + 1));
    double sum_p = 0, sum_y = 0, brier = 0, loss = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = (struct scored){p[i], y[i]};
        double q = fmin(fmax(p[i], 1e-15), 1 - 1e-15);
        sum_p += p[i], sum_y += y[i];
        brier += (p[i] - y[i]) * (p[i] - y[i]);
        loss -= y[i] * log(q) + (1 - y[i]) * log(1 - q);
        m->positives += y[i] > 0.5;
    }
    const double pos = (double)m->positives, neg = (double)(n - m->positives);
    m->brier = n ? brier / (double)n : NAN;
    m->log_loss = n ? loss / (double)n : NAN;
    m->mean_pd = n ? sum_p / (double)n : NAN;
    m->default_rate = n ? sum_y / (double)n : NAN;
    if (pos == 0 || neg == 0) {
        m->auc = m->gini = m->ks = m->auc_lower = m->auc_upper = m->auc_se = NAN;
        free(v);
        return 1;
    }
    /* Midranks over groups of equal scores give the ties half a win each. */
    qsort(v, n, sizeof *v, cmp_scored);
    double rank_sum = 0, tp = 0, fp = 0, ks = 0;
    for (size_t first = 0; first < n;) {
        size_t last = first;
        double group_pos = 0;
        while (last < n && v[last].p == v[first].p)
            group_pos += v[last].y > 0.5, last++;
        double midrank = (double)(first + 1 + last) / 2.0;
        rank_sum += midrank * group_pos;
        /* KS: the largest gap between the classes' cumulative distributions, at group ends. */
        tp += group_pos, fp += (double)(last - first) - group_pos;
        double gap = fabs(tp / pos - fp / neg);
        if (gap > ks) ks = gap;
        first = last;
    }
    m->auc = (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
    m->gini = 2 * m->auc - 1;
    m->ks = ks;
    delong(v, n, pos, neg, m);
    free(v);
    return 0;
}
