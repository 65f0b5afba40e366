#include "model/train.h"

#include "core/error.h"
#include "core/rng.h"
#include "model/blocksum.h"
#include "model/reference.h"
#include "features/labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINNING_SAMPLE 50000 /* training rows that place the quantile pre-bins, about */
#define MAX_CANDIDATES 160   /* features by decreasing IV that the correlation screening weighs */

static int is_training(const struct tr_model_rows *r, size_t i)
{
    return r->sample[i] == TR_TRAINING && r->label[i] >= 0;
}

/* Pre-bin cuts from a keyed sample of the training rows: which rows are in it depends on their
 * keys only, and the sample is gathered in key order, so every rank places the same cuts. */
static void place_prebins(const struct tr_ctx *ctx, const struct tr_model_rows *r, uint64_t seed,
                          int64_t train_total, int n_prebins, struct tr_bins *bins)
{
    const int F = r->n_features;
    const double share =
        train_total > BINNING_SAMPLE ? (double)BINNING_SAMPLE / (double)train_total : 1.0;
    /* Two passes: the sample is small, the feature table is not copied. */
    unsigned char *in = TR_CALLOC(r->n + 1, 1);
    size_t mine = 0;
    for (size_t i = 0; i < r->n; i++) {
        in[i] = is_training(r, i) &&
                tr_unit(tr_key(seed, 0x42696e73ULL /* "Bins" */, r->key[i], 0)) < share;
        mine += in[i];
    }
    double *local = TR_MALLOC(sizeof(double) * ((size_t)F * mine + 1));
    for (size_t i = 0, k = 0; i < r->n; i++)
        if (in[i])
            memcpy(local + (k++) * (size_t)F, r->values + i * (size_t)F,
                   sizeof(double) * (size_t)F);
    free(in);
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size),
        *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int send = (int)(mine * (size_t)F);
    MPI_CHECK(MPI_Allgather(&send, 1, MPI_INT, counts, 1, MPI_INT, ctx->comm));
    size_t total = 0;
    for (int k = 0; k < ctx->size; k++)
        displs[k] = (int)total, total += (size_t)counts[k];
    double *all = TR_MALLOC(sizeof(double) * (total + 1));
    MPI_CHECK(MPI_Allgatherv(local, send, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, ctx->comm));
    const size_t rows = total / (size_t)(F ? F : 1);
    double *column = TR_MALLOC(sizeof(double) * (rows + 1));
    for (int j = 0; j < F; j++) {
        if (bins[j].n_numeric) continue; /* manual edges (place_manual) */
        /* Special values have bins of their own: they place no cut. */
        for (size_t i = 0; i < rows; i++) {
            const double x = all[i * (size_t)F + (size_t)j];
            column[i] = tr_bins_special(&bins[j], x) ? NAN : x;
        }
        bins[j].n_numeric = tr_prebins(column, rows, n_prebins, bins[j].lower);
    }
    free(column);
    free(all);
    free(displs);
    free(counts);
    free(local);
}

/* Training counts and defaults, and the whole population, per pre-bin: exact integer sums. */
static void count_bins(const struct tr_ctx *ctx, const struct tr_model_rows *r,
                       struct tr_bins *bins)
{
    const int F = r->n_features;
    const size_t per = 3 * TR_MAX_BINS;
    int64_t *c = TR_CALLOC((size_t)F * per + 1, sizeof(int64_t));
    for (size_t i = 0; i < r->n; i++) {
        const double *x = r->values + i * (size_t)F;
        const int train = is_training(r, i);
        for (int j = 0; j < F; j++) {
            int64_t *cj = c + (size_t)j * per;
            const int b = tr_bin_of(&bins[j], x[j]);
            cj[2 * TR_MAX_BINS + b]++;
            if (train) cj[b]++, cj[TR_MAX_BINS + b] += r->label[i];
        }
    }
    MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, c, (int)((size_t)F * per), MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int j = 0; j < F; j++) {
        const int64_t *cj = c + (size_t)j * per;
        const int n = tr_bins_count(&bins[j]);
        memcpy(bins[j].count, cj, sizeof(int64_t) * (size_t)n);
        memcpy(bins[j].defaults, cj + TR_MAX_BINS, sizeof(int64_t) * (size_t)n);
        memcpy(bins[j].population, cj + 2 * TR_MAX_BINS, sizeof(int64_t) * (size_t)n);
    }
    free(c);
}

