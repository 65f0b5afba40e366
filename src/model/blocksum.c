#include "model/blocksum.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static void flush(tr_exact *total, double *partial, size_t m)
{
    for (size_t k = 0; k < m; k++) {
        if (partial[k] != 0) tr_exact_add(&total[k], partial[k]);
        partial[k] = 0;
    }
}

/* Sums rows [from, to) into partial in order, flushing at every block boundary (global index). */
static void sum_rows(size_t from, size_t to, uint64_t first_global, size_t m, tr_row_fn add_row,
                     void *user, double *partial, tr_exact *total)
{
    for (size_t i = from; i < to; i++) {
        add_row(user, i, partial);
        if ((first_global + i + 1) % TR_BLOCK_ROWS == 0) flush(total, partial, m);
    }
}

void tr_block_sum(const struct tr_ctx *ctx, size_t n_local, size_t m, tr_row_fn add_row, void *user,
                  double *out)
{
    uint64_t n = n_local, first = 0;
    MPI_CHECK(MPI_Exscan(&n, &first, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    if (ctx->rank == 0) first = 0;
    tr_exact *total = TR_CALLOC(m + 1, sizeof *total);
    double *partial = TR_CALLOC(m + 1, sizeof *partial); /* [m]: a block is in progress */
    double *carry = TR_CALLOC(m + 1, sizeof *carry);
    /* Rows up to the first block start continue the block the lower rank began. */
    size_t head = (size_t)((TR_BLOCK_ROWS - first % TR_BLOCK_ROWS) % TR_BLOCK_ROWS);
    if (head > n_local) head = n_local;
    const int up = ctx->rank + 1 < ctx->size, down = ctx->rank > 0;
    MPI_Request sent = MPI_REQUEST_NULL;
    if (head < n_local) {
        /* A block starts here: sum from it on, pass the unfinished last block up, then take the
         * lower rank's unfinished block and finish it with the head rows. */
        sum_rows(head, n_local, first, m, add_row, user, partial, total);
        memcpy(carry, partial, sizeof(double) * m);
        carry[m] = (first + n_local) % TR_BLOCK_ROWS != 0;
        memset(partial, 0, sizeof(double) * m);
        if (up)
            MPI_CHECK(MPI_Isend(carry, (int)m + 1, MPI_DOUBLE, ctx->rank + 1, 7, ctx->comm, &sent));
        if (down)
            MPI_CHECK(MPI_Recv(partial, (int)m + 1, MPI_DOUBLE, ctx->rank - 1, 7, ctx->comm,
                               MPI_STATUS_IGNORE));
        sum_rows(0, head, first, m, add_row, user, partial, total);
        if (head > 0 || partial[m] != 0) flush(total, partial, m);
    } else {
        /* All rows inside one block: continue the lower rank's, pass it on. */
        if (down)
            MPI_CHECK(MPI_Recv(partial, (int)m + 1, MPI_DOUBLE, ctx->rank - 1, 7, ctx->comm,
                               MPI_STATUS_IGNORE));
        sum_rows(0, n_local, first, m, add_row, user, partial, total);
        partial[m] = partial[m] || n_local > 0;
        if ((first + n_local) % TR_BLOCK_ROWS == 0 && n_local > 0) partial[m] = 0; /* flushed */
        if (up)
            MPI_CHECK(
                MPI_Isend(partial, (int)m + 1, MPI_DOUBLE, ctx->rank + 1, 7, ctx->comm, &sent));
    }
    MPI_CHECK(MPI_Wait(&sent, MPI_STATUS_IGNORE));
    /* The last rank finishes the country's last, partial block. */
    if (!up && head == n_local && partial[m] != 0)
        flush(total, partial, m);
    else if (!up && head < n_local && carry[m] != 0)
        flush(total, carry, m);
    tr_exact_allreduce(ctx, total, m);
    for (size_t k = 0; k < m; k++)
        out[k] = tr_exact_value(&total[k]);
    free(carry);
    free(partial);
    free(total);
}
