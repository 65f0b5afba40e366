#include "output/checkpoint.h"
#include "output/seal.h"
#include "output/history.h"

#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/stage.h"
#include "core/timer.h"
#include "io/h5.h"
#include "records/inputs.h"
#include "output/groups.h"

#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const tr_ckpt_stage_names[4] = {"", "records", "model", "stress"};

char *tr_ckpt_path(const char *output, const char *run, enum tr_ckpt_stage stage)
{
    const size_t len = strlen(output) + 48;
    char *p = TR_MALLOC(len);
    snprintf(p, len, "%s.ckpt-%.*s-%s.h5", output, TR_CKPT_PRINT_NAME, run,
             tr_ckpt_stage_names[stage]);
    return p;
}

void tr_ckpt_run_fingerprint(const char *inputs, const char *config_text, char out[65])
{
    crypto_generichash_state h;
    unsigned char sum[32];
    crypto_generichash_init(&h, NULL, 0, sizeof sum);
    crypto_generichash_update(&h, (const unsigned char *)TELRISK_VERSION, sizeof TELRISK_VERSION);
    /* Another compressor's chunks would not be the bytes this run makes: not resumed from. */
    const char *deflated_by = tr_h5_deflate_library();
    crypto_generichash_update(&h, (const unsigned char *)deflated_by, strlen(deflated_by) + 1);
    crypto_generichash_update(&h, (const unsigned char *)inputs, strlen(inputs) + 1);
    crypto_generichash_update(&h, (const unsigned char *)config_text, strlen(config_text) + 1);
    crypto_generichash_final(&h, sum, sizeof sum);
    sodium_bin2hex(out, 65, sum, sizeof sum);
}

static hid_t open_quiet(const char *path, unsigned mode)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = access(path, F_OK) == 0 ? H5Fopen(path, mode, H5P_DEFAULT) : H5I_INVALID_HID;
    tr_h5_quiet_end(&q);
    return f;
}

static int has(hid_t loc, const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    const int yes = H5Lexists(loc, path, H5P_DEFAULT) > 0;
    tr_h5_quiet_end(&q);
    return yes;
}

/* Rank 0: 1 when the file at path is a checkpoint of `stage` made with this config and these
 * inputs, 0 when absent; -1 with why set when it is someone else's. */
static int judge(const char *path, int stage, const char *config_text, const char *fingerprint,
                 char *why, size_t len)
{
    hid_t f = open_quiet(path, H5F_ACC_RDONLY);
    int rc = 0;
    if (f >= 0) {
        char *kind = tr_h5_attr_text(f, "checkpoint"), *config = tr_h5_attr_text(f, "config"),
             *version = tr_h5_attr_text(f, "telrisk_version"),
             *print = tr_h5_attr_text(f, "inputs_fingerprint");
        if (!kind || strcmp(kind, tr_ckpt_stage_names[stage]) != 0)
            snprintf(why, len, "%s is not a telrisk checkpoint of the %s stage", path,
                     tr_ckpt_stage_names[stage]);
        else if (!version || strcmp(version, TELRISK_VERSION) != 0)
            snprintf(why, len, "%s was made by telrisk %s, this is %s", path,
                     version ? version : "?", TELRISK_VERSION);
        else if (!print || strcmp(print, fingerprint) != 0)
            snprintf(why, len,
                     "%s was made from other input files (their sizes or times changed, or the "
                     "key, scenario or correlation file did): rerun without --resume",
                     path);
        else if (!config || strcmp(config, config_text) != 0)
            snprintf(why, len,
                     "%s was made with another configuration (remove it, or rerun without "
                     "--resume to start over)",
                     path);
        else
            rc = 1;
        if (rc != 1) rc = -1;
        free(kind), free(config), free(version), free(print);
        H5_CHECK(H5Fclose(f));
    }
    return rc;
}

/* The stage a checkpoint's file name gives (old names "PATH.ckpt-model.h5" too), or 0. */
static int stage_of_name(const char *name)
{
    for (int s = TR_CKPT_RECORDS; s <= TR_CKPT_STRESS; s++) {
        char tail[32];
        snprintf(tail, sizeof tail, "%s.h5", tr_ckpt_stage_names[s]);
        const size_t n = strlen(name), t = strlen(tail);
        if (n > t && strcmp(name + n - t, tail) == 0 && name[n - t - 1] == '-') return s;
    }
    return 0;
}