struct moments_pass {
    const struct tr_model_rows *r;
    const struct tr_bins *bins;
};

/* Per feature: training rows with a value, their sum, their sum of squares. */
static void add_moments(void *user, size_t i, double *acc)
{
    const struct moments_pass *ps = user;
    const struct tr_model_rows *r = ps->r;
    if (!is_training(r, i)) return;
    const double *x = r->values + i * (size_t)r->n_features;
    for (int j = 0; j < r->n_features; j++) {
        if (isnan(x[j]) || tr_bins_special(&ps->bins[j], x[j])) continue; /* no number */
        acc[3 * j] += 1, acc[3 * j + 1] += x[j], acc[3 * j + 2] += x[j] * x[j];
    }
}

static void standardize_moments(const struct tr_ctx *ctx, const struct tr_model_rows *r,
                                struct tr_models *m)
{
    const int F = r->n_features;
    double *acc = TR_CALLOC(3 * (size_t)F + 1, sizeof(double));
    struct moments_pass ps = {r, m->bins};
    tr_block_sum(ctx, r->n, 3 * (size_t)F, add_moments, &ps, acc);
    for (int j = 0; j < F; j++) {
        const double n = acc[3 * j];
        m->mean[j] = n > 0 ? acc[3 * j + 1] / n : 0;
        const double var = n > 1 ? acc[3 * j + 2] / n - m->mean[j] * m->mean[j] : 0;
        m->sd[j] = var > 1e-24 * fmax(1, m->mean[j] * m->mean[j]) ? sqrt(var) : 0;
    }
    free(acc);
}

double tr_model_transform(const struct tr_models *m, int j, double x)
{
    if (m->transform == TR_TRANSFORM_WOE) return m->bins[j].woe[tr_bin_of(&m->bins[j], x)];
    /* missing, or a special value (a code, not a number): the training mean */
    if (isnan(x) || m->sd[j] == 0 || tr_bins_special(&m->bins[j], x)) return 0;
    return (x - m->mean[j]) / m->sd[j];
}

struct corr_pass {
    const struct tr_model_rows *r;
    const struct tr_models *m;
    const int *cand;
    int c;
};

/* Sums of each candidate's transformed value and of every pair's product, training rows only. */
static void add_products(void *user, size_t i, double *acc)
{
    const struct corr_pass *ps = user;
    if (!is_training(ps->r, i)) return;
    const double *x = ps->r->values + i * (size_t)ps->r->n_features;
    double t[MAX_CANDIDATES];
    for (int a = 0; a < ps->c; a++)
        t[a] = tr_model_transform(ps->m, ps->cand[a], x[ps->cand[a]]);
    double *p = acc + ps->c;
    for (int a = 0; a < ps->c; a++) {
        acc[a] += t[a];
        for (int b = a; b < ps->c; b++)
            *p++ += t[a] * t[b];
    }
    *p += 1;
}

struct by_iv {
    double iv;
    int column;
};

static int cmp_iv_desc(const void *pa, const void *pb)
{
    const struct by_iv *a = pa, *b = pb;
    if (a->iv != b->iv) return a->iv > b->iv ? -1 : 1;
    return a->column - b->column;
}

/* Columns by decreasing IV, then by position: a total order, the same on every rank. */
static void sort_by_iv(const struct tr_models *m, int *cand, int c)
{
    struct by_iv *v = TR_MALLOC(sizeof *v * ((size_t)c + 1));
    for (int a = 0; a < c; a++)
        v[a] = (struct by_iv){m->bins[cand[a]].iv, cand[a]};
    qsort(v, (size_t)c, sizeof *v, cmp_iv_desc);
    for (int a = 0; a < c; a++)
        cand[a] = v[a].column;
    free(v);
}

