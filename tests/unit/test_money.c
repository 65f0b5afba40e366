/* generate/money and loans: every account's ledger is consistent but for what is planted, and
 * both ends of a transfer see the same transfer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "generate/loans.h"
#include "generate/money.h"

#include <math.h>
#include <stdlib.h>

static struct tr_config cfg;
static struct tr_world world;

static int setup(void **state)
{
    (void)state;
    tr_config_defaults(&cfg);
    cfg.generate.subscribers = 6000;
    cfg.generate.ledger_break_rate = 0.05;
    cfg.generate.dormant_rate = 0.01;
    cfg.generate.burst_rate = 0.01;
    cfg.generate.takeover_rate = 0.01;
    tr_world_build(&world, &cfg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tr_world_free(&world);
    return 0;
}

static void build(int64_t i, struct tr_person *p, struct tr_ledger *l)
{
    struct tr_contact c[TR_MAX_CONTACTS];
    tr_person_make(&world, i, p);
    int n = tr_contacts(&world, i, c);
    tr_ledger_build(&world, p, c, n, l);
}

static void test_ledgers_balance_except_planted_breaks(void **state)
{
    (void)state;
    struct tr_ledger l;
    tr_ledger_init(&l);
    int64_t breaks = 0, accounts_with_break = 0, topups = 0, events = 0;
    for (int64_t i = 0; i < world.subscribers; i++) {
        struct tr_person p;
        build(i, &p, &l);
        if (!p.wallet) assert_int_equal(l.n, 0);
        int found = 0;
        for (int k = 0; k < l.n; k++) {
            const struct tr_money_event *e = &l.ev[k];
            events++;
            assert_true(e->amount > 0 && e->before >= 0 && e->after >= 0);
            if (k > 0) {
                const struct tr_money_event *prev = &l.ev[k - 1];
                assert_true(prev->t < e->t ||
                            (prev->t == e->t && (prev->id < e->id ||
                                                 (prev->id == e->id && prev->suffix < e->suffix))));
                if (e->brk != TR_BREAK_CHAIN)
                    assert_true(e->before == prev->after);
                else
                    assert_true(e->before != prev->after);
            } else {
                assert_true(e->before == l.opening);
                assert_true(e->brk == TR_BREAK_NONE); /* a break needs a record before it */
            }
            int64_t expected = e->before + e->sign * e->amount;
            if (e->brk != TR_BREAK_ARITHMETIC)
                assert_true(e->after == expected);
            else
                assert_true(e->after != expected);
            found += e->brk != TR_BREAK_NONE;
            if (e->suffix == 0) { /* a top-up right before a debit it covers */
                topups++;
                assert_int_equal(e->type, TR_TXN_CASHIN);
                assert_true(k + 1 < l.n);
                const struct tr_money_event *next = &l.ev[k + 1];
                assert_true(next->t == e->t && next->id == e->id && next->suffix == 1);
                assert_true(next->sign < 0 && next->amount > e->before);
            }
            if (p.kind == TR_KIND_DORMANT)
                assert_true(e->t >= world.start_epoch + p.dormant_until * 86400);
        }
        assert_true(found <= 1);
        assert_true(found == 0 || p.ledger_break);
        breaks += found;
        accounts_with_break += p.ledger_break && l.n >= 2;
    }
    tr_ledger_free(&l);
    assert_true(events > 10 * world.subscribers / 2);
    assert_true(topups > 0);
    assert_true(breaks >= accounts_with_break * 9 / 10 && breaks > 0);
}

static void test_transfers_mirror(void **state)
{
    (void)state;
    struct tr_ledger a, b;
    tr_ledger_init(&a);
    tr_ledger_init(&b);
    int checked = 0;
    for (int64_t i = 0; i < world.subscribers && checked < 3000; i += 3) {
        struct tr_person p, q;
        build(i, &p, &a);
        for (int k = 0; k < a.n; k++) {
            const struct tr_money_event *e = &a.ev[k];
            if (e->type != TR_TXN_P2P) continue;
            build(e->counterparty, &q, &b);
            const struct tr_money_event *m = tr_ledger_find(&b, e->t, e->id, 1);
            assert_non_null(m);
            assert_true(m->type == TR_TXN_P2P && m->counterparty == i);
            assert_true(m->sign == -e->sign && m->amount == e->amount);
            checked++;
        }
    }
    assert_true(checked > 500);
    tr_ledger_free(&a);
    tr_ledger_free(&b);
}

