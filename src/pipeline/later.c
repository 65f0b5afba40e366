/* The stages after the records: model, backtest, stress, each followed by its checkpoint, and
 * the write that assembles the run file from the checkpoints. They work on what the records
 * stages left or, resuming, on what their checkpoints hold. */
#include "pipeline/run.h"

#include "core/error.h"
#include "output/checkpoint.h"

#include <stdlib.h>
#include <string.h>

void tr_run_rows_from_features(struct tr_run *r)
{
    const struct tr_feature_table *ft = &r->ft;
    r->feature_names = TR_MALLOC(sizeof(char *) * ((size_t)ft->n_features + 1));
    for (int j = 0; j < ft->n_features; j++)
        r->feature_names[j] = ft->info[j].name;
    r->rows = (struct tr_model_rows){.n = ft->n,
                                     .n_features = ft->n_features,
                                     .names = r->feature_names,
                                     .key = ft->key,
                                     .region = ft->region,
                                     .label = ft->label,
                                     .sample = ft->holdout,
                                     .values = ft->values,
                                     .cohorts = r->has_ledger ? &r->cohorts : NULL};
}

int tr_run_prepare_stress(struct tr_run *r)
{
    const struct tr_config *cfg = r->cfg;
    if (!cfg->stress.scenarios[0]) return TR_EXIT_OK;
    r->scenarios = TR_MALLOC(sizeof *r->scenarios);
    char err[TR_PATH_MAX + 512] = "";
    int rc = tr_stress_prepare(cfg, cfg->stress.scenarios, NULL, (const char *const *)r->names,
                               r->n_regions, &r->params, r->scenarios, err, sizeof err);
    if (rc && r->ctx->rank == 0) TR_ERROR(r->ctx, "stress.scenarios: %s", err);
    return tr_agree(r->ctx, rc ? TR_EXIT_USAGE : TR_EXIT_OK);
}

int tr_run_check_ifrs9(struct tr_run *r)
{
    struct tr_ifrs9_params p;
    char err[1200] = "";
    const int bad = tr_ifrs9_params_init(r->cfg, 0, r->scenarios, (const char *const *)r->names,
                                         r->n_regions, &p, err, sizeof err);
    tr_ifrs9_params_free(&p);
    if (bad && r->ctx->rank == 0) TR_ERROR(r->ctx, "%s", err);
    return tr_agree(r->ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK);
}

int tr_run_check_controls(struct tr_run *r, const char *const *names, int n)
{
    struct tr_feature_control *c = TR_CALLOC((size_t)n + 1, sizeof *c);
    char err[TR_CONFIG_ERR_MAX];
    const int bad = tr_model_controls(r->cfg, names, n, c, err, sizeof err);
    free(c);
    if (bad && r->ctx->rank == 0) TR_ERROR(r->ctx, "%s", err);
    return tr_agree(r->ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK);
}

/* The loan book the next stage needs: after the records, that of this rank's subscribers
 * (aligned with its rows, for the model's PDs); after the model, an even cut for the stress. */
static int resume_book(struct tr_run *r)
{
    const char *output = r->cfg->output.path;
    if (r->done == TR_CKPT_RECORDS || (r->done == TR_CKPT_MODEL && r->scenarios)) {
        char *path = tr_ckpt_path(output, r->run_print, (enum tr_ckpt_stage)r->done);
        const int aligned = r->done == TR_CKPT_RECORDS;
        const int rc = tr_ckpt_load_book(r->ctx, path, aligned ? r->rows.n : 0,
                                         aligned ? r->rows.key : NULL, &r->book);
        free(path);
        return rc;
    }
    return TR_EXIT_OK;
}

int tr_run_resume(struct tr_run *r)
{
    const char *output = r->cfg->output.path;
    char *path = tr_ckpt_path(output, r->run_print, TR_CKPT_RECORDS);
    int rc = tr_stored_run_load(r->ctx, path, &r->stored);
    free(path);
    if (rc) return rc;
    tr_ckpt_load_stages(output, r->run_print, (enum tr_ckpt_stage)r->done, &r->stages);
    const struct tr_stored_run *s = &r->stored;
    r->n_regions = s->n_regions;
    r->names = TR_CALLOC((size_t)r->n_regions + 1, sizeof(char *));
    for (int g = 0; g < r->n_regions; g++)
        r->names[g] = TR_STRDUP(s->region_names[g]);
    r->rows = (struct tr_model_rows){.n = s->n,
                                     .n_features = s->n_features,
                                     .names = (const char *const *)s->names,
                                     .key = s->key,
                                     .region = s->region,
                                     .label = s->label,
                                     .sample = s->sample,
                                     .values = s->values,
                                     .cohorts = s->has_cohorts ? &s->cohorts : NULL};
    if ((rc = tr_run_prepare_stress(r)) || (rc = tr_run_check_ifrs9(r)) ||
        (rc = tr_run_check_controls(r, r->rows.names, r->rows.n_features)))
        return rc;
    if (r->done == TR_CKPT_RECORDS) { /* the IFRS 9 stage is still to run */
        path = tr_ckpt_path(output, r->run_print, TR_CKPT_RECORDS);
        rc = tr_stored_ledger_load(r->ctx, path, s->n, s->first, s->key, &r->stored_ledger);
        free(path);
        if (rc) return rc;
        r->has_ledger = r->stored_ledger.present;
        r->ledger.observation_day = r->stored_ledger.observation_day;
    }
    return resume_book(r);
}

