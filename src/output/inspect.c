/* telrisk inspect: a run file summarised for people, one row per region. Reads the file
 * serially and never ends the job on a bad file: anything unexpected in it is reported with the
 * file's path and the object and gives TR_EXIT_INPUT. HDF5 calls that do not depend on the file
 * (closing what was opened, building memory types and selections) are H5_CHECKed: their failure
 * is internal (exit 3). */
#include "output/runfile.h"

#include "core/error.h"
#include "io/h5.h"
#include "output/suppress.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SHOWN 6

/* Features worth a glance, in column order, with their column labels; those the run did not
 * compute are skipped. */
static const char *const shown_features[MAX_SHOWN] = {
    "number_of_interactions__allweek__allday__call__mean",
    "number_of_contacts__allweek__allday__call__mean",
    "active_days__allweek__allday__callandtext__mean",
    "radius_of_gyration__allweek__allday__mean",
    "mm_count_all",
    "recharges_sum",
};
static const char *const shown_labels[MAX_SHOWN] = {
    "calls/wk", "callees/wk", "active days/wk", "gyration km", "payments", "top-ups",
};

/* Rows read at a time, so a file of any size is summarised in bounded memory. */
#define BLOCK_BYTES ((size_t)8 << 20)

/* n strings of width bytes each, NUL-terminated. */
struct strings {
    size_t n, width;
    char *text;
};

static const char *string_at(const struct strings *s, size_t i)
{
    return s->text + i * s->width;
}

/* One region's (or the nation's) subscribers and the sums behind its means; NaN is skipped. */
struct tally {
    uint64_t subscribers;
    double sum[MAX_SHOWN];
    uint64_t defined[MAX_SHOWN];
};

struct inspection {
    const char *path;
    FILE *msg;
    hid_t file;
    struct strings regions, features, version, created;
    uint64_t seed;
    int32_t ranks;
    int shown[MAX_SHOWN]; /* column of each shown feature */
    const char *shown_label[MAX_SHOWN];
    int n_shown;
    hsize_t n, n_cols;
    struct tally *tallies; /* [regions.n] regions, then unknown region, then national */
    int64_t files, lines, accepted, rejected;
    int64_t k_min; /* privacy.k_min: rows of fewer subscribers are suppressed here too */
};

static int fail(const struct inspection *in, const char *what)
{
    fprintf(in->msg, "telrisk: %s: %s\n", in->path, what);
    return TR_EXIT_INPUT;
}

/* A fixed-length string or 1-D array of them, from a dataset or an attribute. */
static int read_strings(hid_t id, int is_attr, struct strings *s)
{
    hid_t type = is_attr ? H5Aget_type(id) : H5Dget_type(id);
    hid_t space = is_attr ? H5Aget_space(id) : H5Dget_space(id);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    const size_t size = type >= 0 ? H5Tget_size(type) : 0; /* 0: HDF5 cannot tell */
    int ok = type >= 0 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) == 0 &&
             size > 0 && (rank == 0 || rank == 1) && n >= 0;
    if (ok) {
        s->n = (size_t)n;
        s->width = size + 1; /* room for a NUL even when the file has none */
        s->text = TR_CALLOC(s->n ? s->n : 1, s->width);
        hid_t mem = H5Tcopy(type); /* same character set: HDF5 does not convert between sets */
        H5_CHECK(mem);
        H5_CHECK(H5Tset_size(mem, s->width));
        H5_CHECK(H5Tset_strpad(mem, H5T_STR_NULLTERM));
        ok = (is_attr ? H5Aread(id, mem, s->text)
                      : H5Dread(id, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->text)) >= 0;
        H5_CHECK(H5Tclose(mem));
    }
    if (type >= 0) H5_CHECK(H5Tclose(type));
    if (space >= 0) H5_CHECK(H5Sclose(space));
    return ok ? 0 : -1;
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

