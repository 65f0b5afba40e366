/* The observation window's bulk rule and filter, and the conflicting subscriber rows: hand-worked
 * cases (records/window.h, partition/conflicts.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/calendar.h"
#include "partition/conflicts.h"
#include "records/window.h"
#include <stdio.h>
#include <string.h>

static struct tr_ctx ctx;

static int64_t day(const char *date)
{
    int64_t d = 0;
    assert_int_equal(tr_parse_date(date, &d), 0);
    return d;
}

/* lines events at noon of date */
static void add(struct tr_day_counts *c, const char *date, int lines)
{
    for (int k = 0; k < lines; k++)
        tr_day_counts_add(c, day(date) * 86400 + 43200);
}

static void decide(struct tr_day_counts *c, struct tr_window *w, const char *const *sets)
{
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    char err[TR_CONFIG_ERR_MAX];
    for (; sets && *sets; sets++)
        assert_int_equal(tr_config_set(&cfg, *sets, err), 0);
    tr_window_decide(&ctx, &cfg, c, w);
}

static void test_bulk_ignores_a_stray_day(void **state)
{
    (void)state;
    struct tr_day_counts c;
    tr_day_counts_init(&c);
    char date[16];
    for (int d = 1; d <= 30; d++) { /* 30 days of 1,000 lines; the last day has 10 (1%) */
        snprintf(date, sizeof date, "2020-01-%02d", d);
        add(&c, date, d == 30 ? 10 : 1000);
    }
    add(&c, "2099-12-31", 9); /* a phone's clock, 9 lines: under 1% of the typical day */
    add(&c, "1970-01-01", 1);
    for (int d = 1; d <= 28; d++) { /* many days of one stray line each */
        snprintf(date, sizeof date, "2031-02-%02d", d);
        add(&c, date, 1);
    }
    struct tr_window w;
    decide(&c, &w, NULL);
    assert_int_equal(w.typical_lines, 1000);
    assert_int_equal(w.min_lines, 10);
    assert_int_equal(w.start, day("2020-01-01") * 86400);
    assert_int_equal(w.end, day("2020-01-31") * 86400); /* the 30th, with exactly 10, is in */
    assert_int_equal(w.days_outside, 30);
    /* share 0: every day with an event is in the bulk */
    decide(&c, &w, (const char *[]){"run.window_min_share=0", NULL});
    assert_int_equal(w.start, 0);
    assert_int_equal(w.end, (day("2099-12-31") + 1) * 86400);
    tr_day_counts_free(&c);
}

static void test_config_window(void **state)
{
    (void)state;
    struct tr_day_counts c;
    tr_day_counts_init(&c);
    add(&c, "2020-01-05", 100);
    struct tr_window w;
    decide(&c, &w,
           (const char *[]){"run.window_start=2020-01-01", "run.window_end=2020-01-31", NULL});
    assert_int_equal(w.start, day("2020-01-01") * 86400);
    assert_int_equal(w.end, day("2020-02-01") * 86400);
    assert_non_null(strstr(w.rule, "from the config"));
    decide(&c, &w, (const char *[]){"run.observation_date=2020-02-01", "run.window_days=7", NULL});
    assert_int_equal(w.start, day("2020-01-25") * 86400);
    assert_int_equal(w.end, day("2020-02-01") * 86400);
    assert_int_equal(w.days_outside, 1); /* the 5th */
    tr_day_counts_free(&c);
}

/* Hash collisions and growth: thousands of distinct days, each counted exactly. */
static void test_day_counts_many_days(void **state)
{
    (void)state;
    struct tr_day_counts c;
    tr_day_counts_init(&c);
    for (int k = 0; k < 5000; k++)
        for (int j = 0; j <= k % 3; j++)
            tr_day_counts_add(&c, (int64_t)(k * 7) * 86400 + j);
    assert_int_equal(c.n, 5000);
    int64_t total = 0;
    for (size_t s = 0; s < c.cap; s++)
        total += c.day[s] == INT64_MIN ? 0 : c.lines[s];
    assert_int_equal(total, 5000 / 3 * 6 + 1 + 2); /* k % 3 + 1 lines each */
    tr_day_counts_free(&c);
}

