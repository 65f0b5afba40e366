#include "records/route.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void tr_route_init(struct tr_route *r, const struct tr_partition *owners, int ranks)
{
    memset(r, 0, sizeof *r);
    r->owners = owners;
    r->count = TR_MALLOC(sizeof(int) * 4 * (size_t)ranks);
}

void tr_route_free(struct tr_route *r)
{
    tr_array_free(&r->staged);
    free(r->send);
    free(r->count);
    free(r->runs);
    memset(r, 0, sizeof *r);
}

void tr_route_stage(struct tr_route *r, size_t record_size)
{
    if (r->staged.size != record_size) {
        tr_array_free(&r->staged);
        tr_array_init(&r->staged, record_size);
    }
    r->staged.n = 0;
}

static uint64_t key_at(const struct tr_array *a, size_t i)
{
    uint64_t key;
    memcpy(&key, tr_array_at(a, i), sizeof key);
    return key;
}

/* Collective: the staged records to their owners, appended to table. */
void tr_route_round(const struct tr_ctx *ctx, struct tr_route *r, struct tr_array *table)
{
    const int P = ctx->size;
    struct tr_array *st = &r->staged;
    const size_t size = st->size;
    int *sent = r->count, *sent_at = sent + P, *got = sent + 2 * P, *got_at = sent + 3 * P;
    memset(sent, 0, sizeof(int) * (size_t)P);
    for (size_t i = 0; i < st->n; i++)
        sent[tr_partition_owner(r->owners, key_at(st, i))]++;
    int at = 0;
    for (int q = 0; q < P; q++)
        sent_at[q] = at, at += sent[q];
    if (st->n * size > r->send_cap)
        r->send = TR_REALLOC(r->send, r->send_cap = st->n * size + (st->n * size) / 4);
    for (int q = 0; q < P; q++)
        got_at[q] = sent_at[q]; /* a cursor per owner, for now */
    for (size_t i = 0; i < st->n; i++)
        memcpy(r->send + (size_t)got_at[tr_partition_owner(r->owners, key_at(st, i))]++ * size,
               tr_array_at(st, i), size);
    MPI_CHECK(MPI_Alltoall(sent, 1, MPI_INT, got, 1, MPI_INT, ctx->comm));
    at = 0;
    for (int q = 0; q < P; q++)
        got_at[q] = at, at += got[q];
    tr_array_reserve_touched(table, table->n + (size_t)at + 1);
    MPI_Datatype rec;
    MPI_CHECK(MPI_Type_contiguous((int)size, MPI_BYTE, &rec));
    MPI_CHECK(MPI_Type_commit(&rec));
    MPI_CHECK(MPI_Alltoallv(r->send, sent, sent_at, rec, tr_array_at(table, table->n), got, got_at,
                            rec, ctx->comm));
    MPI_CHECK(MPI_Type_free(&rec));
    for (int q = 0; q < P; q++) {
        if (got[q] == 0) continue;
        if (r->n_runs == r->cap_runs)
            r->runs = TR_REALLOC(r->runs, sizeof *r->runs * (r->cap_runs = 2 * r->cap_runs + 16));
        r->runs[r->n_runs++] =
            (struct tr_route_run){table->n + (size_t)got_at[q], (size_t)got[q], q};
    }
    table->n += (size_t)at;
    st->n = 0;
}
