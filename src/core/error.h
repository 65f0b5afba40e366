/* Exit codes and checked-call macros: one per library. Each evaluates its call once, prints the
 * library's own message with file:line and the rank, and ends the whole job with MPI_Abort so no
 * other rank is left waiting in a collective. */
#ifndef TELRISK_CORE_ERROR_H
#define TELRISK_CORE_ERROR_H

#include <mpi.h>
#include <stddef.h>

enum tr_exit {
    TR_EXIT_OK = 0,
    TR_EXIT_USAGE = 1,    /* bad command line or config */
    TR_EXIT_INPUT = 2,    /* missing/unreadable input, reject rate over the limit */
    TR_EXIT_INTERNAL = 3, /* a library call failed, out of memory, a bug */
};

/* Ends the job: prints "telrisk[rank]: what (file:line)" and calls MPI_Abort on MPI_COMM_WORLD. */
_Noreturn void tr_die(const char *file, int line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define TR_DIE(code, ...) tr_die(__FILE__, __LINE__, (code), __VA_ARGS__)

/* A failure of the file system under a collective write (no space, quota, I/O error) that no
 * rank can unwind from with the others waiting in the same HDF5 call: the message (the file and
 * the system's reason, no source location: it is no bug), then the job ends with
 * TR_EXIT_INPUT. */
_Noreturn void tr_die_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* MPI_CHECK: every MPI call in src/ goes through it, on a communicator whose errors return
 * (core/log.h: tr_ctx_open), except MPI_Wtime (it returns the time, not an error code), the
 * MPI-IO calls whose failure is the input's and is reported with the file's path (io/reader.c,
 * io/ordered.c), and tr_die's own calls (it is where a failure would be reported). */
#define MPI_CHECK(call)                                                                            \
    do {                                                                                           \
        int mpi_check_rc_ = (call);                                                                \
        if (mpi_check_rc_ != MPI_SUCCESS) {                                                        \
            char mpi_check_msg_[MPI_MAX_ERROR_STRING];                                             \
            int mpi_check_len_ = 0;                                                                \
            MPI_Error_string(mpi_check_rc_, mpi_check_msg_, &mpi_check_len_);                      \
            TR_DIE(TR_EXIT_INTERNAL, "%s failed: %s", #call, mpi_check_msg_);                      \
        }                                                                                          \
    } while (0)

/* GSL_CHECK: GSL's own abort handler is off (tr_gsl_init), so status codes are checked here. */
#define GSL_CHECK(call)                                                                            \
    do {                                                                                           \
        int gsl_check_rc_ = (call);                                                                \
        if (gsl_check_rc_ != 0)                                                                    \
            TR_DIE(TR_EXIT_INTERNAL, "%s failed: %s", #call, gsl_strerror(gsl_check_rc_));         \
    } while (0)
void tr_gsl_init(void);

/* Allocation that ends the job with a clear message instead of returning NULL. */
void *tr_malloc(size_t bytes, const char *file, int line);
void *tr_calloc(size_t count, size_t size, const char *file, int line);
void *tr_realloc(void *p, size_t bytes, const char *file, int line);
#define TR_MALLOC(bytes)       tr_malloc((bytes), __FILE__, __LINE__)
#define TR_CALLOC(count, size) tr_calloc((count), (size), __FILE__, __LINE__)
#define TR_REALLOC(p, bytes)   tr_realloc((p), (bytes), __FILE__, __LINE__)

/* strdup and strndup that end the job like TR_MALLOC instead of returning NULL. */
char *tr_strdup(const char *s, const char *file, int line);
char *tr_strndup(const char *s, size_t n, const char *file, int line);
#define TR_STRDUP(s)     tr_strdup((s), __FILE__, __LINE__)
#define TR_STRNDUP(s, n) tr_strndup((s), (n), __FILE__, __LINE__)

#endif
