#include "stress/stress.h"

#include "core/error.h"
#include "core/exact.h"
#include "core/rng.h"
#include "core/stage.h"
#include "model/scorecard.h"
#include "stress/irb.h"

#include <errno.h>
#include <inttypes.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* product (enum tr_product) -> Basel retail class */
static const enum tr_irb_class class_of_product[3] = {TR_IRB_OTHER_RETAIL, TR_IRB_QRRE,
                                                      TR_IRB_MORTGAGE};

int tr_stress_levels_parse(const char *text, double *levels, int *n, char *err, size_t errlen)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        char *end = NULL;
        errno = 0;
        const double v = strtod(p, &end);
        if (end == p || errno || !(v > 0.5 && v < 1) || (*n && v <= levels[*n - 1]) ||
            *n == TR_MC_MAX_LEVELS || (*end && *end != ',')) {
            snprintf(err, errlen,
                     "stress.levels = '%s': expected up to %d increasing numbers in (0.5, 1), "
                     "separated by commas",
                     text, TR_MC_MAX_LEVELS);
            return 1;
        }
        levels[(*n)++] = v;
        p = *end ? end + 1 : end;
        if (*end && !*p) { /* a trailing comma */
            snprintf(err, errlen, "stress.levels = '%s': ends with a comma", text);
            return 1;
        }
    }
    if (*n == 0) {
        snprintf(err, errlen, "stress.levels is empty: expected at least one level");
        return 1;
    }
    return 0;
}

static int region_index(const char *name, size_t len, const char *const *names, int n)
{
    for (int g = 0; g < n; g++)
        if (strlen(names[g]) == len && strncmp(names[g], name, len) == 0) return g;
    return -1;
}

/* One CSV line's comma-separated cells (no quoting: region names and numbers). */
static int split_cells(char *line, char **cells, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *c = line; n < max;) {
        cells[n++] = c;
        char *comma = strchr(c, ',');
        if (!comma) break;
        *comma = 0, c = comma + 1;
    }
    return n;
}

/* The matrix of stress.correlation_file, in the run's region order. */
static int read_correlation_file(const char *path, const char *const *names, int R, double *corr,
                                 char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "stress.correlation_file %s: %s", path, strerror(errno));
        return 1;
    }
    char *line = NULL, **cells = TR_MALLOC(sizeof(char *) * ((size_t)R + 2));
    size_t cap = 0;
    int *column = TR_CALLOC((size_t)R + 1, sizeof(int)), *seen = TR_CALLOC((size_t)R, sizeof(int));
    int rc = 0, rows = 0, line_no = 1;
    if (getline(&line, &cap, f) < 0 || split_cells(line, cells, R + 2) != R + 1 ||
        strcmp(cells[0], "region") != 0) {
        snprintf(err, errlen, "%s: line 1: expected the header 'region' and the run's %d regions",
                 path, R);
        rc = 1;
    }
    for (int c = 1; !rc && c <= R; c++)
        if ((column[c] = region_index(cells[c], strlen(cells[c]), names, R)) < 0 ||
            seen[column[c]]++) {
            snprintf(err, errlen, "%s: line 1: '%s' is not one of the run's regions, or repeats",
                     path, cells[c]);
            rc = 1;
        }
    memset(seen, 0, sizeof(int) * (size_t)R);
    while (!rc && getline(&line, &cap, f) >= 0) {
        line_no++;
        int n = split_cells(line, cells, R + 2), row;
        if (n == 1 && cells[0][0] == 0) continue;
        if (n != R + 1 || (row = region_index(cells[0], strlen(cells[0]), names, R)) < 0 ||
            seen[row]++) {
            snprintf(err, errlen, "%s: line %d: expected a region of the run (once) and %d numbers",
                     path, line_no, R);
            rc = 1;
            break;
        }
        for (int c = 1; c <= R && !rc; c++) {
            char *end = NULL;
            const double v = strtod(cells[c], &end);
            if (end == cells[c] || *end || !(v >= -1 && v <= 1)) {
                snprintf(err, errlen, "%s: line %d: '%s' is not a correlation in [-1, 1]", path,
                         line_no, cells[c]);
                rc = 1;
            }
            corr[row * R + column[c]] = v;
        }
        rows++;
    }
    fclose(f);
    free(line), free(cells), free(column), free(seen);
    if (!rc && rows != R) {
        snprintf(err, errlen, "%s: %d rows; expected one per region (%d)", path, rows, R);
        rc = 1;
    }
    return rc;
}

