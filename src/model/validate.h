/* Validation of the models on the subscribers they did not learn from: the hold-out (and the
 * out-of-time sample when model.oot_date is set), nationally and per region. The scored rows are
 * gathered to rank 0 in key order (a hold-out is a small share of the country), computed there
 * and broadcast, so the figures are the same at any rank count. */
#ifndef TELRISK_MODEL_VALIDATE_H
#define TELRISK_MODEL_VALIDATE_H

#include "core/log.h"
#include "model/metrics.h"

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

struct tr_validation {
    int n_regions;
    struct tr_validation_cell assigned; /* the whole hold-out, each row by its own model */
    struct tr_validation_cell national; /* the whole hold-out by the national model */
    struct tr_validation_cell *region;  /* [n_regions]: the region's hold-out, its own model */
    struct tr_validation_cell *region_national; /* [n_regions]: the same rows, national model */
    struct tr_validation_cell out_of_time;      /* the out-of-time sample, own models */
};

/* The rows to validate on this rank, in key order. */
struct tr_validation_rows {
    size_t n;
    const int32_t *region;     /* [n] */
    const int8_t *label;       /* [n]: 1, 0, -1 (unlabelled rows are skipped) */
    const int8_t *sample;      /* [n]: features/labels.h */
    const double *pd;          /* [n]: own model */
    const double *pd_national; /* [n] */
};

/* Collective. */
void tr_validate(const struct tr_ctx *ctx, const struct tr_validation_rows *rows, int n_regions,
                 struct tr_validation *v);

/* One labelled row outside the training sample, gathered. */
struct tr_validation_row {
    double pd, pd_national, y;
    int32_t region;
    int32_t sample;
};
/* Collective: the labelled rows outside the training sample, all on rank 0 in key order (*n of
 * them; none elsewhere), to free. */
struct tr_validation_row *tr_validation_gather(const struct tr_ctx *ctx,
                                               const struct tr_validation_rows *rows, size_t *n);
void tr_validation_free(struct tr_validation *v);

/* Calibration of p[n] against y[n] (0/1): sorted by p (ties by position). */
void tr_calibration(const double *p, const double *y, size_t n, struct tr_calibration *c);

#endif
