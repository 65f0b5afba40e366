#include "output/stored.h"
#include "output/seal.h"
#include "output/history.h"

#include "core/error.h"
#include "core/fs.h"
#include "io/h5.h"
#include "crosscheck/drift.h"
#include "output/groups.h"
#include "ifrs9/ecl.h"
#include "model/train.h"
#include "stress/stress.h"

#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every rank opens the file read-only on its own (the POSIX driver): a few independent reads of
 * its slice, no collective step. */
static hid_t open_read(const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    return f;
}

static int has(hid_t loc, const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    int yes = H5Lexists(loc, path, H5P_DEFAULT) > 0;
    tr_h5_quiet_end(&q);
    return yes;
}

/* Whether obj has the attribute name; a file HDF5 cannot answer for has none (quietly: the
 * caller says what is missing). */
static int has_attr(hid_t obj, const char *name)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    int yes = H5Aexists(obj, name) > 0;
    tr_h5_quiet_end(&q);
    return yes;
}

/* ---- Before reading: a file another program wrote, damaged or crafted, is refused with its
 * reason (exit 2), never left to fail an HDF5 call (exit 3) or to overrun a buffer. ---- */

/* The most rows a reader takes: their bytes fit a size_t, whatever the row. */
#define MAX_ROWS ((hsize_t)1 << 48)

/* Strings tr_h5_read_strings can read (want: how many; (hsize_t)-1 any). NULL, or the problem. */
static const char *strings_problem(hid_t obj, int is_attr, hsize_t want)
{
    hsize_t n = 0;
    const char *why = tr_h5_strings_problem(obj, is_attr, &n);
    if (!why && want != (hsize_t)-1 && n != want) return "does not have one name per column";
    return why;
}

/* The dataset at path: a rank-`rank` array of class cls and `rows` rows. NULL, or the problem. */
static const char *column_problem(hid_t f, const char *path, H5T_class_t cls, int rank,
                                  hsize_t rows)
{
    hid_t d = tr_h5_open_dataset(f, path);
    if (d < 0) return "is missing";
    struct tr_h5_shape s;
    tr_h5_shape_of(d, 0, &s);
    H5_CHECK(H5Dclose(d));
    if (s.cls != cls) return cls == H5T_FLOAT ? "is not of numbers" : "is not of integers";
    if (s.rank != rank) return rank == 1 ? "is not one column" : "is not a table";
    if (s.dims[0] != rows) return "does not have a row per subscriber (/subscribers/features)";
    return NULL;
}

/* The root's seed: one integer. */
static int seed_ok(hid_t f)
{
    if (!has_attr(f, "seed")) return 0;
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    H5_CHECK(a);
    struct tr_h5_shape s;
    tr_h5_shape_of(a, 1, &s);
    H5_CHECK(H5Aclose(a));
    return s.cls == H5T_INTEGER && s.points == 1;
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether some name is empty or repeated: each names its region's group (/models/regions/<name>),
 * which needs a name of its own. Sorts names. */
static int names_clash(char **names, int n)
{
    qsort(names, (size_t)n, sizeof *names, cmp_text);
    for (int i = 0; i < n; i++)
        if (!names[i][0] || (i > 0 && strcmp(names[i], names[i - 1]) == 0)) return 1;
    return 0;
}

/* The region names: a dataset of text, every name one of its own. */
static const char *regions_problem(hid_t f)
{
    hid_t d = tr_h5_open_dataset(f, "regions/names");
    if (d < 0) return "/regions/names is missing";
    const char *why = strings_problem(d, 0, (hsize_t)-1);
    int n = 0, clash = 0;
    char **names = why ? NULL : tr_h5_read_strings(d, 0, &n);
    if (names) clash = names_clash(names, n);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    H5_CHECK(H5Dclose(d));
    if (clash) return "/regions/names has an empty or repeated name";
    return why ? "/regions/names does not hold the region names" : NULL;
}

/* Everything tr_stored_run_load reads, of the type and shape it reads (rows, cols: the features'
 * shape). 0, or 1 with the problem in why. */
static int check_run_layout(hid_t f, hsize_t *rows, hsize_t *cols, char *why, size_t len)
{
    static const struct {
        const char *path;
        H5T_class_t cls;
    } columns[] = {{"subscribers/key", H5T_INTEGER},   {"subscribers/region", H5T_INTEGER},
                   {"subscribers/label", H5T_INTEGER}, {"subscribers/holdout", H5T_INTEGER},
                   {"subscribers/pd", H5T_FLOAT},      {"subscribers/pd_calibrated", H5T_FLOAT}};
    hid_t d = tr_h5_open_dataset(f, "subscribers/features");
    if (d < 0) return snprintf(why, len, "/subscribers/features is not a dataset"), 1;
    struct tr_h5_shape s;
    tr_h5_shape_of(d, 0, &s);
    const char *names = has_attr(d, "names") ? NULL : "is missing";
    if (!names) {
        hid_t a = H5Aopen(d, "names", H5P_DEFAULT);
        H5_CHECK(a);
        names = strings_problem(a, 1, s.dims[1]);
        H5_CHECK(H5Aclose(a));
    }
    H5_CHECK(H5Dclose(d));
    *rows = s.dims[0], *cols = s.dims[1];
    if (s.cls != H5T_FLOAT || s.rank != 2 || *rows > MAX_ROWS ||
        (*cols && *rows > SIZE_MAX / sizeof(double) / *cols))
        return snprintf(why, len, "/subscribers/features is not a table of numbers"), 1;
    if (names) return snprintf(why, len, "/subscribers/features: its names attribute %s", names), 1;
    const char *problem = regions_problem(f);
    if (problem) return snprintf(why, len, "%s", problem), 1;
    if (!seed_ok(f)) return snprintf(why, len, "the root has no integer attribute seed"), 1;
    for (size_t k = 0; k < sizeof columns / sizeof *columns; k++) {
        if (k >= 4 && !has(f, columns[k].path)) continue; /* the PDs are optional */
        problem = column_problem(f, columns[k].path, columns[k].cls, 1, *rows);
        if (problem) return snprintf(why, len, "/%s %s", columns[k].path, problem), 1;
    }
    return 0;
}

static void read_slice(hid_t f, const char *name, hid_t mem_type, void *buf, uint64_t first,
                       size_t n)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    H5_CHECK(d);
    tr_h5_read_rows(d, mem_type, buf, first, n);
    H5_CHECK(H5Dclose(d));
}

