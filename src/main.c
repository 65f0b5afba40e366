#include "cli/telrisk.h"
#include "core/error.h"

#include <malloc.h>
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    /* Big tables are allocated and freed stage after stage: keep freed memory in the process
     * instead of returning it to the kernel, whose page faults on every reuse cost more than the
     * copies themselves on virtual machines. */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, -1);
    MPI_CHECK(MPI_Init(&argc, &argv));
    int code = telrisk_main(argc, argv, MPI_COMM_WORLD, stderr);
    MPI_CHECK(MPI_Finalize());
    return code;
}
