/* partition/: the owner lookup against a brute-force scan, the shuffle on one rank
 * (MPI_COMM_SELF), the sorts' (key, t, order) order, and exact-duplicate removal with its
 * per-file count of primary copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/rng.h"
#include "partition/exchange.h"
#include "partition/partition.h"

#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static struct tr_ctx self_ctx(void)
{
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_SELF, stderr);
    return ctx;
}

/* ------------------------------------------------------------------ owner */

/* The definition: rank r owns upper[r-1] <= k < upper[r]; the last rank everything above. */
static int brute_owner(const struct tr_partition *p, uint64_t key)
{
    for (int r = 0; r < p->n_ranks - 1; r++)
        if (key < p->upper[r]) return r;
    return p->n_ranks - 1;
}

static void check_owner(const struct tr_partition *p, uint64_t key)
{
    int got = tr_partition_owner(p, key), want = brute_owner(p, key);
    if (got != want)
        fail_msg("key %llu over %d ranks: owner %d, want %d", (unsigned long long)key, p->n_ranks,
                 got, want);
}

static void test_owner_hand_made(void **state)
{
    (void)state;
    /* Splitters with a repeat (rank 2 owns nothing) and keys on, below and above each. */
    uint64_t upper[] = {100, 200, 200, 1000, 1ULL << 63, UINT64_MAX};
    struct tr_partition p = {6, upper, 0};
    assert_int_equal(tr_partition_owner(&p, 0), 0);
    assert_int_equal(tr_partition_owner(&p, 99), 0);
    assert_int_equal(tr_partition_owner(&p, 100), 1); /* a key equal to a splitter: the next rank */
    assert_int_equal(tr_partition_owner(&p, 199), 1);
    assert_int_equal(tr_partition_owner(&p, 200), 3);
    assert_int_equal(tr_partition_owner(&p, 999), 3);
    assert_int_equal(tr_partition_owner(&p, 1000), 4);
    assert_int_equal(tr_partition_owner(&p, 1ULL << 63), 5); /* unsigned: the high bit is big */
    assert_int_equal(tr_partition_owner(&p, UINT64_MAX), 5);
    for (int k = 0; k < 6; k++)
        for (int d = -2; d <= 2; d++)
            check_owner(&p, upper[k] + (uint64_t)(int64_t)d);
    /* One rank owns everything. */
    uint64_t one[] = {UINT64_MAX};
    struct tr_partition p1 = {1, one, 0};
    assert_int_equal(tr_partition_owner(&p1, 0), 0);
    assert_int_equal(tr_partition_owner(&p1, UINT64_MAX), 0);
    /* Two ranks. */
    uint64_t two[] = {5, UINT64_MAX};
    struct tr_partition p2 = {2, two, 0};
    assert_int_equal(tr_partition_owner(&p2, 4), 0);
    assert_int_equal(tr_partition_owner(&p2, 5), 1);
}

/* The even cut (a run without passes) finds owners by arithmetic: the same as a search of its
 * bounds, on and around every bound, at 1 to 40 ranks. */
static void test_owner_even(void **state)
{
    (void)state;
    for (int n = 1; n <= 40; n++) {
        struct tr_partition p;
        tr_partition_pass(&(struct tr_pass){0, 1, n}, &p);
        assert_true(p.even);
        for (int k = 0; k < 500; k++)
            check_owner(&p, next());
        for (int r = 0; r < n; r++)
            for (int d = -2; d <= 2; d++)
                check_owner(&p, p.upper[r] + (uint64_t)(int64_t)d);
        check_owner(&p, 0);
        tr_partition_free(&p);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_owner_random(void **state)
{
    (void)state;
    for (int n = 1; n <= 40; n++) {
        uint64_t *upper = malloc(sizeof(uint64_t) * (size_t)n);
        for (int trial = 0; trial < 20; trial++) {
            /* Sorted random splitters; small ones so that repeats and ties happen. */
            for (int r = 0; r < n - 1; r++)
                upper[r] = trial % 2 ? next() : next() % 50;
            qsort(upper, (size_t)(n - 1), sizeof *upper, cmp_u64);
            upper[n - 1] = UINT64_MAX;
            struct tr_partition p = {n, upper, 0};
            for (int k = 0; k < 200; k++)
                check_owner(&p, trial % 2 ? next() : next() % 60);
            for (int r = 0; r < n; r++) {
                check_owner(&p, upper[r]);
                check_owner(&p, upper[r] - 1);
                check_owner(&p, upper[r] + 1);
            }
        }
        free(upper);
    }
}

/* ------------------------------------------------------------------ plan and shuffle */

/* The even cut of the key space a run without passes uses: one pass of one. */
static void even_partition(int ranks, struct tr_partition *p)
{
    tr_partition_pass(&(struct tr_pass){0, 1, ranks}, p);
}

static int cmp_bytes_cdr(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct tr_cdr));
}

