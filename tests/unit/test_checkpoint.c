/* output/checkpoint: the checkpoints' names; records, model and stress checkpoints written (as the
 * pipeline writes them), found again stage by stage, and assembled into a sealed run file with the
 * later stages' groups, the given stages and resumed_after; refusals of another configuration,
 * other inputs, another telrisk version, another stage's file; gaps in the chain; the inputs'
 * fingerprint following each input file's size and time; removal of the checkpoints and of what a
 * kill leaves, and nothing else. In temporary folders under /tmp, on one process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/fs.h"
#include "output/checkpoint.h"
#include "output/groups.h"
#include "output/seal.h"
#include "output/stored.h"
#include "stress/portfolio.h"

#include <dirent.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ a small run */

#define N_SUB 3
static const char config_text[] = "[run]\nseed = 7\n[output]\npath = run.h5\n";
static const char print[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
static const char *const region_names[2] = {"North", "South"};
static const struct tr_feature_info info[2] = {{"calls", "count", "calls"},
                                               {"topups", "count", "top-ups"}};
static const uint64_t keys[N_SUB] = {10, 20, 30};
static const int32_t regions[N_SUB] = {0, 1, 0};
static const int8_t labels[N_SUB] = {1, 0, -1}, holdouts[N_SUB] = {0, 1, 0};
static const double features[N_SUB * 2] = {1, 2, 3, 4, 5, NAN};
static const struct tr_stage_stat stages[4] = {{"read", 0.5, 30, 60, 10, 10},
                                               {"features", 0.25, 3, 12, 11, 11},
                                               {"model", 0.125, 3, 24, 12, 12},
                                               {"stress", 1.0, 2, 2, 13, 13}};

/* The records' book: loan 1 with its own PD 0.02, loan 2 unrated; the model rates loan 2 0.07. */
static struct tr_exposure book_records[2] = {
    {.subscriber = 10, .loan = 1, .region = 0, .pd_source = TR_PD_LOAN, .ead = 100, .pd = 0.02},
    {.subscriber = 20, .loan = 2, .region = 1, .pd_source = TR_PD_NONE, .ead = 50}};
static struct tr_exposure book_model[2];

/* A checkpoint's groups as the pipeline fills them (output/runfile.h). */
struct groups {
    struct tr_rf_root root;
    struct tr_rf_provenance provenance;
    struct tr_rf_regions regions;
    struct tr_rf_subscribers subscribers;
    struct tr_run_contents c; /* the groups above, and the book */
};

static void run_output(const struct tr_portfolio *book, int n_stages, struct groups *g)
{
    g->root = (struct tr_rf_root){
        .fingerprint = print, .run_fingerprint = print, .config_text = config_text, .seed = 7};
    g->provenance = (struct tr_rf_provenance){.stages = stages, .n_stages = n_stages};
    g->regions = (struct tr_rf_regions){.names = region_names, .n = 2};
    g->subscribers = (struct tr_rf_subscribers){.n_local = N_SUB,
                                                .key = keys,
                                                .region = regions,
                                                .label = labels,
                                                .holdout = holdouts,
                                                .features = features,
                                                .n_features = 2,
                                                .feature_info = info};
    g->c = (struct tr_run_contents){.root = &g->root,
                                    .provenance = &g->provenance,
                                    .regions = &g->regions,
                                    .subscribers = &g->subscribers,
                                    .portfolio = book,
                                    .k_min = 1};
}

/* ------------------------------------------------------------------ helpers */

static char text[1 << 14]; /* what the last call printed */
static FILE *msg;
static struct tr_ctx ctx;

static void listen(void)
{
    text[0] = 0;
    msg = fmemopen(text, sizeof text, "w");
    tr_ctx_init(&ctx, MPI_COMM_WORLD, msg);
}

static void done_listening(void)
{
    fclose(msg);
}

static void make_dir(char *dir)
{
    strcpy(dir, "/tmp/telrisk_ckpt_XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Entries of dir whose name contains part. */
static int count_entries(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void touch(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static int find_as(const char *output, const char *run, const char *config, const char *fingerprint,
                   int *done)
{
    listen();
    const int rc = tr_ckpt_find(&ctx, output, run, config, fingerprint, done);
    done_listening();
    return rc;
}

static int find(const char *output, const char *config, const char *fingerprint, int *done)
{
    return find_as(output, print, config, fingerprint, done);
}

/* A root (obj ".") or object's string attribute into buf; 0 when absent. */
static int read_attr(hid_t f, const char *obj, const char *name, char *buf, size_t len)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) <= 0) return 0;
    hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    int n = 0;
    char **v = tr_h5_read_strings(a, 1, &n);
    H5Aclose(a);
    assert_int_equal(n, 1);
    snprintf(buf, len, "%s", v[0]);
    free(v[0]);
    free(v);
    return 1;
}

static void set_root_attr(const char *path, const char *name, const char *value)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Adelete(f, name) >= 0);
    tr_h5_attr_str(f, name, value);
    H5Fclose(f);
}

