#include "cli/commands.h"
#include "config/config.h"
#include "pipeline.h"

int tr_cmd_run(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    return tr_pipeline_run(ctx, &cfg, args->resume);
}
