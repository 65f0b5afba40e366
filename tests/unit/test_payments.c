/* features/payments.c (tr_indicators_fixed): every registry feature of a hand-made subscriber,
 * worked out by hand below (and checked with python3's statistics module); a subscriber without
 * records, one with a single record, no register row; the window's edges for loans, days and
 * days of the month; gaps of top-ups at 2 and 3; sums past 64 bits; the scratch reused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/indicators.h"
#include "features/registry.h"

#include <math.h>
#include <string.h>

#define DAY0            1577836800 /* 2020-01-01 00:00:00 UTC = day 18262 */
#define H               3600
#define JAN(d, seconds) (DAY0 + ((d)-1) * 86400LL + (seconds))
#define END             JAN(32, 0) /* the window ends at midnight after 2020-01-31, day 18292 */
#define END_DAY         18292

/* ------------------------------------------------------------------ records */

static struct tr_money pay(int64_t t, int type, int out, int64_t cents, uint64_t other,
                           int64_t balance)
{
    struct tr_money m;
    memset(&m, 0, sizeof m);
    m.self = 1, m.other = other, m.t = t, m.amount = cents, m.balance_after = balance;
    m.balance_before = m.other_before = m.other_after = TR_NO_BALANCE;
    m.type = (uint8_t)type, m.outgoing = (uint8_t)out, m.antenna = TR_NO_ANTENNA;
    return m;
}

static struct tr_loan_rec loan(int32_t issued, int32_t due, int status, int64_t cents)
{
    struct tr_loan_rec l;
    memset(&l, 0, sizeof l);
    l.self = 1, l.issued = issued, l.due = due, l.status = (uint8_t)status, l.amount = cents;
    l.lgd = l.pd = NAN;
    return l;
}

/* Money (cents; other party; balance after):
 *   M1 Jan  1 09:00     billpay  in   100 from 302  (a refund)  no balance
 *   M2 Jan  3 10:00     p2p      out 1000 to   100              5000
 *   M3 Jan  5 11:00     cashin   in  2550 from 200              7550
 *   M4 Jan 10 23:59:59  billpay  out  300 to   300              7250
 *   M5 Jan 20 00:00:00  billpay  out  700 to   301              no balance
 *   M6 Jan 25 12:00     billpay  out  500 to   300              6750
 *   M7 Jan 28 12:00     cashout  out 2000 to   200              4750
 *   M8 Jan 30 12:00     p2p      in  1000 from 100              5750 */
static const struct tr_money *money(void)
{
    static struct tr_money m[8];
    m[0] = pay(JAN(1, 9 * H), TR_BILLPAY, 0, 100, 302, TR_NO_BALANCE);
    m[1] = pay(JAN(3, 10 * H), TR_P2P, 1, 1000, 100, 5000);
    m[2] = pay(JAN(5, 11 * H), TR_CASHIN, 0, 2550, 200, 7550);
    m[3] = pay(JAN(10, 86399), TR_BILLPAY, 1, 300, 300, 7250);
    m[4] = pay(JAN(20, 0), TR_BILLPAY, 1, 700, 301, TR_NO_BALANCE);
    m[5] = pay(JAN(25, 12 * H), TR_BILLPAY, 1, 500, 300, 6750);
    m[6] = pay(JAN(28, 12 * H), TR_CASHOUT, 1, 2000, 200, 4750);
    m[7] = pay(JAN(30, 12 * H), TR_P2P, 0, 1000, 100, 5750);
    return m;
}

