/* /models: what a validator needs to re-derive every PD by hand: each feature's bins with their
 * counts and weights of evidence, why a feature was left out, each model's coefficients with
 * their inference, and the validation on the hold-out. No timings here (they are in /provenance):
 * /models is the same bits at any rank count. */
#include "output/groups.h"
#include "output/region_codes.h"

#include "core/error.h"
#include "features/labels.h"
#include "crosscheck/drift.h"
#include "model/train.h"
#include "model/validate.h"
#include "output/reasons.h"
#include "output/suppress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 96
/* A region without its own model says why: too few defaults, or its fit's problem. */
#define TOO_FEW         "too few training defaults or repaid loans (model.min_region_defaults)"
#define NATIONAL_SUFFIX ": scored by the national model"

struct feature_row {
    char name[NAME_MAX_LEN];
    double iv;
    int32_t trend;
    int32_t bins;
    int8_t used;
    char dropped[TR_DROP_REASON_MAX];
    double mean, sd;
};

struct bin_row {
    int32_t feature;
    char name[NAME_MAX_LEN];
    int32_t bin;
    int8_t missing;
    int8_t special; /* model.special: the value lower (= upper) alone */
    double lower, upper;
    int64_t count, defaults, population;
    double default_rate, woe;
};

struct coef_row {
    char name[NAME_MAX_LEN];
    double estimate, std_error, z, p_value;
};

struct calibration_row {
    int32_t group;
    int64_t n, defaults;
    double mean_pd, default_rate;
    int8_t suppressed; /* enum tr_cell_state */
};

struct grade_row {
    int32_t grade;
    double upper;
    int64_t population; /* -1: suppressed */
    int8_t suppressed;  /* enum tr_cell_state */
};

struct summary_row {
    int32_t region; /* TR_REGION_ALL: all regions */
    char region_name[64];
    int8_t own_model;
    int8_t suppressed; /* enum tr_cell_state: the hold-out's or the training rows' */
    int64_t train_rows, train_defaults, holdout_rows, holdout_defaults;
    double auc, auc_lower, auc_upper, auc_national_model, gini, ks, brier, mean_pd, default_rate,
        hl_p;
};