/* The column of row i that the later stages could not index with or trust, or NULL: a region
 * outside [-1, n_regions), a label not -1/0/1, a sample not 0-2, a key not above the row
 * before's (previous: that key, when there is a row before), a PD outside [0, 1] (NaN: none). */
static const char *row_problem(const struct tr_stored_run *r, size_t i, const uint64_t *previous)
{
    if (r->region[i] < -1 || r->region[i] >= r->n_regions) return "region";
    if (r->label[i] < -1 || r->label[i] > 1) return "label";
    if (r->sample[i] < 0 || r->sample[i] > 2) return "holdout";
    if (previous && r->key[i] <= *previous) return "key";
    if (r->pd && !(isnan(r->pd[i]) || (r->pd[i] >= 0 && r->pd[i] <= 1))) return "pd";
    if (r->pd_calibrated &&
        !(isnan(r->pd_calibrated[i]) || (r->pd_calibrated[i] >= 0 && r->pd_calibrated[i] <= 1)))
        return "pd_calibrated";
    return NULL;
}

/* Every row of this rank's slice (keys from the row before its first). 0, or 1 with the first
 * bad row in why. */
static int check_run_values(hid_t f, const struct tr_stored_run *r, char *why, size_t len)
{
    uint64_t before = 0;
    if (r->first > 0) read_slice(f, "subscribers/key", H5T_NATIVE_UINT64, &before, r->first - 1, 1);
    for (size_t i = 0; i < r->n; i++) {
        const uint64_t *previous = i > 0 ? &r->key[i - 1] : r->first > 0 ? &before : NULL;
        const char *what = row_problem(r, i, previous);
        if (what) {
            snprintf(why, len, "/subscribers/%s row %" PRIu64 " is out of its range%s", what,
                     r->first + i, what[0] == 'k' ? " (keys must increase)" : "");
            return 1;
        }
    }
    return 0;
}

int tr_stored_run_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_run *r)
{
    memset(r, 0, sizeof *r);
    hid_t f = open_read(path);
    int ok = f >= 0 && has(f, "subscribers/features") && has(f, "subscribers/label") &&
             has(f, "regions/names");
    char why[1100];
    snprintf(why, sizeof why, "%s: %s", path,
             f < 0 ? "cannot open it as an HDF5 file"
                   : "not a telrisk run file with features (no /subscribers/features)");
    int rc = tr_fail_agree(ctx, ok ? TR_EXIT_OK : TR_EXIT_INPUT, why);
    char problem[512] = "";
    hsize_t dims[2] = {0, 0};
    if (!rc) {
        const int bad = check_run_layout(f, &dims[0], &dims[1], problem, sizeof problem);
        snprintf(why, sizeof why, "%s: not a run file telrisk can read: %s", path, problem);
        rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    }
    if (rc) {
        if (f >= 0) H5_CHECK(H5Fclose(f));
        return rc;
    }
    hid_t d = H5Dopen2(f, "subscribers/features", H5P_DEFAULT);
    H5_CHECK(d);
    r->names = tr_h5_attr_texts(d, "names", &r->n_features);
    H5_CHECK(H5Dclose(d));
    d = H5Dopen2(f, "regions/names", H5P_DEFAULT);
    H5_CHECK(d);
    r->region_names = tr_h5_read_strings(d, 0, &r->n_regions);
    H5_CHECK(H5Dclose(d));
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    H5_CHECK(a);
    H5_CHECK(H5Aread(a, H5T_NATIVE_UINT64, &r->seed));
    H5_CHECK(H5Aclose(a));
    r->config = tr_h5_attr_text(f, "config");
    /* An even cut of the rows: any cut gives the same results (sums are by global row). */
    const uint64_t total = dims[0];
    r->first = total * (uint64_t)ctx->rank / (uint64_t)ctx->size;
    r->n = (size_t)(total * (uint64_t)(ctx->rank + 1) / (uint64_t)ctx->size - r->first);
    r->key = TR_MALLOC(sizeof *r->key * (r->n + 1));
    r->region = TR_MALLOC(sizeof *r->region * (r->n + 1));
    r->label = TR_MALLOC(r->n + 1);
    r->sample = TR_MALLOC(r->n + 1);
    r->values = TR_MALLOC(sizeof(double) * (r->n * (size_t)r->n_features + 1));
    read_slice(f, "subscribers/key", H5T_NATIVE_UINT64, r->key, r->first, r->n);
    read_slice(f, "subscribers/region", H5T_NATIVE_INT32, r->region, r->first, r->n);
    read_slice(f, "subscribers/label", H5T_NATIVE_INT8, r->label, r->first, r->n);
    read_slice(f, "subscribers/holdout", H5T_NATIVE_INT8, r->sample, r->first, r->n);
    read_slice(f, "subscribers/features", H5T_NATIVE_DOUBLE, r->values, r->first, r->n);
    if (has(f, "subscribers/pd")) {
        r->pd = TR_MALLOC(sizeof(double) * (r->n + 1));
        read_slice(f, "subscribers/pd", H5T_NATIVE_DOUBLE, r->pd, r->first, r->n);
    }
    if (has(f, "subscribers/pd_calibrated")) {
        r->pd_calibrated = TR_MALLOC(sizeof(double) * (r->n + 1));
        read_slice(f, "subscribers/pd_calibrated", H5T_NATIVE_DOUBLE, r->pd_calibrated, r->first,
                   r->n);
    }
    int bad = check_run_values(f, r, problem, sizeof problem);
    if (!bad) bad = tr_rf_read_cohorts(f, &r->cohorts, &r->has_cohorts, problem, sizeof problem);
    H5_CHECK(H5Fclose(f));
    snprintf(why, sizeof why, "%s: not a run file telrisk can read: %s", path, problem);
    if ((rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why))) tr_stored_run_free(r);
    return rc;
}