/* Top-ups: Jan 1 08:00 500, Jan 1 20:00 1000, Jan 3 08:00 250, Jan 7 08:00 1250.
 * Data (kB): Jan 2 23:59:59 1500, Jan 3 00:00:00 500, Jan 3 18:00 2500.
 * Loans (days; the window's last day is 18292):
 *   L1 issued 18270 due 18280 repaid   100.00   prior, due
 *   L2 issued 18275 due 18290 default   50.00   prior, due, 2 days past due
 *   L3 issued 18285 due 18292 default   30.00   prior, due on the last day: 0 days past due
 *   L4 issued 18288 due 18300 repaid    20.00   prior, not yet due
 *   L5 issued 18290 due 18291 open      10.00   prior, due but no outcome
 *   L6 issued 18292 due 18322 default   40.00   prior (issued on the last day), not yet due
 *   L7 issued 18293 due 18323 repaid   999.00   after the window: not prior
 * Register: activated on day 18000, postpaid. Two SIM swaps. */
struct fixture {
    struct tr_recharge top[4];
    struct tr_data data[3];
    struct tr_loan_rec loans[7];
    struct tr_swap swaps[2];
    struct tr_subscriber reg;
};

static struct tr_subscriber_records records(struct fixture *f)
{
    static const int64_t top_t[4] = {JAN(1, 8 * H), JAN(1, 20 * H), JAN(3, 8 * H), JAN(7, 8 * H)};
    static const int64_t top_c[4] = {500, 1000, 250, 1250};
    static const int64_t data_t[3] = {JAN(2, 86399), JAN(3, 0), JAN(3, 18 * H)};
    static const int64_t data_kb[3] = {1500, 500, 2500};
    memset(f, 0, sizeof *f);
    for (int k = 0; k < 4; k++)
        f->top[k] = (struct tr_recharge){.self = 1, .t = top_t[k], .amount = top_c[k]};
    for (int k = 0; k < 3; k++)
        f->data[k] = (struct tr_data){.self = 1, .t = data_t[k], .volume = data_kb[k]};
    f->loans[0] = loan(18270, 18280, TR_ST_REPAID, 10000);
    f->loans[1] = loan(18275, 18290, TR_ST_DEFAULT, 5000);
    f->loans[2] = loan(18285, 18292, TR_ST_DEFAULT, 3000);
    f->loans[3] = loan(18288, 18300, TR_ST_REPAID, 2000);
    f->loans[4] = loan(18290, 18291, TR_ST_OPEN, 1000);
    f->loans[5] = loan(18292, 18322, TR_ST_DEFAULT, 4000);
    f->loans[6] = loan(18293, 18323, TR_ST_REPAID, 99900);
    f->swaps[0] = (struct tr_swap){.self = 1, .t = JAN(4, 0)};
    f->swaps[1] = (struct tr_swap){.self = 1, .t = JAN(9, 0)};
    f->reg = (struct tr_subscriber){.self = 1, .region = 0, .activation = 18000};
    f->reg.plan = TR_POSTPAID;
    return (struct tr_subscriber_records){.key = 1,
                                          .reg = &f->reg,
                                          .money = money(),
                                          .n_money = 8,
                                          .recharges = f->top,
                                          .n_recharges = 4,
                                          .data = f->data,
                                          .n_data = 3,
                                          .loans = f->loans,
                                          .n_loans = 7,
                                          .swaps = f->swaps,
                                          .n_swaps = 2,
                                          .window_end = END};
}

/* ------------------------------------------------------------------ checks */

struct want {
    int feature;
    double value; /* NAN: undefined */
};

static void expect(const double *out, const struct want *w, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const double got = out[w[k].feature], want = w[k].value;
        const char *name = tr_feature_registry[w[k].feature].name;
        if (isnan(want) ? !isnan(got) : !(fabs(got - want) <= 1e-12 * fmax(1, fabs(want))))
            fail_msg("%s = %.17g, want %.17g", name, got, want);
    }
}

#define EXPECT(out, ...)                                                                           \
    do {                                                                                           \
        const struct want w_[] = {__VA_ARGS__};                                                    \
        expect(out, w_, sizeof w_ / sizeof *w_);                                                   \
    } while (0)

