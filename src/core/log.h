/* Logging to the run's message stream. Info and progress come from rank 0 only; warnings and
 * errors from whichever rank saw them, prefixed with its rank; a warning every rank would give
 * alike is given once (TR_WARN_ONCE). */
#ifndef TELRISK_CORE_LOG_H
#define TELRISK_CORE_LOG_H

#include <mpi.h>
#include <stdio.h>

enum tr_log_level { TR_LOG_ERROR = 0, TR_LOG_WARN = 1, TR_LOG_INFO = 2, TR_LOG_DEBUG = 3 };

/* What every command gets: the communicator it runs on and where messages go. */
struct tr_ctx {
    MPI_Comm comm;
    int rank;
    int size;
    FILE *msg;
    enum tr_log_level level;
};

/* A context on comm itself: MPI errors on it go to comm's own handler. */
void tr_ctx_init(struct tr_ctx *ctx, MPI_Comm comm, FILE *msg);

/* Collective over caller: a context on a duplicate of caller whose error handler is
 * MPI_ERRORS_RETURN, so a failing MPI call comes back to MPI_CHECK, which names the call and MPI's
 * reason and ends the job with exit 3 (under MPI_ERRORS_ARE_FATAL, MPI would end it itself, with
 * its own exit code and no word of which call). caller and its handler are left as they were.
 * Freed with tr_ctx_close. */
void tr_ctx_open(struct tr_ctx *ctx, MPI_Comm caller, FILE *msg);
/* Collective: frees the communicator tr_ctx_open made (ctx->comm is MPI_COMM_NULL after). */
void tr_ctx_close(struct tr_ctx *ctx);

void tr_log(const struct tr_ctx *ctx, enum tr_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TR_ERROR(ctx, ...) tr_log((ctx), TR_LOG_ERROR, __VA_ARGS__)
#define TR_WARN(ctx, ...)  tr_log((ctx), TR_LOG_WARN, __VA_ARGS__)
/* A warning about what every rank found alike (a collective result, the same config): said once,
 * by rank 0, not once per rank. */
#define TR_WARN_ONCE(ctx, ...)                                                                     \
    do {                                                                                           \
        if ((ctx)->rank == 0) tr_log((ctx), TR_LOG_WARN, __VA_ARGS__);                             \
    } while (0)
#define TR_INFO(ctx, ...)  tr_log((ctx), TR_LOG_INFO, __VA_ARGS__)
#define TR_DEBUG(ctx, ...) tr_log((ctx), TR_LOG_DEBUG, __VA_ARGS__)

/* Collective: the worst (largest) exit code any rank reports, so all ranks leave together. */
int tr_agree(const struct tr_ctx *ctx, int local_code);

/* Collective: like tr_agree, for a failure that may strike some ranks only (a file one node
 * cannot see). message (may be NULL when local_code is 0) is printed once: by rank 0 when every
 * rank failed, else by each failing rank with its rank prefix. */
int tr_fail_agree(const struct tr_ctx *ctx, int local_code, const char *message);

#endif
