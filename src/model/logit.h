/* Logistic regression by Newton's method (IRLS), distributed: each rank adds its rows' gradient,
 * Hessian and deviance; the sums are exact block sums (model/blocksum.h), so every rank solves the
 * same system with GSL's Cholesky and the fit is the same bits at any rank count. An L2 penalty
 * pulls chosen coefficients toward a prior (a region's model toward the national one);
 * lambda = 0 is plain maximum likelihood. */
#ifndef TELRISK_MODEL_LOGIT_H
#define TELRISK_MODEL_LOGIT_H

#include "core/log.h"

#include <stddef.h>

/* This rank's rows. x[i*p + j]: row i, column j (column 0 is usually the constant 1). */
struct tr_logit_data {
    size_t n;
    int p;
    const double *x;
    const double *y;      /* 0 or 1 */
    const double *weight; /* NULL: all 1; 0 leaves a row out (another region's, the hold-out) */
};

struct tr_logit_options {
    double lambda;                 /* L2 strength (0: none) */
    const double *prior;           /* [p] target of the penalty; NULL: zeros */
    const unsigned char *penalize; /* [p] which coefficients it applies to; NULL: all but 0 */
    int max_iterations;            /* 0: 50 */
    double tolerance;              /* on the relative change of deviance; 0: 1e-12 */
};

struct tr_logit_fit {
    int p;
    double *beta, *std_error, *z, *p_value; /* [p] */
    double deviance, null_deviance, aic;
    double n_obs; /* sum of weights */
    int iterations;
    int converged;
    char problem[160]; /* empty, or why the fit is not to be trusted (separation, singular) */
};

/* Collective. Returns 0, or 1 when the Hessian is singular (problem says so; beta is the last
 * iterate). The fit is the same on every rank. */
int tr_logit(const struct tr_ctx *ctx, const struct tr_logit_data *d,
             const struct tr_logit_options *o, struct tr_logit_fit *fit);
void tr_logit_fit_free(struct tr_logit_fit *fit);

#endif
