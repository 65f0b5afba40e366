#include "pipeline/pipeline.h"

#include "core/error.h"
#include "core/keyhash.h"
#include "core/stage.h"
#include "crosscheck/backtest.h"
#include "model/credit.h"
#include "output/checkpoint.h"
#include "output/stored.h"
#include "pipeline/records.h"
#include "stress/stress.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* What the stages after the records work on, computed in this process or loaded from the
 * checkpoints of a killed one. The subscribers' rows on each rank are in key order, and rank r's
 * precede rank r + 1's: the model's sums are the same whatever the cut (a resumed run may even
 * use another rank count). */
struct run_state {
    struct tr_stages stages;
    int n_regions;
    char **names;                /* [n_regions] */
    struct tr_feature_table ft;  /* computed here ... */
    struct tr_stored_run stored; /* ... or loaded from the records checkpoint */
    struct tr_model_rows rows;   /* the one of the two in use */
    const char **feature_names;  /* [rows.n_features] */
    struct tr_portfolio book;    /* the exposures of this rank's subscribers */
    struct tr_credit credit;     /* credit.pd NULL: no model */
    struct tr_backtest backtest; /* of credit's PDs on the hold-out */
    struct tr_stress_params params;
    struct tr_scenarios *scenarios; /* NULL: no stress.scenarios */
    struct tr_stress_result *results;
    int n_results;
};

static void state_free(struct run_state *s)
{
    tr_stress_results_free(s->results, s->n_results);
    tr_stress_params_free(&s->params);
    free(s->scenarios);
    tr_backtest_free(&s->backtest);
    tr_credit_free(&s->credit);
    tr_portfolio_free(&s->book);
    free(s->feature_names);
    tr_feature_table_free(&s->ft);
    tr_stored_run_free(&s->stored);
    for (int g = 0; g < s->n_regions; g++)
        free(s->names[g]);
    free(s->names);
}

/* A test's stand-in for preemption: TELRISK_TEST_KILL=<stage> ends the run with SIGTERM as the
 * stage begins, as Slurm's would (tests/slurm/resume.sh). */
static void test_kill(const struct tr_ctx *ctx, const char *stage)
{
    const char *at = getenv("TELRISK_TEST_KILL");
    if (ctx->rank == 0 && at && strcmp(at, stage) == 0) raise(SIGTERM);
}

/* The scenario file and the [stress] keys against the run's regions, before the long stages. */
static int stress_prepare(const struct tr_ctx *ctx, const struct tr_config *cfg,
                          struct run_state *s)
{
    if (!cfg->stress.scenarios[0]) return TR_EXIT_OK;
    s->scenarios = TR_MALLOC(sizeof *s->scenarios);
    char err[TR_PATH_MAX + 512] = "";
    int rc = tr_stress_prepare(cfg, cfg->stress.scenarios, NULL, (const char *const *)s->names,
                               s->n_regions, &s->params, s->scenarios, err, sizeof err);
    if (rc && ctx->rank == 0) TR_ERROR(ctx, "stress.scenarios: %s", err);
    return tr_agree(ctx, rc ? TR_EXIT_USAGE : TR_EXIT_OK);
}

static void rows_from_features(struct run_state *s)
{
    const struct tr_feature_table *ft = &s->ft;
    s->feature_names = TR_MALLOC(sizeof(char *) * ((size_t)ft->n_features + 1));
    for (int j = 0; j < ft->n_features; j++)
        s->feature_names[j] = ft->info[j].name;
    s->rows = (struct tr_model_rows){ft->n,      ft->n_features, s->feature_names, ft->key,
                                     ft->region, ft->label,      ft->holdout,      ft->values};
}

/* The stages that read the input records, then their checkpoint. */
static int records(const struct tr_ctx *ctx, const struct tr_config *cfg, const char *config_text,
                   const char *fingerprint, const struct tr_keyhash *kh, struct run_state *s)
{
    struct tr_ingest in;
    int passes = 1;
    int rc = tr_records_read(ctx, cfg, kh, &s->stages, &in, &passes);
    if (!rc) {
        s->n_regions = in.regions.n;
        s->names = TR_CALLOC((size_t)in.regions.n + 1, sizeof(char *));
        for (int g = 0; g < in.regions.n; g++)
            s->names[g] = strdup(in.regions.name[g]);
        rc = stress_prepare(ctx, cfg, s);
    }
    if (!rc)
        rc = tr_records_stages(ctx, cfg, config_text, fingerprint, kh, &in, passes,
                               (const char *const *)s->names, &s->stages, &s->ft, &s->book);
    tr_ingest_free(&in);
    if (!rc) rows_from_features(s);
    return rc;
}

