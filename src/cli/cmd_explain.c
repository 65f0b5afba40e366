/* telrisk explain RUN.h5 --key K (or --id MSISDN --key-file K): one subscriber's score, grade and
 * PD as the run file holds them, the reasons stored for it (what a declined applicant is owed:
 * the features whose points fall furthest below their best), and the nearest bins that would
 * raise its score most (model/reasons.h). Every rank reads; rank 0 prints. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/keyhash.h"
#include "core/log.h"
#include "model/reasons.h"
#include "output/reasons.h"
#include "output/seal.h"
#include "output/stored.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUGGESTIONS 3

/* The subscriber's key from --key, or from --id hashed with the key file and the run's seed.
 * An exit code, the reason printed (rank 0). */
static int key_of(const struct tr_ctx *ctx, const struct tr_cli_args *args, const char *path,
                  uint64_t *key)
{
    char err[600] = "";
    int rc = TR_EXIT_OK;
    if (!args->key == !args->id) {
        snprintf(err, sizeof err, "explain: give --key K or --id MSISDN (with --key-file), one");
        rc = TR_EXIT_USAGE;
    } else if (args->id && !args->key_file) {
        snprintf(err, sizeof err, "explain: --id needs --key-file (the run's secret key file)");
        rc = TR_EXIT_USAGE;
    } else if (args->key) {
        char *end = NULL;
        errno = 0;
        *key = strtoull(args->key, &end, 10);
        if (errno || end == args->key || *end || args->key[0] == '-') {
            snprintf(err, sizeof err,
                     "explain: --key '%.100s' is not a key (a whole number "
                     "of /subscribers/key)",
                     args->key);
            rc = TR_EXIT_USAGE;
        }
    } else {
        uint64_t seed = 0;
        struct tr_keyhash kh;
        char why[512] = "";
        if (tr_rf_read_seed(path, &seed, why, sizeof why)) {
            snprintf(err, sizeof err, "explain: %s: %s", path, why);
            rc = TR_EXIT_INPUT;
        } else if (tr_keyhash_init(&kh, args->key_file, seed, why, sizeof why)) {
            snprintf(err, sizeof err, "explain: %s", why);
            rc = TR_EXIT_USAGE;
        } else {
            *key = tr_keyhash(&kh, args->id, strlen(args->id));
            sodium_memzero(&kh, sizeof kh);
        }
    }
    if (rc && ctx->rank == 0) fprintf(ctx->msg, "telrisk: %s\n", err);
    return rc;
}

/* A bin as text: "[lower, upper)" or "missing". */
static void bin_text(const struct tr_bins *b, int k, char *out, size_t cap)
{
    if (k == b->n_numeric) {
        snprintf(out, cap, "missing");
        return;
    }
    if (k > b->n_numeric) { /* a special value's own bin (model.special) */
        snprintf(out, cap, "= %.6g", b->special[k - b->n_numeric - 1]);
        return;
    }
    const double lo = b->lower[k], hi = k + 1 < b->n_numeric ? b->lower[k + 1] : INFINITY;
    snprintf(out, cap, "[%.6g, %.6g)", lo, hi);
}

/* The file's values in the model's feature order (NaN where the file lacks one). */
static double *model_values(const struct tr_models *m, const struct tr_rf_explained *e)
{
    double *v = TR_MALLOC(sizeof(double) * ((size_t)m->n_features + 1));
    for (int j = 0; j < m->n_features; j++) {
        v[j] = NAN;
        for (int k = 0; k < e->n_features; k++)
            if (strcmp(m->names[j], e->names[k]) == 0) v[j] = e->values[k];
    }
    return v;
}

