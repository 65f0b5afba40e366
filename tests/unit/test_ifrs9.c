/* ifrs9: the worked example of docs/credit.md section 6 (a loan's stage, PDs and ECL from the
 * history's hazards, the EAD and grade factors), the triggers in their order, the survival
 * curves' counts and bands from a hand-made history, and Vasicek's conditional PD per year. The
 * Python oracle tests/tools/check_ifrs9.py --selftest works the same example. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/ledger_days.h"
#include "ifrs9/ecl.h"
#include "records/tables.h"

#include <math.h>
#include <string.h>

static struct tr_ifrs9_params params(void)
{
    static double z[2] = {0, 0};
    struct tr_ifrs9_params p = {.observation_day = 10,
                                .default_dpd = 90,
                                .backstop_dpd = 30,
                                .sicr_ratio = 2,
                                .sicr_min_increase = 0.005,
                                .fraud_trigger = 1,
                                .default_rate = 0,
                                .ccf_revolving = 0.1,
                                .lgd = {0.65, 0.75, 0.25},
                                .pd_floor = 0.0005,
                                .min_defaults = 10,
                                .n_scenarios = 1,
                                .weight = {1},
                                .horizon_years = {0},
                                .n_regions = 1,
                                .z = z};
    strcpy(p.names[0], "through_the_cycle");
    p.grades = (struct tr_scorecard){
        .n_grades = 9, .upper = {0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 1}};
    return p;
}

/* The history of the example: installments 1 and 2 of 2-installment microloans, hazards 0.06
 * and 0.04 (1,000 and 900 at risk); EAD factor 0.9; grade 7 (PD 0.10) 1.25, grade 3 (0.01) 0.5. */
static struct tr_ifrs9_hazards history(struct tr_ifrs9_cell cells[3])
{
    cells[0] = (struct tr_ifrs9_cell){.product = TR_MICRO,
                                      .installments = 2,
                                      .k = 0,
                                      .band = -1,
                                      .at_risk = 1900,
                                      .defaults = 96,
                                      .hazard = 96.0 / 1900};
    cells[1] = (struct tr_ifrs9_cell){.product = TR_MICRO,
                                      .installments = 2,
                                      .k = 1,
                                      .at_risk = 1000,
                                      .defaults = 60,
                                      .hazard = 0.06};
    cells[2] = (struct tr_ifrs9_cell){.product = TR_MICRO,
                                      .installments = 2,
                                      .k = 2,
                                      .at_risk = 900,
                                      .defaults = 36,
                                      .hazard = 0.04};
    struct tr_ifrs9_hazards h = {.n = 3, .cell = cells, .ead_factor = {0.9, 1, 1}};
    for (int k = 0; k < 3; k++)
        for (int g = 0; g <= TR_MAX_GRADES; g++)
            h.factor[k][g] = 1;
    h.factor[TR_MICRO][7] = 1.25, h.factor[TR_MICRO][3] = 0.5;
    return h;
}

static struct tr_ifrs9_loan example_loan(void)
{
    return (struct tr_ifrs9_loan){.subscriber = 1,
                                  .loan = 2,
                                  .region = 0,
                                  .product = TR_MICRO,
                                  .issued = 0,
                                  .due = 60,
                                  .installments = 2,
                                  .amount = 20000,
                                  .outstanding = 20000,
                                  .limit = -1,
                                  .pd = 0.10,
                                  .origination_pd = 0.01,
                                  .lgd = NAN,
                                  .rate = 1.2};
}

static void test_worked_example(void **state)
{
    (void)state;
    const struct tr_ifrs9_params p = params();
    struct tr_ifrs9_cell cells[3];
    const struct tr_ifrs9_hazards h = history(cells);
    const struct tr_ifrs9_loan l = example_loan();
    struct tr_ifrs9_result r;
    double per[1], staged[1];
    int8_t st[1];
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    const double q1 = 1 - pow(0.94, 1.25), q2 = 1 - pow(0.96, 1.25);
    const double want =
        0.65 * (q1 * 180 * pow(2.2, -20.0 / 365) + (1 - q1) * q2 * 90 * pow(2.2, -50.0 / 365));
    assert_true(fabs(want - 10.7578) < 5e-5); /* the figure docs/credit.md gives */
    assert_true(fabs(r.ecl_12m - want) < 1e-12 && fabs(r.ecl_lifetime - want) < 1e-12);
    assert_true(fabs(r.pd_lifetime - (1 - (1 - q1) * (1 - q2))) < 1e-15);
    assert_true(fabs(r.pd_origination - (1 - sqrt(0.94 * 0.96))) < 1e-15);
    /* 0.1205 against 0.0500 at origination: more than twice, 0.07 more: stage 2 */
    assert_int_equal(r.stage, 2);
    assert_int_equal(r.trigger, TR_TRIGGER_SICR);
    assert_true(fabs(r.ecl - want) < 1e-12 && fabs(per[0] - want) < 1e-12);
    assert_true(fabs(r.ead - 200) < 1e-12 && fabs(r.lgd - 0.65) < 1e-15);
}

