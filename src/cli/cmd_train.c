/* telrisk train RUN.h5: the model stage again, from the features a run stored. With the run's
 * model settings it gives the run's /models bit for bit (the keyed samples use the run's seed). */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stage.h"
#include "crosscheck/backtest.h"
#include "features/labels.h"
#include "model/credit.h"
#include "output/history.h"
#include "output/seal.h"
#include "output/stored.h"

#include <stdlib.h>
#include <string.h>

/* The [model] keys train cannot apply to stored rows, and why. */
static const struct {
    const char *key, *why;
} fixed_keys[] = {
    {"model.horizon_days", "the labels were drawn from the loans' issue dates and outcomes at "
                           "ingest, which the run file does not keep"},
    {"model.application_days", "the 12-month PD's population and labels were drawn from the loan "
                               "ledger at ingest, which the run file does not keep"},
    {"model.oot_date", "the out-of-time sample was drawn from the loans' issue dates at ingest, "
                       "which the run file does not keep"},
    {"model.holdout",
     "the hold-out was drawn at ingest from the subscriber ids (model.holdout_salt), "
     "which the run file does not hold"},
    {"model.holdout_salt",
     "the hold-out was drawn at ingest from the subscriber ids, which the run "
     "file does not hold"},
};

/* The "section.key" of an INI line under section (the key before " = "). */
static void key_of(const char *section, const char *line, size_t len, char *key, size_t keylen)
{
    const char *eq = memchr(line, '=', len);
    const int n = eq ? (int)(eq - line) : (int)len;
    snprintf(key, keylen, "%s.%.*s", section, n > 0 && line[n - 1] == ' ' ? n - 1 : n, line);
}

/* Whether key is one train applies: every [model] key but the fixed ones, the calibration's
 * margins of conservatism (train calibrates again) and privacy.k_min. */
static int applied(const char *key)
{
    return strncmp(key, "model.", 6) == 0 || strncmp(key, "credit.moc_", 11) == 0 ||
           strcmp(key, "privacy.k_min") == 0;
}

/* Rank 0: each key the asked config sets otherwise than the run's: a fixed [model] key is
 * refused (1), any other key outside [model] not applied (a warning). Both texts come from
 * tr_config_to_ini: the same keys in the same order. */
static int compare(const struct tr_ctx *ctx, const char *run, const char *asked)
{
    char section[64] = "", key[128];
    int refused = 0;
    for (const char *a = asked, *b = run; *a && *b;) {
        const size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (a[0] == '[') snprintf(section, sizeof section, "%.*s", (int)(la - 2), a + 1);
        key_of(section, a, la, key, sizeof key);
        int fixed = -1;
        for (size_t k = 0; k < sizeof fixed_keys / sizeof *fixed_keys; k++)
            if (strcmp(key, fixed_keys[k].key) == 0) fixed = (int)k;
        if (a[0] != '[' && (la != lb || memcmp(a, b, la) != 0)) {
            if (fixed >= 0)
                TR_ERROR(ctx,
                         "train: %s cannot be applied to a stored run: %s; run telrisk run "
                         "again with it",
                         key, fixed_keys[fixed].why),
                    refused = 1;
            else if (!applied(key))
                TR_WARN(ctx,
                        "train: %s is not applied: it shapes how a run reads its inputs, "
                        "not how train learns from them; the file keeps the run's",
                        key);
        }
        a += la + (a[la] == '\n'), b += lb + (b[lb] == '\n');
    }
    return refused;
}

/* Collective: the run's config (run), and the config train applies (cfg): the run's own, with the
 * [model] keys and privacy.k_min that defaults, the run's config, --config and --set give. The
 * fixed keys refused (exit 1). */
static int train_config(const struct tr_ctx *ctx, const struct tr_cli_args *args,
                        const struct tr_stored_run *r, struct tr_config *run, struct tr_config *cfg)
{
    struct tr_config asked;
    int rc = tr_load_config_over(ctx, args, r->config, &asked);
    if (!rc) rc = tr_load_config_over(ctx, &(struct tr_cli_args){0}, r->config, run);
    if (rc) return rc;
    *cfg = *run;
    char *run_text = tr_config_to_ini(run), *asked_text = tr_config_to_ini(&asked);
    const int refused = ctx->rank == 0 && compare(ctx, run_text, asked_text);
    free(run_text), free(asked_text);
    if ((rc = tr_agree(ctx, refused ? TR_EXIT_USAGE : TR_EXIT_OK))) return rc;
    cfg->model = asked.model;
    cfg->privacy.k_min = asked.privacy.k_min;
    cfg->credit.moc_a = asked.credit.moc_a, cfg->credit.moc_b = asked.credit.moc_b;
    cfg->credit.moc_c = asked.credit.moc_c;
    memcpy(cfg->credit.moc_a_reason, asked.credit.moc_a_reason, sizeof cfg->credit.moc_a_reason);
    memcpy(cfg->credit.moc_b_reason, asked.credit.moc_b_reason, sizeof cfg->credit.moc_b_reason);
    memcpy(cfg->credit.moc_c_reason, asked.credit.moc_c_reason, sizeof cfg->credit.moc_c_reason);
    cfg->run.seed = r->seed; /* the hold-out was drawn with it; the binning sample goes with it */
    return TR_EXIT_OK;
}

