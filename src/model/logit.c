#include "model/logit.h"

#include "core/error.h"
#include "model/blocksum.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Accumulator layout: gradient [p], Hessian upper triangle [p(p+1)/2], deviance, weight sum. */
struct pass {
    const struct tr_logit_data *d;
    const double *beta;
    int p;
};

static size_t tri(int p)
{
    return (size_t)p * (size_t)(p + 1) / 2;
}

/* -2 log-likelihood of one observation, computed stably from the linear predictor. */
static double deviance_of(double eta, double y)
{
    /* log(1 + e^-|eta|) + max(eta, 0) = log(1 + e^eta) */
    double log1pexp = log1p(exp(-fabs(eta))) + (eta > 0 ? eta : 0);
    return 2 * (log1pexp - y * eta);
}

static void add_row(void *user, size_t i, double *acc)
{
    const struct pass *ps = user;
    const int p = ps->p;
    const double w = ps->d->weight ? ps->d->weight[i] : 1.0;
    if (w == 0) return;
    const double *x = ps->d->x + i * (size_t)p, y = ps->d->y[i];
    double eta = 0;
    for (int j = 0; j < p; j++)
        eta += x[j] * ps->beta[j];
    const double mu = 1 / (1 + exp(-eta)), v = w * mu * (1 - mu), r = w * (y - mu);
    for (int j = 0; j < p; j++)
        acc[j] += r * x[j];
    double *h = acc + p;
    for (int j = 0; j < p; j++) {
        const double vx = v * x[j];
        for (int k = j; k < p; k++)
            *h++ += vx * x[k];
    }
    acc[(size_t)p + tri(p)] += w * deviance_of(eta, y);
    acc[(size_t)p + tri(p) + 1] += w;
}

static double penalty_weight(const struct tr_logit_options *o, int j)
{
    if (o->lambda == 0) return 0;
    if (o->penalize) return o->penalize[j] ? o->lambda : 0;
    return j == 0 ? 0 : o->lambda;
}

/* H (+ penalty) into a GSL matrix, from the upper triangle. */
static void fill_hessian(gsl_matrix *H, const double *upper, int p,
                         const struct tr_logit_options *o)
{
    for (int j = 0, at = 0; j < p; j++)
        for (int k = j; k < p; k++, at++) {
            gsl_matrix_set(H, (size_t)j, (size_t)k, upper[at]);
            gsl_matrix_set(H, (size_t)k, (size_t)j, upper[at]);
        }
    for (int j = 0; j < p; j++)
        gsl_matrix_set(H, (size_t)j, (size_t)j,
                       gsl_matrix_get(H, (size_t)j, (size_t)j) + penalty_weight(o, j));
}

static void alloc_fit(struct tr_logit_fit *fit, int p)
{
    memset(fit, 0, sizeof *fit);
    fit->p = p;
    fit->beta = TR_CALLOC((size_t)p, sizeof(double));
    fit->std_error = TR_CALLOC((size_t)p, sizeof(double));
    fit->z = TR_CALLOC((size_t)p, sizeof(double));
    fit->p_value = TR_CALLOC((size_t)p, sizeof(double));
}

/* Standard errors, z and p-values from the (penalised) information matrix's inverse. */
static void inference(gsl_matrix *chol, struct tr_logit_fit *fit)
{
    const int p = fit->p;
    gsl_matrix *inv = gsl_matrix_alloc((size_t)p, (size_t)p);
    gsl_matrix_memcpy(inv, chol);
    GSL_CHECK(gsl_linalg_cholesky_invert(inv));
    for (int j = 0; j < p; j++) {
        fit->std_error[j] = sqrt(gsl_matrix_get(inv, (size_t)j, (size_t)j));
        fit->z[j] = fit->beta[j] / fit->std_error[j];
        fit->p_value[j] = 2 * gsl_cdf_ugaussian_Q(fabs(fit->z[j]));
    }
    gsl_matrix_free(inv);
}

/* The weights and the weighted outcomes: what the intercept-only model needs. */
static void add_outcome(void *user, size_t i, double *acc)
{
    const struct tr_logit_data *d = user;
    const double w = d->weight ? d->weight[i] : 1.0;
    acc[0] += w, acc[1] += w * d->y[i];
}

