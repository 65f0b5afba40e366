#include "cli/telrisk.h"

#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "io/h5diag.h"

#include <string.h>

int tr_load_config(const struct tr_ctx *ctx, const struct tr_cli_args *args, struct tr_config *cfg)
{
    char err[TR_CONFIG_ERR_MAX] = "", msg[TR_CONFIG_ERR_MAX + 16];
    tr_config_defaults(cfg);
    int bad = args->config_path && tr_config_load(cfg, args->config_path, err);
    for (int i = 0; !bad && i < args->n_sets; i++)
        bad = tr_config_set(cfg, args->sets[i], err);
    if (!bad) bad = tr_config_validate(cfg, err);
    snprintf(msg, sizeof msg, "config: %s", err);
    /* Every rank reads the file itself: one that cannot must not leave the others waiting. */
    return tr_fail_agree(ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK, bad ? msg : NULL);
}

/* The command line parsed and its command run on ctx: the exit code, agreed. */
static int run_command(struct tr_ctx *ctx, int argc, char **argv)
{
    struct tr_cli_args args;
    char err[512] = "";
    if (tr_cli_parse(argc, argv, &args, err, sizeof err) ||
        tr_cli_validate(&args, err, sizeof err)) {
        if (ctx->rank == 0) fprintf(ctx->msg, "telrisk: %s\n", err);
        return TR_EXIT_USAGE;
    }
    if (args.help) {
        if (ctx->rank == 0) tr_cli_print_help(ctx->msg, args.command);
        return TR_EXIT_OK;
    }
    if (args.quiet) ctx->level = TR_LOG_WARN;
    if (args.verbose) ctx->level = TR_LOG_DEBUG;
    tr_h5_diagnostics(args.verbose); /* HDF5's own error stacks: for --verbose only */
    return tr_agree(ctx, args.command->run(ctx, &args));
}

int telrisk_main(int argc, char **argv, MPI_Comm comm, FILE *msg)
{
    /* The run works on its own duplicate of comm with MPI_ERRORS_RETURN (core/log.h): every
     * failing MPI call reaches MPI_CHECK's message and exit 3, and the caller's communicator keeps
     * its handler. */
    struct tr_ctx ctx;
    tr_ctx_open(&ctx, comm, msg);
    tr_gsl_init();
    const int code = run_command(&ctx, argc, argv);
    tr_ctx_close(&ctx);
    return code;
}
