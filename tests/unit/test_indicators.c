/* features/indicators.c: the home antenna (night edges, the fallback to all records, ties, empty
 * and unknown antennas, times before 1970), distinct keys and their order, and the scratch that
 * is reused across subscribers. Each fixture's answer is worked out by hand beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/indicators.h"

#include <stdlib.h>
#include <string.h>

#define DAY0 1577836800 /* 2020-01-01 00:00:00 UTC */
#define H    3600

static struct tr_cdr rec(int64_t t, int32_t antenna)
{
    struct tr_cdr c;
    memset(&c, 0, sizeof c);
    c.self = 1, c.other = 2, c.t = t, c.antenna_self = antenna, c.duration = 60;
    return c;
}

static int32_t home(const struct tr_cdr *c, size_t n, struct tr_indicator_scratch *s)
{
    const struct tr_subscriber_records r = {.key = 1, .cdr = c, .n_cdr = n};
    return tr_home_antenna(&r, s);
}

/* Night is 19:00:00 to 07:00:00, both edges in:
 *   07:00:00 antenna 5 (night), 07:00:01 antenna 3 (day), 12:00:00 antenna 3 (day),
 *   18:59:59 antenna 3 (day), 19:00:00 antenna 5 (night), 23:00:00 antenna 3 (night).
 * Night: 5, 5, 3, so home 5. Without the edges (exclusive) night is 3 alone: home 3; with 07:00:01
 * and 18:59:59 taken as night it is 5, 5, 3, 3, 3: home 3. Over all records 3 wins 4 to 2. */
static void test_night_edges(void **state)
{
    (void)state;
    struct tr_cdr c[6] = {rec(DAY0 + 7 * H, 5),  rec(DAY0 + 7 * H + 1, 3),
                          rec(DAY0 + 12 * H, 3), rec(DAY0 + 19 * H - 1, 3),
                          rec(DAY0 + 19 * H, 5), rec(DAY0 + 23 * H, 3)};
    struct tr_indicator_scratch s = {0};
    assert_int_equal(home(c, 6, &s), 5);
    /* Midnight is night: 00:00:00 antenna 8 against a day record at 12:00 antenna 9, twice. */
    struct tr_cdr m[3] = {rec(DAY0 + 86400, 8), rec(DAY0 + 86400 + 12 * H, 9),
                          rec(DAY0 + 86400 + 12 * H + 5, 9)};
    assert_int_equal(home(m, 3, &s), 8);
    tr_indicator_scratch_free(&s);
}

/* Times before 1970 are negative: 23:00 on 1969-12-31 (t = -3600) is night, its noon (t = -43200)
 * is not. Records: -43200 antenna 8, -43200 + 60 antenna 8, -3600 antenna 7: night 7 alone, home
 * 7 (a truncating remainder would put both noons at night too, and 8 would win 2 to 1). */
static void test_before_1970(void **state)
{
    (void)state;
    struct tr_cdr c[3] = {rec(-43200, 8), rec(-43200 + 60, 8), rec(-3600, 7)};
    struct tr_indicator_scratch s = {0};
    assert_int_equal(home(c, 3, &s), 7);
    tr_indicator_scratch_free(&s);
}

/* Ties go to the smallest antenna index, not to the first seen: night records at antennas 6, 2,
 * 6, 2 (20:00, 21:00, 22:00, 23:00) give 2. Three-way: 9, 4, 7 give 4. */
static void test_ties(void **state)
{
    (void)state;
    struct tr_cdr c[4] = {rec(DAY0 + 20 * H, 6), rec(DAY0 + 21 * H, 2), rec(DAY0 + 22 * H, 6),
                          rec(DAY0 + 23 * H, 2)};
    struct tr_indicator_scratch s = {0};
    assert_int_equal(home(c, 4, &s), 2);
    struct tr_cdr t[3] = {rec(DAY0 + 1 * H, 9), rec(DAY0 + 2 * H, 4), rec(DAY0 + 3 * H, 7)};
    assert_int_equal(home(t, 3, &s), 4);
    /* The records are the caller's: their order is left as it was. */
    assert_int_equal(t[0].antenna_self, 9);
    assert_int_equal(t[1].antenna_self, 4);
    tr_indicator_scratch_free(&s);
}

/* Only known antennas count (index >= 0): at night three records without antenna and three
 * with an unknown one, one at antenna 11; by day antenna 4 twice. Home 11. Without any known
 * antenna at night, all records decide: night records without antenna, by day 4, 4, 9: home 4.
 * Antenna 0 is an antenna: one day record there gives 0. No known antenna at all, or no records:
 * -1. */
