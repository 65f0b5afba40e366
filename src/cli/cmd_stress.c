/* telrisk stress --run RUN.h5 --scenarios FILE [--scenario NAME] [--out PART.h5]: the stress
 * stage again, from the loan book a run stored (/portfolio), without reading the CSVs or
 * recomputing indicators and models. The results go into the run file itself, or into a part
 * file that `telrisk merge` adds to it (a Slurm job array runs one scenario per task). The
 * scenarios' streams use the run's seed, so a scenario gives the same bits here, alone, as in
 * the run. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stage.h"
#include "output/history.h"
#include "output/seal.h"
#include "output/stored.h"
#include "stress/stress.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Whether two paths name the same file (then a part file would overwrite its own run). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int tr_cmd_stress(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    const char *file = args->scenarios_path ? args->scenarios_path : cfg.stress.scenarios;
    if (!file[0]) {
        if (ctx->rank == 0)
            fprintf(ctx->msg, "telrisk: stress: no scenarios (--scenarios FILE or "
                              "stress.scenarios in the config)\n");
        return TR_EXIT_USAGE;
    }
    if ((rc = tr_seal_check_input(ctx, args->run_path, "run file", !args->no_verify))) return rc;
    struct tr_stored_book b;
    if ((rc = tr_stored_book_load(ctx, args->run_path, &b))) return rc;
    b.unverified = args->no_verify ? args->run_path : NULL;
    cfg.run.seed = b.seed; /* the run's streams: the same figures as the run's own stress */
    if (!isnan(b.book.ccf_revolving) && b.book.ccf_revolving != cfg.credit.ccf_revolving) {
        /* the book's EADs carry the run's CCF: that is the one applied, and recorded */
        TR_WARN_ONCE(ctx,
                     "credit.ccf_revolving: the stored book's EADs carry %g; %g is not applied",
                     b.book.ccf_revolving, cfg.credit.ccf_revolving);
        cfg.credit.ccf_revolving = b.book.ccf_revolving;
    }
    char *applied = tr_config_to_ini(&cfg);
    tr_history_config(applied); /* the seed it used, not the one it was given */
    free(applied);
    struct tr_stress_params p;
    struct tr_scenarios *scenarios = TR_MALLOC(sizeof *scenarios);
    char err[TR_PATH_MAX + 512] = "";
    rc = tr_stress_prepare(&cfg, file, args->scenario, (const char *const *)b.region_names,
                           b.n_regions, &p, scenarios, err, sizeof err);
    char why[sizeof err + 32];
    snprintf(why, sizeof why, "stress: %s", err);
    /* --out naming the run file itself: into the run file, not a part replacing it. */
    const char *part =
        args->out_dir && !same_file(args->out_dir, args->run_path) ? args->out_dir : NULL;
    rc = tr_fail_agree(ctx, rc ? TR_EXIT_USAGE : TR_EXIT_OK, why);
    if (!rc) rc = tr_refuse_overwrite(ctx, args, part ? part : args->run_path);
    if (!rc) {
        struct tr_stages stages = {0};
        tr_stage_begin(&stages);
        int n = 0;
        struct tr_stress_result *res = NULL;
        rc = tr_stress_run_scenarios(ctx, &p, (const char *const *)b.region_names, &b.book,
                                     scenarios, args->scenario, &res, &n);
        tr_stage_end(ctx, &stages, "stress", (int64_t)b.book.n, "loans");
        tr_stress_record(ctx, &stages, &p, res, n);
        if (!rc) rc = tr_stored_stress_write(ctx, args->run_path, part, &b, &p, res, n);
        if (!rc)
            TR_INFO(ctx, "stress: %d scenario(s) in %s", n,
                    args->out_dir ? args->out_dir : args->run_path);
        tr_stress_results_free(res, n);
    }
    tr_stress_params_free(&p);
    free(scenarios);
    tr_stored_book_free(&b);
    return rc;
}
