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
