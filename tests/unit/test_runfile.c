/* output/runfile: a small synthetic run written, then read back value by value with the HDF5 C
 * API; failures to create; telrisk inspect (output/summary reads, present/inspect prints); the
 * same file from any number of ranks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/log.h"
#include "core/fs.h"
#include "io/h5.h"
#include "output/groups.h"
#include "output/runfile.h"
#include "output/seal.h"
#include "output/stored.h"
#include "output/summary.h"
#include "present/inspect.h"

#include <dirent.h>
#include <hdf5.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_SUB   10
#define N_FEAT  4
#define N_REG   3
#define N_IN    2
#define N_STAGE 2
#define N_REJ   3

/* ------------------------------------------------------------------ the synthetic run */

static const char *const region_names[N_REG] = {"North", "Central Highlands", "South"};

static const struct tr_feature_info feature_info[N_FEAT] = {
    {"number_of_interactions__allweek__allday__call__mean", "count", "calls per week"},
    {"active_days__allweek__allday__callandtext__mean", "days", "active days per week"},
    {"radius_of_gyration__allweek__allday__mean", "km", "weekly radius of gyration"},
    {"balance_mean", "currency", "mean mobile-money balance"},
};

/* Keys span the whole uint64 range; region 4 is unknown. North 4, Central Highlands 3, South 2. */
static const uint64_t keys[N_SUB] = {
    3,          17,         1000,       UINT64_C(1) << 32, 1ull << 40,
    1ull << 50, 1ull << 62, 1ull << 63, UINT64_MAX - 1,    UINT64_MAX};
static const int32_t regions[N_SUB] = {0, 1, 1, 0, -1, 2, 1, 2, 0, 0};
static const int8_t labels[N_SUB] = {-1, 0, 1, 0, -1, 1, 0, 0, -1, 1};
static const int8_t holdouts[N_SUB] = {0, 1, 0, 0, 1, 0, 0, 1, 0, 0};

static double features[N_SUB][N_FEAT];

static const struct tr_input_stat inputs[N_IN] = {
    {"cdr", "data/cdr.csv", 1000, 20, 18, 2, 1, 3},
    {"antennas", "data/antennas.csv", 300, 10, 9, 1, 0, 0},
};

static const struct tr_stage_stat stages[N_STAGE] = {
    {"read", 0.5, 30, 60.0, 12.5, 25.0},
    {"features", 0.25, 10, 40.0, 20.0, 40.0},
};

static const struct tr_reject rejects[N_REJ] = {
    {"cdr", 0, 5, "bad_timestamp", "call,######,######,2020-13-01"},
    {"cdr", 0, 9, "missing_field", "text,######"},
    {"antennas", 1, 4, "bad_number", "A7,T3,x,1.0"},
};

static const char config_text[] = "[run]\nseed = 42\n[output]\npath = out/run.h5\n";

static void fill_features(void)
{
    for (int i = 0; i < N_SUB; i++)
        for (int j = 0; j < N_FEAT; j++)
            features[i][j] = i * 10 + j + 0.25;
    features[3][2] = NAN; /* undefined: a subscriber in North who made no call */
}

/* The whole run as rank `rank` of `size` holds it: rows spread over all ranks but the last (so
 * one rank has none whenever there are two or more), rejects on rank 0 only. */
struct synthetic {
    struct tr_rf_root root;
    struct tr_rf_provenance provenance;
    struct tr_rf_rejects rejects;
    struct tr_rf_regions regions;
    struct tr_rf_subscribers subscribers;
    struct tr_run_contents c; /* the groups above */
};

static void link_groups(struct synthetic *s)
{
    s->c = (struct tr_run_contents){.root = &s->root,
                                    .provenance = &s->provenance,
                                    .rejects = &s->rejects,
                                    .regions = &s->regions,
                                    .subscribers = &s->subscribers};
}

static void synthetic_run(int rank, int size, struct synthetic *s)
{
    fill_features();
    int holders = size > 1 ? size - 1 : 1;
    size_t first = rank < holders ? (size_t)rank * N_SUB / (size_t)holders : N_SUB;
    size_t end = rank < holders ? (size_t)(rank + 1) * N_SUB / (size_t)holders : N_SUB;
    s->root = (struct tr_rf_root){.config_text = config_text, .seed = 42};
    s->provenance = (struct tr_rf_provenance){
        .inputs = inputs, .n_inputs = N_IN, .stages = stages, .n_stages = N_STAGE};
    s->rejects =
        (struct tr_rf_rejects){.rows = rank == 0 ? rejects : NULL, .n = rank == 0 ? N_REJ : 0};
    s->regions = (struct tr_rf_regions){.names = region_names, .n = N_REG};
    s->subscribers = (struct tr_rf_subscribers){
        .n_local = end - first,
        .key = keys + first,
        .region = regions + first,
        .label = labels + first,
        .holdout = holdouts + first,
        .features = &features[first][0],
        .n_features = N_FEAT,
        .feature_info = feature_info,
    };
    link_groups(s);
}

/* ------------------------------------------------------------------ helpers */

static char text[1 << 16]; /* what tr_runfile_write / inspect printed */

static int write_run(MPI_Comm comm, const char *path, const struct synthetic *out)
{
    FILE *msg = fmemopen(text, sizeof text, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, comm, msg);
    int rc = tr_runfile_write(&ctx, path, &out->c);
    fclose(msg);
    return rc;
}

