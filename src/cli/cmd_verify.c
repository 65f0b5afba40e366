/* telrisk verify: recomputes the checksum of every dataset and group of a run file (output/seal.h)
 * so a truncated, damaged or altered file is found before anyone relies on it, then checks that
 * its /provenance/history is well formed and in keeping with it (output/history.h). Rank 0
 * reads. */
#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "output/history.h"
#include "output/seal.h"

#include <inttypes.h>
#include <stdio.h>

/* Rank 0, on a file whose seal holds: its history well formed and in keeping with the file
 * (output/history.h). 0, or 1 said. */
static int check_history(const struct tr_ctx *ctx, const char *path)
{
    int rows = 0;
    if (tr_history_verify(path, ctx->msg, &rows)) {
        fprintf(ctx->msg,
                "telrisk: verify: %s: its seal holds but /provenance/history does not tell how it "
                "was made (above)\n",
                path);
        return 1;
    }
    if (!rows)
        fprintf(ctx->msg,
                "telrisk: verify: %s has no /provenance/history (written before telrisk "
                "kept one, or a checkpoint)\n",
                path);
    return 0;
}

int tr_cmd_verify(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    const char *path = args->positional[0];
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0) {
        struct tr_verify_report r;
        char err[2200] = "";
        const int found = tr_verify_file(path, ctx->msg, &r, err, sizeof err);
        if (found == 2) {
            fprintf(ctx->msg, "telrisk: verify: %s\n", err);
            rc = TR_EXIT_INPUT;
        } else if (found) {
            fprintf(ctx->msg,
                    "telrisk: verify: %s: %" PRId64 " of %" PRId64
                    " objects fail their checksums or the manifest: the file is not the one "
                    "telrisk wrote\n",
                    path, r.bad, r.objects);
            rc = TR_EXIT_INPUT;
        } else if (check_history(ctx, path)) {
            rc = TR_EXIT_INPUT;
        } else {
            printf("%s: intact (%" PRId64 " objects, %" PRId64 " datasets, %" PRId64
                   " bytes checked against their BLAKE2b-256 checksums)\n",
                   path, r.objects, r.datasets, r.bytes);
            fflush(stdout);
        }
    }
    return tr_agree(ctx, rc);
}
