/* Reading what a person is shown of a run file (output/summary.h). The file may come from
 * anywhere, so every read that depends on it is checked and reported with the path and the
 * object; the calls that do not (closing, memory types, selections) are H5_CHECKed. */
#include "output/summary.h"

#include "core/error.h"
#include "io/h5.h"
#include "model/calibration.h"
#include "output/groups.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rows read at a time, so a file of any size is summarised in bounded memory. */
#define BLOCK_BYTES ((size_t)8 << 20)

struct reader {
    const char *path;
    FILE *msg;
    hid_t file;
    struct tr_run_summary *s;
};

static int fail(const struct reader *in, const char *what)
{
    fprintf(in->msg, "telrisk: %s: %s\n", in->path, what);
    return TR_EXIT_INPUT;
}

/* Strings of a dataset or an attribute, fixed or variable length (io/h5.h reads both). */
struct strings {
    int n;
    char **v;
};

/* A string or 1-D array of them, from a dataset or an attribute. */
static int read_strings(hid_t id, int is_attr, struct strings *s)
{
    struct tr_h5_shape shape;
    tr_h5_shape_of(id, is_attr, &shape);
    s->v = shape.rank == 0 || shape.rank == 1 ? tr_h5_read_strings(id, is_attr, &s->n) : NULL;
    return s->v ? 0 : -1;
}

static int read_attr_strings(hid_t loc, const char *obj, const char *name, struct strings *s)
{
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) return -1;
    int rc = read_strings(a, 1, s);
    H5_CHECK(H5Aclose(a));
    return rc;
}

static int read_attr_scalar(hid_t loc, const char *name, hid_t mem_type, void *value)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    int rc = H5Aread(a, mem_type, value) < 0 ? -1 : 0;
    H5_CHECK(H5Aclose(a));
    return rc;
}

/* The strings as a list of their own (the summary's plain data). */
static char **take_list(struct strings *s)
{
    char **list = s->v ? s->v : TR_CALLOC(1, sizeof *list);
    *s = (struct strings){0};
    return list;
}

/* An attribute's first string, "" when it holds none. */
static char *take_first(struct strings *s)
{
    char *first = TR_STRDUP(s->n ? s->v[0] : "");
    tr_h5_free_strings(s->v, s->n);
    *s = (struct strings){0};
    return first;
}

/* The run's own privacy.k_min, from the effective configuration it stored as INI (0 when it is
 * not there): a person may ask for more suppression than the run did, never less. */
static int64_t run_k_min(hid_t file)
{
    struct strings config = {0};
    long long k = 0;
    if (read_attr_strings(file, ".", "config", &config) == 0 && config.n == 1)
        k = tr_config_text_k_min(config.v[0]);
    tr_h5_free_strings(config.v, config.n);
    return k;
}

/* The window's attributes of /subscribers; "" where a file (an older one) has none. */
static void read_window(hid_t file, struct tr_run_summary *s)
{
    struct strings text[3] = {{0}};
    static const char *const names[3] = {"window_start", "window_end", "window_rule"};
    for (int k = 0; k < 3; k++)
        if (H5Aexists_by_name(file, "/subscribers", names[k], H5P_DEFAULT) > 0)
            read_attr_strings(file, "/subscribers", names[k], &text[k]);
    s->window_start = take_first(&text[0]);
    s->window_end = take_first(&text[1]);
    s->window_rule = take_first(&text[2]);
}

static int read_root(struct reader *in)
{
    struct tr_run_summary *s = in->s;
    struct strings version = {0}, created = {0}, regions = {0}, features = {0};
    int rc = TR_EXIT_OK;
    if (read_attr_strings(in->file, ".", "telrisk_version", &version))
        rc = fail(in, "not a telrisk run file (no telrisk_version attribute)");
    else if (read_attr_strings(in->file, ".", "created_utc", &created) ||
             read_attr_scalar(in->file, "seed", H5T_NATIVE_UINT64, &s->seed) ||
             read_attr_scalar(in->file, "ranks", H5T_NATIVE_INT32, &s->ranks))
        rc = fail(in, "the root attributes created_utc, seed or ranks are missing or unreadable");
    hid_t d = rc ? H5I_INVALID_HID : H5Dopen2(in->file, "/regions/names", H5P_DEFAULT);
    if (!rc && (d < 0 || read_strings(d, 0, &regions)))
        rc = fail(in, "not a telrisk run file (no readable /regions/names)");
    if (d >= 0) H5_CHECK(H5Dclose(d));
    if (!rc && read_attr_strings(in->file, "/subscribers/features", "names", &features))
        rc = fail(in, "not a telrisk run file (no /subscribers/features with names)");
    if (!rc) s->k_min = run_k_min(in->file);
    read_window(in->file, s);
    s->version = take_first(&version);
    s->created = take_first(&created);
    s->n_regions = (size_t)regions.n;
    s->regions = take_list(&regions);
    s->n_features = (size_t)features.n;
    s->features = take_list(&features);
    return rc;
}