/* k_min 1: nothing suppressed. */
static int inspect_k(const char *path, int64_t k_min, char *out_text, size_t cap)
{
    FILE *out = fmemopen(out_text, cap, "w");
    FILE *msg = fmemopen(text, sizeof text, "w");
    int rc = tr_inspect_file(path, k_min, out, msg);
    fclose(out);
    fclose(msg);
    return rc;
}

static int inspect(const char *path, char *out_text, size_t cap)
{
    return inspect_k(path, 1, out_text, cap);
}

static void make_dir(char *dir)
{
    strcpy(dir, "/tmp/telrisk_runfile_XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Files in dir whose name contains ".tmp". */
static int count_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return n;
}

static hid_t str_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    assert_true(H5Tset_size(t, size) >= 0);
    assert_true(H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0);
    assert_true(H5Tset_cset(t, H5T_CSET_UTF8) >= 0); /* HDF5 converts no ASCII <-> UTF-8 */
    return t;
}

/* A text attribute as telrisk writes every one: variable-length UTF-8 (h5py reads it as str), n
 * strings read into v with a variable-length memory type. */
static void read_text_attr(hid_t loc, const char *obj, const char *name, char **v, size_t n)
{
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ftype = H5Aget_type(a), space = H5Aget_space(a);
    assert_int_equal(H5Tget_class(ftype), H5T_STRING);
    assert_int_equal(H5Tis_variable_str(ftype), 1);
    assert_int_equal(H5Tget_cset(ftype), H5T_CSET_UTF8);
    assert_int_equal(H5Sget_simple_extent_npoints(space), n);
    hid_t mtype = H5Tcopy(H5T_C_S1);
    assert_true(H5Tset_size(mtype, H5T_VARIABLE) >= 0);
    assert_true(H5Tset_cset(mtype, H5T_CSET_UTF8) >= 0); /* HDF5 converts no ASCII <-> UTF-8 */
    assert_true(H5Aread(a, mtype, v) >= 0);
    H5Tclose(mtype);
    H5Tclose(ftype);
    H5Sclose(space);
    H5Aclose(a);
}

/* v's strings, as HDF5 allocated them, given back. */
static void free_text_attr(char **v, size_t n)
{
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL), mtype = H5Tcopy(H5T_C_S1);
    assert_true(H5Tset_size(mtype, H5T_VARIABLE) >= 0);
    assert_true(H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, v) >= 0);
    H5Tclose(mtype);
    H5Sclose(space);
}

static void expect_str_attr(hid_t loc, const char *obj, const char *name, const char *want)
{
    char *v[1] = {NULL};
    read_text_attr(loc, obj, name, v, 1);
    assert_non_null(v[0]);
    assert_string_equal(v[0], want);
    free_text_attr(v, 1);
}

static void expect_strs_attr(hid_t loc, const char *obj, const char *name, const char *const *want,
                             size_t n)
{
    char *v[16] = {NULL};
    assert_true(n <= 16);
    read_text_attr(loc, obj, name, v, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(v[i], want[i]);
    free_text_attr(v, n);
}

/* Opens a dataset, checks it is contiguous, has `description` (and `unit` when want_unit: every
 * 1-D dataset, "" for keys and codes; a table has `units` instead), and
 * has n rows. */
static hid_t open_dataset(hid_t f, const char *path, hsize_t n, int want_unit)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t dcpl = H5Dget_create_plist(d);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CONTIGUOUS);
    H5Pclose(dcpl);
    assert_int_equal(H5Aexists(d, "description"), 1);
    assert_int_equal(H5Aexists(d, "unit"), want_unit);
    hid_t space = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    assert_true(H5Sget_simple_extent_dims(space, dims, NULL) >= 1);
    assert_int_equal(dims[0], n);
    H5Sclose(space);
    return d;
}

/* The file's compound members, in order, are exactly `names`. */
static void expect_members(hid_t d, const char *const *names, int n)
{
    hid_t t = H5Dget_type(d);
    assert_int_equal(H5Tget_class(t), H5T_COMPOUND);
    assert_int_equal(H5Tget_nmembers(t), n);
    for (int i = 0; i < n; i++) {
        char *name = H5Tget_member_name(t, (unsigned)i);
        assert_string_equal(name, names[i]);
        H5free_memory(name);
        hid_t mt = H5Tget_member_type(t, (unsigned)i);
        if (H5Tget_class(mt) == H5T_STRING) assert_int_equal(H5Tis_variable_str(mt), 0);
        H5Tclose(mt);
    }
    H5Tclose(t);
}

/* ------------------------------------------------------------------ read-back checks */

static void check_root(hid_t f, int ranks)
{
    expect_str_attr(f, ".", "telrisk_version", TELRISK_VERSION);
    expect_str_attr(f, ".", "config", config_text);
    char *v[1] = {NULL}, created[64] = "";
    read_text_attr(f, ".", "created_utc", v, 1);
    snprintf(created, sizeof created, "%s", v[0]);
    free_text_attr(v, 1);
    hid_t a;
    int y, mo, d, h, mi, s;
    char z;
    assert_int_equal(sscanf(created, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z), 7);
    assert_int_equal(z, 'Z');
    assert_int_equal(strlen(created), 20);
    uint64_t seed = 0;
    int32_t r = 0;
    assert_true(H5Aread(a = H5Aopen(f, "seed", H5P_DEFAULT), H5T_NATIVE_UINT64, &seed) >= 0);
    H5Aclose(a);
    assert_true(H5Aread(a = H5Aopen(f, "ranks", H5P_DEFAULT), H5T_NATIVE_INT32, &r) >= 0);
    H5Aclose(a);
    assert_int_equal(seed, 42);
    assert_int_equal(r, ranks);
}

