#include "stress/montecarlo.h"

#include "core/error.h"
#include "core/exact.h"
#include "core/progress.h"
#include "core/rng.h"
#include "model/blocksum.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MC_STREAM 0x4d6f6e7465ULL /* "Monte" */

struct sim {
    const struct tr_pool *pools;
    size_t n_pools;
    double *a, *b; /* [n_pools]: the conditional PD is N(a - b z) */
    const struct tr_mc_options *o;
    gsl_rng *rng;
    double *z, *e;      /* [n_regions] correlated and independent normals */
    double *by_region;  /* [n_regions] this path's loss per region */
    uint64_t first;     /* this rank's first path */
    const double *loss; /* [paths on this rank] each path's total loss, from pass 1 */
    /* pass 2: the tail of each level, as (loss, path) thresholds */
    const double *tail_loss;
    const int64_t *tail_path;
};

/* Vasicek's conditional PD, N((G(pd) - sqrt(r) z) / sqrt(1 - r)), as N(a - b z). */
static void pool_constants(struct sim *s)
{
    for (size_t k = 0; k < s->n_pools; k++) {
        const struct tr_pool *p = &s->pools[k];
        const double scale = 1 / sqrt(1 - p->r);
        s->a[k] = gsl_cdf_ugaussian_Pinv(p->pd) * scale;
        s->b[k] = sqrt(p->r) * scale;
    }
}

/* One path: its factors, then each pool's defaults. Returns the total loss. */
static double path_loss(struct sim *s, uint64_t path)
{
    const int R = s->o->n_regions;
    gsl_rng_set(s->rng, tr_key(s->o->seed, MC_STREAM, path, 0));
    for (int a = 0; a < R; a++)
        s->e[a] = gsl_ran_ugaussian(s->rng);
    for (int a = 0; a < R; a++) {
        double z = 0;
        for (int b = 0; b <= a; b++)
            z += s->o->factor_chol[a * R + b] * s->e[b];
        s->z[a] = z;
        s->by_region[a] = 0;
    }
    double total = 0;
    for (size_t k = 0; k < s->n_pools; k++) {
        const struct tr_pool *p = &s->pools[k];
        const double q = gsl_cdf_ugaussian_P(s->a[k] - s->b[k] * s->z[p->region]);
        const unsigned defaults = gsl_ran_binomial(s->rng, q, p->loans);
        const double loss = p->lgd * p->ead * (double)defaults / (double)p->loans;
        s->by_region[p->region] += loss;
        total += loss;
    }
    return total;
}

/* Pass 2: each level's tail paths add their regional losses (and a count). */
static void add_tail(void *user, size_t i, double *acc)
{
    struct sim *s = user;
    const uint64_t path = s->first + i;
    const double loss = s->loss[i];
    const int R = s->o->n_regions;
    int computed = 0; /* only tail paths are simulated again, for their regional losses */
    for (int l = 0; l < s->o->n_levels; l++) {
        const int in =
            loss > s->tail_loss[l] || (loss == s->tail_loss[l] && (int64_t)path >= s->tail_path[l]);
        if (!in) continue;
        if (!computed) path_loss(s, path), computed = 1;
        double *a = acc + (size_t)l * (size_t)(R + 1);
        for (int g = 0; g < R; g++)
            a[g] += s->by_region[g];
        a[R] += loss;
    }
}

struct ranked {
    double loss;
    int64_t path;
};

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->loss != b->loss) return a->loss < b->loss ? -1 : 1;
    return a->path < b->path ? -1 : a->path > b->path;
}

size_t tr_mc_quantile_index(double level, size_t P)
{
    /* ceil(level P) - 1, with level P snapped to the integer it is meant to be (0.999 x 1000 is
     * 998.9999999999999 in doubles) so that no rounding picks the neighbouring path. */
    const double x = level * (double)P, nearest = nearbyint(x);
    size_t at = fabs(x - nearest) <= 1e-9 * (x > 1 ? x : 1) ? (size_t)nearest : (size_t)ceil(x);
    at = at < 1 ? 0 : at - 1;
    return at >= P ? P - 1 : at;
}