/* The shape of one dataset; -1 if it is missing or of another rank. */
static int dims_of(hid_t d, int want_rank, hsize_t *dims)
{
    hid_t space = H5Dget_space(d);
    if (space < 0) return -1;
    int ok = H5Sget_simple_extent_ndims(space) == want_rank &&
             H5Sget_simple_extent_dims(space, dims, NULL) == want_rank;
    H5_CHECK(H5Sclose(space));
    return ok ? 0 : -1;
}

/* Rows [first, first + n) of d, whose shape dims_of has checked. */
static int read_block(hid_t d, hid_t mem_type, hsize_t first, hsize_t n, hsize_t cols, void *buf)
{
    hid_t space = H5Dget_space(d);
    if (space < 0) return -1;
    int rank = cols ? 2 : 1;
    hsize_t start[2] = {first, 0}, count[2] = {n, cols};
    hid_t mem = H5Screate_simple(rank, count, NULL);
    H5_CHECK(mem);
    H5_CHECK(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL));
    int ok = H5Dread(d, mem_type, mem, space, H5P_DEFAULT, buf) >= 0;
    H5_CHECK(H5Sclose(mem));
    H5_CHECK(H5Sclose(space));
    return ok ? 0 : -1;
}

/* The tallies, every feature's sums in one block (a presentation picks its columns by name). */
static void alloc_tallies(struct tr_run_summary *s)
{
    const size_t rows = s->n_regions + 2, cells = rows * s->n_features;
    s->tallies = TR_CALLOC(rows, sizeof *s->tallies);
    double *sum = TR_CALLOC(cells ? cells : 1, sizeof *sum);
    uint64_t *defined = TR_CALLOC(cells ? cells : 1, sizeof *defined);
    for (size_t r = 0; r < rows; r++)
        s->tallies[r] = (struct tr_summary_tally){.sum = sum + r * s->n_features,
                                                  .defined = defined + r * s->n_features};
}

/* One subscriber into its region's row (or the unknown region's) and the nation's. */
static void add_row(struct tr_run_summary *s, int32_t region, const double *row)
{
    const size_t unknown = s->n_regions;
    const size_t slot = region >= 0 && (size_t)region < unknown ? (size_t)region : unknown;
    struct tr_summary_tally *both[2] = {&s->tallies[slot], &s->tallies[unknown + 1]};
    for (int t = 0; t < 2; t++) {
        both[t]->subscribers++;
        for (size_t k = 0; k < s->n_features; k++) {
            const double v = row[k];
            if (isnan(v)) continue;
            both[t]->sum[k] += v;
            both[t]->defined[k]++;
        }
    }
}

/* Streams /subscribers/region and /subscribers/features in blocks into the tallies. */
static int tally_blocks(struct tr_run_summary *s, hid_t region, hid_t features)
{
    const hsize_t n_rows = s->subscribers, n_cols = s->n_features;
    const size_t row_bytes = (size_t)n_cols * sizeof(double);
    hsize_t per_block = row_bytes && BLOCK_BYTES / row_bytes ? BLOCK_BYTES / row_bytes : 65536;
    int32_t *reg = TR_MALLOC(sizeof *reg * per_block);
    double *feat = TR_MALLOC(row_bytes ? row_bytes * per_block : 1);
    int rc = 0;
    for (hsize_t first = 0; rc == 0 && first < n_rows; first += per_block) {
        hsize_t n = n_rows - first < per_block ? n_rows - first : per_block;
        rc = read_block(region, H5T_NATIVE_INT32, first, n, 0, reg);
        if (rc == 0 && n_cols) rc = read_block(features, H5T_NATIVE_DOUBLE, first, n, n_cols, feat);
        for (hsize_t i = 0; rc == 0 && i < n; i++)
            add_row(s, reg[i], feat + i * n_cols);
    }
    free(reg);
    free(feat);
    return rc;
}

static int read_subscribers(struct reader *in)
{
    struct tr_run_summary *s = in->s;
    hid_t region = H5Dopen2(in->file, "/subscribers/region", H5P_DEFAULT);
    hid_t features = H5Dopen2(in->file, "/subscribers/features", H5P_DEFAULT);
    hsize_t n_region[1] = {0}, shape[2] = {0, 0};
    int ok = region >= 0 && features >= 0 && dims_of(region, 1, n_region) == 0 &&
             dims_of(features, 2, shape) == 0 && shape[0] == n_region[0] &&
             shape[1] == s->n_features;
    int rc = ok ? TR_EXIT_OK
                : fail(in, "/subscribers/region and /subscribers/features are missing or do not "
                           "match in shape");
    s->subscribers = ok ? shape[0] : 0;
    alloc_tallies(s);
    if (rc == TR_EXIT_OK && tally_blocks(s, region, features))
        rc = fail(in, "cannot read /subscribers/region or /subscribers/features");
    if (region >= 0) H5_CHECK(H5Dclose(region));
    if (features >= 0) H5_CHECK(H5Dclose(features));
    return rc;
}