/* Resuming: what the finished stages left, from their checkpoints. */
static int resume(const struct tr_ctx *ctx, const struct tr_config *cfg, int done,
                  struct run_state *s)
{
    const char *output = cfg->output.path;
    char *path = tr_ckpt_path(output, TR_CKPT_RECORDS);
    int rc = tr_stored_run_load(ctx, path, &s->stored);
    free(path);
    if (rc) return rc;
    tr_ckpt_load_stages(output, (enum tr_ckpt_stage)done, &s->stages);
    s->n_regions = s->stored.n_regions;
    s->names = TR_CALLOC((size_t)s->n_regions + 1, sizeof(char *));
    for (int g = 0; g < s->n_regions; g++)
        s->names[g] = strdup(s->stored.region_names[g]);
    const struct tr_stored_run *r = &s->stored;
    s->rows = (struct tr_model_rows){r->n,      r->n_features, (const char *const *)r->names,
                                     r->key,    r->region,     r->label,
                                     r->sample, r->values};
    if ((rc = stress_prepare(ctx, cfg, s))) return rc;
    if (done == TR_CKPT_RECORDS) { /* the model comes next: the book of these subscribers */
        path = tr_ckpt_path(output, TR_CKPT_RECORDS);
        rc = tr_ckpt_load_book(ctx, path, s->rows.n, s->rows.key, &s->book);
    } else if (done == TR_CKPT_MODEL && s->scenarios) { /* the stress analyses come next */
        path = tr_ckpt_path(output, TR_CKPT_MODEL);
        rc = tr_ckpt_load_book(ctx, path, 0, NULL, &s->book);
    } else {
        path = NULL;
    }
    free(path);
    return rc;
}

/* The model stage: learn, score every subscriber, validate on the hold-out; the model PDs into
 * the loan book; the model checkpoint. */
static int model(const struct tr_ctx *ctx, const struct tr_config *cfg, const char *config_text,
                 const char *fingerprint, struct run_state *s)
{
    test_kill(ctx, "model");
    tr_stage_begin(&s->stages);
    struct tr_credit *c = &s->credit;
    if (tr_credit_learn(ctx, cfg, &s->rows, s->n_regions, c))
        /* A population without outcomes yet (what `telrisk score --model` scores) still gets
         * its run file, without models. */
        TR_WARN(ctx, "no credit model: %s; the run file has no /models and no PDs",
                c->models.why_none);
    tr_backtest_credit(ctx, &s->rows, c, s->n_regions, &s->backtest);
    tr_stage_end(ctx, &s->stages, "model", (int64_t)s->rows.n, "subscribers");
    /* Its figure of merit: Newton iterations (national and regional fits) per second. */
    const struct tr_models *m = &c->models;
    tr_stage_record(ctx, &s->stages, "model.newton", m->fit_seconds, m->iterations, "iterations");
    const struct tr_validation_cell *hv = &c->validation.assigned;
    if (c->pd) {
        TR_INFO(ctx,
                "model: %d of %d features, %lld training rows, %d Newton iterations (%.3f s each); "
                "hold-out AUC %.4f, mean PD %.4f against default rate %.4f",
                m->n_used, s->rows.n_features, (long long)m->train_rows, m->iterations,
                m->fit_seconds / (m->iterations ? m->iterations : 1), hv->m.auc, hv->m.mean_pd,
                hv->m.default_rate);
        tr_portfolio_join_pd(&s->book, s->rows.n, s->rows.key, c->pd);
    }
    tr_stage_begin(&s->stages);
    const struct tr_rf_root root = {
        .config_text = config_text, .seed = cfg->run.seed, .fingerprint = fingerprint};
    const struct tr_rf_provenance provenance = {.stages = s->stages.stat, .n_stages = s->stages.n};
    const struct tr_rf_regions regions = {.names = (const char *const *)s->names,
                                          .n = s->n_regions};
    const struct tr_rf_models models = {.models = m, .validation = &c->validation};
    const struct tr_rf_scores scores = {
        .n_local = s->rows.n, .pd = c->pd, .score = c->score, .grade = c->grade};
    const struct tr_rf_crosschecks backtest = {.backtest = &s->backtest};
    const struct tr_run_contents out = {.k_min = cfg->privacy.k_min,
                                        .root = &root,
                                        .provenance = &provenance,
                                        .regions = &regions,
                                        .models = c->pd ? &models : NULL,
                                        .scores = c->pd ? &scores : NULL,
                                        .crosschecks = c->pd ? &backtest : NULL,
                                        .portfolio = &s->book};
    const int rc = tr_ckpt_write_model(ctx, cfg->output.path, &out);
    tr_stage_end(ctx, &s->stages, "checkpoint.model", (int64_t)s->rows.n, "subscribers");
    return rc;
}

