#include "io/ordered.h"

#include "core/error.h"

#include <stdlib.h>

int tr_ordered_open(const struct tr_ctx *ctx, const char *path, struct tr_ordered_file *f)
{
    f->bytes_before = 0;
    f->lines_before = 0;
    /* Unchecked on purpose: an output the user named that cannot be created is an input error
     * (exit 2), reported with its path. */
    int rc =
        MPI_File_open(ctx->comm, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &f->fh);
    if (rc != MPI_SUCCESS) {
        char msg[MPI_MAX_ERROR_STRING];
        int len = 0;
        MPI_CHECK(MPI_Error_string(rc, msg, &len));
        if (ctx->rank == 0) fprintf(ctx->msg, "telrisk: cannot create %s: %s\n", path, msg);
        return TR_EXIT_INPUT;
    }
    MPI_CHECK(MPI_File_set_size(f->fh, 0));
    return TR_EXIT_OK;
}

void tr_ordered_close(struct tr_ordered_file *f)
{
    MPI_CHECK(MPI_File_close(&f->fh));
}

/* Every rank's counts for n files, gathered: all[r * n + i]. */
static int64_t *gather_counts(const struct tr_ctx *ctx, int n, const int64_t *local)
{
    int64_t *all = TR_MALLOC(sizeof(int64_t) * (size_t)n * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(local, n, MPI_INT64_T, all, n, MPI_INT64_T, ctx->comm));
    return all;
}

void tr_ordered_first_lines(const struct tr_ctx *ctx, int n, struct tr_ordered_file *const *files,
                            const int64_t *local_lines, int64_t *first_line)
{
    int64_t *all = gather_counts(ctx, n, local_lines);
    for (int i = 0; i < n; i++) {
        int64_t before = 0;
        for (int r = 0; r < ctx->rank; r++)
            before += all[r * n + i];
        first_line[i] = files[i]->lines_before + before;
    }
    free(all);
}

void tr_ordered_write(const struct tr_ctx *ctx, int n, struct tr_ordered_file *const *files,
                      struct tr_textbuf *const *bufs)
{
    int64_t *local = TR_MALLOC(sizeof(int64_t) * 2 * (size_t)n);
    for (int i = 0; i < n; i++) {
        local[2 * i] = (int64_t)bufs[i]->len;
        local[2 * i + 1] = bufs[i]->lines;
    }
    int64_t *all = gather_counts(ctx, 2 * n, local);
    for (int i = 0; i < n; i++) {
        int64_t before = 0, total = 0, total_lines = 0;
        for (int r = 0; r < ctx->size; r++) {
            if (r < ctx->rank) before += all[r * 2 * n + 2 * i];
            total += all[r * 2 * n + 2 * i];
            total_lines += all[r * 2 * n + 2 * i + 1];
        }
        /* MPI counts are int: write in pieces of at most 1 GiB. */
        const size_t piece = (size_t)1 << 30;
        MPI_Offset at = files[i]->bytes_before + before;
        size_t done = 0;
        do {
            size_t len = bufs[i]->len - done < piece ? bufs[i]->len - done : piece;
            MPI_Status st;
            MPI_CHECK(MPI_File_write_at(files[i]->fh, at + (MPI_Offset)done, bufs[i]->data + done,
                                        (int)len, MPI_CHAR, &st));
            done += len;
        } while (done < bufs[i]->len);
        files[i]->bytes_before += total;
        files[i]->lines_before += total_lines;
    }
    free(all);
    free(local);
}