void tr_stored_run_free(struct tr_stored_run *r)
{
    for (int j = 0; j < r->n_features; j++)
        free(r->names[j]);
    for (int g = 0; g < r->n_regions; g++)
        free(r->region_names[g]);
    free(r->names);
    free(r->region_names);
    free(r->key);
    free(r->region);
    free(r->label);
    free(r->sample);
    free(r->values);
    free(r->pd);
    free(r->pd_calibrated);
    free(r->config);
    memset(r, 0, sizeof *r);
}

static void unlink_if(hid_t f, const char *path)
{
    if (has(f, path)) H5_CHECK(H5Ldelete(f, path, H5P_DEFAULT));
}

/* The inputs a step read with --no-verify, appended to the attribute unverified_inputs of
 * /provenance (of the root when there is none), so that the file it wrote says it was made from
 * files whose seal nobody checked. Collective on a file open with MPI-IO (the same calls
 * everywhere), or rank 0's alone. */
static void note_unverified(hid_t f, const char *paths)
{
    if (!paths || !paths[0]) return;
    hid_t at =
        has(f, "provenance") ? H5Oopen(f, "provenance", H5P_DEFAULT) : H5Oopen(f, ".", H5P_DEFAULT);
    H5_CHECK(at);
    char *before = NULL;
    if (has_attr(at, "unverified_inputs")) {
        before = tr_h5_attr_text(at, "unverified_inputs");
        H5_CHECK(H5Adelete(at, "unverified_inputs"));
    }
    const size_t len = (before ? strlen(before) : 0) + strlen(paths) + 3;
    char *text = TR_MALLOC(len);
    snprintf(text, len, "%s%s%s", before ? before : "", before ? "; " : "", paths);
    tr_h5_attr_str(at, "unverified_inputs", text);
    free(text);
    free(before);
    H5_CHECK(H5Oclose(at));
}

/* Collective: a copy of `from` under a temporary name beside `to`, opened for writing with
 * MPI-IO (H5I_INVALID_HID when the copy failed, printed). *tmp is the name to free. */
static hid_t open_copy(const struct tr_ctx *ctx, const char *from, const char *to, uint64_t seed,
                       char **tmp)
{
    char err[1200] = "";
    *tmp = tr_runfile_temp_path(to, seed);
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0 && tr_copy_file(from, *tmp, err, sizeof err)) {
        fprintf(ctx->msg, "telrisk: %s\n", err);
        unlink(*tmp); /* what the copy wrote before it failed */
        rc = TR_EXIT_INPUT;
    }
    if (tr_agree(ctx, rc)) return H5I_INVALID_HID;
    tr_h5_writing(to, *tmp); /* until published or abandoned */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5_CHECK(fapl);
    H5_CHECK(H5Pset_fapl_mpio(fapl, ctx->comm, MPI_INFO_NULL));
    H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18));
    hid_t f = H5Fopen(*tmp, H5F_ACC_RDWR, fapl);
    H5_CHECK(f);
    H5_CHECK(H5Pclose(fapl));
    return f;
}

/* Collective: closes the updated copy and renames it to `to`. */
static int publish_copy(const struct tr_ctx *ctx, hid_t f, char *tmp, const char *to)
{
    H5_CHECK(H5Fclose(f));
    int rc = TR_EXIT_OK;
    char err[2600] = "";
    if (ctx->rank == 0 &&
        (tr_history_append(tmp, err, sizeof err) || tr_seal_and_rename(tmp, to, err, sizeof err))) {
        fprintf(ctx->msg, "telrisk: %s\n", err);
        rc = TR_EXIT_INPUT;
    }
    tr_h5_writing(to, NULL);
    free(tmp);
    return tr_agree(ctx, rc);
}

/* Collective: closes a copy that will not be published and removes it. */
static void abandon_copy(const struct tr_ctx *ctx, hid_t f, char *tmp)
{
    H5_CHECK(H5Fclose(f));
    if (ctx->rank == 0) unlink(tmp);
    tr_h5_writing(NULL, NULL);
    free(tmp);
}

/* Collective. The loan book's model PDs are the old models': rejoin the new PDs (a loan's own PD
 * stays), and drop stress results computed from the old ones (telrisk stress makes them again).
 * 0, or TR_EXIT_INPUT (said with the file's path) when the book `from` holds cannot be read. */
static int refresh_book(const struct tr_ctx *ctx, hid_t f, const char *from,
                        const struct tr_stored_run *run, const struct tr_rf_scores *scores)
{
    if (!has(f, "portfolio/loans")) return TR_EXIT_OK;
    struct tr_portfolio book;
    char err[512] = "", why[TR_PATH_MAX + sizeof err + 8];
    const int bad = tr_rf_read_portfolio_aligned(ctx, f, run->n, run->key, &book, err, sizeof err);
    snprintf(why, sizeof why, "%s: %s", from, err);
    const int rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, bad ? why : NULL);
    if (rc) {
        tr_portfolio_free(&book);
        return rc;
    }
    for (size_t i = 0; i < book.n; i++)
        if (book.e[i].pd_source == TR_PD_MODEL)
            book.e[i].pd_source = TR_PD_NONE, book.e[i].pd = NAN;
    if (scores && scores->pd)
        tr_portfolio_join_pd(&book, run->n, run->key,
                             scores->pd_calibrated ? scores->pd_calibrated : scores->pd);
    unlink_if(f, "portfolio");
    tr_rf_write_portfolio(ctx, f, &book);
    tr_portfolio_free(&book);
    if (has(f, "stress")) {
        TR_WARN_ONCE(ctx, "the models changed: /stress (made with the old PDs) is removed; "
                          "telrisk stress makes it again");
        unlink_if(f, "stress");
    }
    if (has(f, "ifrs9")) {
        TR_WARN_ONCE(ctx, "the models changed: /ifrs9 (made with the old PDs) is removed; "
                          "telrisk ecl makes it again");
        unlink_if(f, "ifrs9");
    }
    return TR_EXIT_OK;
}

