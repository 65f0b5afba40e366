/* The whole model stage on one set of rows, shared by `telrisk run` and `telrisk train`: learn the
 * models, score every row, record the scored population (PSI's reference), validate on the
 * hold-out. */
#ifndef TELRISK_MODEL_CREDIT_H
#define TELRISK_MODEL_CREDIT_H

#include "model/reasons.h"
#include "model/train.h"
#include "model/validate.h"

struct tr_credit {
    struct tr_models models;
    struct tr_validation validation;
    double *pd, *pd_national, *score; /* [rows->n]; NULL when there is no model */
    int8_t *grade;                    /* [rows->n] */
    double *pd_calibrated; /* [rows->n]: the grade's calibrated PD (model/calibration.h) */
    double *points;        /* [rows->n x n_used]; NULL without per-bin points */
    int32_t *reasons;      /* [rows->n x n_reasons] codes (model/reasons.h) */
    int n_reasons;         /* model.reasons */
};

/* Each row's points [rows->n x n_used] and top reasons [rows->n x n_reasons] (model/reasons.h),
 * allocated; both NULL when the models have no per-bin points. The one code for telrisk run,
 * train and score. */
void tr_credit_reasons(const struct tr_models *m, const struct tr_model_rows *rows, int n_reasons,
                       double **points, int32_t **reasons);

/* Collective. 0, or TR_EXIT_INPUT when there is nothing to learn from (c->models.why_none says
 * why, nothing printed; c->pd stays NULL). tr_credit_free(c) applies either way. */
int tr_credit_learn(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_model_rows *rows, int n_regions, struct tr_credit *c);
void tr_credit_free(struct tr_credit *c);

/* The rows to validate or backtest: rows' regions, labels and samples with these PDs. */
struct tr_validation_rows tr_validation_rows_of(const struct tr_model_rows *rows, const double *pd,
                                                const double *pd_national);

#endif
