/* /models/calibration (docs/credit.md section 4): every grade's population, defaults, model PD,
 * calibrated best estimate and final PD with its Jeffreys test, the long-run average and the
 * margins with their reasons; read back with the models, so that `score --model` applies the
 * champion's calibration. */
#include "output/groups.h"

#include "core/error.h"
#include "model/train.h"
#include "output/suppress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct calibration_row {
    int32_t grade;
    double upper;
    int64_t obligors, defaults;
    double default_rate, model_pd, best_estimate, pd, jeffreys_p;
    int8_t suppressed;
};

#define CALIBRATION_FIELDS(s)                                                                      \
    {                                                                                              \
        NUM_FIELD(s, grade, H5T_STD_I32LE, NULL),                                                  \
            NUM_FIELD(s, upper, H5T_IEEE_F64LE, "probability"),                                    \
            NUM_FIELD(s, obligors, H5T_STD_I64LE, "subscribers"),                                  \
            NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),                                  \
            NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),                                \
            NUM_FIELD(s, model_pd, H5T_IEEE_F64LE, "probability"),                                 \
            NUM_FIELD(s, best_estimate, H5T_IEEE_F64LE, "probability"),                            \
            NUM_FIELD(s, pd, H5T_IEEE_F64LE, "probability"),                                       \
            NUM_FIELD(s, jeffreys_p, H5T_IEEE_F64LE, "probability"),                               \
            NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL)                                           \
    }

