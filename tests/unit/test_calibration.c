/* model/calibration: the long-run average from the cohorts, one log-odds shift that makes the
 * population's mean PD that average, the margins and the floor, and no calibration without a
 * cohort (docs/credit.md section 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "model/calibration.h"

#include <math.h>

/* Six rows: grades 1, 1, 2, 2, 3, 3 of a three-grade scale; the last unlabelled. */
static const int8_t label[6] = {0, 0, 0, 1, 1, -1};
static const double pd[6] = {0.01, 0.03, 0.10, 0.14, 0.40, 0.60};
static const int8_t grade[6] = {1, 1, 2, 2, 3, 3};

static struct tr_scorecard three_grades(void)
{
    return (struct tr_scorecard){.n_grades = 3, .upper = {0.05, 0.2, 1}};
}

static struct tr_pd_calibration calibrate(struct tr_config *cfg, const struct tr_cohort_counts *k)
{
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    const struct tr_scorecard card = three_grades();
    struct tr_pd_calibration c;
    tr_calibrate(&ctx, cfg, &card, k, 6, label, pd, grade, &c);
    return c;
}

static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}

static void test_shift_to_the_long_run_average(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    /* Two years: 10% and 30% (the second cohort's 300 obligors weigh no more than the first's
     * 100): LRA 20%. */
    const struct tr_cohort_counts k = {
        .obligors = {100, 300, 50}, .defaults = {10, 90, 40}, .used = {1, 1, 0}};
    const struct tr_pd_calibration c = calibrate(&cfg, &k); /* the third not used: 80% ignored */
    assert_true(c.present);
    assert_int_equal(c.cohorts_used, 2);
    assert_true(fabs(c.lra - 0.2) < 1e-15);
    assert_int_equal(c.obligors[0], 2), assert_int_equal(c.obligors[1], 2);
    assert_int_equal(c.obligors[2], 1), assert_int_equal(c.defaults[1], 1);
    assert_true(fabs(c.model_pd[0] - 0.02) < 1e-15 && fabs(c.model_pd[2] - 0.40) < 1e-15);
    double mean = 0;
    for (int g = 0; g < 3; g++) {
        const double x = log(c.model_pd[g] / (1 - c.model_pd[g])) + c.shift;
        assert_true(fabs(c.best[g] - logistic(x)) < 1e-15);
        mean += (double)c.obligors[g] * c.best[g] / 5;
    }
    assert_true(fabs(mean - 0.2) < 1e-12); /* the population's mean PD is the LRA */
    assert_true(c.best[0] < c.best[1] && c.best[1] < c.best[2]);
    /* docs/credit.md section 4's worked example, by scipy's brentq */
    assert_true(fabs(c.shift - 0.5711716900343655) < 1e-9);
    assert_true(fabs(c.best[0] - 0.03486957389227247) < 1e-10);
    assert_true(fabs(c.best[1] - 0.19446437027592028) < 1e-10);
    assert_true(fabs(c.best[2] - 0.5413321116636145) < 1e-10);
    assert_true(c.pd[0] == c.best[0]); /* no margin, above the floor */
    double out[6];
    tr_calibrated_pds(&c, 6, pd, grade, out);
    assert_true(out[0] == c.pd[0] && out[1] == c.pd[0] && out[5] == c.pd[2]);
}

static void test_margins_floor_and_no_cohort(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    cfg.credit.moc_a = 0.1, cfg.credit.moc_c = 0.05, cfg.stress.pd_floor = 0.05;
    const struct tr_cohort_counts k = {.obligors = {100}, .defaults = {10}, .used = {1}}; /* 10% */
    const struct tr_pd_calibration c = calibrate(&cfg, &k);
    assert_true(c.present);
    assert_true(fabs(c.pd[2] - c.best[2] * 1.15) < 1e-15);
    assert_true(c.best[0] < 0.05 && c.pd[0] == 0.05);                           /* the floor */
    const struct tr_cohort_counts none = {.obligors = {100}, .defaults = {10}}; /* not used */
    const struct tr_pd_calibration n = calibrate(&cfg, &none);
    assert_false(n.present);
    double out[6];
    tr_calibrated_pds(&n, 6, pd, grade, out);
    for (int i = 0; i < 6; i++)
        assert_true(out[i] == pd[i]); /* the model's own PDs */
}

/* A cohort enters the average with obligors and a year of ledger before its day. */
static void test_cohort_used(void **state)
{
    (void)state;
    assert_true(tr_cohort_used(1000, 5, 635));
    assert_false(tr_cohort_used(1000, 5, 636));       /* a day short of a year */
    assert_false(tr_cohort_used(1000, 0, 0));         /* no obligor */
    assert_false(tr_cohort_used(1000, 5, INT64_MAX)); /* no loan */
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shift_to_the_long_run_average),
        cmocka_unit_test(test_margins_floor_and_no_cohort),
        cmocka_unit_test(test_cohort_used),
    };
    const int rc = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return rc;
}