/* Screening: enough information value, not a near copy of a stronger feature. */
static void screen(const struct tr_ctx *ctx, const struct tr_config *cfg,
                   const struct tr_model_rows *r, int64_t train_defaults, struct tr_models *m)
{
    const int F = m->n_features;
    int *cand = TR_MALLOC(sizeof(int) * ((size_t)F + 1)), c = 0;
    for (int j = 0; j < F; j++) {
        if (!m->control[j].candidate) /* the modeller's word comes first */
            snprintf(m->dropped[j], TR_DROP_REASON_MAX, "%s", m->control[j].why);
        else if (m->bins[j].n_numeric < 2 && m->bins[j].count[m->bins[j].n_numeric] == 0 &&
                 m->bins[j].n_special == 0)
            snprintf(m->dropped[j], TR_DROP_REASON_MAX, "constant");
        else if (m->transform == TR_TRANSFORM_STANDARDIZE && m->sd[j] == 0)
            snprintf(m->dropped[j], TR_DROP_REASON_MAX, "constant where defined");
        else if (m->bins[j].iv < cfg->model.min_iv)
            snprintf(m->dropped[j], TR_DROP_REASON_MAX, "information value under model.min_iv");
        else
            cand[c++] = j;
    }
    sort_by_iv(m, cand, c);
    for (int a = MAX_CANDIDATES; a < c; a++) /* a cap on the screening's cost, c^2 per row */
        snprintf(m->dropped[cand[a]], TR_DROP_REASON_MAX, "not among the %d strongest",
                 MAX_CANDIDATES);
    if (c > MAX_CANDIDATES) c = MAX_CANDIDATES;
    const size_t tri = (size_t)c * (size_t)(c + 1) / 2;
    double *acc = TR_CALLOC((size_t)c + tri + 2, sizeof(double));
    struct corr_pass ps = {r, m, cand, c};
    tr_block_sum(ctx, r->n, (size_t)c + tri + 1, add_products, &ps, acc);
    const double n = acc[(size_t)c + tri];
    double *cov = TR_MALLOC(sizeof(double) * ((size_t)c * (size_t)c + 1));
    for (int a = 0, k = c; a < c; a++)
        for (int b = a; b < c; b++, k++)
            cov[a * c + b] = cov[b * c + a] = acc[k] / n - (acc[a] / n) * (acc[b] / n);
    m->used = TR_MALLOC(sizeof(int) * ((size_t)c + 1));
    m->n_used = 0;
    for (int a = 0; a < c; a++) {
        /* A transformed value that does not vary over the training rows (one bin holds them
         * all) is the intercept again: the Hessian would be singular. */
        if (!(cov[a * c + a] > 1e-12)) {
            snprintf(m->dropped[cand[a]], TR_DROP_REASON_MAX, "constant among the training rows");
            continue;
        }
        int twin = -1;
        for (int u = 0; u < m->n_used && twin < 0; u++) {
            const int b = m->used[u];
            const double corr = cov[a * c + b] / sqrt(cov[a * c + a] * cov[b * c + b]);
            if (fabs(corr) > cfg->model.max_correlation) twin = b;
        }
        if (twin >= 0)
            snprintf(m->dropped[cand[a]], TR_DROP_REASON_MAX, "correlated with %.40s",
                     m->names[cand[twin]]);
        else
            m->used[m->n_used++] = a; /* candidate index for now */
    }
    for (int u = 0; u < m->n_used; u++)
        m->used[u] = cand[m->used[u]];
    /* Events per variable (Peduzzi et al. 1996): with fewer than model.defaults_per_feature
     * training defaults per coefficient, maximum likelihood overfits or fails to converge. */
    const int64_t cap = train_defaults / cfg->model.defaults_per_feature;
    for (int u = (int)(cap > 0 ? cap : 1); u < m->n_used; u++)
        snprintf(m->dropped[m->used[u]], TR_DROP_REASON_MAX, "beyond model.defaults_per_feature");
    if (m->n_used > cap) m->n_used = (int)(cap > 0 ? cap : 1);
    free(cov);
    free(acc);
    free(cand);
}

/* The design matrix: the constant, then the used features transformed. */
static double *design(const struct tr_models *m, const struct tr_model_rows *r)
{
    const size_t p = (size_t)m->n_used + 1;
    double *x = TR_MALLOC(sizeof(double) * (r->n * p + 1));
    for (size_t i = 0; i < r->n; i++) {
        const double *v = r->values + i * (size_t)r->n_features;
        double *row = x + i * p;
        row[0] = 1;
        for (int u = 0; u < m->n_used; u++)
            row[u + 1] = tr_model_transform(m, m->used[u], v[m->used[u]]);
    }
    return x;
}

