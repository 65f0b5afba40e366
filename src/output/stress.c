/* /portfolio (the loan book the stress stage measured) and /stress/<scenario> (docs/stress.md).
 * Each scenario's group carries everything that shaped it (levels, paths, seed, floors, the
 * correlation matrix), so a group copied into another file by `telrisk merge` still says how it
 * was made. */
#include "output/groups.h"
#include "output/region_codes.h"
#include "output/suppress.h"

#include "core/error.h"
#include "stress/stress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loan_row {
    uint64_t subscriber, loan;
    int32_t region;
    char product[12];
    char pd_source[8];
    double ead, pd, lgd;
};

#define LOAN_FIELDS(s)                                                                             \
    {                                                                                              \
        NUM_FIELD(s, subscriber, H5T_STD_U64LE, NULL), NUM_FIELD(s, loan, H5T_STD_U64LE, NULL),    \
            NUM_FIELD(s, region, H5T_STD_I32LE, NULL), STR_FIELD(s, product, 11, NULL),            \
            STR_FIELD(s, pd_source, 7, NULL), NUM_FIELD(s, ead, H5T_IEEE_F64LE, "currency"),       \
            NUM_FIELD(s, pd, H5T_IEEE_F64LE, "probability"),                                       \
            NUM_FIELD(s, lgd, H5T_IEEE_F64LE, "fraction")                                          \
    }

void tr_rf_write_portfolio(const struct tr_ctx *ctx, hid_t file, const struct tr_portfolio *book)
{
    if (!book) return;
    typedef struct loan_row s;
    const struct tr_h5_field fields[] = LOAN_FIELDS(s);
    struct loan_row *rows = TR_CALLOC(book->n + 1, sizeof *rows);
    for (size_t i = 0; i < book->n; i++) {
        const struct tr_exposure *e = &book->e[i];
        rows[i] =
            (struct loan_row){e->subscriber, e->loan, e->region, "", "", e->ead, e->pd, e->lgd};
        snprintf(rows[i].product, sizeof rows[i].product, "%s", tr_product_names[e->product]);
        snprintf(rows[i].pd_source, sizeof rows[i].pd_source, "%s",
                 tr_pd_source_names[e->pd_source]);
    }
    hid_t g = tr_h5_group(file, "portfolio",
                          "the loan book the stress stage measures: open loans with money "
                          "outstanding; docs/stress.md");
    tr_rf_rows_table(ctx, g, "loans", fields, (int)(sizeof fields / sizeof *fields), sizeof *rows,
                     rows, book->n,
                     "one row per open loan, in borrower key order: region index (-1 unknown), "
                     "product, exposure at default (outstanding; a revolving line's with the "
                     "group's ccf_revolving of its undrawn limit), the one-year PD and where it "
                     "comes from (the loan's pd column, the borrower's model, or none: unrated), "
                     "the loan's own LGD (NaN: the product's, from the config)");
    /* the CCF the EADs carry: what telrisk stress then measures (docs/credit.md section 7) */
    tr_h5_attr_scalar(g, "ccf_revolving", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &book->ccf_revolving);
    H5_CHECK(H5Gclose(g));
    free(rows);
}

static int word_index(const char *w, const char *const *words, int n)
{
    for (int k = 0; k < n; k++)
        if (strcmp(w, words[k]) == 0) return k;
    return -1;
}

/* The largest EAD a loan can have: its outstanding amount, int64 cents, in currency units. */
#define EAD_MAX ((double)INT64_MAX / 100)

/* Rows [first, first + n) of /portfolio/loans into book (replacing its exposures). */
static int read_loans(hid_t d, uint64_t first, size_t n, struct tr_portfolio *book, char *err,
                      size_t errlen)
{
    typedef struct loan_row s;
    const struct tr_h5_field fields[] = LOAN_FIELDS(s);
    hid_t mem, ftype;
    tr_h5_compound(fields, (int)(sizeof fields / sizeof *fields), sizeof(s), &mem, &ftype);
    struct loan_row *rows = TR_CALLOC(n + 1, sizeof *rows);
    tr_h5_read_rows(d, mem, rows, first, n);
    H5_CHECK(H5Tclose(mem));
    H5_CHECK(H5Tclose(ftype));
    book->first = first, book->n = n;
    book->e = TR_CALLOC(n + 1, sizeof *book->e);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct loan_row *r = &rows[i];
        const int product = word_index(r->product, tr_product_names, 3);
        const int source = word_index(r->pd_source, tr_pd_source_names, 3);
        /* Bounded as a run writes them (an EAD from int64 cents, an LGD in [0, 1] or NaN for
         * the product's): the stress sums take nothing larger (core/exact.h). */
        if (product < 0 || source < 0 || !(r->ead >= 0 && r->ead <= EAD_MAX) ||
            !(isnan(r->lgd) || (r->lgd >= 0 && r->lgd <= 1)) ||
            (source != TR_PD_NONE && !(r->pd > 0 && r->pd <= 1))) {
            snprintf(err, errlen, "/portfolio/loans row %llu is not a valid exposure",
                     (unsigned long long)(first + i));
            rc = 1;
        }
        book->e[i] = (struct tr_exposure){.subscriber = r->subscriber,
                                          .loan = r->loan,
                                          .region = r->region,
                                          .product = (int8_t)product,
                                          .pd_source = (int8_t)source,
                                          .ead = r->ead,
                                          .pd = r->pd,
                                          .lgd = r->lgd};
    }
    free(rows);
    return rc;
}

