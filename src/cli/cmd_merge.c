/* telrisk merge RUN.h5 PART.h5... [--out NEW.h5]: gathers the /stress groups of part files (each
 * from `telrisk stress --out`, one scenario per Slurm array task) into the run file they came
 * from, so it equals one run of all the scenarios. */
#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "output/seal.h"
#include "output/stored.h"

#include <stdlib.h>
#include <string.h>

/* Every file it reads verified first (or, with --no-verify, their paths for the merged file's
 * unverified_inputs: to free). */
static int check_inputs(const struct tr_ctx *ctx, const struct tr_cli_args *args, char **unverified)
{
    *unverified = NULL;
    size_t len = 1;
    for (int k = 0; k < args->n_positional; k++) {
        const int rc = tr_seal_check_input(ctx, args->positional[k], k ? "stress part" : "run file",
                                           !args->no_verify);
        if (rc) return rc;
        len += strlen(args->positional[k]) + 2;
    }
    if (!args->no_verify) return TR_EXIT_OK;
    *unverified = TR_CALLOC(len, 1);
    for (int k = 0; k < args->n_positional; k++)
        strcat(strcat(*unverified, k ? "; " : ""), args->positional[k]);
    return TR_EXIT_OK;
}

int tr_cmd_merge(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *run = args->positional[0];
    char *unverified = NULL;
    int rc = check_inputs(ctx, args, &unverified);
    if (!rc) rc = tr_refuse_overwrite(ctx, args, args->out_dir ? args->out_dir : run);
    if (!rc)
        rc = tr_stored_stress_merge(ctx, run, args->out_dir ? args->out_dir : run,
                                    args->positional + 1, args->n_positional - 1, unverified);
    free(unverified);
    if (!rc)
        TR_INFO(ctx, "merge: %d part file(s) into %s", args->n_positional - 1,
                args->out_dir ? args->out_dir : run);
    return rc;
}