struct input_row {
    char table[32], path[64];
    int64_t bytes, lines, accepted, rejected, duplicates, unknown_antenna;
};

static void check_inputs(hid_t f)
{
    static const char *const names[] = {"table",    "path",     "bytes",      "lines",
                                        "accepted", "rejected", "duplicates", "unknown_antenna"};
    hid_t d = open_dataset(f, "/provenance/inputs", N_IN, 0);
    expect_members(d, names, 8);
    const char *units[] = {"", "", "B", "lines", "lines", "lines", "records", "records"};
    expect_strs_attr(d, ".", "units", units, 8);
    hid_t s32 = str_type(32), s64 = str_type(64);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct input_row));
    H5Tinsert(t, "table", offsetof(struct input_row, table), s32);
    H5Tinsert(t, "path", offsetof(struct input_row, path), s64);
    for (int k = 2; k < 8; k++)
        H5Tinsert(t, names[k], offsetof(struct input_row, bytes) + (size_t)(k - 2) * 8,
                  H5T_NATIVE_INT64);
    struct input_row rows[N_IN];
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    for (int i = 0; i < N_IN; i++) {
        assert_string_equal(rows[i].table, inputs[i].table);
        assert_string_equal(rows[i].path, inputs[i].path);
        assert_int_equal(rows[i].bytes, inputs[i].bytes);
        assert_int_equal(rows[i].lines, inputs[i].lines);
        assert_int_equal(rows[i].accepted, inputs[i].accepted);
        assert_int_equal(rows[i].rejected, inputs[i].rejected);
        assert_int_equal(rows[i].duplicates, inputs[i].duplicates);
        assert_int_equal(rows[i].unknown_antenna, inputs[i].unknown_antenna);
    }
    H5Tclose(t), H5Tclose(s32), H5Tclose(s64), H5Dclose(d);
}

struct stage_row {
    char name[40];
    double seconds;
    int64_t records;
    double records_per_s, peak_mib, peak_mib_sum;
};

static void check_stages(hid_t f)
{
    static const char *const names[] = {"name",          "seconds",  "records",
                                        "records_per_s", "peak_mib", "peak_mib_sum"};
    hid_t d = open_dataset(f, "/provenance/stages", N_STAGE, 0);
    expect_members(d, names, 6);
    const char *units[] = {"", "s", "records", "records/s", "MiB", "MiB"};
    expect_strs_attr(d, ".", "units", units, 6);
    hid_t s40 = str_type(40), t = H5Tcreate(H5T_COMPOUND, sizeof(struct stage_row));
    H5Tinsert(t, "name", offsetof(struct stage_row, name), s40);
    H5Tinsert(t, "seconds", offsetof(struct stage_row, seconds), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "records", offsetof(struct stage_row, records), H5T_NATIVE_INT64);
    H5Tinsert(t, "records_per_s", offsetof(struct stage_row, records_per_s), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "peak_mib", offsetof(struct stage_row, peak_mib), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "peak_mib_sum", offsetof(struct stage_row, peak_mib_sum), H5T_NATIVE_DOUBLE);
    struct stage_row rows[N_STAGE];
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    for (int i = 0; i < N_STAGE; i++) {
        assert_string_equal(rows[i].name, stages[i].name);
        assert_true(rows[i].seconds == stages[i].seconds);
        assert_int_equal(rows[i].records, stages[i].records);
        assert_true(rows[i].records_per_s == stages[i].records_per_s);
        assert_true(rows[i].peak_mib == stages[i].peak_mib);
        assert_true(rows[i].peak_mib_sum == stages[i].peak_mib_sum);
    }
    H5Tclose(t), H5Tclose(s40), H5Dclose(d);
}

struct reject_row {
    char table[32];
    int32_t file;
    char path[64];
    int64_t line;
    char reason[32], excerpt[80];
};

static void check_rejects(hid_t f, size_t n)
{
    static const char *const names[] = {"table", "file", "path", "line", "reason", "excerpt"};
    hid_t d = open_dataset(f, "/rejects", n, 0);
    expect_members(d, names, 6);
    hid_t s32 = str_type(32), s64 = str_type(64), s80 = str_type(80);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct reject_row));
    H5Tinsert(t, "table", offsetof(struct reject_row, table), s32);
    H5Tinsert(t, "file", offsetof(struct reject_row, file), H5T_NATIVE_INT32);
    H5Tinsert(t, "path", offsetof(struct reject_row, path), s64);
    H5Tinsert(t, "line", offsetof(struct reject_row, line), H5T_NATIVE_INT64);
    H5Tinsert(t, "reason", offsetof(struct reject_row, reason), s32);
    H5Tinsert(t, "excerpt", offsetof(struct reject_row, excerpt), s80);
    struct reject_row rows[N_REJ];
    if (n) assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(rows[i].table, rejects[i].table);
        assert_int_equal(rows[i].file, rejects[i].file);
        assert_string_equal(rows[i].path, inputs[rejects[i].file].path);
        assert_int_equal(rows[i].line, rejects[i].line);
        assert_string_equal(rows[i].reason, rejects[i].reason);
        assert_string_equal(rows[i].excerpt, rejects[i].excerpt);
    }
    H5Tclose(t), H5Tclose(s32), H5Tclose(s64), H5Tclose(s80), H5Dclose(d);
}

static void check_regions(hid_t f)
{
    hid_t d = open_dataset(f, "/regions/names", N_REG, 1);
    char names[N_REG][32];
    hid_t t = str_type(32);
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) >= 0);
    for (int r = 0; r < N_REG; r++)
        assert_string_equal(names[r], region_names[r]);
    H5Tclose(t), H5Dclose(d);
}

