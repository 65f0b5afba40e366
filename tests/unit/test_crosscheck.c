/* crosscheck: the mobile-money ledger on hand-made accounts (including records of one second in
 * an input order that is not the chain's, as found on the benchmark country), and the velocity
 * rule's one alert per burst. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "crosscheck/crosscheck.h"
#include "records/parse.h"

#include <mpi.h>
#include <string.h>

#define K 0x1234u

static struct tr_ctx ctx;

static void money(struct tr_array *a, int64_t t, int line, uint8_t type, int outgoing,
                  int64_t amount, int64_t before, int64_t after)
{
    struct tr_money *m = tr_array_push(a);
    memset(m, 0, sizeof *m);
    m->self = K, m->other = 0x99, m->t = t, m->order = tr_order(0, line), m->type = type;
    m->outgoing = (uint8_t)outgoing, m->amount = amount, m->antenna = -1;
    m->balance_before = before, m->balance_after = after;
    m->other_before = m->other_after = TR_NO_BALANCE;
}

/* Runs the stage over one account's payments (already in time and input order). */
static void run(struct tr_array *pay, struct tr_crosscheck *out)
{
    struct tr_array tables[TR_T_COUNT];
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_init(&tables[t], 64);
    tables[TR_T_MOBILEMONEY] = *pay;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    const uint64_t keys[1] = {K};
    const int32_t regions[1] = {0};
    const struct tr_crosscheck_input in = {tables, NULL, 0, 1, 1, keys, regions, 0, 86400 * 30};
    tr_crosscheck_run(&ctx, &cfg, &in, out);
}

static void test_ledger_same_second_out_of_chain_order(void **state)
{
    (void)state;
    struct tr_array pay;
    tr_array_init(&pay, sizeof(struct tr_money));
    /* In the file the incoming p2p (34.50 -> 62.50) comes first, but the chain starts with the
     * bill (43.00 -> 34.50) of the same second: no break. */
    money(&pay, 1000, 10, TR_P2P, 0, 2800, 3450, 6250);
    money(&pay, 1000, 20, TR_BILLPAY, 1, 850, 4300, 3450);
    money(&pay, 5000, 30, TR_P2P, 1, 1100, 6250, 5150);
    struct tr_crosscheck c;
    run(&pay, &c);
    assert_int_equal(c.n_breaks, 0);
    assert_int_equal(c.recon[1].ledger_checked, 3);
    tr_crosscheck_free(&c);
    tr_array_free(&pay);
}

static void test_ledger_breaks_once_where_they_happen(void **state)
{
    (void)state;
    struct tr_array pay;
    tr_array_init(&pay, sizeof(struct tr_money));
    money(&pay, 1000, 10, TR_CASHIN, 0, 5000, 0, 5000);
    money(&pay, 2000, 11, TR_MERCHANT, 1, 700, 5000, 4400); /* arithmetic: 4300 expected */
    money(&pay, 3000, 12, TR_CASHOUT, 1, 400, 4400, 4000);  /* chains from the wrong 4400 */
    money(&pay, 4000, 13, TR_BILLPAY, 1, 500, 9000, 8500);  /* chain: 4000 expected */
    money(&pay, 5000, 14, TR_BILLPAY, 1, 500, 8500, 8000);  /* chains from the jump */
    struct tr_crosscheck c;
    run(&pay, &c);
    assert_int_equal(c.n_breaks, 2);
    assert_int_equal(c.breaks[0].kind, TR_LEDGER_ARITHMETIC);
    assert_int_equal(c.breaks[0].line, 11);
    assert_int_equal(c.breaks[0].expected, 4300);
    assert_int_equal(c.breaks[0].found, 4400);
    assert_int_equal(c.breaks[1].kind, TR_LEDGER_CHAIN);
    assert_int_equal(c.breaks[1].line, 13);
    assert_int_equal(c.breaks[1].expected, 4000);
    assert_int_equal(c.breaks[1].found, 9000);
    assert_int_equal(c.recon[1].ledger_breaks[TR_LEDGER_ARITHMETIC], 1);
    assert_int_equal(c.recon[1].ledger_breaks[TR_LEDGER_CHAIN], 1);
    /* Control totals: each record once, on the subscriber's side. */
    assert_int_equal(c.recon[1].txn_count[TR_BILLPAY], 2);
    assert_true(tr_isum_value(&c.recon[1].txn_cents[TR_BILLPAY]) == 1000);
    tr_crosscheck_free(&c);
    tr_array_free(&pay);
}