/* Rank 0: the files beside output whose names are another run's checkpoints (or the temporary
 * files of one): "PATH.ckpt-*" not named with this run's fingerprint. Their names, one per line,
 * into list (at most len), and how many; the first one that is a whole checkpoint in *first. */
static int foreign_checkpoints(const char *output, const char *run, char *list, size_t len,
                               char *first, size_t first_len)
{
    char *copy = TR_STRDUP(output), *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : copy) : ".", *base = slash ? slash + 1 : copy;
    if (slash) *slash = 0;
    char mine[64], prefix[TR_PATH_MAX];
    snprintf(prefix, sizeof prefix, "%s.ckpt-", base);
    snprintf(mine, sizeof mine, "%.*s-", TR_CKPT_PRINT_NAME, run);
    DIR *d = opendir(dir);
    int n = 0;
    list[0] = first[0] = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *name = e->d_name;
        if (strncmp(name, prefix, strlen(prefix)) != 0) continue;
        if (strncmp(name + strlen(prefix), mine, strlen(mine)) == 0) continue; /* ours */
        const size_t at = strlen(list);
        if (at + strlen(name) + strlen(dir) + 3 < len)
            snprintf(list + at, len - at, "%s%s/%s", n ? ", " : "", dir, name);
        if (!first[0] && stage_of_name(name)) snprintf(first, first_len, "%s/%s", dir, name);
        n++;
    }
    if (d) closedir(d);
    free(copy);
    return n;
}

/* Rank 0: how far this run's own checkpoints go (*done), or -1 with why when one under this
 * run's name is not its own after all (a fingerprint prefix shared, a file put there by hand). */
static int own_chain(const char *output, const char *run, const char *config_text,
                     const char *fingerprint, int *done, char *why, size_t len)
{
    *done = 0;
    for (int s = TR_CKPT_RECORDS; s <= TR_CKPT_STRESS; s++) {
        char *path = tr_ckpt_path(output, run, (enum tr_ckpt_stage)s);
        const int u = judge(path, s, config_text, fingerprint, why, len);
        free(path);
        if (u < 0) return -1;
        if (u == 0) break;
        *done = s;
    }
    return 0;
}

/* Rank 0, resuming without a checkpoint of this run: why another run's are not taken (-1), or 0
 * when there is none. Said as a warning: the run starts from its inputs (a requeued daily job
 * whose inputs are a new day's must run, not wait for someone to clear yesterday's files). */
static int refuse_foreign(const char *output, const char *run, const char *config_text,
                          const char *fingerprint, char *why, size_t len)
{
    char list[1024], first[TR_PATH_MAX + 64];
    if (!foreign_checkpoints(output, run, list, sizeof list, first, sizeof first) || !first[0])
        return 0;
    char reason[2048] = "";
    if (judge(first, stage_of_name(first), config_text, fingerprint, reason, sizeof reason) >= 0)
        snprintf(reason, sizeof reason, "%s is another run's (another seed or telrisk)", first);
    snprintf(why, len,
             "no checkpoint of this run; %s. Another run's checkpoints are never taken over nor "
             "removed: they are left as they are (%s); starting from the inputs",
             reason, list);
    return -1;
}

int tr_ckpt_find(const struct tr_ctx *ctx, const char *output, const char *run,
                 const char *config_text, const char *fingerprint, int *done)
{
    int found[2] = {0, 0}; /* stage reached, failed */
    char why[4096] = "";
    if (ctx->rank == 0) {
        found[1] = own_chain(output, run, config_text, fingerprint, &found[0], why, sizeof why);
        if (!found[1] && !found[0] &&
            refuse_foreign(output, run, config_text, fingerprint, why, sizeof why))
            TR_WARN(ctx, "--resume: %s", why);
    }
    MPI_CHECK(MPI_Bcast(found, 2, MPI_INT, 0, ctx->comm));
    if (found[1] && ctx->rank == 0) fprintf(ctx->msg, "telrisk: --resume: %s\n", why);
    *done = found[0];
    if (found[1]) return TR_EXIT_USAGE;
    /* Each one read is verified first: a damaged checkpoint is refused, never sealed into a run
     * file as intact. */
    for (int s = TR_CKPT_RECORDS; s <= *done; s++) {
        char *path = tr_ckpt_path(output, run, (enum tr_ckpt_stage)s);
        const int rc = tr_seal_check_input(ctx, path, "checkpoint", 1);
        free(path);
        if (rc) return rc;
    }
    return TR_EXIT_OK;
}

