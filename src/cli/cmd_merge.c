/* telrisk merge RUN.h5 PART.h5... [--out NEW.h5]: gathers the /stress groups of part files (each
 * from `telrisk stress --out`, one scenario per Slurm array task) into the run file they came
 * from, so it equals one run of all the scenarios. */
#include "cli/commands.h"
#include "core/log.h"
#include "output/stored.h"

int tr_cmd_merge(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *run = args->positional[0];
    const int rc = tr_stored_stress_merge(ctx, run, args->out_dir ? args->out_dir : run,
                                          args->positional + 1, args->n_positional - 1);
    if (!rc)
        TR_INFO(ctx, "merge: %d part file(s) into %s", args->n_positional - 1,
                args->out_dir ? args->out_dir : run);
    return rc;
}