/* Pass 1: every path's total loss (this rank's paths, in path order), the regions' and the
 * total's expected loss summed exactly (the same bits in any order). */
static double *first_pass(const struct tr_ctx *ctx, struct sim *s, uint64_t n,
                          struct tr_mc_result *out)
{
    const int R = s->o->n_regions;
    double *mine = TR_MALLOC(sizeof(double) * (n + 1));
    tr_exact *by_region = TR_CALLOC((size_t)R + 1, sizeof(tr_exact));
    tr_progress_begin(ctx, "montecarlo", (double)n, "paths");
    for (uint64_t i = 0; i < n; i++) {
        tr_progress_add(1);
        mine[i] = path_loss(s, s->first + i);
        for (int g = 0; g < R; g++)
            tr_exact_add(&by_region[g], s->by_region[g]);
        tr_exact_add(&by_region[R], mine[i]);
    }
    tr_progress_end();
    tr_exact_allreduce(ctx, by_region, (size_t)R + 1);
    out->el_region = TR_CALLOC((size_t)R + 1, sizeof(double));
    for (int g = 0; g < R; g++)
        out->el_region[g] = tr_exact_value(&by_region[g]) / (double)s->o->paths;
    out->el = tr_exact_value(&by_region[R]) / (double)s->o->paths;
    free(by_region);
    return mine;
}

/* Rank 0: the quantiles and VaRs of all the paths' losses; each level's tail threshold. */
static void rank_losses(const double *all, size_t P, const struct tr_mc_options *o,
                        struct tr_mc_result *out, double *tail_loss, int64_t *tail_path)
{
    struct ranked *r = TR_MALLOC(sizeof *r * P);
    for (size_t p = 0; p < P; p++)
        r[p] = (struct ranked){all[p], (int64_t)p};
    qsort(r, P, sizeof *r, cmp_ranked);
    for (int k = 0; k < o->n_quantiles; k++)
        out->quantile[k] = r[tr_mc_quantile_index((double)(k + 1) / o->n_quantiles, P)].loss;
    for (int l = 0; l < o->n_levels; l++) {
        /* VaR: the smallest loss with at least a share `level` of paths at or below it; the
         * tail: the paths from there up, ranked by (loss, path). */
        const size_t at = tr_mc_quantile_index(o->levels[l], P);
        out->var[l] = r[at].loss;
        tail_loss[l] = r[at].loss, tail_path[l] = r[at].path;
    }
    free(r);
}

/* Collective: the n losses of each rank to rank 0 in path order, ranked there; the quantiles,
 * VaRs and tail thresholds to every rank. */
static void quantiles(const struct tr_ctx *ctx, const double *mine, uint64_t n,
                      const struct tr_mc_options *o, struct tr_mc_result *out, double *tail_loss,
                      int64_t *tail_path)
{
    out->quantile = TR_CALLOC((size_t)o->n_quantiles + 1, sizeof(double));
    int count = (int)n, *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size),
        *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
    double *all = NULL;
    if (ctx->rank == 0) {
        int at = 0;
        for (int k = 0; k < ctx->size; k++)
            displs[k] = at, at += counts[k];
        all = TR_MALLOC(sizeof(double) * ((size_t)o->paths + 1));
    }
    MPI_CHECK(MPI_Gatherv(mine, count, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0, ctx->comm));
    if (ctx->rank == 0) rank_losses(all, (size_t)o->paths, o, out, tail_loss, tail_path);
    MPI_CHECK(MPI_Bcast(out->quantile, o->n_quantiles, MPI_DOUBLE, 0, ctx->comm));
    MPI_CHECK(MPI_Bcast(out->var, TR_MC_MAX_LEVELS, MPI_DOUBLE, 0, ctx->comm));
    MPI_CHECK(MPI_Bcast(tail_loss, TR_MC_MAX_LEVELS, MPI_DOUBLE, 0, ctx->comm));
    MPI_CHECK(MPI_Bcast(tail_path, TR_MC_MAX_LEVELS, MPI_INT64_T, 0, ctx->comm));
    free(all);
    free(displs);
    free(counts);
}