static void check_subscribers(hid_t f)
{
    uint64_t k[N_SUB];
    int32_t r[N_SUB];
    double x[N_SUB][N_FEAT];
    hid_t d = open_dataset(f, "/subscribers/key", N_SUB, 1);
    assert_true(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, k) >= 0);
    H5Dclose(d);
    d = open_dataset(f, "/subscribers/region", N_SUB, 1);
    assert_true(H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, r) >= 0);
    H5Dclose(d);
    assert_memory_equal(k, keys, sizeof k);
    assert_memory_equal(r, regions, sizeof r);
    int8_t lab[N_SUB], hold[N_SUB];
    d = open_dataset(f, "/subscribers/label", N_SUB, 1);
    assert_true(H5Dread(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab) >= 0);
    H5Dclose(d);
    d = open_dataset(f, "/subscribers/holdout", N_SUB, 1);
    assert_true(H5Dread(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, hold) >= 0);
    H5Dclose(d);
    assert_memory_equal(lab, labels, sizeof lab);
    assert_memory_equal(hold, holdouts, sizeof hold);
    d = open_dataset(f, "/subscribers/features", N_SUB, 0);
    hid_t space = H5Dget_space(d);
    hsize_t dims[2];
    assert_int_equal(H5Sget_simple_extent_dims(space, dims, NULL), 2);
    assert_int_equal(dims[1], N_FEAT);
    H5Sclose(space);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0);
    assert_memory_equal(x, features, sizeof x); /* bit for bit, NaN included */
    assert_true(isnan(x[3][2]));
    const char *names[N_FEAT], *units[N_FEAT], *descriptions[N_FEAT];
    for (int j = 0; j < N_FEAT; j++) {
        names[j] = feature_info[j].name;
        units[j] = feature_info[j].unit;
        descriptions[j] = feature_info[j].description;
    }
    expect_strs_attr(d, ".", "names", names, N_FEAT);
    expect_strs_attr(d, ".", "units", units, N_FEAT);
    expect_strs_attr(d, ".", "descriptions", descriptions, N_FEAT);
    H5Dclose(d);
}

static void check_file(const char *path, int ranks)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    check_root(f, ranks);
    check_inputs(f);
    check_stages(f);
    check_rejects(f, N_REJ);
    check_regions(f);
    check_subscribers(f);
    assert_int_equal(H5Fget_obj_count(f, H5F_OBJ_ALL), 1); /* the checks closed what they opened */
    H5Fclose(f);
}

/* ------------------------------------------------------------------ tests */

static void test_write_read_back(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct synthetic out;
    synthetic_run(0, 1, &out);
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    check_file(path, 1);
    assert_int_equal(count_temporaries(dir), 0);
    /* Writing again replaces the file. */
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    check_file(path, 1);
    assert_int_equal(count_temporaries(dir), 0);
    remove_dir(dir);
}

static void test_cannot_create(void **state)
{
    (void)state;
    struct synthetic out;
    synthetic_run(0, 1, &out);
    const char *path = "/tmp/telrisk_no_such_folder/deeper/run.h5";
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_INPUT);
    assert_non_null(strstr(text, path));
    assert_non_null(strstr(text, "No such file or directory"));
    /* A folder where the file should be. */
    char dir[64];
    make_dir(dir);
    assert_int_equal(write_run(MPI_COMM_SELF, dir, &out), TR_EXIT_INPUT);
    assert_non_null(strstr(text, dir));
    remove_dir(dir);
}

/* No rows, no rejects, no features, and a config too large for a compact HDF5 attribute. */
static void test_empty_run(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/empty.h5", dir);
    size_t big = 100000;
    char *config = malloc(big + 1);
    assert_non_null(config);
    for (size_t i = 0; i < big; i++)
        config[i] = i % 64 == 63 ? '\n' : 'a' + (char)(i % 26);
    config[big] = 0;
    struct synthetic out = {.root = {.config_text = config, .seed = 7}};
    link_groups(&out);
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    expect_str_attr(f, ".", "config", config);
    const char *sets[] = {"/provenance/inputs",   "/provenance/stages", "/rejects",
                          "/regions/names",       "/subscribers/key",   "/subscribers/region",
                          "/subscribers/features"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) /* 1-D, not tables: a unit */
        H5Dclose(open_dataset(f, sets[i], 0, i >= 3 && i <= 5));
    H5Fclose(f);
    char table[4096];
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_OK);
    assert_non_null(strstr(table, "national"));
    free(config);
    remove_dir(dir);
}

/* The line of the table that starts with name: its subscriber count, and the line itself. */
static unsigned long long count_on_line(const char *table, const char *name, const char **line)
{
    for (const char *p = table; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        size_t len = strlen(name);
        if (strncmp(p, name, len) == 0 && p[len] == ' ') {
            *line = p;
            return strtoull(p + len, NULL, 10);
        }
    }
    fail_msg("no row for %s in:\n%s", name, table);
    return 0;
}