/* Whether d is a table read_loans can read (output/groups.h: tr_rf_table_readable). */
static int loans_readable(hid_t d)
{
    typedef struct loan_row s;
    const struct tr_h5_field fields[] = LOAN_FIELDS(s);
    return tr_rf_table_readable(d, fields, (int)(sizeof fields / sizeof *fields), sizeof(s));
}

/* /portfolio/loans opened, with its row count; H5I_INVALID_HID (err set) when absent or not a
 * table of loans. */
static hid_t open_loans(hid_t file, uint64_t *rows, char *err, size_t errlen)
{
    hid_t d = tr_h5_open_dataset(file, "portfolio/loans");
    if (d < 0) {
        snprintf(err, errlen, "it has no /portfolio/loans (written by telrisk run)");
        return H5I_INVALID_HID;
    }
    if (!loans_readable(d)) {
        H5_CHECK(H5Dclose(d));
        snprintf(err, errlen, "its /portfolio/loans is not a table of loans as telrisk writes it");
        return H5I_INVALID_HID;
    }
    *rows = tr_h5_rows(d);
    return d;
}

/* /portfolio's ccf_revolving, NaN when a file written before it has none (or not one number). */
static double stored_ccf(hid_t file)
{
    double ccf = NAN;
    hid_t g = H5Gopen2(file, "portfolio", H5P_DEFAULT);
    if (g < 0) return ccf;
    if (tr_h5_attr_exists(g, "ccf_revolving")) {
        hid_t a = H5Aopen(g, "ccf_revolving", H5P_DEFAULT);
        H5_CHECK(a);
        struct tr_h5_shape s;
        tr_h5_shape_of(a, 1, &s);
        if (s.cls != H5T_FLOAT || s.points != 1 || H5Aread(a, H5T_NATIVE_DOUBLE, &ccf) < 0)
            ccf = NAN;
        H5_CHECK(H5Aclose(a));
    }
    H5_CHECK(H5Gclose(g));
    return ccf;
}

int tr_rf_read_portfolio(const struct tr_ctx *ctx, hid_t file, struct tr_portfolio *book, char *err,
                         size_t errlen)
{
    memset(book, 0, sizeof *book);
    book->ccf_revolving = stored_ccf(file);
    uint64_t total = 0;
    hid_t d = open_loans(file, &total, err, errlen);
    if (d < 0) return 1;
    /* An even cut of the rows: any cut gives the same figures (the sums are exact). */
    const uint64_t first = total * (uint64_t)ctx->rank / (uint64_t)ctx->size;
    const size_t n = (size_t)(total * (uint64_t)(ctx->rank + 1) / (uint64_t)ctx->size - first);
    const int rc = read_loans(d, first, n, book, err, errlen);
    H5_CHECK(H5Dclose(d));
    return rc;
}

int tr_rf_read_portfolio_keys(hid_t file, uint64_t lo, uint64_t hi, struct tr_portfolio *book,
                              char *err, size_t errlen)
{
    memset(book, 0, sizeof *book);
    book->ccf_revolving = stored_ccf(file);
    uint64_t total = 0;
    hid_t d = open_loans(file, &total, err, errlen);
    if (d < 0) return 1;
    const uint64_t first = tr_rf_first_row_at(d, total, lo);
    const uint64_t end = hi == UINT64_MAX ? total : tr_rf_first_row_at(d, total, hi);
    const int rc = read_loans(d, first, (size_t)(end > first ? end - first : 0), book, err, errlen);
    H5_CHECK(H5Dclose(d));
    return rc;
}