/* The input accounting: only the counting columns of /provenance/inputs, matched by name. */
static int read_inputs(struct reader *in)
{
    struct counts {
        int64_t lines, accepted, rejected;
    };
    hid_t mem = H5Tcreate(H5T_COMPOUND, sizeof(struct counts));
    H5_CHECK(mem);
    H5_CHECK(H5Tinsert(mem, "lines", offsetof(struct counts, lines), H5T_NATIVE_INT64));
    H5_CHECK(H5Tinsert(mem, "accepted", offsetof(struct counts, accepted), H5T_NATIVE_INT64));
    H5_CHECK(H5Tinsert(mem, "rejected", offsetof(struct counts, rejected), H5T_NATIVE_INT64));
    hid_t d = H5Dopen2(in->file, "/provenance/inputs", H5P_DEFAULT);
    hsize_t n[1] = {0};
    struct counts *rows = NULL;
    int ok = d >= 0 && dims_of(d, 1, n) == 0;
    if (ok) {
        rows = TR_CALLOC(n[0] ? n[0] : 1, sizeof *rows);
        ok = n[0] == 0 || H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0;
    }
    struct tr_run_summary *s = in->s;
    s->files = ok ? (int64_t)n[0] : 0;
    for (hsize_t i = 0; ok && i < n[0]; i++) {
        s->lines += rows[i].lines;
        s->accepted += rows[i].accepted;
        s->rejected += rows[i].rejected;
    }
    free(rows);
    if (d >= 0) H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(mem));
    return ok ? TR_EXIT_OK : fail(in, "cannot read /provenance/inputs");
}

/* /provenance/tables, when the file has it (a file written before it has not: none). */
static int read_tables(struct reader *in)
{
    if (H5Lexists(in->file, "/provenance/tables", H5P_DEFAULT) <= 0) return TR_EXIT_OK;
    typedef struct tr_summary_table row;
    hid_t mem = H5Tcreate(H5T_COMPOUND, sizeof(row)), str = H5Tcopy(H5T_C_S1);
    H5_CHECK(mem);
    H5_CHECK(str);
    H5_CHECK(H5Tset_size(str, sizeof(((row *)0)->table)));
    H5_CHECK(H5Tset_cset(str, H5T_CSET_UTF8)); /* as written: HDF5 converts no character set */
    H5_CHECK(H5Tinsert(mem, "table", offsetof(row, table), str));
    hid_t state = H5Tcopy(H5T_C_S1);
    H5_CHECK(state);
    H5_CHECK(H5Tset_size(state, sizeof(((row *)0)->state)));
    H5_CHECK(H5Tset_cset(state, H5T_CSET_UTF8));
    H5_CHECK(H5Tinsert(mem, "state", offsetof(row, state), state));
    H5_CHECK(H5Tinsert(mem, "files", offsetof(row, files), H5T_NATIVE_INT32));
    H5_CHECK(H5Tinsert(mem, "lines", offsetof(row, lines), H5T_NATIVE_INT64));
    hid_t d = H5Dopen2(in->file, "/provenance/tables", H5P_DEFAULT);
    hsize_t n[1] = {0};
    int ok = d >= 0 && dims_of(d, 1, n) == 0;
    struct tr_run_summary *s = in->s;
    if (ok) {
        s->tables = TR_CALLOC(n[0] ? n[0] : 1, sizeof *s->tables);
        ok = n[0] == 0 || H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->tables) >= 0;
        s->n_tables = ok ? (size_t)n[0] : 0;
    }
    if (d >= 0) H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(state));
    H5_CHECK(H5Tclose(str));
    H5_CHECK(H5Tclose(mem));
    return ok ? TR_EXIT_OK : fail(in, "cannot read /provenance/tables");
}

/* A memory type picking named fields out of a table's rows. */
struct member {
    const char *name;
    size_t offset;
    hid_t type;
};

static hid_t memory_type(size_t size, const struct member *m, size_t n)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, size);
    H5_CHECK(t);
    for (size_t k = 0; k < n; k++)
        H5_CHECK(H5Tinsert(t, m[k].name, m[k].offset, m[k].type));
    return t;
}

#define MEMORY_TYPE(row, members)                                                                  \
    memory_type(sizeof(row), members, sizeof members / sizeof *members)

/* Whether the file has the link name: 1 or 0; -1 (said) when HDF5 cannot tell (a damaged
 * group). */
static int has_link(const struct reader *in, const char *name)
{
    const htri_t yes = H5Lexists(in->file, name, H5P_DEFAULT);
    if (yes < 0) {
        char what[128];
        snprintf(what, sizeof what, "cannot tell whether it has /%s", name);
        fail(in, what);
    }
    return yes < 0 ? -1 : yes > 0;
}