static void test_shuffle_one_rank_keeps_all(void **state)
{
    (void)state;
    struct tr_ctx ctx = self_ctx();
    enum { N = 3001 };
    const size_t rounds[] = {1, 48 * 7, 1000, 1u << 30}; /* bytes per round: 1 record to all */
    for (size_t q = 0; q < sizeof rounds / sizeof *rounds; q++) {
        struct tr_array a;
        tr_array_init(&a, sizeof(struct tr_cdr));
        for (int k = 0; k < N; k++) {
            struct tr_cdr *c = tr_array_push(&a);
            memset(c, 0, sizeof *c);
            c->self = next();
            c->other = next();
            c->t = (int64_t)(next() % 100000);
            c->order = tr_order(k % 3, k);
            c->duration = k;
            c->outgoing = (uint32_t)(k & 1);
        }
        struct tr_cdr *before = malloc(sizeof(struct tr_cdr) * N);
        memcpy(before, a.data, sizeof(struct tr_cdr) * N);
        struct tr_partition p;
        even_partition(1, &p);
        tr_partition_shuffle(&ctx, &p, &a, rounds[q]);
        /* Every record kept, byte for byte (the shuffle does not sort: compare as multisets). */
        assert_int_equal(a.n, N);
        assert_int_equal(a.size, sizeof(struct tr_cdr));
        qsort(before, N, sizeof *before, cmp_bytes_cdr);
        qsort(a.data, N, sizeof *before, cmp_bytes_cdr);
        assert_memory_equal(a.data, before, sizeof(struct tr_cdr) * N);
        tr_partition_free(&p);
        tr_array_free(&a);
        free(before);
    }
    /* An empty array stays empty. */
    struct tr_array e;
    tr_array_init(&e, sizeof(struct tr_recharge));
    struct tr_partition p;
    even_partition(1, &p);
    assert_true(p.upper[0] == UINT64_MAX);
    tr_partition_shuffle(&ctx, &p, &e, 1000);
    assert_int_equal(e.n, 0);
    tr_partition_free(&p);
    tr_array_free(&e);
}

/* ------------------------------------------------------------------ sorts */

static struct tr_recharge rch(uint64_t key, int64_t t, uint64_t order, int64_t amount)
{
    return (struct tr_recharge){.self = key, .t = t, .order = order, .line = 0, .amount = amount};
}

static void test_sort_timed_order(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_recharge));
    const struct tr_recharge in[] = {
        rch(1ULL << 63, 5, 1, 0), /* the largest key (unsigned) */
        rch(7, 10, tr_order(1, 5), 1),
        rch(7, 10, tr_order(0, 900), 2), /* same (key, t): by order, file first */
        rch(7, -3, 50, 3),               /* t is signed */
        rch(7, 10, tr_order(0, 20), 4),
        rch(2, 1000, 0, 5),
    };
    for (size_t k = 0; k < 6; k++)
        *(struct tr_recharge *)tr_array_push(&a) = in[k];
    tr_sort_timed(&a);
    const int64_t want_amount[] = {5, 3, 4, 2, 1, 0};
    for (size_t k = 0; k < 6; k++)
        assert_true(((const struct tr_recharge *)tr_array_at(&a, k))->amount == want_amount[k]);
    tr_array_free(&a);
}

/* Many records over few keys and times: sorted means (key, t, order) non-decreasing, and
 * equal (key, t) in input order (order ascending), as a permutation of the input. */