static int read_root(struct inspection *in)
{
    if (read_attr_strings(in->file, ".", "telrisk_version", &in->version))
        return fail(in, "not a telrisk run file (no telrisk_version attribute)");
    if (read_attr_strings(in->file, ".", "created_utc", &in->created) ||
        read_attr_scalar(in->file, "seed", H5T_NATIVE_UINT64, &in->seed) ||
        read_attr_scalar(in->file, "ranks", H5T_NATIVE_INT32, &in->ranks))
        return fail(in, "the root attributes created_utc, seed or ranks are missing or unreadable");
    hid_t d = H5Dopen2(in->file, "/regions/names", H5P_DEFAULT);
    int rc = d < 0 ? -1 : read_strings(d, 0, &in->regions);
    if (d >= 0) H5_CHECK(H5Dclose(d));
    if (rc) return fail(in, "not a telrisk run file (no readable /regions/names)");
    if (read_attr_strings(in->file, "/subscribers/features", "names", &in->features))
        return fail(in, "not a telrisk run file (no /subscribers/features with names)");
    /* The run's own privacy.k_min, when it asked for more than this command does. */
    struct strings config = {0};
    if (read_attr_strings(in->file, ".", "config", &config) == 0 && config.n == 1) {
        const char *at = strstr(string_at(&config, 0), "\nk_min = ");
        const long long run_k = at ? strtoll(at + 9, NULL, 10) : 0;
        if (run_k > in->k_min) in->k_min = run_k;
    }
    free(config.text);
    return TR_EXIT_OK;
}

static void choose_features(struct inspection *in)
{
    in->n_shown = 0;
    for (int k = 0; k < MAX_SHOWN; k++)
        for (size_t j = 0; j < in->features.n; j++)
            if (strcmp(string_at(&in->features, j), shown_features[k]) == 0) {
                in->shown_label[in->n_shown] = shown_labels[k];
                in->shown[in->n_shown++] = (int)j;
                break;
            }
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

static void add_row(struct inspection *in, int32_t region, const double *row)
{
    size_t unknown = in->regions.n;
    size_t slot = region >= 0 && (size_t)region < unknown ? (size_t)region : unknown;
    struct tally *both[2] = {&in->tallies[slot], &in->tallies[unknown + 1]};
    for (int t = 0; t < 2; t++) {
        both[t]->subscribers++;
        for (int k = 0; k < in->n_shown; k++) {
            double v = row[in->shown[k]];
            if (isnan(v)) continue;
            both[t]->sum[k] += v;
            both[t]->defined[k]++;
        }
    }
}

/* Streams /subscribers/region and /subscribers/features in blocks into the tallies. */
static int tally_blocks(struct inspection *in, hid_t region, hid_t features)
{
    size_t row_bytes = (size_t)in->n_cols * sizeof(double);
    hsize_t per_block = row_bytes && BLOCK_BYTES / row_bytes ? BLOCK_BYTES / row_bytes : 65536;
    int32_t *reg = TR_MALLOC(sizeof *reg * per_block);
    double *feat = TR_MALLOC(row_bytes ? row_bytes * per_block : 1);
    int rc = 0;
    for (hsize_t first = 0; rc == 0 && first < in->n; first += per_block) {
        hsize_t n = in->n - first < per_block ? in->n - first : per_block;
        rc = read_block(region, H5T_NATIVE_INT32, first, n, 0, reg);
        if (rc == 0 && in->n_cols)
            rc = read_block(features, H5T_NATIVE_DOUBLE, first, n, in->n_cols, feat);
        for (hsize_t i = 0; rc == 0 && i < n; i++)
            add_row(in, reg[i], feat + i * in->n_cols);
    }
    free(reg);
    free(feat);
    return rc;
}

static int read_subscribers(struct inspection *in)
{
    hid_t region = H5Dopen2(in->file, "/subscribers/region", H5P_DEFAULT);
    hid_t features = H5Dopen2(in->file, "/subscribers/features", H5P_DEFAULT);
    hsize_t n_region[1] = {0}, shape[2] = {0, 0};
    int ok = region >= 0 && features >= 0 && dims_of(region, 1, n_region) == 0 &&
             dims_of(features, 2, shape) == 0 && shape[0] == n_region[0] &&
             shape[1] == in->features.n;
    int rc = ok ? TR_EXIT_OK
                : fail(in, "/subscribers/region and /subscribers/features are missing or do not "
                           "match in shape");
    in->n = shape[0];
    in->n_cols = shape[1];
    in->tallies = TR_CALLOC(in->regions.n + 2, sizeof *in->tallies);
    if (rc == TR_EXIT_OK && tally_blocks(in, region, features))
        rc = fail(in, "cannot read /subscribers/region or /subscribers/features");
    if (region >= 0) H5_CHECK(H5Dclose(region));
    if (features >= 0) H5_CHECK(H5Dclose(features));
    return rc;
}

/* The input accounting: only the counting columns of /provenance/inputs, matched by name. */
static int read_inputs(struct inspection *in)
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
    in->files = ok ? (int64_t)n[0] : 0;
    for (hsize_t i = 0; ok && i < n[0]; i++) {
        in->lines += rows[i].lines;
        in->accepted += rows[i].accepted;
        in->rejected += rows[i].rejected;
    }
    free(rows);
    if (d >= 0) H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(mem));
    return ok ? TR_EXIT_OK : fail(in, "cannot read /provenance/inputs");
}