/* The rows of the 1-D table `name`, through a memory type of some of its fields ([*n + 1] of size
 * bytes, to free; prefill, when given, sets what a member the file lacks keeps); NULL (said:
 * `missing` when there is no such dataset) when it is missing, not a table or unreadable. */
static void *read_table(const struct reader *in, const char *name, const char *missing, hid_t type,
                        size_t size, size_t *n, void (*prefill)(void *, size_t))
{
    char what[160];
    hid_t d = H5Dopen2(in->file, name, H5P_DEFAULT);
    hsize_t dims[1] = {0};
    void *rows = NULL;
    if (d < 0) {
        snprintf(what, sizeof what, "%s", missing);
    } else if (dims_of(d, 1, dims)) {
        snprintf(what, sizeof what, "/%s is not a table", name);
    } else {
        rows = TR_CALLOC((size_t)dims[0] + 1, size);
        if (prefill) prefill(rows, (size_t)dims[0]);
        if (H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
            free(rows);
            rows = NULL;
            snprintf(what, sizeof what, "cannot read /%s", name);
        }
    }
    if (d >= 0) H5_CHECK(H5Dclose(d));
    if (!rows) fail(in, what);
    *n = rows ? (size_t)dims[0] : 0;
    return rows;
}

/* group/summary's rows (read_table). */
static void *read_summary_table(const struct reader *in, const char *group, hid_t type, size_t size,
                                size_t *n)
{
    char name[64], missing[96];
    snprintf(name, sizeof name, "%s/summary", group);
    snprintf(missing, sizeof missing, "/%s has no summary table", group);
    return read_table(in, name, missing, type, size, n, NULL);
}

static hid_t model_type(void)
{
    typedef struct tr_summary_model s;
    const struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"own_model", HOFFSET(s, own_model), H5T_NATIVE_INT8},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"train_rows", HOFFSET(s, train_rows), H5T_NATIVE_INT64},
        {"train_defaults", HOFFSET(s, train_defaults), H5T_NATIVE_INT64},
        {"holdout_rows", HOFFSET(s, holdout_rows), H5T_NATIVE_INT64},
        {"holdout_defaults", HOFFSET(s, holdout_defaults), H5T_NATIVE_INT64},
        {"auc", HOFFSET(s, auc), H5T_NATIVE_DOUBLE},
        {"auc_lower", HOFFSET(s, auc_lower), H5T_NATIVE_DOUBLE},
        {"auc_upper", HOFFSET(s, auc_upper), H5T_NATIVE_DOUBLE},
        {"auc_national_model", HOFFSET(s, auc_national_model), H5T_NATIVE_DOUBLE},
        {"mean_pd", HOFFSET(s, mean_pd), H5T_NATIVE_DOUBLE},
        {"default_rate", HOFFSET(s, default_rate), H5T_NATIVE_DOUBLE},
        {"hl_p", HOFFSET(s, hl_p), H5T_NATIVE_DOUBLE},
    };
    return MEMORY_TYPE(s, m);
}

/* /models/summary, when the run has models. A row's region indexes the regions read before, so
 * one beyond them is a damaged file, not a name to look up. */
static int read_models(struct reader *in)
{
    const int has = has_link(in, "models");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    struct tr_run_summary *s = in->s;
    hid_t t = model_type();
    size_t n = 0;
    struct tr_summary_model *rows = read_summary_table(in, "models", t, sizeof *rows, &n);
    H5_CHECK(H5Tclose(t));
    if (!rows) return TR_EXIT_INPUT;
    for (size_t k = 0; k < n; k++)
        if (rows[k].region >= 0 && (size_t)rows[k].region >= s->n_regions) {
            free(rows);
            return fail(in, "/models/summary names a region that /regions/names does not");
        }
    s->models = rows;
    s->n_models = n;
    s->parts |= TR_SUMMARY_MODELS;
    return TR_EXIT_OK;
}

static hid_t grade_type(void)
{
    typedef struct tr_summary_grade s;
    hid_t zone = tr_h5_str_type(sizeof((s *)0)->zone - 1);
    const struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"grade", HOFFSET(s, grade), H5T_NATIVE_INT32},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"n", HOFFSET(s, n), H5T_NATIVE_INT64},
        {"defaults", HOFFSET(s, defaults), H5T_NATIVE_INT64},
        {"mean_pd", HOFFSET(s, mean_pd), H5T_NATIVE_DOUBLE},
        {"default_rate", HOFFSET(s, default_rate), H5T_NATIVE_DOUBLE},
        {"jeffreys_p", HOFFSET(s, jeffreys_p), H5T_NATIVE_DOUBLE},
        {"zone", HOFFSET(s, zone), zone},
    };
    hid_t t = MEMORY_TYPE(s, m);
    H5_CHECK(H5Tclose(zone));
    return t;
}

