/* Exact sums over ranks: the same bits at any rank count. Each rank adds its contiguous share of a
 * fixed series of values, then an allreduce; rank 0 prints the sum's bits, which the test
 * compares across rank counts, and checks them against a single-process sum here too. */
#include "core/exact.h"
#include "core/rng.h"

#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static double value(int64_t k)
{
    double u = tr_unit(tr_mix64((uint64_t)k)), w = tr_unit(tr_mix64((uint64_t)k ^ 0xabcdefULL));
    return (u - 0.5) * pow(10.0, 10 * w - 5);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    const int64_t n = 300001;
    tr_exact mine[3] = {{0}, {0}, {0}}, all[3] = {{0}, {0}, {0}};
    for (int64_t k = n * ctx.rank / ctx.size; k < n * (ctx.rank + 1) / ctx.size; k++) {
        tr_exact_add(&mine[0], value(k));
        tr_exact_add(&mine[1], value(k) * value(k + 1));
        tr_exact_add(&mine[2], -value(k) / 3);
    }
    for (int64_t k = 0; k < n; k++) {
        tr_exact_add(&all[0], value(k));
        tr_exact_add(&all[1], value(k) * value(k + 1));
        tr_exact_add(&all[2], -value(k) / 3);
    }
    tr_exact_allreduce(&ctx, mine, 3);
    int same = memcmp(mine, all, sizeof all) == 0;
    if (ctx.rank == 0)
        printf("exact_ranks: %d ranks: sums %a %a %a: %s\n", ctx.size, tr_exact_value(&mine[0]),
               tr_exact_value(&mine[1]), tr_exact_value(&mine[2]),
               same ? "identical to one process" : "DIFFERENT from one process");
    MPI_Finalize();
    return same ? 0 : 1;
}