static void test_unknown_antennas_and_fallback(void **state)
{
    (void)state;
    struct tr_cdr c[9] = {rec(DAY0 + 1 * H, TR_NO_ANTENNA),
                          rec(DAY0 + 2 * H, TR_NO_ANTENNA),
                          rec(DAY0 + 3 * H, TR_NO_ANTENNA),
                          rec(DAY0 + 4 * H, TR_UNKNOWN_ANTENNA),
                          rec(DAY0 + 5 * H, TR_UNKNOWN_ANTENNA),
                          rec(DAY0 + 6 * H, TR_UNKNOWN_ANTENNA),
                          rec(DAY0 + 6 * H + 30, 11),
                          rec(DAY0 + 10 * H, 4),
                          rec(DAY0 + 11 * H, 4)};
    struct tr_indicator_scratch s = {0};
    assert_int_equal(home(c, 9, &s), 11);
    c[6] = rec(DAY0 + 8 * H, 9); /* no known antenna left at night; by day 9, 4, 4 */
    assert_int_equal(home(c, 9, &s), 4);
    struct tr_cdr zero = rec(DAY0 + 12 * H, 0);
    assert_int_equal(home(&zero, 1, &s), 0);
    assert_int_equal(home(c, 5, &s), -1); /* c[0..4]: none and unknown only */
    assert_int_equal(home(NULL, 0, &s), -1);
    tr_indicator_scratch_free(&s);
}

/* The scratch grows to any subscriber and is reused: a large subscriber (300 night records, 200 at
 * antenna 42, 100 at 41), then a small one (night 3, 3, 1) whose answer must not see the large
 * one's leftovers; reserve never shrinks, free empties it. */
static void test_scratch_reuse(void **state)
{
    (void)state;
    struct tr_indicator_scratch s = {0};
    tr_indicator_scratch_reserve(&s, 0);
    struct tr_cdr *big = malloc(300 * sizeof *big);
    for (int k = 0; k < 300; k++)
        big[k] = rec(DAY0 + 20 * H + k, k % 3 ? 42 : 41);
    assert_int_equal(home(big, 300, &s), 42);
    assert_true(s.cap >= 301 && s.keys && s.antennas);
    const size_t cap = s.cap;
    struct tr_cdr small[3] = {rec(DAY0 + 22 * H, 3), rec(DAY0 + 23 * H, 3), rec(DAY0 + 86400, 1)};
    assert_int_equal(home(small, 3, &s), 3);
    tr_indicator_scratch_reserve(&s, 10);
    assert_int_equal(s.cap, cap);
    for (size_t k = 0; k < cap; k++) /* all of it is there (ASan/valgrind would say otherwise) */
        s.keys[k] = k, s.antennas[k] = (int32_t)k;
    tr_indicator_scratch_free(&s);
    assert_null(s.keys);
    assert_null(s.antennas);
    assert_int_equal(s.cap, 0);
    free(big);
}

/* Distinct values, sorted, at the front; the whole uint64 range compares as unsigned. */
static void test_distinct(void **state)
{
    (void)state;
    uint64_t v[8] = {5, 3, UINT64_MAX, 5, 0, UINT64_C(1) << 63, 3, 3};
    assert_int_equal(tr_distinct_u64(v, 8), 5);
    const uint64_t want[5] = {0, 3, 5, UINT64_C(1) << 63, UINT64_MAX};
    assert_memory_equal(v, want, sizeof want);
    uint64_t same[4] = {7, 7, 7, 7};
    assert_int_equal(tr_distinct_u64(same, 4), 1);
    assert_true(same[0] == 7);
    uint64_t one[1] = {9};
    assert_int_equal(tr_distinct_u64(one, 1), 1);
    assert_int_equal(tr_distinct_u64(one, 0), 0);
    const uint64_t a = 1, b = UINT64_MAX, c = UINT64_C(1) << 63;
    assert_int_equal(tr_cmp_u64(&a, &b), -1);
    assert_int_equal(tr_cmp_u64(&b, &a), 1);
    assert_int_equal(tr_cmp_u64(&c, &a), 1); /* not a signed comparison */
    assert_int_equal(tr_cmp_u64(&b, &b), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_night_edges),   cmocka_unit_test(test_before_1970),
        cmocka_unit_test(test_ties),          cmocka_unit_test(test_unknown_antennas_and_fallback),
        cmocka_unit_test(test_scratch_reuse), cmocka_unit_test(test_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