static void compute(const struct tr_subscriber_records *r, double *out)
{
    struct tr_indicator_scratch s = {0};
    for (int k = 0; k < TR_FEAT_COUNT; k++)
        out[k] = -12345; /* every feature must be written */
    tr_indicators_fixed(r, &s, out);
    tr_indicator_scratch_free(&s);
    for (int k = 0; k < TR_FEAT_COUNT; k++)
        if (out[k] == -12345) fail_msg("%s not written", tr_feature_registry[k].name);
}

/* ------------------------------------------------------------------ tests */

/* The documented names sit at the indices checked below. */
static void test_registry_slots(void **state)
{
    (void)state;
    assert_int_equal(TR_FEAT_COUNT, 66);
    assert_string_equal(tr_feature_registry[TR_FEAT_MM_COUNT + TR_MM_OUT].name, "mm_count_out");
    assert_string_equal(tr_feature_registry[TR_FEAT_MM_TYPE_MEAN + TR_BILLPAY].name,
                        "mm_amount_mean_billpay");
    assert_string_equal(tr_feature_registry[TR_FEAT_MM_CASHOUT_SHARE].name, "mm_cashout_share");
    assert_string_equal(tr_feature_registry[TR_FEAT_POSTPAID].name, "postpaid");
}

/* By direction. All: 8 records, 81.50 in all (100 + 1000 + 2550 + 300 + 700 + 500 + 2000 + 1000
 * cents), mean 10.1875, min 1.00, max 25.50, counterparties 302, 100, 200, 300, 301 = 5.
 * In (M1, M3, M8): 36.50, mean 36.5 / 3, min 1.00, max 25.50, counterparties 3. Out (M2, M4-M7):
 * 45.00, mean 9.00, min 3.00, max 20.00, counterparties 100, 300, 301, 200 = 4. */
static void test_money_by_direction(void **state)
{
    (void)state;
    struct fixture f;
    const struct tr_subscriber_records r = records(&f);
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    EXPECT(v, {TR_FEAT_MM_COUNT + TR_MM_ALL, 8}, {TR_FEAT_MM_COUNT + TR_MM_IN, 3},
           {TR_FEAT_MM_COUNT + TR_MM_OUT, 5}, {TR_FEAT_MM_AMOUNT_SUM + TR_MM_ALL, 81.5},
           {TR_FEAT_MM_AMOUNT_SUM + TR_MM_IN, 36.5}, {TR_FEAT_MM_AMOUNT_SUM + TR_MM_OUT, 45},
           {TR_FEAT_MM_AMOUNT_MEAN + TR_MM_ALL, 10.1875},
           {TR_FEAT_MM_AMOUNT_MEAN + TR_MM_IN, 36.5 / 3}, {TR_FEAT_MM_AMOUNT_MEAN + TR_MM_OUT, 9},
           {TR_FEAT_MM_AMOUNT_MIN + TR_MM_ALL, 1}, {TR_FEAT_MM_AMOUNT_MIN + TR_MM_IN, 1},
           {TR_FEAT_MM_AMOUNT_MIN + TR_MM_OUT, 3}, {TR_FEAT_MM_AMOUNT_MAX + TR_MM_ALL, 25.5},
           {TR_FEAT_MM_AMOUNT_MAX + TR_MM_IN, 25.5}, {TR_FEAT_MM_AMOUNT_MAX + TR_MM_OUT, 20},
           {TR_FEAT_MM_COUNTERPARTIES + TR_MM_ALL, 5}, {TR_FEAT_MM_COUNTERPARTIES + TR_MM_IN, 3},
           {TR_FEAT_MM_COUNTERPARTIES + TR_MM_OUT, 4});
}