/* /crosschecks' backtest and drift replaced by c's (when the run has cross-checks). */
static void refresh_crosschecks(const struct tr_ctx *ctx, hid_t f, const struct tr_run_contents *c)
{
    unlink_if(f, "crosschecks/drift");
    unlink_if(f, "crosschecks/backtest");
    unlink_if(f, "crosschecks/concentration");
    if (!has(f, "crosschecks") || !c->crosschecks) return;
    hid_t cc = H5Gopen2(f, "crosschecks", H5P_DEFAULT);
    H5_CHECK(cc);
    tr_rf_write_backtest(ctx, cc, c->crosschecks->backtest, c->regions, c->k_min);
    if (c->crosschecks->drift) tr_rf_write_drift(ctx, cc, c->crosschecks->drift);
    H5_CHECK(H5Gclose(cc));
}

/* Collective: what the models were made with, when the caller changed it: the samples drawn
 * again (/subscribers/holdout) and the root config. */
static void refresh_lineage(const struct tr_ctx *ctx, hid_t f, const struct tr_stored_run *run)
{
    if (run->samples_changed) {
        hid_t d = H5Dopen2(f, "subscribers/holdout", H5P_DEFAULT);
        H5_CHECK(d);
        tr_h5_write_rows(ctx, d, H5T_NATIVE_INT8, run->sample, run->first, run->n);
        H5_CHECK(H5Dclose(d));
    }
    if (!run->new_config) return;
    if (has_attr(f, "config")) H5_CHECK(H5Adelete(f, "config"));
    tr_h5_attr_str(f, "config", run->new_config);
}

int tr_stored_run_update(const struct tr_ctx *ctx, const struct tr_stored_run *run,
                         const char *from, const char *to, const struct tr_run_contents *c)
{
    char *tmp = NULL;
    hid_t f = open_copy(ctx, from, to, run->seed, &tmp);
    if (f < 0) {
        free(tmp);
        return TR_EXIT_INPUT;
    }
    unlink_if(f, "models");
    unlink_if(f, "monitoring");
    unlink_if(f, "subscribers/pd");
    unlink_if(f, "subscribers/score");
    unlink_if(f, "subscribers/grade");
    unlink_if(f, "subscribers/pd_calibrated");
    unlink_if(f, "subscribers/points");
    unlink_if(f, "subscribers/reasons");
    uint64_t total = run->n;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    hid_t g = H5Gopen2(f, "subscribers", H5P_DEFAULT);
    H5_CHECK(g);
    tr_rf_write_scores(ctx, g, c->scores, run->first, total);
    H5_CHECK(H5Gclose(g));
    tr_rf_write_models(ctx, f, c);
    if (c->monitoring) tr_rf_write_monitoring(ctx, f, c->monitoring);
    const int rc = refresh_book(ctx, f, from, run, c->scores);
    if (rc) {
        abandon_copy(ctx, f, tmp);
        return rc;
    }
    refresh_crosschecks(ctx, f, c);
    refresh_lineage(ctx, f, run);
    note_unverified(f, run->unverified);
    return publish_copy(ctx, f, tmp, to);
}

/* ---- The stress step: `telrisk stress` and `telrisk merge` ---- */

/* A run file's seed and creation time (a part file carries its run's time). */
static void read_identity(hid_t f, int part, uint64_t *seed, char created[32])
{
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    H5_CHECK(a);
    H5_CHECK(H5Aread(a, H5T_NATIVE_UINT64, seed));
    H5_CHECK(H5Aclose(a));
    char *text = tr_h5_attr_text(f, part ? "source_created_utc" : "created_utc");
    snprintf(created, 32, "%s", text ? text : "");
    free(text);
}

/* The run's config without its [stress] section: those keys (the scenarios a job array splits
 * into parts, paths, levels) shape /stress only, never the loan book, and a part's own stress
 * settings are on its scenario groups. */
static void feed_config(crypto_generichash_state *h, hid_t f)
{
    char *config = tr_h5_attr_text(f, "config");
    int in_stress = 0;
    for (char *line = config, *next; line && *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next) *next++ = 0;
        const char *t = line + strspn(line, " \t");
        if (*t == '[') in_stress = strncmp(t, "[stress]", 8) == 0;
        if (!in_stress) crypto_generichash_update(h, (const unsigned char *)t, strlen(t) + 1);
    }
    free(config);
}

/* Rank-local: the run's content fingerprint (hex): what its loan book was made from and is. A
 * part made from this run carries it (source_fingerprint); merge matches parts by it, not by time
 * (SOURCE_DATE_EPOCH fixes every run's created_utc). The objects' digests are computed from their
 * values, not taken from their stored checksums (a file read with --no-verify). */
static void content_fingerprint(hid_t f, char out[65])
{
    static const char *const objects[] = {"provenance/inputs", "regions/names", "portfolio/loans"};
    crypto_generichash_state h;
    unsigned char sum[32], seed_le[8];
    crypto_generichash_init(&h, NULL, 0, sizeof sum);
    uint64_t seed = 0;
    char created[32];
    read_identity(f, 0, &seed, created);
    for (int k = 0; k < 8; k++)
        seed_le[k] = (unsigned char)(seed >> (8 * k));
    crypto_generichash_update(&h, seed_le, sizeof seed_le);
    feed_config(&h, f);
    for (size_t k = 0; k < sizeof objects / sizeof *objects; k++) {
        char digest[TR_CHECKSUM_TEXT + 1];
        tr_seal_digest_of(f, objects[k], digest); /* "" when absent: that counts too */
        crypto_generichash_update(&h, (const unsigned char *)objects[k], strlen(objects[k]) + 1);
        crypto_generichash_update(&h, (const unsigned char *)digest, strlen(digest) + 1);
    }
    crypto_generichash_final(&h, sum, sizeof sum);
    sodium_bin2hex(out, 65, sum, sizeof sum);
}

/* What read_identity and tr_stored_book_load read, of the type they read (/portfolio/loans:
 * tr_rf_read_portfolio checks it). 0, or 1 with the problem in why. */
static int check_book_layout(hid_t f, char *why, size_t len)
{
    hid_t a = H5Aopen(f, "created_utc", H5P_DEFAULT);
    H5_CHECK(a);
    const char *created = strings_problem(a, 1, (hsize_t)-1);
    H5_CHECK(H5Aclose(a));
    const char *regions = regions_problem(f);
    if (created) return snprintf(why, len, "its attribute created_utc is not text"), 1;
    if (regions) return snprintf(why, len, "%s", regions), 1;
    if (!seed_ok(f)) return snprintf(why, len, "the root has no integer attribute seed"), 1;
    return 0;
}