void tr_ckpt_report_foreign(const struct tr_ctx *ctx, const char *output, const char *run)
{
    if (ctx->rank != 0) return;
    char list[1024], first[TR_PATH_MAX + 64];
    const int n = foreign_checkpoints(output, run, list, sizeof list, first, sizeof first);
    if (n)
        TR_WARN(ctx,
                "%d file(s) beside output.path are another run's checkpoints (other inputs, "
                "config or seed): not read, not removed; remove them when that run is given up: "
                "%s",
                n, list);
}

/* A file's path, size and modification time into the digest (a missing file: its path only). */
static void digest_file(crypto_generichash_state *h, const char *path)
{
    struct stat st;
    int64_t v[3] = {0, 0, 0};
    if (path[0] && stat(path, &st) == 0)
        v[0] = (int64_t)st.st_size, v[1] = (int64_t)st.st_mtim.tv_sec, v[2] = st.st_mtim.tv_nsec;
    crypto_generichash_update(h, (const unsigned char *)path, strlen(path) + 1);
    crypto_generichash_update(h, (const unsigned char *)v, sizeof v);
}

void tr_ckpt_fingerprint(const struct tr_ctx *ctx, const struct tr_config *cfg, char out[65])
{
    /* Quietly: what is wrong with the inputs is the read's to say, once. */
    struct tr_ctx quiet = *ctx;
    FILE *null = fopen("/dev/null", "w");
    if (null) quiet.msg = null;
    struct tr_input_files files;
    const int bad = tr_inputs_resolve(&quiet, cfg, &files, 0);
    if (null) fclose(null);
    memset(out, 0, 65);
    if (ctx->rank == 0) {
        crypto_generichash_state h;
        unsigned char sum[32];
        crypto_generichash_init(&h, NULL, 0, sizeof sum);
        for (int t = 0; !bad && t < TR_T_COUNT; t++)
            for (int k = 0; k < files.n[t]; k++)
                digest_file(&h, files.path[t][k]);
        digest_file(&h, cfg->inputs.columnar);
        digest_file(&h, cfg->privacy.key_file);
        digest_file(&h, cfg->stress.scenarios);
        digest_file(&h, cfg->stress.correlation_file);
        crypto_generichash_final(&h, sum, sizeof sum);
        sodium_bin2hex(out, 65, sum, sizeof sum);
    }
    if (!bad) tr_inputs_free(&files);
    MPI_CHECK(MPI_Bcast(out, 65, MPI_CHAR, 0, ctx->comm));
}

void tr_ckpt_remove(const struct tr_ctx *ctx, const char *output, const char *run, uint64_t seed)
{
    if (ctx->rank == 0) {
        for (int s = TR_CKPT_RECORDS; s <= TR_CKPT_STRESS; s++) {
            /* and what a kill during its writing left */
            char *path = tr_ckpt_path(output, run, (enum tr_ckpt_stage)s),
                 *tmp = tr_runfile_temp_path(path, seed);
            unlink(path);
            unlink(tmp);
            free(tmp);
            free(path);
        }
        char *tmp = tr_runfile_temp_path(output, 0); /* a kill during the assembly */
        unlink(tmp);
        free(tmp);
    }
    MPI_CHECK(MPI_Barrier(ctx->comm));
}

static void write_root(hid_t f, const struct tr_rf_root *out, enum tr_ckpt_stage stage)
{
    tr_h5_attr_str(f, "description", "a telrisk checkpoint (output/checkpoint.h): not a run file");
    tr_h5_attr_str(f, "telrisk_version", TELRISK_VERSION);
    tr_h5_attr_str(f, "config", out->config_text);
    tr_h5_attr_scalar(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &out->seed);
    tr_h5_attr_str(f, "checkpoint", tr_ckpt_stage_names[stage]);
    tr_h5_attr_str(f, "inputs_fingerprint", out->fingerprint);
}