static void test_triggers_in_order(void **state)
{
    (void)state;
    const struct tr_ifrs9_params p = params();
    struct tr_ifrs9_cell cells[3];
    const struct tr_ifrs9_hazards h = history(cells);
    struct tr_ifrs9_loan l = example_loan();
    struct tr_ifrs9_result r;
    double per[1], staged[1];
    int8_t st[1];
    l.in_default = 1, l.dpd = 200, l.fraud = 1;
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_int_equal(r.stage, 3); /* in default: LGD x what is owed, whatever else holds */
    assert_true(fabs(r.ecl - 130) < 1e-12 && fabs(per[0] - 130) < 1e-12);
    l.in_default = 0, l.dpd = 30;
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_int_equal(r.trigger, TR_TRIGGER_BACKSTOP);
    l.dpd = 29; /* one day short of the backstop: the SICR test */
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_int_equal(r.trigger, TR_TRIGGER_SICR);
    l.origination_pd = NAN; /* no origination PD: only the qualitative trigger is left */
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_int_equal(r.trigger, TR_TRIGGER_FRAUD);
    assert_true(fabs(r.ecl - r.ecl_lifetime) < 1e-15);
    l.fraud = 0;
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_int_equal(r.stage, 1);
    assert_true(fabs(r.ecl - r.ecl_12m) < 1e-15);
    l.pd = NAN; /* unrated: staged, no ECL */
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_int_equal(r.stage, 1);
    assert_true(isnan(r.ecl) && isnan(per[0]));
}

static void test_installments_after_a_year(void **state)
{
    (void)state;
    const struct tr_ifrs9_params p = params();
    struct tr_ifrs9_cell cells[3];
    const struct tr_ifrs9_hazards h = history(cells);
    struct tr_ifrs9_loan l = example_loan();
    l.issued = 0, l.due = 600; /* installments on days 300 and 600: the second's default is
                                  declared on day 690, beyond 10 + 365 */
    struct tr_ifrs9_result r;
    double per[1], staged[1];
    int8_t st[1];
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    const double q1 = 1 - pow(0.94, 1.25);
    assert_true(fabs(r.pd_12m - 0) < 1e-15); /* day 300 + 90 is beyond a year too */
    l.due = 540;                             /* day 270: declared on 360, within the year */
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_true(fabs(r.pd_12m - q1) < 1e-15);
    assert_true(r.pd_lifetime > r.pd_12m);
}

/* A history of two-installment microloans at T = 400 (D = 90): loan a defaulted (declared on day
 * 200) on its second installment; b paid both (due 100, 200); c, issued on day 250, has its first
 * installment (day 300) known and its second (350) not (350 > 400 - 1 - 90); d was issued at T. */
