#include "partition/exchange.h"

#include "core/error.h"
#include "core/memory.h"

#include <stdlib.h>
#include <string.h>

#define SHUFFLE_ROUND_BYTES ((size_t)256 << 20) /* the ids' all-to-all: sent per rank per round */

void tr_exchange_init(struct tr_exchange *x, const struct tr_partition *owners, int ranks)
{
    memset(x, 0, sizeof *x);
    x->owners = owners;
    x->count = TR_MALLOC(sizeof(int) * 4 * (size_t)ranks);
}

void tr_exchange_free(struct tr_exchange *x)
{
    free(x->send);
    free(x->count);
    memset(x, 0, sizeof *x);
}

static uint64_t key_at(const char *recs, size_t size, size_t i)
{
    uint64_t key;
    memcpy(&key, recs + i * size, sizeof key);
    return key;
}

static void note_received(struct tr_received *got, size_t first, size_t n, int from)
{
    if (!got || n == 0) return;
    if (got->n == got->cap)
        got->run = TR_REALLOC(got->run, sizeof *got->run * (got->cap = 2 * got->cap + 16));
    got->run[got->n++] = (struct tr_received_run){first, n, from};
}

/* Groups the n records by owner into x->send; counts and displacements into x->count. */
static void group_by_owner(struct tr_exchange *x, int P, const char *recs, size_t n, size_t size)
{
    int *sent = x->count, *sent_at = sent + P, *cursor = sent + 2 * P;
    memset(sent, 0, sizeof(int) * (size_t)P);
    for (size_t i = 0; i < n; i++)
        sent[tr_partition_owner(x->owners, key_at(recs, size, i))]++;
    int at = 0;
    for (int q = 0; q < P; q++)
        sent_at[q] = cursor[q] = at, at += sent[q];
    if (n * size > x->send_cap)
        x->send = TR_REALLOC(x->send, x->send_cap = n * size + (n * size) / 4);
    for (size_t i = 0; i < n; i++)
        memcpy(x->send +
                   (size_t)cursor[tr_partition_owner(x->owners, key_at(recs, size, i))]++ * size,
               recs + i * size, size);
}

/* Collective: n records of size bytes to their owners, appended to table. */
static void exchange(const struct tr_ctx *ctx, struct tr_exchange *x, const char *recs, size_t n,
                     size_t size, struct tr_array *table, struct tr_received *got)
{
    const int P = ctx->size;
    group_by_owner(x, P, recs, n, size);
    int *sent = x->count, *sent_at = sent + P, *recv = sent + 2 * P, *recv_at = sent + 3 * P;
    MPI_CHECK(MPI_Alltoall(sent, 1, MPI_INT, recv, 1, MPI_INT, ctx->comm));
    int at = 0;
    for (int q = 0; q < P; q++)
        recv_at[q] = at, at += recv[q];
    tr_array_reserve_touched(table, table->n + (size_t)at + 1);
    MPI_Datatype rec;
    MPI_CHECK(MPI_Type_contiguous((int)size, MPI_BYTE, &rec));
    MPI_CHECK(MPI_Type_commit(&rec));
    MPI_CHECK(MPI_Alltoallv(x->send, sent, sent_at, rec, tr_array_at(table, table->n), recv,
                            recv_at, rec, ctx->comm));
    MPI_CHECK(MPI_Type_free(&rec));
    for (int q = 0; q < P; q++)
        note_received(got, table->n + (size_t)recv_at[q], (size_t)recv[q], q);
    table->n += (size_t)at;
}

void tr_exchange_round(const struct tr_ctx *ctx, struct tr_exchange *x, struct tr_array *staged,
                       struct tr_array *table, struct tr_received *got)
{
    exchange(ctx, x, staged->data, staged->n, staged->size, table, got);
    staged->n = 0;
}

/* Collective: how many records of a this rank will receive, all rounds together (so the table
 * they go to is reserved once, at its size); *stays: whether no rank sends a record elsewhere. */
static size_t records_to_receive(const struct tr_ctx *ctx, const struct tr_partition *p,
                                 const struct tr_array *a, int *stays)
{
    int64_t *count = TR_CALLOC(2 * (size_t)ctx->size, sizeof(int64_t)), *recv = count + ctx->size;
    for (size_t i = 0; i < a->n; i++)
        count[tr_partition_owner(p, key_at(a->data, a->size, i))]++;
    MPI_CHECK(MPI_Alltoall(count, 1, MPI_INT64_T, recv, 1, MPI_INT64_T, ctx->comm));
    size_t total = 0;
    for (int q = 0; q < ctx->size; q++)
        total += (size_t)recv[q];
    *stays = count[ctx->rank] == (int64_t)a->n;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, stays, 1, MPI_INT, MPI_LAND, ctx->comm));
    free(count);
    return total;
}