static void write_stages(const struct tr_ctx *ctx, hid_t f, const struct tr_rf_provenance *p)
{
    hid_t g = tr_h5_group(f, "provenance", "the stages run so far");
    tr_rf_write_stages(ctx, g, p->stages, p->n_stages);
    H5_CHECK(H5Gclose(g));
}

/* Collective: a later stage's checkpoint, created under its temporary name with its root
 * attributes and the stages so far (H5I_INVALID_HID when it cannot be created). */
static hid_t create_ckpt(const struct tr_ctx *ctx, const char *output, enum tr_ckpt_stage stage,
                         const struct tr_run_contents *c, char **path, char **tmp)
{
    *path = tr_ckpt_path(output, c->root->run_fingerprint, stage);
    hid_t f = tr_runfile_create(ctx, *path, c->root->seed, tmp);
    if (f < 0) return f;
    write_root(f, c->root, stage);
    write_stages(ctx, f, c->provenance);
    return f;
}

/* Collective: closes, seals and renames it (sealed as a run file is: --resume verifies it). */
static int publish_ckpt(const struct tr_ctx *ctx, hid_t f, char *path, char *tmp)
{
    const int rc = f < 0 ? TR_EXIT_INPUT : tr_runfile_publish(ctx, f, path, tmp, 1);
    free(path);
    return rc;
}

