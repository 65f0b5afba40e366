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

static void test_one_class(void **state)
{
    (void)state;
    const double p[] = {0.2, 0.3}, y[] = {0, 0};
    struct tr_metrics m;
    assert_int_equal(tr_metrics(p, y, 2, &m), 1);
    assert_true(isnan(m.auc) && isnan(m.ks));
    assert_true(fabs(m.brier - (0.04 + 0.09) / 2) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_ties_count_half),
        cmocka_unit_test(test_against_brute_force),
        cmocka_unit_test(test_one_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
