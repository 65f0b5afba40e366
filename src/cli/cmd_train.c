/* telrisk train RUN.h5: the model stage again, from the features a run stored. With the run's
 * model settings it gives the run's /models bit for bit (the keyed samples use the run's seed). */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stage.h"
#include "crosscheck/backtest.h"
#include "model/credit.h"
#include "output/seal.h"
#include "output/stored.h"

#include <stdlib.h>
#include <string.h>

int tr_cmd_train(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    const char *path = args->positional[0];
    if ((rc = tr_seal_check_input(ctx, path, "run file", !args->no_verify))) return rc;
    struct tr_stored_run r;
    if ((rc = tr_stored_run_load(ctx, path, &r))) return rc;
    r.unverified = args->no_verify ? path : NULL;
    cfg.run.seed = r.seed; /* the hold-out was drawn with it; the binning sample goes with it */
    const struct tr_model_rows rows = {.n = r.n,
                                       .n_features = r.n_features,
                                       .names = (const char *const *)r.names,
                                       .key = r.key,
                                       .region = r.region,
                                       .label = r.label,
                                       .sample = r.sample,
                                       .values = r.values};
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
    const struct tr_rf_scores scores = {
        .n_local = r.n, .pd = c.pd, .score = c.score, .grade = c.grade};
    const struct tr_rf_crosschecks backtest = {.backtest = &bt};
    const struct tr_run_contents out = {.k_min = cfg.privacy.k_min,
                                        .regions = &regions,
                                        .models = &models,
                                        .scores = &scores,
                                        .crosschecks = &backtest};
    const char *to = args->out_dir ? args->out_dir : path;
    rc = tr_stored_run_update(ctx, &r, path, to, &out);
    if (!rc) TR_INFO(ctx, "run file: %s", to);
    tr_backtest_free(&bt);
    tr_credit_free(&c);
    tr_stored_run_free(&r);
    return rc;
}