static void test_filter_rejects_each_line_once(void **state)
{
    (void)state;
    struct tr_array tables[TR_T_COUNT];
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_init(&tables[t], tr_schema_of((enum tr_table_id)t)->record_size);
    const int64_t in = day("2020-01-10") * 86400, out = day("2099-12-31") * 86400;
    tr_cdr_pair(tr_array_push2(&tables[TR_T_CDR]), 1, 2, tr_order(3, 7), out, 60, 0, 0, 1, 0, 0);
    tr_cdr_pair(tr_array_push2(&tables[TR_T_CDR]), 1, 2, tr_order(3, 8), in, 60, 0, 0, 2, 0, 0);
    struct tr_subscriber *s = tr_array_push(&tables[TR_T_SUBSCRIBERS]);
    *s = (struct tr_subscriber){
        .self = 1, .order = tr_order(1, 2), .activation = (int32_t)day("2020-02-01")};
    s = tr_array_push(&tables[TR_T_SUBSCRIBERS]);
    *s = (struct tr_subscriber){
        .self = 2, .order = tr_order(1, 3), .activation = (int32_t)day("2020-01-31")};
    const struct tr_window w = {.start = day("2020-01-01") * 86400,
                                .end = day("2020-02-01") * 86400};
    struct tr_late_rejects late = {0};
    tr_window_filter(&w, tables, &late);
    assert_int_equal(tables[TR_T_CDR].n, 2); /* both copies of line 8 */
    assert_int_equal(tables[TR_T_SUBSCRIBERS].n, 1);
    assert_int_equal(late.n, 2); /* line 7 once (not once per copy), and the activation */
    assert_int_equal(late.row[0].file, 1);
    assert_int_equal(late.row[0].line, 2);
    assert_string_equal(late.row[0].reason, "out_of_window");
    assert_int_equal(late.row[1].file, 3);
    assert_int_equal(late.row[1].line, 7);
    assert_string_equal(late.row[1].excerpt, "2099-12-31 00:00:00 not in 2020-01-01..2020-01-31");
    tr_late_free(&late);
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_free(&tables[t]);
}

/* A subscriber's rows (sorted by key, order): the smallest line hash stays, wherever it is. */
static void test_subscriber_conflicts(void **state)
{
    (void)state;
    for (int swap = 0; swap < 2; swap++) {
        struct tr_array a;
        tr_array_init(&a, sizeof(struct tr_subscriber));
        const uint64_t lines[3] = {swap ? 5u : 9u, 7u, swap ? 9u : 5u};
        for (int k = 0; k < 3; k++)
            *(struct tr_subscriber *)tr_array_push(&a) = (struct tr_subscriber){
                .self = 42, .order = tr_order(1, 2 + k), .line = lines[k], .region = k};
        *(struct tr_subscriber *)tr_array_push(&a) =
            (struct tr_subscriber){.self = 43, .order = tr_order(1, 9), .line = 1};
        struct tr_late_rejects late = {0};
        tr_subscriber_conflicts(&a, &late);
        assert_int_equal(a.n, 2);
        const struct tr_subscriber *kept = tr_array_at(&a, 0);
        assert_int_equal(kept->line, 5);
        assert_int_equal(kept->region, swap ? 0 : 2);
        assert_int_equal(((const struct tr_subscriber *)tr_array_at(&a, 1))->self, 43);
        assert_int_equal(late.n, 2);
        for (size_t k = 0; k < late.n; k++)
            assert_string_equal(late.row[k].reason, "conflicting_duplicate");
        tr_late_free(&late);
        tr_array_free(&a);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    tr_ctx_init(&ctx, MPI_COMM_SELF, stderr);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bulk_ignores_a_stray_day),
        cmocka_unit_test(test_config_window),
        cmocka_unit_test(test_day_counts_many_days),
        cmocka_unit_test(test_filter_rejects_each_line_once),
        cmocka_unit_test(test_subscriber_conflicts),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