/* NaN in the Jeffreys test of every row: what a file written before it keeps. */
static void no_jeffreys(void *rows, size_t n)
{
    for (size_t k = 0; k < n; k++)
        ((struct tr_summary_grade *)rows)[k].jeffreys_p = NAN;
}

/* /crosschecks/backtest, when there is one (HDF5 leaves a member the file lacks as it finds it). */
static int read_backtest(struct reader *in)
{
    const int has = has_link(in, "crosschecks") > 0 ? has_link(in, "crosschecks/backtest") : 0;
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    hid_t t = grade_type();
    in->s->grades = read_table(in, "crosschecks/backtest", "no /crosschecks/backtest", t,
                               sizeof *in->s->grades, &in->s->n_grades, no_jeffreys);
    H5_CHECK(H5Tclose(t));
    if (!in->s->grades) return TR_EXIT_INPUT;
    in->s->parts |= TR_SUMMARY_BACKTEST;
    return TR_EXIT_OK;
}

/* /crosschecks/concentration, when there is one (a file written before it has none). */
static int read_concentration(struct reader *in)
{
    const int has = has_link(in, "crosschecks") > 0 ? has_link(in, "crosschecks/concentration") : 0;
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    typedef struct tr_summary_concentration s;
    const struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"subscribers", HOFFSET(s, subscribers), H5T_NATIVE_INT64},
        {"hhi", HOFFSET(s, hhi), H5T_NATIVE_DOUBLE},
        {"hhi_normalised", HOFFSET(s, hhi_normalised), H5T_NATIVE_DOUBLE},
    };
    hid_t t = MEMORY_TYPE(s, m);
    in->s->concentration =
        read_table(in, "crosschecks/concentration", "no /crosschecks/concentration", t,
                   sizeof *in->s->concentration, &in->s->n_concentration, NULL);
    H5_CHECK(H5Tclose(t));
    return in->s->concentration ? TR_EXIT_OK : TR_EXIT_INPUT;
}

/* /monitoring/auc_test, when the file was scored by a champion with development AUCs. */
static int read_auc_tests(struct reader *in)
{
    const int has = has_link(in, "monitoring") > 0 ? has_link(in, "monitoring/auc_test") : 0;
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    typedef struct tr_summary_auc_test s;
    const struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"rows", HOFFSET(s, rows), H5T_NATIVE_INT64},
        {"auc_development", HOFFSET(s, auc_development), H5T_NATIVE_DOUBLE},
        {"auc_now", HOFFSET(s, auc_now), H5T_NATIVE_DOUBLE},
        {"s", HOFFSET(s, s), H5T_NATIVE_DOUBLE},
        {"p_value", HOFFSET(s, p_value), H5T_NATIVE_DOUBLE},
    };
    hid_t t = MEMORY_TYPE(s, m);
    in->s->auc_tests = read_table(in, "monitoring/auc_test", "no /monitoring/auc_test", t,
                                  sizeof *in->s->auc_tests, &in->s->n_auc_tests, NULL);
    H5_CHECK(H5Tclose(t));
    return in->s->auc_tests ? TR_EXIT_OK : TR_EXIT_INPUT;
}

/* /monitoring/region_drift, when the file was scored by a champion that kept its population per
 * region. */
static int read_drift(struct reader *in)
{
    const int has = has_link(in, "monitoring") > 0 ? has_link(in, "monitoring/region_drift") : 0;
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    typedef struct tr_summary_drift row;
    hid_t mem = H5Tcreate(H5T_COMPOUND, sizeof(row)), str = H5Tcopy(H5T_C_S1);
    H5_CHECK(mem);
    H5_CHECK(str);
    H5_CHECK(H5Tset_size(str, sizeof(((row *)0)->name)));
    H5_CHECK(H5Tset_cset(str, H5T_CSET_UTF8));
    H5_CHECK(H5Tinsert(mem, "region", offsetof(row, region), H5T_NATIVE_INT32));
    H5_CHECK(H5Tinsert(mem, "name", offsetof(row, name), str));
    H5_CHECK(H5Tinsert(mem, "psi", offsetof(row, psi), H5T_NATIVE_DOUBLE));
    H5_CHECK(H5Tinsert(mem, "suppressed", offsetof(row, suppressed), H5T_NATIVE_INT8));
    in->s->drift = read_table(in, "monitoring/region_drift", "no /monitoring/region_drift", mem,
                              sizeof *in->s->drift, &in->s->n_drift, NULL);
    H5_CHECK(H5Tclose(str));
    H5_CHECK(H5Tclose(mem));
    return in->s->drift ? TR_EXIT_OK : TR_EXIT_INPUT;
}