static void copy_name(char *dst, size_t cap, const char *src)
{
    memset(dst, 0, cap);
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Each table's members, shared by its writer and its reader. */
static int feature_fields(struct tr_h5_field *out)
{
    typedef struct feature_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, name, NAME_MAX_LEN - 1, NULL),
        NUM_FIELD(s, iv, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, trend, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, bins, H5T_STD_I32LE, "bins"),
        NUM_FIELD(s, used, H5T_STD_I8LE, NULL),
        STR_FIELD(s, dropped, TR_DROP_REASON_MAX - 1, NULL),
        NUM_FIELD(s, mean, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, sd, H5T_IEEE_F64LE, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

static int bin_fields(struct tr_h5_field *out)
{
    typedef struct bin_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, feature, H5T_STD_I32LE, NULL),
        STR_FIELD(s, name, NAME_MAX_LEN - 1, NULL),
        NUM_FIELD(s, bin, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, missing, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, special, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, lower, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, upper, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, count, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, population, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, woe, H5T_IEEE_F64LE, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

static int coef_fields(struct tr_h5_field *out)
{
    typedef struct coef_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, name, NAME_MAX_LEN - 1, NULL),    NUM_FIELD(s, estimate, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, std_error, H5T_IEEE_F64LE, NULL), NUM_FIELD(s, z, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, p_value, H5T_IEEE_F64LE, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

#define MAX_FIELDS 16

static void write_features(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m)
{
    typedef struct feature_row s;
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = feature_fields(fields);
    s *rows = TR_CALLOC((size_t)m->n_features + 1, sizeof *rows);
    for (int j = 0; j < m->n_features; j++) {
        copy_name(rows[j].name, NAME_MAX_LEN, m->names[j]);
        rows[j].iv = m->bins[j].iv;
        rows[j].trend = m->bins[j].trend;
        rows[j].bins = m->bins[j].n_numeric;
        rows[j].used = m->dropped[j][0] == '\0';
        copy_name(rows[j].dropped, TR_DROP_REASON_MAX, m->dropped[j]);
        rows[j].mean = m->mean[j], rows[j].sd = m->sd[j];
    }
    tr_rf_small_table(ctx, g, "features", fields, n_fields, sizeof(s), rows, (size_t)m->n_features,
                      "one row per feature of /subscribers/features: information value of its "
                      "bins, trend of the default rate with the value (+1 rises, -1 falls, 0 one "
                      "bin), numeric bins, used by the models (1) or why not, training mean and "
                      "standard deviation (model.transform = standardize)");
    free(rows);
}

static void write_bins(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m)
{
    typedef struct bin_row s;
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = bin_fields(fields);
    size_t n = 0;
    for (int j = 0; j < m->n_features; j++)
        n += (size_t)tr_bins_count(&m->bins[j]);
    s *rows = TR_CALLOC(n + 1, sizeof *rows), *r = rows;
    for (int j = 0; j < m->n_features; j++) {
        const struct tr_bins *b = &m->bins[j];
        for (int k = 0; k < tr_bins_count(b); k++, r++) {
            r->feature = j;
            copy_name(r->name, NAME_MAX_LEN, m->names[j]);
            r->bin = k;
            r->missing = k == b->n_numeric;
            r->special = k > b->n_numeric;
            r->lower = r->missing   ? NAN
                       : r->special ? b->special[k - b->n_numeric - 1]
                                    : b->lower[k];
            r->upper = r->missing             ? NAN
                       : r->special           ? r->lower
                       : k + 1 < b->n_numeric ? b->lower[k + 1]
                                              : INFINITY;
            r->count = b->count[k], r->defaults = b->defaults[k], r->population = b->population[k];
            r->default_rate = b->count[k] ? (double)b->defaults[k] / (double)b->count[k] : NAN;
            r->woe = b->woe[k];
        }
    }
    tr_rf_small_table(ctx, g, "bins", fields, n_fields, sizeof(s), rows, n,
                      "every feature's bins: a value x equal to a special value (model.special) is "
                      "in the bin with special = 1 and lower = upper = x, a missing one (NaN) in "
                      "the bin with missing = 1, any other in the numeric bin with lower <= x < "
                      "upper; count and defaults "
                      "over the training sample, population over all subscribers (the reference "
                      "of PSI); woe = ln((count - defaults + 0.5) / (repaid + 0.5)) - "
                      "ln((defaults + 0.5) / (all defaults + 0.5)), the transformed value");
    free(rows);
}

/* A hold-out's figures, or, when state hides them (privacy.k_min: fewer hold-out subscribers
 * than k, or hidden so that such a region cannot be derived), -1 counts, NaN figures and no
 * calibration rows. Calibration deciles of fewer than k subscribers are hidden likewise. */
static void write_metrics(const struct tr_ctx *ctx, hid_t loc, const char *name,
                          const struct tr_validation_cell *cell, int8_t state, int64_t k_min,
                          const char *description)
{
    hid_t g = tr_h5_group(loc, name, description);
    struct tr_validation_cell hidden;
    if (state) {
        memset(&hidden, 0, sizeof hidden);
        hidden.m.auc = hidden.m.gini = hidden.m.ks = hidden.m.brier = hidden.m.log_loss = NAN;
        hidden.m.auc_lower = hidden.m.auc_upper = NAN;
        hidden.m.mean_pd = hidden.m.default_rate = hidden.cal.hl_stat = hidden.cal.hl_p = NAN;
    }
    const struct tr_validation_cell *c = state ? &hidden : cell;
    tr_h5_attr_scalar(g, "suppressed", H5T_STD_I8LE, H5T_NATIVE_INT8, &state);
    const int64_t n = state ? -1 : (int64_t)c->m.n, defaults = state ? -1 : (int64_t)c->m.positives;
    tr_h5_attr_scalar(g, "n", H5T_STD_I64LE, H5T_NATIVE_INT64, &n);
    tr_h5_attr_scalar(g, "defaults", H5T_STD_I64LE, H5T_NATIVE_INT64, &defaults);
    const struct {
        const char *name;
        double value;
    } figures[] = {{"auc", c->m.auc},
                   {"auc_lower", c->m.auc_lower},
                   {"auc_upper", c->m.auc_upper},
                   {"gini", c->m.gini},
                   {"ks", c->m.ks},
                   {"brier", c->m.brier},
                   {"log_loss", c->m.log_loss},
                   {"mean_pd", c->m.mean_pd},
                   {"default_rate", c->m.default_rate},
                   {"hosmer_lemeshow", c->cal.hl_stat},
                   {"hosmer_lemeshow_p", c->cal.hl_p}};
    for (size_t k = 0; k < sizeof figures / sizeof *figures; k++)
        tr_h5_attr_scalar(g, figures[k].name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &figures[k].value);
    typedef struct calibration_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, group, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, n, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, mean_pd, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
    };
    s rows[TR_CAL_GROUPS];
    memset(rows, 0, sizeof rows);
    struct tr_cell cells[TR_CAL_GROUPS + 1];
    for (int k = 0; k < c->cal.groups; k++)
        cells[k] = (struct tr_cell){c->cal.n[k], 0, k, 0};
    cells[c->cal.groups] = (struct tr_cell){(int64_t)c->m.n, 0, -1, 0};
    tr_suppress(cells, (size_t)c->cal.groups + 1, k_min);
    for (int k = 0; k < c->cal.groups; k++)
        rows[k] = cells[k].state ? (s){k + 1, -1, -1, NAN, NAN, cells[k].state}
                                 : (s){k + 1,
                                       c->cal.n[k],
                                       c->cal.defaults[k],
                                       c->cal.mean_pd[k],
                                       c->cal.default_rate[k],
                                       0};
    tr_rf_small_table(ctx, g, "calibration", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), rows, (size_t)c->cal.groups,
                      "the rows sorted by predicted PD and cut into deciles (1 the safest): "
                      "mean predicted PD against the observed default rate");
    H5_CHECK(H5Gclose(g));
}

static void write_coefficients(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m,
                               const struct tr_model *model)
{
    typedef struct coef_row s;
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = coef_fields(fields);
    const int p = m->n_used + 1;
    s *rows = TR_CALLOC((size_t)p, sizeof *rows);
    for (int k = 0; k < p; k++) {
        copy_name(rows[k].name, NAME_MAX_LEN, k == 0 ? "(intercept)" : m->names[m->used[k - 1]]);
        rows[k].estimate = model->fit.beta[k];
        rows[k].std_error = model->fit.std_error[k];
        rows[k].z = model->fit.z[k];
        rows[k].p_value = model->fit.p_value[k];
    }
    tr_rf_small_table(ctx, g, "coefficients", fields, n_fields, sizeof(s), rows, (size_t)p,
                      "logit(PD) = intercept + sum of estimate x transformed feature; standard "
                      "errors from the inverse (penalised) Hessian, Wald z and two-sided p");
    free(rows);
}

/* What a region's published figures may show (output/suppress.h): its hold-out's, and its
 * training rows'. */
struct region_states {
    int8_t holdout, train;
};

static void write_model(const struct tr_ctx *ctx, hid_t models, const char *name,
                        const struct tr_models *m, const struct tr_model *model,
                        const char *region_name, const struct tr_validation_cell *own,
                        const struct tr_validation_cell *national, struct region_states st,
                        int64_t k_min)
{
    hid_t g = tr_h5_group(models, name,
                          model->region < 0 ? "the national model: plain maximum likelihood over "
                                              "every region's training rows"
                                            : "a region's model, shrunk toward the national one "
                                              "(model.lambda), or none when the region has too "
                                              "few training defaults");
    /* the national model is every region's: the file's code for all regions */
    const int32_t region = model->region < 0 ? TR_REGION_ALL : model->region;
    const int32_t fitted = model->fitted;
    tr_h5_attr_scalar(g, "region", H5T_STD_I32LE, H5T_NATIVE_INT32, &region);
    tr_h5_attr_str(g, "region_name", region_name ? region_name : TR_REGION_ALL_NAME);
    tr_h5_attr_scalar(g, "own_model", H5T_STD_I32LE, H5T_NATIVE_INT32, &fitted);
    const int64_t hidden = -1;
    tr_h5_attr_scalar(g, "train_rows", H5T_STD_I64LE, H5T_NATIVE_INT64,
                      st.train ? &hidden : &model->train_rows);
    tr_h5_attr_scalar(g, "train_defaults", H5T_STD_I64LE, H5T_NATIVE_INT64,
                      st.train ? &hidden : &model->train_defaults);
    tr_h5_attr_scalar(g, "train_suppressed", H5T_STD_I8LE, H5T_NATIVE_INT8, &st.train);
    if (model->fitted) {
        const struct tr_logit_fit *f = &model->fit;
        const int32_t iterations = f->iterations, converged = f->converged;
        const double lambda = model->region < 0 ? 0 : m->lambda;
        tr_h5_attr_scalar(g, "lambda", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &lambda);
        tr_h5_attr_scalar(g, "iterations", H5T_STD_I32LE, H5T_NATIVE_INT32, &iterations);
        tr_h5_attr_scalar(g, "converged", H5T_STD_I32LE, H5T_NATIVE_INT32, &converged);
        tr_h5_attr_scalar(g, "deviance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &f->deviance);
        tr_h5_attr_scalar(g, "null_deviance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &f->null_deviance);
        tr_h5_attr_scalar(g, "aic", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &f->aic);
        tr_h5_attr_str(g, "problem", f->problem);
        write_coefficients(ctx, g, m, model);
        tr_rf_write_points(ctx, g, m, model);
    } else {
        char why[sizeof model->fit.problem + 64];
        if (model->fit.problem[0])
            snprintf(why, sizeof why, "%s%s", model->fit.problem, NATIONAL_SUFFIX);
        else
            snprintf(why, sizeof why, "%s%s", TOO_FEW, NATIONAL_SUFFIX);
        tr_h5_attr_str(g, "problem", why);
    }
    write_metrics(ctx, g, "validation", own, st.holdout, k_min,
                  "the hold-out rows this model scores (a region's: its own hold-out)");
    if (national)
        write_metrics(ctx, g, "validation_national", national, st.holdout, k_min,
                      "the same hold-out rows scored by the national model, for comparison");
    H5_CHECK(H5Gclose(g));
}

static struct summary_row summary_of(int region, const char *name, const struct tr_model *model,
                                     const struct tr_validation_cell *own,
                                     const struct tr_validation_cell *national)
{
    struct summary_row r;
    memset(&r, 0, sizeof r);
    r.region = region;
    copy_name(r.region_name, sizeof r.region_name, name);
    r.own_model = (int8_t)model->fitted;
    r.train_rows = model->train_rows, r.train_defaults = model->train_defaults;
    r.holdout_rows = (int64_t)own->m.n, r.holdout_defaults = (int64_t)own->m.positives;
    r.auc = own->m.auc, r.auc_national_model = national->m.auc, r.gini = own->m.gini;
    r.auc_lower = own->m.auc_lower, r.auc_upper = own->m.auc_upper;
    r.ks = own->m.ks, r.brier = own->m.brier, r.mean_pd = own->m.mean_pd;
    r.default_rate = own->m.default_rate, r.hl_p = own->cal.hl_p;
    return r;
}

/* Each region's states (index r + 1; index 0 the "all" row): hold-out and training rows, each
 * suppressed across the regions with "all" as their total. */
static struct region_states *region_states(const struct tr_rf_models *x, int64_t k_min)
{
    const struct tr_models *m = x->models;
    const struct tr_validation *v = x->validation;
    const int R = m->n_regions;
    struct region_states *st = TR_CALLOC((size_t)R + 1, sizeof *st);
    struct tr_cell *cells = TR_CALLOC((size_t)R + 1, sizeof *cells);
    for (int pass = 0; pass < 2; pass++) {
        cells[0] = (struct tr_cell){pass ? m->train_rows : (int64_t)v->assigned.m.n, 0, -1, 0};
        for (int r = 0; r < R; r++)
            cells[r + 1] = (struct tr_cell){
                pass ? m->regions[r].train_rows : (int64_t)v->region[r].m.n, 0, r, 0};
        tr_suppress(cells, (size_t)R + 1, k_min);
        for (int r = 0; r <= R; r++)
            *(pass ? &st[r].train : &st[r].holdout) = cells[r].state;
    }
    free(cells);
    return st;
}

/* The row as published: hidden figures -1 (counts) or NaN. */
static void hide_summary(struct summary_row *r, struct region_states st)
{
    r->suppressed = st.holdout > st.train ? st.holdout : st.train;
    if (st.train) r->train_rows = r->train_defaults = -1;
    if (st.holdout) {
        r->holdout_rows = r->holdout_defaults = -1;
        r->auc = r->auc_national_model = r->gini = r->ks = r->brier = NAN;
        r->auc_lower = r->auc_upper = NAN;
        r->mean_pd = r->default_rate = r->hl_p = NAN;
    }
}

static void write_summary(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_models *x,
                          const char *const *region_names, const struct region_states *st)
{
    const struct tr_models *m = x->models;
    const struct tr_validation *v = x->validation;
    typedef struct summary_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, region_name, 63, NULL),
        NUM_FIELD(s, own_model, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, train_rows, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, train_defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, holdout_rows, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, holdout_defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, auc, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, auc_lower, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, auc_upper, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, auc_national_model, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, gini, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, ks, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, brier, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, mean_pd, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, hl_p, H5T_IEEE_F64LE, NULL),
    };
    s *rows = TR_CALLOC((size_t)m->n_regions + 2, sizeof *rows);
    struct tr_model all = m->national;
    all.fitted = 0; /* the "all" row mixes regional and national models */
    rows[0] = summary_of(TR_REGION_ALL, TR_REGION_ALL_NAME, &all, &v->assigned, &v->national);
    rows[0].train_rows = m->train_rows;
    for (int r = 0; r < m->n_regions; r++)
        rows[r + 1] =
            summary_of(r, region_names[r], &m->regions[r], &v->region[r], &v->region_national[r]);
    for (int r = 0; r <= m->n_regions; r++)
        hide_summary(&rows[r], st[r]);
    tr_rf_small_table(ctx, g, "summary", fields, (int)(sizeof fields / sizeof *fields), sizeof(s),
                      rows, (size_t)m->n_regions + 1,
                      "validation on the hold-out at a glance: all regions (region -2, each "
                      "subscriber by its own model), then each region (own_model 0: scored by "
                      "the national model); auc_lower and auc_upper: the AUC's 95% confidence "
                      "interval (DeLong); auc_national_model scores the same rows nationally; "
                      "suppressed 1: fewer than privacy.k_min hold-out or training subscribers, "
                      "2: hidden so that such a region cannot be derived from the all row (those "
                      "figures -1 or NaN)");
    free(rows);
}

static int grade_fields(struct tr_h5_field *out)
{
    typedef struct grade_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, grade, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, upper, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, population, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

static void write_grades(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m,
                         int64_t k_min)
{
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = grade_fields(fields);
    struct grade_row rows[TR_MAX_GRADES];
    memset(rows, 0, sizeof rows);
    struct tr_cell cells[TR_MAX_GRADES + 1];
    int64_t total = 0;
    for (int k = 0; k < m->card.n_grades; k++) {
        cells[k] = (struct tr_cell){m->grade_population[k], 0, k, 0};
        total += m->grade_population[k];
    }
    cells[m->card.n_grades] = (struct tr_cell){total, 0, -1, 0};
    tr_suppress(cells, (size_t)m->card.n_grades + 1, k_min);
    for (int k = 0; k < m->card.n_grades; k++)
        rows[k] = (struct grade_row){k + 1, m->card.upper[k],
                                     cells[k].state ? -1 : m->grade_population[k], cells[k].state};
    tr_rf_small_table(ctx, g, "grades", fields, n_fields, sizeof *rows, rows,
                      (size_t)m->card.n_grades,
                      "the master scale: grade g holds PDs above the previous grade's upper bound "
                      "up to its own; population: subscribers per grade when the models were "
                      "trained (the reference of the grades' PSI; -1 where suppressed: 1 fewer "
                      "than privacy.k_min, 2 hidden so that such a grade cannot be derived from "
                      "the total, which is the score bands' population)");
}

struct band_row {
    int32_t band;
    double lower, upper;
    int64_t population;
};

static int band_fields(struct tr_h5_field *out)
{
    typedef struct band_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, band, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, lower, H5T_IEEE_F64LE, "points"),
        NUM_FIELD(s, upper, H5T_IEEE_F64LE, "points"),
        NUM_FIELD(s, population, H5T_STD_I64LE, "subscribers"),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

static void write_score_bands(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m)
{
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = band_fields(fields);
    const struct tr_bins *b = &m->score_bands;
    struct band_row rows[TR_MAX_BINS];
    memset(rows, 0, sizeof rows);
    for (int k = 0; k < b->n_numeric; k++)
        rows[k] =
            (struct band_row){k + 1, b->lower[k], k + 1 < b->n_numeric ? b->lower[k + 1] : INFINITY,
                              b->population[k]};
    tr_rf_small_table(ctx, g, "score_bands", fields, n_fields, sizeof *rows, rows,
                      (size_t)b->n_numeric,
                      "deciles of the scorecard points when the models were trained (lower <= "
                      "score < upper; cut from a keyed sample of the scores), with the "
                      "subscribers in each: the reference of the score's PSI");
}

/* A figure over n subscribers alone, with no total to hide it in: TR_CELL_SMALL or published. */
static int8_t small(int64_t n, int64_t k_min)
{
    return n > 0 && n < k_min ? TR_CELL_SMALL : TR_CELL_PUBLISHED;
}

static void write_settings(hid_t g, const struct tr_models *m)
{
    tr_h5_attr_str(g, "transform", m->transform == TR_TRANSFORM_WOE ? "woe" : "standardize");
    tr_h5_attr_str(g, "settings", m->settings);
    tr_h5_attr_scalar(g, "lambda", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->lambda);
    const int32_t used = m->n_used, iterations = m->iterations;
    tr_h5_attr_scalar(g, "features_used", H5T_STD_I32LE, H5T_NATIVE_INT32, &used);
    tr_h5_attr_scalar(g, "train_rows", H5T_STD_I64LE, H5T_NATIVE_INT64, &m->train_rows);
    tr_h5_attr_scalar(g, "newton_iterations", H5T_STD_I32LE, H5T_NATIVE_INT32, &iterations);
    tr_h5_attr_scalar(g, "base_points", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->card.base_points);
    tr_h5_attr_scalar(g, "base_odds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->card.base_odds);
    tr_h5_attr_scalar(g, "pdo", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->card.pdo);
    tr_h5_attr_f64s(g, "master_scale", m->card.upper, (size_t)m->card.n_grades);
}

/* /models/regions/<name>: each region's model in a group named by the region, so that a reader
 * finds it by the name it knows rather than by a row number (output/region_codes.h). */
static void write_regional(const struct tr_ctx *ctx, hid_t models, const struct tr_rf_models *x,
                           const char *const *names, const struct region_states *st, int64_t k_min)
{
    const struct tr_models *m = x->models;
    const struct tr_validation *v = x->validation;
    hid_t g = tr_h5_group(models, TR_REGION_GROUPS,
                          "one group per region, named by its name in /regions/names ('%' written "
                          "%25, '/' %2F, the name '.' %2E: docs/output.md)");
    for (int r = 0; r < m->n_regions; r++) {
        char *link = tr_region_link_name(names[r]);
        if (!link) TR_DIE(TR_EXIT_INTERNAL, "region %d has an empty name", r);
        write_model(ctx, g, link, m, &m->regions[r], names[r], &v->region[r],
                    &v->region_national[r], st[r + 1], k_min);
        free(link);
    }
    H5_CHECK(H5Gclose(g));
}

void tr_rf_write_models(const struct tr_ctx *ctx, hid_t file, const struct tr_run_contents *c)
{
    if (!c->models || !c->models->models) return;
    const struct tr_models *m = c->models->models;
    const struct tr_validation *v = c->models->validation;
    const char *const *names = c->regions->names;
    const int64_t k_min = c->k_min;
    hid_t g = tr_h5_group(file, "models",
                          "credit-risk models: binning (bins, features), the national model, one "
                          "per region, validation on the hold-out (summary); docs/models.md");
    write_settings(g, m);
    write_features(ctx, g, m);
    write_bins(ctx, g, m);
    tr_rf_write_controls(ctx, g, m);
    tr_h5_attr_scalar(g, "k_min", H5T_STD_I64LE, H5T_NATIVE_INT64, &k_min);
    write_grades(ctx, g, m, k_min);
    write_score_bands(ctx, g, m);
    tr_rf_write_region_reference(ctx, g, m, names, k_min);
    tr_rf_write_calibration(ctx, g, m, k_min);
    tr_rf_write_reason_codes(ctx, g, m);
    struct region_states *st = region_states(c->models, k_min);
    write_summary(ctx, g, c->models, names, st);
    const struct region_states national = {small(v->national.m.n, k_min),
                                           small(m->national.train_rows, k_min)};
    write_model(ctx, g, "national", m, &m->national, NULL, &v->national, NULL, national, k_min);
    write_regional(ctx, g, c->models, names, st, k_min);
    free(st);
    write_metrics(
        ctx, g, "validation", &v->assigned, small(v->assigned.m.n, k_min), k_min,
        "the whole hold-out, each subscriber scored by its own model (as /subscribers/pd)");
    if (v->out_of_time.m.n > 0)
        write_metrics(ctx, g, "out_of_time", &v->out_of_time, small(v->out_of_time.m.n, k_min),
                      k_min, "the out-of-time sample (model.oot_date), each by its own model");
    H5_CHECK(H5Gclose(g));
}

/* ---- Reading a stored model back (telrisk score --model) ---- */

uint64_t tr_rf_first_row_at(hid_t d, uint64_t rows, uint64_t key)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(uint64_t));
    H5_CHECK(t);
    H5_CHECK(H5Tinsert(t, "subscriber", 0, H5T_NATIVE_UINT64));
    uint64_t lo = 0, hi = rows;
    while (lo < hi) {
        const uint64_t mid = lo + (hi - lo) / 2;
        uint64_t at = 0;
        tr_h5_read_rows(d, t, &at, mid, 1);
        if (at < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    H5_CHECK(H5Tclose(t));
    return lo;
}

int tr_rf_table_readable(hid_t d, const struct tr_h5_field *fields, int n_fields, size_t size)
{
    struct tr_h5_shape shape;
    tr_h5_shape_of(d, 0, &shape);
    if (shape.cls != H5T_COMPOUND || shape.rank != 1 || shape.dims[0] > SIZE_MAX / 2 / size)
        return 0;
    hid_t type = H5Dget_type(d);
    H5_CHECK(type);
    int ok = 1;
    struct tr_h5_quiet q; /* a missing member is an answer here, not an error to print */
    tr_h5_quiet_begin(&q);
    for (int k = 0; ok && k < n_fields; k++) {
        const int at = H5Tget_member_index(type, fields[k].name);
        hid_t m = at < 0 ? H5I_INVALID_HID : H5Tget_member_type(type, (unsigned)at);
        const int text = fields[k].type == H5I_INVALID_HID;
        ok = m >= 0 && H5Tget_class(m) == (text ? H5T_STRING : H5Tget_class(fields[k].type)) &&
             (!text || (H5Tis_variable_str(m) == 0 && H5Tget_cset(m) == H5T_CSET_UTF8));
        if (m >= 0) H5_CHECK(H5Tclose(m));
    }
    tr_h5_quiet_end(&q);
    H5_CHECK(H5Tclose(type));
    return ok;
}

void *tr_rf_read_table_checked(hid_t loc, const char *name, const struct tr_h5_field *fields,
                               int n_fields, size_t size, size_t *n_rows, int *bad)
{
    *n_rows = 0, *bad = 0;
    hid_t d = tr_h5_open_dataset(loc, name); /* quietly: absent (or not a dataset) is no rows */
    if (d < 0) return NULL;
    if (!tr_rf_table_readable(d, fields, n_fields, size)) {
        H5_CHECK(H5Dclose(d));
        *bad = 1;
        return NULL;
    }
    const hsize_t dims[1] = {tr_h5_rows(d)};
    hid_t mem, file;
    tr_h5_compound(fields, n_fields, size, &mem, &file);
    void *rows = TR_CALLOC((size_t)dims[0] + 1, size);
    tr_h5_read_rows(d, mem, rows, 0, dims[0]);
    H5_CHECK(H5Tclose(mem));
    H5_CHECK(H5Tclose(file));
    H5_CHECK(H5Dclose(d));
    *n_rows = (size_t)dims[0];
    return rows;
}

void *tr_rf_read_table(hid_t loc, const char *name, const struct tr_h5_field *fields, int n_fields,
                       size_t size, size_t *n_rows)
{
    int bad;
    return tr_rf_read_table_checked(loc, name, fields, n_fields, size, n_rows, &bad);
}

/* A scalar attribute, converted to mem_type. */
static void attr_read(hid_t obj, const char *name, hid_t mem_type, void *out)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    H5_CHECK(a);
    H5_CHECK(H5Aread(a, mem_type, out));
    H5_CHECK(H5Aclose(a));
}

static double attr_double(hid_t obj, const char *name)
{
    double v;
    attr_read(obj, name, H5T_NATIVE_DOUBLE, &v);
    return v;
}

static int attr_int(hid_t obj, const char *name)
{
    int v;
    attr_read(obj, name, H5T_NATIVE_INT, &v);
    return v;
}

static int64_t attr_int64(hid_t obj, const char *name)
{
    int64_t v;
    attr_read(obj, name, H5T_NATIVE_INT64, &v);
    return v;
}

/* A text attribute (variable or fixed length: io/h5.h), cut to cap bytes with its NUL. */
static void attr_text(hid_t obj, const char *name, char *out, size_t cap)
{
    char *text = tr_h5_attr_text(obj, name);
    if (!text) TR_DIE(TR_EXIT_INTERNAL, "attribute %s is missing or not text", name);
    snprintf(out, cap, "%s", text);
    free(text);
}

static int feature_index(const struct tr_models *m, const char *name)
{
    for (int j = 0; j < m->n_features; j++)
        if (strcmp(m->names[j], name) == 0) return j;
    return -1;
}

/* One model's coefficients, in the order of m->used (set by the national model). */
static int read_coefficients(hid_t g, struct tr_models *m, struct tr_model *model, char *err,
                             size_t errlen)
{
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = coef_fields(fields);
    size_t n;
    struct coef_row *rows = tr_rf_read_table(g, "coefficients", fields, n_fields, sizeof *rows, &n);
    if (!rows || n < 1) {
        free(rows);
        snprintf(err, errlen, "a fitted model has no coefficients table");
        return 1;
    }
    if (!m->used) { /* the national model fixes which features the models use */
        m->n_used = (int)n - 1;
        m->used = TR_MALLOC(sizeof(int) * n);
        for (size_t k = 1; k < n; k++)
            m->used[k - 1] = feature_index(m, rows[k].name);
    }
    int rc = (int)n != m->n_used + 1;
    for (size_t k = 1; k < n && !rc; k++)
        rc = m->used[k - 1] < 0 || strcmp(rows[k].name, m->names[m->used[k - 1]]) != 0;
    if (rc) {
        snprintf(err, errlen,
                 "coefficients name features that /models/features does not list in order");
        free(rows);
        return 1;
    }
    struct tr_logit_fit *f = &model->fit;
    f->p = (int)n;
    f->beta = TR_MALLOC(sizeof(double) * n), f->std_error = TR_MALLOC(sizeof(double) * n);
    f->z = TR_MALLOC(sizeof(double) * n), f->p_value = TR_MALLOC(sizeof(double) * n);
    for (size_t k = 0; k < n; k++)
        f->beta[k] = rows[k].estimate, f->std_error[k] = rows[k].std_error, f->z[k] = rows[k].z,
        f->p_value[k] = rows[k].p_value;
    f->iterations = attr_int(g, "iterations");
    f->converged = attr_int(g, "converged");
    f->deviance = attr_double(g, "deviance");
    f->null_deviance = attr_double(g, "null_deviance");
    f->aic = attr_double(g, "aic");
    attr_text(g, "problem", f->problem, sizeof f->problem);
    model->fitted = 1;
    free(rows);
    return 0;
}

static void read_features(hid_t g, struct tr_models *m)
{
    struct tr_h5_field fields[MAX_FIELDS];
    int n_fields = feature_fields(fields);
    size_t n;
    struct feature_row *f = tr_rf_read_table(g, "features", fields, n_fields, sizeof *f, &n);
    m->n_features = (int)n;
    m->names = TR_MALLOC(sizeof(char *) * (n + 1));
    m->bins = TR_CALLOC(n + 1, sizeof *m->bins);
    m->mean = TR_CALLOC(n + 1, sizeof(double));
    m->sd = TR_CALLOC(n + 1, sizeof(double));
    m->dropped = TR_CALLOC(n + 1, sizeof *m->dropped);
    for (size_t j = 0; j < n; j++) {
        m->names[j] = TR_STRDUP(f[j].name);
        m->mean[j] = f[j].mean, m->sd[j] = f[j].sd;
        memcpy(m->dropped[j], f[j].dropped, TR_DROP_REASON_MAX);
        m->bins[j].iv = f[j].iv, m->bins[j].trend = f[j].trend;
    }
    free(f);
    n_fields = bin_fields(fields);
    struct bin_row *b = tr_rf_read_table(g, "bins", fields, n_fields, sizeof *b, &n);
    for (size_t k = 0; k < n; k++) {
        if (b[k].feature < 0 || b[k].feature >= m->n_features || b[k].bin < 0 ||
            b[k].bin >= TR_MAX_BINS ||
            (!b[k].missing && !b[k].special && b[k].bin >= TR_MAX_PREBINS))
            continue; /* not a file telrisk wrote: ignored rather than overrun */
        struct tr_bins *x = &m->bins[b[k].feature];
        const int at = b[k].bin, s = at - x->n_numeric - 1; /* specials follow the missing bin */
        if (b[k].special && (s < 0 || s >= TR_MAX_SPECIAL)) continue;
        if (b[k].special)
            x->special[s] = b[k].lower, x->n_special = s + 1;
        else if (!b[k].missing)
            x->lower[at] = b[k].lower, x->n_numeric = at + 1;
        x->count[at] = b[k].count, x->defaults[at] = b[k].defaults;
        x->population[at] = b[k].population, x->woe[at] = b[k].woe;
    }
    free(b);
}

/* The transform, the penalty and the scorecard's scaling and master scale. */
static void read_scaling(hid_t g, struct tr_models *m)
{
    char transform[32];
    attr_text(g, "transform", transform, sizeof transform);
    m->transform =
        strcmp(transform, "standardize") == 0 ? TR_TRANSFORM_STANDARDIZE : TR_TRANSFORM_WOE;
    m->lambda = attr_double(g, "lambda");
    m->card.base_points = attr_double(g, "base_points");
    m->card.base_odds = attr_double(g, "base_odds");
    m->card.pdo = attr_double(g, "pdo");
    hid_t a = H5Aopen(g, "master_scale", H5P_DEFAULT);
    H5_CHECK(a);
    hid_t space = H5Aget_space(a);
    H5_CHECK(space);
    hssize_t grades = H5Sget_simple_extent_npoints(space);
    H5_CHECK(H5Sclose(space));
    m->card.n_grades = grades > 0 && grades <= TR_MAX_GRADES ? (int)grades : 0;
    if (m->card.n_grades) H5_CHECK(H5Aread(a, H5T_NATIVE_DOUBLE, m->card.upper));
    H5_CHECK(H5Aclose(a));
}

/* The trained population, PSI's reference: subscribers per grade and per score band. */
static void read_reference(hid_t g, struct tr_models *m)
{
    struct tr_h5_field fields[MAX_FIELDS];
    size_t n_grades;
    struct grade_row *gr =
        tr_rf_read_table(g, "grades", fields, grade_fields(fields), sizeof *gr, &n_grades);
    for (size_t k = 0; k < n_grades && k < TR_MAX_GRADES; k++)
        m->grade_population[k] = gr[k].population;
    free(gr);
    size_t n_bands;
    struct band_row *br =
        tr_rf_read_table(g, "score_bands", fields, band_fields(fields), sizeof *br, &n_bands);
    for (size_t k = 0; k < n_bands && k < TR_MAX_PREBINS; k++) {
        m->score_bands.lower[k] = br[k].lower;
        m->score_bands.population[k] = br[k].population;
    }
    m->score_bands.n_numeric = (int)(n_bands < TR_MAX_PREBINS ? n_bands : TR_MAX_PREBINS);
    free(br);
}

/* /models/regions/<link>: region r's coefficients, or the reason its fit failed. 0, or 1 with
 * err. */
static int read_region(hid_t regions, const char *link, struct tr_models *m, int r, char *err,
                       size_t errlen)
{
    hid_t rg = H5Gopen2(regions, link, H5P_DEFAULT);
    H5_CHECK(rg);
    struct tr_model *reg = &m->regions[r];
    reg->region = r;
    reg->train_rows = attr_int64(rg, "train_rows");
    reg->train_defaults = attr_int64(rg, "train_defaults");
    int rc = 0;
    if (attr_int(rg, "own_model")) {
        rc = read_coefficients(rg, m, reg, err, errlen);
    } else { /* a failed fit's reason, without the suffix the writer adds */
        char why[sizeof reg->fit.problem + 64];
        attr_text(rg, "problem", why, sizeof why);
        char *suffix = strstr(why, NATIONAL_SUFFIX);
        if (suffix && strncmp(why, TOO_FEW, strlen(TOO_FEW)) != 0) {
            *suffix = '\0';
            const size_t len = strlen(why), cap = sizeof reg->fit.problem - 1;
            memcpy(reg->fit.problem, why, len < cap ? len : cap);
        }
    }
    H5_CHECK(H5Gclose(rg));
    return rc;
}

/* Whether a stored file (another run's, given with --model) has a link or an attribute: 1, 0,
 * or -1 when HDF5 cannot tell (said by the caller, without HDF5's trace). */
static int stored_has(hid_t loc, const char *name, int attribute)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    const htri_t e = attribute ? H5Aexists(loc, name) : H5Lexists(loc, name, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    return e < 0 ? -1 : e > 0;
}

/* The stored file's region names (/regions/names, in row order): the names its regional groups
 * go by. NULL with err when it has none to read. */
static char **stored_region_names(hid_t file, int *n, char *err, size_t errlen)
{
    *n = 0;
    hid_t d = tr_h5_open_dataset(file, "regions/names");
    hsize_t rows = 0;
    const char *problem = d < 0 ? "is missing" : tr_h5_strings_problem(d, 0, &rows);
    char **names = problem ? NULL : tr_h5_read_strings(d, 0, n);
    if (d >= 0) H5_CHECK(H5Dclose(d));
    if (problem) snprintf(err, errlen, "its /regions/names, which names its models, %s", problem);
    return names;
}

/* Every region's model, from the group named by its name (output/region_codes.h). 0, or 1 with
 * err (a file written before the groups had names has /models/region_<r> instead: refused). */
static int read_regional(hid_t file, hid_t models, struct tr_models *m, char *err, size_t errlen)
{
    int n = 0;
    char **names = stored_region_names(file, &n, err, errlen);
    if (!names) return 1;
    const int there = stored_has(models, TR_REGION_GROUPS, 0);
    int rc = there <= 0;
    if (rc)
        snprintf(err, errlen, "%s",
                 there < 0 ? "its /models/regions cannot be read"
                           : "it has no /models/regions (an older telrisk's file, whose regional "
                             "models are /models/region_<r>: train it again)");
    m->n_regions = rc ? 0 : n;
    m->regions = TR_CALLOC((size_t)m->n_regions + 1, sizeof *m->regions);
    hid_t g = rc ? H5I_INVALID_HID : H5Gopen2(models, TR_REGION_GROUPS, H5P_DEFAULT);
    for (int r = 0; r < m->n_regions && !rc; r++) {
        char *link = tr_region_link_name(names[r]);
        if (link && stored_has(g, link, 0) > 0)
            rc = read_region(g, link, m, r, err, errlen);
        else
            rc = 1, snprintf(err, errlen, "/models/regions has no group for region %d (%.200s)", r,
                             names[r]);
        free(link);
    }
    if (g >= 0) H5_CHECK(H5Gclose(g));
    for (int r = 0; r < n; r++)
        free(names[r]);
    free(names);
    return rc;
}

/* The national model, then every region's. 0, or 1 with err. */
static int read_fits(hid_t file, hid_t g, struct tr_models *m, char *err, size_t errlen)
{
    hid_t nat = H5Gopen2(g, "national", H5P_DEFAULT);
    H5_CHECK(nat);
    m->national.region = -1;
    m->national.train_rows = attr_int64(nat, "train_rows");
    m->national.train_defaults = attr_int64(nat, "train_defaults");
    int rc = read_coefficients(nat, m, &m->national, err, errlen);
    H5_CHECK(H5Gclose(nat));
    return rc ? rc : read_regional(file, g, m, err, errlen);
}

int tr_rf_read_models(hid_t file, struct tr_models *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    const int there = stored_has(file, "models", 0);
    if (there <= 0) {
        snprintf(err, errlen,
                 there < 0 ? "its /models cannot be read"
                           : "it has no /models (a run or train writes them)");
        return 1;
    }
    hid_t g = H5Gopen2(file, "models", H5P_DEFAULT);
    H5_CHECK(g);
    read_scaling(g, m);
    read_features(g, m);
    tr_rf_read_controls(g, m);
    read_reference(g, m);
    m->train_rows = attr_int64(g, "train_rows");
    m->iterations = attr_int(g, "newton_iterations");
    if (stored_has(g, "settings", 1) > 0) attr_text(g, "settings", m->settings, sizeof m->settings);
    int rc = read_fits(file, g, m, err, errlen);
    if (!rc) rc = tr_rf_read_calibration(g, m, err, errlen);
    if (!rc) tr_rf_read_development_auc(g, m);
    if (!rc) tr_rf_read_region_reference(g, m);
    H5_CHECK(H5Gclose(g));
    return rc;
}

/* ---- /monitoring (telrisk score --model) ---- */

static int psi_fields(struct tr_h5_field *out)
{
    typedef struct tr_psi_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, name, TR_PSI_NAME_MAX - 1, NULL),
        NUM_FIELD(s, psi, H5T_IEEE_F64LE, NULL),
        STR_FIELD(s, band, 15, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

static void attr_metrics(hid_t g, const char *prefix, const struct tr_metrics *m)
{
    const struct {
        const char *name;
        double value;
    } figures[] = {{"auc", m->auc},
                   {"auc_lower", m->auc_lower},
                   {"auc_upper", m->auc_upper},
                   {"gini", m->gini},
                   {"ks", m->ks},
                   {"brier", m->brier},
                   {"mean_pd", m->mean_pd},
                   {"default_rate", m->default_rate}};
    char name[64];
    for (size_t k = 0; k < sizeof figures / sizeof *figures; k++) {
        snprintf(name, sizeof name, "%s_%s", prefix, figures[k].name);
        tr_h5_attr_scalar(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &figures[k].value);
    }
}

void tr_rf_write_monitoring(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_monitoring *x)
{
    const struct tr_monitoring *mon = x->monitoring;
    hid_t g = tr_h5_group(file, "monitoring",
                          "the run scored by a stored model (the champion): drift of each feature "
                          "it uses and of the grades against its training population (PSI: under "
                          "0.1 stable, 0.1-0.25 moderate, over 0.25 significant), and the champion "
                          "against this run's own model (the challenger) on this run's hold-out");
    tr_h5_attr_str(g, "model", x->model_path);
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = psi_fields(fields);
    tr_rf_small_table(ctx, g, "feature_psi", fields, n_fields, sizeof(struct tr_psi_row),
                      mon->features, (size_t)mon->n_features,
                      "PSI of each feature the model uses, over its bins");
    tr_h5_attr_scalar(g, "score_psi", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &mon->score.psi);
    tr_h5_attr_str(g, "score_psi_band", mon->score.band);
    tr_h5_attr_scalar(g, "grade_psi", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &mon->grades.psi);
    tr_h5_attr_str(g, "grade_psi_band", mon->grades.band);
    const int32_t challenger = mon->has_challenger;
    tr_h5_attr_scalar(g, "has_challenger", H5T_STD_I32LE, H5T_NATIVE_INT32, &challenger);
    attr_metrics(g, "champion", &mon->champion);
    if (mon->has_challenger) attr_metrics(g, "challenger", &mon->challenger);
    tr_rf_write_auc_tests(ctx, g, mon, x->region_names, x->k_min);
    tr_rf_write_migration(ctx, g, &mon->migration, x->region_names, x->k_min);
    tr_rf_write_region_drift(ctx, g, mon, x->region_names);
    H5_CHECK(H5Gclose(g));
}

void tr_rf_write_drift(const struct tr_ctx *ctx, hid_t crosschecks, const struct tr_monitoring *mon)
{
    struct tr_h5_field fields[MAX_FIELDS];
    const int n_fields = psi_fields(fields);
    const size_t n = (size_t)mon->n_features + 2;
    struct tr_psi_row *rows = TR_CALLOC(n, sizeof *rows);
    rows[0] = mon->score, rows[1] = mon->grades;
    memcpy(rows + 2, mon->features, sizeof *rows * (size_t)mon->n_features);
    tr_rf_small_table(ctx, crosschecks, "drift", fields, n_fields, sizeof *rows, rows, n,
                      "the champion's drift on this run, summarised from /monitoring: PSI of the "
                      "score, the grades and each feature it uses, with its band (stable < 0.1 <= "
                      "moderate <= 0.25 < significant)");
    free(rows);
}
