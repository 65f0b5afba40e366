/* Validation metrics of predicted probabilities against 0/1 outcomes, computed exactly from the
 * pairs in a fixed order (gather the hold-out's pairs to one rank first: a hold-out is small), so
 * they are the same at any rank count. */
#ifndef TELRISK_MODEL_METRICS_H
#define TELRISK_MODEL_METRICS_H

#include <stddef.h>

struct tr_metrics {
    size_t n, positives;
    double auc; /* Mann-Whitney: P(score of a default > score of a repaid), ties count half */
    /* The AUC's 95% confidence interval by DeLong's method (DeLong, DeLong and Clarke-Pearson
     * 1988; pROC's ci.auc(method = "delong")): auc -+ z(0.975) sqrt(S10 / m + S01 / n), from the
     * variances of the structural components (placements) of the m defaults and n repaid, clipped
     * to [0, 1]; NaN with fewer than two of either class. */
    double auc_lower, auc_upper;
    double auc_se;   /* DeLong's standard error of the AUC (NaN as the interval) */
    double gini;     /* 2 AUC - 1 */
    double ks;       /* max over thresholds of |TPR - FPR| */
    double brier;    /* mean (p - y)^2 */
    double log_loss; /* mean -[y log p + (1-y) log(1-p)], p clipped to [1e-15, 1 - 1e-15] */
    double mean_pd, default_rate; /* calibration in the large */
};

/* p[n] predicted probabilities, y[n] outcomes (0/1). p and y are not modified. Returns 0, or 1
 * when there is no positive or no negative (AUC, Gini and KS are then NaN). */
int tr_metrics(const double *p, const double *y, size_t n, struct tr_metrics *m);

#endif