static void test_inspect(void **state)
{
    (void)state;
    char dir[64], path[128], table[8192];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct synthetic out;
    synthetic_run(0, 1, &out);
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_OK);
    const char *line;
    assert_int_equal(count_on_line(table, "North", &line), 4);
    /* The radius of gyration over rows 0, 8, 9: row 3's NaN is skipped, not propagated. */
    assert_non_null(strstr(line, "58.92"));
    assert_int_equal(count_on_line(table, "Central Highlands", &line), 3);
    assert_int_equal(count_on_line(table, "South", &line), 2);
    assert_int_equal(count_on_line(table, "(unknown)", &line), 1);
    assert_int_equal(count_on_line(table, "national", &line), 10);
    /* Calls per week over all ten rows: 0.25 + 10.25 + ... + 90.25 = 45.25 on average. */
    assert_non_null(strstr(line, "45.25"));
    assert_non_null(strstr(table, "calls/wk")); /* the column's label */
    assert_null(strstr(table, "balance_mean")); /* not one of the features inspect shows */
    assert_non_null(strstr(table, "2 files, 30 lines, 27 accepted, 3 rejected"));
    /* privacy.k_min 2: the unknown region's one subscriber is hidden, and South's 2 with it (or
     * 10 - 4 - 3 - 2 would give it away); the others and the national row stay. */
    assert_int_equal(inspect_k(path, 2, table, sizeof table), TR_EXIT_OK);
    assert_int_equal(count_on_line(table, "North", &line), 4);
    assert_int_equal(count_on_line(table, "Central Highlands", &line), 3);
    assert_int_equal(count_on_line(table, "national", &line), 10);
    count_on_line(table, "(unknown)", &line);
    assert_non_null(strstr(line, "suppressed: fewer than privacy.k_min subscribers"));
    count_on_line(table, "South", &line);
    assert_non_null(strstr(line, "suppressed: would give a small row away"));
    remove_dir(dir);
}

/* The storage side alone: the file read into plain data, a part at a time. */
static void test_summary_read(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct synthetic out;
    synthetic_run(0, 1, &out);
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    struct tr_run_summary s;
    assert_int_equal(tr_run_summary_read(path, &s, NULL), TR_EXIT_OK);
    assert_int_equal(s.parts, TR_SUMMARY_RUN); /* no models, cross-checks or stress written */
    assert_string_equal(s.path, path);
    assert_int_equal(s.seed, 42);
    assert_int_equal(s.k_min, 0); /* the config holds no privacy.k_min */
    assert_int_equal(s.n_regions, N_REG);
    assert_string_equal(s.regions[1], "Central Highlands");
    assert_int_equal(s.n_features, N_FEAT);
    assert_string_equal(s.features[3], "balance_mean");
    assert_int_equal(s.subscribers, N_SUB);
    assert_int_equal(s.tallies[0].subscribers, 4);
    assert_int_equal(tr_summary_unknown(&s)->subscribers, 1);
    const struct tr_summary_tally *nat = tr_summary_national(&s);
    assert_int_equal(nat->subscribers, N_SUB);
    assert_int_equal(nat->defined[2], N_SUB - 1);  /* row 3's NaN */
    assert_true(fabs(nat->sum[0] - 452.5) < 1e-9); /* 0.25 + 10.25 + ... + 90.25 */
    assert_int_equal(s.files, 2);
    assert_int_equal(s.lines, 30);
    assert_int_equal(s.rejected, 3);
    tr_run_summary_free(&s);
    remove_dir(dir);
}

/* A damaged part leaves the parts read before it. */
static void test_summary_damage(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct synthetic out;
    synthetic_run(0, 1, &out);
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    struct tr_run_summary s;
    /* /models without its summary table */
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    H5Gclose(H5Gcreate2(f, "models", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Fclose(f);
    FILE *msg = fmemopen(text, sizeof text, "w");
    assert_int_equal(tr_run_summary_read(path, &s, msg), TR_EXIT_INPUT);
    fclose(msg);
    assert_int_equal(s.parts, TR_SUMMARY_RUN);
    assert_non_null(strstr(text, "/models has no summary table"));
    tr_run_summary_free(&s);
    /* a summary row naming region 7 of 3: refused, not looked up */
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t row = H5Tcreate(H5T_COMPOUND, sizeof(int32_t)),
          one = H5Screate_simple(1, &(hsize_t){1}, NULL);
    H5Tinsert(row, "region", 0, H5T_NATIVE_INT32);
    hid_t d = H5Dcreate2(f, "models/summary", row, one, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, row, H5S_ALL, H5S_ALL, H5P_DEFAULT, &(int32_t){7});
    H5Dclose(d);
    H5Sclose(one);
    H5Tclose(row);
    H5Fclose(f);
    msg = fmemopen(text, sizeof text, "w");
    assert_int_equal(tr_run_summary_read(path, &s, msg), TR_EXIT_INPUT);
    fclose(msg);
    assert_int_equal(s.parts, TR_SUMMARY_RUN);
    assert_non_null(strstr(text, "/models/summary names a region that /regions/names does not"));
    tr_run_summary_free(&s);
    remove_dir(dir);
}

static void test_inspect_bad_files(void **state)
{
    (void)state;
    char dir[64], path[128], table[256];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/missing.h5", dir);
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_INPUT);
    assert_non_null(strstr(text, path));
    snprintf(path, sizeof path, "%s/text.h5", dir);
    FILE *f = fopen(path, "w");
    fputs("not hdf5\n", f);
    fclose(f);
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_INPUT);
    assert_non_null(strstr(text, path));
    snprintf(path, sizeof path, "%s/other.h5", dir);
    H5Fclose(H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_INPUT);
    assert_non_null(strstr(text, "not a telrisk run file"));
    remove_dir(dir);
}

