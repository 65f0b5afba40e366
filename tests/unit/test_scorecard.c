/* model/scorecard: points at the base odds, pdo per doubling, grades at their bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/scorecard.h"

#include <math.h>
#include <string.h>

static void test_points(void **state)
{
    (void)state;
    struct tr_scorecard s = {.base_points = 600, .base_odds = 50, .pdo = 20};
    /* Odds 50:1 good to bad is PD 1/51: exactly the base points. */
    assert_true(fabs(tr_score_points(&s, 1.0 / 51) - 600) < 1e-9);
    /* Odds 100:1 (PD 1/101): one doubling, 20 points more; 25:1, 20 fewer. */
    assert_true(fabs(tr_score_points(&s, 1.0 / 101) - 620) < 1e-9);
    assert_true(fabs(tr_score_points(&s, 1.0 / 26) - 580) < 1e-9);
    /* The common textbook value: odds 1:1 (PD 0.5) scores 600 - 20 log2(50) = 487.123. */
    assert_true(fabs(tr_score_points(&s, 0.5) - (600 - 20 * log2(50))) < 1e-9);
    assert_true(isfinite(tr_score_points(&s, 0)) && isfinite(tr_score_points(&s, 1)));
}

static void test_master_scale(void **state)
{
    (void)state;
    struct tr_scorecard s;
    char err[200];
    assert_int_equal(tr_master_scale_parse("0.01,0.05,0.2,1", &s, err, sizeof err), 0);
    assert_int_equal(s.n_grades, 4);
    assert_int_equal(tr_grade(&s, 0.0), 1);
    assert_int_equal(tr_grade(&s, 0.01), 1); /* a bound belongs to its grade */
    assert_int_equal(tr_grade(&s, 0.0100001), 2);
    assert_int_equal(tr_grade(&s, 0.2), 3);
    assert_int_equal(tr_grade(&s, 0.9), 4);
    assert_int_equal(tr_master_scale_parse("0.05,0.01,1", &s, err, sizeof err), 1);
    assert_non_null(strstr(err, "increasing"));
    assert_int_equal(tr_master_scale_parse("0.01,0.5", &s, err, sizeof err), 1);
    assert_non_null(strstr(err, "last bound must be 1"));
    assert_int_equal(tr_master_scale_parse("0.01;1", &s, err, sizeof err), 1);
    assert_int_equal(tr_master_scale_parse("", &s, err, sizeof err), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_points),
        cmocka_unit_test(test_master_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