int tr_ckpt_write_model(const struct tr_ctx *ctx, const char *output,
                        const struct tr_run_contents *c)
{
    tr_run_contents_check(c);
    if (c->models && !c->scores) TR_DIE(TR_EXIT_INTERNAL, "a model checkpoint without scores");
    char *path = NULL, *tmp = NULL;
    hid_t f = create_ckpt(ctx, output, TR_CKPT_MODEL, c, &path, &tmp);
    if (f < 0) return publish_ckpt(ctx, f, path, tmp);
    if (c->models) {
        tr_rf_write_models(ctx, f, c);
        uint64_t first = 0, total = 0, n = c->scores->n_local;
        MPI_CHECK(MPI_Exscan(&n, &first, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
        if (ctx->rank == 0) first = 0;
        MPI_CHECK(MPI_Allreduce(&n, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
        hid_t g = tr_h5_group(f, "subscribers", "the model's scores");
        tr_rf_write_scores(ctx, g, c->scores, first, total);
        H5_CHECK(H5Gclose(g));
        g = tr_h5_group(f, "crosschecks", "the backtest of the model's PDs");
        tr_rf_write_backtest(ctx, g, c->crosschecks ? c->crosschecks->backtest : NULL, c->regions,
                             c->k_min);
        H5_CHECK(H5Gclose(g));
    }
    if (c->ifrs9) {
        const double started = tr_now();
        tr_rf_write_ifrs9(ctx, f, c->ifrs9, c->k_min);
        tr_clock_add(TR_CLOCK_IFRS9_WRITE, tr_now() - started, (int64_t)c->ifrs9->n);
    }
    tr_rf_write_portfolio(ctx, f, c->portfolio);
    return publish_ckpt(ctx, f, path, tmp);
}

int tr_ckpt_write_stress(const struct tr_ctx *ctx, const char *output,
                         const struct tr_run_contents *c)
{
    tr_run_contents_check(c);
    char *path = NULL, *tmp = NULL;
    hid_t f = create_ckpt(ctx, output, TR_CKPT_STRESS, c, &path, &tmp);
    if (f >= 0 && c->stress)
        tr_rf_write_stress(ctx, f, c->stress->params, c->stress->results, c->stress->n);
    return publish_ckpt(ctx, f, path, tmp);
}

/* Copies from:name over to:name (replacing it) when from has it. */
static void copy_over(hid_t from, hid_t to, const char *name)
{
    if (!has(from, name)) return;
    if (has(to, name)) H5_CHECK(H5Ldelete(to, name, H5P_DEFAULT));
    H5_CHECK(H5Ocopy(from, name, to, name, H5P_DEFAULT, H5P_DEFAULT));
}

/* Rank 0: the later checkpoints' groups and the final stages into the open copy f. */
static void fill(const char *output, const char *run, hid_t f, int done,
                 const struct tr_stage_stat *stages, int n_stages, const char *resumed_after,
                 int ranks)
{
    if (done >= TR_CKPT_MODEL) {
        char *path = tr_ckpt_path(output, run, TR_CKPT_MODEL);
        hid_t m = open_quiet(path, H5F_ACC_RDONLY);
        H5_CHECK(m);
        static const char *const from_model[] = {"models",
                                                 "subscribers/pd",
                                                 "subscribers/score",
                                                 "subscribers/grade",
                                                 "subscribers/pd_calibrated",
                                                 "subscribers/points",
                                                 "subscribers/reasons",
                                                 "crosschecks/backtest",
                                                 "crosschecks/concentration",
                                                 "ifrs9",
                                                 "portfolio"};
        for (size_t k = 0; k < sizeof from_model / sizeof *from_model; k++)
            copy_over(m, f, from_model[k]);
        H5_CHECK(H5Fclose(m));
        free(path);
    }
    if (done >= TR_CKPT_STRESS) {
        char *path = tr_ckpt_path(output, run, TR_CKPT_STRESS);
        hid_t s = open_quiet(path, H5F_ACC_RDONLY);
        H5_CHECK(s);
        copy_over(s, f, "stress");
        H5_CHECK(H5Fclose(s));
        free(path);
    }
    struct tr_ctx self;
    tr_ctx_init(&self, MPI_COMM_SELF, stderr);
    hid_t g = H5Gopen2(f, "provenance", H5P_DEFAULT);
    H5_CHECK(g);
    H5_CHECK(H5Ldelete(g, "stages", H5P_DEFAULT));
    tr_rf_write_stages(&self, g, stages, n_stages);
    tr_h5_attr_str(g, "resumed_after", resumed_after);
    if (resumed_after[0]) tr_rf_rewrite_job(g, ranks); /* the job that finished the run */
    H5_CHECK(H5Gclose(g));
    H5_CHECK(H5Adelete(f, "checkpoint"));
    if (tr_h5_attr_exists(f, "inputs_fingerprint")) H5_CHECK(H5Adelete(f, "inputs_fingerprint"));
}

int tr_ckpt_assemble(const struct tr_ctx *ctx, const char *output, const char *run, int done,
                     const struct tr_stage_stat *stages, int n_stages, const char *resumed_after)
{
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0) {
        char err[2600] = "", *records = tr_ckpt_path(output, run, TR_CKPT_RECORDS),
             *tmp = tr_runfile_temp_path(output, 0);
        tr_h5_writing(output, tmp);
        if (tr_copy_file(records, tmp, err, sizeof err)) {
            rc = TR_EXIT_INPUT;
        } else {
            hid_t f = H5Fopen(tmp, H5F_ACC_RDWR, H5P_DEFAULT);
            H5_CHECK(f);
            fill(output, run, f, done, stages, n_stages, resumed_after, ctx->size);
            H5_CHECK(H5Fclose(f));
            /* Row 1 of the history: this run (a resumed one says --resume in its command line). */
            if (tr_history_append(tmp, err, sizeof err) ||
                tr_seal_and_rename(tmp, output, err, sizeof err))
                rc = TR_EXIT_INPUT;
        }
        if (rc) {
            fprintf(ctx->msg, "telrisk: writing the run file: %s\n", err);
            unlink(tmp);
        }
        tr_h5_writing(NULL, NULL);
        free(records);
        free(tmp);
    }
    return tr_agree(ctx, rc);
}

void tr_ckpt_load_stages(const char *output, const char *run, enum tr_ckpt_stage stage,
                         struct tr_stages *stages)
{
    char *path = tr_ckpt_path(output, run, stage);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    H5_CHECK(f);
    stages->n = tr_rf_read_stages(f, stages->stat, TR_MAX_STAGES);
    H5_CHECK(H5Fclose(f));
    free(path);
}

int tr_ckpt_load_book(const struct tr_ctx *ctx, const char *path, size_t n, const uint64_t *key,
                      struct tr_portfolio *book)
{
    char err[512] = "";
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    H5_CHECK(f);
    const int rc = key ? tr_rf_read_portfolio_aligned(ctx, f, n, key, book, err, sizeof err)
                       : tr_rf_read_portfolio(ctx, f, book, err, sizeof err);
    H5_CHECK(H5Fclose(f));
    char why[1200];
    snprintf(why, sizeof why, "%s: %s", path, err);
    return tr_fail_agree(ctx, rc ? TR_EXIT_INPUT : TR_EXIT_OK, why);
}