static void fit_one(const struct tr_ctx *ctx, const struct tr_logit_data *d,
                    const struct tr_logit_options *o, struct tr_model *model)
{
    tr_logit(ctx, d, o, &model->fit);
    /* A region's fit that cannot be trusted (singular, not converged, separated) leaves its
     * subscribers to the national model; the national one is kept with its warning. */
    model->fitted = model->region < 0 || model->fit.problem[0] == '\0';
    if (model->fit.problem[0] && ctx->rank == 0) {
        if (model->region < 0)
            TR_WARN(ctx, "national model: %s", model->fit.problem);
        else
            TR_WARN(ctx, "model of region %d: %s; its subscribers are scored by the national model",
                    model->region, model->fit.problem);
    }
}

static void fit_models(const struct tr_ctx *ctx, const struct tr_config *cfg,
                       const struct tr_model_rows *r, struct tr_models *m)
{
    const double t0 = MPI_Wtime(); /* the time, not an error code: nothing to check */
    double *x = design(m, r), *y = TR_MALLOC(sizeof(double) * (r->n + 1)),
           *w = TR_MALLOC(sizeof(double) * (r->n + 1));
    int64_t *per = TR_CALLOC(2 * (size_t)m->n_regions + 2, sizeof(int64_t)); /* rows, defaults */
    for (size_t i = 0; i < r->n; i++) {
        y[i] = r->label[i] > 0;
        w[i] = is_training(r, i);
        if (w[i] && r->region[i] >= 0 && r->region[i] < m->n_regions)
            per[2 * r->region[i]]++, per[2 * r->region[i] + 1] += r->label[i];
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, per, 2 * m->n_regions, MPI_INT64_T, MPI_SUM, ctx->comm));
    const struct tr_logit_data d = {.n = r->n, .p = m->n_used + 1, .x = x, .y = y, .weight = w};
    const struct tr_logit_options plain = {0};
    m->national.region = -1;
    fit_one(ctx, &d, &plain, &m->national);
    m->iterations = m->national.fit.iterations;
    const struct tr_logit_options shrunk = {.lambda = m->lambda, .prior = m->national.fit.beta};
    for (int g = 0; g < m->n_regions; g++) {
        struct tr_model *reg = &m->regions[g];
        reg->region = g;
        reg->train_rows = per[2 * g], reg->train_defaults = per[2 * g + 1];
        if (reg->train_defaults < cfg->model.min_region_defaults ||
            reg->train_rows - reg->train_defaults < cfg->model.min_region_defaults)
            continue;
        for (size_t i = 0; i < r->n; i++)
            w[i] = is_training(r, i) && r->region[i] == g;
        fit_one(ctx, &d, &shrunk, reg);
        m->iterations += reg->fit.iterations;
    }
    free(per);
    free(w);
    free(y);
    free(x);
    m->fit_seconds = MPI_Wtime() - t0;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &m->fit_seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
}

/* The settings the models are trained with, as the file records them: model.trend's text (its
 * per-feature trends too), the lists, the edges and special values as written. */
static void write_settings(const struct tr_config *cfg, struct tr_models *m)
{
    snprintf(m->settings, sizeof m->settings,
             "transform=%s; lambda=%g; prebins=%lld; min_bin_share=%g; trend=%s; min_iv=%g; "
             "max_correlation=%g; defaults_per_feature=%lld; min_region_defaults=%lld; "
             "holdout=%g; horizon_days=%lld; oot_date=%s; include=%s; exclude=%s; bins=%s; "
             "special=%s",
             cfg->model.transform, cfg->model.lambda, (long long)cfg->model.prebins,
             cfg->model.min_bin_share, cfg->model.trend, cfg->model.min_iv,
             cfg->model.max_correlation, (long long)cfg->model.defaults_per_feature,
             (long long)cfg->model.min_region_defaults, cfg->model.holdout,
             (long long)cfg->model.horizon_days, cfg->model.oot_date, cfg->model.include,
             cfg->model.exclude, cfg->model.bins, cfg->model.special);
}

/* The modeller's bins before any counting: special values, and manual edges in place of the
 * quantile pre-bins (place_prebins leaves a feature with numeric bins as it is). */
static void controlled_bins(struct tr_models *m)
{
    for (int j = 0; j < m->n_features; j++) {
        const struct tr_feature_control *c = &m->control[j];
        struct tr_bins *b = &m->bins[j];
        b->n_special = c->n_special;
        memcpy(b->special, c->special, sizeof(double) * (size_t)c->n_special);
        if (!c->n_edges) continue;
        b->lower[0] = -INFINITY;
        memcpy(b->lower + 1, c->edges, sizeof(double) * (size_t)c->n_edges);
        b->n_numeric = c->n_edges + 1;
    }
}