/* A run file whose later groups are damaged: inspect names the file and the object, exit 2. */
static void test_inspect_damaged_groups(void **state)
{
    (void)state;
    char dir[64], path[128], table[8192];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct synthetic out;
    synthetic_run(0, 1, &out);
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
    /* /models without its summary table */
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    H5Gclose(H5Gcreate2(f, "models", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Fclose(f);
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_INPUT);
    assert_non_null(strstr(text, path));
    assert_non_null(strstr(text, "/models has no summary table"));
    assert_non_null(strstr(table, "national")); /* what was read before the damage is shown */
    /* /stress holding a name longer than any scenario's */
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(f, "models", H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "stress", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    char name[100];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = 0;
    H5Gclose(H5Gcreate2(g, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(g);
    H5Fclose(f);
    assert_int_equal(inspect(path, table, sizeof table), TR_EXIT_INPUT);
    assert_non_null(strstr(text, path));
    assert_non_null(strstr(text, "a name in /stress"));
    remove_dir(dir);
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    char *data = malloc((size_t)*len);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)*len, f), *len);
    fclose(f);
    return data;
}

/* Same length, and at most `allowed` bytes differ. */
static void expect_same_bytes(const char *a, const char *b, long allowed)
{
    long la, lb, differ = 0;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    assert_int_equal(la, lb);
    for (long i = 0; i < la; i++)
        differ += da[i] != db[i];
    if (differ > allowed) fail_msg("%s and %s differ in %ld bytes", a, b, differ);
    free(da);
    free(db);
}

/* The root's `ranks` differs in one byte, and the checksum of the root's object header with it. */
#define RANKS_BYTES 5

/* The same run written by every rank of the world, by each half of a split world, and by one
 * process: the same bytes, apart from the root's `ranks`. */
static void test_any_rank_count(void **state)
{
    (void)state;
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    setenv("SOURCE_DATE_EPOCH", "1577836800", 1); /* the same created_utc everywhere */
    char dir[64] = "", paths[3][128];
    if (rank == 0) make_dir(dir);
    MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    int half_rank, half_size;
    MPI_Comm_rank(half, &half_rank);
    MPI_Comm_size(half, &half_size);
    snprintf(paths[0], sizeof paths[0], "%s/world.h5", dir);
    snprintf(paths[1], sizeof paths[1], "%s/half%d.h5", dir, rank % 2);
    snprintf(paths[2], sizeof paths[2], "%s/self.h5", dir);
    struct synthetic out;
    synthetic_run(rank, size, &out);
    assert_int_equal(write_run(MPI_COMM_WORLD, paths[0], &out), TR_EXIT_OK);
    synthetic_run(half_rank, half_size, &out);
    assert_int_equal(write_run(half, paths[1], &out), TR_EXIT_OK);
    if (rank == 0) {
        synthetic_run(0, 1, &out);
        assert_int_equal(write_run(MPI_COMM_SELF, paths[2], &out), TR_EXIT_OK);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        check_file(paths[0], size);
        check_file(paths[1], half_size);
        check_file(paths[2], 1);
        expect_same_bytes(paths[0], paths[2], size == 1 ? 0 : RANKS_BYTES);
        expect_same_bytes(paths[1], paths[2], half_size == 1 ? 0 : RANKS_BYTES);
        if (size > 1) {
            snprintf(paths[1], sizeof paths[1], "%s/half1.h5", dir);
            check_file(paths[1], size / 2);
            expect_same_bytes(paths[1], paths[2], size / 2 == 1 ? 0 : RANKS_BYTES);
        }
        assert_int_equal(count_temporaries(dir), 0);
        remove_dir(dir);
    }
    MPI_Comm_free(&half);
    unsetenv("SOURCE_DATE_EPOCH");
}

/* ------------------------------------------------------------------ damaged run files */

/* Row `row` of the 1-D dataset (or, with member, of that member of a table) set to *v. */
static void poke(hid_t f, const char *path, const char *member, hsize_t row, hid_t type,
                 const void *v)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT), space = H5Dget_space(d), mem_type = type;
    const hsize_t one = 1;
    assert_true(H5Sselect_hyperslab(space, H5S_SELECT_SET, &row, NULL, &one, NULL) >= 0);
    hid_t mem = H5Screate_simple(1, &one, NULL);
    if (member) { /* the one member: HDF5 leaves the others as they are */
        mem_type = H5Tcreate(H5T_COMPOUND, H5Tget_size(type));
        assert_true(H5Tinsert(mem_type, member, 0, type) >= 0);
    }
    assert_true(H5Dwrite(d, mem_type, mem, space, H5P_DEFAULT, v) >= 0);
    if (member) H5Tclose(mem_type);
    H5Sclose(mem), H5Sclose(space), H5Dclose(d);
}

/* An attribute of obj replaced by n values of type (strings: char *). */
static void replace_attr(hid_t f, const char *obj, const char *name, hid_t type, hsize_t n,
                         const void *v)
{
    assert_true(H5Adelete_by_name(f, obj, name, H5P_DEFAULT) >= 0);
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t a = H5Acreate_by_name(f, obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, type, v) >= 0);
    H5Aclose(a), H5Sclose(space);
}

static void names_of_numbers(hid_t f)
{
    const int v[N_FEAT] = {1, 2, 3, 4};
    replace_attr(f, "subscribers/features", "names", H5T_NATIVE_INT, N_FEAT, v);
}

static void fewer_names(hid_t f)
{
    hid_t t = str_type(8);
    replace_attr(f, "subscribers/features", "names", t, 2, "calls\0\0\0days\0\0\0\0");
    H5Tclose(t);
}

static void seed_of_text(hid_t f)
{
    hid_t t = str_type(8);
    replace_attr(f, ".", "seed", t, 1, "42\0\0\0\0\0\0");
    H5Tclose(t);
}

