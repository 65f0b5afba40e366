/* Sums over subscribers that are the same bits at any rank count. Rows (subscribers, in global key
 * order) are cut into fixed blocks of TR_BLOCK_ROWS by their global index; each block is summed
 * in doubles in row order, and the block sums are added exactly (core/exact.h). A block that
 * straddles two ranks is summed in the same order as if one rank held it: the lower rank passes
 * its running sum to the next. So only the cut of rows into blocks, never the cut into ranks,
 * shapes the rounding; and the double sums keep the inner loop fast. */
#ifndef TELRISK_MODEL_BLOCKSUM_H
#define TELRISK_MODEL_BLOCKSUM_H

#include "core/exact.h"
#include "core/log.h"

#include <stddef.h>
#include <stdint.h>

#define TR_BLOCK_ROWS 4096

/* Adds row i's contribution (i: this rank's row index) into acc[0..m). */
typedef void (*tr_row_fn)(void *user, size_t i, double *acc);

/* Collective. n_local rows on this rank; m values per row. out[0..m) receives the totals over all
 * ranks' rows (the same on every rank). */
void tr_block_sum(const struct tr_ctx *ctx, size_t n_local, size_t m, tr_row_fn add_row, void *user,
                  double *out);

#endif