/* The records checkpoint of dir/run.h5, as the pipeline writes it (tr_runfile_write with
 * out->checkpoint set). */
static void write_records(const char *output, const char *config)
{
    static const struct tr_portfolio book = {.n = 2, .e = book_records};
    book_records[1].pd = book_records[0].lgd = book_records[1].lgd = NAN;
    struct groups out;
    run_output(&book, 2, &out);
    out.root.checkpoint = tr_ckpt_stage_names[TR_CKPT_RECORDS];
    out.root.config_text = config;
    char *path = tr_ckpt_path(output, print, TR_CKPT_RECORDS);
    listen();
    assert_int_equal(tr_runfile_write(&ctx, path, &out.c), TR_EXIT_OK);
    done_listening();
    free(path);
}

/* The model checkpoint (no model: its book with loan 2 rated by the model) with a /models group
 * and /subscribers/pd planted, as a model would leave them. */
static void write_model(const char *output)
{
    static const struct tr_portfolio book = {.n = 2, .e = book_model};
    memcpy(book_model, book_records, sizeof book_model);
    book_model[1].pd = 0.07, book_model[1].pd_source = TR_PD_MODEL;
    struct groups out;
    run_output(&book, 3, &out);
    listen();
    assert_int_equal(tr_ckpt_write_model(&ctx, output, &out.c), TR_EXIT_OK);
    done_listening();
    char *path = tr_ckpt_path(output, print, TR_CKPT_MODEL);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t g = tr_h5_group(f, "models", "planted");
    tr_h5_attr_str(g, "marker", "the model checkpoint's models");
    H5Gclose(g);
    g = tr_h5_group(f, "subscribers", "planted");
    const hsize_t n = N_SUB;
    const double pd[N_SUB] = {0.25, 0.5, 0.125};
    hid_t d = tr_h5_dataset(g, "pd", H5T_IEEE_F64LE, 1, &n, "planted", NULL);
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, pd) >= 0);
    H5Dclose(d), H5Gclose(g), H5Fclose(f);
    char err[256];
    assert_int_equal(tr_seal_file(path, err, sizeof err), 0); /* sealed again, as written */
    free(path);
}

/* The stress checkpoint (no scenario) with a /stress group planted. */
static void write_stress(const char *output)
{
    struct groups out;
    run_output(NULL, 4, &out);
    listen();
    assert_int_equal(tr_ckpt_write_stress(&ctx, output, &out.c), TR_EXIT_OK);
    done_listening();
    char *path = tr_ckpt_path(output, print, TR_CKPT_STRESS);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t g = tr_h5_group(f, "stress", "planted");
    tr_h5_attr_str(g, "marker", "the stress checkpoint's stress");
    H5Gclose(g), H5Fclose(f);
    char err[256];
    assert_int_equal(tr_seal_file(path, err, sizeof err), 0); /* sealed again, as written */
    free(path);
}

/* The run file's book: loan 1 at its own 0.02, loan 2 at pd2 (NaN: unrated). */
static void expect_book(const char *path, double pd2)
{
    struct tr_stored_book b;
    listen();
    assert_int_equal(tr_stored_book_load(&ctx, path, &b), TR_EXIT_OK);
    done_listening();
    assert_int_equal(b.book.n, 2);
    assert_true(b.book.e[0].pd == 0.02);
    assert_true(isnan(pd2) ? isnan(b.book.e[1].pd) : b.book.e[1].pd == pd2);
    tr_stored_book_free(&b);
}