/* By type, either direction: p2p 2, 20.00, mean 10.00; cashin 1, 25.50; cashout 1, 20.00;
 * billpay 4 (M1 in, M4-M6 out), 16.00, mean 4.00; none of the others: 0, 0, NaN.
 * Balances after (M1, M5 have none): 5000, 7550, 7250, 6750, 4750, 5750: mean 370.50 / 6 = 61.75,
 * min 47.50, max 75.50. Cash-out share of the 45.00 paid out: 20 / 45 = 4/9. Billers paid: 300,
 * 301 (302 paid the subscriber) = 2. Days of the month of the bills paid: 10 (23:59:59 is still
 * the 10th), 20 (00:00:00 is already the 20th), 25: mean 55/3, E[d^2] = 375, population variance
 * 375 - 3025/9 = 350/9, std sqrt(350/9) = 6.236095644623235. */
static void test_money_by_type(void **state)
{
    (void)state;
    struct fixture f;
    const struct tr_subscriber_records r = records(&f);
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    const int T = TR_FEAT_MM_TYPE_COUNT, A = TR_FEAT_MM_TYPE_AMOUNT, M = TR_FEAT_MM_TYPE_MEAN;
    EXPECT(v, {T + TR_P2P, 2}, {A + TR_P2P, 20}, {M + TR_P2P, 10}, {T + TR_CASHIN, 1},
           {A + TR_CASHIN, 25.5}, {M + TR_CASHIN, 25.5}, {T + TR_CASHOUT, 1}, {A + TR_CASHOUT, 20},
           {M + TR_CASHOUT, 20}, {T + TR_BILLPAY, 4}, {A + TR_BILLPAY, 16}, {M + TR_BILLPAY, 4},
           {T + TR_MERCHANT, 0}, {A + TR_MERCHANT, 0}, {M + TR_MERCHANT, NAN},
           {T + TR_LOAN_DISBURSEMENT, 0}, {M + TR_LOAN_DISBURSEMENT, NAN},
           {T + TR_LOAN_REPAYMENT, 0}, {M + TR_LOAN_REPAYMENT, NAN},
           {TR_FEAT_MM_BALANCE_MEAN, 61.75}, {TR_FEAT_MM_BALANCE_MIN, 47.5},
           {TR_FEAT_MM_BALANCE_MAX, 75.5}, {TR_FEAT_MM_CASHOUT_SHARE, 20.0 / 45.0},
           {TR_FEAT_MM_BILLPAY_BILLERS, 2}, {TR_FEAT_MM_BILLPAY_DOM_STD, 6.236095644623235});
}

/* Top-ups: 4, 30.00, mean 7.50, min 2.50, max 12.50, on 3 days; gaps 12 h, 36 h, 96 h (1, 3, 8
 * half-days): mean 4, E[g^2] = 74/3, variance 26/3, CV sqrt(26/3) / 4 = 0.7359800721939872.
 * Data: 3 sessions, 4.5 MB, mean 1.5, min 0.5, max 2.5, on 2 days (23:59:59 and the next
 * 00:00:00 are two days). Loans: prior L1-L6 = 6, 250.00 / 6 on average; due by the window's end
 * with an outcome L1-L3: 2 of them defaulted, 1 of 3 repaid, days past due (0 + 2 + 0) / 3.
 * Swaps 2, tenure 18292 - 18000 = 292, postpaid 1. */