static void test_sort_random_cdr_money(void **state)
{
    (void)state;
    enum { N = 4000 };
    struct tr_array c, m;
    tr_array_init(&c, sizeof(struct tr_cdr));
    tr_array_init(&m, sizeof(struct tr_money));
    int64_t sum_dur = 0, sum_amount = 0;
    for (int k = 0; k < N; k++) {
        uint64_t key = next() % 7 | (k % 2 ? 1ULL << 63 : 0);
        int64_t t = (int64_t)(next() % 5) - 2;
        uint64_t order = tr_order((int)(next() % 3), (int64_t)(next() % 100000));
        struct tr_cdr *x = tr_array_push(&c);
        memset(x, 0, sizeof *x);
        x->self = key, x->t = t, x->order = order, x->duration = k, x->outgoing = (uint8_t)(k % 2);
        sum_dur += k;
        struct tr_money *y = tr_array_push(&m);
        memset(y, 0, sizeof *y);
        y->self = key, y->t = t, y->order = order, y->amount = k, y->outgoing = (uint8_t)(k % 2);
        sum_amount += k;
    }
    tr_sort_cdr(&c);
    tr_sort_money(&m);
    int64_t s1 = 0, s2 = 0;
    for (int k = 0; k < N; k++) {
        const struct tr_cdr *x = tr_array_at(&c, (size_t)k);
        const struct tr_money *y = tr_array_at(&m, (size_t)k);
        s1 += x->duration;
        s2 += y->amount;
        if (k == 0) continue;
        const struct tr_cdr *px = tr_array_at(&c, (size_t)k - 1);
        const struct tr_money *py = tr_array_at(&m, (size_t)k - 1);
        assert_true(px->self < x->self || (px->self == x->self && px->t < x->t) ||
                    (px->self == x->self && px->t == x->t && px->order <= x->order));
        assert_true(py->self < y->self || (py->self == y->self && py->t < y->t) ||
                    (py->self == y->self && py->t == y->t && py->order <= y->order));
    }
    assert_true(s1 == sum_dur && s2 == sum_amount); /* a permutation */
    tr_array_free(&c);
    tr_array_free(&m);
}

/* The reference order for tr_cdr: (key, t, order, outgoing), a total order on these records. */
static int cmp_cdr_ref(const void *pa, const void *pb)
{
    const struct tr_cdr *a = pa, *b = pb;
    if (a->self != b->self) return a->self < b->self ? -1 : 1;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    if (a->order != b->order) return a->order < b->order ? -1 : 1;
    return (a->outgoing > b->outgoing) - (a->outgoing < b->outgoing);
}

/* The sort against qsort with the reference order, over the shapes its implementation cares
 * about: keys differing in one byte (an odd number of digit passes), in several, in none (all
 * equal), with the high bit; groups of one key of 1, 2, 31-33, 64, 65 and hundreds of records
 * (the small-group and large-group paths). */
static void test_sort_cdr_against_reference(void **state)
{
    (void)state;
    const uint64_t key_patterns[][3] = {
        {0xff, 0, 1},       /* mask, shift, base: keys differ in byte 0 only */
        {0xff, 24, 0x1234}, /* byte 3 only */
        {0xffff, 40, 0},    /* bytes 5 and 6 */
        {0, 0, 42},         /* all keys equal */
        {0xff, 56, 7},      /* the top byte: the unsigned order matters */
        {UINT64_MAX, 0, 0}, /* anything */
    };
    const size_t group_sizes[] = {1, 2, 31, 32, 33, 64, 65, 300};
    for (size_t kp = 0; kp < sizeof key_patterns / sizeof *key_patterns; kp++)
        for (size_t gs = 0; gs < sizeof group_sizes / sizeof *group_sizes; gs++) {
            const size_t per_key = group_sizes[gs], n_keys = 5, n = per_key * n_keys;
            struct tr_array a;
            tr_array_init(&a, sizeof(struct tr_cdr));
            uint64_t keyv[5];
            for (size_t q = 0; q < n_keys; q++)
                keyv[q] =
                    key_patterns[kp][2] + ((next() & key_patterns[kp][0]) << key_patterns[kp][1]);
            for (size_t k = 0; k < n; k++) {
                struct tr_cdr *c = tr_array_push(&a);
                memset(c, 0, sizeof *c);
                c->self = keyv[next() % n_keys];
                c->t = (int64_t)(next() % 4) - 1;
                c->order = tr_order((int)(next() % 2), (int64_t)(next() % 50));
                c->outgoing = (uint8_t)(next() & 1);
                c->duration = (int32_t)k; /* tells the records apart */
            }
            struct tr_cdr *want = malloc(sizeof *want * n);
            memcpy(want, a.data, sizeof *want * n);
            qsort(want, n, sizeof *want, cmp_cdr_ref);
            tr_sort_cdr(&a);
            assert_int_equal(a.n, n);
            for (size_t k = 0; k < n; k++) {
                const struct tr_cdr *got = tr_array_at(&a, k);
                /* equal in the sort fields (ties among identical keys are free), and a
                 * permutation: checked below by the durations */
                if (cmp_cdr_ref(got, &want[k]) != 0)
                    fail_msg("keys %zu, group %zu: record %zu out of order", kp, per_key, k);
            }
            char *seen = calloc(n, 1);
            for (size_t k = 0; k < n; k++) {
                int32_t d = ((const struct tr_cdr *)tr_array_at(&a, k))->duration;
                assert_true(d >= 0 && (size_t)d < n && !seen[d]);
                seen[d] = 1;
            }
            free(seen);
            free(want);
            tr_array_free(&a);
        }
}

