#include "core/memory.h"

#include "core/error.h"

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