int tr_models_train(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_model_rows *r, int n_regions, struct tr_models *m)
{
    const double t0 = MPI_Wtime(); /* the time, not an error code: nothing to check */
    memset(m, 0, sizeof *m);
    const int F = r->n_features;
    m->transform = strcmp(cfg->model.transform, "standardize") == 0 ? TR_TRANSFORM_STANDARDIZE
                                                                    : TR_TRANSFORM_WOE;
    m->lambda = cfg->model.lambda;
    m->n_features = F;
    m->names = TR_MALLOC(sizeof(char *) * ((size_t)F + 1));
    for (int j = 0; j < F; j++)
        m->names[j] = TR_STRDUP(r->names[j]);
    m->bins = TR_CALLOC((size_t)F + 1, sizeof *m->bins);
    m->mean = TR_CALLOC((size_t)F + 1, sizeof(double));
    m->sd = TR_CALLOC((size_t)F + 1, sizeof(double));
    m->dropped = TR_CALLOC((size_t)F + 1, sizeof *m->dropped);
    m->n_regions = n_regions;
    m->regions = TR_CALLOC((size_t)n_regions + 1, sizeof *m->regions);
    char why[256];
    if (tr_master_scale_parse(cfg->model.master_scale, &m->card, why, sizeof why))
        TR_DIE(TR_EXIT_INTERNAL, "model.master_scale passed validation but: %s", why);
    m->card.base_points = cfg->model.base_points;
    m->card.base_odds = cfg->model.base_odds;
    m->card.pdo = cfg->model.pdo;
    m->control = TR_CALLOC((size_t)F + 1, sizeof *m->control);
    if (tr_model_controls(cfg, r->names, F, m->control, m->why_none, sizeof m->why_none))
        return TR_EXIT_USAGE;

    write_settings(cfg, m);
    int64_t train[2] = {0, 0}; /* rows, defaults */
    for (size_t i = 0; i < r->n; i++)
        if (is_training(r, i)) train[0]++, train[1] += r->label[i];
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, train, 2, MPI_INT64_T, MPI_SUM, ctx->comm));
    m->train_rows = m->national.train_rows = train[0];
    m->national.train_defaults = train[1];
    if (train[1] == 0 || train[1] == train[0]) {
        snprintf(m->why_none, sizeof m->why_none,
                 "the training sample has %lld labelled subscribers of which %lld defaulted; a "
                 "model needs both defaults and repaid loans (issued within model.horizon_days "
                 "after the window)",
                 (long long)train[0], (long long)train[1]);
        return TR_EXIT_INPUT;
    }
    controlled_bins(m);
    place_prebins(ctx, r, cfg->run.seed, train[0], (int)cfg->model.prebins, m->bins);
    count_bins(ctx, r, m->bins);
    for (int j = 0; j < F; j++)
        if (m->control[j].n_edges)
            tr_bins_keep(&m->bins[j]); /* manual edges: exactly those bins */
        else
            tr_bins_merge(&m->bins[j], cfg->model.min_bin_share, m->control[j].trend);
    standardize_moments(ctx, r, m);
    screen(ctx, cfg, r, train[1], m);
    fit_models(ctx, cfg, r, m);
    m->seconds = MPI_Wtime() - t0;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &m->seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
    return TR_EXIT_OK;
}

const struct tr_model *tr_model_for(const struct tr_models *m, int32_t region)
{
    if (region >= 0 && region < m->n_regions && m->regions[region].fitted)
        return &m->regions[region];
    return &m->national;
}

const char *tr_models_remap(const struct tr_models *m, const char *const *names, int n_names,
                            const double *values, size_t n, double *out)
{
    int *column = TR_MALLOC(sizeof(int) * ((size_t)m->n_features + 1));
    const char *missing = NULL;
    for (int j = 0; j < m->n_features; j++) {
        column[j] = -1;
        for (int k = 0; k < n_names && column[j] < 0; k++)
            if (strcmp(m->names[j], names[k]) == 0) column[j] = k;
    }
    for (int u = 0; u < m->n_used && !missing; u++)
        if (column[m->used[u]] < 0) missing = m->names[m->used[u]];
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < m->n_features; j++)
            out[i * (size_t)m->n_features + (size_t)j] =
                column[j] < 0 ? NAN : values[i * (size_t)n_names + (size_t)column[j]];
    free(column);
    return missing;
}