/* Enough records for the bucket pass (an in-place MSD pass, then a radix sort per bucket): a
 * country-like mix of many subscribers with a few records each, a heavy one with thousands (a
 * bucket far bigger than the rest), keys at both ends of the key space, times over a month and
 * over decades (more time bits), against qsort with the reference order. */
static void test_sort_cdr_buckets(void **state)
{
    (void)state;
    const int64_t spans[] = {30 * 86400, (int64_t)1 << 38};
    for (size_t sp = 0; sp < 2; sp++) {
        enum { N = 60000 };
        struct tr_array a;
        tr_array_init(&a, sizeof(struct tr_cdr));
        uint64_t subscribers[3000];
        for (int k = 0; k < 3000; k++)
            subscribers[k] = next();
        subscribers[0] = 0, subscribers[1] = UINT64_MAX, subscribers[2] = 1ULL << 63;
        for (size_t k = 0; k < N; k++) {
            struct tr_cdr *c = tr_array_push(&a);
            memset(c, 0, sizeof *c);
            c->self = k % 5 == 0 ? subscribers[7] : subscribers[next() % 3000];
            c->t = (int64_t)(next() % (uint64_t)spans[sp]) - 1000;
            if (k % 11 == 0 && k > 0) c->t = ((const struct tr_cdr *)tr_array_at(&a, k - 1))->t;
            c->order = tr_order((int)(next() % 3), (int64_t)(next() % 1000000));
            c->outgoing = (uint32_t)(next() & 1);
            c->duration = (int32_t)k;
        }
        struct tr_cdr *want = malloc(sizeof *want * N);
        memcpy(want, a.data, sizeof *want * N);
        qsort(want, N, sizeof *want, cmp_cdr_ref);
        tr_sort_cdr(&a);
        assert_int_equal(a.n, N);
        for (size_t k = 0; k < N; k++)
            if (cmp_cdr_ref(tr_array_at(&a, k), &want[k]) != 0)
                fail_msg("span %zu: record %zu out of order", sp, k);
        char *seen = calloc(N, 1);
        for (size_t k = 0; k < N; k++) {
            int32_t d = ((const struct tr_cdr *)tr_array_at(&a, k))->duration;
            assert_true(d >= 0 && d < N && !seen[d]);
            seen[d] = 1;
        }
        free(seen);
        free(want);
        tr_array_free(&a);
    }
}

/* A call to oneself is held twice with one order: the receiving copy sorts first, always. */
static void test_sort_cdr_self_call(void **state)
{
    (void)state;
    struct tr_array c;
    tr_array_init(&c, sizeof(struct tr_cdr));
    for (int rep = 0; rep < 2; rep++) {
        struct tr_cdr *x = tr_array_push(&c);
        memset(x, 0, sizeof *x);
        x->self = x->other = 9, x->t = 1, x->order = 77, x->outgoing = (uint8_t)(1 - rep);
    }
    tr_sort_cdr(&c);
    assert_int_equal(((const struct tr_cdr *)tr_array_at(&c, 0))->outgoing, 0);
    assert_int_equal(((const struct tr_cdr *)tr_array_at(&c, 1))->outgoing, 1);
    tr_array_free(&c);
}

