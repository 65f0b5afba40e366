/* `telrisk run` as a table of stages: what each reads and writes, and the checkpoint that keeps
 * its results (a resumed run skips the stages its last checkpoint covers). The records stages run
 * once per pass over key ranges (one pass unless partition.max_memory_per_rank asks for more);
 * the others once. docs/architecture.md draws the same table. */
#include "pipeline/pipeline.h"

#include "core/error.h"
#include "core/fs.h"
#include "io/lock.h"
#include "output/checkpoint.h"
#include "pipeline/run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct stage {
    /* Its row's name in /provenance/stages (write's row is in the log only: the file is written
     * by then), and TELRISK_TEST_KILL's name for it. */
    const char *name;
    int per_pass;               /* once per pass over key ranges */
    enum tr_ckpt_stage kept_in; /* the checkpoint holding its results (TR_CKPT_NONE: none) */
    int (*run)(struct tr_run *r);
    int (*wanted)(const struct tr_run *r); /* NULL: always */
    const char *reads, *writes;            /* for people: the parts of struct tr_run */
};

static int stressing(const struct tr_run *r)
{
    return r->scenarios != NULL;
}

static int has_ledger(const struct tr_run *r)
{
    return r->has_ledger;
}

static const struct stage stages[] = {
    {.name = "read",
     .per_pass = 1,
     .kept_in = TR_CKPT_RECORDS,
     .run = tr_stage_read,
     .reads = "the input files (records/: CSV or columnar)",
     .writes = "cur: the pass's records, each at its subscriber's owner; in: every file's "
               "accounting and rejects; names, scenarios"},
    {.name = "partition",
     .per_pass = 1,
     .kept_in = TR_CKPT_RECORDS,
     .run = tr_stage_partition,
     .reads = "cur",
     .writes = "cur sorted by (key, time, order), exact duplicates dropped; dups, "
               "collisions"},
    {.name = "indicators",
     .per_pass = 1,
     .kept_in = TR_CKPT_RECORDS,
     .run = tr_stage_indicators,
     .reads = "cur",
     .writes = "pass_ft: each subscriber's indicators, label and sample"},
    {.name = "crosschecks",
     .per_pass = 1,
     .kept_in = TR_CKPT_RECORDS,
     .run = tr_stage_crosschecks,
     .reads = "cur, pass_ft's keys and regions",
     .writes = "pass_checks: reconciliation, ledger, fraud alerts; pass_book: the loans"},
    {.name = "checkpoint.records",
     .kept_in = TR_CKPT_RECORDS,
     .run = tr_stage_records_checkpoint,
     .reads = "in, ft, checks, book",
     .writes = "PATH.ckpt-records.h5; rows"},
    {.name = "model",
     .kept_in = TR_CKPT_MODEL,
     .run = tr_stage_model,
     .reads = "rows",
     .writes = "credit: models, validation, PDs, scores, grades; book's model PDs"},
    {.name = "backtest",
     .kept_in = TR_CKPT_MODEL,
     .run = tr_stage_backtest,
     .reads = "rows, credit",
     .writes = "backtest"},
    {.name = "ifrs9",
     .kept_in = TR_CKPT_MODEL,
     .run = tr_stage_ifrs9,
     .wanted = has_ledger,
     .reads = "ft's ledger and flags (or stored_ledger), rows, credit's calibrated PDs, scenarios",
     .writes = "ifrs9: stages and ECL per loan, the summary"},
    {.name = "checkpoint.model",
     .kept_in = TR_CKPT_MODEL,
     .run = tr_stage_model_checkpoint,
     .reads = "credit, backtest, book",
     .writes = "PATH.ckpt-model.h5"},
    {.name = "stress",
     .kept_in = TR_CKPT_STRESS,
     .run = tr_stage_stress,
     .wanted = stressing,
     .reads = "book, params, scenarios",
     .writes = "results"},
    {.name = "checkpoint.stress",
     .kept_in = TR_CKPT_STRESS,
     .run = tr_stage_stress_checkpoint,
     .wanted = stressing,
     .reads = "results",
     .writes = "PATH.ckpt-stress.h5"},
    {.name = "write",
     .kept_in = TR_CKPT_NONE,
     .run = tr_stage_write,
     .reads = "the checkpoints",
     .writes = "output.path"},
};
#define N_STAGES (sizeof stages / sizeof *stages)

/* Tests only (fenced: built with TELRISK_TEST_HOOKS, CMake's option of that name): the stand-in
 * for a preemption, TELRISK_TEST_KILL=<stage> ends the run with SIGTERM as the stage begins, as
 * Slurm's would (tests/mpi/resume.sh). */
static void test_kill_point(const struct tr_ctx *ctx, const char *stage)
{
#ifdef TELRISK_TEST_HOOKS
    const char *at = getenv("TELRISK_TEST_KILL");
    if (ctx->rank == 0 && at && strcmp(at, stage) == 0) raise(SIGTERM);
#else
    (void)ctx, (void)stage;
#endif
}

