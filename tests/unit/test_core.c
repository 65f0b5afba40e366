/* core/ and io/textbuf: calendar, formatting, keyed random streams, the stages' clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/log.h"
#include "core/rng.h"
#include "core/stage.h"
#include "io/textbuf.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static void test_calendar_known_days(void **state)
{
    (void)state;
    assert_int_equal(tr_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(tr_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(tr_days_from_civil(2020, 1, 1), 18262);
    int y, m, d;
    tr_civil_from_days(18262 + 59, &y, &m, &d); /* 2020 is a leap year */
    assert_int_equal(y, 2020);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    tr_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(tr_iso_weekday(0), 4);     /* 1970-01-01: Thursday */
    assert_int_equal(tr_iso_weekday(18262), 3); /* 2020-01-01: Wednesday */
    assert_int_equal(tr_iso_weekday(18266), 7); /* 2020-01-05: Sunday */
}

static void test_calendar_round_trip(void **state)
{
    (void)state;
    for (int64_t day = -800000; day < 3000000; day += 37) {
        int y, m, d;
        tr_civil_from_days(day, &y, &m, &d);
        assert_int_equal(tr_days_from_civil(y, m, d), day);
    }
}

static void test_parse_date(void **state)
{
    (void)state;
    int64_t days;
    assert_int_equal(tr_parse_date("2020-02-29", &days), 0);
    assert_int_equal(days, 18321);
    assert_int_equal(tr_parse_date("2019-02-29", &days), 1);
    assert_int_equal(tr_parse_date("2020-02-30", &days), 1);
    assert_int_equal(tr_parse_date("2020-13-01", &days), 1);
    assert_int_equal(tr_parse_date("2020-1-01", &days), 1);
    assert_int_equal(tr_parse_date("2020-01-01x", &days), 1);
    assert_int_equal(tr_parse_date("1900-02-29", &days), 1);
    assert_int_equal(tr_parse_date("2000-02-29", &days), 0);
}

static void expect_text(struct tr_textbuf *b, const char *want)
{
    assert_int_equal(b->len, strlen(want));
    assert_memory_equal(b->data, want, b->len);
    tr_textbuf_clear(b);
}

static void test_textbuf_numbers(void **state)
{
    (void)state;
    struct tr_textbuf b;
    tr_textbuf_init(&b, 1); /* forces growth */
    tr_put_u64(&b, 0);
    expect_text(&b, "0");
    tr_put_u64(&b, UINT64_MAX);
    expect_text(&b, "18446744073709551615");
    tr_put_i64(&b, INT64_MIN);
    expect_text(&b, "-9223372036854775808");
    tr_put_u64_width(&b, 42, 5);
    expect_text(&b, "00042");
    tr_put_cents(&b, 123456);
    expect_text(&b, "1234.56");
    tr_put_cents(&b, -5);
    expect_text(&b, "-0.05");
    tr_put_cents(&b, 0);
    expect_text(&b, "0.00");
    tr_put_fixed(&b, 0.125, 2); /* exact in binary: half rounds away from zero */
    expect_text(&b, "0.13");
    tr_put_fixed(&b, -0.375, 2);
    expect_text(&b, "-0.38");
    tr_put_fixed(&b, -0.0001, 2);
    expect_text(&b, "0.00");
    tr_put_fixed(&b, -12.3456, 3);
    expect_text(&b, "-12.346");
    tr_put_fixed(&b, 7, 0);
    expect_text(&b, "7");
    tr_textbuf_free(&b);
}

static void test_textbuf_timestamps(void **state)
{
    (void)state;
    struct tr_textbuf b;
    tr_textbuf_init(&b, 8);
    tr_put_timestamp(&b, 0);
    expect_text(&b, "1970-01-01 00:00:00");
    tr_put_timestamp(&b, 1582934399); /* last second of 2020-02-28 */
    expect_text(&b, "2020-02-28 23:59:59");
    tr_put_timestamp(&b, 1582934400 + 86399);
    expect_text(&b, "2020-02-29 23:59:59");
    tr_put_timestamp(&b, -1);
    expect_text(&b, "1969-12-31 23:59:59");
    tr_put_date(&b, 18262);
    expect_text(&b, "2020-01-01");
    assert_int_equal(b.lines, 0);
    tr_put_eol(&b);
    assert_int_equal(b.lines, 1);
    tr_textbuf_free(&b);
}