static void test_sort_keyed(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_subscriber));
    const uint64_t keys[] = {5, 1ULL << 63, 5, 2, 5};
    const uint64_t orders[] = {30, 1, 10, 99, 20};
    for (int k = 0; k < 5; k++) {
        struct tr_subscriber *s = tr_array_push(&a);
        memset(s, 0, sizeof *s);
        s->self = keys[k], s->order = orders[k], s->region = k;
    }
    tr_sort_keyed(&a);
    const int want_region[] = {3, 2, 4, 0, 1};
    for (int k = 0; k < 5; k++)
        assert_int_equal(((const struct tr_subscriber *)tr_array_at(&a, (size_t)k))->region,
                         want_region[k]);
    tr_array_free(&a);
    /* Loans too: {key, order, ...}. */
    tr_array_init(&a, sizeof(struct tr_loan_rec));
    for (int k = 0; k < 5; k++) {
        struct tr_loan_rec *l = tr_array_push(&a);
        memset(l, 0, sizeof *l);
        l->self = keys[k], l->order = orders[k], l->amount = k;
    }
    tr_sort_keyed(&a);
    for (int k = 0; k < 5; k++)
        assert_true(((const struct tr_loan_rec *)tr_array_at(&a, (size_t)k))->amount ==
                    want_region[k]);
    tr_array_free(&a);
}

/* ------------------------------------------------------------------ dedupe */

/* The hash a record's line would have: lines are equal exactly when their content is, which is
 * what ingest's tr_line_hash gives for the byte-identical lines of an exact duplicate. */
static uint64_t fake_line(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return tr_mix64(tr_mix64(tr_mix64(tr_mix64(a) ^ b) ^ c) ^ d);
}

static void test_dedupe_timed(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_recharge));
    const struct tr_recharge in[] = {
        rch(1, 10, tr_order(0, 100), 500),
        rch(1, 10, tr_order(0, 200), 700), /* same (key, t), different amount: kept */
        rch(1, 10, tr_order(2, 300), 500), /* duplicate of the first, another record between */
        rch(1, 10, tr_order(1, 400), 500), /* and again, from file 1 */
        rch(1, 11, tr_order(0, 500), 500), /* same amount, another t: kept */
        rch(2, 10, tr_order(0, 600), 500), /* another key: kept */
        rch(2, 10, tr_order(3, 700), 500), /* duplicate */
        rch(2, 10, tr_order(3, 800), 700), /* kept */
    };
    /* Shuffled input: the sort brings them together. */
    const int perm[] = {6, 2, 0, 7, 4, 1, 5, 3};
    for (int k = 0; k < 8; k++) {
        struct tr_recharge *r = tr_array_push(&a);
        *r = in[perm[k]];
        r->line = fake_line(r->self, (uint64_t)r->t, (uint64_t)r->amount, 0);
    }
    tr_sort_timed(&a);
    int64_t per_file[4] = {0, 0, 0, 0};
    assert_true(tr_dedupe_timed(&a, per_file) == 3);
    assert_int_equal(a.n, 5);
    /* The first (lowest order) of each group survives. */
    const int64_t want_amount[] = {500, 700, 500, 500, 700};
    const uint64_t want_order[] = {tr_order(0, 100), tr_order(0, 200), tr_order(0, 500),
                                   tr_order(0, 600), tr_order(3, 800)};
    for (int k = 0; k < 5; k++) {
        const struct tr_recharge *r = tr_array_at(&a, (size_t)k);
        assert_true(r->amount == want_amount[k]);
        assert_true(r->order == want_order[k]);
    }
    assert_true(per_file[0] == 0 && per_file[1] == 1 && per_file[2] == 1 && per_file[3] == 1);
    /* Deduping again finds nothing. */
    int64_t again[4] = {0};
    assert_true(tr_dedupe_timed(&a, again) == 0);
    assert_int_equal(a.n, 5);
    tr_array_free(&a);
    /* Sim swaps (24-byte records, nothing but key, t, order): same (key, t) is a duplicate. */
    tr_array_init(&a, sizeof(struct tr_swap));
    for (int k = 0; k < 3; k++)
        *(struct tr_swap *)tr_array_push(&a) =
            (struct tr_swap){4, 8, (uint64_t)k, fake_line(4, 8, 0, 0)};
    *(struct tr_swap *)tr_array_push(&a) = (struct tr_swap){4, 9, 3, fake_line(4, 9, 0, 0)};
    tr_sort_timed(&a);
    int64_t pf[1] = {0};
    assert_true(tr_dedupe_timed(&a, pf) == 2);
    assert_int_equal(a.n, 2);
    assert_true(pf[0] == 2);
    tr_array_free(&a);
}

