/* Validation of the models on the subscribers they did not learn from: the hold-out (and the
 * out-of-time sample when model.oot_date is set), nationally and per region. The scored rows are
 * gathered to rank 0 in key order (a hold-out is a small share of the country), computed there
 * and broadcast, so the figures are the same at any rank count. */
#ifndef TELRISK_MODEL_VALIDATE_H
#define TELRISK_MODEL_VALIDATE_H

#include "core/log.h"
#include "model/metrics.h"
#include "model/scorecard.h"

#include <stddef.h>
#include <stdint.h>

#define TR_CAL_GROUPS 10 /* calibration by deciles of predicted PD */

struct tr_calibration {
    int groups;               /* TR_CAL_GROUPS, or 0 with fewer rows than that */
    int64_t n[TR_CAL_GROUPS]; /* rows per group: sorted by PD, cut as evenly as possible */
    int64_t defaults[TR_CAL_GROUPS];
    double mean_pd[TR_CAL_GROUPS];
    double default_rate[TR_CAL_GROUPS];
    double hl_stat, hl_p; /* Hosmer-Lemeshow over the groups, groups - 2 degrees of freedom */
};

struct tr_validation_cell {
    struct tr_metrics m; /* m.n = 0: no rows */
    struct tr_calibration cal;
};

/* A backtest cell: the hold-out rows of one region (or all) and one grade (or all, grade 0),
 * their mean PD against the observed default rate, and the one-sided binomial test of "no more
 * defaults than the PDs predict": p = P(X >= defaults) for X ~ Binomial(n, mean PD). Zones as in
 * the Basel traffic light: green p > 0.05, yellow 0.0001 < p <= 0.05, red p <= 0.0001. The same
 * for the national model's PDs on the same rows. */
struct tr_backtest_cell {
    int64_t n, defaults;
    double mean_pd, default_rate, p_value;
    double national_mean_pd, national_p_value;
    int zone, national_zone; /* 0 green, 1 yellow, 2 red; -1 no rows */
};

struct tr_validation {
    int n_regions;
    struct tr_validation_cell assigned; /* the whole hold-out, each row by its own model */
    struct tr_validation_cell national; /* the whole hold-out by the national model */
    struct tr_validation_cell *region;  /* [n_regions]: the region's hold-out, its own model */
    struct tr_validation_cell *region_national; /* [n_regions]: the same rows, national model */
    struct tr_validation_cell out_of_time;      /* the out-of-time sample, own models */
    int n_grades;                               /* 0: no backtest */
    struct tr_backtest_cell
        *backtest; /* [(n_regions + 1) x (n_grades + 1)]: region -1 first, grade 0 = all */
};

extern const char *const tr_zone_names[3]; /* "green", "yellow", "red" */

/* The rows to validate on this rank, in key order. */
struct tr_validation_rows {
    size_t n;
    const int32_t *region;     /* [n] */
    const int8_t *label;       /* [n]: 1, 0, -1 (unlabelled rows are skipped) */
    const int8_t *sample;      /* [n]: model/labels.h */
    const double *pd;          /* [n]: own model */
    const double *pd_national; /* [n] */
};

/* Collective. card: the master scale for the backtest by grade (NULL: no backtest). */
void tr_validate(const struct tr_ctx *ctx, const struct tr_validation_rows *rows, int n_regions,
                 const struct tr_scorecard *card, struct tr_validation *v);
void tr_validation_free(struct tr_validation *v);

/* Calibration of p[n] against y[n] (0/1): sorted by p (ties by position). */
void tr_calibration(const double *p, const double *y, size_t n, struct tr_calibration *c);

#endif
