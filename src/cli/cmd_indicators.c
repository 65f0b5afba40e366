#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "features/bandicoot/bandicoot.h"
#include "features/bandicoot/bc_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tr_cmd_indicators(const struct tr_ctx *ctx, const struct tr_cli_args *args);

/* bandicoot names a user after its file: the base name without ".csv". */
static void user_name(const char *path, char *name, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".csv") == 0) len -= 4;
    snprintf(name, cap, "%.*s", (int)len, base);
}

static int options_from_args(const struct tr_cli_args *args, struct tr_bc_options *o, char *err,
                             size_t errlen)
{
    const char *groupby = args->groupby ? args->groupby : "week";
    const char *summary = args->summary ? args->summary : "default";
    if (strcmp(groupby, "week") != 0 && strcmp(groupby, "none") != 0) {
        snprintf(err, errlen, "indicators: --groupby '%s': expected week or none", groupby);
        return TR_EXIT_USAGE;
    }
    if (strcmp(summary, "default") != 0 && strcmp(summary, "extended") != 0) {
        snprintf(err, errlen, "indicators: --summary '%s': expected default or extended", summary);
        return TR_EXIT_USAGE;
    }
    *o = (struct tr_bc_options){.groupby_week = strcmp(groupby, "week") == 0,
                                .extended = strcmp(summary, "extended") == 0,
                                .split_week = args->split_week,
                                .split_day = args->split_day};
    return TR_EXIT_OK;
}

static int load_inputs(const struct tr_cli_args *args, struct tr_bc_input *in, char *err,
                       size_t errlen)
{
    int rc = TR_EXIT_OK;
    if (args->antennas_path) rc = tr_bc_load_antennas(in, args->antennas_path, err, errlen);
    if (!rc) rc = tr_bc_load_records(in, args->positional[0], err, errlen);
    if (!rc && args->recharges_path)
        rc = tr_bc_load_recharges(in, args->recharges_path, err, errlen);
    return rc;
}

/* Rank 0 reads the files, computes and prints; the others only wait for the exit code. */
static int indicators_on_root(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    char err[1024] = "";
    struct tr_bc_options opt;
    int rc = TR_EXIT_USAGE;
    if (args->n_positional < 1)
        snprintf(err, sizeof err,
                 "indicators needs a user file: telrisk indicators USER.csv "
                 "--antennas ANTENNAS.csv");
    else
        rc = options_from_args(args, &opt, err, sizeof err);
    if (rc) {
        fprintf(ctx->msg, "telrisk: %s\n", err);
        return rc;
    }
    struct tr_bc_input in;
    tr_bc_input_init(&in);
    rc = load_inputs(args, &in, err, sizeof err);
    if (rc) {
        fprintf(ctx->msg, "telrisk: %s\n", err);
    } else {
        struct tr_bc_user u;
        tr_bc_input_user(&in, &u);
        const char *const *keys;
        double *values = TR_MALLOC(sizeof *values * tr_bc_keys(&opt, &keys));
        struct tr_bc_scratch scratch;
        tr_bc_scratch_init(&scratch);
        tr_bc_compute(&u, &opt, &scratch, values);
        char name[256];
        user_name(args->positional[0], name, sizeof name);
        tr_bc_write_json(stdout, name, &opt, u.has_recharges, values);
        fflush(stdout);
        tr_bc_scratch_free(&scratch);
        free(values);
    }
    tr_bc_input_free(&in);
    return rc;
}

int tr_cmd_indicators(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0) rc = indicators_on_root(ctx, args);
    MPI_CHECK(MPI_Bcast(&rc, 1, MPI_INT, 0, ctx->comm));
    return rc;
}