int tr_stage_model(struct tr_run *r)
{
    const struct tr_ctx *ctx = r->ctx;
    tr_stage_begin(&r->stages);
    struct tr_credit *c = &r->credit;
    const int rc = tr_credit_learn(ctx, r->cfg, &r->rows, r->n_regions, c);
    if (rc == TR_EXIT_USAGE) { /* the controls, checked before the long stages: not reached */
        if (ctx->rank == 0) TR_ERROR(ctx, "%s", c->models.why_none);
        return rc;
    }
    if (rc)
        /* A population without outcomes yet (what `telrisk score --model` scores) still gets
         * its run file, without models. */
        TR_WARN_ONCE(ctx, "no credit model: %s; the run file has no /models and no PDs",
                     c->models.why_none);
    tr_stage_end(ctx, &r->stages, r->stage, (int64_t)r->rows.n, "subscribers");
    /* Its figure of merit: Newton iterations (national and regional fits) per second. */
    const struct tr_models *m = &c->models;
    tr_stage_record(ctx, &r->stages, "model.newton", m->fit_seconds, m->iterations, "iterations");
    if (!c->pd) return TR_EXIT_OK;
    const struct tr_validation_cell *hv = &c->validation.assigned;
    TR_INFO(ctx,
            "model: %d of %d features, %lld training rows, %d Newton iterations (%.3f s each); "
            "hold-out AUC %.4f, mean PD %.4f against default rate %.4f",
            m->n_used, r->rows.n_features, (long long)m->train_rows, m->iterations,
            m->fit_seconds / (m->iterations ? m->iterations : 1), hv->m.auc, hv->m.mean_pd,
            hv->m.default_rate);
    /* The book is measured with the calibrated PDs (docs/credit.md section 4). */
    tr_portfolio_join_pd(&r->book, r->rows.n, r->rows.key, c->pd_calibrated);
    return TR_EXIT_OK;
}

int tr_stage_backtest(struct tr_run *r)
{
    tr_stage_begin(&r->stages);
    tr_backtest_credit(r->ctx, &r->rows, &r->credit, r->n_regions, &r->backtest);
    tr_stage_end(r->ctx, &r->stages, r->stage, (int64_t)r->rows.n, "subscribers");
    return TR_EXIT_OK;
}

int tr_stage_ifrs9(struct tr_run *r)
{
    const struct tr_ctx *ctx = r->ctx;
    tr_stage_begin(&r->stages);
    const int resumed = r->done != TR_CKPT_NONE;
    const struct tr_ledger_table *t = resumed ? &r->stored_ledger.table : &r->ft.ledger;
    const uint8_t *flags = resumed ? r->stored_ledger.flags : r->checks.flags;
    char err[1200] = "";
    if (tr_ifrs9_params_init(r->cfg, r->ledger.observation_day, r->scenarios,
                             (const char *const *)r->names, r->n_regions, &r->ifrs9.params, err,
                             sizeof err))
        TR_DIE(TR_EXIT_INTERNAL, "ifrs9: %s (checked before the records)", err);
    size_t n = 0;
    struct tr_ifrs9_loan *loans = tr_ifrs9_loans_of(t, r->rows.n, r->rows.key, r->rows.region,
                                                    r->credit.pd_calibrated, flags, &n);
    tr_ifrs9_run(ctx, &r->ifrs9, t, r->rows.n, r->rows.key, r->credit.pd_calibrated, loans, n);
    const struct tr_ifrs9_summary *s = &r->ifrs9.summary;
    const size_t all = (size_t)s->n_regions * 3;
    double ecl = 0;
    for (int k = 0; k < 3; k++)
        ecl += tr_exact_value(&s->sums[(all + (size_t)k) * TR_IFRS9_SUMS + TR_IFRS9_SUM_ECL]);
    TR_INFO(ctx, "ifrs9: %lld / %lld / %lld loans in stages 1 / 2 / 3, ECL %.2f (%s)",
            (long long)s->loans[all], (long long)s->loans[all + 1], (long long)s->loans[all + 2],
            ecl,
            r->ifrs9.params.n_scenarios > 1 ? "probability-weighted" : r->ifrs9.params.names[0]);
    tr_stage_end(ctx, &r->stages, r->stage, (int64_t)n, "loans");
    return TR_EXIT_OK;
}

