/* telrisk report RUN.h5 [--previous PREV.h5 ...] --out DIR: the validation and monitoring
 * report. telrisk checks the run files' seals, walks the PD from the last previous run to this
 * one (present/walk.h) into DIR/walk/, and launches the report's Python program
 * (scripts/report/report.py: h5py and matplotlib), which writes DIR/report.html with its plots
 * and tables. Rank 0 does the work; the other ranks wait for its exit code. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "output/seal.h"

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

#define MAX_RUNS 256

/* The run files: --previous in order (a folder: its .h5 files in name order), then RUN. */
struct run_list {
    char *path[MAX_RUNS];
    int n;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's .h5 files in name order, but the run itself (a month's folder holds this month's
 * file too: it is not its own previous month). */
static int add_folder(const struct tr_ctx *ctx, const char *folder, const char *run,
                      struct run_list *l)
{
    char run_real[PATH_MAX], real[PATH_MAX];
    if (!realpath(run, run_real)) run_real[0] = 0;
    DIR *d = opendir(folder);
    if (!d)
        return TR_ERROR(ctx, "report: cannot read %s: %s", folder, strerror(errno)), TR_EXIT_INPUT;
    const int first = l->n;
    for (struct dirent *e; (e = readdir(d));) {
        const size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".h5") != 0) continue;
        if (l->n == MAX_RUNS) break;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
        if (realpath(path, real) && strcmp(real, run_real) == 0) continue;
        l->path[l->n++] = TR_STRDUP(path);
    }
    closedir(d);
    qsort(l->path + first, (size_t)(l->n - first), sizeof(char *), by_name);
    return TR_EXIT_OK;
}

static int list_runs(const struct tr_ctx *ctx, const struct tr_cli_args *args, struct run_list *l)
{
    l->n = 0;
    for (int k = 0; k < args->n_previous; k++) {
        int rc = TR_EXIT_OK;
        if (tr_path_is_folder(args->previous[k]))
            rc = add_folder(ctx, args->previous[k], args->positional[0], l);
        else if (l->n < MAX_RUNS)
            l->path[l->n++] = TR_STRDUP(args->previous[k]);
        if (rc) return rc;
    }
    if (l->n >= MAX_RUNS)
        return TR_ERROR(ctx, "report: more than %d run files", MAX_RUNS - 1), TR_EXIT_USAGE;
    l->path[l->n++] = TR_STRDUP(args->positional[0]);
    return TR_EXIT_OK;
}

static void runs_free(struct run_list *l)
{
    for (int k = 0; k < l->n; k++)
        free(l->path[k]);
    l->n = 0;
}

/* Runs the report program on the runs into out_dir and waits: its exit code (0 written; 1, 2, 3
 * as telrisk's), 3 when it cannot be started or dies of a signal. */
static int run_program(const struct tr_ctx *ctx, const struct run_list *l, const char *out_dir,
                       const char *walk_dir, int64_t k_min)
{
    const char *python = getenv("TELRISK_PYTHON");
    if (!python || !python[0]) python = TELRISK_REPORT_PYTHON;
    char k_text[32];
    snprintf(k_text, sizeof k_text, "%lld", (long long)k_min);
    const char *argv[2 * MAX_RUNS + 16];
    int a = 0;
    argv[a++] = python;
    argv[a++] = TELRISK_REPORT_PROGRAM;
    argv[a++] = l->path[l->n - 1];
    for (int k = 0; k + 1 < l->n; k++)
        argv[a++] = "--previous", argv[a++] = l->path[k];
    argv[a++] = "--out", argv[a++] = out_dir;
    argv[a++] = "--k-min", argv[a++] = k_text;
    if (walk_dir) argv[a++] = "--walk", argv[a++] = walk_dir;
    argv[a] = NULL;
    fflush(NULL); /* the child shares stdout and stderr: what telrisk said comes first */
    pid_t pid;
    const int err = posix_spawnp(&pid, python, NULL, NULL, (char *const *)argv, environ);
    if (err) {
        TR_ERROR(ctx, "report: cannot start %s: %s (scripts/setup.sh installs it)", python,
                 strerror(err));
        return TR_EXIT_INTERNAL;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return TR_EXIT_INTERNAL;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    TR_ERROR(ctx, "report: %s ended by signal %d", TELRISK_REPORT_PROGRAM, WTERMSIG(status));
    return TR_EXIT_INTERNAL;
}

/* Rank 0: the out folder, the walk (with previous runs), the program. */
static int write_report(const struct tr_ctx *ctx, const struct run_list *l, const char *out_dir,
                        int64_t k_min)
{
    char walk_dir[4096];
    snprintf(walk_dir, sizeof walk_dir, "%s/walk", out_dir);
    if (tr_mkdir_p(l->n > 1 ? walk_dir : out_dir)) {
        TR_ERROR(ctx, "report: cannot make %s: %s", l->n > 1 ? walk_dir : out_dir, strerror(errno));
        return TR_EXIT_INPUT;
    }
    if (l->n > 1) {
        if (tr_walk_files(ctx, l->path[l->n - 2], l->path[l->n - 1], k_min, NULL, walk_dir)) {
            TR_WARN(ctx, "report: the PD walk is left out of the report (the reason above)");
            return run_program(ctx, l, out_dir, NULL, k_min);
        }
    }
    return run_program(ctx, l, out_dir, l->n > 1 ? walk_dir : NULL, k_min);
}

int tr_cmd_report(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg; /* defaults and --set: privacy.k_min (the runs' own when larger) */
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    struct run_list runs;
    rc = tr_agree(ctx, list_runs(ctx, args, &runs));
    for (int k = 0; !rc && k < runs.n; k++)
        rc = tr_seal_check_input(ctx, runs.path[k], k + 1 < runs.n ? "--previous" : "run file",
                                 !args->no_verify);
    char page[4096];
    snprintf(page, sizeof page, "%s/report.html", args->out_dir);
    if (!rc) rc = tr_refuse_overwrite(ctx, args, page);
    if (!rc && ctx->rank == 0) rc = write_report(ctx, &runs, args->out_dir, cfg.privacy.k_min);
    MPI_CHECK(MPI_Bcast(&rc, 1, MPI_INT, 0, ctx->comm));
    runs_free(&runs);
    return rc;
}
