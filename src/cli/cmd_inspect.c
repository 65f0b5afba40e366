#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "output/seal.h"
#include "present/inspect.h"

#include <stdio.h>

/* Reading a file needs no parallelism: rank 0 reads and prints, and every rank returns its
 * answer so the job ends with one exit code. */
int tr_cmd_inspect(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg; /* defaults and --set: privacy.k_min */
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    if (args->n_positional >= 1 &&
        (rc = tr_seal_check_input(ctx, args->positional[0], "run file", !args->no_verify)))
        return rc;
    if (ctx->rank == 0) {
        if (args->n_positional < 1) {
            fprintf(ctx->msg, "telrisk: inspect needs a run file: telrisk inspect RUN.h5\n");
            rc = TR_EXIT_USAGE;
        } else {
            rc = tr_inspect_file(args->positional[0], cfg.privacy.k_min, stdout, ctx->msg);
        }
    }
    MPI_CHECK(MPI_Bcast(&rc, 1, MPI_INT, 0, ctx->comm));
    return rc;
}
