/* Monte Carlo portfolio loss under a multi-factor Gaussian copula: one systematic factor per
 * region, correlated across regions by a configured matrix (its Cholesky factor given here). The
 * portfolio is a set of homogeneous pools (a region, a PD, an LGD, an asset correlation, a number
 * of loans and their exposure): given the factors, a pool's defaults are Binomial(loans,
 * conditional PD), drawn exactly, so a pool of millions of loans costs one draw per path.
 * Each path's random stream is keyed by the path's index, never by rank: the loss distribution,
 * VaR, expected shortfall and each region's contribution to it are the same bits at any rank
 * count. */
#ifndef TELRISK_STRESS_MONTECARLO_H
#define TELRISK_STRESS_MONTECARLO_H

#include "core/log.h"

#include <stddef.h>
#include <stdint.h>

#define TR_MC_MAX_LEVELS 8

struct tr_pool {
    int region;     /* which factor drives it, 0..n_regions-1 */
    double pd, lgd; /* per loan */
    double r;       /* asset correlation with its region's factor */
    uint32_t loans;
    double ead; /* the pool's total exposure */
};

struct tr_mc_options {
    uint64_t seed;
    int64_t paths;
    int n_regions;
    const double *factor_chol; /* [n_regions x n_regions] lower Cholesky factor, row-major */
    int n_levels;
    const double *levels; /* [n_levels], e.g. 0.99, 0.999 */
    int n_quantiles;      /* the loss at probabilities k / n_quantiles, k = 1..n (0: none) */
};

struct tr_mc_result {
    double el;                    /* mean loss over the paths */
    double var[TR_MC_MAX_LEVELS]; /* loss quantile at each level */
    double es[TR_MC_MAX_LEVELS];  /* mean of the losses at or beyond it */
    double *es_region;            /* [n_levels x n_regions]: each region's share of es */
    double *el_region;            /* [n_regions]: each region's mean loss */
    double *quantile;             /* [n_quantiles] */
    double seconds;               /* slowest rank */
};

/* Collective. Paths [P r / size, P (r + 1) / size) on rank r. Returns 0, or 1 when the options
 * cannot be simulated (nothing printed: the caller validates its inputs). */
int tr_mc_loss(const struct tr_ctx *ctx, const struct tr_pool *pools, size_t n_pools,
               const struct tr_mc_options *o, struct tr_mc_result *out);
void tr_mc_result_free(struct tr_mc_result *r);

/* Of P losses ranked from the smallest, the (0-based) rank of the VaR at level: the smallest loss
 * with at least a share `level` of the paths at or below it. */
size_t tr_mc_quantile_index(double level, size_t P);

#endif