/* SplitMix64 seeded with 0 starts 0xe220a8397b1dcdaf (Vigna's reference implementation). */
static void test_mix64_vector(void **state)
{
    (void)state;
    assert_true(tr_mix64(0) == 0xe220a8397b1dcdafULL);
    assert_true(tr_mix64(0x9e3779b97f4a7c15ULL) == 0x6e789e6aa1b965f4ULL);
}

/* xoshiro256** from state {1, 2, 3, 4}: the reference outputs. */
static void test_xoshiro_vector(void **state)
{
    (void)state;
    uint64_t s[4] = {1, 2, 3, 4};
    const uint64_t want[] = {11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL};
    for (int k = 0; k < 4; k++)
        assert_true(tr_xoshiro_next(s) == want[k]);
}

static void test_keyed_streams(void **state)
{
    (void)state;
    gsl_rng *a = tr_rng_alloc(), *b = tr_rng_alloc();
    gsl_rng_set(a, tr_key(42, 1, 7, 0));
    gsl_rng_set(b, tr_key(42, 1, 7, 0));
    for (int k = 0; k < 1000; k++)
        assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_set(b, tr_key(42, 1, 8, 0));
    int same = 0;
    for (int k = 0; k < 1000; k++)
        same += gsl_rng_get(a) == gsl_rng_get(b);
    assert_true(same < 3);
    /* Moments of uniform and normal draws through GSL: 10^6 draws, 5-sigma bounds. */
    double sum = 0, sum2 = 0;
    const int n = 1000000;
    for (int k = 0; k < n; k++) {
        double u = gsl_rng_uniform(a);
        assert_true(u >= 0 && u < 1);
        sum += u;
        double z = gsl_ran_gaussian_ziggurat(b, 1.0);
        sum2 += z * z;
    }
    assert_true(fabs(sum / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
    assert_true(fabs(sum2 / n - 1.0) < 5 * sqrt(2.0 / n));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* core/stage.c's clocks: a clock that ran is reported after the stage it ran in, as a row of its
 * own (its seconds, its records, its unit's name), and set back to zero: the next stage has none;
 * a stage's row and the clock rows keep their order. */
static void test_stage_clocks(void **state)
{
    (void)state;
    FILE *log = fopen("/dev/null", "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, log);
    struct tr_stages s = {0};
    tr_stage_begin(&s);
    tr_clock_add(TR_CLOCK_LEDGER_JOIN, 0.25, 7);
    tr_clock_add(TR_CLOCK_LEDGER_JOIN, 0.5, 3);
    tr_clock_add(TR_CLOCK_LEDGER_WRITE, 0.125, 2);
    tr_stage_end(&ctx, &s, "partition", 100, "records");
    assert_int_equal(s.n, 3);
    assert_string_equal(s.stat[0].name, "partition");
    assert_string_equal(s.stat[1].name, "partition.ledger");
    assert_true(s.stat[1].seconds == 0.75);
    assert_int_equal(s.stat[1].records, 10);
    assert_string_equal(s.stat[2].name, "checkpoint.records.ledger");
    assert_true(s.stat[2].seconds == 0.125);
    tr_stage_begin(&s);
    tr_stage_end(&ctx, &s, "indicators", 100, "records");
    assert_int_equal(s.n, 4); /* the clocks were set back: no row of theirs again */
    assert_string_equal(s.stat[3].name, "indicators");
    fclose(log);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_known_days), cmocka_unit_test(test_calendar_round_trip),
        cmocka_unit_test(test_parse_date),          cmocka_unit_test(test_textbuf_numbers),
        cmocka_unit_test(test_textbuf_timestamps),  cmocka_unit_test(test_mix64_vector),
        cmocka_unit_test(test_xoshiro_vector),      cmocka_unit_test(test_keyed_streams),
        cmocka_unit_test(test_stage_clocks),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