/* Deviance of the intercept-only model (R's null.deviance): -2 log L at the mean outcome. */
static double null_deviance(const struct tr_ctx *ctx, const struct tr_logit_data *d)
{
    double acc[2];
    tr_block_sum(ctx, d->n, 2, add_outcome, (void *)d, acc);
    const double w = acc[0], wy = acc[1];
    if (w <= 0 || wy <= 0 || wy >= w) return 0;
    const double mean = wy / w;
    return -2 * (wy * log(mean) + (w - wy) * log1p(-mean));
}

int tr_logit(const struct tr_ctx *ctx, const struct tr_logit_data *d,
             const struct tr_logit_options *o, struct tr_logit_fit *fit)
{
    const int p = d->p;
    const size_t m = (size_t)p + tri(p) + 2;
    const int max_it = o->max_iterations > 0 ? o->max_iterations : 50;
    const double tol = o->tolerance > 0 ? o->tolerance : 1e-12;
    alloc_fit(fit, p);
    fit->null_deviance = null_deviance(ctx, d);
    if (o->prior) memcpy(fit->beta, o->prior, sizeof(double) * (size_t)p);
    double *acc = TR_MALLOC(sizeof(double) * m);
    gsl_matrix *H = gsl_matrix_alloc((size_t)p, (size_t)p);
    gsl_vector *g = gsl_vector_alloc((size_t)p), *step = gsl_vector_alloc((size_t)p);
    struct pass ps = {d, fit->beta, p};
    double previous = INFINITY;
    int singular = 0;
    for (fit->iterations = 0; fit->iterations < max_it; fit->iterations++) {
        tr_block_sum(ctx, d->n, m, add_row, &ps, acc);
        fit->deviance = acc[(size_t)p + tri(p)];
        fit->n_obs = acc[(size_t)p + tri(p) + 1];
        if (fabs(fit->deviance - previous) / (fabs(fit->deviance) + 0.1) < tol) {
            fit->converged = 1;
            break;
        }
        previous = fit->deviance;
        for (int j = 0; j < p; j++) {
            double prior = o->prior ? o->prior[j] : 0;
            gsl_vector_set(g, (size_t)j, acc[j] - penalty_weight(o, j) * (fit->beta[j] - prior));
        }
        fill_hessian(H, acc + p, p, o);
        if (gsl_linalg_cholesky_decomp1(H) != GSL_SUCCESS) {
            singular = 1;
            break;
        }
        GSL_CHECK(gsl_linalg_cholesky_solve(H, g, step));
        for (int j = 0; j < p; j++)
            fit->beta[j] += gsl_vector_get(step, (size_t)j);
    }
    /* Inference at the final coefficients: one more pass for their Hessian. */
    if (!singular) {
        tr_block_sum(ctx, d->n, m, add_row, &ps, acc);
        fill_hessian(H, acc + p, p, o);
        singular = gsl_linalg_cholesky_decomp1(H) != GSL_SUCCESS;
        if (!singular) inference(H, fit);
    }
    fit->aic = fit->deviance + 2 * p;
    if (singular)
        snprintf(
            fit->problem, sizeof fit->problem,
            "singular Hessian: a feature is constant or a combination of others among these rows");
    else if (!fit->converged)
        snprintf(fit->problem, sizeof fit->problem,
                 "no convergence in %d iterations: the classes may be separable by the features",
                 max_it);
    else if (fit->deviance < 1e-6 * fit->n_obs)
        snprintf(fit->problem, sizeof fit->problem,
                 "deviance near 0: the classes are (almost) perfectly separated; coefficients are "
                 "unbounded");
    gsl_vector_free(step);
    gsl_vector_free(g);
    gsl_matrix_free(H);
    free(acc);
    return singular;
}

void tr_logit_fit_free(struct tr_logit_fit *fit)
{
    free(fit->beta);
    free(fit->std_error);
    free(fit->z);
    free(fit->p_value);
    memset(fit, 0, sizeof *fit);
}
