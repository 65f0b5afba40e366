#include "cli/telrisk.h"

#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "io/h5.h"
#include "io/h5diag.h"
#include "output/history.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A base configuration's INI text (as tr_config_to_ini writes it) applied key by key. 0, or 1 with
 * err naming the key. */
static int apply_ini(struct tr_config *cfg, const char *text, char err[TR_CONFIG_ERR_MAX])
{
    char section[64] = "", set[TR_PATH_MAX + 256];
    for (const char *line = text; line && *line;) {
        const size_t len = strcspn(line, "\n");
        const char *eq = memchr(line, '=', len);
        if (line[0] == '[' && len < sizeof section)
            snprintf(section, sizeof section, "%.*s", (int)(len - 2), line + 1);
        else if (eq && len < sizeof set - sizeof section) {
            /* "key = value": the spaces around '=' are the writer's */
            const int key = (int)(eq - line), at = eq[1] == ' ' ? 2 : 1;
            snprintf(set, sizeof set, "%s.%.*s=%.*s", section, key - (key && line[key - 1] == ' '),
                     line, (int)(len - (size_t)key - (size_t)at), eq + at);
            if (tr_config_set(cfg, set, err)) return 1;
        }
        line += len + (line[len] == '\n');
    }
    return 0;
}

int tr_load_config_over(const struct tr_ctx *ctx, const struct tr_cli_args *args, const char *base,
                        struct tr_config *cfg)
{
    char err[TR_CONFIG_ERR_MAX] = "", msg[TR_CONFIG_ERR_MAX + 32];
    tr_config_defaults(cfg);
    int bad = base && apply_ini(cfg, base, err);
    snprintf(msg, sizeof msg, "config: the run file's: %s", err);
    if (!bad) {
        bad = args->config_path && tr_config_load(cfg, args->config_path, err);
        for (int i = 0; !bad && i < args->n_sets; i++)
            bad = tr_config_set(cfg, args->sets[i], err);
        if (!bad) bad = tr_config_validate(cfg, err);
        snprintf(msg, sizeof msg, "config: %s", err);
    }
    if (!bad) { /* what the command applies, for its history row (a command may narrow it) */
        tr_h5_set_deflate((int)cfg->output.compression); /* the files it writes */
        char *text = tr_config_to_ini(cfg);
        tr_history_config(text);
        free(text);
    }
    /* Every rank reads the file itself: one that cannot must not leave the others waiting. */
    return tr_fail_agree(ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK, bad ? msg : NULL);
}

int tr_load_config(const struct tr_ctx *ctx, const struct tr_cli_args *args, struct tr_config *cfg)
{
    return tr_load_config_over(ctx, args, NULL, cfg);
}

int tr_refuse_overwrite(const struct tr_ctx *ctx, const struct tr_cli_args *args, const char *path)
{
    struct stat st;
    const int exists = !args->force && stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
    char why[TR_PATH_MAX + 256];
    snprintf(why, sizeof why,
             "%s: %s exists: telrisk writes over a file only with --force (or give another "
             "path%s)",
             args->command->name, path,
             strcmp(args->command->name, "run") == 0 ? " in output.path" : " with --out");
    return tr_fail_agree(ctx, exists ? TR_EXIT_INPUT : TR_EXIT_OK, why);
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
    tr_history_begin(argc, argv);    /* what a file it writes says of it */
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