/* Characters on screen, not bytes: region names may be UTF-8 ("Région Île"). */
static int display_width(const char *text)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static int column_width(const char *heading, int at_least)
{
    int len = display_width(heading);
    return len > at_least ? len : at_least;
}

static void print_padded(FILE *out, const char *text, int width)
{
    fprintf(out, "%s%*s", text, width - display_width(text), "");
}

static void print_mean(FILE *out, int width, const struct tally *t, int k)
{
    if (t->defined[k] == 0) {
        fprintf(out, "  %*s", width, "-");
        return;
    }
    double mean = t->sum[k] / (double)t->defined[k];
    if (fabs(mean) < 0.005) mean = 0.0; /* no "-0.00" */
    fprintf(out, fabs(mean) < 1e7 ? "  %*.2f" : "  %*.4g", width, mean);
}

static void print_row(FILE *out, const struct inspection *in, int name_width, const char *name,
                      const struct tally *t)
{
    print_padded(out, name, name_width);
    fprintf(out, "  %11" PRIu64, t->subscribers);
    for (int k = 0; k < in->n_shown; k++)
        print_mean(out, column_width(in->shown_label[k], 10), t, k);
    fputc('\n', out);
}

/* Why a row shows no figures (output/suppress.h), or NULL when it shows them. */
static const char *suppressed_text(int8_t state)
{
    return state == TR_CELL_SMALL        ? "suppressed: fewer than privacy.k_min subscribers"
           : state == TR_CELL_COMPLEMENT ? "suppressed: would give a small row away"
                                         : NULL;
}

/* The per-region rows' states: regions, the unknown region, with the national row their total. */
static int8_t *region_row_states(const struct inspection *in)
{
    const size_t n = in->regions.n + 2;
    struct tr_cell *cells = TR_CALLOC(n, sizeof *cells);
    for (size_t r = 0; r < n; r++)
        cells[r] =
            (struct tr_cell){(int64_t)in->tallies[r].subscribers, 0, r + 1 < n ? (int)r : -1, 0};
    tr_suppress(cells, n, in->k_min);
    int8_t *state = TR_CALLOC(n, 1);
    for (size_t r = 0; r < n; r++)
        state[r] = cells[r].state;
    free(cells);
    return state;
}

static void print_row_or_why(FILE *out, const struct inspection *in, int name_width,
                             const char *name, const struct tally *t, int8_t state)
{
    if (!state) {
        print_row(out, in, name_width, name, t);
        return;
    }
    print_padded(out, name, name_width);
    fprintf(out, "  %11s  %s\n", "-", suppressed_text(state));
}

static void print_table(FILE *out, const struct inspection *in)
{
    int name_width = column_width("(unknown)", 8);
    for (size_t r = 0; r < in->regions.n; r++)
        name_width = column_width(string_at(&in->regions, r), name_width);
    print_padded(out, "region", name_width);
    fprintf(out, "  %11s", "subscribers");
    for (int k = 0; k < in->n_shown; k++) {
        const char *name = in->shown_label[k];
        fprintf(out, "  %*s", column_width(name, 10), name);
    }
    fputc('\n', out);
    int8_t *state = region_row_states(in);
    for (size_t r = 0; r < in->regions.n; r++)
        print_row_or_why(out, in, name_width, string_at(&in->regions, r), &in->tallies[r],
                         state[r]);
    if (in->tallies[in->regions.n].subscribers)
        print_row_or_why(out, in, name_width, "(unknown)", &in->tallies[in->regions.n],
                         state[in->regions.n]);
    print_row_or_why(out, in, name_width, "national", &in->tallies[in->regions.n + 1],
                     state[in->regions.n + 1]);
    free(state);
}