int tr_rf_read_portfolio_aligned(const struct tr_ctx *ctx, hid_t file, size_t n,
                                 const uint64_t *key, struct tr_portfolio *book, char *err,
                                 size_t errlen)
{
    /* Rank r takes the borrower keys from its first subscriber's to the next non-empty rank's
     * first (the first non-empty rank from 0, the last to the end). */
    uint64_t mine[2] = {n > 0, n > 0 ? key[0] : 0};
    uint64_t *all = TR_MALLOC(sizeof(uint64_t) * 2 * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(mine, 2, MPI_UINT64_T, all, 2, MPI_UINT64_T, ctx->comm));
    uint64_t lo = 0, hi = UINT64_MAX;
    int earlier = 0;
    for (int r = 0; r < ctx->rank; r++)
        earlier |= all[2 * r] != 0;
    if (earlier) lo = mine[1];
    for (int r = ctx->size - 1; r > ctx->rank; r--)
        if (all[2 * r]) hi = all[2 * r + 1];
    free(all);
    int rc = 0;
    if (n > 0)
        rc = tr_rf_read_portfolio_keys(file, lo, hi, book, err, errlen);
    else
        memset(book, 0, sizeof *book);
    book->ccf_revolving = stored_ccf(file); /* every rank: the attribute is written by all */
    uint64_t count = book->n, before = 0;
    MPI_CHECK(MPI_Exscan(&count, &before, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    book->first = ctx->rank == 0 ? 0 : before;
    return rc;
}

struct measure_row {
    double level, var, es, var_share, es_share; /* shares: of the rated EAD */
};

struct quantile_row {
    double probability, loss;
};

/* The regions as published: a region of fewer than p->k_min borrowers (and, so that it cannot be
 * derived from the total, the next smallest) keeps its name and z, and loses every other figure
 * (-1, NaN), here and in es_contribution's column. */
static struct tr_stress_region *published_regions(const struct tr_stress_params *p,
                                                  const struct tr_stress_result *r,
                                                  double *es_region)
{
    const int R = r->n_regions;
    struct tr_stress_region *rows = TR_MALLOC(sizeof *rows * ((size_t)R + 1));
    memcpy(rows, r->regions, sizeof *rows * ((size_t)R + 1));
    struct tr_cell *cells = TR_CALLOC((size_t)R + 1, sizeof *cells);
    for (int g = 0; g <= R; g++)
        cells[g] = (struct tr_cell){rows[g].borrowers, 0, g < R ? g : -1, 0};
    tr_suppress(cells, (size_t)R + 1, p->k_min);
    for (int g = 0; g <= R; g++) {
        struct tr_stress_region *x = &rows[g];
        x->suppressed = cells[g].state;
        if (!x->suppressed) continue;
        const double z = x->z;
        char name[TR_REGION_NAME_MAX];
        memcpy(name, x->region, sizeof name);
        memset(x, 0, sizeof *x);
        memcpy(x->region, name, sizeof name);
        x->loans = x->borrowers = x->unrated_loans = -1;
        x->unrated_ead = x->ead = x->pd = x->lgd = x->el = x->capital = x->rwa = NAN;
        x->pd_stressed = x->pd_horizon = x->el_stressed = NAN;
        x->capital_stressed = x->rwa_stressed = x->mc_el = x->es_contribution = NAN;
        x->z = z;
        x->suppressed = cells[g].state;
        for (int l = 0; l < p->n_levels && g < R; l++)
            es_region[(size_t)l * (size_t)R + (size_t)g] = NAN;
    }
    free(cells);
    return rows;
}

/* A row of /stress/<scenario>/regions: the region's code (as in every other table: a row of
 * /regions/names, or TR_REGION_ALL for the total) before the stress stage's figures. */
struct region_row {
    int32_t region;
    struct tr_stress_region r;
};

#define REGION_NUM(member, h5type, unit)                                                           \
    {                                                                                              \
#member, offsetof(struct region_row, r.member), (h5type), 0, 0, (unit)                     \
    }

static void write_regions(const struct tr_ctx *ctx, hid_t g, const struct tr_stress_region *rows,
                          int n_regions)
{
    const struct tr_h5_field fields[] = {
        NUM_FIELD(struct region_row, region, H5T_STD_I32LE, NULL),
        {"region_name", offsetof(struct region_row, r.region), H5I_INVALID_HID, TR_REGION_NAME_MAX,
         TR_REGION_NAME_MAX - 1, NULL},
        REGION_NUM(suppressed, H5T_STD_I8LE, NULL),
        REGION_NUM(loans, H5T_STD_I64LE, "loans"),
        REGION_NUM(borrowers, H5T_STD_I64LE, "subscribers"),
        REGION_NUM(unrated_loans, H5T_STD_I64LE, "loans"),
        REGION_NUM(unrated_ead, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(ead, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(pd, H5T_IEEE_F64LE, "probability"),
        REGION_NUM(lgd, H5T_IEEE_F64LE, "fraction"),
        REGION_NUM(el, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(capital, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(rwa, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(z, H5T_IEEE_F64LE, "standard deviations"),
        REGION_NUM(pd_stressed, H5T_IEEE_F64LE, "probability"),
        REGION_NUM(pd_horizon, H5T_IEEE_F64LE, "probability"),
        REGION_NUM(el_stressed, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(capital_stressed, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(rwa_stressed, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(mc_el, H5T_IEEE_F64LE, "currency"),
        REGION_NUM(es_contribution, H5T_IEEE_F64LE, "currency"),
    };
    struct region_row *out = TR_CALLOC((size_t)n_regions + 1, sizeof *out);
    for (int k = 0; k <= n_regions; k++) {
        out[k].region = k < n_regions ? k : TR_REGION_ALL;
        out[k].r = rows[k];
        if (k == n_regions) /* the stress stage's "total": the file's one name for all regions */
            snprintf(out[k].r.region, sizeof out[k].r.region, "%s", TR_REGION_ALL_NAME);
    }
    tr_rf_small_table(ctx, g, "regions", fields, (int)(sizeof fields / sizeof *fields), sizeof *out,
                      out, (size_t)n_regions + 1,
                      "per region (region: a row of /regions/names), then the total (region -2): "
                      "the book as it stands (EAD-weighted PD and "
                      "LGD after floors, expected loss, IRB capital and RWA) and under the "
                      "scenario (z, one-year and horizon PD, stressed EL over the horizon, IRB "
                      "capital and RWA at the stressed PD), the Monte Carlo mean loss and the "
                      "contribution to expected shortfall at the highest level; suppressed 1: "
                      "fewer than privacy.k_min borrowers, 2: hidden so that such a region "
                      "cannot be derived from the total (figures -1 or NaN)");
    free(out);
}

static void write_measures(const struct tr_ctx *ctx, hid_t g, const struct tr_stress_params *p,
                           const struct tr_stress_result *r)
{
    struct measure_row rows[TR_MC_MAX_LEVELS];
    const double ead = r->regions[r->n_regions].ead, per = ead > 0 ? 1 / ead : 0;
    for (int l = 0; l < p->n_levels; l++)
        rows[l] = (struct measure_row){p->levels[l], r->mc.var[l], r->mc.es[l], r->mc.var[l] * per,
                                       r->mc.es[l] * per};
    typedef struct measure_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, level, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, var, H5T_IEEE_F64LE, "currency"),
        NUM_FIELD(s, es, H5T_IEEE_F64LE, "currency"),
        NUM_FIELD(s, var_share, H5T_IEEE_F64LE, "fraction of EAD"),
        NUM_FIELD(s, es_share, H5T_IEEE_F64LE, "fraction of EAD"),
    };
    tr_rf_small_table(ctx, g, "risk_measures", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), rows, (size_t)p->n_levels,
                      "Monte Carlo loss over the horizon: value at risk (the loss quantile) and "
                      "expected shortfall (the mean loss at or beyond it) at each level");
    struct quantile_row q[TR_STRESS_QUANTILES];
    for (int k = 0; k < TR_STRESS_QUANTILES; k++)
        q[k] = (struct quantile_row){(double)(k + 1) / TR_STRESS_QUANTILES, r->quantile[k]};
    typedef struct quantile_row t;
    const struct tr_h5_field qfields[] = {
        NUM_FIELD(t, probability, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(t, loss, H5T_IEEE_F64LE, "currency"),
    };
    tr_rf_small_table(ctx, g, "loss_distribution", qfields, 2, sizeof(t), q, TR_STRESS_QUANTILES,
                      "the Monte Carlo loss over the horizon: the loss at or below which a share "
                      "`probability` of the paths falls (probability 1: the largest loss)");
}

static void write_matrix(const struct tr_ctx *ctx, hid_t g, const char *name, const double *v,
                         hsize_t rows, hsize_t cols, const char *description, const char *unit)
{
    const hsize_t dims[2] = {rows, cols};
    hid_t d = tr_h5_dataset(g, name, H5T_IEEE_F64LE, 2, dims, description, unit);
    tr_h5_write_rows(ctx, d, H5T_NATIVE_DOUBLE, v, 0, ctx->rank == 0 ? rows : 0);
    H5_CHECK(H5Dclose(d));
}

/* Labels for both axes of a matrix, so that a reader needs nothing else to name its cells:
 * `axes` names each axis in order, and an attribute of each axis's name holds its labels
 * (`level`: the levels, `region`: the region names). */
static void label_matrix(hid_t g, const char *name, const char *const axes[2],
                         const struct tr_stress_params *p, const struct tr_stress_result *r)
{
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    H5_CHECK(d);
    tr_h5_attr_strs(d, "axes", axes, 2);
    const char **names = TR_MALLOC(sizeof *names * ((size_t)r->n_regions + 1));
    for (int k = 0; k < r->n_regions; k++)
        names[k] = r->regions[k].region;
    tr_h5_attr_strs(d, "region", names, (size_t)r->n_regions);
    free(names);
    if (strcmp(axes[0], "level") == 0) tr_h5_attr_f64s(d, "level", p->levels, (size_t)p->n_levels);
    H5_CHECK(H5Dclose(d));
}

static void write_settings(hid_t g, const struct tr_stress_params *p,
                           const struct tr_stress_result *r)
{
    const int32_t horizon = r->horizon_years;
    const int64_t pools = (int64_t)r->n_pools;
    tr_h5_attr_scalar(g, "horizon_years", H5T_STD_I32LE, H5T_NATIVE_INT32, &horizon);
    tr_h5_attr_scalar(g, "paths", H5T_STD_I64LE, H5T_NATIVE_INT64, &p->paths);
    tr_h5_attr_scalar(g, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &p->seed);
    tr_h5_attr_scalar(g, "pools", H5T_STD_I64LE, H5T_NATIVE_INT64, &pools);
    tr_h5_attr_f64s(g, "levels", p->levels, (size_t)p->n_levels);
    tr_h5_attr_scalar(g, "scaling", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->scaling);
    tr_h5_attr_scalar(g, "pd_floor", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->pd_floor);
    tr_h5_attr_scalar(g, "k_min", H5T_STD_I64LE, H5T_NATIVE_INT64, &p->k_min);
    tr_h5_attr_f64s(g, "lgd_by_product", p->lgd, 3);
    tr_h5_attr_f64s(g, "lgd_floor_by_product", p->lgd_floor, 3);
    tr_h5_attr_f64s(g, "lgd_downturn_by_product", p->lgd_downturn, 3);
    tr_h5_attr_strs(g, "products", tr_product_names, 3);
    tr_h5_attr_f64s(g, "master_scale", p->grades.upper, (size_t)p->grades.n_grades);
    tr_h5_attr_str(g, "scenario_file", p->scenario_file);
}

void tr_rf_write_stress(const struct tr_ctx *ctx, hid_t file, const struct tr_stress_params *p,
                        const struct tr_stress_result *results, int n)
{
    if (n == 0) return;
    hid_t stress = tr_h5_link_exists(file, "stress")
                       ? H5Gopen2(file, "stress", H5P_DEFAULT)
                       : tr_h5_group(file, "stress",
                                     "regulatory stress analyses, one group per scenario; "
                                     "docs/stress.md");
    H5_CHECK(stress);
    for (int k = 0; k < n; k++) {
        const struct tr_stress_result *r = &results[k];
        if (tr_h5_link_exists(stress, r->name)) H5_CHECK(H5Ldelete(stress, r->name, H5P_DEFAULT));
        char what[160];
        snprintf(what, sizeof what, "the stress scenario %s over %d year(s)", r->name,
                 r->horizon_years);
        hid_t g = tr_h5_group(stress, r->name, what);
        write_settings(g, p, r);
        const hsize_t R = (hsize_t)r->n_regions;
        double *es_region = TR_MALLOC(sizeof(double) * ((size_t)p->n_levels * R + 1));
        memcpy(es_region, r->mc.es_region, sizeof(double) * (size_t)p->n_levels * R);
        struct tr_stress_region *rows = published_regions(p, r, es_region);
        write_regions(ctx, g, rows, r->n_regions);
        write_measures(ctx, g, p, r);
        write_matrix(ctx, g, "es_contribution", es_region, (hsize_t)p->n_levels, R,
                     "each region's contribution to the expected shortfall: [level, region] "
                     "(rows: the levels attribute; they add up to the ES; NaN: a suppressed "
                     "region)",
                     "currency");
        label_matrix(g, "es_contribution", (const char *const[]){"level", "region"}, p, r);
        free(rows);
        free(es_region);
        write_matrix(ctx, g, "correlation", p->correlation, R, R,
                     "correlation of the regions' systematic factors: [region, region]", "1");
        label_matrix(g, "correlation", (const char *const[]){"region", "region"}, p, r);
        H5_CHECK(H5Gclose(g));
    }
    H5_CHECK(H5Gclose(stress));
}
