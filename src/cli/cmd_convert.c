/* telrisk convert --config FILE --out INPUTS.h5: reads every input table as telrisk run would
 * (the same parsers, rejects and counts) and writes them as columnar inputs
 * (records/columnar.h), so that later runs (retraining, stress) set inputs.columnar and skip
 * CSV parsing. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/keyhash.h"
#include "core/timer.h"
#include "partition/exchange.h"
#include "pipeline/pipeline.h"
#include "records/columnar.h"

#include <sys/stat.h>

int tr_cmd_convert(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    if (cfg.inputs.columnar[0]) {
        if (ctx->rank == 0)
            TR_ERROR(ctx, "convert reads the CSV inputs: inputs.columnar must be empty");
        return TR_EXIT_USAGE;
    }
    if ((rc = tr_refuse_overwrite(ctx, args, args->out_dir))) return rc;
    struct tr_keyhash kh;
    if ((rc = tr_pipeline_key(ctx, &cfg, &kh))) return rc;
    const double started = tr_now();
    struct tr_ingest in;
    rc = tr_ingest(ctx, &cfg, &kh, NULL, &in); /* no router: records stay in file order */
    if (!rc) {
        const int64_t collisions = tr_key_collisions(ctx, &in);
        rc = tr_columnar_write(ctx, &in, &kh, collisions, args->out_dir);
    }
    if (!rc && ctx->rank == 0) {
        struct stat st;
        const double mb = stat(args->out_dir, &st) == 0 ? (double)st.st_size / 1e6 : 0;
        TR_INFO(ctx,
                "convert: %lld records of %d files (%.1f MB of CSV) into %s (%.1f MB) in %.2f s",
                (long long)in.records, in.n_files, (double)in.bytes / 1e6, args->out_dir, mb,
                tr_now() - started);
    }
    tr_ingest_free(&in);
    return rc;
}