/* A correlation matrix: symmetric, unit diagonal, positive definite (its Cholesky factor). */
static int factorize(const double *corr, int R, double *chol, const char *what, char *err,
                     size_t errlen)
{
    for (int a = 0; a < R; a++)
        for (int b = 0; b < R; b++)
            if ((a == b && corr[a * R + b] != 1) || corr[a * R + b] != corr[b * R + a]) {
                snprintf(err, errlen,
                         "%s: not a correlation matrix (regions %d and %d: the diagonal must be 1 "
                         "and the matrix symmetric)",
                         what, a, b);
                return 1;
            }
    memcpy(chol, corr, sizeof(double) * (size_t)R * (size_t)R);
    gsl_matrix_view m = gsl_matrix_view_array(chol, (size_t)R, (size_t)R);
    if (gsl_linalg_cholesky_decomp1(&m.matrix) != GSL_SUCCESS) {
        snprintf(err, errlen, "%s: the correlation matrix is not positive definite", what);
        return 1;
    }
    for (int a = 0; a < R; a++) /* keep the lower triangle only */
        for (int b = a + 1; b < R; b++)
            chol[a * R + b] = 0;
    return 0;
}

int tr_stress_params_init(const struct tr_config *cfg, const char *const *region_names,
                          int n_regions, struct tr_stress_params *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    const int R = n_regions;
    p->scaling = cfg->stress.scaling;
    p->pd_floor = cfg->stress.pd_floor;
    p->k_min = cfg->privacy.k_min;
    const double lgd[3] = {cfg->stress.lgd_microloan, cfg->stress.lgd_revolving,
                           cfg->stress.lgd_mortgage};
    const double floor[3] = {cfg->stress.lgd_floor_microloan, cfg->stress.lgd_floor_revolving,
                             cfg->stress.lgd_floor_mortgage};
    const double downturn[3] = {cfg->stress.lgd_downturn_microloan,
                                cfg->stress.lgd_downturn_revolving,
                                cfg->stress.lgd_downturn_mortgage};
    memcpy(p->lgd, lgd, sizeof lgd);
    memcpy(p->lgd_floor, floor, sizeof floor);
    memcpy(p->lgd_downturn, downturn, sizeof downturn);
    p->paths = cfg->stress.paths;
    p->seed = cfg->run.seed;
    p->n_regions = R;
    if (tr_master_scale_parse(cfg->model.master_scale, &p->grades, err, errlen) ||
        tr_stress_levels_parse(cfg->stress.levels, p->levels, &p->n_levels, err, errlen))
        return 1;
    p->correlation = TR_CALLOC((size_t)R * (size_t)R + 1, sizeof(double));
    p->chol = TR_CALLOC((size_t)R * (size_t)R + 1, sizeof(double));
    const char *file = cfg->stress.correlation_file;
    if (file[0]) {
        if (read_correlation_file(file, region_names, R, p->correlation, err, errlen)) return 1;
    } else {
        for (int a = 0; a < R; a++)
            for (int b = 0; b < R; b++)
                p->correlation[a * R + b] = a == b ? 1 : cfg->stress.correlation;
    }
    char what[TR_PATH_MAX + 32];
    snprintf(what, sizeof what, "%s", file[0] ? file : "stress.correlation");
    return factorize(p->correlation, R, p->chol, what, err, errlen);
}

void tr_stress_params_free(struct tr_stress_params *p)
{
    free(p->correlation);
    free(p->chol);
    p->correlation = p->chol = NULL;
}