/* /monitoring/migration, when the file was scored with --compare. */
static int read_migration(struct reader *in)
{
    const int has = has_link(in, "monitoring") > 0 ? has_link(in, "monitoring/migration") : 0;
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    typedef struct tr_summary_migration s;
    const struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"grade_before", HOFFSET(s, grade_before), H5T_NATIVE_INT32},
        {"grade_now", HOFFSET(s, grade_now), H5T_NATIVE_INT32},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"subscribers", HOFFSET(s, subscribers), H5T_NATIVE_INT64},
    };
    hid_t t = MEMORY_TYPE(s, m);
    in->s->migration = read_table(in, "monitoring/migration", "no /monitoring/migration", t,
                                  sizeof *in->s->migration, &in->s->n_migration, NULL);
    H5_CHECK(H5Tclose(t));
    return in->s->migration ? TR_EXIT_OK : TR_EXIT_INPUT;
}

/* /ifrs9's summary tables and reporting date (a file without a ledger has none). */
static int read_ifrs9(struct reader *in)
{
    const int has = has_link(in, "ifrs9");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    typedef struct tr_summary_ifrs9 s;
    struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"stage", HOFFSET(s, stage), H5T_NATIVE_INT32},
        {"loans", HOFFSET(s, loans), H5T_NATIVE_INT64},
        {"exposure", HOFFSET(s, exposure), H5T_NATIVE_DOUBLE},
        {"ecl", HOFFSET(s, ecl), H5T_NATIVE_DOUBLE},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"scenario", HOFFSET(s, scenario), H5I_INVALID_HID},
    };
    hid_t name = tr_h5_str_type(sizeof((s *)0)->scenario - 1); /* UTF-8, as written */
    m[6].type = name;
    hid_t t = memory_type(sizeof(s), m, 6), ts = MEMORY_TYPE(s, m);
    struct tr_run_summary *r = in->s;
    r->ifrs9 = read_table(in, "ifrs9/summary", "no /ifrs9/summary", t, sizeof *r->ifrs9,
                          &r->n_ifrs9, NULL);
    r->ifrs9_scenarios =
        r->ifrs9 ? read_table(in, "ifrs9/scenario_summary", "no /ifrs9/scenario_summary", ts,
                              sizeof *r->ifrs9_scenarios, &r->n_ifrs9_scenarios, NULL)
                 : NULL;
    H5_CHECK(H5Tclose(t));
    H5_CHECK(H5Tclose(ts));
    H5_CHECK(H5Tclose(name));
    hid_t g = H5Gopen2(in->file, "ifrs9", H5P_DEFAULT);
    char *date = g >= 0 ? tr_h5_attr_text(g, "reporting_date") : NULL;
    snprintf(r->ifrs9_date, sizeof r->ifrs9_date, "%s", date ? date : "?");
    free(date);
    if (g >= 0) H5_CHECK(H5Gclose(g));
    return r->ifrs9 && r->ifrs9_scenarios ? TR_EXIT_OK : TR_EXIT_INPUT;
}

/* /models/calibration's attributes (a file without one, or written before it, has none) and
 * cohort 0's default rate. Unreadable figures stay NaN: this is a summary line. */
static int read_calibration(struct reader *in)
{
    struct tr_summary_calibration *c = &in->s->calibration;
    *c = (struct tr_summary_calibration){.long_run_average = NAN, .rate_now = NAN};
    const int has = has_link(in, "models") > 0 ? has_link(in, "models/calibration") : 0;
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    hid_t d = H5Dopen2(in->file, "models/calibration", H5P_DEFAULT);
    if (d < 0) return TR_EXIT_OK;
    c->present = 1;
    const char *const names[5] = {"long_run_average", "shift", "moc_a", "moc_b", "moc_c"};
    double *const to[5] = {&c->long_run_average, &c->shift, &c->moc_a, &c->moc_b, &c->moc_c};
    for (int k = 0; k < 5; k++)
        if (read_attr_scalar(d, names[k], H5T_NATIVE_DOUBLE, to[k])) *to[k] = NAN;
    if (read_attr_scalar(d, "cohorts_used", H5T_NATIVE_INT64, &c->cohorts_used))
        c->cohorts_used = -1;
    H5_CHECK(H5Dclose(d));
    /* The cohorts behind the average, read as telrisk train reads them (a file written before
     * their `used` column has none here). */
    _Static_assert(TR_LEDGER_COHORTS == 8, "struct tr_summary_calibration holds 8 cohorts");
    struct tr_cohort_counts k;
    int present = 0;
    char err[160];
    if (has_link(in, "ledger") > 0 && has_link(in, "ledger/cohorts") > 0 &&
        !tr_rf_read_cohorts(in->file, &k, &present, err, sizeof err) && present) {
        c->n_cohorts = TR_LEDGER_COHORTS;
        for (int j = 0; j < TR_LEDGER_COHORTS; j++)
            c->cohort_day[j] = (int32_t)k.day[j], c->cohort_used[j] = k.used[j],
            c->cohort_rate[j] = k.obligors[j] ? (double)k.defaults[j] / (double)k.obligors[j] : NAN;
        c->rate_now = c->cohort_rate[0];
    }
    return TR_EXIT_OK;
}

