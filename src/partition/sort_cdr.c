/* The CDRs' local sort and exact duplicates: most of a run's records, so they get their own
 * cache-aware sort. An in-place MSD pass first puts the records into buckets of a few thousand by
 * key (American flag sort: every record moved once, no second copy of the table); each bucket,
 * small enough for the L2 cache, is then sorted by a composite integer key (the rank of the
 * subscriber's key among the bucket's, then the time) with an LSD radix sort, ties of
 * (key, time) put in (order, outgoing) order, and its records gathered into place. The result is
 * the total order (key, time, order, outgoing), the same whatever order the records came in. */
#include "partition/partition.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define BUCKET_RECORDS  8192 /* aimed-for records per bucket: 320 kB, in the L2 cache */
#define MAX_BUCKET_BITS 20

struct item {
    uint64_t key; /* subscriber rank << time bits | time - first time */
    uint32_t idx; /* record within the bucket */
};

static int bit_width(uint64_t v)
{
    return v ? 64 - __builtin_clzll(v) : 0;
}

#define DIGIT_BITS 8 /* per in-place pass: 256 heads stay in the L1 cache */

/* One in-place pass (American flag sort): r[0..n) ordered by the digit (key - lo) >> shift &
 * (2^bits - 1), every record moved at most once; first[0..2^bits] receives the digits' starts. */
static void flag_pass(struct tr_cdr *r, size_t n, uint64_t lo, int shift, int bits, size_t *first)
{
    const size_t digits = (size_t)1 << bits, mask = digits - 1;
    size_t next[1 << DIGIT_BITS] = {0};
#define DIGIT(x) ((size_t)(((x).self - lo) >> shift) & mask)
    for (size_t i = 0; i < n; i++)
        next[DIGIT(r[i])]++;
    size_t at = 0;
    for (size_t b = 0; b < digits; b++) {
        first[b] = at;
        at += next[b];
        next[b] = first[b];
    }
    first[digits] = n;
    for (size_t b = 0; b < digits; b++) {
        while (next[b] < first[b + 1]) {
            struct tr_cdr x = r[next[b]];
            size_t d = DIGIT(x);
            while (d != b) { /* x goes to its digit's next free place; carry what stood there */
                struct tr_cdr y = r[next[d]];
                r[next[d]++] = x;
                x = y;
                d = DIGIT(x);
            }
            r[next[b]++] = x;
        }
    }
#undef DIGIT
}

/* Records into 2^bits buckets by the top bits of (key - lo) (width bits in all), in place, a few
 * bits per pass; first[0..2^bits] receives the buckets' starts. */
static void flag_sort(struct tr_cdr *r, size_t n, uint64_t lo, int width, int bits, size_t *first)
{
    first[0] = 0, first[1] = n; /* one bucket, before any pass */
    size_t *part = TR_MALLOC(sizeof *part * (((size_t)1 << DIGIT_BITS) + 1));
    for (int done = 0; done < bits;) {
        const int step = bits - done < DIGIT_BITS ? bits - done : DIGIT_BITS;
        const size_t segments = (size_t)1 << done;
        /* Each segment of the last pass splits into 2^step; walk backwards so first[] can be
         * rewritten in place. */
        for (size_t g = segments; g-- > 0;) {
            const size_t a = first[g], b = first[g + 1];
            flag_pass(r + a, b - a, lo, width - done - step, step, part);
            for (size_t d = 0; d <= ((size_t)1 << step); d++)
                first[(g << step) + d] = a + part[d];
        }
        done += step;
    }
    free(part);
}

static int cmp_u64(const void *pa, const void *pb)
{
    const uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* A bucket's distinct keys, sorted, into keys (returns how many), through a small hash set
 * (set: 2 cap slots). */
static size_t distinct_keys(const struct tr_cdr *r, size_t n, uint64_t *keys, uint64_t *set,
                            size_t cap)
{
    size_t slots = 16;
    while (slots < 2 * n && slots < 2 * cap)
        slots *= 2;
    const int bits = bit_width(slots - 1);
    /* Slots hold key + 1, so 0 is free (UINT64_MAX, which would wrap, is kept apart). */
    memset(set, 0, sizeof *set * slots);
    size_t m = 0;
    int has_max = 0;
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t k = r[i].self;
        if (i > 0 && k == last) continue; /* runs of one key are common */
        last = k;
        if (k == UINT64_MAX) {
            if (!has_max) has_max = 1, keys[m++] = k;
            continue;
        }
        size_t h = (size_t)((k * 0x9E3779B97F4A7C15ull) >> (64 - bits));
        while (set[h] != 0 && set[h] != k + 1)
            h = (h + 1) & (slots - 1);
        if (set[h] == 0) set[h] = k + 1, keys[m++] = k;
    }
    if (m <= 32) {
        for (size_t i = 1; i < m; i++) {
            uint64_t x = keys[i];
            size_t j = i;
            while (j > 0 && keys[j - 1] > x)
                keys[j] = keys[j - 1], j--;
            keys[j] = x;
        }
    } else {
        qsort(keys, m, sizeof *keys, cmp_u64);
    }
    return m;
}