int tr_scenarios_check_regions(const struct tr_scenarios *all, const char *const *region_names,
                               int n_regions, char *err, size_t errlen)
{
    for (int k = 0; k < all->n; k++)
        for (int o = 0; o < all->s[k].n_overrides; o++) {
            const char *r = all->s[k].overrides[o].region;
            if (region_index(r, strlen(r), region_names, n_regions) >= 0) continue;
            snprintf(err, errlen, "scenario %s names the region '%s', which the run does not have",
                     all->s[k].name, r);
            return 1;
        }
    return 0;
}

/* Sums per region (and the total, last): exact, so the same at any rank count. */
enum sum {
    S_EAD,
    S_EAD_PD,
    S_EAD_LGD,
    S_EL,
    S_CAPITAL,
    S_EAD_Z,
    S_EAD_PD_STRESSED,
    S_EAD_PD_HORIZON,
    S_EL_STRESSED,
    S_CAPITAL_STRESSED,
    S_UNRATED_EAD,
    N_SUMS
};
/* Sums per Monte Carlo pool (region x class x grade of the horizon PD). */
enum pool_sum { P_EAD, P_EAD_PD, P_EAD_LGD, P_EAD_R, N_POOL_SUMS };

struct book_sums {
    int R, G;
    tr_exact *region;   /* [(R + 1) x N_SUMS] */
    tr_exact *pool;     /* [R x 3 x G x N_POOL_SUMS] */
    int64_t *counts;    /* [(R + 1) x 2]: loans, unrated loans; then [R x 3 x G] pool loans */
    int64_t *borrowers; /* [R + 1]: distinct borrower keys */
};

static size_t pool_of(const struct book_sums *b, int region, int cls, int grade)
{
    return ((size_t)region * 3 + (size_t)cls) * (size_t)b->G + (size_t)(grade - 1);
}

/* One rated exposure, as it stands and under the scenario's z over `years`. */
static void add_exposure(struct book_sums *b, const struct tr_stress_params *p,
                         const struct tr_exposure *e, double z, int years)
{
    const int cls = class_of_product[e->product];
    const double pd = fmax(e->pd, p->pd_floor);
    const double lgd = fmax(isnan(e->lgd) ? p->lgd[e->product] : e->lgd, p->lgd_floor[e->product]);
    const struct tr_irb now = tr_irb_weight((enum tr_irb_class)cls, pd, lgd, 0, p->scaling);
    const double stressed = fmax(tr_vasicek_pd(pd, now.r, z), p->pd_floor);
    const double horizon = 1 - pow(1 - stressed, years);
    const double downturn = fmin(1, lgd + p->lgd_downturn[e->product]); /* under stress */
    const struct tr_irb then =
        tr_irb_weight((enum tr_irb_class)cls, stressed, downturn, 0, p->scaling);
    const double ead = e->ead;
    const double add[N_SUMS] = {
        [S_EAD] = ead,
        [S_EAD_PD] = ead * pd,
        [S_EAD_LGD] = ead * lgd,
        [S_EL] = ead * pd * lgd,
        [S_CAPITAL] = ead * now.k * p->scaling,
        [S_EAD_Z] = ead * z,
        [S_EAD_PD_STRESSED] = ead * stressed,
        [S_EAD_PD_HORIZON] = ead * horizon,
        [S_EL_STRESSED] = ead * horizon * downturn,
        [S_CAPITAL_STRESSED] = ead * then.k * p->scaling,
    };
    for (int s = 0; s < N_SUMS; s++)
        if (s != S_UNRATED_EAD) {
            tr_exact_add(&b->region[(size_t)e->region * N_SUMS + (size_t)s], add[s]);
            tr_exact_add(&b->region[(size_t)b->R * N_SUMS + (size_t)s], add[s]);
        }
    const size_t k = pool_of(b, e->region, cls, tr_grade(&p->grades, horizon));
    const double pool_add[N_POOL_SUMS] = {ead, ead * horizon, ead * downturn, ead * now.r};
    for (int s = 0; s < N_POOL_SUMS; s++)
        tr_exact_add(&b->pool[k * N_POOL_SUMS + (size_t)s], pool_add[s]);
    b->counts[2 * (b->R + 1) + k]++;
}

