/* /models: what a validator needs to re-derive every PD by hand: each feature's bins with their
 * counts and weights of evidence, why a feature was left out, each model's coefficients with
 * their inference, and the validation on the hold-out. No timings here (they are in /provenance):
 * /models is the same bits at any rank count. */
#include "output/groups.h"

#include "core/error.h"
#include "model/labels.h"
#include "model/train.h"
#include "model/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 96

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
};

struct summary_row {
    int32_t region; /* -1: all regions */
    char name[64];
    int8_t own_model;
    int64_t train_rows, train_defaults, holdout_rows, holdout_defaults;
    double auc, auc_national_model, gini, ks, brier, mean_pd, default_rate, hl_p;
};

static void copy_name(char *dst, size_t cap, const char *src)
{
    memset(dst, 0, cap);
    snprintf(dst, cap, "%s", src ? src : "");
}

static void write_features(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m)
{
    typedef struct feature_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, name, NAME_MAX_LEN - 1, NULL), NUM_FIELD(s, iv, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, trend, H5T_STD_I32LE, NULL),   NUM_FIELD(s, bins, H5T_STD_I32LE, "bins"),
        NUM_FIELD(s, used, H5T_STD_I8LE, NULL),     STR_FIELD(s, dropped, TR_DROP_REASON_MAX - 1, NULL),
        NUM_FIELD(s, mean, H5T_IEEE_F64LE, NULL),   NUM_FIELD(s, sd, H5T_IEEE_F64LE, NULL),
    };
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
    tr_rf_small_table(ctx, g, "features", fields, (int)(sizeof fields / sizeof *fields), sizeof(s),
                      rows, (size_t)m->n_features,
                      "one row per feature of /subscribers/features: information value of its "
                      "bins, trend of the default rate with the value (+1 rises, -1 falls, 0 one "
                      "bin), numeric bins, used by the models (1) or why not, training mean and "
                      "standard deviation (model.transform = standardize)");
    free(rows);
}

static void write_bins(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m)
{
    typedef struct bin_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, feature, H5T_STD_I32LE, NULL),    STR_FIELD(s, name, NAME_MAX_LEN - 1, NULL),
        NUM_FIELD(s, bin, H5T_STD_I32LE, NULL),        NUM_FIELD(s, missing, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, lower, H5T_IEEE_F64LE, NULL),     NUM_FIELD(s, upper, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, count, H5T_STD_I64LE, "subscribers"), NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, population, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"), NUM_FIELD(s, woe, H5T_IEEE_F64LE, NULL),
    };
    size_t n = 0;
    for (int j = 0; j < m->n_features; j++) n += (size_t)m->bins[j].n_numeric + 1;
    s *rows = TR_CALLOC(n + 1, sizeof *rows), *r = rows;
    for (int j = 0; j < m->n_features; j++) {
        const struct tr_bins *b = &m->bins[j];
        for (int k = 0; k <= b->n_numeric; k++, r++) {
            r->feature = j;
            copy_name(r->name, NAME_MAX_LEN, m->names[j]);
            r->bin = k;
            r->missing = k == b->n_numeric;
            r->lower = r->missing ? NAN : b->lower[k];
            r->upper = r->missing ? NAN : k + 1 < b->n_numeric ? b->lower[k + 1] : INFINITY;
            r->count = b->count[k], r->defaults = b->defaults[k], r->population = b->population[k];
            r->default_rate = b->count[k] ? (double)b->defaults[k] / (double)b->count[k] : NAN;
            r->woe = b->woe[k];
        }
    }
    tr_rf_small_table(ctx, g, "bins", fields, (int)(sizeof fields / sizeof *fields), sizeof(s), rows,
                      n,
                      "every feature's bins: a value x is in the numeric bin with lower <= x < "
                      "upper, a missing one (NaN) in the bin with missing = 1; count and defaults "
                      "over the training sample, population over all subscribers (the reference "
                      "of PSI); woe = ln((count - defaults + 0.5) / (repaid + 0.5)) - "
                      "ln((defaults + 0.5) / (all defaults + 0.5)), the transformed value");
    free(rows);
}