/* What the stress stage indexes with: each loan's region in [-1, n_regions), and the borrowers'
 * keys in order (within this rank's slice). 0, or 1 with the first bad row in why. */
static int check_book_values(const struct tr_stored_book *b, char *why, size_t len)
{
    for (size_t i = 0; i < b->book.n; i++) {
        const struct tr_exposure *e = &b->book.e[i];
        if (e->region < -1 || e->region >= b->n_regions ||
            (i > 0 && e->subscriber < b->book.e[i - 1].subscriber)) {
            snprintf(why, len,
                     "/portfolio/loans row %" PRIu64 " has a region that is not one of the "
                     "file's %d, or a borrower out of key order",
                     b->book.first + i, b->n_regions);
            return 1;
        }
    }
    return 0;
}

int tr_stored_book_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_book *b)
{
    memset(b, 0, sizeof *b);
    hid_t f = open_read(path);
    const int ok =
        f >= 0 && has(f, "regions/names") && has_attr(f, "created_utc") && has_attr(f, "seed");
    char why[1400] = "";
    snprintf(why, sizeof why, "%s: %s", path,
             f < 0 ? "cannot open it as an HDF5 file" : "not a telrisk run file");
    int rc = tr_fail_agree(ctx, ok ? TR_EXIT_OK : TR_EXIT_INPUT, why);
    char err[512] = "";
    if (!rc) {
        const int bad = check_book_layout(f, err, sizeof err);
        snprintf(why, sizeof why, "%s: not a run file telrisk can read: %s", path, err);
        rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    }
    if (!rc) {
        read_identity(f, 0, &b->seed, b->created);
        if (ctx->rank == 0) content_fingerprint(f, b->fingerprint);
        MPI_CHECK(MPI_Bcast(b->fingerprint, sizeof b->fingerprint, MPI_CHAR, 0, ctx->comm));
        hid_t d = H5Dopen2(f, "regions/names", H5P_DEFAULT);
        H5_CHECK(d);
        b->region_names = tr_h5_read_strings(d, 0, &b->n_regions);
        H5_CHECK(H5Dclose(d));
        const int bad = tr_rf_read_portfolio(ctx, f, &b->book, err, sizeof err) ||
                        check_book_values(b, err, sizeof err);
        snprintf(why, sizeof why, "%s: %s", path, err);
        rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    }
    if (f >= 0) H5_CHECK(H5Fclose(f));
    if (rc) tr_stored_book_free(b);
    return rc;
}

void tr_stored_book_free(struct tr_stored_book *b)
{
    for (int g = 0; g < b->n_regions; g++)
        free(b->region_names[g]);
    free(b->region_names);
    tr_portfolio_free(&b->book);
    memset(b, 0, sizeof *b);
}

int tr_stored_stress_write(const struct tr_ctx *ctx, const char *run, const char *part,
                           const struct tr_stored_book *b, const struct tr_stress_params *p,
                           const struct tr_stress_result *results, int n)
{
    if (!part) { /* into a copy of the run file that replaces it */
        char *tmp = NULL;
        hid_t f = open_copy(ctx, run, run, b->seed, &tmp);
        if (f < 0) {
            free(tmp);
            return TR_EXIT_INPUT;
        }
        tr_rf_write_stress(ctx, f, p, results, n);
        note_unverified(f, b->unverified);
        return publish_copy(ctx, f, tmp, run);
    }
    char *tmp = NULL;
    hid_t f = tr_runfile_create(ctx, part, b->seed, &tmp);
    if (f < 0) return TR_EXIT_INPUT;
    tr_h5_attr_str(f, "description",
                   "telrisk stress results for one run (telrisk merge adds them to it); "
                   "docs/stress.md");
    tr_h5_attr_str(f, "telrisk_version", TELRISK_VERSION);
    tr_h5_attr_str(f, "deflated_by", tr_h5_deflate_library());
    tr_h5_attr_str(f, "source_run", run);
    tr_h5_attr_str(f, "source_created_utc", b->created);
    tr_h5_attr_str(f, "source_fingerprint", b->fingerprint);
    tr_h5_attr_scalar(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &b->seed);
    tr_rf_write_stress(ctx, f, p, results, n);
    note_unverified(f, b->unverified);
    return tr_runfile_publish(ctx, f, part, tmp, TR_PUBLISH_RUN);
}

/* Every group of a part file's /stress into stress, replacing those of the same name. A part
 * file is the user's: 0, or -1 (quietly) where HDF5 cannot read or copy it. */
static int copy_scenarios(hid_t pf, hid_t stress)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t ps = H5Gopen2(pf, "stress", H5P_DEFAULT);
    H5G_info_t info = {0};
    int rc = ps < 0 || H5Gget_info(ps, &info) < 0 ? -1 : 0;
    for (hsize_t i = 0; !rc && i < info.nlinks; i++) {
        char name[TR_SCENARIO_NAME_MAX] = "";
        const ssize_t len = H5Lget_name_by_idx(ps, ".", H5_INDEX_NAME, H5_ITER_INC, i, name,
                                               sizeof name, H5P_DEFAULT);
        rc = len < 0 || (size_t)len >= sizeof name ? -1 : 0; /* no scenario has a longer name */
        if (!rc && has(stress, name)) H5_CHECK(H5Ldelete(stress, name, H5P_DEFAULT));
        if (!rc) rc = H5Ocopy(ps, name, stress, name, H5P_DEFAULT, H5P_DEFAULT) < 0 ? -1 : 0;
    }
    if (ps >= 0) H5_CHECK(H5Gclose(ps));
    tr_h5_quiet_end(&q);
    return rc;
}

/* 0 when the part at path was made from the run whose content fingerprint is `print`, else 1
 * with why. */
