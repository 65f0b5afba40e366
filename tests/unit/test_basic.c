/* features/basic.c: the thirteen basic CDR features of a hand-made subscriber, worked out by
 * hand below, and the edge cases (one record, none, the scratch reused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/basic.h"

#include <math.h>
#include <string.h>

#define DAY0 1577836800 /* 2020-01-01 00:00:00 UTC */

static struct tr_cdr rec(int64_t t, uint64_t other, int call, int32_t duration, int out,
                         int32_t antenna)
{
    struct tr_cdr c;
    memset(&c, 0, sizeof c);
    c.self = 1, c.other = other, c.t = t, c.duration = call ? duration : -1;
    c.text = !call, c.outgoing = (uint32_t)out, c.antenna_self = antenna;
    return c;
}

/* Five records over days 0, 1 and 3:
 *   08:00:00 call out to A, 60 s, antenna 3      (day)
 *   20:00:00 text in from B, antenna 3           (night)
 *   06:59:59 call in from A, 120 s, antenna 5    (night, day 1)
 *   07:00:00 call out to A, 30 s, no antenna     (day: 07:00 is not night)
 *   19:00:00 text out to C, an unknown antenna   (night, day 3)
 * calls 60, 120, 30: mean 70, deviations -10, 50, -40, population variance 4200 / 3 = 1400;
 * contacts A x3, B, C: entropy ln 5 - 3 ln 3 / 5; interevent (last - first) / 4. */
static void fill_five(struct tr_cdr *c)
{
    c[0] = rec(DAY0 + 8 * 3600, 10, 1, 60, 1, 3);
    c[1] = rec(DAY0 + 20 * 3600, 11, 0, 0, 0, 3);
    c[2] = rec(DAY0 + 86400 + 6 * 3600 + 59 * 60 + 59, 10, 1, 120, 0, 5);
    c[3] = rec(DAY0 + 86400 + 7 * 3600, 10, 1, 30, 1, TR_NO_ANTENNA);
    c[4] = rec(DAY0 + 3 * 86400 + 19 * 3600, 12, 0, 0, 1, TR_UNKNOWN_ANTENNA);
}

static void check_five(const double *v)
{
    assert_true(v[TR_BASIC_IN] == 2 && v[TR_BASIC_OUT] == 3);
    assert_true(v[TR_BASIC_CALLS] == 3 && v[TR_BASIC_TEXTS] == 2);
    assert_true(v[TR_BASIC_ACTIVE_DAYS] == 3);
    assert_true(v[TR_BASIC_CONTACTS] == 3);
    assert_true(v[TR_BASIC_DURATION_MEAN] == 70);
    assert_true(fabs(v[TR_BASIC_DURATION_STD] - 37.416573867739413) < 1e-12);
    assert_true(v[TR_BASIC_NOCTURNAL] == 0.6);
    assert_true(v[TR_BASIC_INITIATED] == 0.6);
    assert_true(v[TR_BASIC_ANTENNAS] == 2); /* 3 and 5; none and unknown do not count */
    assert_true(fabs(v[TR_BASIC_ENTROPY] - 0.9502705392332345) < 1e-12);
    assert_true(v[TR_BASIC_INTEREVENT_MEAN] == (3 * 86400 + 19 * 3600 - 8 * 3600) / 4.0);
}

static void test_hand_made(void **state)
{
    (void)state;
    struct tr_cdr c[5];
    fill_five(c);
    struct tr_basic_scratch s;
    tr_basic_scratch_init(&s, 8);
    double v[TR_BASIC_COUNT];
    tr_basic_compute(c, 5, NULL, &s, v);
    check_five(v);

    /* One record: no gap, an entropy of 0, a standard deviation of 0 for one call. */
    tr_basic_compute(c + 2, 1, NULL, &s, v);
    assert_true(v[TR_BASIC_IN] == 1 && v[TR_BASIC_OUT] == 0 && v[TR_BASIC_CONTACTS] == 1);
    assert_true(v[TR_BASIC_DURATION_MEAN] == 120 && v[TR_BASIC_DURATION_STD] == 0);
    assert_true(v[TR_BASIC_ENTROPY] == 0 && v[TR_BASIC_ANTENNAS] == 1);
    assert_true(isnan(v[TR_BASIC_INTEREVENT_MEAN]));
    /* Texts only: no call duration. */
    tr_basic_compute(c + 4, 1, NULL, &s, v);
    assert_true(isnan(v[TR_BASIC_DURATION_MEAN]) && isnan(v[TR_BASIC_DURATION_STD]));
    assert_true(v[TR_BASIC_ANTENNAS] == 0 && v[TR_BASIC_NOCTURNAL] == 1);
    /* No records at all: counts of 0, shares and means undefined. */
    tr_basic_compute(c, 0, NULL, &s, v);
    for (int k = 0; k < TR_BASIC_COUNT; k++) {
        const int count = k == TR_BASIC_IN || k == TR_BASIC_OUT || k == TR_BASIC_CALLS ||
                          k == TR_BASIC_TEXTS || k == TR_BASIC_ACTIVE_DAYS ||
                          k == TR_BASIC_CONTACTS || k == TR_BASIC_ANTENNAS;
        assert_true(count ? v[k] == 0 : isnan(v[k]));
    }
    /* The scratch carries nothing from one subscriber to the next. */
    tr_basic_compute(c, 5, NULL, &s, v);
    check_five(v);
    tr_basic_scratch_free(&s);
}

/* A heavy subscriber (more contacts than the table first holds), then a small one: the contacts
 * and antennas are counted afresh; a contact key of UINT64_MAX counts like any other. */
static void test_many_contacts(void **state)
{
    (void)state;
    enum { N = 5000 };
    static struct tr_cdr c[N];
    for (int k = 0; k < N; k++)
        c[k] = rec(DAY0 + k, (uint64_t)(k % 1000) * 0x9E3779B97F4A7C15ull, 1, k % 7, k & 1, k % 4);
    c[N - 1].other = UINT64_MAX;
    struct tr_basic_scratch s;
    /* Antennas 0-3 here, and 5 in the five records it is reused for below. */
    tr_basic_scratch_init(&s, 6);
    double v[TR_BASIC_COUNT];
    tr_basic_compute(c, N, NULL, &s, v);
    assert_true(v[TR_BASIC_CONTACTS] == 1001); /* 1,000 keys, the last record's UINT64_MAX */
    assert_true(v[TR_BASIC_ANTENNAS] == 4);
    /* 999 contacts x 5 records, one with 4 and UINT64_MAX with 1: N = 5000. */
    const double want = log(5000.0) - (999 * 5 * log(5.0) + 4 * log(4.0)) / 5000;
    assert_true(fabs(v[TR_BASIC_ENTROPY] - want) < 1e-12);
    struct tr_cdr small[5];
    fill_five(small);
    tr_basic_compute(small, 5, NULL, &s, v);
    check_five(v);
    tr_basic_scratch_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_made),
        cmocka_unit_test(test_many_contacts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