static size_t rank_of(const uint64_t *keys, size_t m, uint64_t key)
{
    size_t lo = 0, hi = m;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (keys[mid] <= key)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int tie_less(const struct tr_cdr *a, const struct tr_cdr *b)
{
    return a->order != b->order ? a->order < b->order : a->outgoing < b->outgoing;
}

/* qsort's view of a tie run: items by their records' (order, outgoing). */
static const struct tr_cdr *tie_records;
static int cmp_tie(const void *pa, const void *pb)
{
    const struct tr_cdr *a = &tie_records[((const struct item *)pa)->idx],
                        *b = &tie_records[((const struct item *)pb)->idx];
    return tie_less(a, b) ? -1 : tie_less(b, a);
}

/* The total order (key, time, order, outgoing). */
static int cmp_cdr(const void *pa, const void *pb)
{
    const struct tr_cdr *a = pa, *b = pb;
    if (a->self != b->self) return a->self < b->self ? -1 : 1;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return tie_less(a, b) ? -1 : tie_less(b, a);
}

/* Sorts v[0..n) by key with 11-bit LSD passes over the low `bits` bits (tmp: room for n). */
static struct item *radix(struct item *v, struct item *tmp, size_t n, int bits)
{
    if (n <= 48) { /* insertion: stable as well */
        for (size_t i = 1; i < n; i++) {
            struct item x = v[i];
            size_t j = i;
            while (j > 0 && v[j - 1].key > x.key)
                v[j] = v[j - 1], j--;
            v[j] = x;
        }
        return v;
    }
    for (int shift = 0; shift < bits; shift += 11) {
        size_t count[2049] = {0};
        for (size_t i = 0; i < n; i++)
            count[((v[i].key >> shift) & 2047) + 1]++;
        for (int d = 0; d < 2048; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i].key >> shift) & 2047]++] = v[i];
        struct item *swap = v;
        v = tmp, tmp = swap;
    }
    return v;
}

struct bucket_scratch {
    struct item *items, *tmp;
    uint64_t *keys, *set;
    struct tr_cdr *out;
    size_t cap;
};