static void print_reasons(FILE *out, const struct tr_models *m, const struct tr_rf_explained *e,
                          const double *v)
{
    const struct tr_model *model = tr_model_for(m, e->region);
    for (int r = 0; r < e->n_reasons && e->reasons[r] != TR_REASON_NONE; r++) {
        const int32_t code = e->reasons[r];
        const int j = code / TR_REASON_DIRS;
        int u = 0;
        while (u < m->n_used && m->used[u] != j)
            u++;
        if (j < 0 || j >= m->n_features || u == m->n_used) {
            fprintf(out, "reason %d: code %" PRId32 " (not a feature the models use)\n", r + 1,
                    code);
            continue;
        }
        const struct tr_bins *b = &m->bins[j];
        const int bin = tr_bin_of(b, v[j]), best = tr_points_best_bin(m, model, u);
        char text[400], have[64], top[64];
        tr_reason_text(m, code, text, sizeof text);
        bin_text(b, bin, have, sizeof have), bin_text(b, best, top, sizeof top);
        const double best_points = tr_points_of_bin(m, model, u, best);
        fprintf(out,
                "reason %d: code %" PRId32 " %s; value %.6g in %s: %.2f points; best bin %s: "
                "%.2f points; %.2f points lost\n",
                r + 1, code, text, v[j], have, e->points[u], top, best_points,
                best_points - e->points[u]);
    }
}

static void print_suggestions(FILE *out, const struct tr_models *m, const struct tr_rf_explained *e,
                              const double *v)
{
    struct tr_suggestion s[SUGGESTIONS];
    const int n = tr_reasons_suggest(m, e->region, v, s, SUGGESTIONS);
    const double factor = m->card.pdo / log(2.0);
    const double offset = m->card.base_points - factor * log(m->card.base_odds);
    if (n == 0) fprintf(out, "improve: none (every used feature is in its best bin)\n");
    for (int k = 0; k < n; k++) {
        const int j = m->used[s[k].u];
        const double score = e->score + s[k].gain;
        const double pd = 1 / (1 + exp((score - offset) / factor));
        char to[64];
        bin_text(&m->bins[j], s[k].bin, to, sizeof to);
        fprintf(out,
                "improve %d: %s into bin %d %s: %+.2f points -> score %.2f, pd %.6f, grade %d "
                "(now %d)\n",
                k + 1, m->names[j], s[k].bin, to, s[k].gain, score, pd, tr_grade(&m->card, pd),
                (int)e->grade);
    }
}

static void print_explained(FILE *out, uint64_t key, const struct tr_models *m,
                            const struct tr_rf_explained *e)
{
    const struct tr_model *model = tr_model_for(m, e->region);
    double *v = model_values(m, e);
    fprintf(out, "key: %" PRIu64 "\nrow: %" PRIu64 "\nregion: %d (%s)\n", key, e->row,
            (int)e->region, e->region_name);
    if (model->region >= 0) /* its region's own, by the name its group has (/models/regions) */
        fprintf(out, "model: region %s\n", e->region_name);
    else
        fprintf(out, "model: national\n");
    fprintf(out, "score: %.17g\ngrade: %d\npd: %.17g\n", e->score, (int)e->grade, e->pd);
    fprintf(out, "base points: %.17g\n", tr_points_base(m, model));
    print_reasons(out, m, e, v);
    print_suggestions(out, m, e, v);
    free(v);
}

int tr_cmd_explain(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *path = args->positional[0];
    uint64_t key = 0;
    int rc = key_of(ctx, args, path, &key);
    if (rc || (rc = tr_seal_check_input(ctx, path, "run file", !args->no_verify))) return rc;
    struct tr_models m;
    if ((rc = tr_stored_models_load(ctx, path, &m))) {
        tr_models_free(&m);
        return rc;
    }
    struct tr_rf_explained e;
    char err[512] = "";
    const int found = tr_rf_read_explained(path, key, &e, err, sizeof err);
    if (found == 1)
        snprintf(err, sizeof err, "no subscriber has key %" PRIu64 " (/subscribers/key)", key);
    if (found == 0 && !tr_reasons_available(&m))
        snprintf(err, sizeof err, "its models have no per-bin points (model.transform)");
    rc = found || !tr_reasons_available(&m) ? TR_EXIT_INPUT : TR_EXIT_OK;
    if (rc && ctx->rank == 0) fprintf(ctx->msg, "telrisk: explain: %s: %s\n", path, err);
    if (!rc && ctx->rank == 0) {
        print_explained(stdout, key, &m, &e);
        fflush(stdout);
    }
    tr_rf_explained_free(&e);
    tr_models_free(&m);
    return rc;
}
