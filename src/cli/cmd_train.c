/* telrisk train RUN.h5: the model stage again, from the features a run stored. With the run's
 * model settings it gives the run's /models bit for bit (the keyed samples use the run's seed). */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stage.h"
#include "model/train.h"
#include "model/validate.h"
#include "output/stored.h"

#include <stdlib.h>
#include <string.h>

int tr_cmd_train(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    const char *path = args->positional[0];
    struct tr_stored_run r;
    if ((rc = tr_stored_run_load(ctx, path, &r))) return rc;
    cfg.run.seed = r.seed; /* the hold-out was drawn with it; the binning sample goes with it */
    const struct tr_model_rows rows = {r.n,      r.n_features, (const char *const *)r.names,
                                       r.key,    r.region,     r.label,
                                       r.sample, r.values};
    struct tr_models m;
    struct tr_stages stages = {0};
    tr_stage_begin(&stages);
    rc = tr_models_train(ctx, &cfg, &rows, r.n_regions, &m);
    if (rc) {
        if (ctx->rank == 0) TR_ERROR(ctx, "no credit model from %s: %s", path, m.why_none);
        tr_models_free(&m);
        tr_stored_run_free(&r);
        return rc;
    }
    double *pd = TR_MALLOC(sizeof(double) * (r.n + 1)),
           *pd_national = TR_MALLOC(sizeof(double) * (r.n + 1)),
           *score = TR_MALLOC(sizeof(double) * (r.n + 1));
    int8_t *grade = TR_MALLOC(r.n + 1);
    tr_models_score(&m, &rows, pd, pd_national, score, grade);
    tr_models_reference(ctx, &rows, score, grade, r.seed, &m);
    struct tr_validation v;
    const struct tr_validation_rows vr = {r.n, r.region, r.label, r.sample, pd, pd_national};
    tr_validate(ctx, &vr, r.n_regions, &m.card, &v);
    tr_stage_end(ctx, &stages, "train", (int64_t)r.n, "subscribers");
    tr_stage_record(ctx, &stages, "train.newton", m.fit_seconds, m.iterations, "iterations");
    TR_INFO(ctx,
            "train: %d of %d features, %lld training rows, %d Newton iterations in %.3f s "
            "(%.4f s each); hold-out AUC %.4f",
            m.n_used, m.n_features, (long long)m.train_rows, m.iterations, m.fit_seconds,
            m.fit_seconds / (m.iterations ? m.iterations : 1), v.assigned.m.auc);
    const struct tr_run_output out = {.seed = r.seed,
                                      .region_names = (const char *const *)r.region_names,
                                      .n_regions = r.n_regions,
                                      .n_local = r.n,
                                      .models = &m,
                                      .validation = &v,
                                      .pd = pd,
                                      .score = score,
                                      .grade = grade};
    const char *to = args->out_dir ? args->out_dir : path;
    rc = tr_stored_run_update(ctx, path, to, &out, r.first);
    if (!rc) TR_INFO(ctx, "run file: %s", to);
    tr_validation_free(&v);
    free(pd), free(pd_national), free(score), free(grade);
    tr_models_free(&m);
    tr_stored_run_free(&r);
    return rc;
}