/* telrisk verify's answer: 0 every object sealed and intact. */
static int verify(const char *path)
{
    FILE *null = fopen("/dev/null", "w");
    struct tr_verify_report r;
    char err[512];
    const int rc = tr_verify_file(path, null, &r, err, sizeof err);
    fclose(null);
    return rc;
}

/* ------------------------------------------------------------------ tests */

static void test_paths(void **state)
{
    (void)state;
    static const char *const want[4] = {
        "out/run.h5.ckpt-0011223344556677-.h5", "out/run.h5.ckpt-0011223344556677-records.h5",
        "out/run.h5.ckpt-0011223344556677-model.h5", "out/run.h5.ckpt-0011223344556677-stress.h5"};
    for (int s = TR_CKPT_NONE; s <= TR_CKPT_STRESS; s++) {
        char *p = tr_ckpt_path("out/run.h5", print, (enum tr_ckpt_stage)s);
        assert_string_equal(p, want[s]);
        free(p);
    }
    char *p = tr_ckpt_path("/a b/ünïcode.h5", print, TR_CKPT_MODEL);
    assert_string_equal(p, "/a b/ünïcode.h5.ckpt-0011223344556677-model.h5");
    free(p);
}

/* Each checkpoint written is found, the chain growing a stage at a time; each carries its stage,
 * the config, the fingerprint, the version and the stages so far; no temporary file is left. */
static void test_write_and_find(void **state)
{
    (void)state;
    char dir[64], out[96], buf[256];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    int done = -1;
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_NONE);
    write_records(out, config_text);
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_RECORDS);
    write_model(out);
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_MODEL);
    write_stress(out);
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_STRESS);
    assert_string_equal(text, ""); /* found quietly */

    char *path = tr_ckpt_path(out, print, TR_CKPT_MODEL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(read_attr(f, ".", "checkpoint", buf, sizeof buf));
    assert_string_equal(buf, "model");
    assert_true(read_attr(f, ".", "config", buf, sizeof buf));
    assert_string_equal(buf, config_text);
    assert_true(read_attr(f, ".", "inputs_fingerprint", buf, sizeof buf));
    assert_string_equal(buf, print);
    assert_true(read_attr(f, ".", "telrisk_version", buf, sizeof buf));
    assert_string_equal(buf, TELRISK_VERSION);
    struct tr_stage_stat got[8];
    assert_int_equal(tr_rf_read_stages(f, got, 8), 3);
    assert_string_equal(got[2].name, "model");
    H5Fclose(f);
    free(path);
    assert_false(exists(out)); /* only the checkpoints so far */
    assert_int_equal(count_entries(dir, ".tmp-"), 0);
    assert_int_equal(count_entries(dir, ".ckpt-"), 3);
    remove_dir(dir);
}

/* Resuming needs every earlier checkpoint: without the records one nothing counts; with records
 * and stress but no model, only the records. */
static void test_find_gaps(void **state)
{
    (void)state;
    char dir[64], out[96];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    write_records(out, config_text);
    write_model(out);
    write_stress(out);
    char *records = tr_ckpt_path(out, print, TR_CKPT_RECORDS),
         *model = tr_ckpt_path(out, print, TR_CKPT_MODEL);
    char *aside = tr_ckpt_path(out, print, TR_CKPT_NONE);
    assert_int_equal(rename(model, aside), 0);
    int done = -1;
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_RECORDS);
    assert_int_equal(rename(aside, model), 0);
    assert_int_equal(rename(records, aside), 0);
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_NONE);
    free(records), free(model), free(aside);
    remove_dir(dir);
}

/* Another configuration, other inputs, another telrisk, another stage's file: exit 1 (usage) and
 * one message naming the file and why; a later stage's checkpoint is checked too. */
