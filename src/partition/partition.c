#include "partition/partition.h"

#include "core/error.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void tr_partition_free(struct tr_partition *p)
{
    free(p->upper);
    p->upper = NULL;
}

/* The slice of P K that holds key: floor(key P K / 2^64). */
static uint64_t slice_of(const struct tr_pass *s, uint64_t key)
{
    return (uint64_t)(((unsigned __int128)key * (uint64_t)(s->P * s->K)) >> 64);
}

int tr_pass_contains(const struct tr_pass *s, uint64_t key)
{
    return (int)(slice_of(s, key) % (uint64_t)s->K) == s->k;
}

void tr_partition_pass(const struct tr_pass *s, struct tr_partition *p)
{
    p->n_ranks = s->P;
    p->even = s->K == 1;
    p->upper = TR_MALLOC(sizeof(uint64_t) * (size_t)s->P);
    const unsigned __int128 slices = (unsigned __int128)(s->P * s->K);
    for (int r = 0; r < s->P; r++) {
        /* The first key past slice r K + k: ceil((r K + k + 1) 2^64 / (P K)). */
        const unsigned __int128 end = (unsigned __int128)(r * s->K + s->k + 1) << 64;
        const unsigned __int128 first_past = (end + slices - 1) / slices;
        p->upper[r] = first_past > UINT64_MAX || r == s->P - 1 ? UINT64_MAX : (uint64_t)first_past;
    }
}