static int part_matches(hid_t pf, const char *path, const char *print, char *err, size_t errlen)
{
    if (pf < 0 || !has_attr(pf, "source_created_utc") || !seed_ok(pf) || !has(pf, "stress")) {
        snprintf(err, errlen, "%s: not a telrisk stress part file (telrisk stress --out)", path);
        return 1;
    }
    char *source = tr_h5_attr_text(pf, "source_fingerprint");
    int rc = 0;
    if (!source)
        snprintf(err, errlen,
                 "%s: has no source_fingerprint (made by an older telrisk): which run it came "
                 "from cannot be told; make it again with telrisk stress --out",
                 path),
            rc = 1;
    else if (strcmp(source, print) != 0)
        snprintf(err, errlen,
                 "%s: made from another run (another loan book, inputs, config or seed: its "
                 "source_fingerprint %.16s..., this run's %.16s...); not merged",
                 path, source, print),
            rc = 1;
    free(source);
    return rc;
}

/* Copies each part's /stress groups into f (rank 0 only, the POSIX driver). */
static int merge_parts(hid_t f, const char *print, const char *const *parts, int n_parts, char *err,
                       size_t errlen)
{
    hid_t stress = has(f, "stress") ? H5Gopen2(f, "stress", H5P_DEFAULT)
                                    : tr_h5_group(f, "stress",
                                                  "regulatory stress analyses, one group per "
                                                  "scenario; docs/stress.md");
    H5_CHECK(stress);
    int rc = 0;
    for (int k = 0; k < n_parts && !rc; k++) {
        hid_t pf = open_read(parts[k]);
        rc = part_matches(pf, parts[k], print, err, errlen);
        if (!rc && copy_scenarios(pf, stress)) {
            snprintf(err, errlen, "%s: its /stress cannot be read (a damaged part file)", parts[k]);
            rc = 1;
        }
        if (pf >= 0) H5_CHECK(H5Fclose(pf));
    }
    H5_CHECK(H5Gclose(stress));
    return rc;
}

int tr_stored_stress_merge(const struct tr_ctx *ctx, const char *run, const char *to,
                           const char *const *parts, int n_parts, const char *unverified)
{
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0) {
        char err[2400] = "", tmp[TR_PATH_MAX + 64], print[65] = "";
        snprintf(tmp, sizeof tmp, "%s.merge-tmp", to);
        hid_t f = open_read(run);
        if (f < 0 || !has_attr(f, "created_utc") || !seed_ok(f) || !has(f, "regions/names")) {
            snprintf(err, sizeof err, "%s: not a telrisk run file", run);
            rc = TR_EXIT_INPUT;
        } else
            content_fingerprint(f, print);
        if (f >= 0) H5_CHECK(H5Fclose(f));
        tr_h5_writing(to, tmp);
        if (!rc && tr_copy_file(run, tmp, err, sizeof err)) rc = TR_EXIT_INPUT;
        if (!rc) {
            hid_t w = H5Fopen(tmp, H5F_ACC_RDWR, H5P_DEFAULT);
            H5_CHECK(w);
            if (merge_parts(w, print, parts, n_parts, err, sizeof err)) rc = TR_EXIT_INPUT;
            if (!rc) note_unverified(w, unverified);
            H5_CHECK(H5Fclose(w));
        }
        if (!rc && (tr_history_append(tmp, err, sizeof err) ||
                    tr_seal_and_rename(tmp, to, err, sizeof err)))
            rc = TR_EXIT_INPUT;
        if (rc) {
            unlink(tmp);
            fprintf(ctx->msg, "telrisk: merge: %s\n", err);
        }
        tr_h5_writing(NULL, NULL);
    }
    return tr_agree(ctx, rc);
}

int tr_stored_models_load(const struct tr_ctx *ctx, const char *path, struct tr_models *m)
{
    memset(m, 0, sizeof *m); /* freed by the caller whatever happens */
    char err[512] = "";
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    int rc = f < 0;
    if (rc)
        snprintf(err, sizeof err, "cannot open it as an HDF5 file");
    else
        rc = tr_rf_read_models(f, m, err, sizeof err);
    if (f >= 0) H5_CHECK(H5Fclose(f));
    char why[1100];
    snprintf(why, sizeof why, "--model %s: %s", path, err);
    return tr_fail_agree(ctx, rc ? TR_EXIT_INPUT : TR_EXIT_OK, why);
}

/* The previous run's keys and grades into *g, checked: 0, or 1 with the problem in why. */
static int read_grades(hid_t f, struct tr_stored_grades *g, char *why, size_t len)
{
    struct tr_h5_shape s;
    hid_t d = tr_h5_open_dataset(f, "subscribers/key");
    if (d < 0) return snprintf(why, len, "it has no /subscribers/key"), 1;
    tr_h5_shape_of(d, 0, &s);
    H5_CHECK(H5Dclose(d));
    if (s.cls != H5T_INTEGER || s.rank != 1 || s.dims[0] > MAX_ROWS)
        return snprintf(why, len, "its /subscribers/key is not a column of keys"), 1;
    if (!has(f, "subscribers/grade"))
        return snprintf(why, len, "it has no /subscribers/grade (a run with models has)"), 1;
    const char *problem = column_problem(f, "subscribers/grade", H5T_INTEGER, 1, s.dims[0]);
    if (problem) return snprintf(why, len, "/subscribers/grade %s", problem), 1;
    g->n = (size_t)s.dims[0];
    g->key = TR_MALLOC(sizeof *g->key * (g->n + 1));
    g->grade = TR_MALLOC(g->n + 1);
    read_slice(f, "subscribers/key", H5T_NATIVE_UINT64, g->key, 0, g->n);
    read_slice(f, "subscribers/grade", H5T_NATIVE_INT8, g->grade, 0, g->n);
    for (size_t i = 1; i < g->n; i++)
        if (g->key[i] <= g->key[i - 1])
            return snprintf(why, len, "its /subscribers/key is not increasing"), 1;
    return 0;
}

int tr_stored_grades_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_grades *g)
{
    memset(g, 0, sizeof *g);
    hid_t f = open_read(path);
    char problem[256] = "cannot open it as an HDF5 file", why[TR_PATH_MAX + 300];
    const int bad = f < 0 || read_grades(f, g, problem, sizeof problem);
    if (f >= 0) H5_CHECK(H5Fclose(f));
    snprintf(why, sizeof why, "--compare %s: %s", path, problem);
    const int rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    if (rc) tr_stored_grades_free(g);
    return rc;
}