/* A bulk sender: 3,000 texts in one second, 1,000 distinct lines each written three times
 * (a big group, deduplicated by sorting its line hashes rather than pairwise). */
static void test_dedupe_big_group(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_recharge));
    for (int copy = 0; copy < 3; copy++)
        for (int k = 0; k < 1000; k++) {
            struct tr_recharge *r = tr_array_push(&a);
            *r = rch(42, 7, tr_order(copy, (int64_t)k), k);
            r->line = fake_line(42, 7, (uint64_t)k, 0);
        }
    tr_sort_timed(&a);
    int64_t per_file[3] = {0, 0, 0};
    assert_true(tr_dedupe_timed(&a, per_file) == 2000);
    assert_int_equal(a.n, 1000);
    assert_true(per_file[0] == 0 && per_file[1] == 1000 && per_file[2] == 1000);
    for (size_t k = 0; k < a.n; k++) /* the first copies stay, in input order */
        assert_true(((const struct tr_recharge *)tr_array_at(&a, k))->order ==
                    tr_order(0, (int64_t)k));
    tr_array_free(&a);
}

static struct tr_cdr call(uint64_t self, uint64_t other, int64_t t, uint64_t order, int dur,
                          int outgoing)
{
    struct tr_cdr c;
    memset(&c, 0, sizeof c);
    c.self = self, c.other = other, c.t = t, c.order = order, c.duration = dur;
    c.antenna_self = TR_NO_ANTENNA;
    c.outgoing = (uint32_t)outgoing;
    /* Both parties' copies come from one line: caller, recipient, time, duration. */
    c.line = (outgoing ? fake_line(self, other, (uint64_t)t, (uint64_t)dur)
                       : fake_line(other, self, (uint64_t)t, (uint64_t)dur)) &
             TR_CDR_LINE_MASK;
    return c;
}

static void test_dedupe_cdr_primary_copies(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_cdr));
    /* A call from 1 to 2, its duplicate line in file 2: both parties' copies on this rank. */
    const struct tr_cdr in[] = {
        call(1, 2, 50, tr_order(0, 10), 30, 1),
        call(2, 1, 50, tr_order(0, 10), 30, 0),
        call(1, 2, 50, tr_order(2, 99), 30, 1),
        call(2, 1, 50, tr_order(2, 99), 30, 0),
        /* A different call between them, same (key, t): kept. */
        call(1, 3, 50, tr_order(0, 20), 30, 1),
        /* The same call but 31 s: distinct. */
        call(1, 2, 50, tr_order(1, 5), 31, 1),
        /* A call to oneself: two copies, one order; they differ (outgoing): both kept. */
        call(7, 7, 60, tr_order(0, 40), 5, 1),
        call(7, 7, 60, tr_order(0, 40), 5, 0),
        /* ...and its duplicate line from file 1: both copies dropped, one counted. */
        call(7, 7, 60, tr_order(1, 41), 5, 1),
        call(7, 7, 60, tr_order(1, 41), 5, 0),
    };
    for (size_t k = 0; k < sizeof in / sizeof *in; k++)
        *(struct tr_cdr *)tr_array_push(&a) = in[k];
    tr_sort_cdr(&a);
    int64_t per_file[3] = {0, 0, 0};
    /* Four copies dropped; two of them primary (outgoing): one in file 2, one in file 1. */
    assert_true(tr_dedupe_cdr(&a, per_file) == 2);
    assert_int_equal(a.n, sizeof in / sizeof *in - 4);
    assert_true(per_file[0] == 0 && per_file[1] == 1 && per_file[2] == 1);
    for (size_t k = 0; k < a.n; k++) {
        const struct tr_cdr *c = tr_array_at(&a, k);
        assert_true(c->order >> 40 != 2);                          /* file 2's copies gone */
        assert_false(c->self == 7 && c->order == tr_order(1, 41)); /* file 1's self call */
    }
    tr_array_free(&a);
}

/* A bulk sender: 300 texts in one second, 100 distinct lines each written three times (a big
 * group, deduplicated by sorting by content rather than pairwise); only the caller's copies are
 * counted, the recipients' are dropped too. */