static void sort_bucket(struct tr_cdr *r, size_t n, struct bucket_scratch *s)
{
    if (n < 2) return;
    if (n > s->cap) {
        s->cap = 2 * n;
        s->items = TR_REALLOC(s->items, sizeof *s->items * s->cap);
        s->tmp = TR_REALLOC(s->tmp, sizeof *s->tmp * s->cap);
        s->keys = TR_REALLOC(s->keys, sizeof *s->keys * s->cap);
        s->set = TR_REALLOC(s->set, sizeof *s->set * 4 * s->cap);
        s->out = TR_REALLOC(s->out, sizeof *s->out * s->cap);
    }
    const size_t m = distinct_keys(r, n, s->keys, s->set, 2 * s->cap);
    int64_t t0 = r[0].t, t1 = r[0].t;
    for (size_t i = 1; i < n; i++) {
        if (r[i].t < t0) t0 = r[i].t;
        if (r[i].t > t1) t1 = r[i].t;
    }
    const int t_bits = bit_width((uint64_t)(t1 - t0)), key_bits = bit_width(m - 1);
    if (t_bits + key_bits > 64) { /* only for absurd inputs: a comparison sort */
        qsort(r, n, sizeof *r, cmp_cdr);
        return;
    }
    size_t last = SIZE_MAX;
    uint64_t last_key = 0;
    for (size_t i = 0; i < n; i++) {
        if (last == SIZE_MAX || r[i].self != last_key)
            last = rank_of(s->keys, m, r[i].self), last_key = r[i].self;
        s->items[i] =
            (struct item){((uint64_t)last << t_bits) | (uint64_t)(r[i].t - t0), (uint32_t)i};
    }
    struct item *v = radix(s->items, s->tmp, n, t_bits + key_bits);
    for (size_t i = 0; i < n;) { /* runs of one key and time: (order, outgoing) */
        size_t j = i + 1;
        while (j < n && v[j].key == v[i].key)
            j++;
        if (j - i > 64) { /* a bulk sender's thousands of records in one second */
            tie_records = r;
            qsort(v + i, j - i, sizeof *v, cmp_tie);
        } else {
            for (size_t k = i + 1; k < j; k++) {
                struct item x = v[k];
                size_t q = k;
                while (q > i && tie_less(&r[x.idx], &r[v[q - 1].idx]))
                    v[q] = v[q - 1], q--;
                v[q] = x;
            }
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        s->out[i] = r[v[i].idx];
    memcpy(r, s->out, sizeof *r * n);
}

void tr_sort_cdr(struct tr_array *a)
{
    const size_t n = a->n;
    if (n < 2) return;
    struct tr_cdr *r = a->data;
    uint64_t lo = r[0].self, hi = r[0].self;
    for (size_t i = 1; i < n; i++) {
        if (r[i].self < lo) lo = r[i].self;
        if (r[i].self > hi) hi = r[i].self;
    }
    const int width = bit_width(hi - lo);
    int bits = bit_width(n / BUCKET_RECORDS);
    if (bits > MAX_BUCKET_BITS) bits = MAX_BUCKET_BITS;
    if (bits > width) bits = width;
    const size_t buckets = (size_t)1 << bits;
    size_t *first = TR_MALLOC(sizeof *first * (buckets + 1));
    flag_sort(r, n, lo, width, bits, first);
    struct bucket_scratch s = {0};
    for (size_t b = 0; b < buckets; b++)
        sort_bucket(r + first[b], first[b + 1] - first[b], &s);
    free(s.items);
    free(s.tmp);
    free(s.keys);
    free(s.set);
    free(s.out);
    free(first);
}

/* Two records of one key and time are copies of one line when their line hashes and every other
 * field but the order agree. */
static int same_line(const struct tr_cdr *a, const struct tr_cdr *b)
{
    return a->line == b->line && a->other == b->other && a->duration == b->duration &&
           a->antenna_self == b->antenna_self && a->text == b->text &&
           a->international == b->international && a->outgoing == b->outgoing;
}

/* By content (every field but the order), then order. */
static int cmp_content(const void *pa, const void *pb)
{
    const struct tr_cdr *a = *(const struct tr_cdr *const *)pa,
                        *b = *(const struct tr_cdr *const *)pb;
#define BY(f)                                                                                      \
    if (a->f != b->f) return a->f < b->f ? -1 : 1
    BY(line);
    BY(other);
    BY(duration);
    BY(antenna_self);
    BY(text);
    BY(international);
    BY(outgoing);
    BY(order);
#undef BY
    return 0;
}

/* Marks drop[k] for each record of g[0..n) (one key and time, in order) that repeats an earlier
 * one's line: pairwise when few, by sorting when many (a bulk sender's thousands of texts in
 * one second). */
static void mark_copies(const struct tr_cdr *g, size_t n, uint8_t *drop)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i && !drop[i]; j++)
                drop[i] = !drop[j] && same_line(&g[j], &g[i]);
        return;
    }
    const struct tr_cdr **p = TR_MALLOC(sizeof *p * n);
    for (size_t k = 0; k < n; k++)
        p[k] = &g[k];
    qsort(p, n, sizeof *p, cmp_content);
    for (size_t k = 1; k < n; k++)
        drop[p[k] - g] = same_line(p[k - 1], p[k]);
    free(p);
}

int64_t tr_dedupe_cdr(struct tr_array *a, int64_t *per_file)
{
    struct tr_cdr *r = a->data;
    size_t kept = 0, cap = 64;
    uint8_t *drop = TR_MALLOC(cap);
    int64_t dropped = 0;
    for (size_t g0 = 0; g0 < a->n;) {
        size_t g1 = g0 + 1;
        while (g1 < a->n && r[g1].self == r[g0].self && r[g1].t == r[g0].t)
            g1++;
        const size_t n = g1 - g0;
        if (n > cap) drop = TR_REALLOC(drop, cap = 2 * n);
        memset(drop, 0, n);
        if (n > 1) mark_copies(r + g0, n, drop);
        for (size_t i = g0; i < g1; i++) {
            if (drop[i - g0]) { /* the primary (caller's) copy counts, once per line */
                dropped += r[i].outgoing;
                per_file[r[i].order >> 40] += r[i].outgoing;
                continue;
            }
            if (kept != i) r[kept] = r[i];
            kept++;
        }
        g0 = g1;
    }
    free(drop);
    a->n = kept;
    return dropped;
}
