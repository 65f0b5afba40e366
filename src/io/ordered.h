/* Files that every rank appends to in rounds, in rank order, as if one process had written
 * them: each round, a rank's bytes land after those of all lower ranks (offsets by a prefix sum
 * over the ranks), and the next round starts after the last byte of this one. */
#ifndef TELRISK_IO_ORDERED_H
#define TELRISK_IO_ORDERED_H

#include "core/log.h"
#include "io/textbuf.h"

#include <mpi.h>

struct tr_ordered_file {
    MPI_File fh;
    MPI_Offset bytes_before; /* bytes written by earlier rounds (all ranks) */
    int64_t lines_before;    /* lines written by earlier rounds (all ranks) */
};

/* Collective: creates or truncates path. Returns 0, or TR_EXIT_INPUT on every rank with the
 * reason printed by rank 0. */
int tr_ordered_open(const struct tr_ctx *ctx, const char *path, struct tr_ordered_file *f);
void tr_ordered_close(struct tr_ordered_file *f);

/* Collective, before a round's write: for each of n files, the global 0-based index of this
 * rank's first line in this round (lines_before + lines of lower ranks). local_lines[i] is the
 * number of lines this rank will write to file i this round. */
void tr_ordered_first_lines(const struct tr_ctx *ctx, int n, struct tr_ordered_file *const *files,
                            const int64_t *local_lines, int64_t *first_line);

/* Collective: writes buffer i to file i at this rank's offset and advances the files. */
void tr_ordered_write(const struct tr_ctx *ctx, int n, struct tr_ordered_file *const *files,
                      struct tr_textbuf *const *bufs);

#endif
