/* model/metrics: hand-computed cases, ties, and agreement with a brute-force pair count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/rng.h"
#include "model/metrics.h"

#include <math.h>
#include <stdlib.h>

static void test_hand_computed(void **state)
{
    (void)state;
    /* Scores 0.1 0.4 0.35 0.8 for outcomes 0 0 1 1: pairs (pos, neg) won: 0.35>0.1, 0.8>0.1,
     * 0.8>0.4 -> 3 of 4, AUC 0.75 (the classic sklearn example). */
    const double p[] = {0.1, 0.4, 0.35, 0.8}, y[] = {0, 0, 1, 1};
    struct tr_metrics m;
    assert_int_equal(tr_metrics(p, y, 4, &m), 0);
    assert_true(fabs(m.auc - 0.75) < 1e-15);
    assert_true(fabs(m.gini - 0.5) < 1e-15);
    /* Brier: (0.01 + 0.16 + 0.4225 + 0.04) / 4 = 0.158125. */
    assert_true(fabs(m.brier - 0.158125) < 1e-15);
    /* Log loss: -(log 0.9 + log 0.6 + log 0.35 + log 0.8) / 4. */
    assert_true(fabs(m.log_loss - -(log(0.9) + log(0.6) + log(0.35) + log(0.8)) / 4) < 1e-15);
    /* KS, the largest gap between the two classes' score distributions, scanning up: after 0.1
     * (a repaid) |0 - 1/2| = 0.5; after 0.35 (a default) |1/2 - 1/2| = 0; after 0.4 (a repaid)
     * |1/2 - 1| = 0.5; after 0.8, 0. KS = 0.5. */
    assert_true(fabs(m.ks - 0.5) < 1e-15);
    assert_true(fabs(m.mean_pd - 0.4125) < 1e-15 && fabs(m.default_rate - 0.5) < 1e-15);
}

static void test_ties_count_half(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.5, 0.5, 0.5}, y[] = {1, 0, 1, 0};
    struct tr_metrics m;
    tr_metrics(p, y, 4, &m);
    assert_true(fabs(m.auc - 0.5) < 1e-15);
    const double q[] = {0.2, 0.7, 0.7, 0.9}, z[] = {0, 1, 0, 1};
    tr_metrics(q, z, 4, &m);
    /* Pairs: (0.7 vs 0.2) win, (0.7 vs 0.7) half, (0.9 vs 0.2) win, (0.9 vs 0.7) win: 3.5/4. */
    assert_true(fabs(m.auc - 0.875) < 1e-15);
}

static void test_against_brute_force(void **state)
{
    (void)state;
    const size_t n = 3000;
    double *p = malloc(sizeof *p * n), *y = malloc(sizeof *y * n);
    for (size_t i = 0; i < n; i++) {
        p[i] = floor(tr_unit(tr_mix64(i)) * 50) / 50; /* many ties */
        y[i] = tr_unit(tr_mix64(i + n)) < p[i];
    }
    struct tr_metrics m;
    assert_int_equal(tr_metrics(p, y, n, &m), 0);
    double wins = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (y[i] == 1 && y[j] == 0) {
                pairs++;
                wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
            }
    assert_true(fabs(m.auc - wins / pairs) < 1e-12);
    assert_true(m.auc > 0.7);
    free(p);
    free(y);
}

/* DeLong's interval by hand. The sklearn example: the defaults' placements (the share of repaid
 * below each) are 1/2 (0.35) and 1 (0.8), the repaid's (the share of defaults above each) 1
 * (0.1) and 1/2 (0.4); each pair's variance about 0.75 is 2 * 0.0625 / (2 - 1) = 0.125, so
 * var(AUC) = 0.125 / 2 + 0.125 / 2 = 0.125 and the interval 0.75 -+ 1.959963984540054 *
 * sqrt(0.125), the upper end clipped to 1. With a tie (0.7 a default and a repaid): placements
 * 3/4 and 1, 1 and 3/4, var = 2 * (2 * 0.125^2) / 2 = 0.03125. */
static void test_delong_by_hand(void **state)
{
    (void)state;
    const double z = 1.959963984540054;
    const double p[] = {0.1, 0.4, 0.35, 0.8}, y[] = {0, 0, 1, 1};
    struct tr_metrics m;
    tr_metrics(p, y, 4, &m);
    assert_true(fabs(m.auc_lower - (0.75 - z * sqrt(0.125))) < 1e-15);
    assert_true(m.auc_upper == 1.0);
    const double q[] = {0.2, 0.7, 0.7, 0.9}, w[] = {0, 1, 0, 1};
    tr_metrics(q, w, 4, &m);
    assert_true(fabs(m.auc_lower - (0.875 - z * sqrt(0.03125))) < 1e-15);
    assert_true(m.auc_upper == 1.0);
    /* one default: no variance of its placements, no interval */
    const double r[] = {0.1, 0.4, 0.35}, v[] = {0, 0, 1};
    tr_metrics(r, v, 3, &m);
    assert_true(isnan(m.auc_lower) && isnan(m.auc_upper) && m.auc == 0.5);
}

/* DeLong's interval against its formula over every pair (O(m n)), on 3,000 scores with ties. */
static void test_delong_brute_force(void **state)
{
    (void)state;
    const size_t n = 3000;
    double *p = malloc(sizeof *p * n), *y = malloc(sizeof *y * n), *v = calloc(n, sizeof *v);
    double pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        p[i] = floor(tr_unit(tr_mix64(i)) * 50) / 50;
        y[i] = tr_unit(tr_mix64(i + n)) < p[i];
        pos += y[i], neg += 1 - y[i];
    }
    struct tr_metrics m;
    assert_int_equal(tr_metrics(p, y, n, &m), 0);
    for (size_t i = 0; i < n; i++) /* v: each row's placement among the other class */
        for (size_t j = 0; j < n; j++)
            if (y[i] != y[j]) {
                const double hi = y[i] == 1 ? p[i] : p[j], lo = y[i] == 1 ? p[j] : p[i];
                v[i] += (hi > lo ? 1 : hi == lo ? 0.5 : 0) / (y[i] == 1 ? neg : pos);
            }
    double s10 = 0, s01 = 0;
    for (size_t i = 0; i < n; i++)
        *(y[i] == 1 ? &s10 : &s01) += (v[i] - m.auc) * (v[i] - m.auc);
    const double sd = sqrt(s10 / (pos - 1) / pos + s01 / (neg - 1) / neg);
    assert_true(fabs(m.auc_lower - (m.auc - 1.959963984540054 * sd)) < 1e-12);
    assert_true(fabs(m.auc_upper - (m.auc + 1.959963984540054 * sd)) < 1e-12);
    assert_true(m.auc_lower < m.auc && m.auc < m.auc_upper);
    free(p), free(y), free(v);
}

static void test_one_class(void **state)
{
    (void)state;
    const double p[] = {0.2, 0.3}, y[] = {0, 0};
    struct tr_metrics m;
    assert_int_equal(tr_metrics(p, y, 2, &m), 1);
    assert_true(isnan(m.auc) && isnan(m.ks) && isnan(m.auc_lower) && isnan(m.auc_upper));
    assert_true(fabs(m.brier - (0.04 + 0.09) / 2) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),       cmocka_unit_test(test_ties_count_half),
        cmocka_unit_test(test_against_brute_force), cmocka_unit_test(test_delong_by_hand),
        cmocka_unit_test(test_delong_brute_force),  cmocka_unit_test(test_one_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