static void write_metrics(const struct tr_ctx *ctx, hid_t loc, const char *name,
                          const struct tr_validation_cell *c, const char *description)
{
    hid_t g = tr_h5_group(loc, name, description);
    const int64_t n = (int64_t)c->m.n, defaults = (int64_t)c->m.positives;
    tr_h5_attr_scalar(g, "n", H5T_STD_I64LE, H5T_NATIVE_INT64, &n);
    tr_h5_attr_scalar(g, "defaults", H5T_STD_I64LE, H5T_NATIVE_INT64, &defaults);
    const struct {
        const char *name;
        double value;
    } figures[] = {{"auc", c->m.auc},         {"gini", c->m.gini},
                   {"ks", c->m.ks},           {"brier", c->m.brier},
                   {"log_loss", c->m.log_loss}, {"mean_pd", c->m.mean_pd},
                   {"default_rate", c->m.default_rate}, {"hosmer_lemeshow", c->cal.hl_stat},
                   {"hosmer_lemeshow_p", c->cal.hl_p}};
    for (size_t k = 0; k < sizeof figures / sizeof *figures; k++)
        tr_h5_attr_scalar(g, figures[k].name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &figures[k].value);
    typedef struct calibration_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, group, H5T_STD_I32LE, NULL), NUM_FIELD(s, n, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, mean_pd, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),
    };
    s rows[TR_CAL_GROUPS];
    memset(rows, 0, sizeof rows);
    for (int k = 0; k < c->cal.groups; k++)
        rows[k] = (s){k + 1, c->cal.n[k], c->cal.defaults[k], c->cal.mean_pd[k], c->cal.default_rate[k]};
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
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, name, NAME_MAX_LEN - 1, NULL), NUM_FIELD(s, estimate, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, std_error, H5T_IEEE_F64LE, NULL), NUM_FIELD(s, z, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, p_value, H5T_IEEE_F64LE, NULL),
    };
    const int p = m->n_used + 1;
    s *rows = TR_CALLOC((size_t)p, sizeof *rows);
    for (int k = 0; k < p; k++) {
        copy_name(rows[k].name, NAME_MAX_LEN, k == 0 ? "(intercept)" : m->names[m->used[k - 1]]);
        rows[k].estimate = model->fit.beta[k];
        rows[k].std_error = model->fit.std_error[k];
        rows[k].z = model->fit.z[k];
        rows[k].p_value = model->fit.p_value[k];
    }
    tr_rf_small_table(ctx, g, "coefficients", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), rows, (size_t)p,
                      "logit(PD) = intercept + sum of estimate x transformed feature; standard "
                      "errors from the inverse (penalised) Hessian, Wald z and two-sided p");
    free(rows);
}

static void write_model(const struct tr_ctx *ctx, hid_t models, const char *name,
                        const struct tr_models *m, const struct tr_model *model,
                        const char *region_name, const struct tr_validation_cell *own,
                        const struct tr_validation_cell *national)
{
    hid_t g = tr_h5_group(models, name,
                          model->region < 0 ? "the national model: plain maximum likelihood over "
                                              "every region's training rows"
                                            : "a region's model, shrunk toward the national one "
                                              "(model.lambda), or none when the region has too "
                                              "few training defaults");
    const int32_t region = model->region, fitted = model->fitted;
    tr_h5_attr_scalar(g, "region", H5T_STD_I32LE, H5T_NATIVE_INT32, &region);
    tr_h5_attr_str(g, "region_name", region_name ? region_name : "all");
    tr_h5_attr_scalar(g, "own_model", H5T_STD_I32LE, H5T_NATIVE_INT32, &fitted);
    tr_h5_attr_scalar(g, "train_rows", H5T_STD_I64LE, H5T_NATIVE_INT64, &model->train_rows);
    tr_h5_attr_scalar(g, "train_defaults", H5T_STD_I64LE, H5T_NATIVE_INT64, &model->train_defaults);
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
    } else {
        tr_h5_attr_str(g, "problem", "too few training defaults or repaid loans "
                                     "(model.min_region_defaults): scored by the national model");
    }
    write_metrics(ctx, g, "validation", own,
                  "the hold-out rows this model scores (a region's: its own hold-out)");
    if (national)
        write_metrics(ctx, g, "validation_national", national,
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
    copy_name(r.name, sizeof r.name, name);
    r.own_model = (int8_t)model->fitted;
    r.train_rows = model->train_rows, r.train_defaults = model->train_defaults;
    r.holdout_rows = (int64_t)own->m.n, r.holdout_defaults = (int64_t)own->m.positives;
    r.auc = own->m.auc, r.auc_national_model = national->m.auc, r.gini = own->m.gini;
    r.ks = own->m.ks, r.brier = own->m.brier, r.mean_pd = own->m.mean_pd;
    r.default_rate = own->m.default_rate, r.hl_p = own->cal.hl_p;
    return r;
}