static void attr_f64(hid_t g, const char *name, double v)
{
    tr_h5_attr_scalar(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

/* The table's rows: a grade of 1 to k_min - 1 obligors (or hiding one that the others' total
 * would give away) has its counts, default rate and test hidden; its PDs stay (the model's). A
 * calibration read from a file keeps what the file hid (its counts are -1) and hides what this
 * k_min asks for beside it. */
static void fill_rows(const struct tr_models *m, int64_t k_min, struct calibration_row *rows)
{
    const struct tr_pd_calibration *c = &m->calibration;
    struct tr_cell cells[TR_MAX_GRADES + 1];
    int64_t total = 0;
    for (int g = 0; g < c->n_grades; g++) {
        cells[g] = (struct tr_cell){c->obligors[g], 0, g, 0};
        total += c->obligors[g];
    }
    cells[c->n_grades] = (struct tr_cell){total, 0, -1, 0};
    tr_suppress(cells, (size_t)c->n_grades + 1, k_min);
    if (c->from_file) { /* what the file hid stays hidden; this k_min may hide more */
        for (int g = 0; g < c->n_grades; g++)
            if (c->suppressed[g] > cells[g].state) cells[g].state = c->suppressed[g];
        tr_suppress_more(cells, (size_t)c->n_grades + 1);
    }
    for (int g = 0; g < c->n_grades; g++) {
        const int8_t state = (int8_t)cells[g].state;
        const int hide = state != 0;
        const double n = (double)c->obligors[g];
        rows[g] = (struct calibration_row){.grade = g + 1,
                                           .upper = m->card.upper[g],
                                           .obligors = hide ? -1 : c->obligors[g],
                                           .defaults = hide ? -1 : c->defaults[g],
                                           .default_rate =
                                               hide || n == 0 ? NAN : (double)c->defaults[g] / n,
                                           .model_pd = c->model_pd[g],
                                           .best_estimate = c->best[g],
                                           .pd = c->pd[g],
                                           .jeffreys_p = hide ? NAN : c->jeffreys_p[g],
                                           .suppressed = state};
    }
}

void tr_rf_write_calibration(const struct tr_ctx *ctx, hid_t models, const struct tr_models *m,
                             int64_t k_min)
{
    const struct tr_pd_calibration *c = &m->calibration;
    if (!c->present) return;
    typedef struct calibration_row s;
    const struct tr_h5_field fields[] = CALIBRATION_FIELDS(s);
    struct calibration_row rows[TR_MAX_GRADES];
    fill_rows(m, k_min, rows);
    tr_rf_small_table(ctx, models, "calibration", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, (size_t)c->n_grades,
                      "the PDs calibrated to the long-run average default rate (docs/credit.md "
                      "section 4), per grade: the population with a known outcome at the "
                      "observation date, its defaults and rate, the grade's mean model PD, the "
                      "calibrated best estimate logistic(logit(model_pd) + shift), and the PD "
                      "used (with the margins of conservatism, at least the floor) with its "
                      "Jeffreys test against this year's defaults; counts -1 where suppressed");
    hid_t d = H5Dopen2(models, "calibration", H5P_DEFAULT);
    H5_CHECK(d);
    attr_f64(d, "long_run_average", c->lra);
    const int64_t used = c->cohorts_used;
    tr_h5_attr_scalar(d, "cohorts_used", H5T_STD_I64LE, H5T_NATIVE_INT64, &used);
    attr_f64(d, "shift", c->shift);
    attr_f64(d, "moc_a", c->moc_a), attr_f64(d, "moc_b", c->moc_b), attr_f64(d, "moc_c", c->moc_c);
    tr_h5_attr_str(d, "moc_a_reason", c->reason_a);
    tr_h5_attr_str(d, "moc_b_reason", c->reason_b);
    tr_h5_attr_str(d, "moc_c_reason", c->reason_c);
    attr_f64(d, "pd_floor", c->floor);
    H5_CHECK(H5Dclose(d));
}

/* A number attribute of d, NaN when it is absent or not a number (a file from anywhere). */
static double attr_number(hid_t d, const char *name)
{
    double v = NAN;
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t a = H5Aexists(d, name) > 0 ? H5Aopen(d, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (a >= 0) {
        struct tr_h5_shape shape;
        tr_h5_shape_of(a, 1, &shape);
        if ((shape.cls != H5T_FLOAT && shape.cls != H5T_INTEGER) || shape.rank != 0 ||
            H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0)
            v = NAN;
        H5Aclose(a);
    }
    tr_h5_quiet_end(&q);
    return v;
}

static void attr_reason(hid_t d, const char *name, char *out, size_t cap)
{
    char *text = tr_h5_attr_text(d, name);
    snprintf(out, cap, "%s", text ? text : "");
    free(text);
}

/* The attributes beside the table (what it was calibrated with), as far as the file has them. */
static void read_settings(hid_t models, struct tr_pd_calibration *c)
{
    hid_t d = tr_h5_open_dataset(models, "calibration");
    if (d < 0) return;
    c->lra = attr_number(d, "long_run_average");
    const double used = attr_number(d, "cohorts_used");
    c->cohorts_used = used >= 0 && used <= TR_LEDGER_COHORTS ? (int)used : 0;
    c->shift = attr_number(d, "shift");
    c->moc_a = attr_number(d, "moc_a"), c->moc_b = attr_number(d, "moc_b");
    c->moc_c = attr_number(d, "moc_c"), c->floor = attr_number(d, "pd_floor");
    attr_reason(d, "moc_a_reason", c->reason_a, sizeof c->reason_a);
    attr_reason(d, "moc_b_reason", c->reason_b, sizeof c->reason_b);
    attr_reason(d, "moc_c_reason", c->reason_c, sizeof c->reason_c);
    H5Dclose(d);
}

int tr_rf_read_calibration(hid_t models, struct tr_models *m, char *err, size_t errlen)
{
    struct tr_pd_calibration *c = &m->calibration;
    memset(c, 0, sizeof *c);
    typedef struct calibration_row s;
    const struct tr_h5_field fields[] = CALIBRATION_FIELDS(s);
    size_t n = 0;
    int bad = 0;
    struct calibration_row *rows = tr_rf_read_table_checked(
        models, "calibration", fields, (int)(sizeof fields / sizeof *fields), sizeof(s), &n, &bad);
    if (!rows && !bad) return 0; /* a model without a calibration: its PDs are used as they are */
    bad = bad || (int)n != m->card.n_grades;
    for (size_t g = 0; g < n && !bad; g++)
        bad = rows[g].grade != (int32_t)g + 1 || !(rows[g].pd > 0 && rows[g].pd <= 1);
    if (bad) {
        snprintf(err, errlen,
                 "its /models/calibration is not one row per grade of its master scale with a PD "
                 "in (0, 1]");
        free(rows);
        return 1;
    }
    c->present = 1, c->n_grades = (int)n, c->from_file = 1;
    for (size_t g = 0; g < n; g++) {
        const int8_t st = rows[g].suppressed; /* 0, 1 or 2 as written; hidden counts are -1 */
        c->suppressed[g] = st >= 0 && st <= 2 && (st || rows[g].obligors >= 0) ? st : 1;
        c->obligors[g] = rows[g].obligors, c->defaults[g] = rows[g].defaults;
        c->model_pd[g] = rows[g].model_pd, c->best[g] = rows[g].best_estimate;
        c->pd[g] = rows[g].pd, c->jeffreys_p[g] = rows[g].jeffreys_p;
    }
    free(rows);
    read_settings(models, c);
    return 0;
}