/* The fields of /crosschecks/summary read here. */
struct check_line {
    char check[32];
    char table[24];
    int32_t region;
    int64_t count;
};

/* Each finding of /crosschecks/summary into its count, all regions together. */
static void add_check(struct tr_summary_checks *c, const struct check_line *r)
{
    if (strncmp(r->check, "ledger_", 7) == 0 && strcmp(r->check, "ledger_checked") != 0)
        c->ledger_breaks += r->count;
    else if (strcmp(r->check, "duplicates") == 0)
        c->duplicates += r->count;
    else if (strcmp(r->check, "unknown_antenna") == 0)
        c->unknown_antennas += r->count;
    else if (strcmp(r->check, "unregistered_subscribers") == 0)
        c->unregistered_subscribers += r->count;
    else if (strcmp(r->check, "alerts") == 0)
        for (int q = 0; q < TR_RULE_COUNT; q++)
            if (strcmp(r->table, tr_rule_names[q]) == 0) c->alerts[q] += r->count;
}

static int read_checks(struct reader *in)
{
    const int has = has_link(in, "crosschecks");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    /* The strings' sizes less one: tr_h5_str_type adds the NUL. */
    hid_t s32 = tr_h5_str_type(31), s24 = tr_h5_str_type(23);
    typedef struct check_line s;
    const struct member m[] = {
        {"check", HOFFSET(s, check), s32},
        {"table", HOFFSET(s, table), s24},
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"count", HOFFSET(s, count), H5T_NATIVE_INT64},
    };
    hid_t t = MEMORY_TYPE(s, m);
    size_t n = 0;
    struct check_line *rows = read_summary_table(in, "crosschecks", t, sizeof *rows, &n);
    H5_CHECK(H5Tclose(t));
    H5_CHECK(H5Tclose(s32));
    H5_CHECK(H5Tclose(s24));
    if (!rows) return TR_EXIT_INPUT;
    in->s->checks = (struct tr_summary_checks){0};
    for (size_t k = 0; k < n; k++)
        add_check(&in->s->checks, &rows[k]);
    free(rows);
    in->s->parts |= TR_SUMMARY_CHECKS;
    return TR_EXIT_OK;
}

/* The last row of a table, read through a memory type holding some of its fields. */
static int read_last_row(hid_t g, const char *name, hid_t type, void *row)
{
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hsize_t dims[1] = {0};
    int rc = d < 0 || dims_of(d, 1, dims) || dims[0] == 0;
    if (!rc) rc = read_block(d, type, dims[0] - 1, 1, 0, row);
    if (d >= 0) H5_CHECK(H5Dclose(d));
    return rc;
}

/* The fields of /stress/<scenario>/regions (the whole book, as it stands and under the scenario:
 * its last row) and risk_measures (Monte Carlo VaR and ES: the highest level, the last row). */
struct stress_line {
    double ead, el, el_stressed, capital, capital_stressed;
};
struct measure_line {
    double level, var, es;
};

static void scenario_types(hid_t *lines, hid_t *measures)
{
    typedef struct stress_line sl;
    const struct member l[] = {
        {"ead", HOFFSET(sl, ead), H5T_NATIVE_DOUBLE},
        {"el", HOFFSET(sl, el), H5T_NATIVE_DOUBLE},
        {"el_stressed", HOFFSET(sl, el_stressed), H5T_NATIVE_DOUBLE},
        {"capital", HOFFSET(sl, capital), H5T_NATIVE_DOUBLE},
        {"capital_stressed", HOFFSET(sl, capital_stressed), H5T_NATIVE_DOUBLE},
    };
    typedef struct measure_line ml;
    const struct member m[] = {
        {"level", HOFFSET(ml, level), H5T_NATIVE_DOUBLE},
        {"var", HOFFSET(ml, var), H5T_NATIVE_DOUBLE},
        {"es", HOFFSET(ml, es), H5T_NATIVE_DOUBLE},
    };
    *lines = MEMORY_TYPE(sl, l);
    *measures = MEMORY_TYPE(ml, m);
}

/* The scenario at index k of the group g (in name order). */
static int read_scenario(const struct reader *in, hid_t g, hsize_t k, hid_t lines, hid_t measures,
                         struct tr_summary_scenario *sc)
{
    *sc = (struct tr_summary_scenario){0};
    const ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, sc->name,
                                           sizeof sc->name, H5P_DEFAULT);
    if (len < 0 || (size_t)len >= sizeof sc->name)
        return fail(in, "a name in /stress cannot be read or is not a scenario's");
    hid_t sg = H5Gopen2(g, sc->name, H5P_DEFAULT);
    struct stress_line l = {0};
    struct measure_line v = {0};
    int rc = TR_EXIT_OK;
    if (sg < 0 || read_last_row(sg, "regions", lines, &l) ||
        read_last_row(sg, "risk_measures", measures, &v) ||
        read_attr_scalar(sg, "horizon_years", H5T_NATIVE_INT32, &sc->years))
        rc = fail(in, "a /stress group lacks its regions, risk_measures or horizon_years");
    if (sg >= 0) H5_CHECK(H5Gclose(sg));
    sc->ead = l.ead;
    sc->el = l.el;
    sc->el_stressed = l.el_stressed;
    sc->capital = l.capital;
    sc->capital_stressed = l.capital_stressed;
    sc->level = v.level;
    sc->var = v.var;
    sc->es = v.es;
    return rc;
}

