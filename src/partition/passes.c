/* How many passes over key ranges a run makes (partition/partition.h: tr_pass). */
#include "partition/partition.h"

#include "core/error.h"
#include "records/ingest.h"

#include <math.h>

/* A rank's peak memory, modelled from its share b of the input bytes in K passes as
 *   BASE + PER_PASS_BYTE x b / K + KEPT_BYTE x b:
 * the records of a pass (read straight to their owners, sorted in place) and what stays across
 * passes (the features and the ids). Fitted, with a margin, on the benchmark country (1.08 GB of
 * CSV per rank at 2 ranks: 1.87 GB measured in one pass, 0.88 GB in three; the model says 2.03
 * and 0.95). */
#define BASE_BYTES    3e8
#define PER_PASS_BYTE 1.5
#define KEPT_BYTE     0.1
#define MAX_PASSES    64

/* How many passes keep a rank under partition.max_memory_per_rank (1: no limit, or enough). */
int tr_passes_plan(const struct tr_ctx *ctx, const struct tr_config *cfg)
{
    const double limit = tr_config_bytes(cfg->partition.max_memory_per_rank);
    if (limit <= 0) return 1;
    /* Rank 0's view, for all: every rank must make as many passes. */
    double bytes = tr_input_source_of(cfg)->bytes(ctx, cfg);
    if (tr_agree(ctx, bytes < 0 ? TR_EXIT_INPUT : TR_EXIT_OK)) return 1; /* the read says why */
    MPI_CHECK(MPI_Bcast(&bytes, 1, MPI_DOUBLE, 0, ctx->comm));
    const double b = bytes / ctx->size, room = limit - BASE_BYTES - KEPT_BYTE * b;
    int passes = room > 0 ? (int)ceil(PER_PASS_BYTE * b / room) : MAX_PASSES;
    passes = passes < 1 ? 1 : passes > MAX_PASSES ? MAX_PASSES : passes;
    const double peak = BASE_BYTES + PER_PASS_BYTE * b / passes + KEPT_BYTE * b;
    TR_INFO(ctx,
            "partition.max_memory_per_rank %s: %.3g bytes of input, %.3g per rank: %d pass%s over "
            "key ranges (expected peak %.3g bytes per rank)",
            cfg->partition.max_memory_per_rank, bytes, b, passes, passes > 1 ? "es" : "", peak);
    if (peak > limit && ctx->rank == 0)
        TR_WARN(ctx,
                "partition.max_memory_per_rank %s is below what %d passes need (what stays "
                "across passes alone takes %.3g bytes): use more ranks",
                cfg->partition.max_memory_per_rank, passes, BASE_BYTES + KEPT_BYTE * b);
    return passes;
}