static void test_find_refuses(void **state)
{
    (void)state;
    char dir[64], out[96];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    write_records(out, config_text);
    char *records = tr_ckpt_path(out, print, TR_CKPT_RECORDS),
         *model = tr_ckpt_path(out, print, TR_CKPT_MODEL);
    int done = -1;
    assert_int_equal(find(out, "[run]\nseed = 8\n", print, &done), TR_EXIT_USAGE);
    assert_int_equal(done, TR_CKPT_NONE);
    assert_non_null(strstr(text, "--resume"));
    assert_non_null(strstr(text, records));
    assert_non_null(strstr(text, "was made with another configuration"));
    char other[65];
    memcpy(other, print, sizeof other);
    other[0] = 'f';
    assert_int_equal(find(out, config_text, other, &done), TR_EXIT_USAGE);
    assert_non_null(strstr(text, "was made from other input files"));
    char err[512];
    assert_int_equal(tr_copy_file(records, model, err, sizeof err), 0); /* a records file */
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_USAGE);
    assert_non_null(strstr(text, "is not a telrisk checkpoint of the model stage"));
    assert_non_null(strstr(text, model));
    unlink(model);
    set_root_attr(records, "telrisk_version", "0.0.1-old");
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_USAGE);
    assert_non_null(strstr(text, "was made by telrisk 0.0.1-old, this is " TELRISK_VERSION));
    free(records), free(model);
    remove_dir(dir);
}

/* A checkpoint whose config differs only in its last byte is another config. */
static void test_config_compared_whole(void **state)
{
    (void)state;
    char dir[64], out[96], near[sizeof config_text];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    memcpy(near, config_text, sizeof near);
    near[sizeof near - 2] = ' '; /* the final newline */
    write_records(out, near);
    int done = -1;
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_USAGE);
    assert_int_equal(find(out, near, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_RECORDS);
    remove_dir(dir);
}

/* The run file from all three: the records' subscribers; the model's /models, /subscribers/pd
 * and book (loan 2 rated 0.07); the stress /stress; the stages given; resumed_after; no
 * checkpoint attributes; sealed (telrisk verify passes). The checkpoints stay until removed. */
static void test_assemble(void **state)
{
    (void)state;
    char dir[64], out[96], buf[256];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    write_records(out, config_text);
    write_model(out);
    write_stress(out);
    listen();
    assert_int_equal(tr_ckpt_assemble(&ctx, out, print, TR_CKPT_STRESS, stages, 4, "model"),
                     TR_EXIT_OK);
    done_listening();
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_int_equal(H5Aexists(f, "checkpoint"), 0);
    assert_int_equal(H5Aexists(f, "inputs_fingerprint"), 0);
    assert_true(read_attr(f, "provenance", "resumed_after", buf, sizeof buf));
    assert_string_equal(buf, "model");
    assert_true(read_attr(f, "models", "marker", buf, sizeof buf));
    assert_string_equal(buf, "the model checkpoint's models");
    assert_true(read_attr(f, "stress", "marker", buf, sizeof buf));
    assert_string_equal(buf, "the stress checkpoint's stress");
    struct tr_stage_stat got[8];
    assert_int_equal(tr_rf_read_stages(f, got, 8), 4);
    assert_string_equal(got[3].name, "stress");
    assert_true(got[3].seconds == 1.0);
    double pd[N_SUB];
    uint64_t key[N_SUB];
    hid_t d = H5Dopen2(f, "subscribers/pd", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, pd) >= 0);
    H5Dclose(d);
    d = H5Dopen2(f, "subscribers/key", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, key) >= 0);
    H5Dclose(d);
    H5Fclose(f);
    assert_true(pd[0] == 0.25 && pd[1] == 0.5 && pd[2] == 0.125);
    assert_memory_equal(key, keys, sizeof key);
    expect_book(out, 0.07);
    assert_int_equal(verify(out), 0);
    assert_int_equal(count_entries(dir, ".ckpt-"), 3);
    assert_int_equal(count_entries(dir, ".tmp-"), 0);
    remove_dir(dir);
}

/* After the records stage only (a run killed in the model stage, resumed, and assembled from the
 * records checkpoint with nothing after it): the records' book, no /models or /stress, and an
 * empty resumed_after for a run that was not resumed. */
static void test_assemble_records_only(void **state)
{
    (void)state;
    char dir[64], out[96], buf[256];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    write_records(out, config_text);
    write_model(out); /* there, but not done: not taken */
    listen();
    assert_int_equal(tr_ckpt_assemble(&ctx, out, print, TR_CKPT_RECORDS, stages, 2, ""),
                     TR_EXIT_OK);
    done_listening();
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_int_equal(H5Lexists(f, "models", H5P_DEFAULT), 0);
    assert_int_equal(H5Lexists(f, "stress", H5P_DEFAULT), 0);
    assert_true(read_attr(f, "provenance", "resumed_after", buf, sizeof buf));
    assert_string_equal(buf, "");
    struct tr_stage_stat got[8];
    assert_int_equal(tr_rf_read_stages(f, got, 8), 2);
    H5Fclose(f);
    expect_book(out, NAN);
    assert_int_equal(verify(out), 0);
    remove_dir(dir);
}

