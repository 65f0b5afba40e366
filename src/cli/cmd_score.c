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
#include "model/credit.h"
#include "model/train.h"
#include "model/validate.h"
#include "output/seal.h"
#include "output/stored.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The run scored by the champion: its PDs, points and grades, their validation and backtest on
 * the run's hold-out, and the drift from the champion's training population. */
struct scored {
    double *values;           /* [n x the model's n_features], the run's in the model's order */
    double *pd, *pd_national; /* [n] */
    double *score;            /* [n] points */
    int8_t *grade;            /* [n] */
    double *pd_calibrated;    /* [n]: by the champion's calibration (model/calibration.h) */
    double *points;           /* [n x used features]; NULL without per-bin points */
    int32_t *reasons;         /* [n x n_reasons] */
    int n_reasons;
    struct tr_validation v;
    struct tr_backtest bt;
    struct tr_monitoring mon;
};

static void scored_free(struct scored *s)
{
    free(s->mon.features);
    free(s->mon.auc_tests);
    free(s->mon.region_rows);
    tr_migration_free(&s->mon.migration);
    tr_validation_free(&s->v);
    tr_backtest_free(&s->bt);
    free(s->pd), free(s->pd_national), free(s->pd_calibrated), free(s->score), free(s->grade),
        free(s->values);
    free(s->points), free(s->reasons);
}

/* Collective: whether the model can score the run (its features there, the same regions); an
 * exit code, the reason printed once. s->values filled. */
static int check_fit(const struct tr_ctx *ctx, const char *path, const char *model_path,
                     const struct tr_models *m, const struct tr_stored_run *r, struct scored *s)
{
    s->values = TR_MALLOC(sizeof(double) * (r->n * (size_t)m->n_features + 1));
    const char *missing = tr_models_remap(m, (const char *const *)r->names, r->n_features,
                                          r->values, r->n, s->values);
    char why[512];
    if (missing)
        snprintf(why, sizeof why, "%s lacks the feature %.100s that the model uses", path, missing);
    else if (m->n_regions != r->n_regions)
        snprintf(why, sizeof why, "%s has %d regions, the model %s %d: not the same country", path,
                 r->n_regions, model_path, m->n_regions);
    if (!missing && m->n_regions != r->n_regions) missing = "regions";
    return tr_fail_agree(ctx, missing ? TR_EXIT_INPUT : TR_EXIT_OK, why);
}

/* Today's AUCs against the champion's development AUCs, when its file gave them. */
static void auc_tests(const struct tr_models *m, const struct tr_validation *v,
                      struct tr_monitoring *mon)
{
    if (!m->development_auc) return;
    mon->n_auc_tests = m->n_regions + 1;
    mon->auc_tests = TR_CALLOC((size_t)mon->n_auc_tests, sizeof *mon->auc_tests);
    tr_auc_test_of(-2, m->development_auc[0], &v->assigned.m, &mon->auc_tests[0]);
    for (int r = 0; r < m->n_regions; r++)
        tr_auc_test_of(r, m->development_auc[r + 1], &v->region[r].m, &mon->auc_tests[r + 1]);
}

/* Collective: every row scored, validated, backtested; the drift; the run's own models (the
 * challenger), when it has them, against the champion on the same rows. */
static void score_run(const struct tr_ctx *ctx, const struct tr_models *m,
                      const struct tr_stored_run *r, int64_t k_min, struct scored *s)
{
    const struct tr_model_rows rows = {.n = r->n,
                                       .n_features = m->n_features,
                                       .names = (const char *const *)m->names,
                                       .key = r->key,
                                       .region = r->region,
                                       .label = r->label,
                                       .sample = r->sample,
                                       .values = s->values};
    s->pd = TR_MALLOC(sizeof(double) * (r->n + 1));
    s->pd_national = TR_MALLOC(sizeof(double) * (r->n + 1));
    s->score = TR_MALLOC(sizeof(double) * (r->n + 1));
    s->grade = TR_MALLOC(r->n + 1);
    tr_models_score(m, &rows, s->pd, s->pd_national, s->score, s->grade);
    s->pd_calibrated = TR_MALLOC(sizeof(double) * (r->n + 1));
    tr_calibrated_pds(&m->calibration, r->n, s->pd, s->grade, s->pd_calibrated);
    tr_credit_reasons(m, &rows, s->n_reasons, &s->points, &s->reasons);
    const struct tr_validation_rows vr = tr_validation_rows_of(&rows, s->pd, s->pd_national);
    tr_validate(ctx, &vr, m->n_regions, &s->v);
    tr_backtest_run(ctx, &vr, m->n_regions, &m->card, &s->bt);
    tr_drift(ctx, m, s->values, r->n, s->score, s->grade, &s->mon);
    tr_drift_regions(ctx, m, s->values, r->n, r->region, s->score, s->grade, k_min, &s->mon);
    s->mon.champion = s->v.assigned.m;
    auc_tests(m, &s->v, &s->mon);
    int challenger = r->pd != NULL;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &challenger, 1, MPI_INT, MPI_MAX, ctx->comm));
    if (!challenger) return;
    struct tr_validation duel;
    struct tr_validation_rows dr = vr;
    dr.pd_national = r->pd; /* the challenger's PDs in the second column */
    tr_validate(ctx, &dr, 0, &duel);
    s->mon.has_challenger = 1;
    s->mon.challenger = duel.national.m;
    tr_validation_free(&duel);
}

