/* The local sort of a rank's records by (key, time, input order): an LSD radix sort of
 * (key, index) pairs on the 64-bit key, then each key's few records ordered by (time, order) by
 * insertion sort, then the records moved into place along the permutation's cycles (in place:
 * no second copy of the table). Much faster than qsort on 48- to 96-byte records, whose cost is
 * mostly moving them. */
#include "partition/partition.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

struct item {
    uint64_t key;
    uint64_t index;
};

/* Secondary order of one key's records. */
struct minor {
    int64_t t;
    uint64_t order;
    uint32_t tie, index;
};

/* Sorts by key; returns the buffer holding the result (v or the other one, freed here). */
static struct item *radix_by_key(struct item *v, size_t n)
{
    struct item *tmp = TR_MALLOC(sizeof *tmp * (n + 1));
    uint64_t all_or = 0, all_and = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        all_or |= v[i].key, all_and &= v[i].key;
    for (int shift = 0; shift < 64; shift += 8) {
        if ((((all_or ^ all_and) >> shift) & 0xff) == 0) continue; /* every key has this digit */
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((v[i].key >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i].key >> shift) & 0xff]++] = v[i];
        struct item *swap = v;
        v = tmp, tmp = swap;
    }
    free(tmp);
    return v;
}

static int minor_less(const struct minor *a, const struct minor *b)
{
    if (a->t != b->t) return a->t < b->t;
    if (a->order != b->order) return a->order < b->order;
    return a->tie < b->tie;
}

static int cmp_minor(const void *pa, const void *pb)
{
    const struct minor *a = pa, *b = pb;
    return minor_less(a, b) ? -1 : minor_less(b, a);
}

/* Orders v[first..last) (one key) by (t, order, tie), read from the records. */
static void sort_group(const struct tr_array *a, struct item *v, size_t first, size_t last,
                       int t_at, int order_at, int tie_at, struct minor *m)
{
    size_t n = last - first;
    for (size_t k = 0; k < n; k++) {
        const char *rec = tr_array_at(a, v[first + k].index);
        m[k].t = 0;
        if (t_at >= 0) memcpy(&m[k].t, rec + t_at, 8);
        memcpy(&m[k].order, rec + order_at, 8);
        m[k].tie = tie_at >= 0 ? (uint8_t)rec[tie_at] : 0;
        m[k].index = (uint32_t)k;
    }
    if (n > 32) {
        qsort(m, n, sizeof *m, cmp_minor);
    } else {
        for (size_t k = 1; k < n; k++) {
            struct minor x = m[k];
            size_t j = k;
            while (j > 0 && minor_less(&x, &m[j - 1]))
                m[j] = m[j - 1], j--;
            m[j] = x;
        }
    }
    uint64_t idx[64], *keep = n <= 64 ? idx : TR_MALLOC(sizeof(uint64_t) * n);
    for (size_t k = 0; k < n; k++)
        keep[k] = v[first + m[k].index].index;
    for (size_t k = 0; k < n; k++)
        v[first + k].index = keep[k];
    if (keep != idx) free(keep);
}

/* Puts record v[i].index at place i, following the permutation's cycles with one spare record,
 * so no second copy of the table is needed. v[i].index is consumed (set to i). */
static void permute_in_place(struct tr_array *a, struct item *v)
{
    char *spare = TR_MALLOC(a->size);
    for (size_t start = 0; start < a->n; start++) {
        if (v[start].index == start) continue;
        memcpy(spare, tr_array_at(a, start), a->size);
        size_t hole = start;
        for (;;) {
            size_t from = v[hole].index;
            v[hole].index = hole;
            if (from == start) {
                memcpy(tr_array_at(a, hole), spare, a->size);
                break;
            }
            memcpy(tr_array_at(a, hole), tr_array_at(a, from), a->size);
            hole = from;
        }
    }
    free(spare);
}

/* Puts record v[i].index at place i by gathering into a new array: independent loads the
 * processor overlaps, where the cycles of permute_in_place wait on each other, at the cost of a
 * second copy of the table while it runs. */
static void permute_by_gather(struct tr_array *a, const struct item *v)
{
    struct tr_array out;
    tr_array_init(&out, a->size);
    tr_array_reserve(&out, a->n + 1);
    for (size_t i = 0; i < a->n; i++)
        memcpy((char *)out.data + i * a->size, tr_array_at(a, v[i].index), a->size);
    out.n = a->n;
    tr_array_free(a);
    *a = out;
}

/* The sorted order: v[i].index is the record at place i. */
static struct item *sorted_order(const struct tr_array *a, int t_at, int order_at, int tie_at)
{
    const size_t n = a->n;
    struct item *v = TR_MALLOC(sizeof *v * n);
    for (size_t i = 0; i < n; i++) {
        memcpy(&v[i].key, tr_array_at(a, i), 8);
        v[i].index = i;
    }
    v = radix_by_key(v, n);
    size_t cap = 64;
    struct minor *m = TR_MALLOC(sizeof *m * cap);
    for (size_t first = 0; first < n;) {
        size_t last = first + 1;
        while (last < n && v[last].key == v[first].key)
            last++;
        if (last - first > 1) {
            if (last - first > cap) m = TR_REALLOC(m, sizeof *m * (cap = 2 * (last - first)));
            sort_group(a, v, first, last, t_at, order_at, tie_at, m);
        }
        first = last;
    }
    free(m);
    return v;
}

uint64_t *tr_sort_order(const struct tr_array *a, int t_at, int order_at, int tie_at)
{
    if (a->n == 0) return TR_MALLOC(sizeof(uint64_t));
    struct item *v = sorted_order(a, t_at, order_at, tie_at);
    uint64_t *index = (uint64_t *)v; /* index[i] overwrites bytes of v[i / 2], read already */
    for (size_t i = 0; i < a->n; i++)
        index[i] = v[i].index;
    return index;
}

void tr_sort_records(struct tr_array *a, int t_at, int order_at, int tie_at)
{
    if (a->n < 2) return;
    struct item *v = sorted_order(a, t_at, order_at, tie_at);
    permute_in_place(a, v);
    free(v);
}

void tr_sort_records_copying(struct tr_array *a, int t_at, int order_at, int tie_at)
{
    if (a->n < 2) return;
    struct item *v = sorted_order(a, t_at, order_at, tie_at);
    permute_by_gather(a, v);
    free(v);
}