/* Without a records checkpoint there is nothing to assemble: exit 2, said once, no file and no
 * temporary left. */
static void test_assemble_without_records(void **state)
{
    (void)state;
    char dir[64], out[96];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    listen();
    assert_int_equal(tr_ckpt_assemble(&ctx, out, print, TR_CKPT_RECORDS, stages, 2, ""),
                     TR_EXIT_INPUT);
    done_listening();
    assert_non_null(strstr(text, "writing the run file"));
    assert_false(exists(out));
    assert_int_equal(count_entries(dir, ".tmp-"), 0);
    remove_dir(dir);
}

/* Every checkpoint of the output, the temporary files of a kill while one was written (this
 * seed's) or while the run file was assembled (seed 0); not the run file, not another seed's
 * temporaries, not another output's checkpoints. */
static void test_remove(void **state)
{
    (void)state;
    char dir[64], out[96], other[96];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    snprintf(other, sizeof other, "%s/run2.h5", dir);
    touch(out, "an older run file");
    for (int s = TR_CKPT_RECORDS; s <= TR_CKPT_STRESS; s++) {
        char *ckpt = tr_ckpt_path(out, print, (enum tr_ckpt_stage)s);
        char *tmp = tr_runfile_temp_path(ckpt, 7), *tmp9 = tr_runfile_temp_path(ckpt, 9);
        touch(ckpt, "x"), touch(tmp, "x"), touch(tmp9, "x");
        free(ckpt), free(tmp), free(tmp9);
    }
    char *assembly = tr_runfile_temp_path(out, 0),
         *others = tr_ckpt_path(other, print, TR_CKPT_RECORDS);
    /* another run's (another fingerprint) checkpoint of the same output: never removed */
    char *foreign = tr_ckpt_path(out, "ffeeddccbbaa9988", TR_CKPT_MODEL);
    touch(assembly, "x"), touch(others, "x"), touch(foreign, "x");
    assert_int_equal(count_entries(dir, ""), 2 + 13); /* . and .. */
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    tr_ckpt_remove(&ctx, out, print, 7);
    assert_true(exists(out));
    assert_true(exists(others));
    assert_true(exists(foreign));
    assert_false(exists(assembly));
    for (int s = TR_CKPT_RECORDS; s <= TR_CKPT_STRESS; s++) {
        char *ckpt = tr_ckpt_path(out, print, (enum tr_ckpt_stage)s);
        char *tmp9 = tr_runfile_temp_path(ckpt, 9);
        assert_false(exists(ckpt));
        assert_true(exists(tmp9));
        free(ckpt), free(tmp9);
    }
    assert_int_equal(count_entries(dir, ""), 2 + 6);
    tr_ckpt_remove(&ctx, out, print, 7); /* nothing left to remove: fine */
    assert_int_equal(count_entries(dir, ""), 2 + 6);
    free(assembly), free(others), free(foreign);
    remove_dir(dir);
}

/* A checkpoint whose values changed after it was sealed is refused when found (exit 2, naming
 * it and the object); another run's checkpoints (another fingerprint in the name) are never taken
 * for this run's: refused (exit 1) with their names, and left where they are. */