static void sum_book(const struct tr_ctx *ctx, const struct tr_stress_params *p,
                     const struct tr_portfolio *book, const double *z, int years,
                     struct book_sums *b)
{
    const int R = p->n_regions, G = p->grades.n_grades;
    const size_t n_pools = (size_t)R * 3 * (size_t)G;
    b->R = R, b->G = G;
    b->region = TR_CALLOC((size_t)(R + 1) * N_SUMS, sizeof(tr_exact));
    b->pool = TR_CALLOC(n_pools * N_POOL_SUMS + 1, sizeof(tr_exact));
    b->counts = TR_CALLOC(2 * (size_t)(R + 1) + n_pools, sizeof(int64_t));
    b->borrowers = TR_CALLOC((size_t)R + 1, sizeof(int64_t));
    for (size_t i = 0; i < book->n; i++) {
        const struct tr_exposure *e = &book->e[i];
        const int g = e->region >= 0 && e->region < R ? e->region : R; /* unknown: total only */
        /* Sorted by borrower, and a borrower's loans all on the rank that holds the borrower. */
        if (i == 0 || e->subscriber != book->e[i - 1].subscriber) {
            b->borrowers[g]++;
            if (g != R) b->borrowers[R]++;
        }
        b->counts[2 * g]++;
        if (g != R) b->counts[2 * R]++;
        if (e->pd_source == TR_PD_NONE || g == R) { /* unrated, or no region to stress it in */
            b->counts[2 * g + 1]++;
            if (g != R) b->counts[2 * R + 1]++;
            tr_exact_add(&b->region[(size_t)g * N_SUMS + S_UNRATED_EAD], e->ead);
            if (g != R) tr_exact_add(&b->region[(size_t)R * N_SUMS + S_UNRATED_EAD], e->ead);
            continue;
        }
        add_exposure(b, p, e, z[g], years);
    }
    tr_exact_allreduce(ctx, b->region, (size_t)(R + 1) * N_SUMS);
    tr_exact_allreduce(ctx, b->pool, n_pools * N_POOL_SUMS);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, b->counts, (int)(2 * (size_t)(R + 1) + n_pools),
                            MPI_INT64_T, MPI_SUM, ctx->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, b->borrowers, R + 1, MPI_INT64_T, MPI_SUM, ctx->comm));
}

static void free_sums(struct book_sums *b)
{
    free(b->region);
    free(b->pool);
    free(b->counts);
    free(b->borrowers);
}

/* The non-empty pools, in (region, class, grade) order, into *out. TR_EXIT_INPUT (said once) for
 * a pool of more loans than the Monte Carlo counts (2^32 - 1); the counts are summed over ranks,
 * so every rank returns the same. */
static int make_pools(const struct tr_ctx *ctx, const struct book_sums *b, const char *scenario,
                      const char *const *region_names, struct tr_pool **out, size_t *n_out)
{
    const size_t n_pools = (size_t)b->R * 3 * (size_t)b->G;
    struct tr_pool *pools = TR_CALLOC(n_pools + 1, sizeof *pools);
    size_t n = 0;
    for (size_t k = 0; k < n_pools; k++) {
        const int64_t loans = b->counts[2 * (b->R + 1) + k];
        const tr_exact *s = &b->pool[k * N_POOL_SUMS];
        const double ead = tr_exact_value(&s[P_EAD]);
        if (loans == 0 || ead <= 0) continue;
        if (loans > UINT32_MAX) {
            if (ctx->rank == 0)
                TR_ERROR(ctx,
                         "stress %s: the Monte Carlo pool of region %s, class %s, grade %zu "
                         "holds %" PRId64 " loans, more than the 4294967295 (2^32 - 1) a pool "
                         "can hold",
                         scenario, region_names[k / (3 * (size_t)b->G)],
                         tr_irb_class_names[k / (size_t)b->G % 3], k % (size_t)b->G + 1, loans);
            free(pools);
            return TR_EXIT_INPUT;
        }
        pools[n++] = (struct tr_pool){.region = (int)(k / (3 * (size_t)b->G)),
                                      .pd = tr_exact_value(&s[P_EAD_PD]) / ead,
                                      .lgd = tr_exact_value(&s[P_EAD_LGD]) / ead,
                                      .r = tr_exact_value(&s[P_EAD_R]) / ead,
                                      .loans = (uint32_t)loans,
                                      .ead = ead};
    }
    *out = pools;
    *n_out = n;
    return TR_EXIT_OK;
}

