/* stress/irb: the Basel risk-weight functions against published values: other retail at PD 1%,
 * LGD 45% (K = 0.0366182, the figure of the Basel Committee's risk-weight tables), corporate at PD
 * 1%, LGD 45%, M 2.5 (risk weight 92.32% without the 1.06 factor), and the other classes'
 * correlations; Vasicek's closed form for the 99.9% loss quantile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stress/irb.h"

#include <math.h>

static void test_other_retail(void **state)
{
    (void)state;
    const struct tr_irb w = tr_irb_weight(TR_IRB_OTHER_RETAIL, 0.01, 0.45, 0, 1.0);
    assert_true(fabs(w.r - 0.1216094517) < 1e-9);
    assert_true(fabs(w.k - 0.0366182) < 5e-8);
    assert_true(fabs(w.risk_weight - 12.5 * 0.0366182) < 1e-6);
    /* The 99.9% loss quantile of a large homogeneous portfolio is K + EL = 0.041118. */
    assert_true(fabs(w.k + w.el - 0.041118) < 5e-7);
}

static void test_corporate(void **state)
{
    (void)state;
    const struct tr_irb w = tr_irb_weight(TR_IRB_CORPORATE, 0.01, 0.45, 2.5, 1.0);
    assert_true(fabs(w.r - 0.1927836792) < 1e-9);
    assert_true(fabs(w.risk_weight - 0.9232) < 5e-5);
    const struct tr_irb scaled = tr_irb_weight(TR_IRB_CORPORATE, 0.01, 0.45, 2.5, 1.06);
    assert_true(fabs(scaled.risk_weight - 1.06 * w.risk_weight) < 1e-12);
    /* Longer maturity costs more capital; it is clamped to 5 years. */
    assert_true(tr_irb_weight(TR_IRB_CORPORATE, 0.01, 0.45, 5, 1).k > w.k);
    assert_true(tr_irb_weight(TR_IRB_CORPORATE, 0.01, 0.45, 9, 1).k ==
                tr_irb_weight(TR_IRB_CORPORATE, 0.01, 0.45, 5, 1).k);
}

static void test_fixed_correlations(void **state)
{
    (void)state;
    /* Mortgage R = 0.15, QRRE R = 0.04: K = 0.0451191 and 0.0137793 at PD 1%, LGD 45%. */
    assert_true(fabs(tr_irb_weight(TR_IRB_MORTGAGE, 0.01, 0.45, 0, 1).k - 0.0451191) < 5e-8);
    assert_true(fabs(tr_irb_weight(TR_IRB_QRRE, 0.01, 0.45, 0, 1).k - 0.0137793) < 5e-8);
    assert_int_equal(tr_irb_class_of("mortgage"), TR_IRB_MORTGAGE);
    assert_int_equal(tr_irb_class_of("sovereign"), -1);
}

static void test_vasicek(void **state)
{
    (void)state;
    /* Without correlation the factor does not matter: the PD itself. */
    assert_true(fabs(tr_vasicek_pd(0.02, 1e-20, -3) - 0.02) < 1e-9);
    /* A downturn raises it, a boom lowers it: pnorm((qnorm(0.02) + sqrt(0.12) * 2) / sqrt(0.88))
     * = 0.07342408211 in R at r = 0.12, z = -2. */
    assert_true(fabs(tr_vasicek_pd(0.02, 0.12, -2) - 0.07342408211) < 1e-10);
    assert_true(tr_vasicek_pd(0.02, 0.12, 2) < 0.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_retail),
        cmocka_unit_test(test_corporate),
        cmocka_unit_test(test_fixed_correlations),
        cmocka_unit_test(test_vasicek),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
