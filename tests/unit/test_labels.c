/* features/labels: the first loan after the window decides; open or none is unlabelled; the
 * hold-out is a keyed share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/keyhash.h"
#include "features/labels.h"

#include <math.h>
#include <stdio.h>

static struct tr_loan_rec loan(int32_t issued, uint8_t status, uint64_t order)
{
    struct tr_loan_rec l = {0};
    l.issued = issued;
    l.due = issued + 30;
    l.status = status;
    l.order = order;
    return l;
}

static void test_first_loan_after_the_window_decides(void **state)
{
    (void)state;
    const int64_t end = 18292LL * 86400; /* 2020-01-31 00:00 */
    struct tr_loan_rec l[4] = {
        loan(18200, TR_ST_DEFAULT, 1), /* before the window's end: history, not a label */
        loan(18300, TR_ST_REPAID, 5), loan(18295, TR_ST_DEFAULT, 9), /* the first after the end */
        loan(18400, TR_ST_DEFAULT, 2),                               /* beyond a 60-day horizon */
    };
    assert_int_equal(tr_label(l, 4, end, 60), 1);
    assert_int_equal(tr_label(l, 1, end, 60), TR_UNLABELLED);
    assert_int_equal(tr_label(l + 1, 1, end, 60), 0);
    assert_int_equal(tr_label(l + 3, 1, end, 60), TR_UNLABELLED);
    assert_int_equal(tr_label(l + 3, 1, end, 200), 1);
    /* The window's last day belongs to the window; its next day is the first after it. */
    struct tr_loan_rec edge[2] = {loan(18291, TR_ST_DEFAULT, 1), loan(18292, TR_ST_REPAID, 2)};
    assert_int_equal(tr_label(edge, 2, end, 60), 0);
    /* Same day: input order decides. */
    struct tr_loan_rec same[2] = {loan(18295, TR_ST_REPAID, 8), loan(18295, TR_ST_DEFAULT, 3)};
    assert_int_equal(tr_label(same, 2, end, 60), 1);
    struct tr_loan_rec open = loan(18295, TR_ST_OPEN, 1);
    assert_int_equal(tr_label(&open, 1, end, 60), TR_UNLABELLED);
    assert_int_equal(tr_label(NULL, 0, end, 60), TR_UNLABELLED);
}

/* The hold-out draw of an id: its share, the same each time, another with another salt, and
 * nothing of the privacy key in it (it takes none). */
static void test_holdout_share(void **state)
{
    (void)state;
    const int n = 200000;
    int in = 0, in_other_salt = 0, same = 0;
    struct tr_holdout_draw d, other, none, all;
    tr_holdout_draw_init(&d, "telrisk", 0.3);
    tr_holdout_draw_init(&other, "another salt", 0.3);
    tr_holdout_draw_init(&none, "telrisk", 0.0);
    tr_holdout_draw_init(&all, "telrisk", 1.0);
    for (int k = 0; k < n; k++) {
        char id[16];
        const int len = snprintf(id, sizeof id, "2557%08d", k);
        int a = tr_holdout_drawn(&d, id, (size_t)len);
        in += a;
        same += a == tr_holdout_drawn(&d, id, (size_t)len);
        in_other_salt += a == tr_holdout_drawn(&other, id, (size_t)len);
        assert_int_equal(tr_holdout_drawn(&none, id, (size_t)len), 0);
        assert_int_equal(tr_holdout_drawn(&all, id, (size_t)len), 1);
    }
    assert_int_equal(same, n);
    assert_true(fabs(in / (double)n - 0.3) < 5 * sqrt(0.3 * 0.7 / n));
    assert_true(in_other_salt < n * 0.7); /* another salt, another draw */
    assert_true(tr_holdout_check(&d) != tr_holdout_check(&other));
    assert_true(tr_holdout_check(&d) != tr_holdout_check(&none));
}

/* Out of time: a labelled subscriber whose labelling loan was issued on or after the date; the
 * others keep their keyed hold-out draw; with no date (INT64_MAX) nobody is out of time. */
static void test_out_of_time_sample(void **state)
{
    (void)state;
    const int64_t end = 18292LL * 86400;
    struct tr_loan_rec l[2] = {loan(18295, TR_ST_DEFAULT, 1), loan(18320, TR_ST_REPAID, 2)};
    int64_t issued;
    assert_int_equal(tr_label_issued(l, 2, end, 60, &issued), 1);
    assert_int_equal(issued, 18295);
    assert_int_equal(tr_label_issued(l + 1, 1, end, 60, &issued), 0);
    assert_int_equal(issued, 18320);
    for (int drawn = 0; drawn <= 1; drawn++) {
        const int8_t usual = drawn ? TR_HOLDOUT : TR_TRAINING;
        assert_int_equal(tr_sample_of(drawn, 1, 18295, 18300), usual);
        assert_int_equal(tr_sample_of(drawn, 0, 18320, 18300), TR_OUT_OF_TIME);
        assert_int_equal(tr_sample_of(drawn, 0, 18300, 18300), TR_OUT_OF_TIME);
        assert_int_equal(tr_sample_of(drawn, TR_UNLABELLED, INT64_MAX, 18300), usual);
        assert_int_equal(tr_sample_of(drawn, 1, 18320, INT64_MAX), usual);
    }
    assert_int_equal(tr_label_issued(NULL, 0, end, 60, &issued), TR_UNLABELLED);
    assert_true(issued == INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_loan_after_the_window_decides),
        cmocka_unit_test(test_holdout_share),
        cmocka_unit_test(test_out_of_time_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
