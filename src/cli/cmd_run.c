/* telrisk run --config FILE [--resume] [--check]. --check validates, in seconds and before a long
 * job is queued, what the run will need: the config, the key file, every input file's header and
 * first lines (parsed as the run parses them), the scenario file against the regions, and that the
 * output can be written; it reads no more and writes nothing. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/keyhash.h"
#include "pipeline/pipeline.h"
#include "records/ingest.h"
#include "stress/stress.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_LINES 1000 /* lines parsed per input file */

/* The nearest existing folder of path's folder is a writable folder (the rest is created). */
static int output_writable(const char *path)
{
    char *copy = TR_STRDUP(path), *dir = dirname(copy);
    while (access(dir, F_OK) != 0 && strcmp(dir, "/") != 0 && strcmp(dir, ".") != 0)
        dir = dirname(dir);
    struct stat st;
    const int ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, W_OK) == 0;
    free(copy);
    return ok;
}

/* Rank 0: one line per input file, and whether any checked line was rejected too often. */
static int report_inputs(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         const struct tr_ingest *in)
{
    int over = 0;
    for (int f = 0; f < in->n_files && ctx->rank == 0; f++) {
        const struct tr_file_stats *st = &in->file_stats[f];
        char reasons[256] = "";
        for (int r = 0, at = 0; r < TR_R_COUNT && at < (int)sizeof reasons; r++)
            if (st->by_reason[r])
                at += snprintf(reasons + at, sizeof reasons - (size_t)at, " %s %lld",
                               tr_reason_names[r], (long long)st->by_reason[r]);
        const double share = st->lines ? (double)st->rejected / (double)st->lines : 0;
        if (share > cfg->inputs.max_reject_rate) {
            over = 1;
            TR_ERROR(ctx,
                     "%s: %.1f%% of its first lines rejected, more than inputs.max_reject_rate "
                     "(%g) allows: the run would stop there",
                     in->files[f].path, 100 * share, cfg->inputs.max_reject_rate);
        }
        fprintf(stdout, "%-12s %-60s %6lld lines checked, %lld rejected%s%s\n", in->files[f].table,
                in->files[f].path, (long long)st->lines, (long long)st->rejected,
                reasons[0] ? ":" : "", reasons);
    }
    return tr_agree(ctx, over ? TR_EXIT_INPUT : TR_EXIT_OK);
}

static int check(const struct tr_ctx *ctx, const struct tr_config *cfg)
{
    struct tr_keyhash kh;
    char err[TR_PATH_MAX + 512] = "";
    snprintf(err, sizeof err, "output.path %s is a folder: it must name the run file",
             cfg->output.path);
    int rc = tr_fail_agree(ctx, tr_path_is_folder(cfg->output.path) ? TR_EXIT_INPUT : 0, err);
    if (rc) return rc;
    rc = tr_keyhash_init(&kh, cfg->privacy.key_file, cfg->run.seed, err, sizeof err);
    if ((rc = tr_fail_agree(ctx, rc ? TR_EXIT_USAGE : TR_EXIT_OK, err))) return rc;
    struct tr_ingest in;
    rc = tr_ingest_check(ctx, cfg, &kh, CHECK_LINES, &in);
    if (!rc) rc = report_inputs(ctx, cfg, &in);
    if (!rc && cfg->stress.scenarios[0]) {
        const char **names = TR_MALLOC(sizeof(char *) * ((size_t)in.regions.n + 1));
        for (int g = 0; g < in.regions.n; g++)
            names[g] = in.regions.name[g];
        struct tr_stress_params p;
        struct tr_scenarios *s = TR_MALLOC(sizeof *s);
        const int bad = tr_stress_prepare(cfg, cfg->stress.scenarios, NULL, names, in.regions.n, &p,
                                          s, err, sizeof err);
        char why[sizeof err + 32];
        snprintf(why, sizeof why, "stress.scenarios: %s", err);
        rc = tr_fail_agree(ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK, why);
        tr_stress_params_free(&p);
        free(s);
        free(names);
    }
    if (!rc) {
        snprintf(err, sizeof err, "output.path %s: its folder cannot be written", cfg->output.path);
        rc = tr_fail_agree(ctx, output_writable(cfg->output.path) ? 0 : TR_EXIT_INPUT, err);
    }
    if (!rc && ctx->rank == 0)
        fprintf(stdout,
                "check: ok: %d input files, %d regions; config, key, scenarios and output "
                "path fine\n",
                in.n_files, in.regions.n);
    fflush(stdout);
    tr_ingest_free(&in);
    return rc;
}

int tr_cmd_run(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    if (args->check) return check(ctx, &cfg);
    /* A daily job that replaces yesterday's file says so with --force (jobs/score.sbatch). */
    if ((rc = tr_refuse_overwrite(ctx, args, cfg.output.path))) return rc;
    return tr_pipeline_run(ctx, &cfg, args->resume);
}