static void print_summary(FILE *out, const struct inspection *in)
{
    fprintf(out, "run file     %s\n", in->path);
    fprintf(out, "telrisk      %s, created %s, seed %" PRIu64 ", %d rank%s\n",
            string_at(&in->version, 0), string_at(&in->created, 0), in->seed, (int)in->ranks,
            in->ranks == 1 ? "" : "s");
    fprintf(out,
            "subscribers  %" PRIu64 " in %zu regions, %zu features (means below skip "
            "undefined values)\n\n",
            (uint64_t)in->n, in->regions.n, in->features.n);
    print_table(out, in);
    double rate = in->lines ? 100.0 * (double)in->rejected / (double)in->lines : 0.0;
    fprintf(out,
            "\ninputs: %" PRId64 " files, %" PRId64 " lines, %" PRId64 " accepted, %" PRId64
            " rejected (%.3f%%)\n",
            in->files, in->lines, in->accepted, in->rejected, rate);
    fflush(out);
}

/* The fields of /models/summary shown here (HDF5 picks them out by name). */
struct model_line {
    int32_t region;
    int8_t own_model;
    int8_t suppressed; /* 0 in a file written before suppression */
    int64_t train_defaults, holdout_rows, holdout_defaults;
    double auc, auc_national_model, mean_pd, default_rate, hl_p;
};

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

static hid_t model_line_type(void)
{
    typedef struct model_line s;
    const struct member m[] = {
        {"region", HOFFSET(s, region), H5T_NATIVE_INT32},
        {"own_model", HOFFSET(s, own_model), H5T_NATIVE_INT8},
        {"suppressed", HOFFSET(s, suppressed), H5T_NATIVE_INT8},
        {"train_defaults", HOFFSET(s, train_defaults), H5T_NATIVE_INT64},
        {"holdout_rows", HOFFSET(s, holdout_rows), H5T_NATIVE_INT64},
        {"holdout_defaults", HOFFSET(s, holdout_defaults), H5T_NATIVE_INT64},
        {"auc", HOFFSET(s, auc), H5T_NATIVE_DOUBLE},
        {"auc_national_model", HOFFSET(s, auc_national_model), H5T_NATIVE_DOUBLE},
        {"mean_pd", HOFFSET(s, mean_pd), H5T_NATIVE_DOUBLE},
        {"default_rate", HOFFSET(s, default_rate), H5T_NATIVE_DOUBLE},
        {"hl_p", HOFFSET(s, hl_p), H5T_NATIVE_DOUBLE},
    };
    return MEMORY_TYPE(s, m);
}

/* Whether the file has the link name: 1 or 0; -1 (said) when HDF5 cannot tell (a damaged
 * group). */
static int has_link(const struct inspection *in, const char *name)
{
    const htri_t yes = H5Lexists(in->file, name, H5P_DEFAULT);
    if (yes < 0) {
        char what[128];
        snprintf(what, sizeof what, "cannot tell whether it has /%s", name);
        fail(in, what);
    }
    return yes < 0 ? -1 : yes > 0;
}

/* /models/summary as a table, when the run has models: each region's own model (or the
 * national one) on its hold-out, beside the national model on the same rows. */
static int print_models(FILE *out, const struct inspection *in)
{
    const int has = has_link(in, "models");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    hid_t d = H5Dopen2(in->file, "models/summary", H5P_DEFAULT);
    if (d < 0) return fail(in, "/models has no summary table");
    hsize_t dims[1] = {0};
    if (dims_of(d, 1, dims)) {
        H5_CHECK(H5Dclose(d));
        return fail(in, "/models/summary is not a table");
    }
    struct model_line *rows = TR_CALLOC((size_t)dims[0] + 1, sizeof *rows);
    hid_t t = model_line_type();
    herr_t e = H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
    H5_CHECK(H5Tclose(t));
    H5_CHECK(H5Dclose(d));
    if (e < 0) {
        free(rows);
        return fail(in, "cannot read /models/summary");
    }
    int width = 8;
    for (size_t r = 0; r < in->regions.n; r++)
        if (display_width(string_at(&in->regions, r)) > width)
            width = display_width(string_at(&in->regions, r));
    fprintf(out, "\nmodels: hold-out validation (own: the region's model; AUC nat.: the national "
                 "model on the same rows)\n");
    print_padded(out, "region", width);
    fprintf(out, "  %5s  %9s  %8s  %8s  %7s  %8s  %7s  %8s  %6s\n", "own", "train def", "hold-out",
            "defaults", "AUC", "AUC nat.", "mean PD", "def rate", "HL p");
    for (hsize_t k = 0; k < dims[0]; k++) {
        const struct model_line *m = &rows[(k + 1) % dims[0]]; /* regions first, "all" last */
        print_padded(out, m->region < 0 ? "all" : string_at(&in->regions, (size_t)m->region),
                     width);
        if (m->suppressed) {
            fprintf(out, "  %5s  %s\n", m->own_model ? "yes" : "no",
                    suppressed_text(m->suppressed));
            continue;
        }
        fprintf(out,
                "  %5s  %9" PRId64 "  %8" PRId64 "  %8" PRId64
                "  %7.4f  %8.4f  %7.4f  %8.4f  %6.3f\n",
                m->region < 0  ? "-"
                : m->own_model ? "yes"
                               : "no",
                m->train_defaults, m->holdout_rows, m->holdout_defaults, m->auc,
                m->auc_national_model, m->mean_pd, m->default_rate, m->hl_p);
    }
    free(rows);
    return TR_EXIT_OK;
}