void tr_partition_shuffle(const struct tr_ctx *ctx, const struct tr_partition *p,
                          struct tr_array *a, size_t round_bytes)
{
    if (ctx->size == 1) return; /* one rank owns everything */
    int64_t mine = (int64_t)(a->n * a->size), most = 0;
    MPI_CHECK(MPI_Allreduce(&mine, &most, 1, MPI_INT64_T, MPI_MAX, ctx->comm));
    const size_t rounds = (size_t)(most / (int64_t)round_bytes) + 1; /* the same on every rank */
    int stays = 0;
    const size_t incoming = records_to_receive(ctx, p, a, &stays);
    /* Every record already at its owner (the read routed them there): the exchange would copy
     * them all, in the order they are. */
    if (stays) return;
    struct tr_exchange x;
    tr_exchange_init(&x, p, ctx->size);
    struct tr_array out;
    tr_array_init(&out, a->size);
    tr_array_reserve(&out, incoming + 1); /* a and out: twice the records */
    for (size_t k = 0; k < rounds; k++) {
        const size_t from = a->n * k / rounds, to = a->n * (k + 1) / rounds;
        exchange(ctx, &x, (const char *)a->data + from * a->size, to - from, a->size, &out, NULL);
        /* Sent: its memory goes to out's next rounds instead of new memory (a and out together
         * peak at one round beyond a, not at twice a). */
        if (a->mapped) tr_big_release_prefix(a->data, to * a->size);
    }
    tr_exchange_free(&x);
    tr_array_free(a);
    *a = out;
}

/* ---- the read's router for one pass ---- */

static int pass_keeps(const void *self, uint64_t key)
{
    const struct tr_pass_router *r = self;
    return tr_pass_contains(&r->pass, key);
}

static void pass_send(void *self, const struct tr_ctx *ctx, struct tr_array *staged,
                      struct tr_array *table, struct tr_received *got)
{
    struct tr_pass_router *r = self;
    tr_exchange_round(ctx, &r->exchange, staged, table, got);
}

void tr_pass_router_init(struct tr_pass_router *r, const struct tr_ctx *ctx,
                         const struct tr_pass *pass)
{
    memset(r, 0, sizeof *r);
    r->pass = pass ? *pass : (struct tr_pass){0, 1, ctx->size};
    tr_partition_pass(&r->pass, &r->owners);
    tr_exchange_init(&r->exchange, &r->owners, ctx->size);
    r->router = (struct tr_router){.self = r,
                                   .keeps = pass ? pass_keeps : NULL,
                                   .send = pass_send,
                                   .later_pass = pass && pass->k > 0};
}

void tr_pass_router_free(struct tr_pass_router *r)
{
    tr_exchange_free(&r->exchange);
    tr_partition_free(&r->owners);
}

/* ---- key collisions ---- */

/* Every (key, fingerprint) pair of the id book. */
static void id_pairs(const struct tr_id_book *ids, struct tr_array *pairs)
{
    tr_array_init(pairs, 2 * sizeof(uint64_t));
    tr_array_reserve(pairs, ids->n_used + 1);
    for (size_t k = 0; k < ids->n_slots; k++) {
        if (!ids->slot[k].fingerprint) continue;
        uint64_t *pair = tr_array_push(pairs);
        pair[0] = ids->slot[k].key;
        pair[1] = ids->slot[k].fingerprint;
    }
    for (size_t k = 0; k < ids->n_extra; k++) {
        uint64_t *pair = tr_array_push(pairs);
        pair[0] = ids->extra[k][0];
        pair[1] = ids->extra[k][1];
    }
}

int64_t tr_key_collisions(const struct tr_ctx *ctx, const struct tr_ingest *in)
{
    if (in->key_collisions >= 0) return in->key_collisions; /* columnar inputs: as converted */
    struct tr_partition p;
    tr_partition_pass(&(struct tr_pass){0, 1, ctx->size}, &p);
    struct tr_array pairs;
    id_pairs(&in->ids, &pairs);
    tr_partition_shuffle(ctx, &p, &pairs, SHUFFLE_ROUND_BYTES);
    tr_sort_keyed(&pairs); /* by (key, fingerprint) */
    int64_t shared = 0;    /* counted at the key's owner only, whatever the ranks saw */
    for (size_t first = 0; first < pairs.n;) { /* one group per key: more than one id? */
        const uint64_t *g = tr_array_at(&pairs, first);
        size_t last = first + 1;
        int several = 0;
        for (; last < pairs.n && ((uint64_t *)tr_array_at(&pairs, last))[0] == g[0]; last++)
            several |= ((uint64_t *)tr_array_at(&pairs, last))[1] != g[1];
        shared += several;
        first = last;
    }
    tr_array_free(&pairs);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &shared, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    tr_partition_free(&p);
    return shared;
}
