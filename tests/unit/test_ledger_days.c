/* features/ledger_days: the worked example of docs/credit.md section 2 by hand, and each rule of
 * the definition of default (materiality both ways, probation and cure, unlikeliness to pay at
 * the cut, overpayment) and of the 12-month PD's population and label. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/ledger_days.h"

/* A loan of obligor 7: issued day i, due day u, amount in cents, n installments. */
static struct tr_loan_rec loan(uint64_t id, int32_t i, int32_t u, int64_t cents, int32_t n)
{
    return (struct tr_loan_rec){.self = 7,
                                .loan = id,
                                .issued = i,
                                .due = u,
                                .amount = cents,
                                .installments = n,
                                .status = TR_ST_OPEN};
}

static struct tr_repayment pay(uint64_t id, int64_t day, int64_t cents)
{
    return (struct tr_repayment){.self = 7, .loan = id, .t = day * 86400 + 43200, .amount = cents};
}

/* The example's settings: materiality 1 unit and 1%, 90 days, probation 90, cut on day 400. */
static struct tr_ledger_settings settings(int64_t T, int64_t H)
{
    return (struct tr_ledger_settings){.observation_day = T,
                                       .cut_day = 400,
                                       .cut_from_config = 1,
                                       .horizon_days = H,
                                       .application_days = 60,
                                       .default_dpd = 90,
                                       .probation_days = 90,
                                       .materiality_absolute = 1,
                                       .materiality_relative = 0.01,
                                       .label_rule = TR_LABEL_LEDGER};
}

struct result {
    struct tr_loan_position loan[3];
    struct tr_obligor_position obligor;
};

static struct result run(const struct tr_ledger_settings *s, const struct tr_loan_rec *l, size_t n,
                         const struct tr_repayment *r, size_t m)
{
    struct result out;
    struct tr_ledger_scratch scratch = {0};
    tr_ledger_obligor(s, l, n, r, m, &scratch, out.loan, &out.obligor);
    tr_ledger_scratch_free(&scratch);
    return out;
}

static const struct tr_repayment example_pays[2] = {{7, 1, 128 * 86400 + 43200, 3000, 0, 0},
                                                    {7, 1, 170 * 86400 + 43200, 1000, 0, 0}};

static void test_worked_example(void **state)
{
    (void)state;
    const struct tr_loan_rec l = loan(1, 100, 190, 9000, 3);
    const int64_t day[3] = {161, 171, 191}, dpd[3] = {1, 11, 31}, arrears[3] = {3000, 2000, 5000};
    for (int k = 0; k < 3; k++) {
        const struct tr_ledger_settings s = settings(day[k], 365);
        const struct result r = run(&s, &l, 1, example_pays, 2);
        assert_int_equal(r.loan[0].dpd, dpd[k]);
        assert_int_equal(r.loan[0].arrears, arrears[k]);
        assert_int_equal(r.obligor.material_days, dpd[k]);
        assert_int_equal(r.loan[0].default_day, 250);
        assert_int_equal(r.obligor.population, TR_POP_EXPOSURE);
        assert_int_equal(r.obligor.label, -1); /* the cut (400) is before T + 365 */
    }
    const struct tr_ledger_settings s = settings(161, 200); /* T + H = 361 <= C + 1 */
    const struct result r = run(&s, &l, 1, example_pays, 2);
    assert_int_equal(r.loan[0].outstanding, 6000);
    assert_int_equal(r.loan[0].installments_due, 2);
    assert_int_equal(r.loan[0].installments_paid, 1);
    assert_int_equal(r.obligor.exposure, 6000);
    assert_int_equal(r.obligor.default_day, 250);
    assert_int_equal(r.obligor.label, 1);
    assert_int_equal(r.obligor.reference_day, 161);
}

/* Paid up in full on day 260: the last trigger is day 260 (a payment counts from the next day);
 * the obligor stays in default for the 90 days of probation after it, and is cured on day 351. */
static void test_probation_then_cure(void **state)
{
    (void)state;
    const struct tr_loan_rec l = loan(1, 100, 190, 9000, 3);
    const struct tr_repayment r[3] = {example_pays[0], example_pays[1], pay(1, 260, 5000)};
    struct tr_ledger_settings s = settings(350, 30);
    struct result out = run(&s, &l, 1, r, 3);
    assert_int_equal(out.obligor.in_default, 1);
    assert_int_equal(out.obligor.population, TR_POP_IN_DEFAULT);
    assert_int_equal(out.obligor.label, -1);
    s.observation_day = 351;
    out = run(&s, &l, 1, r, 3);
    assert_int_equal(out.obligor.in_default, 0);
    assert_int_equal(out.obligor.exposure, 0);
    assert_int_equal(out.obligor.population, TR_POP_NONE);
    assert_int_equal(out.loan[0].installments_paid, 3);
    assert_int_equal(out.loan[0].default_day, 250); /* the loan's default stays on record */
}