static void write_summary(const struct tr_ctx *ctx, hid_t g, const struct tr_run_output *out)
{
    const struct tr_models *m = out->models;
    const struct tr_validation *v = out->validation;
    typedef struct summary_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL), STR_FIELD(s, name, 63, NULL),
        NUM_FIELD(s, own_model, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, train_rows, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, train_defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, holdout_rows, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, holdout_defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, auc, H5T_IEEE_F64LE, NULL), NUM_FIELD(s, auc_national_model, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, gini, H5T_IEEE_F64LE, NULL), NUM_FIELD(s, ks, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, brier, H5T_IEEE_F64LE, NULL), NUM_FIELD(s, mean_pd, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"), NUM_FIELD(s, hl_p, H5T_IEEE_F64LE, NULL),
    };
    s *rows = TR_CALLOC((size_t)m->n_regions + 2, sizeof *rows);
    struct tr_model all = m->national;
    all.fitted = 0; /* the "all" row mixes regional and national models */
    rows[0] = summary_of(-1, "all", &all, &v->assigned, &v->national);
    rows[0].train_rows = m->train_rows;
    for (int r = 0; r < m->n_regions; r++)
        rows[r + 1] = summary_of(r, out->region_names[r], &m->regions[r], &v->region[r],
                                 &v->region_national[r]);
    tr_rf_small_table(ctx, g, "summary", fields, (int)(sizeof fields / sizeof *fields), sizeof(s),
                      rows, (size_t)m->n_regions + 1,
                      "validation on the hold-out at a glance: all regions (region -1, each "
                      "subscriber by its own model), then each region (own_model 0: scored by "
                      "the national model); auc_national_model scores the same rows nationally");
    free(rows);
}

static void write_settings(hid_t g, const struct tr_models *m)
{
    tr_h5_attr_str(g, "transform", m->transform == TR_TRANSFORM_WOE ? "woe" : "standardize");
    tr_h5_attr_scalar(g, "lambda", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->lambda);
    const int32_t used = m->n_used, iterations = m->iterations;
    tr_h5_attr_scalar(g, "features_used", H5T_STD_I32LE, H5T_NATIVE_INT32, &used);
    tr_h5_attr_scalar(g, "train_rows", H5T_STD_I64LE, H5T_NATIVE_INT64, &m->train_rows);
    tr_h5_attr_scalar(g, "newton_iterations", H5T_STD_I32LE, H5T_NATIVE_INT32, &iterations);
    tr_h5_attr_scalar(g, "base_points", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->card.base_points);
    tr_h5_attr_scalar(g, "base_odds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->card.base_odds);
    tr_h5_attr_scalar(g, "pdo", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->card.pdo);
    hsize_t dims[1] = {(hsize_t)m->card.n_grades};
    hid_t space = H5Screate_simple(1, dims, NULL);
    H5_CHECK(space);
    hid_t a = H5Acreate2(g, "master_scale", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5_CHECK(a);
    H5_CHECK(H5Awrite(a, H5T_NATIVE_DOUBLE, m->card.upper));
    H5_CHECK(H5Aclose(a));
    H5_CHECK(H5Sclose(space));
}

void tr_rf_write_models(const struct tr_ctx *ctx, hid_t file, const struct tr_run_output *out)
{
    const struct tr_models *m = out->models;
    const struct tr_validation *v = out->validation;
    if (!m) return;
    hid_t g = tr_h5_group(file, "models",
                          "credit-risk models: binning (bins, features), the national model, one "
                          "per region, validation on the hold-out (summary); docs/models.md");
    write_settings(g, m);
    write_features(ctx, g, m);
    write_bins(ctx, g, m);
    write_summary(ctx, g, out);
    write_model(ctx, g, "national", m, &m->national, NULL, &v->national, NULL);
    for (int r = 0; r < m->n_regions; r++) {
        char name[32];
        snprintf(name, sizeof name, "region_%d", r);
        write_model(ctx, g, name, m, &m->regions[r], out->region_names[r], &v->region[r],
                    &v->region_national[r]);
    }
    write_metrics(ctx, g, "validation", &v->assigned,
                  "the whole hold-out, each subscriber scored by its own model (as /subscribers/pd)");
    if (v->out_of_time.m.n > 0)
        write_metrics(ctx, g, "out_of_time", &v->out_of_time,
                      "the out-of-time sample (model.oot_date), each by its own model");
    H5_CHECK(H5Gclose(g));
}
