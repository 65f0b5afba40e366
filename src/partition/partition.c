#include "partition/partition.h"

#include "core/error.h"
#include "core/rng.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* One record in 64 feeds the sample. */
#define SAMPLE_MASK 63u

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void tr_partition_plan(const struct tr_ctx *ctx, const uint64_t *keys, const uint64_t *orders,
                       size_t n, struct tr_partition *p)
{
    size_t n_mine = 0;
    uint64_t *mine = TR_MALLOC(sizeof(uint64_t) * (n / 32 + 16));
    size_t cap = n / 32 + 16;
    for (size_t k = 0; k < n; k++) {
        if ((tr_mix64(orders[k] ^ keys[k]) & SAMPLE_MASK) != 0) continue;
        if (n_mine == cap) mine = TR_REALLOC(mine, sizeof(uint64_t) * (cap *= 2));
        mine[n_mine++] = keys[k];
    }
    int count = (int)n_mine;
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&count, 1, MPI_INT, counts, 1, MPI_INT, ctx->comm));
    int total = 0;
    for (int r = 0; r < ctx->size; r++) displs[r] = total, total += counts[r];
    uint64_t *all = TR_MALLOC(sizeof(uint64_t) * ((size_t)total + 1));
    MPI_CHECK(MPI_Allgatherv(mine, count, MPI_UINT64_T, all, counts, displs, MPI_UINT64_T, ctx->comm));
    qsort(all, (size_t)total, sizeof *all, cmp_u64);
    p->n_ranks = ctx->size;
    p->upper = TR_MALLOC(sizeof(uint64_t) * (size_t)ctx->size);
    for (int r = 0; r + 1 < ctx->size; r++) {
        /* No sample (a tiny input): cut the key space evenly. */
        p->upper[r] = total ? all[(size_t)total * (size_t)(r + 1) / (size_t)ctx->size]
                            : (UINT64_MAX / (uint64_t)ctx->size) * (uint64_t)(r + 1);
    }
    p->upper[ctx->size - 1] = UINT64_MAX;
    free(all);
    free(displs);
    free(counts);
    free(mine);
}

void tr_partition_free(struct tr_partition *p)
{
    free(p->upper);
    p->upper = NULL;
}