/* Arrears of 0.50 (or 1.00) are not above the absolute threshold of 1 unit; 30.00 beside a mortgage
 * of 10,000 are below 1% of the exposure: neither counts, neither defaults. */
static void test_materiality_both_ways(void **state)
{
    (void)state;
    const struct tr_ledger_settings s = settings(300, 100);
    const struct tr_loan_rec small = loan(1, 100, 190, 150, 3); /* 0.50 each */
    const struct result a = run(&s, &small, 1, NULL, 0);
    assert_int_equal(a.loan[0].dpd, 300 - 130);               /* past due from day 131 ... */
    assert_int_equal(a.obligor.material_days, 300 - 191 + 1); /* ... material (1.50) from 191 */
    assert_int_equal(a.loan[0].default_day, 191 + 89);
    const struct tr_loan_rec tiny = loan(1, 100, 190, 50, 1); /* 0.50 in all */
    const struct result b = run(&s, &tiny, 1, NULL, 0);
    assert_int_equal(b.loan[0].default_day, -1);
    assert_int_equal(b.obligor.label, 0);
    const struct tr_loan_rec two[2] = {loan(1, 100, 190, 3000, 1), loan(2, 100, 3000, 1000000, 1)};
    const struct result c = run(&s, two, 2, NULL, 0);
    assert_int_equal(c.obligor.arrears, 3000);
    assert_int_equal(c.obligor.material_days, 0);
    assert_int_equal(c.loan[0].default_day, -1);
    assert_int_equal(c.obligor.label, 0);
}

/* A written-off loan with its arrears below the threshold: default on the day after the cut. */
static void test_unlikely_to_pay_at_the_cut(void **state)
{
    (void)state;
    struct tr_loan_rec l = loan(1, 100, 190, 50, 1);
    l.status = TR_ST_WRITTEN_OFF;
    const struct tr_ledger_settings s = settings(300, 101); /* T + H = 401 = C + 1 */
    const struct result r = run(&s, &l, 1, NULL, 0);
    assert_int_equal(r.loan[0].default_day, 401);
    assert_int_equal(r.obligor.default_day, 401);
    assert_int_equal(r.obligor.label, 1);
}

/* Only a loan issued 10 days after T: an application, labelled from that day on; overpaid, it
 * owes nothing and never falls into arrears. */
static void test_application_and_overpayment(void **state)
{
    (void)state;
    const struct tr_loan_rec l = loan(1, 210, 300, 9000, 3);
    const struct tr_repayment r = pay(1, 215, 12000);
    const struct tr_ledger_settings s = settings(200, 200);
    const struct result out = run(&s, &l, 1, &r, 1);
    assert_int_equal(out.obligor.population, TR_POP_APPLICATION);
    assert_int_equal(out.obligor.reference_day, 210);
    assert_int_equal(out.obligor.label, 0);
    assert_int_equal(out.loan[0].outstanding, 0); /* not yet lent at T */
    struct tr_ledger_settings later = settings(260, 100);
    const struct result o2 = run(&later, &l, 1, &r, 1);
    assert_int_equal(o2.loan[0].outstanding, 0);
    assert_int_equal(o2.loan[0].installments_paid, 3);
    assert_int_equal(o2.obligor.population, TR_POP_NONE);
}

/* Two loans whose repayments come interleaved in time (as the join hands them over, by time):
 * each payment goes to its own loan, whatever the order they are given in. */
static void test_repayments_in_any_order(void **state)
{
    (void)state;
    const struct tr_loan_rec two[2] = {loan(1, 100, 190, 9000, 3), loan(2, 105, 195, 6000, 3)};
    const struct tr_repayment in_time[4] = {pay(1, 128, 3000), pay(2, 134, 2000), pay(1, 158, 3000),
                                            pay(2, 164, 2000)};
    const struct tr_repayment shuffled[4] = {in_time[3], in_time[0], in_time[2], in_time[1]};
    const struct tr_ledger_settings s = settings(180, 100);
    const struct result a = run(&s, two, 2, in_time, 4), b = run(&s, two, 2, shuffled, 4);
    assert_int_equal(a.loan[0].outstanding, 3000), assert_int_equal(a.loan[1].outstanding, 2000);
    assert_int_equal(a.loan[0].installments_paid, 2),
        assert_int_equal(a.loan[1].installments_paid, 2);
    assert_int_equal(a.loan[0].arrears, 0), assert_int_equal(a.obligor.exposure, 5000);
    assert_memory_equal(a.loan, b.loan, 2 * sizeof *a.loan); /* the third is not written */
    assert_memory_equal(&a.obligor, &b.obligor, sizeof a.obligor);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_probation_then_cure),
        cmocka_unit_test(test_materiality_both_ways),
        cmocka_unit_test(test_unlikely_to_pay_at_the_cut),
        cmocka_unit_test(test_application_and_overpayment),
        cmocka_unit_test(test_repayments_in_any_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
