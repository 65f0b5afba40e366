/* present/: a run summary built by hand (no file, no HDF5) laid out for people: widths with UTF-8
 * names, undefined means, small-cell suppression (the command's privacy.k_min or the run's own,
 * whichever is larger) and the models' rows in people's order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "output/summary.h"
#include "present/inspect.h"
#include "present/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *regions[] = {"North", "Région Île"}; /* 10 characters on screen, 12 bytes */
static char *features[] = {"mm_count_all", "balance_mean", "recharges_sum"};
static double sums[4][3];
static uint64_t defined[4][3];
static struct tr_summary_tally tallies[4];
static struct tr_summary_model models[3] = {
    {.region = -1, .holdout_rows = 30, .auc = 0.75},
    {.region = 0, .own_model = 1, .suppressed = 7}, /* a state this telrisk does not know */
    {.region = 1, .suppressed = 1},
};

/* North 20 subscribers (2 payments each, top-ups undefined), Région Île 3, nobody unknown. */
static struct tr_run_summary summary(void)
{
    const uint64_t subscribers[4] = {20, 3, 0, 23};
    sums[0][0] = 40, defined[0][0] = 20;
    sums[1][0] = 3, defined[1][0] = 3, sums[1][2] = 30, defined[1][2] = 3;
    sums[3][0] = 43, defined[3][0] = 23, sums[3][2] = 30, defined[3][2] = 3;
    for (int r = 0; r < 4; r++)
        tallies[r] = (struct tr_summary_tally){
            .subscribers = subscribers[r], .sum = sums[r], .defined = defined[r]};
    return (struct tr_run_summary){
        .path = "run.h5",
        .parts = TR_SUMMARY_RUN | TR_SUMMARY_MODELS,
        .version = "0.1.0",
        .created = "2020-01-01T00:00:00Z",
        .seed = 7,
        .ranks = 1,
        .n_regions = 2,
        .n_features = 3,
        .regions = regions,
        .features = features,
        .subscribers = 23,
        .tallies = tallies,
        .n_models = 3,
        .models = models,
    };
}

static char printed[8192];

static const char *print(const struct tr_run_summary *s, int64_t k_min)
{
    memset(printed, 0, sizeof printed);
    FILE *out = fmemopen(printed, sizeof printed, "w");
    assert_non_null(out);
    tr_inspect_print(out, s, k_min);
    fclose(out);
    return printed;
}

/* Where what starts in text, -1 when it is not there. */
static long at(const char *text, const char *what)
{
    const char *p = strstr(text, what);
    return p ? (long)(p - text) : -1;
}

static void test_layout(void **state)
{
    (void)state;
    struct tr_run_summary s = summary();
    struct tr_view_column cols[TR_VIEW_GLANCE];
    assert_int_equal(tr_view_glance(&s, cols), 2); /* payments and top-ups; not balance_mean */
    assert_int_equal(cols[1].feature, 2);
    const char *text = print(&s, 1);
    assert_non_null(
        strstr(text, "telrisk      0.1.0, created 2020-01-01T00:00:00Z, seed 7, 1 rank\n"));
    assert_non_null(strstr(text, "\nNorth                20        2.00           -\n"));
    assert_non_null(strstr(text, "\nRégion Île            3        1.00       10.00\n"));
    assert_null(strstr(text, "(unknown)")); /* no one there */
    /* the regions first, then all of them (the file's first row) */
    const long north = at(text, "North         yes  suppressed\n");
    const long ile = at(text, "Région Île     no  suppressed: fewer than privacy.k_min");
    const long all = at(text, "all             -          0        30");
    assert_true(north >= 0 && north < ile && ile < all);
}

/* Région Île's 3 are fewer than 5, and North's 20 would give them away from the national 23. */
static void expect_suppressed(const char *text)
{
    assert_non_null(strstr(
        text, "\nRégion Île            -  suppressed: fewer than privacy.k_min subscribers\n"));
    assert_non_null(
        strstr(text, "\nNorth                 -  suppressed: would give a small row away\n"));
    assert_non_null(strstr(text, "\nnational             23        1.87       10.00\n"));
}

static void test_suppression(void **state)
{
    (void)state;
    struct tr_run_summary s = summary();
    const char *text = print(&s, 5);
    expect_suppressed(text);
    s.k_min = 5; /* the run asked for more than the command does: the run's applies */
    text = print(&s, 1);
    expect_suppressed(text);
    s.parts = TR_SUMMARY_MODELS; /* a file that failed before its subscribers: nothing shown */
    text = print(&s, 1);
    assert_string_equal(text, "");
}

/* A run whose file suppressed nothing (k_min 1): a command asking for k = 200 hides the models
 * of the regions as it hides their tallies; the all-regions row, their total, stays. */
static void test_models_suppressed(void **state)
{
    (void)state;
    struct tr_summary_model rows[3] = {
        {.region = -1,
         .train_rows = 1000,
         .holdout_rows = 300,
         .holdout_defaults = 30,
         .auc = 0.75,
         .auc_lower = 0.7,
         .auc_upper = 0.8},
        {.region = 0,
         .own_model = 1,
         .train_rows = 800,
         .holdout_rows = 250,
         .holdout_defaults = 25,
         .auc = 0.76,
         .auc_lower = 0.71,
         .auc_upper = 0.81},
        {.region = 1,
         .own_model = 1,
         .train_rows = 200,
         .holdout_rows = 50,
         .holdout_defaults = 5,
         .auc = 0.7,
         .auc_lower = NAN,
         .auc_upper = NAN},
    };
    struct tr_run_summary s = summary();
    s.models = rows, s.k_min = 1;
    const char *text = print(&s, 1);
    assert_non_null(strstr(text, "North         yes          0       250        25   0.7600  "
                                 "[0.7100, 0.8100]"));
    assert_non_null(strstr(text, "Région Île    yes          0        50         5   0.7000  "
                                 "              -    0.0000"));
    assert_non_null(strstr(text, "all             -          0       300        30   0.7500  "
                                 "[0.7000, 0.8000]"));
    text = print(&s, 200);
    assert_non_null(strstr(text, "Région Île    yes  suppressed: fewer than privacy.k_min"));
    assert_non_null(strstr(text, "North         yes  suppressed: would give a small row away"));
    assert_non_null(strstr(text, "all             -          0       300        30   0.7500"));
    assert_null(strstr(text, "0.7600"));
    assert_null(strstr(text, "0.7100"));
    int8_t *st = tr_view_model_states(&s, 200);
    assert_int_equal(st[0], 0), assert_int_equal(st[1], 2), assert_int_equal(st[2], 1);
    free(st);
    /* training rows count too: 200 is enough, 201 is not */
    rows[2].holdout_rows = 300, rows[0].holdout_rows = 550;
    st = tr_view_model_states(&s, 201);
    assert_int_equal(st[0], 0), assert_int_equal(st[1], 2), assert_int_equal(st[2], 1);
    free(st);
    /* a row the file hid stays hidden, with the file's reason, whatever k the command asks */
    rows[2].suppressed = 2, rows[2].train_rows = rows[2].holdout_rows = -1;
    st = tr_view_model_states(&s, 1);
    assert_int_equal(st[2], 2), assert_int_equal(st[1], 2), assert_int_equal(st[0], 0);
    free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_suppression),
        cmocka_unit_test(test_models_suppressed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