double tr_model_pd(const struct tr_models *m, const struct tr_model *model, const double *values)
{
    double eta = model->fit.beta[0];
    for (int u = 0; u < m->n_used; u++)
        eta += model->fit.beta[u + 1] * tr_model_transform(m, m->used[u], values[m->used[u]]);
    return 1 / (1 + exp(-eta));
}

void tr_models_score(const struct tr_models *m, const struct tr_model_rows *rows, double *pd,
                     double *pd_national, double *score, int8_t *grade)
{
    for (size_t i = 0; i < rows->n; i++) {
        const double *v = rows->values + i * (size_t)rows->n_features;
        pd[i] = tr_model_pd(m, tr_model_for(m, rows->region[i]), v);
        if (pd_national) pd_national[i] = tr_model_pd(m, &m->national, v);
        score[i] = tr_score_points(&m->card, pd[i]);
        grade[i] = (int8_t)tr_grade(&m->card, pd[i]);
    }
}

/* Collective: the population per region in the cells of model/reference.h. */
static void region_reference(const struct tr_ctx *ctx, const struct tr_model_rows *rows,
                             const double *score, const int8_t *grade, struct tr_models *m)
{
    const size_t cells = (size_t)(m->n_regions + 1) * (size_t)tr_reference_width(m);
    free(m->region_reference);
    m->region_reference = TR_CALLOC(cells + 1, sizeof(int64_t));
    tr_reference_add(m, rows->n, rows->region, rows->values, score, grade, m->region_reference);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, m->region_reference, (int)cells, MPI_INT64_T, MPI_SUM,
                            ctx->comm));
}

void tr_models_reference(const struct tr_ctx *ctx, const struct tr_model_rows *rows,
                         const double *score, const int8_t *grade, uint64_t seed,
                         struct tr_models *m)
{
    tr_grade_counts(ctx, grade, rows->n, m->grade_population);
    uint64_t total = rows->n;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    const double share = total > BINNING_SAMPLE ? (double)BINNING_SAMPLE / (double)total : 1.0;
    double *local = TR_MALLOC(sizeof(double) * (rows->n + 1));
    int mine = 0;
    for (size_t i = 0; i < rows->n; i++)
        if (tr_unit(tr_key(seed, 0x53636f7265ULL /* "Score" */, rows->key[i], 0)) < share)
            local[mine++] = score[i];
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size),
        *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, ctx->comm));
    int n = 0;
    for (int k = 0; k < ctx->size; k++)
        displs[k] = n, n += counts[k];
    double *all = TR_MALLOC(sizeof(double) * ((size_t)n + 1));
    MPI_CHECK(MPI_Allgatherv(local, mine, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, ctx->comm));
    struct tr_bins *b = &m->score_bands;
    memset(b, 0, sizeof *b);
    b->n_numeric = tr_prebins(all, (size_t)n, TR_SCORE_BANDS, b->lower);
    for (size_t i = 0; i < rows->n; i++)
        b->population[tr_bin_of(b, score[i])]++;
    MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, b->population, TR_MAX_BINS, MPI_INT64_T, MPI_SUM, ctx->comm));
    free(all);
    free(displs);
    free(counts);
    free(local);
    region_reference(ctx, rows, score, grade, m);
}

void tr_grade_counts(const struct tr_ctx *ctx, const int8_t *grade, size_t n, int64_t *out)
{
    memset(out, 0, sizeof(int64_t) * TR_MAX_GRADES);
    for (size_t i = 0; i < n; i++)
        if (grade[i] >= 1 && grade[i] <= TR_MAX_GRADES) out[grade[i] - 1]++;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, out, TR_MAX_GRADES, MPI_INT64_T, MPI_SUM, ctx->comm));
}

void tr_models_free(struct tr_models *m)
{
    for (int j = 0; j < m->n_features; j++)
        free(m->names[j]);
    free(m->names);
    free(m->bins);
    free(m->mean);
    free(m->sd);
    free(m->dropped);
    free(m->control);
    free(m->used);
    tr_logit_fit_free(&m->national.fit);
    for (int g = 0; g < m->n_regions; g++)
        tr_logit_fit_free(&m->regions[g].fit);
    free(m->regions);
    free(m->development_auc);
    free(m->region_reference);
    free(m->region_reference_state);
    memset(m, 0, sizeof *m);
}
