/* The run file's life: created under a temporary name next to the final one, written
 * collectively through the MPI-IO driver, closed by every rank, then renamed by rank 0. A run
 * killed part way leaves only <path>.tmp-<seed>, never a file under the final name. */
#include "output/runfile.h"
#include "output/seal.h"
#include "output/history.h"

#include "core/error.h"
#include "core/stage.h"
#include "core/timer.h"
#include "features/ledger_days.h"
#include "io/h5.h"
#include "output/groups.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Keyed by the seed rather than a process id or the time, so the name is the same for every rank
 * and a rerun of a killed run writes over its leftover instead of adding another. */
char *tr_runfile_temp_path(const char *path, uint64_t seed)
{
    size_t len = strlen(path) + 32;
    char *tmp = TR_MALLOC(len);
    snprintf(tmp, len, "%s.tmp-%016" PRIx64, path, seed);
    return tmp;
}

/* Creating a file is collective and must see the same shape everywhere; a rank that disagrees
 * would leave the others waiting in HDF5, so that is a bug to stop at once. */
static void check_ranks_agree(const struct tr_ctx *ctx, const struct tr_run_contents *c)
{
    int mine[4] = {c->subscribers ? c->subscribers->n_features : 0, c->regions ? c->regions->n : 0,
                   c->provenance ? c->provenance->n_inputs : 0,
                   c->provenance ? c->provenance->n_stages : 0};
    int lo[4], hi[4];
    MPI_CHECK(MPI_Allreduce(mine, lo, 4, MPI_INT, MPI_MIN, ctx->comm));
    MPI_CHECK(MPI_Allreduce(mine, hi, 4, MPI_INT, MPI_MAX, ctx->comm));
    if (memcmp(lo, hi, sizeof lo) != 0)
        TR_DIE(TR_EXIT_INTERNAL, "ranks disagree on the run file's shape (features, regions, "
                                 "inputs, stages)");
}

/* Rank 0 creates the file with plain POSIX first: a missing folder or a permission problem then
 * gets the system's own reason, printed once, and every rank returns the same code. */
static int check_creatable(const struct tr_ctx *ctx, const char *path, const char *tmp)
{
    int rc = TR_EXIT_OK;
    struct stat st;
    if (ctx->rank == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(ctx->msg, "telrisk: cannot create run file %s: it is a folder\n", path);
        rc = TR_EXIT_INPUT;
    } else if (ctx->rank == 0) {
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            fprintf(ctx->msg, "telrisk: cannot create run file %s: %s\n", path, strerror(errno));
            rc = TR_EXIT_INPUT;
        } else {
            close(fd);
        }
    }
    return tr_agree(ctx, rc);
}

static hid_t file_access(const struct tr_ctx *ctx)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5_CHECK(fapl);
    H5_CHECK(H5Pset_fapl_mpio(fapl, ctx->comm, MPI_INFO_NULL));
    /* The 1.8 format stores attributes over 64 KiB (a long config) and is read by every HDF5
     * since 1.8; pinning it keeps the bytes the same whichever HDF5 wrote them. */
    H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18));
    /* No H5Pset_coll_metadata_write: with it, HDF5 1.10.8 at 4 ranks writes stray heap bytes
     * into unused metadata space, and the file is no longer the same bytes at every rank count
     * (test_runfile's test_any_rank_count catches it). */
    return fapl;
}

/* Collective. Returns the file, or H5I_INVALID_HID on every rank (reason printed by rank 0). */
static hid_t create_file(const struct tr_ctx *ctx, const char *path, const char *tmp)
{
    if (check_creatable(ctx, path, tmp)) return H5I_INVALID_HID;
    hid_t fapl = file_access(ctx);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5_CHECK(fcpl);
    tr_h5_object_props(fcpl); /* the root group's header */
    struct tr_h5_quiet quiet;
    tr_h5_quiet_begin(&quiet);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    hid_t why = f < 0 ? H5Eget_current_stack() : H5I_INVALID_HID; /* before the next call */
    tr_h5_quiet_end(&quiet);
    H5_CHECK(H5Pclose(fcpl));
    H5_CHECK(H5Pclose(fapl));
    int rc = tr_agree(ctx, f < 0 ? TR_EXIT_INPUT : TR_EXIT_OK);
    if (rc && f >= 0) TR_DIE(TR_EXIT_INTERNAL, "HDF5 created %s on some ranks only", tmp);
    if (rc && ctx->rank == 0) {
        fprintf(ctx->msg, "telrisk: cannot create run file %s: HDF5 (MPI-IO) cannot create %s:\n",
                path, tmp);
        if (why >= 0) H5Eprint2(why, ctx->msg); /* the reason itself: nothing left to report to */
        unlink(tmp);
    }
    if (why >= 0) H5_CHECK(H5Eclose_stack(why));
    return rc ? H5I_INVALID_HID : f;
}