static void test_survival_counts(void **state)
{
    (void)state;
    struct tr_ifrs9_params p = params();
    p.observation_day = 400, p.min_defaults = 1;
    struct tr_loan_position loans[4] = {{.subscriber = 1,
                                         .issued = 0,
                                         .due = 100,
                                         .installments = 2,
                                         .amount = 1000,
                                         .default_day = 200,
                                         .default_installment = 2,
                                         .default_outstanding = 400},
                                        {.subscriber = 2,
                                         .issued = 0,
                                         .due = 200,
                                         .installments = 2,
                                         .amount = 1000,
                                         .default_day = -1},
                                        {.subscriber = 3,
                                         .issued = 250,
                                         .due = 350,
                                         .installments = 2,
                                         .amount = 1000,
                                         .default_day = -1},
                                        {.subscriber = 4,
                                         .issued = 400,
                                         .due = 500,
                                         .installments = 2,
                                         .amount = 1000,
                                         .default_day = -1}};
    struct tr_ledger_table t = {.n_loans = 4, .loan = loans};
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    struct tr_ifrs9_hazards h;
    const uint64_t key[4] = {1, 2, 3, 4};
    const double pd[4] = {0.2, 0.05, 0.05, 0.05};
    tr_ifrs9_hazards_build(&ctx, &p, &t, 4, key, pd, &h);
    assert_int_equal(h.n, 3);
    const struct tr_ifrs9_cell *c1 = tr_ifrs9_exact_cell(&h, TR_MICRO, 2, 1),
                               *c2 = tr_ifrs9_exact_cell(&h, TR_MICRO, 2, 2);
    assert_non_null(c1);
    assert_non_null(c2);
    assert_int_equal(c1->at_risk, 3); /* a, b, c */
    assert_int_equal(c1->defaults, 0);
    assert_int_equal(c2->at_risk, 2); /* a, b */
    assert_int_equal(c2->defaults, 1);
    assert_true(fabs(c2->hazard - 0.5) < 1e-15 && c2->source == TR_HAZARD_OWN);
    /* installment 1 has no default: the band 1..2 holds one, 1 of 5 at risk */
    assert_int_equal(c1->band, 1);
    assert_true(fabs(c1->hazard - 0.2) < 1e-15);
    /* a's default: owed 400 of the 500 scheduled after its first installment */
    assert_true(fabs(h.ead_factor[TR_MICRO] - 0.8) < 1e-15);
    /* beyond the history's last installment of a schedule: the last one's hazard */
    assert_ptr_equal(tr_ifrs9_cell_of(&h, TR_MICRO, 2, 3), c2);
    assert_null(tr_ifrs9_cell_of(&h, TR_MORTGAGE_LOAN, 240, 1));
    tr_ifrs9_hazards_free(&h);
}

/* Each scenario alone stages the loan by its own lifetime PD (section 7): a severe scenario
 * moves to stage 2 a loan the weighted PDs keep in stage 1. */
static void test_stages_per_scenario(void **state)
{
    (void)state;
    struct tr_ifrs9_params p = params();
    double z[4] = {0, 0, -3, -3}; /* [scenario x (region, none)] */
    p.z = z, p.n_scenarios = 2, p.weight[0] = 0.85, p.weight[1] = 0.15;
    p.horizon_years[0] = 1, p.horizon_years[1] = 1;
    strcpy(p.names[1], "severe");
    struct tr_ifrs9_cell cells[3];
    struct tr_ifrs9_hazards h = history(cells);
    h.factor[TR_MICRO][5] = 1; /* PD 0.04's grade */
    struct tr_ifrs9_loan l = example_loan();
    l.origination_pd = 0.04; /* lifetime 1 - 0.94 x 0.96 = 0.0976 at origination */
    struct tr_ifrs9_result r;
    double per[2], staged[2];
    int8_t st[2];
    tr_ifrs9_loan(&p, &h, &l, &r, per, st, staged);
    assert_true(r.pd_lifetime < 2 * r.pd_origination); /* weighted: no significant increase */
    assert_int_equal(r.stage, 1);
    assert_int_equal(st[0], 1);
    assert_int_equal(st[1], 2);
    assert_true(per[1] > per[0]);                              /* booked: 12-month, each */
    assert_true(fabs(staged[0] - per[0]) < 1e-15);             /* baseline alone: stage 1 */
    assert_true(staged[1] >= per[1] && staged[1] > staged[0]); /* severe alone: lifetime */
}

static void test_conditional_pd_per_year(void **state)
{
    (void)state;
    struct tr_ifrs9_params p = params();
    double z[2] = {-1, -2}; /* the region's, then a loan without one */
    p.z = z, p.horizon_years[0] = 2;
    const double w = (1 - exp(-3.5)) / (1 - exp(-35)), R = 0.03 * w + 0.16 * (1 - w);
    const double got = tr_ifrs9_pd_year(&p, 0, 0, TR_MICRO, 0.1, 1);
    assert_true(fabs(got - 0.13211174950439747) <
                1e-12); /* scipy: norm.cdf((ppf(.1)+sqrt(R))/...) */
    (void)R;
    assert_true(tr_ifrs9_pd_year(&p, 0, 0, TR_MICRO, 0.1, 2) == 0.1); /* after the horizon */
    assert_true(tr_ifrs9_pd_year(&p, 0, -1, TR_MICRO, 0.1, 0) > got); /* z = -2 */
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_triggers_in_order),
        cmocka_unit_test(test_installments_after_a_year),
        cmocka_unit_test(test_survival_counts),
        cmocka_unit_test(test_stages_per_scenario),
        cmocka_unit_test(test_conditional_pd_per_year),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