static int run_stage(struct tr_run *r, const struct stage *s)
{
    if (s->wanted && !s->wanted(r)) return TR_EXIT_OK;
    test_kill_point(r->ctx, s->name);
    r->stage = s->name;
    return s->run(r);
}

/* Every stage in order: the records stages pass by pass (or what their checkpoint holds), then
 * the stages the last checkpoint does not cover. */
static int run_stages(struct tr_run *r)
{
    int rc = TR_EXIT_OK;
    if (r->done != TR_CKPT_NONE)
        rc = tr_run_resume(r);
    else
        for (r->pass = 0; !rc && (r->pass == 0 || r->pass < r->passes); r->pass++) {
            for (size_t k = 0; !rc && k < N_STAGES; k++)
                if (stages[k].per_pass) rc = run_stage(r, &stages[k]);
            if (!rc) tr_run_end_pass(r);
        }
    for (size_t k = 0; !rc && k < N_STAGES; k++)
        if (!stages[k].per_pass &&
            (stages[k].kept_in > (enum tr_ckpt_stage)r->done || stages[k].kept_in == TR_CKPT_NONE))
            rc = run_stage(r, &stages[k]);
    return rc;
}

int tr_pipeline_key(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_keyhash *kh)
{
    char err[512];
    int rc = tr_keyhash_init(kh, cfg->privacy.key_file, cfg->run.seed, err, sizeof err);
    if (rc && ctx->rank == 0) TR_ERROR(ctx, "%s", err);
    if ((rc = tr_agree(ctx, rc ? TR_EXIT_USAGE : TR_EXIT_OK))) return rc;
    if (!kh->from_file && ctx->rank == 0)
        TR_WARN(ctx, "privacy.key_file is not set: subscriber keys use a key derived from the seed,"
                     " which is not secret (fine for demos and tests only)");
    return TR_EXIT_OK;
}

/* Collective: where a resumed run goes on from (r->done), or a fresh run's start (another run's
 * leftover checkpoints removed). */
static int find_start(struct tr_run *r, int resume)
{
    const char *output = r->cfg->output.path;
    r->done = TR_CKPT_NONE;
    if (!resume) {
        /* This run's own leftovers (a killed run of the same inputs and config) only */
        tr_ckpt_remove(r->ctx, output, r->run_print, r->cfg->run.seed);
        tr_ckpt_report_foreign(r->ctx, output, r->run_print);
        return TR_EXIT_OK;
    }
    const int rc =
        tr_ckpt_find(r->ctx, output, r->run_print, r->config_text, r->fingerprint, &r->done);
    if (rc) return rc;
    if (r->done != TR_CKPT_NONE) /* without one of its own, tr_ckpt_find said which it left */
        tr_ckpt_report_foreign(r->ctx, output, r->run_print);
    TR_INFO(r->ctx,
            r->done ? "--resume: the %s stage's checkpoint is there; going on from it"
                    : "--resume: no checkpoint of this run%s; starting from the inputs",
            tr_ckpt_stage_names[r->done]);
    return TR_EXIT_OK;
}

/* Collective: output.path's folder made, and the output claimed for this run (io/lock.h) by
 * rank 0, which holds *lock until the run ends. */
static int claim_output(const struct tr_ctx *ctx, const char *output, struct tr_lock *lock)
{
    int rc = TR_EXIT_OK, stale = 0;
    char err[TR_PATH_MAX + 512] = "";
    *lock = (struct tr_lock){.fd = -1};
    if (ctx->rank == 0 && tr_path_is_folder(output)) {
        TR_ERROR(ctx, "output.path %s is a folder: it must name the run file", output);
        rc = TR_EXIT_INPUT;
    } else if (ctx->rank == 0 && tr_mkdir_parent(output) != 0) {
        TR_ERROR(ctx, "cannot create the folder of output.path %s: %s", output, strerror(errno));
        rc = TR_EXIT_INPUT;
    } else if (ctx->rank == 0) {
        if (tr_lock_take(output, lock, &stale, err, sizeof err) != TR_LOCK_TAKEN) {
            TR_ERROR(ctx, "%s", err);
            rc = TR_EXIT_INPUT;
        } else {
            if (stale)
                TR_WARN(ctx, "output.path %s: the lock of a run that is gone taken over", output);
        }
    }
    return tr_agree(ctx, rc);
}

int tr_pipeline_run(const struct tr_ctx *ctx, const struct tr_config *cfg, int resume)
{
    struct tr_keyhash kh;
    int rc = tr_pipeline_key(ctx, cfg, &kh);
    if (rc) return rc;
    struct tr_lock lock;
    if ((rc = claim_output(ctx, cfg->output.path, &lock))) return rc;
    struct tr_run r = {.ctx = ctx, .cfg = cfg, .kh = &kh, .config_text = tr_config_to_ini(cfg)};
    tr_ckpt_fingerprint(ctx, cfg, r.fingerprint);
    tr_ckpt_run_fingerprint(r.fingerprint, r.config_text, r.run_print);
    rc = find_start(&r, resume);
    if (!rc) rc = run_stages(&r);
    tr_run_free(&r);
    rc = tr_agree(ctx, rc);
    tr_lock_release(&lock);
    return rc;
}