static void test_planted_money_frauds(void **state)
{
    (void)state;
    struct tr_ledger l;
    tr_ledger_init(&l);
    int takeovers = 0, bursts = 0;
    for (int64_t i = 0; i < world.subscribers; i++) {
        struct tr_person p;
        tr_person_make(&world, i, &p);
        if (p.kind != TR_KIND_TAKEOVER && p.kind != TR_KIND_BURST) continue;
        build(i, &p, &l);
        int marked = 0;
        for (int k = 0; k < l.n; k++) {
            const struct tr_money_event *e = &l.ev[k];
            if (e->mark == TR_MARK_TAKEOVER) {
                int64_t swap = tr_takeover_swap_time(&world, &p);
                assert_true(e->t > swap && e->t <= swap + 6 * 3600);
                assert_true((double)e->amount >= 0.8 * (double)e->before);
                marked++;
            }
            if (e->mark == TR_MARK_BURST) marked++;
        }
        if (p.kind == TR_KIND_TAKEOVER) assert_int_equal(marked, 1), takeovers++;
        if (p.kind == TR_KIND_BURST) assert_true(marked >= 12), bursts++;
    }
    assert_true(takeovers > 10 && bursts > 10);
    tr_ledger_free(&l);
}

/* Loans after the window default at the rate of their true PDs (within 5 sigma) and are
 * settled or open as the cut says; every loan's repayments follow its schedule: inside
 * [issued, cut], adding up with the outstanding to the amount, repaid exactly when paid up. */
static void check_ledger(const struct tr_book *b, const struct tr_loan *l, int64_t cut)
{
    int64_t paid = 0;
    for (int j = 0; j < l->n_rep; j++) {
        const struct tr_repayment *rp = &b->rep[l->first_rep + j];
        assert_true(rp->cents > 0 && rp->t > l->disbursed_at && rp->t < (cut + 1) * 86400);
        assert_true(j == 0 || rp->t >= b->rep[l->first_rep + j - 1].t);
        paid += rp->cents;
    }
    assert_int_equal(paid + l->outstanding_cents, l->amount_cents);
    assert_true(l->installments >= 1 && l->installments <= l->due - l->issued);
    assert_true(l->limit_cents == 0 || l->limit_cents >= l->outstanding_cents);
    assert_true((l->status == TR_REPAID) == (l->outstanding_cents == 0));
}

static void test_loans(void **state)
{
    (void)state;
    double expected = 0, var = 0;
    int64_t defaults = 0, labelled = 0, open = 0, history = 0, declared = 0;
    const int64_t cut = tr_loan_cut_day(&world), obs = tr_observation_day(&world);
    struct tr_book *b = malloc(sizeof *b);
    for (int64_t i = 0; i < world.subscribers; i++) {
        struct tr_person p;
        tr_person_make(&world, i, &p);
        tr_person_book(&world, &p, b);
        for (int k = 0; k < b->n; k++) {
            const struct tr_loan *l = &b->loan[k];
            assert_true(l->due > l->issued);
            check_ledger(b, l, cut);
            if (!l->after_window) {
                assert_true(l->issued < obs && l->issued >= obs - world.cfg->generate.history_days);
                history++;
                declared += l->status == TR_DEFAULT || l->status == TR_WRITTEN_OFF ||
                            l->status == TR_RESTRUCTURED;
                continue;
            }
            assert_true(l->issued >= obs);
            assert_true(k == b->n - 1);
            if (l->status == TR_OPEN) {
                assert_true(l->due > cut && l->outstanding_cents > 0);
                open++;
                continue;
            }
            assert_int_equal(l->status == TR_DEFAULT, l->eventual_default);
            labelled++;
            defaults += l->eventual_default;
            expected += p.pd;
            var += p.pd * (1 - p.pd);
        }
    }
    free(b);
    assert_true(labelled > 1000 && open > 0 && history > 1000 && declared > 0);
    assert_true(fabs((double)defaults - expected) < 5 * sqrt(var));
    double rate = (double)defaults / (double)labelled;
    assert_true(rate > 0.03 && rate < 0.15); /* digital micro-loans: a few % to low teens */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ledgers_balance_except_planted_breaks),
        cmocka_unit_test(test_transfers_mirror),
        cmocka_unit_test(test_planted_money_frauds),
        cmocka_unit_test(test_loans),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
