#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"

#include <stdlib.h>

int tr_cmd_config(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    if (ctx->rank == 0) {
        char *ini = tr_config_to_ini(&cfg);
        fputs(ini, stdout);
        fflush(stdout);
        free(ini);
    }
    return TR_EXIT_OK;
}