/* Pass 2: the same paths again (their streams are keyed), summing the tails exactly: ES in all
 * and its regional contributions. */
static void second_pass(const struct tr_ctx *ctx, struct sim *s, uint64_t n,
                        struct tr_mc_result *out)
{
    const struct tr_mc_options *o = s->o;
    const int R = o->n_regions;
    const size_t P = (size_t)o->paths, m = (size_t)o->n_levels * (size_t)(R + 1);
    double *acc = TR_CALLOC(m + 1, sizeof(double));
    tr_block_sum(ctx, n, m, add_tail, s, acc);
    out->es_region = TR_CALLOC((size_t)o->n_levels * (size_t)R + 1, sizeof(double));
    for (int l = 0; l < o->n_levels; l++) {
        const double k = (double)(P - tr_mc_quantile_index(o->levels[l], P)); /* tail */
        const double *a = acc + (size_t)l * (size_t)(R + 1);
        out->es[l] = a[R] / k;
        for (int g = 0; g < R; g++)
            out->es_region[(size_t)l * (size_t)R + (size_t)g] = a[g] / k;
    }
    free(acc);
}

int tr_mc_loss(const struct tr_ctx *ctx, const struct tr_pool *pools, size_t n_pools,
               const struct tr_mc_options *o, struct tr_mc_result *out)
{
    memset(out, 0, sizeof *out);
    if (o->paths < 1 || o->n_regions < 1 || o->n_levels < 0 || o->n_levels > TR_MC_MAX_LEVELS ||
        (uint64_t)o->paths > (uint64_t)INT32_MAX * 64)
        return 1;
    const double t0 = MPI_Wtime();
    const size_t R = (size_t)o->n_regions;
    const uint64_t first = (uint64_t)o->paths * (uint64_t)ctx->rank / (uint64_t)ctx->size;
    const uint64_t n = (uint64_t)o->paths * (uint64_t)(ctx->rank + 1) / (uint64_t)ctx->size - first;
    struct sim s = {.pools = pools,
                    .n_pools = n_pools,
                    .a = TR_CALLOC(n_pools + 1, sizeof(double)),
                    .b = TR_CALLOC(n_pools + 1, sizeof(double)),
                    .o = o,
                    .rng = tr_rng_alloc(),
                    .z = TR_CALLOC(R, sizeof(double)),
                    .e = TR_CALLOC(R, sizeof(double)),
                    .by_region = TR_CALLOC(R, sizeof(double)),
                    .first = first};
    pool_constants(&s);
    double *mine = first_pass(ctx, &s, n, out);
    s.loss = mine;
    double tail_loss[TR_MC_MAX_LEVELS] = {0};
    int64_t tail_path[TR_MC_MAX_LEVELS] = {0};
    quantiles(ctx, mine, n, o, out, tail_loss, tail_path);
    s.tail_loss = tail_loss, s.tail_path = tail_path;
    second_pass(ctx, &s, n, out);
    double seconds = MPI_Wtime() - t0;
    MPI_CHECK(MPI_Allreduce(&seconds, &out->seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
    free(mine);
    free(s.z), free(s.e), free(s.by_region), free(s.a), free(s.b);
    gsl_rng_free(s.rng);
    return 0;
}

void tr_mc_result_free(struct tr_mc_result *r)
{
    free(r->es_region);
    free(r->el_region);
    free(r->quantile);
    memset(r, 0, sizeof *r);
}
