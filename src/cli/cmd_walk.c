/* telrisk walk PREV.h5 RUN.h5: why each region's mean PD moved between two runs (model/walk.h),
 * as a table on the terminal and, with --out, as CSVs. Two files' subscribers are matched by key,
 * so rank 0 reads both whole and walks them; the other ranks wait for its answer. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "model/walk.h"
#include "output/seal.h"
#include "output/stored.h"
#include "present/walk.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One run file's subscribers with their features in the walk model's column order. */
struct walk_side {
    struct tr_stored_run run;
    double *values; /* [run.n x the model's n_features] */
};

static void side_free(struct walk_side *s)
{
    free(s->values);
    tr_stored_run_free(&s->run);
}

/* Loads path's subscribers for the walk under m (the earlier run's models): an exit code, the
 * reason said. */
static int load_side(const struct tr_ctx *ctx, const char *path, const char *model_path,
                     const struct tr_models *m, struct walk_side *s)
{
    memset(s, 0, sizeof *s);
    int rc = tr_stored_run_load(ctx, path, &s->run);
    if (rc) return rc;
    s->values = TR_MALLOC(sizeof(double) * (s->run.n * (size_t)m->n_features + 1));
    const char *missing = tr_models_remap(m, (const char *const *)s->run.names, s->run.n_features,
                                          s->run.values, s->run.n, s->values);
    free(s->run.values); /* the model's columns are all the walk reads */
    s->run.values = NULL;
    char why[1024] = "";
    if (!s->run.pd)
        snprintf(why, sizeof why, "%s has no PDs (/subscribers/pd): nothing to walk", path);
    else if (missing)
        snprintf(why, sizeof why, "%s lacks the feature %.100s that the models of %s use", path,
                 missing, model_path);
    else if (s->run.n_regions != m->n_regions)
        snprintf(why, sizeof why, "%s has %d regions, %s %d: not the same country", path,
                 s->run.n_regions, model_path, m->n_regions);
    if (why[0]) TR_ERROR(ctx, "walk: %s", why);
    return why[0] ? TR_EXIT_INPUT : TR_EXIT_OK;
}

static struct tr_walk_run walk_run_of(const struct walk_side *s)
{
    return (struct tr_walk_run){.n = s->run.n,
                                .key = s->run.key,
                                .region = s->run.region,
                                .values = s->values,
                                .pd = s->run.pd,
                                .pd_final =
                                    s->run.pd_calibrated ? s->run.pd_calibrated : s->run.pd};
}

static int same_regions(const struct tr_ctx *ctx, const struct walk_side *a,
                        const struct walk_side *b)
{
    for (int r = 0; r < a->run.n_regions; r++)
        if (strcmp(a->run.region_names[r], b->run.region_names[r]) != 0) {
            TR_ERROR(ctx, "walk: the two runs name region %d %s and %s: not the same country", r,
                     a->run.region_names[r], b->run.region_names[r]);
            return TR_EXIT_INPUT;
        }
    return TR_EXIT_OK;
}

/* The walk shown: printed, and written as CSVs. */
static int show(const struct tr_ctx *ctx, const struct tr_walk *w, const struct tr_models *m,
                const struct walk_side *a, const char *before, const char *after, int64_t k_min,
                FILE *out, const char *csv_dir)
{
    const char **features = TR_MALLOC(sizeof(char *) * ((size_t)m->n_used + 1));
    for (int u = 0; u < m->n_used; u++)
        features[u] = m->names[m->used[u]];
    const struct tr_walk_names names = {.regions = (const char *const *)a->run.region_names,
                                        .features = features,
                                        .before = before,
                                        .after = after};
    int8_t *state = TR_MALLOC((size_t)w->n_regions + 1);
    tr_walk_suppression(w, k_min, state);
    if (out) tr_walk_print(out, w, &names, state, 3);
    int rc = TR_EXIT_OK;
    if (csv_dir && (tr_mkdir_p(csv_dir) || tr_walk_write_csv(csv_dir, w, &names, state))) {
        TR_ERROR(ctx, "walk: cannot write the walk's CSVs into %s: %s", csv_dir, strerror(errno));
        rc = TR_EXIT_INPUT;
    }
    free(state);
    free(features);
    return rc;
}

/* On a context of rank 0 alone: the files are read whole, not in slices. */
static int walk_alone(const struct tr_ctx *ctx, const char *before, const char *after,
                      int64_t k_min, FILE *out, const char *csv_dir)
{
    struct tr_models m;
    struct walk_side a = {0}, b = {0};
    int rc = tr_stored_models_load(ctx, before, &m);
    if (!rc) rc = load_side(ctx, before, before, &m, &a);
    if (!rc) rc = load_side(ctx, after, before, &m, &b);
    if (!rc) rc = same_regions(ctx, &a, &b);
    if (!rc) {
        const struct tr_walk_run ra = walk_run_of(&a), rb = walk_run_of(&b);
        /* the larger of the asked and the runs' own: no file's small cells shown here */
        if (tr_config_text_k_min(a.run.config) > k_min) k_min = tr_config_text_k_min(a.run.config);
        if (tr_config_text_k_min(b.run.config) > k_min) k_min = tr_config_text_k_min(b.run.config);
        struct tr_walk w;
        tr_walk_compute(&m, &ra, &rb, &w);
        rc = show(ctx, &w, &m, &a, before, after, k_min, out, csv_dir);
        tr_walk_free(&w);
    }
    side_free(&a), side_free(&b);
    tr_models_free(&m);
    return rc;
}

int tr_walk_files(const struct tr_ctx *ctx, const char *before, const char *after, int64_t k_min,
                  FILE *out, const char *csv_dir)
{
    struct tr_ctx self;
    tr_ctx_init(&self, MPI_COMM_SELF, ctx->msg);
    self.level = ctx->level;
    return walk_alone(&self, before, after, k_min, out, csv_dir);
}

int tr_cmd_walk(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg; /* defaults and --set: privacy.k_min */
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    const char *before = args->positional[0], *after = args->positional[1];
    if ((rc = tr_seal_check_input(ctx, before, "run file", !args->no_verify)) ||
        (rc = tr_seal_check_input(ctx, after, "run file", !args->no_verify)))
        return rc;
    if (ctx->rank == 0)
        rc = tr_walk_files(ctx, before, after, cfg.privacy.k_min, stdout, args->out_dir);
    MPI_CHECK(MPI_Bcast(&rc, 1, MPI_INT, 0, ctx->comm));
    return rc;
}