void tr_stored_grades_free(struct tr_stored_grades *g)
{
    free(g->key);
    free(g->grade);
    memset(g, 0, sizeof *g);
}

/* The ledger's part for rows [first, first + n) with keys key[0..n): 0, or 1 with why. */
/* One integer attribute of /ledger, a day or a count in [lo, hi]: 0, or 1 when it is none. */
static int ledger_int(hid_t g, const char *name, int64_t lo, int64_t hi, int64_t *v)
{
    if (!has_attr(g, name)) return 1;
    hid_t a = H5Aopen(g, name, H5P_DEFAULT);
    H5_CHECK(a);
    struct tr_h5_shape s;
    tr_h5_shape_of(a, 1, &s);
    const int bad = s.cls != H5T_INTEGER || s.points != 1 || H5Aread(a, H5T_NATIVE_INT64, v) < 0;
    H5_CHECK(H5Aclose(a));
    return bad || *v < lo || *v > hi;
}

/* The rows of /subscribers/key (0 when it is no column). */
static hsize_t subscriber_rows(hid_t f)
{
    hid_t d = tr_h5_open_dataset(f, "subscribers/key");
    if (d < 0) return 0;
    struct tr_h5_shape shape;
    tr_h5_shape_of(d, 0, &shape);
    H5_CHECK(H5Dclose(d));
    return shape.rank == 1 ? shape.dims[0] : 0;
}

static int read_ledger_part(hid_t f, size_t n, uint64_t first, const uint64_t *key,
                            struct tr_stored_ledger *out, char *why, size_t len)
{
    hid_t g = H5Gopen2(f, "ledger", H5P_DEFAULT);
    H5_CHECK(g);
    /* days since 1970 of years 1 to 9999, as dates parse; D as credit.default_dpd allows */
    const int bad = ledger_int(g, "observation_day", -719162, 2932896, &out->observation_day) ||
                    ledger_int(g, "default_dpd", 30, 90, &out->default_dpd);
    H5_CHECK(H5Gclose(g));
    if (bad)
        return snprintf(why, len, "its /ledger has no observation_day and default_dpd in range"), 1;
    if (n > 0 && tr_rf_read_ledger_range(f, key[0], key[n - 1], &out->table, why, len)) return 1;
    if (has(f, "subscribers/flags")) {
        const char *problem =
            column_problem(f, "subscribers/flags", H5T_INTEGER, 1, subscriber_rows(f));
        if (problem) return snprintf(why, len, "/subscribers/flags %s", problem), 1;
        out->flags = TR_CALLOC(n + 1, 1);
        read_slice(f, "subscribers/flags", H5T_NATIVE_UINT8, out->flags, first, n);
    }
    return 0;
}

int tr_stored_ledger_load(const struct tr_ctx *ctx, const char *path, size_t n, uint64_t first,
                          const uint64_t *key, struct tr_stored_ledger *out)
{
    memset(out, 0, sizeof *out);
    hid_t f = open_read(path);
    char problem[600] = "", why[TR_PATH_MAX + sizeof problem + 64];
    int bad = f < 0;
    if (bad) snprintf(problem, sizeof problem, "cannot open it as an HDF5 file");
    out->present = !bad && has(f, "ledger");
    /* Every rank reads its own part: whether any failed is agreed before any goes on. */
    if (!bad && out->present)
        bad = read_ledger_part(f, n, first, key, out, problem, sizeof problem);
    if (f >= 0) H5_CHECK(H5Fclose(f));
    snprintf(why, sizeof why, "%s: not a run file telrisk can read: %s", path, problem);
    const int rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    if (rc) tr_stored_ledger_free(out);
    return rc;
}

void tr_stored_ledger_free(struct tr_stored_ledger *l)
{
    tr_ledger_table_free(&l->table);
    free(l->flags);
    memset(l, 0, sizeof *l);
}

/* This rank's even cut of the subscribers: key, region and the calibrated PD (the model's when
 * the file has no calibration; none: NaN). 0, or 1 with why. */
static int read_ecl_rows(hid_t f, struct tr_stored_ecl *e, char *why, size_t len)
{
    hsize_t rows = 0;
    hid_t d = tr_h5_open_dataset(f, "subscribers/key");
    if (d >= 0) {
        struct tr_h5_shape shape;
        tr_h5_shape_of(d, 0, &shape);
        rows = shape.rank == 1 ? shape.dims[0] : 0;
        H5_CHECK(H5Dclose(d));
    }
    const char *problem = column_problem(f, "subscribers/key", H5T_INTEGER, 1, rows);
    if (problem) return snprintf(why, len, "/subscribers/key %s", problem), 1;
    static const char *const columns[3] = {"subscribers/region", "subscribers/pd_calibrated",
                                           "subscribers/pd"};
    for (int k = 0; k < 3; k++) {
        if (k > 0 && !has(f, columns[k])) continue;
        problem = column_problem(f, columns[k], k ? H5T_FLOAT : H5T_INTEGER, 1, rows);
        if (problem) return snprintf(why, len, "/%s %s", columns[k], problem), 1;
    }
    e->first = rows * (uint64_t)e->rank / (uint64_t)e->ranks;
    e->n = (size_t)(rows * (uint64_t)(e->rank + 1) / (uint64_t)e->ranks - e->first);
    e->key = TR_MALLOC(sizeof *e->key * (e->n + 1));
    e->region = TR_MALLOC(sizeof *e->region * (e->n + 1));
    e->pd = TR_MALLOC(sizeof *e->pd * (e->n + 1));
    read_slice(f, "subscribers/key", H5T_NATIVE_UINT64, e->key, e->first, e->n);
    read_slice(f, "subscribers/region", H5T_NATIVE_INT32, e->region, e->first, e->n);
    const char *pd = has(f, columns[1]) ? columns[1] : has(f, columns[2]) ? columns[2] : NULL;
    for (size_t i = 0; i < e->n; i++)
        e->pd[i] = NAN;
    if (pd) read_slice(f, pd, H5T_NATIVE_DOUBLE, e->pd, e->first, e->n);
    uint64_t before = 0; /* the row before this slice's first: keys increase across slices too */
    if (e->first > 0) read_slice(f, "subscribers/key", H5T_NATIVE_UINT64, &before, e->first - 1, 1);
    for (size_t i = 0; i < e->n; i++)
        if (e->region[i] < -1 || e->region[i] >= e->n_regions ||
            (i > 0 ? e->key[i] <= e->key[i - 1] : e->first > 0 && e->key[0] <= before) ||
            !(isnan(e->pd[i]) || (e->pd[i] > 0 && e->pd[i] <= 1)))
            return snprintf(why, len,
                            "/subscribers row %" PRIu64 ": a region, key or PD out of "
                            "range",
                            e->first + i),
                   1;
    return 0;
}