int tr_partition_owner(const struct tr_partition *p, uint64_t key)
{
    if (p->even) /* upper[r] = ceil((r + 1) 2^64 / P): the owner is floor(key P / 2^64) */
        return (int)(((unsigned __int128)key * (uint64_t)p->n_ranks) >> 64);
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
static char *group_by_owner(const struct tr_partition *p, const struct tr_array *a, int64_t *count,
                            int64_t *offset)
{
    int *owner = TR_MALLOC(sizeof(int) * (a->n + 1));
    memset(count, 0, sizeof(int64_t) * (size_t)p->n_ranks);
    for (size_t i = 0; i < a->n; i++)
        count[owner[i] = tr_partition_owner(p, key_of(a, i))]++;
    int64_t at = 0;
    for (int r = 0; r < p->n_ranks; r++)
        offset[r] = at, at += count[r];
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
    int64_t *send_off = send_count + n, *recv_count = send_count + 2 * n,
            *recv_off = send_count + 3 * n;
    char *send = group_by_owner(p, a, send_count, send_off);
    MPI_CHECK(MPI_Alltoall(send_count, 1, MPI_INT64_T, recv_count, 1, MPI_INT64_T, ctx->comm));
    int64_t total_recv = 0, mine = (int64_t)(a->n * a->size), most = 0;
    for (int r = 0; r < n; r++)
        recv_off[r] = total_recv, total_recv += recv_count[r];
    MPI_CHECK(MPI_Allreduce(&mine, &most, 1, MPI_INT64_T, MPI_MAX, ctx->comm));
    int64_t rounds = most / (int64_t)round_bytes + 1;

    const int direct = a->n < (size_t)INT_MAX;
    MPI_Datatype rec;
    MPI_CHECK(MPI_Type_contiguous((int)a->size, MPI_BYTE, &rec));
    MPI_CHECK(MPI_Type_commit(&rec));
    tr_array_free(a);
    tr_array_reserve(a, (size_t)total_recv + 1);
    int *sc = TR_MALLOC(sizeof(int) * 4 * (size_t)n), *sd = sc + n, *rc = sc + 2 * n,
        *rd = sc + 3 * n;
    int64_t placed = 0;
    for (int64_t k = 0; k < rounds; k++) {
        int64_t sent = 0, got = 0;
        for (int r = 0; r < n; r++) {
            int64_t s0 = slice_begin(send_count[r], k, rounds),
                    s1 = slice_begin(send_count[r], k + 1, rounds);
            int64_t r0 = slice_begin(recv_count[r], k, rounds),
                    r1 = slice_begin(recv_count[r], k + 1, rounds);
            sc[r] = (int)(s1 - s0);
            rc[r] = (int)(r1 - r0);
            sd[r] = (int)sent; /* displacements within this round's buffers */
            rd[r] = (int)got;
            sent += s1 - s0;
            got += r1 - r0;
        }
        /* Displacements count records: while this rank's fit in an int, the slices are sent
         * from where they lie; else this round's are packed first (one more copy). */
        char *sbuf = send;
        if (direct) {
            for (int r = 0; r < n; r++)
                sd[r] = (int)(send_off[r] + slice_begin(send_count[r], k, rounds));
        } else {
            sbuf = TR_MALLOC((size_t)sent * a->size + 1);
            for (int r = 0; r < n; r++)
                memcpy(sbuf + (size_t)sd[r] * a->size,
                       send +
                           (size_t)(send_off[r] + slice_begin(send_count[r], k, rounds)) * a->size,
                       (size_t)sc[r] * a->size);
        }
        MPI_CHECK(MPI_Alltoallv(sbuf, sc, sd, rec, tr_array_at(a, (size_t)placed), rc, rd, rec,
                                ctx->comm));
        placed += got;
        if (sbuf != send) free(sbuf);
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

#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y))

struct dup_probe {
    uint64_t line;
    uint8_t role;
    size_t index;
};

static int cmp_probe(const void *pa, const void *pb)
{
    const struct dup_probe *a = pa, *b = pb;
    if (a->line != b->line) return CMP(a->line, b->line);
    if (a->role != b->role) return CMP(a->role, b->role);
    return CMP(a->index, b->index);
}

static uint64_t u64_at(const struct tr_array *a, size_t i, size_t at)
{
    uint64_t v;
    memcpy(&v, (const char *)tr_array_at(a, i) + at, 8);
    return v;
}

static uint8_t role_at(const struct tr_array *a, size_t i, int at)
{
    return at < 0 ? 0 : ((const uint8_t *)tr_array_at(a, i))[at];
}

/* Marks drop[i] for every record of [g0, g1) (one key and time) that repeats an earlier one's
 * line hash and role. Pairwise for small groups, by sorting for big ones (a bulk sender with
 * thousands of texts in one second). */
static void mark_group(const struct tr_array *a, size_t g0, size_t g1, size_t line_at,
                       int role_byte, uint8_t *drop)
{
    const size_t n = g1 - g0;
    if (n <= 16) {
        for (size_t i = g0 + 1; i < g1; i++)
            for (size_t j = g0; j < i && !drop[i]; j++)
                drop[i] = !drop[j] && u64_at(a, j, line_at) == u64_at(a, i, line_at) &&
                          role_at(a, j, role_byte) == role_at(a, i, role_byte);
        return;
    }
    struct dup_probe *p = TR_MALLOC(sizeof *p * n);
    for (size_t k = 0; k < n; k++)
        p[k] =
            (struct dup_probe){u64_at(a, g0 + k, line_at), role_at(a, g0 + k, role_byte), g0 + k};
    qsort(p, n, sizeof *p, cmp_probe);
    for (size_t k = 1; k < n; k++)
        drop[p[k].index] = p[k].line == p[k - 1].line && p[k].role == p[k - 1].role;
    free(p);
}

/* After the sort: drops records whose key, time (t_at < 0: none), line hash and role equal an
 * earlier one's (the first in input order stays); counts the dropped primary copies per file. */
static int64_t dedupe(struct tr_array *a, int t_at, size_t order_at, size_t line_at, int primary_at,
                      int64_t *per_file)
{
    uint8_t *drop = TR_CALLOC(a->n + 1, 1);
    for (size_t g0 = 0; g0 < a->n;) {
        size_t g1 = g0 + 1;
        while (g1 < a->n && u64_at(a, g1, 0) == u64_at(a, g0, 0) &&
               (t_at < 0 || u64_at(a, g1, (size_t)t_at) == u64_at(a, g0, (size_t)t_at)))
            g1++;
        if (g1 - g0 > 1) mark_group(a, g0, g1, line_at, primary_at, drop);
        g0 = g1;
    }
    size_t kept = 0;
    int64_t dropped = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (drop[i]) {
            if (primary_at < 0 || role_at(a, i, primary_at)) {
                per_file[u64_at(a, i, order_at) >> 40]++;
                dropped++;
            }
            continue;
        }
        if (kept != i) memcpy(tr_array_at(a, kept), tr_array_at(a, i), a->size);
        kept++;
    }
    a->n = kept;
    free(drop);
    return dropped;
}

int64_t tr_dedupe_money(struct tr_array *a, int64_t *per_file)
{
    return dedupe(a, offsetof(struct tr_money, t), offsetof(struct tr_money, order),
                  offsetof(struct tr_money, line), (int)offsetof(struct tr_money, outgoing),
                  per_file);
}

int64_t tr_dedupe_timed(struct tr_array *a, int64_t *per_file)
{
    return dedupe(a, offsetof(struct tr_recharge, t), offsetof(struct tr_recharge, order),
                  offsetof(struct tr_recharge, line), -1, per_file);
}

int64_t tr_dedupe_keyed(struct tr_array *a, int64_t *per_file)
{
    return dedupe(a, -1, offsetof(struct tr_subscriber, order),
                  offsetof(struct tr_subscriber, line), -1, per_file);
}
