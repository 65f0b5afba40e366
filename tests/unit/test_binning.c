/* model/binning and model/psi: quantile pre-bins, monotonic merging, WoE and IV against numbers
 * worked out by hand (the comments show the arithmetic); PSI against a hand-computed case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/binning.h"
#include "crosscheck/drift.h"
#include "model/validate.h"

#include <math.h>
#include <string.h>

static void test_prebins_cut_at_quantiles_without_duplicates(void **state)
{
    (void)state;
    double lower[TR_MAX_BINS];
    /* 1..10 in 5 pre-bins: cuts at the values of rank 2, 4, 6, 8 (0-based) = 3, 5, 7, 9. */
    double ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, NAN};
    assert_int_equal(tr_prebins(ten, 11, 5, lower), 5);
    assert_true(isinf(lower[0]) && lower[0] < 0);
    assert_true(lower[1] == 3 && lower[2] == 5 && lower[3] == 7 && lower[4] == 9);
    /* Mostly zeros: cuts at 0 would leave an empty first bin, repeated cuts are dropped. */
    double zeros[] = {0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
    assert_int_equal(tr_prebins(zeros, 10, 5, lower), 3);
    assert_true(lower[1] == 1 && lower[2] == 3);
    /* Nothing but missing values: one bin. */
    double none[] = {NAN, NAN};
    assert_int_equal(tr_prebins(none, 2, 5, lower), 1);
}

static void test_bin_of(void **state)
{
    (void)state;
    struct tr_bins b = {.n_numeric = 3, .lower = {-INFINITY, 1, 3}};
    assert_int_equal(tr_bin_of(&b, -5), 0);
    assert_int_equal(tr_bin_of(&b, 0.999), 0);
    assert_int_equal(tr_bin_of(&b, 1), 1); /* lower bounds are inclusive */
    assert_int_equal(tr_bin_of(&b, 2.5), 1);
    assert_int_equal(tr_bin_of(&b, 3), 2);
    assert_int_equal(tr_bin_of(&b, 1e300), 2);
    assert_int_equal(tr_bin_of(&b, NAN), 3); /* the missing bin */
}

/* Pre-bins (count, defaults): 100/30, 100/20, 100/25, 100/10, 10/0; missing 0.
 * Falling: 20% then 25% violates, pooled to 200/45 (22.5%); the last bin, 10 rows, is under 5%
 * of 410 and joins its neighbour: 110/10. Rising would pool everything into one bin (IV 0), so
 * auto picks falling. Repaid 325, defaults 85:
 *   WoE = ln((n - d + 0.5) / 325.5) - ln((d + 0.5) / 85.5) = -0.498960, -0.107913, 0.921936
 *   IV = sum (good share - bad share) * WoE = 0.247229. */
static struct tr_bins example(void)
{
    struct tr_bins b;
    memset(&b, 0, sizeof b);
    b.n_numeric = 5;
    const double lower[] = {-INFINITY, 1, 2, 3, 4};
    const int64_t count[] = {100, 100, 100, 100, 10, 0}, defaults[] = {30, 20, 25, 10, 0, 0};
    memcpy(b.lower, lower, sizeof lower);
    memcpy(b.count, count, sizeof count);
    memcpy(b.defaults, defaults, sizeof defaults);
    memcpy(b.population, count, sizeof count);
    return b;
}

static void test_merge_to_a_monotonic_trend(void **state)
{
    (void)state;
    struct tr_bins b = example();
    tr_bins_merge(&b, 0.05, 0);
    assert_int_equal(b.n_numeric, 3);
    assert_int_equal(b.trend, -1);
    assert_true(b.lower[1] == 1 && b.lower[2] == 3);
    assert_true(b.count[0] == 100 && b.count[1] == 200 && b.count[2] == 110 && b.count[3] == 0);
    assert_true(b.defaults[0] == 30 && b.defaults[1] == 45 && b.defaults[2] == 10);
    assert_true(b.population[1] == 200 && b.population[2] == 110);
    assert_true(fabs(b.woe[0] - -0.49896005950105216) < 1e-12);
    assert_true(fabs(b.woe[1] - -0.10791268004352539) < 1e-12);
    assert_true(fabs(b.woe[2] - 0.9219363846297433) < 1e-12);
    assert_true(b.woe[3] == 0); /* no missing values: neutral */
    assert_true(fabs(b.iv - 0.2472292822658426) < 1e-12);
}

static void test_forced_trend_and_missing_bin(void **state)
{
    (void)state;
    struct tr_bins b = example();
    b.count[5] = 20, b.defaults[5] = 10, b.population[5] = 20; /* the missing bin follows */
    tr_bins_merge(&b, 0.05, +1); /* rising forced: everything pools into one numeric bin */
    assert_int_equal(b.n_numeric, 1);
    assert_int_equal(b.trend, 0);
    assert_true(b.count[0] == 410 && b.defaults[0] == 85);
    assert_true(b.count[1] == 20 && b.defaults[1] == 10 && b.population[1] == 20);
    assert_true(b.woe[1] == tr_woe(20, 10, 430, 95));
}

static void test_psi(void **state)
{
    (void)state;
    /* (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.274653 */
    const int64_t ref[] = {50, 50}, now[] = {25, 75};
    assert_true(fabs(tr_psi(ref, now, 2) - 0.2746530721670274) < 1e-12);
    assert_string_equal(tr_psi_band(tr_psi(ref, now, 2)), "significant");
    assert_true(tr_psi(ref, ref, 2) == 0);
    assert_string_equal(tr_psi_band(0.05), "stable");
    assert_string_equal(tr_psi_band(0.2), "moderate");
    /* An empty bin is floored, not infinite. */
    const int64_t empty[] = {100, 0};
    assert_true(isfinite(tr_psi(ref, empty, 2)));
}

static void test_hosmer_lemeshow(void **state)
{
    (void)state;
    /* Ten rows at PD 0.5, outcomes 1,0,1,0,...: deciles of one row each, each term
     * (O - 0.5)^2 / (0.5 (1 - 0.5)) = 1, so HL = 10 and p = P(chi2_8 > 10) = 0.265025915297 (R). */
    double p[10], y[10];
    for (int i = 0; i < 10; i++)
        p[i] = 0.5, y[i] = (i % 2 == 0);
    struct tr_calibration c;
    tr_calibration(p, y, 10, &c);
    assert_int_equal(c.groups, 10);
    assert_true(fabs(c.hl_stat - 10) < 1e-12);
    assert_true(fabs(c.hl_p - 0.265025915297) < 1e-11);
    for (int g = 0; g < 10; g++)
        assert_true(c.n[g] == 1 && c.mean_pd[g] == 0.5);
    tr_calibration(p, y, 9, &c); /* fewer rows than deciles: none */
    assert_int_equal(c.groups, 0);
    assert_true(isnan(c.hl_p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prebins_cut_at_quantiles_without_duplicates),
        cmocka_unit_test(test_bin_of),
        cmocka_unit_test(test_merge_to_a_monotonic_trend),
        cmocka_unit_test(test_forced_trend_and_missing_bin),
        cmocka_unit_test(test_psi),
        cmocka_unit_test(test_hosmer_lemeshow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