static void test_usage_loans_register(void **state)
{
    (void)state;
    struct fixture f;
    const struct tr_subscriber_records r = records(&f);
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    EXPECT(
        v, {TR_FEAT_RECHARGES_COUNT, 4}, {TR_FEAT_RECHARGES_SUM, 30}, {TR_FEAT_RECHARGES_MEAN, 7.5},
        {TR_FEAT_RECHARGES_MIN, 2.5}, {TR_FEAT_RECHARGES_MAX, 12.5}, {TR_FEAT_RECHARGES_DAYS, 3},
        {TR_FEAT_RECHARGES_GAP_CV, 0.7359800721939872}, {TR_FEAT_DATA_COUNT, 3},
        {TR_FEAT_DATA_SUM, 4.5}, {TR_FEAT_DATA_MEAN, 1.5}, {TR_FEAT_DATA_MIN, 0.5},
        {TR_FEAT_DATA_MAX, 2.5}, {TR_FEAT_DATA_DAYS, 2}, {TR_FEAT_LOANS_PRIOR, 6},
        {TR_FEAT_LOANS_PRIOR_DEFAULTED, 2}, {TR_FEAT_LOANS_PRIOR_REPAID_SHARE, 1.0 / 3},
        {TR_FEAT_LOANS_PRIOR_AMOUNT_MEAN, 250.0 / 6}, {TR_FEAT_LOANS_DAYS_PAST_DUE_MEAN, 2.0 / 3},
        {TR_FEAT_SIM_SWAPS, 2}, {TR_FEAT_TENURE_DAYS, 292}, {TR_FEAT_POSTPAID, 1});
}

/* No records: counts and sums 0, everything else undefined; a prepaid plan activated on the
 * window's last day: tenure 0, postpaid 0. Without a register row: tenure and plan undefined. */
static void test_no_records(void **state)
{
    (void)state;
    struct tr_subscriber reg = {.self = 1, .region = -1, .activation = END_DAY};
    reg.plan = TR_PREPAID;
    struct tr_subscriber_records r = {.key = 1, .reg = &reg, .window_end = END};
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    for (int d = 0; d < TR_MM_DIRS; d++)
        EXPECT(v, {TR_FEAT_MM_COUNT + d, 0}, {TR_FEAT_MM_AMOUNT_SUM + d, 0},
               {TR_FEAT_MM_AMOUNT_MEAN + d, NAN}, {TR_FEAT_MM_AMOUNT_MIN + d, NAN},
               {TR_FEAT_MM_AMOUNT_MAX + d, NAN}, {TR_FEAT_MM_COUNTERPARTIES + d, 0});
    for (int t = 0; t < TR_TXN_TYPES; t++)
        EXPECT(v, {TR_FEAT_MM_TYPE_COUNT + t, 0}, {TR_FEAT_MM_TYPE_AMOUNT + t, 0},
               {TR_FEAT_MM_TYPE_MEAN + t, NAN});
    EXPECT(v, {TR_FEAT_MM_BALANCE_MEAN, NAN}, {TR_FEAT_MM_BALANCE_MIN, NAN},
           {TR_FEAT_MM_BALANCE_MAX, NAN}, {TR_FEAT_MM_CASHOUT_SHARE, NAN},
           {TR_FEAT_MM_BILLPAY_BILLERS, 0}, {TR_FEAT_MM_BILLPAY_DOM_STD, NAN},
           {TR_FEAT_RECHARGES_COUNT, 0}, {TR_FEAT_RECHARGES_SUM, 0}, {TR_FEAT_RECHARGES_MEAN, NAN},
           {TR_FEAT_RECHARGES_MIN, NAN}, {TR_FEAT_RECHARGES_MAX, NAN}, {TR_FEAT_RECHARGES_DAYS, 0},
           {TR_FEAT_RECHARGES_GAP_CV, NAN}, {TR_FEAT_DATA_COUNT, 0}, {TR_FEAT_DATA_SUM, 0},
           {TR_FEAT_DATA_MEAN, NAN}, {TR_FEAT_DATA_DAYS, 0}, {TR_FEAT_LOANS_PRIOR, 0},
           {TR_FEAT_LOANS_PRIOR_DEFAULTED, 0}, {TR_FEAT_LOANS_PRIOR_REPAID_SHARE, NAN},
           {TR_FEAT_LOANS_PRIOR_AMOUNT_MEAN, NAN}, {TR_FEAT_LOANS_DAYS_PAST_DUE_MEAN, NAN},
           {TR_FEAT_SIM_SWAPS, 0}, {TR_FEAT_TENURE_DAYS, 0}, {TR_FEAT_POSTPAID, 0});
    r.reg = NULL;
    compute(&r, v);
    EXPECT(v, {TR_FEAT_TENURE_DAYS, NAN}, {TR_FEAT_POSTPAID, NAN});
}

