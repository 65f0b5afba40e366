#include "model/credit.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int tr_credit_learn(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_model_rows *rows, int n_regions, struct tr_credit *c)
{
    memset(c, 0, sizeof *c);
    int rc = tr_models_train(ctx, cfg, rows, n_regions, &c->models);
    if (rc) return rc;
    c->pd = TR_MALLOC(sizeof(double) * (rows->n + 1));
    c->pd_national = TR_MALLOC(sizeof(double) * (rows->n + 1));
    c->score = TR_MALLOC(sizeof(double) * (rows->n + 1));
    c->grade = TR_MALLOC(rows->n + 1);
    tr_models_score(&c->models, rows, c->pd, c->pd_national, c->score, c->grade);
    tr_calibrate(ctx, cfg, &c->models.card, rows->cohorts, rows->n, rows->label, c->pd, c->grade,
                 &c->models.calibration);
    c->pd_calibrated = TR_MALLOC(sizeof(double) * (rows->n + 1));
    tr_calibrated_pds(&c->models.calibration, rows->n, c->pd, c->grade, c->pd_calibrated);
    c->n_reasons = (int)cfg->model.reasons;
    tr_credit_reasons(&c->models, rows, c->n_reasons, &c->points, &c->reasons);
    tr_models_reference(ctx, rows, c->score, c->grade, cfg->run.seed, &c->models);
    const struct tr_validation_rows v = tr_validation_rows_of(rows, c->pd, c->pd_national);
    tr_validate(ctx, &v, n_regions, &c->validation);
    return TR_EXIT_OK;
}

void tr_credit_reasons(const struct tr_models *m, const struct tr_model_rows *rows, int n_reasons,
                       double **points, int32_t **reasons)
{
    *points = NULL, *reasons = NULL;
    if (!tr_reasons_available(m)) return;
    *points = TR_MALLOC(sizeof(double) * (rows->n * (size_t)m->n_used + 1));
    *reasons = TR_MALLOC(sizeof(int32_t) * (rows->n * (size_t)n_reasons + 1));
    tr_reasons_score(m, rows, n_reasons, *points, *reasons);
}

struct tr_validation_rows tr_validation_rows_of(const struct tr_model_rows *rows, const double *pd,
                                                const double *pd_national)
{
    return (struct tr_validation_rows){.n = rows->n,
                                       .region = rows->region,
                                       .label = rows->label,
                                       .sample = rows->sample,
                                       .pd = pd,
                                       .pd_national = pd_national};
}

void tr_credit_free(struct tr_credit *c)
{
    tr_models_free(&c->models);
    tr_validation_free(&c->validation);
    free(c->pd);
    free(c->pd_national);
    free(c->score);
    free(c->grade);
    free(c->pd_calibrated);
    free(c->points);
    free(c->reasons);
    memset(c, 0, sizeof *c);
}