/* 93,000 cash-ins of 10^12 currency units (the most an amount may be) in one region: the control
 * total is 9.3 x 10^16 exactly, where 64-bit cents wrapped to -9.15 x 10^16; summed over two
 * "ranks" word by word (as the run's MPI_SUM and its passes do) it stays exact. The same account's
 * 93,000 cash-outs of 10^12 make the payers-without-calls total as large. */
static void test_control_total_beyond_int64(void **state)
{
    (void)state;
    struct tr_array pay;
    tr_array_init(&pay, sizeof(struct tr_money));
    const int64_t most = TR_MONEY_MAX_CENTS;
    for (int k = 0; k < 93000; k++)
        money(&pay, 1000 + k, 10 + k, TR_CASHIN, 0, most, TR_NO_BALANCE, TR_NO_BALANCE);
    for (int k = 0; k < 93000; k++)
        money(&pay, 200000 + k, 100000 + k, TR_CASHOUT, 1, most, TR_NO_BALANCE, TR_NO_BALANCE);
    struct tr_crosscheck c;
    run(&pay, &c);
    const __int128 want = (__int128)93000 * most;
    assert_int_equal(c.recon[1].txn_count[TR_CASHIN], 93000);
    assert_true(tr_isum_value(&c.recon[1].txn_cents[TR_CASHIN]) == want);
    assert_true(tr_isum_units(&c.recon[1].txn_cents[TR_CASHIN]) == 9.3e16);
    assert_true(tr_isum_value(&c.recon[1].txn_cents[TR_CASHOUT]) == want);
    assert_int_equal(c.recon[1].payers_without_calls, 1);
    assert_true(tr_isum_units(&c.recon[1].payers_without_calls_cents) == 9.3e16);
    struct tr_crosscheck sum = {0};
    tr_crosscheck_append(&sum, &c, 0, 1, 1);
    tr_crosscheck_append(&sum, &c, 1, 1, 1);
    assert_true(tr_isum_value(&sum.recon[1].txn_cents[TR_CASHIN]) == 2 * want);
    assert_true(tr_isum_units(&sum.recon[1].txn_cents[TR_CASHIN]) == 1.86e17);
    /* Negative addends split and sum exactly too. */
    tr_isum s = {0};
    tr_isum_add(&s, -most), tr_isum_add(&s, -1), tr_isum_add(&s, 3);
    assert_true(tr_isum_value(&s) == -most + 2);
    tr_crosscheck_free(&sum);
    tr_crosscheck_free(&c);
    tr_array_free(&pay);
}

static void test_velocity_one_alert_per_burst(void **state)
{
    (void)state;
    struct tr_array pay;
    tr_array_init(&pay, sizeof(struct tr_money));
    /* 15 merchant payments a minute apart (over 10 in an hour: one alert, on the 11th), then 15
     * more two hours later (a second burst, a second alert). No balances: no ledger. */
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 15; k++)
            money(&pay, 100000 + b * 7200 + k * 60, 100 + b * 15 + k, TR_MERCHANT, 1, 100,
                  TR_NO_BALANCE, TR_NO_BALANCE);
    struct tr_crosscheck c;
    run(&pay, &c);
    assert_int_equal(c.n_alerts, 2);
    for (size_t a = 0; a < 2; a++) {
        assert_int_equal(c.alerts[a].rule, TR_RULE_VELOCITY);
        assert_int_equal((int)c.alerts[a].measure, 11);
    }
    assert_int_equal(c.alerts[0].line, 110);
    assert_int_equal(c.alerts[1].line, 125);
    assert_true(c.flags[0] == 1u << TR_RULE_VELOCITY);
    assert_int_equal(c.n_breaks, 0);
    tr_crosscheck_free(&c);
    tr_array_free(&pay);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    tr_ctx_init(&ctx, MPI_COMM_SELF, stderr);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ledger_same_second_out_of_chain_order),
        cmocka_unit_test(test_ledger_breaks_once_where_they_happen),
        cmocka_unit_test(test_control_total_beyond_int64),
        cmocka_unit_test(test_velocity_one_alert_per_burst),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
