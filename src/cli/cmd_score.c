/* telrisk score RUN.h5 --model TRAINED.h5: the stored models (the champion) score a newer run's
 * subscribers; the drift against the champion's training population (crosscheck/drift.h) and
 * the backtest follow; when the run has its own models (the challenger), the two are compared on
 * the run's hold-out. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "crosscheck/backtest.h"
#include "crosscheck/drift.h"
#include "model/train.h"
#include "model/validate.h"
#include "output/stored.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The run's feature columns in the model's order (NaN for a column it does not use and the run
 * lacks). Returns the name of a used feature the run lacks, or NULL. */
static const char *remap(const struct tr_models *m, const struct tr_stored_run *r, double *values)
{
    int *column = TR_MALLOC(sizeof(int) * ((size_t)m->n_features + 1));
    const char *missing = NULL;
    for (int j = 0; j < m->n_features; j++) {
        column[j] = -1;
        for (int k = 0; k < r->n_features && column[j] < 0; k++)
            if (strcmp(m->names[j], r->names[k]) == 0) column[j] = k;
    }
    for (int u = 0; u < m->n_used && !missing; u++)
        if (column[m->used[u]] < 0) missing = m->names[m->used[u]];
    for (size_t i = 0; i < r->n; i++)
        for (int j = 0; j < m->n_features; j++)
            values[i * (size_t)m->n_features + (size_t)j] =
                column[j] < 0 ? NAN : r->values[i * (size_t)r->n_features + (size_t)column[j]];
    free(column);
    return missing;
}

int tr_cmd_score(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *path = args->positional[0];
    struct tr_config cfg; /* defaults and --set: privacy.k_min for the tables written */
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    struct tr_stored_run r;
    struct tr_models m;
    rc = tr_stored_run_load(ctx, path, &r);
    if (rc) return rc;
    if ((rc = tr_stored_models_load(ctx, args->model_path, &m))) {
        tr_models_free(&m);
        tr_stored_run_free(&r);
        return rc;
    }
    double *values = TR_MALLOC(sizeof(double) * (r.n * (size_t)m.n_features + 1));
    const char *missing = remap(&m, &r, values);
    char why[512];
    if (missing)
        snprintf(why, sizeof why, "%s lacks the feature %.100s that the model uses", path, missing);
    else if (m.n_regions != r.n_regions)
        snprintf(why, sizeof why, "%s has %d regions, the model %s %d: not the same country", path,
                 r.n_regions, args->model_path, m.n_regions);
    if (!missing && m.n_regions != r.n_regions) missing = "regions";
    if ((rc = tr_fail_agree(ctx, missing ? TR_EXIT_INPUT : TR_EXIT_OK, why))) {
        free(values), tr_models_free(&m), tr_stored_run_free(&r);
        return rc;
    }
    const struct tr_model_rows rows = {r.n,      m.n_features, (const char *const *)m.names,
                                       r.key,    r.region,     r.label,
                                       r.sample, values};
    double *pd = TR_MALLOC(sizeof(double) * (r.n + 1)),
           *pd_national = TR_MALLOC(sizeof(double) * (r.n + 1)),
           *score = TR_MALLOC(sizeof(double) * (r.n + 1));
    int8_t *grade = TR_MALLOC(r.n + 1);
    tr_models_score(&m, &rows, pd, pd_national, score, grade);
    struct tr_validation v, duel;
    const struct tr_validation_rows vr = {r.n, r.region, r.label, r.sample, pd, pd_national};
    tr_validate(ctx, &vr, m.n_regions, &v);
    struct tr_backtest bt;
    tr_backtest_run(ctx, &vr, m.n_regions, &m.card, &bt);
    struct tr_monitoring mon;
    memset(&mon, 0, sizeof mon);
    tr_drift(ctx, &m, values, r.n, score, grade, &mon);
    mon.champion = v.assigned.m;
    int challenger = r.pd != NULL;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &challenger, 1, MPI_INT, MPI_MAX, ctx->comm));
    if (challenger) { /* the run's own PDs against the champion's, on the same rows */
        const struct tr_validation_rows dr = {r.n, r.region, r.label, r.sample, pd, r.pd};
        tr_validate(ctx, &dr, 0, &duel);
        mon.has_challenger = 1;
        mon.challenger = duel.national.m;
        tr_validation_free(&duel);
    }
    int significant = 0;
    for (int u = 0; u < mon.n_features; u++)
        significant += mon.features[u].psi > 0.25;
    TR_INFO(ctx,
            "score: %s scored by %s; grade PSI %.4f (%s), %d of %d features drifted "
            "significantly; hold-out AUC champion %.4f%s",
            path, args->model_path, mon.grades.psi, mon.grades.band, significant, mon.n_features,
            mon.champion.auc, challenger ? "" : " (no challenger)");
    if (challenger)
        TR_INFO(ctx, "score: challenger (the run's own models) hold-out AUC %.4f",
                mon.challenger.auc);
    const struct tr_rf_regions regions = {.names = (const char *const *)r.region_names,
                                          .n = m.n_regions};
    const struct tr_rf_models models = {.models = &m, .validation = &v};
    const struct tr_rf_scores scores = {.n_local = r.n, .pd = pd, .score = score, .grade = grade};
    const struct tr_rf_monitoring monitoring = {.monitoring = &mon,
                                                .model_path = args->model_path};
    const struct tr_rf_crosschecks checks = {.backtest = &bt, .drift = &mon};
    const struct tr_run_contents out = {.k_min = cfg.privacy.k_min,
                                        .regions = &regions,
                                        .models = &models,
                                        .scores = &scores,
                                        .monitoring = &monitoring,
                                        .crosschecks = &checks};
    const char *to = args->out_dir ? args->out_dir : path;
    rc = tr_stored_run_update(ctx, &r, path, to, &out);
    if (!rc) TR_INFO(ctx, "run file: %s", to);
    free(mon.features);
    tr_validation_free(&v);
    tr_backtest_free(&bt);
    free(pd), free(pd_national), free(score), free(grade), free(values);
    tr_models_free(&m);
    tr_stored_run_free(&r);
    return rc;
}