int tr_partition_owner(const struct tr_partition *p, uint64_t key)
{
    int lo = 0, hi = p->n_ranks - 1;
    while (lo < hi) { /* the first rank whose upper bound exceeds the key */
        int mid = (lo + hi) / 2;
        if (key < p->upper[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static uint64_t key_of(const struct tr_array *a, size_t i)
{
    uint64_t k;
    memcpy(&k, tr_array_at(a, i), sizeof k);
    return k;
}

/* Records grouped by destination rank (a counting sort), with per-rank counts and offsets. */
static char *group_by_owner(const struct tr_partition *p, const struct tr_array *a,
                            int64_t *count, int64_t *offset)
{
    int *owner = TR_MALLOC(sizeof(int) * (a->n + 1));
    memset(count, 0, sizeof(int64_t) * (size_t)p->n_ranks);
    for (size_t i = 0; i < a->n; i++) count[owner[i] = tr_partition_owner(p, key_of(a, i))]++;
    int64_t at = 0;
    for (int r = 0; r < p->n_ranks; r++) offset[r] = at, at += count[r];
    char *out = TR_MALLOC(a->n * a->size + 1);
    int64_t *fill = TR_MALLOC(sizeof(int64_t) * (size_t)p->n_ranks);
    memcpy(fill, offset, sizeof(int64_t) * (size_t)p->n_ranks);
    for (size_t i = 0; i < a->n; i++)
        memcpy(out + (size_t)fill[owner[i]]++ * a->size, tr_array_at(a, i), a->size);
    free(fill);
    free(owner);
    return out;
}

/* The slice of n records sent in round k of rounds: [k*n/rounds, (k+1)*n/rounds). */
static int64_t slice_begin(int64_t n, int64_t k, int64_t rounds)
{
    return n * k / rounds;
}

void tr_partition_shuffle(const struct tr_ctx *ctx, const struct tr_partition *p,
                          struct tr_array *a, size_t round_bytes)
{
    const int n = ctx->size;
    if (n == 1) return; /* one rank owns everything */
    int64_t *send_count = TR_MALLOC(sizeof(int64_t) * 4 * (size_t)n);
    int64_t *send_off = send_count + n, *recv_count = send_count + 2 * n, *recv_off = send_count + 3 * n;
    char *send = group_by_owner(p, a, send_count, send_off);
    MPI_CHECK(MPI_Alltoall(send_count, 1, MPI_INT64_T, recv_count, 1, MPI_INT64_T, ctx->comm));
    int64_t total_recv = 0, mine = (int64_t)(a->n * a->size), most = 0;
    for (int r = 0; r < n; r++) recv_off[r] = total_recv, total_recv += recv_count[r];
    MPI_CHECK(MPI_Allreduce(&mine, &most, 1, MPI_INT64_T, MPI_MAX, ctx->comm));
    int64_t rounds = most / (int64_t)round_bytes + 1;

    MPI_Datatype rec;
    MPI_CHECK(MPI_Type_contiguous((int)a->size, MPI_BYTE, &rec));
    MPI_CHECK(MPI_Type_commit(&rec));
    tr_array_free(a);
    tr_array_reserve(a, (size_t)total_recv + 1);
    int *sc = TR_MALLOC(sizeof(int) * 4 * (size_t)n), *sd = sc + n, *rc = sc + 2 * n, *rd = sc + 3 * n;
    int64_t placed = 0;
    for (int64_t k = 0; k < rounds; k++) {
        int64_t sent = 0, got = 0;
        for (int r = 0; r < n; r++) {
            int64_t s0 = slice_begin(send_count[r], k, rounds), s1 = slice_begin(send_count[r], k + 1, rounds);
            int64_t r0 = slice_begin(recv_count[r], k, rounds), r1 = slice_begin(recv_count[r], k + 1, rounds);
            sc[r] = (int)(s1 - s0);
            rc[r] = (int)(r1 - r0);
            sd[r] = (int)sent; /* displacements within this round's buffers */
            rd[r] = (int)got;
            sent += s1 - s0;
            got += r1 - r0;
        }
        /* Pack this round's slices contiguously so displacements fit in an int. */
        char *sbuf = TR_MALLOC((size_t)sent * a->size + 1);
        for (int r = 0; r < n; r++)
            memcpy(sbuf + (size_t)sd[r] * a->size,
                   send + (size_t)(send_off[r] + slice_begin(send_count[r], k, rounds)) * a->size,
                   (size_t)sc[r] * a->size);
        MPI_CHECK(MPI_Alltoallv(sbuf, sc, sd, rec, tr_array_at(a, (size_t)placed), rc, rd, rec,
                                ctx->comm));
        placed += got;
        free(sbuf);
    }
    a->n = (size_t)placed;
    (void)recv_off;
    MPI_CHECK(MPI_Type_free(&rec));
    free(sc);
    free(send);
    free(send_count);
}

/* ---- sorts (partition/sort.c does the work) ---- */

struct timed {
    uint64_t self;
    int64_t t;
    uint64_t order;
};

void tr_sort_cdr(struct tr_array *a)
{
    tr_sort_records(a, offsetof(struct tr_cdr, t), offsetof(struct tr_cdr, order),
                    offsetof(struct tr_cdr, outgoing));
}

void tr_sort_money(struct tr_array *a)
{
    tr_sort_records(a, offsetof(struct tr_money, t), offsetof(struct tr_money, order),
                    offsetof(struct tr_money, outgoing));
}

void tr_sort_timed(struct tr_array *a)
{
    tr_sort_records(a, offsetof(struct timed, t), offsetof(struct timed, order), -1);
}

void tr_sort_keyed(struct tr_array *a)
{
    tr_sort_records(a, -1, 8, -1); /* {key, order, ...} */
}

/* ---- exact duplicates ---- */

/* Whether two records are equal in every byte but the order field at order_at. */
static int same_but_order(const char *x, const char *y, size_t size, size_t order_at)
{
    return memcmp(x, y, order_at) == 0 &&
           memcmp(x + order_at + 8, y + order_at + 8, size - order_at - 8) == 0;
}

/* Keeps the first of each group of equal records among those with the same (key, t) (which
 * the sort made adjacent); counts the dropped primary copies per input file. */
static int64_t dedupe(struct tr_array *a, size_t t_at, size_t order_at, int primary_at,
                      int64_t *per_file)
{
    size_t kept = 0, group = 0; /* group: first kept record with the current (key, t) */
    int64_t dropped = 0;
    for (size_t i = 0; i < a->n; i++) {
        char *rec = tr_array_at(a, i);
        if (kept > group) {
            const char *g = tr_array_at(a, group);
            if (memcmp(g, rec, 8) != 0 || memcmp(g + t_at, rec + t_at, 8) != 0) group = kept;
        }
        int duplicate = 0;
        for (size_t j = group; j < kept && !duplicate; j++)
            duplicate = same_but_order(tr_array_at(a, j), rec, a->size, order_at);
        if (duplicate) {
            uint64_t order;
            memcpy(&order, rec + order_at, 8);
            if (primary_at < 0 || rec[primary_at]) per_file[order >> 40]++, dropped++;
            continue;
        }
        if (kept != i) memcpy(tr_array_at(a, kept), rec, a->size);
        kept++;
    }
    a->n = kept;
    return dropped;
}

int64_t tr_dedupe_cdr(struct tr_array *a, int64_t *per_file)
{
    return dedupe(a, offsetof(struct tr_cdr, t), offsetof(struct tr_cdr, order),
                  (int)offsetof(struct tr_cdr, outgoing), per_file);
}

int64_t tr_dedupe_money(struct tr_array *a, int64_t *per_file)
{
    return dedupe(a, offsetof(struct tr_money, t), offsetof(struct tr_money, order),
                  (int)offsetof(struct tr_money, outgoing), per_file);
}

int64_t tr_dedupe_timed(struct tr_array *a, int64_t *per_file)
{
    return dedupe(a, offsetof(struct timed, t), offsetof(struct timed, order), -1, per_file);
}