/* Collective: the grade migration against the previous run at path (--compare). */
static int migration(const struct tr_ctx *ctx, const char *path, const struct tr_models *m,
                     const struct tr_stored_run *r, struct scored *s)
{
    struct tr_stored_grades prev;
    const int rc = tr_stored_grades_load(ctx, path, &prev);
    if (rc) return rc;
    tr_migration_count(ctx, r->n, r->key, r->region, s->grade, prev.n, prev.key, prev.grade,
                       m->n_regions, m->card.n_grades, &s->mon.migration);
    if (s->mon.migration.matched == 0)
        TR_WARN_ONCE(ctx,
                     "--compare %s: no subscriber graded there is graded here (another key "
                     "file, or another country?)",
                     path);
    tr_stored_grades_free(&prev);
    return TR_EXIT_OK;
}

static void log_scored(const struct tr_ctx *ctx, const char *path, const char *model_path,
                       const struct tr_monitoring *mon)
{
    int significant = 0;
    for (int u = 0; u < mon->n_features; u++)
        significant += mon->features[u].psi > 0.25;
    TR_INFO(ctx,
            "score: %s scored by %s; grade PSI %.4f (%s), %d of %d features drifted "
            "significantly; hold-out AUC champion %.4f%s",
            path, model_path, mon->grades.psi, mon->grades.band, significant, mon->n_features,
            mon->champion.auc, mon->has_challenger ? "" : " (no challenger)");
    if (mon->has_challenger)
        TR_INFO(ctx, "score: challenger (the run's own models) hold-out AUC %.4f",
                mon->challenger.auc);
}

/* Collective: the scored run file (the run's, or --out). */
static int write_scored(const struct tr_ctx *ctx, const struct tr_cli_args *args, int64_t k_min,
                        const struct tr_stored_run *r, const struct tr_models *m,
                        const struct scored *s)
{
    const struct tr_rf_regions regions = {.names = (const char *const *)r->region_names,
                                          .n = m->n_regions};
    const struct tr_rf_models models = {.models = m, .validation = &s->v};
    const struct tr_rf_scores scores = {.n_local = r->n,
                                        .pd = s->pd,
                                        .score = s->score,
                                        .grade = s->grade,
                                        .pd_calibrated = s->pd_calibrated,
                                        .models = m,
                                        .points = s->points,
                                        .reasons = s->reasons,
                                        .n_reasons = s->n_reasons};
    const struct tr_rf_monitoring monitoring = {.monitoring = &s->mon,
                                                .model_path = args->model_path,
                                                .region_names =
                                                    (const char *const *)r->region_names,
                                                .k_min = k_min};
    const struct tr_rf_crosschecks checks = {.backtest = &s->bt, .drift = &s->mon};
    const struct tr_run_contents out = {.k_min = k_min,
                                        .regions = &regions,
                                        .models = &models,
                                        .scores = &scores,
                                        .monitoring = &monitoring,
                                        .crosschecks = &checks};
    const char *path = args->positional[0], *to = args->out_dir ? args->out_dir : path;
    const int rc = tr_stored_run_update(ctx, r, path, to, &out);
    if (!rc) TR_INFO(ctx, "run file: %s", to);
    return rc;
}

int tr_cmd_score(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *path = args->positional[0];
    struct tr_config cfg; /* defaults and --set: privacy.k_min for the tables written */
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    if ((rc = tr_seal_check_input(ctx, path, "run file", !args->no_verify)) ||
        (rc = tr_seal_check_input(ctx, args->model_path, "--model", !args->no_verify)) ||
        (args->compare_path &&
         (rc = tr_seal_check_input(ctx, args->compare_path, "--compare", !args->no_verify))))
        return rc;
    struct tr_stored_run r;
    if ((rc = tr_stored_run_load(ctx, path, &r))) return rc;
    char unverified[2 * TR_PATH_MAX + 8];
    snprintf(unverified, sizeof unverified, "%s; %s", path, args->model_path);
    r.unverified = args->no_verify ? unverified : NULL;
    struct tr_models m;
    struct scored s = {.n_reasons = (int)cfg.model.reasons};
    rc = tr_stored_models_load(ctx, args->model_path, &m);
    if (!rc) rc = check_fit(ctx, path, args->model_path, &m, &r, &s);
    if (!rc) rc = tr_refuse_overwrite(ctx, args, args->out_dir ? args->out_dir : path);
    if (!rc) {
        score_run(ctx, &m, &r, cfg.privacy.k_min, &s);
        log_scored(ctx, path, args->model_path, &s.mon);
        if (args->compare_path) rc = migration(ctx, args->compare_path, &m, &r, &s);
        if (!rc) rc = write_scored(ctx, args, cfg.privacy.k_min, &r, &m, &s);
    }
    scored_free(&s);
    tr_models_free(&m);
    tr_stored_run_free(&r);
    return rc;
}