int tr_stored_ecl_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_ecl *e)
{
    memset(e, 0, sizeof *e);
    e->rank = ctx->rank, e->ranks = ctx->size;
    hid_t f = open_read(path);
    char problem[600] = "", why[TR_PATH_MAX + sizeof problem + 64];
    int bad = f < 0 || !has(f, "ledger") || !has(f, "regions/names") || !seed_ok(f);
    snprintf(problem, sizeof problem, "%s",
             f < 0 ? "cannot open it as an HDF5 file"
                   : "no /ledger (a run with a repayments table and credit.ledger_cut)");
    if (!bad) {
        hid_t d = H5Dopen2(f, "regions/names", H5P_DEFAULT);
        H5_CHECK(d);
        e->region_names = tr_h5_read_strings(d, 0, &e->n_regions);
        H5_CHECK(H5Dclose(d));
        read_identity(f, 0, &e->seed, e->created);
        e->config = tr_h5_attr_text(f, "config");
        bad = read_ecl_rows(f, e, problem, sizeof problem);
    }
    if (!bad)
        bad = read_ledger_part(f, e->n, e->first, e->key, &e->ledger, problem, sizeof problem);
    if (!bad && has(f, "models")) {
        struct tr_models m;
        memset(&m, 0, sizeof m);
        bad = tr_rf_read_models(f, &m, problem, sizeof problem);
        e->n_grades = !bad && m.calibration.present ? m.calibration.n_grades : 0;
        for (int k = 0; k < e->n_grades; k++)
            e->grade_pd[k] = m.calibration.pd[k];
        tr_models_free(&m);
    }
    if (f >= 0) H5_CHECK(H5Fclose(f));
    snprintf(why, sizeof why, "%s: %s", path, problem);
    const int rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    if (rc) tr_stored_ecl_free(e);
    return rc;
}

void tr_stored_ecl_free(struct tr_stored_ecl *e)
{
    free(e->key);
    free(e->region);
    free(e->pd);
    tr_h5_free_strings(e->region_names, e->n_regions);
    free(e->config);
    tr_stored_ledger_free(&e->ledger);
    memset(e, 0, sizeof *e);
}

int tr_stored_ifrs9_write(const struct tr_ctx *ctx, const char *run, const char *to, uint64_t seed,
                          const struct tr_rf_ifrs9 *x, int64_t k_min, const char *unverified)
{
    char *tmp = NULL;
    hid_t f = open_copy(ctx, run, to, seed, &tmp);
    if (f < 0) {
        free(tmp);
        return TR_EXIT_INPUT;
    }
    unlink_if(f, "ifrs9");
    tr_rf_write_ifrs9(ctx, f, x, k_min);
    note_unverified(f, unverified);
    return publish_copy(ctx, f, tmp, to);
}

struct previous_row {
    uint64_t loan;
    int8_t stage;
    double ead;
};

static int by_loan(const void *pa, const void *pb)
{
    const struct previous_row *a = pa, *b = pb;
    return a->loan < b->loan ? -1 : a->loan > b->loan;
}

/* The previous run's /ifrs9/loans columns, by loan key: 0, or 1 with why. */
static int read_previous(hid_t f, struct tr_ifrs9_previous *p, char *why, size_t len)
{
    typedef struct previous_row s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, loan, H5T_STD_U64LE, NULL),
                                         NUM_FIELD(s, stage, H5T_STD_I8LE, NULL),
                                         NUM_FIELD(s, ead, H5T_IEEE_F64LE, NULL)};
    size_t n = 0;
    int bad = 0;
    struct previous_row *rows =
        tr_rf_read_table_checked(f, "ifrs9/loans", fields, 3, sizeof *rows, &n, &bad);
    if (!rows) return snprintf(why, len, "it has no readable /ifrs9/loans (telrisk ecl)"), 1;
    qsort(rows, n, sizeof *rows, by_loan);
    p->n = n;
    p->loan = TR_MALLOC(sizeof *p->loan * (n + 1));
    p->stage = TR_MALLOC(n + 1);
    p->ead = TR_MALLOC(sizeof *p->ead * (n + 1));
    for (size_t i = 0; i < n && !bad; i++) {
        p->loan[i] = rows[i].loan, p->stage[i] = rows[i].stage, p->ead[i] = rows[i].ead;
        bad = rows[i].stage < 1 || rows[i].stage > 3 || !(rows[i].ead >= 0 && rows[i].ead < 1e15) ||
              (i > 0 && rows[i].loan == rows[i - 1].loan);
    }
    free(rows);
    if (bad) snprintf(why, len, "its /ifrs9/loans has a stage, EAD or repeated loan out of range");
    return bad;
}

int tr_stored_ifrs9_previous_load(const struct tr_ctx *ctx, const char *path,
                                  struct tr_ifrs9_previous *p)
{
    memset(p, 0, sizeof *p);
    hid_t f = open_read(path);
    char problem[512] = "cannot open it as an HDF5 file", why[TR_PATH_MAX + sizeof problem + 16];
    const int bad = f < 0 || read_previous(f, p, problem, sizeof problem);
    if (f >= 0) H5_CHECK(H5Fclose(f));
    snprintf(why, sizeof why, "--compare %s: %s", path, problem);
    const int rc = tr_fail_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK, why);
    if (rc) tr_ifrs9_previous_free(p);
    return rc;
}
