#include "core/log.h"

#include "core/error.h"

#include <stdarg.h>

void tr_ctx_init(struct tr_ctx *ctx, MPI_Comm comm, FILE *msg)
{
    ctx->comm = comm;
    MPI_CHECK(MPI_Comm_rank(comm, &ctx->rank));
    MPI_CHECK(MPI_Comm_size(comm, &ctx->size));
    ctx->msg = msg ? msg : stderr;
    ctx->level = TR_LOG_INFO;
}

void tr_ctx_open(struct tr_ctx *ctx, MPI_Comm caller, FILE *msg)
{
    MPI_Comm comm;
    MPI_CHECK(MPI_Comm_dup(caller, &comm));
    MPI_CHECK(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN));
    tr_ctx_init(ctx, comm, msg);
}

void tr_ctx_close(struct tr_ctx *ctx)
{
    MPI_CHECK(MPI_Comm_free(&ctx->comm));
}

void tr_log(const struct tr_ctx *ctx, enum tr_log_level level, const char *fmt, ...)
{
    if (level > ctx->level) return;
    if (level >= TR_LOG_INFO && ctx->rank != 0) return;
    static const char *const names[] = {"error", "warning", "info", "debug"};
    va_list ap;
    va_start(ap, fmt);
    if (level >= TR_LOG_INFO)
        fprintf(ctx->msg, "telrisk: ");
    else
        fprintf(ctx->msg, "telrisk[%d]: %s: ", ctx->rank, names[level]);
    vfprintf(ctx->msg, fmt, ap);
    fputc('\n', ctx->msg);
    va_end(ap);
    fflush(ctx->msg);
}

int tr_agree(const struct tr_ctx *ctx, int local_code)
{
    int worst = local_code;
    MPI_CHECK(MPI_Allreduce(&local_code, &worst, 1, MPI_INT, MPI_MAX, ctx->comm));
    return worst;
}

int tr_fail_agree(const struct tr_ctx *ctx, int local_code, const char *message)
{
    int failed = local_code != 0, failing = 0;
    MPI_CHECK(MPI_Allreduce(&failed, &failing, 1, MPI_INT, MPI_SUM, ctx->comm));
    if (failed && message && (failing < ctx->size || ctx->rank == 0)) {
        if (failing < ctx->size)
            fprintf(ctx->msg, "telrisk[%d]: error: %s (on %d of %d ranks)\n", ctx->rank, message,
                    failing, ctx->size);
        else
            fprintf(ctx->msg, "telrisk: error: %s\n", message);
        fflush(ctx->msg);
    }
    return tr_agree(ctx, local_code);
}