/* One line per stress scenario; those read before a damaged one are kept. */
static int read_stress(struct reader *in)
{
    const int has = has_link(in, "stress");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    hid_t g = H5Gopen2(in->file, "stress", H5P_DEFAULT);
    H5G_info_t info;
    if (g < 0 || H5Gget_info(g, &info) < 0) {
        if (g >= 0) H5_CHECK(H5Gclose(g));
        return fail(in, "cannot read /stress");
    }
    struct tr_run_summary *s = in->s;
    s->parts |= TR_SUMMARY_STRESS;
    s->scenarios = TR_CALLOC(info.nlinks ? info.nlinks : 1, sizeof *s->scenarios);
    hid_t lines, measures;
    scenario_types(&lines, &measures);
    int rc = TR_EXIT_OK;
    for (hsize_t k = 0; k < info.nlinks && !rc; k++) {
        rc = read_scenario(in, g, k, lines, measures, &s->scenarios[s->n_scenarios]);
        if (!rc) s->n_scenarios++;
    }
    H5_CHECK(H5Tclose(lines));
    H5_CHECK(H5Tclose(measures));
    H5_CHECK(H5Gclose(g));
    return rc;
}

/* A clear reason when the path itself is the problem, before HDF5 is asked. */
static int open_file(struct reader *in)
{
    struct stat st;
    if (stat(in->path, &st) != 0) {
        fprintf(in->msg, "telrisk: cannot open run file %s: %s\n", in->path, strerror(errno));
        return TR_EXIT_INPUT;
    }
    if (H5Fis_hdf5(in->path) <= 0) return fail(in, "not an HDF5 file (or not readable)");
    in->file = H5Fopen(in->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    return in->file < 0 ? fail(in, "HDF5 cannot open it") : TR_EXIT_OK;
}

int tr_run_summary_read(const char *path, struct tr_run_summary *s, FILE *msg)
{
    *s = (struct tr_run_summary){.path = TR_STRDUP(path)};
    struct reader in = {.path = path, .msg = msg ? msg : stderr, .file = H5I_INVALID_HID, .s = s};
    struct tr_h5_quiet quiet;
    tr_h5_quiet_begin(&quiet); /* every failure below is reported with the file's path */
    int rc = open_file(&in);
    if (rc == TR_EXIT_OK) rc = read_root(&in);
    if (rc == TR_EXIT_OK) rc = read_subscribers(&in);
    if (rc == TR_EXIT_OK) rc = read_inputs(&in);
    if (rc == TR_EXIT_OK) rc = read_tables(&in);
    if (rc == TR_EXIT_OK) s->parts |= TR_SUMMARY_RUN;
    if (rc == TR_EXIT_OK) rc = read_models(&in);
    if (rc == TR_EXIT_OK) rc = read_checks(&in);
    if (rc == TR_EXIT_OK) rc = read_backtest(&in);
    if (rc == TR_EXIT_OK) rc = read_concentration(&in);
    if (rc == TR_EXIT_OK) rc = read_calibration(&in);
    if (rc == TR_EXIT_OK) rc = read_auc_tests(&in);
    if (rc == TR_EXIT_OK) rc = read_migration(&in);
    if (rc == TR_EXIT_OK) rc = read_drift(&in);
    if (rc == TR_EXIT_OK) rc = read_ifrs9(&in);
    if (rc == TR_EXIT_OK) rc = read_stress(&in);
    if (in.file >= 0) H5_CHECK(H5Fclose(in.file));
    tr_h5_quiet_end(&quiet);
    return rc;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

void tr_run_summary_free(struct tr_run_summary *s)
{
    free(s->path);
    free(s->tables);
    free(s->grades);
    free(s->concentration);
    free(s->auc_tests);
    free(s->migration);
    free(s->drift);
    free(s->ifrs9);
    free(s->ifrs9_scenarios);
    free(s->version);
    free(s->created);
    free(s->window_start);
    free(s->window_end);
    free(s->window_rule);
    free_list(s->regions, s->n_regions);
    free_list(s->features, s->n_features);
    if (s->tallies) {
        free(s->tallies[0].sum);
        free(s->tallies[0].defined);
    }
    free(s->tallies);
    free(s->models);
    free(s->scenarios);
    *s = (struct tr_run_summary){0};
}
