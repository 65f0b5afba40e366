#include "output/reasons.h"

#include "core/error.h"
#include "model/reasons.h"
#include "output/groups.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 96

struct points_row {
    int32_t feature; /* row of /models/features; -1: the base */
    char name[NAME_LEN];
    int32_t bin; /* -1: the base */
    int8_t missing;
    double lower, upper;
    int64_t count;
    double woe, coefficient, points;
    int8_t best;
};

static int points_fields(struct tr_h5_field *out)
{
    typedef struct points_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, feature, H5T_STD_I32LE, NULL),
        STR_FIELD(s, name, NAME_LEN - 1, NULL),
        NUM_FIELD(s, bin, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, missing, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, lower, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, upper, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, count, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, woe, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, coefficient, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, points, H5T_IEEE_F64LE, "points"),
        NUM_FIELD(s, best, H5T_STD_I8LE, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

/* One used feature's bins into r; returns the rows written. */
static int feature_points(const struct tr_models *m, const struct tr_model *model, int u,
                          struct points_row *r)
{
    const int j = m->used[u], best = tr_points_best_bin(m, model, u);
    const struct tr_bins *b = &m->bins[j];
    for (int k = 0; k < tr_bins_count(b); k++, r++) { /* numeric, missing, special bins */
        r->feature = j;
        snprintf(r->name, NAME_LEN, "%s", m->names[j]);
        r->bin = k;
        r->missing = k == b->n_numeric;
        const int special = k > b->n_numeric; /* lower = upper = the value */
        r->lower = r->missing ? NAN : special ? b->special[k - b->n_numeric - 1] : b->lower[k];
        r->upper = r->missing  ? NAN
                   : special   ? r->lower
                   : k + 1 < b->n_numeric ? b->lower[k + 1]
                                          : INFINITY;
        r->count = b->count[k];
        r->woe = b->woe[k];
        r->coefficient = model->fit.beta[u + 1];
        r->points = tr_points_of_bin(m, model, u, k);
        r->best = k == best;
    }
    return tr_bins_count(b);
}

void tr_rf_write_points(const struct tr_ctx *ctx, hid_t model_group, const struct tr_models *m,
                        const struct tr_model *model)
{
    if (!tr_reasons_available(m)) return;
    size_t n = 1;
    for (int u = 0; u < m->n_used; u++)
        n += (size_t)tr_bins_count(&m->bins[m->used[u]]);
    struct points_row *rows = TR_CALLOC(n, sizeof *rows), *r = rows + 1;
    rows[0] = (struct points_row){.feature = -1,
                                  .name = "(base)",
                                  .bin = -1,
                                  .lower = NAN,
                                  .upper = NAN,
                                  .woe = NAN,
                                  .coefficient = model->fit.beta[0],
                                  .points = tr_points_base(m, model)};
    for (int u = 0; u < m->n_used; u++)
        r += feature_points(m, model, u, r);
    struct tr_h5_field fields[16];
    const int n_fields = points_fields(fields);
    tr_rf_small_table(ctx, model_group, "points", fields, n_fields, sizeof *rows, rows, n,
                      "the scorecard's points table: a subscriber's score is the base row's "
                      "points plus, for each used feature, the points of the bin its value is in "
                      "(lower <= x < upper, or the missing bin); points = -pdo / ln 2 x "
                      "coefficient x woe, base = base_points - pdo / ln 2 x (ln base_odds + "
                      "intercept); best = 1 on the feature's bin of most points among those "
                      "with training rows (count), against which reasons count points lost");
    free(rows);
}

struct code_row {
    int32_t code;
    int32_t feature; /* row of /models/features */
    char name[NAME_LEN];
    char direction[8];
    char text[320];
};

static int code_fields(struct tr_h5_field *out)
{
    typedef struct code_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, code, H5T_STD_I32LE, NULL), NUM_FIELD(s, feature, H5T_STD_I32LE, NULL),
        STR_FIELD(s, name, NAME_LEN - 1, NULL),  STR_FIELD(s, direction, 7, NULL),
        STR_FIELD(s, text, 319, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

void tr_rf_write_reason_codes(const struct tr_ctx *ctx, hid_t models, const struct tr_models *m)
{
    if (!tr_reasons_available(m)) return;
    static const char *const dirs[TR_REASON_DIRS] = {"higher", "lower", "missing", "present"};
    const size_t n = (size_t)m->n_used * TR_REASON_DIRS;
    struct code_row *rows = TR_CALLOC(n + 1, sizeof *rows);
    size_t i = 0;
    for (int j = 0; j < m->n_features; j++) /* in code order: by column, then direction */
        for (int u = 0; u < m->n_used; u++)
            if (m->used[u] == j)
                for (int d = 0; d < TR_REASON_DIRS; d++, i++) {
                    rows[i].code = j * TR_REASON_DIRS + d;
                    rows[i].feature = j;
                    snprintf(rows[i].name, NAME_LEN, "%s", m->names[j]);
                    snprintf(rows[i].direction, sizeof rows[i].direction, "%s", dirs[d]);
                    tr_reason_text(m, rows[i].code, rows[i].text, sizeof rows[i].text);
                }
    struct tr_h5_field fields[8];
    const int n_fields = code_fields(fields);
    tr_h5_attr_scalar(models, "reason_code_directions", H5T_STD_I32LE, H5T_NATIVE_INT32,
                      &(int32_t){TR_REASON_DIRS});
    tr_rf_small_table(ctx, models, "reason_codes", fields, n_fields, sizeof *rows, rows, n,
                      "what each code of /subscribers/reasons says: code = feature x 4 + "
                      "direction (feature: row of /models/features; direction 0 higher, 1 lower "
                      "than the feature's best bin, 2 missing where a value scores better, 3 "
                      "present where a missing value scores better); -1 in /subscribers/reasons: "
                      "no further reason");
    free(rows);
}

/* The reasons matrix's labels: rows /subscribers/key, columns the reason's rank, "1" the first
 * (docs/output.md, "Matrices"). */
static void write_reason_labels(hid_t d, int n)
{
    char(*rank)[12] = TR_CALLOC((size_t)n + 1, sizeof *rank);
    const char **labels = TR_MALLOC(sizeof *labels * ((size_t)n + 1));
    for (int k = 0; k < n; k++) {
        snprintf(rank[k], sizeof rank[k], "%d", k + 1);
        labels[k] = rank[k];
    }
    tr_h5_attr_strs(d, "axes", (const char *const[]){"key", "rank"}, 2);
    tr_h5_attr_strs(d, "rank", labels, (size_t)n);
    free(labels);
    free(rank);
}

void tr_rf_write_reason_rows(const struct tr_ctx *ctx, hid_t subscribers,
                             const struct tr_rf_scores *sc, uint64_t first, uint64_t total)
{
    if (!sc->points || !sc->models) return;
    const struct tr_models *m = sc->models;
    hsize_t dims[2] = {total, (hsize_t)m->n_used};
    hid_t d = tr_h5_dataset(subscribers, "points", H5T_IEEE_F64LE, 2, dims,
                            "each used feature's points under the subscriber's own model: its "
                            "bin's points in /models/national/points or /models/regions/<name>/"
                            "points (columns: attribute names, the models' used features); score "
                            "= the base's points + their sum",
                            "points");
    const char **names = TR_MALLOC(sizeof *names * ((size_t)m->n_used + 1));
    for (int u = 0; u < m->n_used; u++)
        names[u] = m->names[m->used[u]];
    tr_h5_attr_strs(d, "names", names, (size_t)m->n_used);
    tr_h5_attr_strs(d, "axes", (const char *const[]){"key", "names"}, 2);
    free(names);
    tr_h5_write_rows(ctx, d, H5T_NATIVE_DOUBLE, sc->points, first, sc->n_local);
    H5_CHECK(H5Dclose(d));
    dims[1] = (hsize_t)sc->n_reasons;
    d = tr_h5_dataset(subscribers, "reasons", H5T_STD_I32LE, 2, dims,
                      "the top model.reasons reasons, codes of /models/reason_codes: the used "
                      "features whose points fall furthest below their best bin's (ties: the "
                      "lower feature), most points lost first; -1 after the last",
                      "");
    write_reason_labels(d, sc->n_reasons);
    tr_h5_write_rows(ctx, d, H5T_NATIVE_INT32, sc->reasons, first, sc->n_local);
    H5_CHECK(H5Dclose(d));
}

/* ---- one subscriber, for telrisk explain ---- */

/* Row `row` of dataset path (rank 1, or rank 2 with *width columns; *width set) into a buffer
 * allocated here; NULL when the file has no such dataset, or not of rows rows. */
static void *read_cell(hid_t file, const char *path, hid_t mem_type, size_t size, hsize_t row,
                       hsize_t rows, int *width)
{
    hid_t d = tr_h5_open_dataset(file, path);
    if (d == H5I_INVALID_HID) return NULL;
    struct tr_h5_shape sh;
    tr_h5_shape_of(d, 0, &sh);
    void *buf = NULL;
    if ((sh.rank == 1 || sh.rank == 2) && sh.dims[0] == rows) {
        const hsize_t cols = sh.rank == 2 ? sh.dims[1] : 1;
        buf = TR_CALLOC(cols + 1, size);
        if (cols > 0) tr_h5_read_rows(d, mem_type, buf, row, 1);
        if (width) *width = (int)cols;
    }
    H5_CHECK(H5Dclose(d));
    return buf;
}

/* The row of key in /subscribers/key (strictly increasing); 0 when found. */
static int find_key(hid_t file, uint64_t key, hsize_t *row, hsize_t *rows)
{
    hid_t d = tr_h5_open_dataset(file, "subscribers/key");
    if (d == H5I_INVALID_HID) return -1;
    *rows = tr_h5_rows(d);
    uint64_t *keys = TR_MALLOC(sizeof *keys * (*rows + 1));
    if (*rows) tr_h5_read_rows(d, H5T_NATIVE_UINT64, keys, 0, *rows);
    H5_CHECK(H5Dclose(d));
    hsize_t lo = 0, hi = *rows;
    while (lo < hi) {
        const hsize_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    const int found = lo < *rows && keys[lo] == key;
    free(keys);
    *row = lo;
    return found ? 0 : 1;
}

static void read_region_name(hid_t file, struct tr_rf_explained *e)
{
    snprintf(e->region_name, sizeof e->region_name, "%s", e->region < 0 ? "unknown" : "?");
    hid_t d = tr_h5_open_dataset(file, "regions/names");
    if (d == H5I_INVALID_HID || e->region < 0) {
        if (d != H5I_INVALID_HID) H5_CHECK(H5Dclose(d));
        return;
    }
    int n = 0;
    char **names = tr_h5_read_strings(d, 0, &n);
    if (e->region < n) snprintf(e->region_name, sizeof e->region_name, "%s", names[e->region]);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    H5_CHECK(H5Dclose(d));
}

/* /subscribers/features' column names. */
static char **feature_names(hid_t file, int *n)
{
    hid_t d = tr_h5_open_dataset(file, "subscribers/features");
    if (d == H5I_INVALID_HID) return NULL;
    char **names = tr_h5_attr_texts(d, "names", n);
    H5_CHECK(H5Dclose(d));
    return names;
}

static hid_t open_read(const char *path, char *err, size_t errlen)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    if (f < 0) snprintf(err, errlen, "cannot be read as an HDF5 run file");
    return f;
}

int tr_rf_read_seed(const char *path, uint64_t *seed, char *err, size_t errlen)
{
    hid_t f = open_read(path, err, errlen);
    if (f < 0) return 2;
    const int there = tr_h5_attr_exists(f, "seed");
    if (there) {
        hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
        H5_CHECK(a);
        H5_CHECK(H5Aread(a, H5T_NATIVE_UINT64, seed));
        H5_CHECK(H5Aclose(a));
    } else {
        snprintf(err, errlen, "it has no root attribute seed");
    }
    H5_CHECK(H5Fclose(f));
    return there ? 0 : 2;
}

int tr_rf_read_keys(const char *path, uint64_t **keys, size_t *n, char *err, size_t errlen)
{
    *keys = NULL, *n = 0;
    hid_t f = open_read(path, err, errlen);
    if (f < 0) return 2;
    hid_t d = tr_h5_open_dataset(f, "subscribers/key");
    if (d == H5I_INVALID_HID) {
        snprintf(err, errlen, "it has no /subscribers/key");
    } else {
        const hsize_t rows = tr_h5_rows(d);
        *keys = TR_MALLOC(sizeof **keys * (rows + 1));
        if (rows) tr_h5_read_rows(d, H5T_NATIVE_UINT64, *keys, 0, rows);
        *n = (size_t)rows;
        H5_CHECK(H5Dclose(d));
    }
    H5_CHECK(H5Fclose(f));
    return *keys ? 0 : 2;
}

static int read_explained(hid_t file, uint64_t key, struct tr_rf_explained *e, char *err,
                          size_t errlen);

int tr_rf_read_explained(const char *path, uint64_t key, struct tr_rf_explained *e, char *err,
                         size_t errlen)
{
    memset(e, 0, sizeof *e);
    hid_t f = open_read(path, err, errlen);
    if (f < 0) return 2;
    const int rc = read_explained(f, key, e, err, errlen);
    H5_CHECK(H5Fclose(f));
    return rc;
}

static int read_explained(hid_t file, uint64_t key, struct tr_rf_explained *e, char *err,
                          size_t errlen)
{
    hsize_t row = 0, rows = 0;
    const int at = find_key(file, key, &row, &rows);
    if (at) {
        if (at < 0) snprintf(err, errlen, "it has no /subscribers/key");
        return at < 0 ? 2 : 1;
    }
    e->row = row;
    int32_t *region = read_cell(file, "subscribers/region", H5T_NATIVE_INT32, 4, row, rows, NULL);
    double *pd = read_cell(file, "subscribers/pd", H5T_NATIVE_DOUBLE, 8, row, rows, NULL);
    double *score = read_cell(file, "subscribers/score", H5T_NATIVE_DOUBLE, 8, row, rows, NULL);
    int8_t *grade = read_cell(file, "subscribers/grade", H5T_NATIVE_INT8, 1, row, rows, NULL);
    e->values =
        read_cell(file, "subscribers/features", H5T_NATIVE_DOUBLE, 8, row, rows, &e->n_features);
    e->points =
        read_cell(file, "subscribers/points", H5T_NATIVE_DOUBLE, 8, row, rows, &e->n_points);
    e->reasons =
        read_cell(file, "subscribers/reasons", H5T_NATIVE_INT32, 4, row, rows, &e->n_reasons);
    int n_names = 0;
    e->names = feature_names(file, &n_names);
    const int whole = region && pd && score && grade && e->values && e->points && e->reasons &&
                      e->names && n_names == e->n_features;
    if (whole) {
        e->region = *region, e->pd = *pd, e->score = *score, e->grade = *grade;
        read_region_name(file, e);
    } else {
        snprintf(err, errlen,
                 "it has no reasons: /subscribers/{region, features, pd, score, grade, points, "
                 "reasons} are not all there, one row per key (a run without models, "
                 "model.transform = standardize, or a file from before telrisk stored reasons)");
    }
    free(region), free(pd), free(score), free(grade);
    return whole ? 0 : 2;
}

void tr_rf_explained_free(struct tr_rf_explained *e)
{
    for (int j = 0; e->names && j < e->n_features; j++)
        free(e->names[j]);
    free(e->names), free(e->values), free(e->points), free(e->reasons);
    memset(e, 0, sizeof *e);
}
