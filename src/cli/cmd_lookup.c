/* telrisk lookup: the pseudonymous key of a subscriber id, so an analyst authorised to hold the
 * secret can find one person's rows (/subscribers/key, alerts, loans) without the run file ever
 * holding a phone number. Rank 0 prints; nothing is read but the key file. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/keyhash.h"
#include "core/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int tr_cmd_lookup(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    snprintf(cfg.privacy.key_file, sizeof cfg.privacy.key_file, "%s", args->key_file);
    struct tr_keyhash kh;
    char err[512] = "";
    if (tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err)) {
        if (ctx->rank == 0) fprintf(ctx->msg, "telrisk: lookup: %s\n", err);
        return TR_EXIT_USAGE;
    }
    /* The id is hashed exactly as ingest hashes a field: its bytes as the input has them. */
    if (ctx->rank == 0) {
        for (int i = 0; i < args->n_positional; i++)
            printf("%" PRIu64 "\n",
                   tr_keyhash(&kh, args->positional[i], strlen(args->positional[i])));
        fflush(stdout);
    }
    sodium_memzero(&kh, sizeof kh);
    return TR_EXIT_OK;
}
