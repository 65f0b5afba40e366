/* stress/irb: the Basel risk-weight functions against published values: other retail at PD 1%,
 * LGD 45% (K = 0.0366182, the figure of the Basel Committee's risk-weight tables), corporate at PD
 * 1%, LGD 45%, M 2.5 (risk weight 92.32% without the 1.06 factor), and the other classes'
 * correlations; the 84 risk weights of Basel II's Annex 5 table; Vasicek's closed form for the
 * 99.9% loss quantile. */
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

/* Basel II (June 2006), Annex 5, "Illustrative IRB risk weights": the risk weight in percent,
 * rounded to 0.01, at each PD for corporate exposures (LGD 45%, M 2.5, no firm-size adjustment),
 * residential mortgages (LGD 45% and 25%), other retail (45% and 85%) and qualifying revolving
 * retail (45% and 85%). The annex's risk weights carry no 1.06 factor. 79 of its 84 cells are the
 * exact formula rounded to 0.01; 5 are one unit higher or lower in the last digit (the
 * Committee's own arithmetic: 2.3051 printed 2.30, 21.0855 as 21.08, 50.7945 as 50.80, 73.4441
 * as 73.45, 114.8542 as 114.86), so every cell must be within 0.006 and at most 5 off the
 * rounding. */
static void test_basel_annex5_table(void **state)
{
    (void)state;
    static const double table[][8] = {
        /* PD %   corp    mort45  mort25  oth45   oth85   qrre45  qrre85 */
        {0.03, 14.44, 4.15, 2.30, 4.45, 8.41, 0.98, 1.85},
        {0.05, 19.65, 6.23, 3.46, 6.63, 12.52, 1.51, 2.86},
        {0.10, 29.65, 10.69, 5.94, 11.16, 21.08, 2.71, 5.12},
        {0.25, 49.47, 21.30, 11.83, 21.15, 39.96, 5.76, 10.88},
        {0.40, 62.72, 29.94, 16.64, 28.42, 53.69, 8.41, 15.88},
        {0.50, 69.61, 35.08, 19.49, 32.36, 61.13, 10.04, 18.97},
        {0.75, 82.78, 46.46, 25.81, 40.10, 75.74, 13.80, 26.06},
        {1.00, 92.32, 56.40, 31.33, 45.77, 86.46, 17.22, 32.53},
        {1.30, 100.95, 67.00, 37.22, 50.80, 95.95, 21.02, 39.70},
        {1.50, 105.59, 73.45, 40.80, 53.37, 100.81, 23.40, 44.19},
        {2.00, 114.86, 87.94, 48.85, 57.99, 109.53, 28.92, 54.63},
        {2.50, 122.16, 100.64, 55.91, 60.90, 115.03, 33.98, 64.18},
    };
    static const struct {
        enum tr_irb_class c;
        double lgd;
    } column[7] = {{TR_IRB_CORPORATE, 0.45},    {TR_IRB_MORTGAGE, 0.45},
                   {TR_IRB_MORTGAGE, 0.25},     {TR_IRB_OTHER_RETAIL, 0.45},
                   {TR_IRB_OTHER_RETAIL, 0.85}, {TR_IRB_QRRE, 0.45},
                   {TR_IRB_QRRE, 0.85}};
    int off_rounding = 0;
    for (size_t row = 0; row < sizeof table / sizeof *table; row++)
        for (int k = 0; k < 7; k++) {
            const double pd = table[row][0] / 100, want = table[row][k + 1];
            const double got =
                100 * tr_irb_weight(column[k].c, pd, column[k].lgd, 2.5, 1).risk_weight;
            if (fabs(got - want) >= 0.006)
                fail_msg("%s, LGD %.2f, PD %.2f%%: risk weight %.4f%%, the annex %.2f%%",
                         tr_irb_class_names[column[k].c], column[k].lgd, table[row][0], got, want);
            off_rounding += fabs(round(got * 100) / 100 - want) > 1e-9;
        }
    assert_int_equal(off_rounding, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_retail), cmocka_unit_test(test_basel_annex5_table),
        cmocka_unit_test(test_corporate),    cmocka_unit_test(test_fixed_correlations),
        cmocka_unit_test(test_vasicek),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