/* The stress stage: each scenario over the loan book; the stress checkpoint. */
static int stress(const struct tr_ctx *ctx, const struct tr_config *cfg, const char *config_text,
                  const char *fingerprint, struct run_state *s)
{
    test_kill(ctx, "stress");
    tr_stage_begin(&s->stages);
    s->results = tr_stress_all(ctx, &s->params, (const char *const *)s->names, &s->book,
                               s->scenarios, NULL, &s->n_results);
    tr_stage_end(ctx, &s->stages, "stress", (int64_t)s->book.n, "loans");
    tr_stress_record(ctx, &s->stages, &s->params, s->results, s->n_results);
    tr_stage_begin(&s->stages);
    const struct tr_rf_root root = {
        .config_text = config_text, .seed = cfg->run.seed, .fingerprint = fingerprint};
    const struct tr_rf_provenance provenance = {.stages = s->stages.stat, .n_stages = s->stages.n};
    const struct tr_rf_stress stress = {
        .params = &s->params, .results = s->results, .n = s->n_results};
    const struct tr_run_contents out = {
        .k_min = cfg->privacy.k_min, .root = &root, .provenance = &provenance, .stress = &stress};
    const int rc = tr_ckpt_write_stress(ctx, cfg->output.path, &out);
    tr_stage_end(ctx, &s->stages, "checkpoint.stress", ctx->rank == 0 ? s->n_results : 0,
                 "scenarios");
    return rc;
}

int tr_pipeline_key(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_keyhash *kh)
{
    char err[512];
    int rc = tr_keyhash_init(kh, cfg->privacy.key_file, cfg->run.seed, err, sizeof err);
    if (rc && ctx->rank == 0) TR_ERROR(ctx, "%s", err);
    if ((rc = tr_agree(ctx, rc ? TR_EXIT_USAGE : TR_EXIT_OK))) return rc;
    if (!kh->from_file && ctx->rank == 0)
        TR_WARN(ctx, "privacy.key_file is not set: subscriber keys use a key derived from the seed,"
                     " which is not secret (fine for demos and tests only)");
    return TR_EXIT_OK;
}

int tr_pipeline_run(const struct tr_ctx *ctx, const struct tr_config *cfg, int resume_run)
{
    struct tr_keyhash kh;
    int rc = tr_pipeline_key(ctx, cfg, &kh);
    if (rc) return rc;
    char *config_text = tr_config_to_ini(cfg), fingerprint[65];
    tr_ckpt_fingerprint(ctx, cfg, fingerprint);
    const char *output = cfg->output.path;
    int done = TR_CKPT_NONE;
    if (resume_run && (rc = tr_ckpt_find(ctx, output, config_text, fingerprint, &done))) {
        free(config_text);
        return rc;
    }
    if (resume_run)
        TR_INFO(ctx,
                done ? "--resume: the %s stage's checkpoint is there; going on from it"
                     : "--resume: no checkpoint of this run%s; starting from the inputs",
                tr_ckpt_stage_names[done]);
    else
        tr_ckpt_remove(ctx, output, cfg->run.seed); /* another run's leftovers: not ours */

    struct run_state s;
    memset(&s, 0, sizeof s);
    rc = done ? resume(ctx, cfg, done, &s) : records(ctx, cfg, config_text, fingerprint, &kh, &s);
    if (!rc && done < TR_CKPT_MODEL) rc = model(ctx, cfg, config_text, fingerprint, &s);
    const int stressed = !rc && s.scenarios != NULL;
    if (stressed && done < TR_CKPT_STRESS) rc = stress(ctx, cfg, config_text, fingerprint, &s);
    if (!rc) {
        test_kill(ctx, "write");
        struct tr_stages last = s.stages;
        tr_stage_begin(&last);
        rc = tr_ckpt_assemble(ctx, output, stressed ? TR_CKPT_STRESS : TR_CKPT_MODEL, s.stages.stat,
                              s.stages.n, tr_ckpt_stage_names[done]);
        tr_stage_end(ctx, &last, "write", (int64_t)s.rows.n, "subscribers");
    }
    if (!rc) {
        tr_ckpt_remove(ctx, output, cfg->run.seed);
        TR_INFO(ctx, "run file: %s", output);
    }
    state_free(&s);
    free(config_text);
    return tr_agree(ctx, rc);
}