/* One bill of 12.34 paid on Jan 15, no balance: the bills' day is always the 15th (std 0, not
 * NaN), one biller, nothing cashed out of the 12.34 paid (share 0), nothing received. */
static void test_one_record(void **state)
{
    (void)state;
    const struct tr_money bill = pay(JAN(15, 12 * H), TR_BILLPAY, 1, 1234, 300, TR_NO_BALANCE);
    const struct tr_subscriber_records r = {
        .key = 1, .money = &bill, .n_money = 1, .window_end = END};
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    EXPECT(v, {TR_FEAT_MM_COUNT + TR_MM_OUT, 1}, {TR_FEAT_MM_AMOUNT_MEAN + TR_MM_OUT, 12.34},
           {TR_FEAT_MM_AMOUNT_MIN + TR_MM_OUT, 12.34}, {TR_FEAT_MM_AMOUNT_MAX + TR_MM_OUT, 12.34},
           {TR_FEAT_MM_COUNT + TR_MM_IN, 0}, {TR_FEAT_MM_AMOUNT_MEAN + TR_MM_IN, NAN},
           {TR_FEAT_MM_COUNTERPARTIES + TR_MM_IN, 0}, {TR_FEAT_MM_BILLPAY_BILLERS, 1},
           {TR_FEAT_MM_BILLPAY_DOM_STD, 0}, {TR_FEAT_MM_CASHOUT_SHARE, 0},
           {TR_FEAT_MM_BALANCE_MEAN, NAN});
    /* Only a cash-out of nothing paid out: no share (0 / 0). */
    const struct tr_money zero = pay(JAN(15, 0), TR_CASHOUT, 1, 0, 200, 0);
    const struct tr_subscriber_records z = {
        .key = 1, .money = &zero, .n_money = 1, .window_end = END};
    compute(&z, v);
    EXPECT(v, {TR_FEAT_MM_CASHOUT_SHARE, NAN}, {TR_FEAT_MM_BALANCE_MIN, 0});
}

/* A cash-out the subscriber received (its number is an agent's till) is not money it paid out:
 * of 50.00 paid out (p2p), none cashed out; the received 100.00 still counts as a cash-out
 * record. (It made the share 2 = 100 / 50.) */
static void test_cashout_received(void **state)
{
    (void)state;
    const struct tr_money m[2] = {pay(JAN(2, 0), TR_CASHOUT, 0, 10000, 5, TR_NO_BALANCE),
                                  pay(JAN(3, 0), TR_P2P, 1, 5000, 6, TR_NO_BALANCE)};
    const struct tr_subscriber_records r = {.key = 1, .money = m, .n_money = 2, .window_end = END};
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    EXPECT(v, {TR_FEAT_MM_CASHOUT_SHARE, 0}, {TR_FEAT_MM_TYPE_COUNT + TR_CASHOUT, 1},
           {TR_FEAT_MM_TYPE_AMOUNT + TR_CASHOUT, 100});
}

/* Gaps: two top-ups have one gap, no CV; three with equal gaps a CV of 0; three at one time no
 * CV (a mean gap of 0). */
static void test_topup_gaps(void **state)
{
    (void)state;
    struct tr_recharge t[3] = {{.t = JAN(1, 0), .amount = 100},
                               {.t = JAN(2, 0), .amount = 100},
                               {.t = JAN(3, 0), .amount = 100}};
    struct tr_subscriber_records r = {.key = 1, .recharges = t, .window_end = END};
    double v[TR_FEAT_COUNT];
    r.n_recharges = 2;
    compute(&r, v);
    EXPECT(v, {TR_FEAT_RECHARGES_GAP_CV, NAN}, {TR_FEAT_RECHARGES_DAYS, 2});
    r.n_recharges = 3;
    compute(&r, v);
    EXPECT(v, {TR_FEAT_RECHARGES_GAP_CV, 0}, {TR_FEAT_RECHARGES_DAYS, 3});
    t[0].t = t[1].t = t[2].t = JAN(5, 5);
    compute(&r, v);
    EXPECT(v, {TR_FEAT_RECHARGES_GAP_CV, NAN}, {TR_FEAT_RECHARGES_DAYS, 1});
}

