#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "core/error.h"

#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Its MPI calls are unchecked: this is where a failure would be reported (MPI_CHECK would come
 * back here). exit() is for a process whose MPI is not running (before MPI_Init, after
 * MPI_Finalize): the process is then the whole job. where: " (file:line)", or "" for a message
 * about the input, which needs no place in the source. */
static _Noreturn void die(int code, const char *where, const char *fmt, va_list ap)
{
    int rank = 0, initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    fprintf(stderr, "telrisk[%d]: error: ", rank);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "%s\n", where);
    fflush(stderr);
    if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

_Noreturn void tr_die(const char *file, int line, int code, const char *fmt, ...)
{
    char where[512];
    snprintf(where, sizeof where, " (%s:%d)", file, line);
    va_list ap;
    va_start(ap, fmt);
    die(code, where, fmt, ap);
}

_Noreturn void tr_die_input(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die(TR_EXIT_INPUT, "", fmt, ap);
}

static void gsl_error_reporter(const char *reason, const char *file, int line, int gsl_errno)
{
    /* Reported through GSL_CHECK at the call site; keep GSL from aborting the process here. */
    (void)reason, (void)file, (void)line, (void)gsl_errno;
}

void tr_gsl_init(void)
{
    gsl_set_error_handler(gsl_error_reporter);
}

/* Big tables (records, send buffers, sort scratch) are fresh mappings that the kernel fills a
 * 4 KiB page at a time, one fault each; on a virtual machine the faults cost more than the
 * copies. Asking for transparent huge pages (where the kernel leaves it to madvise) makes that
 * one fault per 2 MiB. */
#define HUGE_FROM ((size_t)32 << 20)

static void *huge(void *p, size_t bytes)
{
    if (!p || bytes < HUGE_FROM) return p;
    const uintptr_t page = 4096, from = ((uintptr_t)p + page - 1) & ~(page - 1),
                    to = ((uintptr_t)p + bytes) & ~(page - 1);
    if (to > from) madvise((void *)from, to - from, MADV_HUGEPAGE); /* advice: failure is fine */
    return p;
}

void *tr_malloc(size_t bytes, const char *file, int line)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) tr_die(file, line, TR_EXIT_INTERNAL, "out of memory allocating %zu bytes", bytes);
    return huge(p, bytes);
}

void *tr_calloc(size_t count, size_t size, const char *file, int line)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        tr_die(file, line, TR_EXIT_INTERNAL, "out of memory allocating %zu x %zu bytes", count,
               size);
    return p;
}

void *tr_realloc(void *p, size_t bytes, const char *file, int line)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q) tr_die(file, line, TR_EXIT_INTERNAL, "out of memory growing to %zu bytes", bytes);
    return huge(q, bytes);
}

char *tr_strdup(const char *s, const char *file, int line)
{
    char *copy = strdup(s);
    if (!copy)
        tr_die(file, line, TR_EXIT_INTERNAL, "out of memory copying %zu bytes", strlen(s) + 1);
    return copy;
}

char *tr_strndup(const char *s, size_t n, const char *file, int line)
{
    char *copy = strndup(s, n);
    if (!copy) tr_die(file, line, TR_EXIT_INTERNAL, "out of memory copying %zu bytes", n + 1);
    return copy;
}