static void test_find_verifies(void **state)
{
    (void)state;
    char dir[64], out[96];
    make_dir(dir);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    write_records(out, config_text);
    write_model(out);
    char *model = tr_ckpt_path(out, print, TR_CKPT_MODEL);
    int done = -1;
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_MODEL);
    /* one bit of the loans' storage flipped, as a disk would */
    hid_t f = H5Fopen(model, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, "portfolio/loans", H5P_DEFAULT);
    assert_true(d >= 0);
    const haddr_t at = H5Dget_offset(d);
    H5Dclose(d);
    H5Fclose(f);
    int fd = open(model, O_RDWR);
    unsigned char byte;
    assert_int_equal(pread(fd, &byte, 1, (off_t)at + 9), 1);
    byte ^= 0x10;
    assert_int_equal(pwrite(fd, &byte, 1, (off_t)at + 9), 1);
    close(fd);
    assert_int_equal(find(out, config_text, print, &done), TR_EXIT_INPUT);
    assert_non_null(strstr(text, model));
    assert_non_null(strstr(text, "dataset portfolio/loans differs from its checksum"));
    /* the same checkpoints seen by a run of another fingerprint: not taken, said, left; that run
     * starts from its inputs */
    static const char other[] = "99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa";
    assert_int_equal(find_as(out, other, config_text, print, &done), TR_EXIT_OK);
    assert_int_equal(done, TR_CKPT_NONE);
    assert_non_null(strstr(text, "no checkpoint of this run"));
    assert_non_null(strstr(text, model));
    assert_true(exists(model));
    free(model);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ the inputs' fingerprint */

static void fingerprint(const struct tr_config *cfg, char out[65])
{
    listen();
    tr_ckpt_fingerprint(&ctx, cfg, out);
    done_listening();
    assert_int_equal(strlen(out), 64);
    assert_int_equal(strspn(out, "0123456789abcdef"), 64);
    assert_string_equal(text, ""); /* quiet, even when the inputs are not all there */
}

static void set_mtime(const char *path, time_t sec, long nsec)
{
    const struct timespec t[2] = {{sec, nsec}, {sec, nsec}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* Changes to what the run reads change it: a table's size or modification time (to the
 * nanosecond), a new table file, the key file; the same files give the same digest. Contents
 * rewritten at the same size and time do not (it is not a checksum). */
static void test_fingerprint(void **state)
{
    (void)state;
    char dir[64], cdr[96], key[96], loans[96], a[65], b[65];
    make_dir(dir);
    snprintf(cdr, sizeof cdr, "%s/cdr.csv", dir);
    snprintf(key, sizeof key, "%s/key.txt", dir);
    snprintf(loans, sizeof loans, "%s/loans.csv", dir);
    char antennas[96];
    snprintf(antennas, sizeof antennas, "%s/antennas.csv", dir);
    touch(antennas, "antenna_id,tower_id,latitude,longitude,region\n");
    touch(cdr, "header\nline 1\n");
    set_mtime(cdr, 1600000000, 500);
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    snprintf(cfg.inputs.dir, sizeof cfg.inputs.dir, "%s", dir);
    fingerprint(&cfg, a);
    fingerprint(&cfg, b);
    assert_string_equal(a, b);
    touch(cdr, "header\nline 2\n"); /* the same size */
    set_mtime(cdr, 1600000000, 500);
    fingerprint(&cfg, b);
    assert_string_equal(a, b);
    set_mtime(cdr, 1600000000, 501);
    fingerprint(&cfg, b);
    assert_string_not_equal(a, b);
    touch(cdr, "header\nline 1\nline 2\n");
    set_mtime(cdr, 1600000000, 500);
    fingerprint(&cfg, b);
    assert_string_not_equal(a, b);
    touch(cdr, "header\nline 1\n");
    set_mtime(cdr, 1600000000, 500);
    fingerprint(&cfg, b);
    assert_string_equal(a, b); /* back as it was */
    touch(loans, "header\n");
    fingerprint(&cfg, b);
    assert_string_not_equal(a, b);
    unlink(loans);
    touch(key, "00112233445566778899aabbccddeeff\n");
    snprintf(cfg.privacy.key_file, sizeof cfg.privacy.key_file, "%s", key);
    fingerprint(&cfg, b);
    assert_string_not_equal(a, b);
    cfg.privacy.key_file[0] = 0;
    unlink(cdr); /* a required table gone: still a digest, another one */
    fingerprint(&cfg, b);
    assert_string_not_equal(a, b);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_write_and_find),
        cmocka_unit_test(test_find_gaps),
        cmocka_unit_test(test_find_refuses),
        cmocka_unit_test(test_find_verifies),
        cmocka_unit_test(test_config_compared_whole),
        cmocka_unit_test(test_assemble),
        cmocka_unit_test(test_assemble_records_only),
        cmocka_unit_test(test_assemble_without_records),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_fingerprint),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
