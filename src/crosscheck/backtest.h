/* The backtest of the models' PDs against the outcomes of the hold-out, per region and grade of
 * the master scale, with the Basel traffic light: a cross-check of the model stage's output, run
 * after it (and by `telrisk train` and `telrisk score`). The hold-out rows are gathered to rank 0
 * in key order and the cells computed there and broadcast, so they are the same at any rank
 * count. */
#ifndef TELRISK_CROSSCHECK_BACKTEST_H
#define TELRISK_CROSSCHECK_BACKTEST_H

#include "core/log.h"
#include "model/credit.h"
#include "model/scorecard.h"
#include "model/validate.h"

#include <stdint.h>

/* A backtest cell: the hold-out rows of one region (or all) and one grade (or all, grade 0),
 * their mean PD against the observed default rate, and the one-sided binomial test of "no more
 * defaults than the PDs predict": p = P(X >= defaults) for X ~ Binomial(n, mean PD). Zones as in
 * the Basel traffic light: green p > 0.05, yellow 0.0001 < p <= 0.05, red p <= 0.0001. Beside it
 * the Jeffreys test of the ECB's instructions for reporting IRB validation (2019, section 2.5.3.1):
 * H0 "the PD is not below the true default rate", p = the Beta(defaults + 1/2, n - defaults + 1/2)
 * CDF at the mean PD (small p: the PD underestimates). The same for the national model's PDs on
 * the same rows. */
struct tr_backtest_cell {
    int64_t n, defaults;
    double mean_pd, default_rate, p_value, jeffreys_p;
    double national_mean_pd, national_p_value, national_jeffreys_p;
    int zone, national_zone; /* 0 green, 1 yellow, 2 red; -1 no rows */
};

/* The grades' concentration in one region (or all): every scored subscriber (a PD) counted by
 * grade. hhi = sum over grades of (share of the grade)^2, the Herfindahl index; hhi_normalised =
 * 1 + ln(hhi) / ln(K) for K grades, the form of the ECB's instructions for IRB validation
 * reporting (1 + ln((CV^2 + 1) / K) / ln K with CV the grade shares' coefficient of variation,
 * which is the same number): 0 when every grade holds as many, 1 when one holds them all. NaN
 * with no subscriber. */
struct tr_concentration {
    int64_t subscribers;
    double hhi, hhi_normalised;
};

struct tr_backtest {
    int n_regions;
    int n_grades;                  /* 0: no backtest */
    struct tr_backtest_cell *cell; /* [(n_regions + 1) x (n_grades + 1)]: region -1 first, grade 0
                                      = all grades */
    struct tr_concentration *concentration; /* [n_regions + 1]: all regions first */
};

extern const char *const tr_zone_names[3]; /* "green", "yellow", "red" */

/* Collective: the backtest of rows (their PDs by own and national model) on the master scale. */
void tr_backtest_run(const struct tr_ctx *ctx, const struct tr_validation_rows *rows, int n_regions,
                     const struct tr_scorecard *card, struct tr_backtest *bt);
/* The same for the model stage's result on its rows (no backtest when it made no model). */
void tr_backtest_credit(const struct tr_ctx *ctx, const struct tr_model_rows *rows,
                        const struct tr_credit *c, int n_regions, struct tr_backtest *bt);
void tr_backtest_free(struct tr_backtest *bt);

#endif