int tr_stage_model_checkpoint(struct tr_run *r)
{
    const struct tr_credit *c = &r->credit;
    tr_stage_begin(&r->stages);
    const struct tr_rf_root root = {.config_text = r->config_text,
                                    .seed = r->cfg->run.seed,
                                    .fingerprint = r->fingerprint,
                                    .run_fingerprint = r->run_print};
    const struct tr_rf_provenance provenance = {.stages = r->stages.stat, .n_stages = r->stages.n};
    const struct tr_rf_regions regions = {.names = (const char *const *)r->names,
                                          .n = r->n_regions};
    const struct tr_rf_models models = {.models = &c->models, .validation = &c->validation};
    const struct tr_rf_scores scores = {.n_local = r->rows.n,
                                        .pd_calibrated = c->pd_calibrated,
                                        .pd = c->pd,
                                        .score = c->score,
                                        .grade = c->grade,
                                        .models = &c->models,
                                        .points = c->points,
                                        .reasons = c->reasons,
                                        .n_reasons = c->n_reasons};
    const struct tr_rf_crosschecks backtest = {.backtest = &r->backtest};
    const struct tr_pd_calibration *cal = &c->models.calibration;
    const struct tr_rf_ifrs9 ifrs9 =
        tr_rf_ifrs9_of(&r->ifrs9, (const char *const *)r->names, cal->n_grades,
                       c->pd && cal->present ? cal->pd : NULL, NULL);
    const struct tr_run_contents out = {.k_min = r->cfg->privacy.k_min,
                                        .root = &root,
                                        .provenance = &provenance,
                                        .regions = &regions,
                                        .models = c->pd ? &models : NULL,
                                        .scores = c->pd ? &scores : NULL,
                                        .crosschecks = c->pd ? &backtest : NULL,
                                        .ifrs9 = r->has_ledger ? &ifrs9 : NULL,
                                        .portfolio = &r->book};
    const int rc = tr_ckpt_write_model(r->ctx, r->cfg->output.path, &out);
    tr_stage_end(r->ctx, &r->stages, r->stage, (int64_t)r->rows.n, "subscribers");
    return rc;
}

int tr_stage_stress(struct tr_run *r)
{
    tr_stage_begin(&r->stages);
    const int rc =
        tr_stress_run_scenarios(r->ctx, &r->params, (const char *const *)r->names, &r->book,
                                r->scenarios, NULL, &r->results, &r->n_results);
    if (rc) return rc;
    tr_stage_end(r->ctx, &r->stages, r->stage, (int64_t)r->book.n, "loans");
    tr_stress_record(r->ctx, &r->stages, &r->params, r->results, r->n_results);
    return TR_EXIT_OK;
}

int tr_stage_stress_checkpoint(struct tr_run *r)
{
    tr_stage_begin(&r->stages);
    const struct tr_rf_root root = {.config_text = r->config_text,
                                    .seed = r->cfg->run.seed,
                                    .fingerprint = r->fingerprint,
                                    .run_fingerprint = r->run_print};
    const struct tr_rf_provenance provenance = {.stages = r->stages.stat, .n_stages = r->stages.n};
    const struct tr_rf_stress stress = {
        .params = &r->params, .results = r->results, .n = r->n_results};
    const struct tr_run_contents out = {.k_min = r->cfg->privacy.k_min,
                                        .root = &root,
                                        .provenance = &provenance,
                                        .stress = &stress};
    const int rc = tr_ckpt_write_stress(r->ctx, r->cfg->output.path, &out);
    tr_stage_end(r->ctx, &r->stages, r->stage, r->ctx->rank == 0 ? r->n_results : 0, "scenarios");
    return rc;
}

int tr_stage_write(struct tr_run *r)
{
    const char *output = r->cfg->output.path;
    struct tr_stages last = r->stages; /* the file's stages end before its own writing */
    tr_stage_begin(&last);
    int rc = tr_ckpt_assemble(r->ctx, output, r->run_print,
                              r->scenarios ? TR_CKPT_STRESS : TR_CKPT_MODEL, r->stages.stat,
                              r->stages.n, tr_ckpt_stage_names[r->done]);
    tr_stage_end(r->ctx, &last, r->stage, (int64_t)r->rows.n, "subscribers");
    if (rc) return rc;
    tr_ckpt_remove(r->ctx, output, r->run_print, r->cfg->run.seed);
    TR_INFO(r->ctx, "run file: %s", output);
    return TR_EXIT_OK;
}

void tr_run_free(struct tr_run *r)
{
    tr_ifrs9_run_free(&r->ifrs9);
    tr_stored_ledger_free(&r->stored_ledger);
    tr_stress_results_free(r->results, r->n_results);
    tr_stress_params_free(&r->params);
    free(r->scenarios);
    tr_backtest_free(&r->backtest);
    tr_credit_free(&r->credit);
    tr_portfolio_free(&r->book);
    tr_portfolio_free(&r->pass_book);
    free(r->feature_names);
    tr_feature_table_free(&r->ft);
    tr_feature_table_free(&r->pass_ft);
    tr_crosscheck_free(&r->checks);
    tr_crosscheck_free(&r->pass_checks);
    tr_stored_run_free(&r->stored);
    tr_ingest_free(&r->in);
    tr_ingest_free(&r->later);
    free(r->dups);
    tr_loan_drop_free(&r->loan_drop);
    tr_late_free(&r->late);
    tr_ledger_passes_free(&r->ledger_passes);
    for (int g = 0; g < r->n_regions; g++)
        free(r->names[g]);
    free(r->names);
    free(r->config_text);
}