/* The fields of /crosschecks/summary shown here. */
struct check_line {
    char check[32];
    char table[24];
    int32_t region;
    int64_t count;
};

/* One line per kind of finding from /crosschecks/summary, all regions together. */
static int print_crosschecks(FILE *out, const struct inspection *in)
{
    const int has = has_link(in, "crosschecks");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    hid_t d = H5Dopen2(in->file, "crosschecks/summary", H5P_DEFAULT);
    if (d < 0) return fail(in, "/crosschecks has no summary table");
    hsize_t dims[1] = {0};
    if (dims_of(d, 1, dims)) {
        H5_CHECK(H5Dclose(d));
        return fail(in, "/crosschecks/summary is not a table");
    }
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
    struct check_line *rows = TR_CALLOC((size_t)dims[0] + 1, sizeof *rows);
    herr_t e = H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
    H5_CHECK(H5Tclose(t));
    H5_CHECK(H5Tclose(s32));
    H5_CHECK(H5Tclose(s24));
    H5_CHECK(H5Dclose(d));
    if (e < 0) {
        free(rows);
        return fail(in, "cannot read /crosschecks/summary");
    }
    int64_t breaks = 0, dups = 0, unknown = 0, unregistered = 0;
    static const char *const rules[] = {"account_takeover", "impossible_travel", "simbox",
                                        "velocity", "dormant_then_active"};
    int64_t alerts[5] = {0};
    for (hsize_t k = 0; k < dims[0]; k++) {
        const struct check_line *r = &rows[k];
        if (strncmp(r->check, "ledger_", 7) == 0 && strcmp(r->check, "ledger_checked") != 0)
            breaks += r->count;
        else if (strcmp(r->check, "duplicates") == 0)
            dups += r->count;
        else if (strcmp(r->check, "unknown_antenna") == 0)
            unknown += r->count;
        else if (strcmp(r->check, "unregistered_subscribers") == 0)
            unregistered += r->count;
        else if (strcmp(r->check, "alerts") == 0)
            for (int q = 0; q < 5; q++)
                if (strcmp(r->table, rules[q]) == 0) alerts[q] += r->count;
    }
    free(rows);
    fprintf(out,
            "\ncrosschecks: %" PRId64 " ledger breaks, %" PRId64 " duplicate records, %" PRId64
            " unknown antennas, %" PRId64 " unregistered subscribers\nfraud alerts:",
            breaks, dups, unknown, unregistered);
    for (int q = 0; q < 5; q++)
        fprintf(out, " %s %" PRId64 "%s", rules[q], alerts[q], q < 4 ? "," : "\n");
    return TR_EXIT_OK;
}

/* The fields of /stress/<scenario>/regions and risk_measures shown here. */
struct stress_line {
    double ead, el, el_stressed, capital, capital_stressed;
};
struct measure_line {
    double level, var, es;
};

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