static void test_dedupe_cdr_big_group(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_cdr));
    for (int copy = 0; copy < 3; copy++)
        for (int k = 0; k < 100; k++) {
            *(struct tr_cdr *)tr_array_push(&a) =
                call(42, 1000 + (uint64_t)k, 7, tr_order(copy, k), 0, 1);
            *(struct tr_cdr *)tr_array_push(&a) =
                call(1000 + (uint64_t)k, 42, 7, tr_order(copy, k), 0, 0);
        }
    tr_sort_cdr(&a);
    int64_t per_file[3] = {0, 0, 0};
    assert_true(tr_dedupe_cdr(&a, per_file) == 200);
    assert_int_equal(a.n, 200);
    assert_true(per_file[0] == 0 && per_file[1] == 100 && per_file[2] == 100);
    size_t sender = 0;
    for (size_t k = 0; k < a.n; k++) { /* the first copies stay, in input order */
        const struct tr_cdr *c = tr_array_at(&a, k);
        assert_true(tr_order_file(c->order) == 0);
        if (c->self == 42) assert_true(c->order == tr_order(0, (int64_t)sender++));
    }
    assert_int_equal(sender, 100);
    tr_array_free(&a);
}

static struct tr_money pay(uint64_t self, uint64_t other, int64_t t, uint64_t order, int64_t amount,
                           int outgoing, uint64_t txn)
{
    struct tr_money m;
    memset(&m, 0, sizeof m);
    m.self = self, m.other = other, m.t = t, m.order = order, m.amount = amount;
    m.balance_before = m.balance_after = m.other_before = m.other_after = TR_NO_BALANCE;
    m.txn = txn;
    m.antenna = TR_NO_ANTENNA;
    m.outgoing = (uint8_t)outgoing;
    m.line = outgoing ? fake_line(self, other, (uint64_t)t, (uint64_t)amount ^ txn)
                      : fake_line(other, self, (uint64_t)t, (uint64_t)amount ^ txn);
    return m;
}

static void test_dedupe_money(void **state)
{
    (void)state;
    struct tr_array a;
    tr_array_init(&a, sizeof(struct tr_money));
    const struct tr_money in[] = {
        pay(1, 2, 5, tr_order(0, 1), 100, 1, 11), pay(2, 1, 5, tr_order(0, 1), 100, 0, 11),
        pay(1, 2, 5, tr_order(0, 2), 100, 1, 12), /* another txn_id: a distinct payment */
        pay(1, 2, 5, tr_order(1, 3), 100, 1, 11), pay(2, 1, 5, tr_order(1, 3), 100, 0, 11),
        pay(1, 2, 5, tr_order(1, 4), 100, 1, 11), /* a third copy of the first */
    };
    for (size_t k = 0; k < sizeof in / sizeof *in; k++)
        *(struct tr_money *)tr_array_push(&a) = in[k];
    tr_sort_money(&a);
    int64_t per_file[2] = {0, 0};
    assert_true(tr_dedupe_money(&a, per_file) == 2);
    assert_int_equal(a.n, 3);
    assert_true(per_file[0] == 0 && per_file[1] == 2);
    const struct tr_money *m = tr_array_at(&a, 0);
    assert_true(m->self == 1 && m->order == tr_order(0, 1));
    m = tr_array_at(&a, 1);
    assert_true(m->self == 1 && m->txn == 12);
    m = tr_array_at(&a, 2);
    assert_true(m->self == 2 && m->order == tr_order(0, 1));
    tr_array_free(&a);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_hand_made),
        cmocka_unit_test(test_owner_random),
        cmocka_unit_test(test_owner_even),
        cmocka_unit_test(test_shuffle_one_rank_keeps_all),
        cmocka_unit_test(test_sort_timed_order),
        cmocka_unit_test(test_sort_random_cdr_money),
        cmocka_unit_test(test_sort_cdr_against_reference),
        cmocka_unit_test(test_sort_cdr_self_call),
        cmocka_unit_test(test_sort_cdr_buckets),
        cmocka_unit_test(test_sort_keyed),
        cmocka_unit_test(test_dedupe_timed),
        cmocka_unit_test(test_dedupe_big_group),
        cmocka_unit_test(test_dedupe_cdr_primary_copies),
        cmocka_unit_test(test_dedupe_cdr_big_group),
        cmocka_unit_test(test_dedupe_money),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