int tr_cmd_train(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *path = args->positional[0], *to = args->out_dir ? args->out_dir : path;
    int rc = tr_seal_check_input(ctx, path, "run file", !args->no_verify);
    if (rc) return rc;
    struct tr_stored_run r;
    if ((rc = tr_stored_run_load(ctx, path, &r))) return rc;
    r.unverified = args->no_verify ? path : NULL;
    struct tr_config cfg, run;
    rc = train_config(ctx, args, &r, &run, &cfg);
    if (!rc) rc = tr_refuse_overwrite(ctx, args, to);
    if (rc) {
        tr_stored_run_free(&r);
        return rc;
    }
    char *config_text = tr_config_to_ini(&cfg);
    tr_history_config(config_text); /* what train applied, not what it was asked */
    r.new_config = config_text;
    const struct tr_model_rows rows = {.n = r.n,
                                       .n_features = r.n_features,
                                       .names = (const char *const *)r.names,
                                       .key = r.key,
                                       .region = r.region,
                                       .label = r.label,
                                       .sample = r.sample,
                                       .values = r.values,
                                       .cohorts = r.has_cohorts ? &r.cohorts : NULL};
    struct tr_credit c;
    struct tr_stages stages = {0};
    tr_stage_begin(&stages);
    rc = tr_credit_learn(ctx, &cfg, &rows, r.n_regions, &c);
    if (rc) {
        if (ctx->rank == 0 && rc == TR_EXIT_USAGE) /* the controls name no stored feature */
            TR_ERROR(ctx, "%s (the features of %s)", c.models.why_none, path);
        else if (ctx->rank == 0)
            TR_ERROR(ctx, "no credit model from %s: %s", path, c.models.why_none);
        tr_credit_free(&c);
        tr_stored_run_free(&r);
        free(config_text);
        return rc;
    }
    const struct tr_models *m = &c.models;
    tr_stage_end(ctx, &stages, "train", (int64_t)r.n, "subscribers");
    struct tr_backtest bt;
    tr_backtest_credit(ctx, &rows, &c, r.n_regions, &bt);
    tr_stage_record(ctx, &stages, "train.newton", m->fit_seconds, m->iterations, "iterations");
    TR_INFO(ctx,
            "train: %d of %d features, %lld training rows, %d Newton iterations in %.3f s "
            "(%.4f s each); hold-out AUC %.4f",
            m->n_used, m->n_features, (long long)m->train_rows, m->iterations, m->fit_seconds,
            m->fit_seconds / (m->iterations ? m->iterations : 1), c.validation.assigned.m.auc);
    const struct tr_rf_regions regions = {.names = (const char *const *)r.region_names,
                                          .n = r.n_regions};
    const struct tr_rf_models models = {.models = m, .validation = &c.validation};
    const struct tr_rf_scores scores = {.n_local = r.n,
                                        .pd = c.pd,
                                        .pd_calibrated = c.pd_calibrated,
                                        .score = c.score,
                                        .grade = c.grade,
                                        .models = &c.models,
                                        .points = c.points,
                                        .reasons = c.reasons,
                                        .n_reasons = c.n_reasons};
    const struct tr_rf_crosschecks backtest = {.backtest = &bt};
    const struct tr_run_contents out = {.k_min = cfg.privacy.k_min,
                                        .regions = &regions,
                                        .models = &models,
                                        .scores = &scores,
                                        .crosschecks = &backtest};
    rc = tr_stored_run_update(ctx, &r, path, to, &out);
    if (!rc) TR_INFO(ctx, "run file: %s", to);
    free(config_text);
    tr_backtest_free(&bt);
    tr_credit_free(&c);
    tr_stored_run_free(&r);
    return rc;
}