static void region_out_of_range(hid_t f)
{
    const int32_t region = N_REG; /* regions are 0 .. N_REG - 1, and -1 */
    poke(f, "subscribers/region", NULL, 2, H5T_NATIVE_INT32, &region);
}

static void keys_decrease(hid_t f)
{
    const uint64_t key = 2; /* row 0's is 3 */
    poke(f, "subscribers/key", NULL, 1, H5T_NATIVE_UINT64, &key);
}

static void short_column(hid_t f)
{
    assert_true(H5Ldelete(f, "subscribers/label", H5P_DEFAULT) >= 0);
    const hsize_t rows = N_SUB - 1;
    const int8_t labels[N_SUB] = {0};
    hid_t space = H5Screate_simple(1, &rows, NULL);
    hid_t d = H5Dcreate2(f, "subscribers/label", H5T_STD_I8LE, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    assert_true(H5Dwrite(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) >= 0);
    H5Dclose(d), H5Sclose(space);
}

/* Row row of /regions/names set to name (the dataset's own string type). */
static void set_region_name(hid_t f, hsize_t row, const char *name)
{
    hid_t d = H5Dopen2(f, "regions/names", H5P_DEFAULT), t = H5Dget_type(d);
    char text[64] = {0};
    assert_true(H5Tget_size(t) <= sizeof text);
    snprintf(text, sizeof text, "%s", name);
    H5Dclose(d);
    poke(f, "regions/names", NULL, row, t, text);
    H5Tclose(t);
}

/* Two regions of one name, or one without a name, could not each name their own model's group
 * (/models/regions/<name>). */
static void region_name_repeated(hid_t f)
{
    set_region_name(f, 2, region_names[0]);
}

static void region_name_empty(hid_t f)
{
    set_region_name(f, 1, "");
}

static void loan_region_out_of_range(hid_t f)
{
    const int32_t region = 9;
    poke(f, "portfolio/loans", "region", 0, H5T_NATIVE_INT32, &region);
}

/* Loads path with one reader (book 0: tr_stored_run_load, 1: tr_stored_book_load); what it
 * printed goes to text. */
static int load_stored(const char *path, int book)
{
    FILE *msg = fmemopen(text, sizeof text, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_SELF, msg);
    struct tr_stored_run r;
    struct tr_stored_book b;
    int rc = book ? tr_stored_book_load(&ctx, path, &b) : tr_stored_run_load(&ctx, path, &r);
    fclose(msg);
    if (rc == TR_EXIT_OK && book) {
        assert_int_equal(b.book.n, 2);
        tr_stored_book_free(&b);
    } else if (rc == TR_EXIT_OK) {
        assert_int_equal(r.n, N_SUB);
        assert_int_equal(r.n_features, N_FEAT);
        tr_stored_run_free(&r);
    }
    return rc;
}

/* A damaged copy of path for each case: the reader refuses it (exit 2) naming what is wrong. */
struct damage {
    void (*apply)(hid_t f);
    const char *named; /* in the message */
};

static void expect_refusals(const char *dir, const char *path, int book, const struct damage *cases,
                            size_t n)
{
    char damaged[160], err[512];
    for (size_t k = 0; k < n; k++) {
        snprintf(damaged, sizeof damaged, "%s/damaged%zu.h5", dir, k);
        assert_int_equal(tr_copy_file(path, damaged, err, sizeof err), 0);
        hid_t f = H5Fopen(damaged, H5F_ACC_RDWR, H5P_DEFAULT);
        assert_true(f >= 0);
        cases[k].apply(f);
        H5Fclose(f);
        assert_int_equal(load_stored(damaged, book), TR_EXIT_INPUT);
        if (!strstr(text, cases[k].named))
            fail_msg("case %zu: '%s' not in: %s", k, cases[k].named, text);
        assert_int_equal(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0); /* all closed */
    }
}

/* The synthetic run with a loan book of two loans, written into a new folder dir as path. */
static void write_run_with_book(char *dir, char *path, size_t len)
{
    static struct tr_exposure e[2] = {
        {.subscriber = 3, .region = 0, .pd_source = TR_PD_LOAN, .ead = 100, .pd = 0.02},
        {.subscriber = 17, .region = 1, .pd_source = TR_PD_NONE, .ead = 50, .lgd = 0.4}};
    e[0].lgd = e[1].pd = NAN;
    static const struct tr_portfolio book = {.n = 2, .e = e};
    make_dir(dir);
    snprintf(path, len, "%s/run.h5", dir);
    struct synthetic out;
    synthetic_run(0, 1, &out);
    out.c.portfolio = &book;
    assert_int_equal(write_run(MPI_COMM_SELF, path, &out), TR_EXIT_OK);
}

/* A run file damaged (or crafted) by another program: telrisk train and score refuse it with
 * exit 2 and what is wrong, where they used to fail an HDF5 call (exit 3), overrun a buffer or
 * load regions and keys the later stages index with (found by tests/fuzz/fuzz_runfile.c). */
static void test_stored_run_damage(void **state)
{
    (void)state;
    static const struct damage cases[] = {
        {names_of_numbers, "names attribute does not hold text"},
        {fewer_names, "names attribute does not have one name per column"},
        {seed_of_text, "no integer attribute seed"},
        {region_out_of_range, "/subscribers/region row 2"},
        {keys_decrease, "/subscribers/key row 1"},
        {short_column, "/subscribers/label does not have a row per subscriber"},
        {region_name_repeated, "/regions/names has an empty or repeated name"},
        {region_name_empty, "/regions/names has an empty or repeated name"},
    };
    char dir[64], path[128];
    write_run_with_book(dir, path, sizeof path);
    assert_int_equal(load_stored(path, 0), TR_EXIT_OK);
    expect_refusals(dir, path, 0, cases, sizeof cases / sizeof *cases);
    remove_dir(dir);
}

/* The same for telrisk stress's reader of the loan book. */
static void test_stored_book_damage(void **state)
{
    (void)state;
    static const struct damage cases[] = {
        {seed_of_text, "no integer attribute seed"},
        {loan_region_out_of_range, "/portfolio/loans row 0"},
    };
    char dir[64], path[128];
    write_run_with_book(dir, path, sizeof path);
    assert_int_equal(load_stored(path, 1), TR_EXIT_OK);
    expect_refusals(dir, path, 1, cases, sizeof cases / sizeof *cases);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ files of older versions */

/* obj's text attribute name rewritten as a fixed-length string or 1-D array of them, as telrisk
 * wrote every text attribute before they became variable-length. */
static void make_fixed(hid_t obj, const char *name)
{
    int n = 0;
    char **v = tr_h5_attr_texts(obj, name, &n);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), space = H5Aget_space(a);
    H5Aclose(a);
    if (!v) {
        H5Sclose(space);
        return; /* not text */
    }
    const size_t width = tr_h5_longest((const char *const *)v, (size_t)n) + 1;
    char *packed = calloc((size_t)n + 1, width);
    for (int i = 0; i < n; i++)
        memcpy(packed + (size_t)i * width, v[i], strlen(v[i]));
    hid_t type = str_type(width);
    assert_true(H5Adelete(obj, name) >= 0);
    a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, type, packed) >= 0);
    H5Aclose(a);
    H5Tclose(type);
    H5Sclose(space);
    free(packed);
    tr_h5_free_strings(v, n);
}

