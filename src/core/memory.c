#define _DEFAULT_SOURCE /* mremap, MADV_HUGEPAGE */
#define _GNU_SOURCE
#include "core/memory.h"

#include "core/error.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

double tr_peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

double tr_peak_rss_mib_max(const struct tr_ctx *ctx)
{
    double mine = tr_peak_rss_mib(), most = 0;
    MPI_CHECK(MPI_Allreduce(&mine, &most, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
    return most;
}

void *tr_big_grow(void *p, size_t old_bytes, size_t new_bytes)
{
    void *q = p ? mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE)
                : mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) TR_DIE(TR_EXIT_INTERNAL, "out of memory mapping %zu bytes", new_bytes);
    madvise(q, new_bytes, MADV_HUGEPAGE); /* advice: failure is fine */
    return q;
}

void tr_big_free(void *p, size_t bytes)
{
    if (p) munmap(p, bytes);
}

void tr_big_prefault(void *p, size_t from, size_t to)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096, a = ((uintptr_t)p + from) & ~(page - 1),
                    b = ((uintptr_t)p + to + page - 1) & ~(page - 1);
    if (b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p, (void)from, (void)to;
#endif
}

void tr_big_release_prefix(void *p, size_t to)
{
    const uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1),
                    b = ((uintptr_t)p + to) & ~(page - 1);
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED); /* advice: failure is harmless */
}
