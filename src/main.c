#include "telrisk.h"

#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int code = telrisk_main(argc, argv, MPI_COMM_WORLD, stderr);
    MPI_Finalize();
    return code;
}