/* One line per stress scenario: the whole book as it stands and under the scenario. */
static int print_stress(FILE *out, const struct inspection *in)
{
    const int has = has_link(in, "stress");
    if (has <= 0) return has < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
    hid_t g = H5Gopen2(in->file, "stress", H5P_DEFAULT);
    H5G_info_t info;
    if (g < 0 || H5Gget_info(g, &info) < 0) {
        if (g >= 0) H5_CHECK(H5Gclose(g));
        return fail(in, "cannot read /stress");
    }
    typedef struct stress_line sl;
    const struct member lines[] = {
        {"ead", HOFFSET(sl, ead), H5T_NATIVE_DOUBLE},
        {"el", HOFFSET(sl, el), H5T_NATIVE_DOUBLE},
        {"el_stressed", HOFFSET(sl, el_stressed), H5T_NATIVE_DOUBLE},
        {"capital", HOFFSET(sl, capital), H5T_NATIVE_DOUBLE},
        {"capital_stressed", HOFFSET(sl, capital_stressed), H5T_NATIVE_DOUBLE},
    };
    typedef struct measure_line ml;
    const struct member measures[] = {
        {"level", HOFFSET(ml, level), H5T_NATIVE_DOUBLE},
        {"var", HOFFSET(ml, var), H5T_NATIVE_DOUBLE},
        {"es", HOFFSET(ml, es), H5T_NATIVE_DOUBLE},
    };
    hid_t t = MEMORY_TYPE(sl, lines), m = MEMORY_TYPE(ml, measures);
    fprintf(out, "\nstress: the whole loan book, as it stands -> under the scenario (EL over the "
                 "horizon; Monte Carlo VaR and ES at the highest level)\n");
    fprintf(out, "%-18s %5s %12s %12s %12s %12s %12s %7s %12s %12s\n", "scenario", "years", "EAD",
            "EL", "stressed EL", "capital", "stressed cap", "level", "VaR", "ES");
    int rc = TR_EXIT_OK;
    for (hsize_t k = 0; k < info.nlinks && !rc; k++) {
        char name[64] = "";
        const ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name,
                                               sizeof name, H5P_DEFAULT);
        if (len < 0 || (size_t)len >= sizeof name) {
            rc = fail(in, "a name in /stress cannot be read or is not a scenario's");
            break;
        }
        hid_t sg = H5Gopen2(g, name, H5P_DEFAULT);
        struct stress_line l = {0};
        struct measure_line v = {0};
        int32_t years = 0;
        if (sg < 0 || read_last_row(sg, "regions", t, &l) ||
            read_last_row(sg, "risk_measures", m, &v) ||
            read_attr_scalar(sg, "horizon_years", H5T_NATIVE_INT32, &years))
            rc = fail(in, "a /stress group lacks its regions, risk_measures or horizon_years");
        else
            fprintf(out, "%-18s %5d %12.6g %12.6g %12.6g %12.6g %12.6g %7g %12.6g %12.6g\n", name,
                    years, l.ead, l.el, l.el_stressed, l.capital, l.capital_stressed, v.level,
                    v.var, v.es);
        if (sg >= 0) H5_CHECK(H5Gclose(sg));
    }
    H5_CHECK(H5Tclose(t));
    H5_CHECK(H5Tclose(m));
    H5_CHECK(H5Gclose(g));
    return rc;
}

/* A clear reason when the path itself is the problem, before HDF5 is asked. */
static int open_file(struct inspection *in)
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

static void release(struct inspection *in)
{
    if (in->file >= 0) H5_CHECK(H5Fclose(in->file));
    free(in->regions.text);
    free(in->features.text);
    free(in->version.text);
    free(in->created.text);
    free(in->tallies);
}

int tr_runfile_inspect(const char *path, int64_t k_min, FILE *out, FILE *msg)
{
    struct inspection in = {
        .path = path, .msg = msg ? msg : stderr, .file = H5I_INVALID_HID, .k_min = k_min};
    struct tr_h5_quiet quiet;
    tr_h5_quiet_begin(&quiet); /* every failure below is reported with the file's path */
    int rc = open_file(&in);
    if (rc == TR_EXIT_OK) rc = read_root(&in);
    if (rc == TR_EXIT_OK) {
        choose_features(&in);
        rc = read_subscribers(&in);
    }
    if (rc == TR_EXIT_OK) rc = read_inputs(&in);
    if (rc == TR_EXIT_OK) print_summary(out, &in);
    if (rc == TR_EXIT_OK) rc = print_models(out, &in);
    if (rc == TR_EXIT_OK) rc = print_crosschecks(out, &in);
    if (rc == TR_EXIT_OK) rc = print_stress(out, &in);
    release(&in);
    tr_h5_quiet_end(&quiet);
    return rc;
}