/* Every text attribute of every object made fixed-length; the seal's own (checksum, manifest)
 * too when seal, else left as they are. */
static herr_t fixed_cb(hid_t root, const char *path, const H5O_info_t *info, void *data)
{
    const int seal = *(const int *)data;
    hid_t obj = H5Oopen(root, path, H5P_DEFAULT);
    char names[64][64];
    assert_true(info->num_attrs <= 64);
    for (hsize_t k = 0; k < info->num_attrs; k++)
        assert_true(H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, k, names[k], 64,
                                       H5P_DEFAULT) > 0);
    for (hsize_t k = 0; k < info->num_attrs; k++)
        if (seal == (strcmp(names[k], "checksum") == 0 || strcmp(names[k], "manifest") == 0))
            make_fixed(obj, names[k]);
    H5Oclose(obj);
    return 0;
}

static void make_all_fixed(const char *path, int seal)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, fixed_cb, &seal, H5O_INFO_NUM_ATTRS) >= 0);
    H5Fclose(f);
}

static int verify(const char *path)
{
    FILE *null = fopen("/dev/null", "w");
    struct tr_verify_report r;
    char err[512];
    const int rc = tr_verify_file(path, null, &r, err, sizeof err);
    fclose(null);
    return rc;
}

/* A file whose text attributes are all fixed-length, as telrisk wrote them before, checksums and
 * manifest included: it verifies, and every reader takes it as the same run. The checksum is over
 * the type as stored: the same text, fixed instead of variable-length, is a change until sealed. */
static void test_fixed_length_attributes(void **state)
{
    (void)state;
    char dir[64], path[128], err[512], root[TR_CHECKSUM_TEXT + 1];
    write_run_with_book(dir, path, sizeof path);
    assert_int_equal(verify(path), 0);
    make_all_fixed(path, 0);
    assert_int_equal(verify(path), 1);
    assert_int_equal(tr_seal_file(path, err, sizeof err), 0);
    make_all_fixed(path, 1);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_int_equal(tr_seal_digest_of(f, "/", root), 0); /* over the fixed-length manifest */
    assert_true(H5Adelete(f, "checksum") >= 0);
    tr_h5_attr_str(f, "checksum", root);
    make_fixed(f, "checksum");
    hid_t a = H5Aopen(f, "manifest", H5P_DEFAULT), t = H5Aget_type(a);
    assert_int_equal(H5Tis_variable_str(t), 0);
    H5Tclose(t);
    H5Aclose(a);
    H5Fclose(f);
    assert_int_equal(verify(path), 0);
    assert_int_equal(load_stored(path, 0), TR_EXIT_OK);
    assert_int_equal(load_stored(path, 1), TR_EXIT_OK);
    struct tr_run_summary s;
    assert_int_equal(tr_run_summary_read(path, &s, NULL), TR_EXIT_OK);
    assert_string_equal(s.version, TELRISK_VERSION);
    assert_int_equal(s.n_features, N_FEAT);
    assert_string_equal(s.features[3], "balance_mean");
    tr_run_summary_free(&s);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_back),    cmocka_unit_test(test_cannot_create),
        cmocka_unit_test(test_empty_run),          cmocka_unit_test(test_inspect),
        cmocka_unit_test(test_inspect_bad_files),  cmocka_unit_test(test_inspect_damaged_groups),
        cmocka_unit_test(test_any_rank_count),     cmocka_unit_test(test_stored_run_damage),
        cmocka_unit_test(test_stored_book_damage), cmocka_unit_test(test_summary_read),
        cmocka_unit_test(test_summary_damage),     cmocka_unit_test(test_fixed_length_attributes),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