static void fill_region(const struct book_sums *b, int g, struct tr_stress_region *r)
{
    const tr_exact *s = &b->region[(size_t)g * N_SUMS];
    double v[N_SUMS];
    for (int k = 0; k < N_SUMS; k++)
        v[k] = tr_exact_value(&s[k]);
    const double ead = v[S_EAD], per = ead > 0 ? 1 / ead : 0;
    r->loans = b->counts[2 * g];
    r->borrowers = b->borrowers[g];
    r->unrated_loans = b->counts[2 * g + 1];
    r->unrated_ead = v[S_UNRATED_EAD];
    r->ead = ead;
    r->pd = v[S_EAD_PD] * per;
    r->lgd = v[S_EAD_LGD] * per;
    r->el = v[S_EL];
    r->capital = v[S_CAPITAL];
    r->rwa = 12.5 * v[S_CAPITAL];
    r->z = v[S_EAD_Z] * per;
    r->pd_stressed = v[S_EAD_PD_STRESSED] * per;
    r->pd_horizon = v[S_EAD_PD_HORIZON] * per;
    r->el_stressed = v[S_EL_STRESSED];
    r->capital_stressed = v[S_CAPITAL_STRESSED];
    r->rwa_stressed = 12.5 * v[S_CAPITAL_STRESSED];
}