/* ISO 8601, UTC, from rank 0's clock (or SOURCE_DATE_EPOCH, for byte-identical rebuilds). */
static void created_utc(const struct tr_ctx *ctx, char text[32])
{
    memset(text, 0, 32);
    if (ctx->rank == 0) {
        const char *epoch = getenv("SOURCE_DATE_EPOCH");
        char *end = NULL;
        long long fixed = epoch ? strtoll(epoch, &end, 10) : 0;
        time_t now = epoch && end != epoch && *end == 0 ? (time_t)fixed : time(NULL);
        struct tm tm;
        if (!gmtime_r(&now, &tm) || !strftime(text, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
            snprintf(text, 32, "unknown");
    }
    MPI_CHECK(MPI_Bcast(text, 32, MPI_CHAR, 0, ctx->comm));
}

static void write_root_attrs(const struct tr_ctx *ctx, hid_t f, const struct tr_rf_root *out)
{
    char created[32];
    created_utc(ctx, created);
    int32_t ranks = ctx->size;
    tr_h5_attr_str(f, "description",
                   "a telrisk run: inputs' accounting, rejects, per-subscriber indicators and "
                   "results; docs/output.md describes every object");
    tr_h5_attr_str(f, "telrisk_version", TELRISK_VERSION);
    tr_h5_attr_str(f, "deflated_by", tr_h5_deflate_library());
    tr_h5_attr_str(f, "created_utc", created);
    tr_h5_attr_str(f, "config", out->config_text);
    tr_h5_attr_scalar(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &out->seed);
    tr_h5_attr_scalar(f, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &ranks);
    if (out->currency) tr_h5_attr_str(f, "currency", out->currency);
    if (out->checkpoint) tr_h5_attr_str(f, "checkpoint", out->checkpoint);
    if (out->checkpoint) tr_h5_attr_str(f, "inputs_fingerprint", out->fingerprint);
}

/* Rank 0: the closed file at tmp finished (its history row, its seal, as seal asks) and renamed to
 * path. 0, or 1 with err. */
static int finish(const char *path, const char *tmp, int seal, char *err, size_t errlen)
{
    if (seal == TR_PUBLISH_RUN && tr_history_append(tmp, err, errlen)) return 1;
    if (seal == TR_PUBLISH_RUN) return tr_seal_and_rename(tmp, path, err, errlen);
    /* A checkpoint is sealed as written: its layout need not be the same at any rank count, as
     * the run file assembled from it is repacked (output/seal.h). */
    if (seal && tr_seal_file(tmp, err, errlen)) return 1;
    if (rename(tmp, path) == 0) return 0;
    snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    return 1;
}

/* After every rank has closed the file: only then does it appear under its final name, sealed
 * (output/seal.h) unless plain. */
static int publish(const struct tr_ctx *ctx, const char *path, const char *tmp, int seal)
{
    int rc = TR_EXIT_OK;
    char err[2600] = "";
    if (ctx->rank == 0 && finish(path, tmp, seal, err, sizeof err)) {
        fprintf(ctx->msg, "telrisk: %s (the finished file is kept at %s)\n", err, tmp);
        rc = TR_EXIT_INPUT;
    }
    return tr_agree(ctx, rc);
}

hid_t tr_runfile_create(const struct tr_ctx *ctx, const char *path, uint64_t seed, char **tmp)
{
    *tmp = tr_runfile_temp_path(path, seed);
    hid_t f = create_file(ctx, path, *tmp);
    if (f < 0) free(*tmp), *tmp = NULL;
    if (f >= 0) tr_h5_writing(path, *tmp); /* until published */
    return f;
}

int tr_runfile_publish(const struct tr_ctx *ctx, hid_t f, const char *path, char *tmp, int seal)
{
    H5_CHECK(H5Fclose(f));
    int rc = publish(ctx, path, tmp, seal);
    tr_h5_writing(path, NULL);
    free(tmp);
    return rc;
}

void tr_run_contents_check(const struct tr_run_contents *c)
{
    const int has_checks = c->crosschecks && c->crosschecks->checks;
    if (!c->root || (c->rejects && !c->provenance) ||
        ((c->models || c->crosschecks) && !c->regions) || (has_checks && !c->provenance))
        TR_DIE(TR_EXIT_INTERNAL, "a run file's groups lack the groups that label them (a bug)");
}

int tr_runfile_write(const struct tr_ctx *ctx, const char *path, const struct tr_run_contents *c)
{
    tr_run_contents_check(c);
    check_ranks_agree(ctx, c);
    char *tmp = NULL;
    hid_t f = tr_runfile_create(ctx, path, c->root->seed, &tmp);
    if (f < 0) return TR_EXIT_INPUT;
    write_root_attrs(ctx, f, c->root);
    if (c->provenance) tr_rf_write_provenance(ctx, f, c->provenance);
    if (c->rejects) tr_rf_write_rejects(ctx, f, c->rejects, c->provenance);
    if (c->regions) tr_rf_write_regions(ctx, f, c->regions);
    if (c->subscribers) tr_rf_write_subscribers(ctx, f, c->subscribers, c->scores);
    tr_rf_write_models(ctx, f, c);
    if (c->monitoring) tr_rf_write_monitoring(ctx, f, c->monitoring);
    tr_rf_write_crosschecks(ctx, f, c);
    if (c->ledger) {
        const double started = tr_now();
        tr_rf_write_ledger(ctx, f, c->ledger);
        tr_clock_add(TR_CLOCK_LEDGER_WRITE, tr_now() - started, (int64_t)c->ledger->table->n_loans);
    }
    tr_rf_write_portfolio(ctx, f, c->portfolio);
    if (c->stress) tr_rf_write_stress(ctx, f, c->stress->params, c->stress->results, c->stress->n);
    return tr_runfile_publish(ctx, f, path, tmp, 1);
}
