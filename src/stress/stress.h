/* The stress stage (docs/stress.md): a loan book (stress/portfolio.h) measured by the Basel IRB
 * formulas as it stands and under each scenario, and its loss distribution under a scenario by
 * Monte Carlo. Every sum is exact (core/exact.h) and every path's stream is keyed by the
 * scenario's name and the path's index, so a scenario's figures are the same bits at any rank
 * count and whether it runs alone or with the others. */
#ifndef TELRISK_STRESS_STRESS_H
#define TELRISK_STRESS_STRESS_H

#include "config/config.h"
#include "core/log.h"
#include "model/scorecard.h"
#include "stress/montecarlo.h"
#include "stress/portfolio.h"
#include "stress/scenario.h"

#define TR_STRESS_QUANTILES 1000 /* loss_distribution: the loss at probability k / 1000 */
#define TR_REGION_NAME_MAX  48

/* What the config says about measuring the book (the [stress] keys), checked. */
struct tr_stress_params {
    double scaling;
    double pd_floor;
    double lgd[3], lgd_floor[3]; /* by product */
    double lgd_downturn[3];      /* by product: the add-on under stress */
    int n_levels;
    double levels[TR_MC_MAX_LEVELS];
    int64_t paths;
    uint64_t seed;
    struct tr_scorecard grades; /* model.master_scale: Monte Carlo pools by grade */
    int n_regions;
    double *correlation; /* [n_regions x n_regions] factor correlation matrix */
    double *chol;        /* [n_regions x n_regions] its lower Cholesky factor */
    char scenario_file[TR_PATH_MAX];
    int64_t k_min; /* privacy.k_min: regions of fewer borrowers are suppressed when written */
};

/* 0, or 1 with err naming the key or file and what is wrong. Reads stress.correlation_file. */
int tr_stress_params_init(const struct tr_config *cfg, const char *const *region_names,
                          int n_regions, struct tr_stress_params *p, char *err, size_t errlen);
void tr_stress_params_free(struct tr_stress_params *p);

/* "0.99,0.999": 0, or 1 with err. */
int tr_stress_levels_parse(const char *text, double *levels, int *n, char *err, size_t errlen);

/* Checks that every region a scenario names is one of the run's: 0, or 1 with err. */
int tr_scenarios_check_regions(const struct tr_scenarios *all, const char *const *region_names,
                               int n_regions, char *err, size_t errlen);

/* One region's figures (or the whole book's, region "total"). Currency amounts are in the loans'
 * currency units; PDs and LGDs are EAD-weighted means over the rated loans. */
struct tr_stress_region {
    char region[TR_REGION_NAME_MAX];
    int64_t loans;         /* open loans with money outstanding */
    int64_t borrowers;     /* the subscribers who owe them */
    int64_t unrated_loans; /* of them, with no PD (left out below) */
    double unrated_ead;    /* their exposure */
    double ead;            /* rated exposure */
    double pd, lgd;        /* after the floors */
    double el;             /* expected loss, one year: PD x LGD x EAD */
    double capital, rwa;   /* IRB: K x scaling x EAD, and 12.5 times that */
    double z;              /* the scenario's systematic factor (total: EAD-weighted) */
    double pd_stressed;    /* one-year conditional PD at z */
    double pd_horizon;     /* cumulative over the horizon: 1 - (1 - pd_stressed)^years */
    double el_stressed;    /* pd_horizon x LGD x EAD */
    double capital_stressed, rwa_stressed; /* IRB at pd_stressed */
    double mc_el;                          /* Monte Carlo mean loss over the horizon */
    double es_contribution;                /* share of the portfolio's ES at the highest level */
    int8_t suppressed; /* as written: enum tr_cell_state of output/suppress.h (privacy.k_min) */
};

struct tr_stress_result {
    char name[TR_SCENARIO_NAME_MAX];
    int horizon_years;
    int n_regions;
    struct tr_stress_region *regions; /* [n_regions + 1], the last the total */
    struct tr_mc_result mc;
    size_t n_pools;
    double quantile[TR_STRESS_QUANTILES]; /* the horizon loss at probability (k + 1) / 1000 */
    double seconds;                       /* slowest rank, this scenario */
};

/* Everything a stress analysis needs before it sees the book: the scenario file (all of it, or
 * the scenario `only` when not NULL), checked against the run's regions, and the params. Every
 * rank calls it with the same inputs and gets the same answer. 0, or 1 with err naming the key or
 * file. */
int tr_stress_prepare(const struct tr_config *cfg, const char *scenario_file, const char *only,
                      const char *const *region_names, int n_regions, struct tr_stress_params *p,
                      struct tr_scenarios *scenarios, char *err, size_t errlen);

/* Collective: every scenario (or only `only`) over this rank's exposures, one log line each:
 * *results (*n of them, freed with tr_stress_results_free). 0, or TR_EXIT_INPUT (said once; no
 * results) for a book the Monte Carlo cannot take: a pool of more than 2^32 - 1 loans. */
int tr_stress_run_scenarios(const struct tr_ctx *ctx, const struct tr_stress_params *p,
                            const char *const *region_names, const struct tr_portfolio *book,
                            const struct tr_scenarios *scenarios, const char *only,
                            struct tr_stress_result **results, int *n);
void tr_stress_results_free(struct tr_stress_result *r, int n);

struct tr_stages;
/* The Monte Carlo's figure of merit, paths per second over all n scenarios, as a sub-stage. */
void tr_stress_record(const struct tr_ctx *ctx, struct tr_stages *stages,
                      const struct tr_stress_params *p, const struct tr_stress_result *r, int n);

/* Collective: one scenario over this rank's exposures. 0, or TR_EXIT_INPUT as
 * tr_stress_run_scenarios (out then holds what was made so far, for tr_stress_result_free). */
int tr_stress_scenario(const struct tr_ctx *ctx, const struct tr_stress_params *p,
                       const char *const *region_names, const struct tr_portfolio *book,
                       const struct tr_scenarios *all, const struct tr_scenario *s,
                       struct tr_stress_result *out);
void tr_stress_result_free(struct tr_stress_result *r);

#endif