int tr_stress_scenario(const struct tr_ctx *ctx, const struct tr_stress_params *p,
                       const char *const *region_names, const struct tr_portfolio *book,
                       const struct tr_scenarios *all, const struct tr_scenario *s,
                       struct tr_stress_result *out)
{
    const double t0 = MPI_Wtime(); /* the time, not an error code: nothing to check */
    const int R = p->n_regions;
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", s->name);
    out->horizon_years = s->horizon_years;
    out->n_regions = R;
    double *z = TR_CALLOC((size_t)R + 1, sizeof(double));
    for (int g = 0; g < R; g++)
        z[g] = tr_scenario_z(all, s, region_names[g]);
    struct book_sums b;
    sum_book(ctx, p, book, z, s->horizon_years, &b);
    out->regions = TR_CALLOC((size_t)R + 1, sizeof *out->regions);
    for (int g = 0; g <= R; g++) {
        fill_region(&b, g, &out->regions[g]);
        snprintf(out->regions[g].region, TR_REGION_NAME_MAX, "%s",
                 g < R ? region_names[g] : "total");
        if (g < R) out->regions[g].z = z[g]; /* also where the region has no rated exposure */
    }
    struct tr_pool *pools = NULL;
    if (make_pools(ctx, &b, s->name, region_names, &pools, &out->n_pools)) {
        free(z);
        free_sums(&b);
        return TR_EXIT_INPUT;
    }
    /* The scenario's streams: keyed by its name, so it gives the same paths alone or in a set. */
    uint64_t name_key = 0;
    for (const char *c = s->name; *c; c++)
        name_key = tr_mix64(name_key ^ (unsigned char)*c);
    const struct tr_mc_options o = {.seed =
                                        tr_key(p->seed, 0x5374726573ULL /* "Stres" */, name_key, 0),
                                    .paths = p->paths,
                                    .n_regions = R,
                                    .factor_chol = p->chol,
                                    .n_levels = p->n_levels,
                                    .levels = p->levels,
                                    .n_quantiles = TR_STRESS_QUANTILES};
    if (tr_mc_loss(ctx, pools, out->n_pools, &o, &out->mc))
        TR_DIE(TR_EXIT_INTERNAL, "Monte Carlo options passed validation but were refused");
    memcpy(out->quantile, out->mc.quantile, sizeof out->quantile);
    const int top = p->n_levels - 1;
    for (int g = 0; g < R; g++) {
        out->regions[g].mc_el = out->mc.el_region[g];
        out->regions[g].es_contribution = out->mc.es_region[(size_t)top * (size_t)R + (size_t)g];
    }
    out->regions[R].mc_el = out->mc.el;
    out->regions[R].es_contribution = out->mc.es[top];
    free(pools);
    free(z);
    free_sums(&b);
    double seconds = MPI_Wtime() - t0;
    MPI_CHECK(MPI_Allreduce(&seconds, &out->seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
    return TR_EXIT_OK;
}

void tr_stress_result_free(struct tr_stress_result *r)
{
    tr_mc_result_free(&r->mc);
    free(r->regions);
    memset(r, 0, sizeof *r);
}

int tr_stress_prepare(const struct tr_config *cfg, const char *scenario_file, const char *only,
                      const char *const *region_names, int n_regions, struct tr_stress_params *p,
                      struct tr_scenarios *scenarios, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (tr_scenarios_load(scenario_file, scenarios, err, errlen) ||
        tr_scenarios_check_regions(scenarios, region_names, n_regions, err, errlen))
        return 1;
    if (only && !tr_scenario_find(scenarios, only)) {
        snprintf(err, errlen, "%s has no scenario '%s'", scenario_file, only);
        return 1;
    }
    if (tr_stress_params_init(cfg, region_names, n_regions, p, err, errlen)) return 1;
    snprintf(p->scenario_file, sizeof p->scenario_file, "%s", scenario_file);
    return 0;
}

/* One scenario's figures in the log, and the unrated loans once. */
static void report(const struct tr_ctx *ctx, const struct tr_stress_params *p,
                   const struct tr_stress_result *r, int first)
{
    const struct tr_stress_region *t = &r->regions[r->n_regions];
    const int top = p->n_levels - 1;
    TR_INFO(ctx,
            "stress %s (%d y): EAD %.4g, EL %.4g -> %.4g, capital %.4g -> %.4g; VaR %g%% "
            "%.4g, ES %.4g; %lld paths x %zu pools in %.2f s (%.3g paths/s per rank)",
            r->name, r->horizon_years, t->ead, t->el, t->el_stressed, t->capital,
            t->capital_stressed, 100 * p->levels[top], r->mc.var[top], r->mc.es[top],
            (long long)p->paths, r->n_pools, r->mc.seconds,
            (double)p->paths / (r->mc.seconds > 0 ? r->mc.seconds : 1) / ctx->size);
    if (t->unrated_loans && first) /* the same loans in every scenario (and rank): said once */
        TR_WARN_ONCE(ctx,
                     "stress: %lld open loans (EAD %.4g) have no PD (no pd column, no model "
                     "PD) or no region, and are left out; counted in unrated_loans",
                     (long long)t->unrated_loans, t->unrated_ead);
}

int tr_stress_run_scenarios(const struct tr_ctx *ctx, const struct tr_stress_params *p,
                            const char *const *region_names, const struct tr_portfolio *book,
                            const struct tr_scenarios *scenarios, const char *only,
                            struct tr_stress_result **results, int *n)
{
    struct tr_stress_result *out = TR_CALLOC((size_t)scenarios->n + 1, sizeof *out);
    *n = 0;
    for (int k = 0; k < scenarios->n; k++) {
        const struct tr_scenario *s = &scenarios->s[k];
        if (only && strcmp(s->name, only) != 0) continue;
        struct tr_stress_result *r = &out[(*n)++];
        const int rc = tr_stress_scenario(ctx, p, region_names, book, scenarios, s, r);
        if (rc) {
            tr_stress_results_free(out, *n);
            *results = NULL, *n = 0;
            return rc;
        }
        report(ctx, p, r, *n == 1);
    }
    *results = out;
    return TR_EXIT_OK;
}

void tr_stress_results_free(struct tr_stress_result *r, int n)
{
    for (int k = 0; k < n; k++)
        tr_stress_result_free(&r[k]);
    free(r);
}

void tr_stress_record(const struct tr_ctx *ctx, struct tr_stages *stages,
                      const struct tr_stress_params *p, const struct tr_stress_result *r, int n)
{
    double seconds = 0;
    for (int k = 0; k < n; k++)
        seconds += r[k].mc.seconds;
    if (n) tr_stage_record(ctx, stages, "stress.montecarlo", seconds, p->paths * n, "paths");
}