/* Sums past INT64_MAX (9.22e18): two top-ups, two balances and two loans of 6e18 cents each sum
 * to 1.2e19 cents exactly (128 bits), 1.2e17 currency units; means 6e16. */
static void test_sums_past_64_bits(void **state)
{
    (void)state;
    const int64_t big = 6000000000000000000;
    struct tr_recharge t[2] = {{.t = JAN(1, 0), .amount = big}, {.t = JAN(2, 0), .amount = big}};
    struct tr_money m[2] = {pay(JAN(1, 0), TR_CASHIN, 0, 1, 200, big),
                            pay(JAN(2, 0), TR_CASHIN, 0, 1, 200, big)};
    struct tr_loan_rec l[2] = {loan(18270, 18280, TR_ST_REPAID, big),
                               loan(18271, 18281, TR_ST_REPAID, big)};
    const struct tr_subscriber_records r = {.key = 1,
                                            .money = m,
                                            .n_money = 2,
                                            .recharges = t,
                                            .n_recharges = 2,
                                            .loans = l,
                                            .n_loans = 2,
                                            .window_end = END};
    double v[TR_FEAT_COUNT];
    compute(&r, v);
    EXPECT(v, {TR_FEAT_RECHARGES_SUM, 1.2e17}, {TR_FEAT_RECHARGES_MEAN, 6e16},
           {TR_FEAT_RECHARGES_MAX, 6e16}, {TR_FEAT_MM_BALANCE_MEAN, 6e16},
           {TR_FEAT_LOANS_PRIOR_AMOUNT_MEAN, 6e16});
}

/* One scratch across subscribers, the large one first: the small one's distinct counts are its
 * own (one biller, one counterparty). */
static void test_scratch_reuse(void **state)
{
    (void)state;
    struct fixture f;
    const struct tr_subscriber_records big = records(&f);
    const struct tr_money bill = pay(JAN(15, 12 * H), TR_BILLPAY, 1, 1234, 300, TR_NO_BALANCE);
    const struct tr_subscriber_records small = {
        .key = 2, .money = &bill, .n_money = 1, .window_end = END};
    struct tr_indicator_scratch s = {0};
    double v[TR_FEAT_COUNT], w[TR_FEAT_COUNT];
    tr_indicators_fixed(&big, &s, v);
    tr_indicators_fixed(&small, &s, w);
    EXPECT(w, {TR_FEAT_MM_BILLPAY_BILLERS, 1}, {TR_FEAT_MM_COUNTERPARTIES + TR_MM_ALL, 1},
           {TR_FEAT_MM_COUNTERPARTIES + TR_MM_IN, 0});
    tr_indicators_fixed(&big, &s, w); /* and the large one again: the same values */
    for (int k = 0; k < TR_FEAT_COUNT; k++)
        assert_true(v[k] == w[k] || (isnan(v[k]) && isnan(w[k])));
    tr_indicator_scratch_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_slots), cmocka_unit_test(test_money_by_direction),
        cmocka_unit_test(test_money_by_type),  cmocka_unit_test(test_usage_loans_register),
        cmocka_unit_test(test_no_records),     cmocka_unit_test(test_one_record),
        cmocka_unit_test(test_topup_gaps),     cmocka_unit_test(test_sums_past_64_bits),
        cmocka_unit_test(test_scratch_reuse),  cmocka_unit_test(test_cashout_received),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
