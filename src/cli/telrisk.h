/* The library entry: a whole telrisk command on any communicator, messages to msg. Returns the
 * exit code (0 ok, 1 usage/config, 2 input, 3 internal), the same on every rank. Collective over
 * comm; the command runs on a duplicate of it whose MPI errors come back to MPI_CHECK (core/log.h:
 * tr_ctx_open), and comm itself is left as it was. */
#ifndef TELRISK_CLI_TELRISK_H
#define TELRISK_CLI_TELRISK_H

#include <mpi.h>
#include <stdio.h>

int telrisk_main(int argc, char **argv, MPI_Comm comm, FILE *msg);

#endif
