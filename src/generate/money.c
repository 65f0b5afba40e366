#include "generate/money.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/rng.h"
#include "generate/loans.h"
#include "generate/mobility.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

const char *const tr_txn_names[TR_TXN_COUNT] = {
    "p2p", "cashin", "cashout", "billpay", "merchant", "loan_disbursement", "loan_repayment",
};
const char *const tr_break_names[3] = {"none", "chain", "arithmetic"};

void tr_ledger_init(struct tr_ledger *l)
{
    l->cap = 64;
    l->n = 0;
    l->ev = TR_MALLOC(sizeof(struct tr_money_event) * (size_t)l->cap);
    l->opening = 0;
}

void tr_ledger_free(struct tr_ledger *l)
{
    free(l->ev);
    l->ev = NULL;
    l->n = l->cap = 0;
}

static struct tr_money_event *push(struct tr_ledger *l)
{
    if (l->n == l->cap)
        l->ev = TR_REALLOC(l->ev, sizeof(struct tr_money_event) * (size_t)(l->cap *= 2));
    struct tr_money_event *e = &l->ev[l->n++];
    *e = (struct tr_money_event){.suffix = 1};
    return e;
}

/* Rounds to a multiple of step cents, at least one step. */
static int64_t cents(double units, int64_t step)
{
    int64_t v = (int64_t)llround(units * 100.0 / (double)step) * step;
    return v < step ? step : v;
}

static int64_t when(const struct tr_world *w, int64_t day, gsl_rng *r)
{
    return w->start_epoch + day * 86400 + tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
}

static double income_of(const struct tr_world *w, int64_t i)
{
    struct tr_person q;
    tr_person_make(w, i, &q);
    return q.income;
}

/* Transfers on the edge {a, b}: the same list whichever end asks. Only the one involving `self`
 * are added, with self's sign. */
static void add_edge_transfers(const struct tr_world *w, const struct tr_person *self,
                               const struct tr_contact *c, gsl_rng *r, struct tr_ledger *l)
{
    int64_t a = self->index < c->index ? self->index : c->index;
    int64_t b = self->index < c->index ? c->index : self->index;
    uint64_t key = tr_key(w->seed, TR_S_P2P, (uint64_t)a, (uint64_t)b);
    gsl_rng_set(r, key);
    double lambda = 0.08 * c->weight * (double)w->days / 30.0;
    unsigned n = gsl_ran_poisson(r, lambda);
    if (n == 0) return;
    double inc_a = a == self->index ? self->income : income_of(w, a);
    double inc_b = b == self->index ? self->income : income_of(w, b);
    int64_t quiet_until = tr_person_dormant_until(w, a);
    int64_t quiet_b = tr_person_dormant_until(w, b);
    if (quiet_b > quiet_until) quiet_until = quiet_b;
    for (unsigned k = 0; k < n; k++) {
        int64_t day = (int64_t)gsl_rng_uniform_int(r, (unsigned long)w->days);
        int64_t t = when(w, day, r);
        int a_sends = gsl_rng_uniform(r) < inc_a / (inc_a + inc_b); /* money flows down */
        double median = 0.05 * (a_sends ? inc_a : inc_b);
        int64_t amount = cents(median * gsl_ran_lognormal(r, 0, 0.8), 50);
        if (day < quiet_until) continue;
        struct tr_money_event *e = push(l);
        e->t = t;
        e->id = tr_key(w->seed, TR_S_TXN, key, k);
        e->type = TR_TXN_P2P;
        int self_sends = (self->index == a) == a_sends;
        e->sign = self_sends ? -1 : 1;
        e->amount = amount;
        e->counterparty = c->index;
    }
}

static struct tr_money_event *own(struct tr_ledger *l, const struct tr_world *w, int64_t index,
                                  unsigned *seq, int64_t t, enum tr_txn type, int sign,
                                  int64_t amount, gsl_rng *r)
{
    struct tr_money_event *e = push(l);
    e->t = t;
    e->id = tr_key(w->seed, TR_S_TXN, (uint64_t)index, (*seq)++);
    e->type = (uint8_t)type;
    e->sign = (int8_t)sign;
    e->amount = amount;
    /* Agents, merchants and billers: a few thousand of each, nationwide. */
    e->counterparty = (int64_t)gsl_rng_uniform_int(r, type == TR_TXN_BILLPAY ? 40 : 5000);
    return e;
}

/* The loan book's money inside the window: each disbursement (the principal) and each repayment
 * (docs/credit.md: every one in the window is also in mobile money, and none outside it). */
static void add_loans(const struct tr_world *w, const struct tr_person *p, gsl_rng *r,
                      struct tr_ledger *l, unsigned *seq)
{
    struct tr_book book_store, *book = &book_store;
    tr_person_book(w, p, book);
    const int64_t end = w->start_epoch + w->days * 86400;
    for (int k = 0; k < book->n; k++) {
        const struct tr_loan *ln = &book->loan[k];
        if (ln->disbursed_at >= w->start_epoch && ln->disbursed_at < end)
            own(l, w, p->index, seq, ln->disbursed_at, TR_TXN_LOAN_DISBURSEMENT, 1,
                ln->principal_cents, r)
                ->counterparty = 0;
        for (int j = 0; j < ln->n_rep; j++) {
            const struct tr_repayment *rp = &book->rep[ln->first_rep + j];
            if (rp->t >= w->start_epoch && rp->t < end)
                own(l, w, p->index, seq, rp->t, TR_TXN_LOAN_REPAYMENT, -1, rp->cents, r)
                    ->counterparty = 0;
        }
    }
}

/* The routine life of an account: agents, bills, shops, loans. */
static void add_routine(const struct tr_world *w, const struct tr_person *p, gsl_rng *r,
                        struct tr_ledger *l, unsigned *seq)
{
    const double scale = (double)w->days / 30.0, m = p->money_activity;
    const unsigned long days = (unsigned long)w->days;
    unsigned n = gsl_ran_poisson(r, 1.1 * m * scale);
    for (unsigned k = 0; k < n; k++)
        own(l, w, p->index, seq, when(w, (int64_t)gsl_rng_uniform_int(r, days), r), TR_TXN_CASHIN,
            1, cents(0.15 * p->income * gsl_ran_lognormal(r, 0, 0.6), 100), r);
    n = gsl_ran_poisson(r, 0.8 * m * scale);
    for (unsigned k = 0; k < n; k++)
        own(l, w, p->index, seq, when(w, (int64_t)gsl_rng_uniform_int(r, days), r), TR_TXN_CASHOUT,
            -1, 0, r)
            ->fraction = gsl_ran_flat(r, 0.3, 0.8);
    n = gsl_ran_poisson(r, 1.3 * m * scale);
    for (unsigned k = 0; k < n; k++)
        own(l, w, p->index, seq, when(w, (int64_t)gsl_rng_uniform_int(r, days), r), TR_TXN_MERCHANT,
            -1, cents(0.015 * p->income * gsl_ran_lognormal(r, 0, 0.7), 10), r);
    /* Bills: the regular pay the same biller the same amount on the same day each month. */
    if (gsl_rng_uniform(r) < p->regularity) {
        int dom = 1 + (int)gsl_rng_uniform_int(r, 28), hour = 8 + (int)gsl_rng_uniform_int(r, 10);
        int64_t bill = cents(0.04 * p->income, 50), biller = (int64_t)gsl_rng_uniform_int(r, 40);
        for (int64_t day = 0; day < w->days; day++) {
            int y, mo, d;
            tr_civil_from_days(w->start_day + day, &y, &mo, &d);
            if (d != dom) continue;
            struct tr_money_event *e = own(l, w, p->index, seq,
                                           w->start_epoch + day * 86400 + hour * 3600 +
                                               (int64_t)gsl_rng_uniform_int(r, 3600),
                                           TR_TXN_BILLPAY, -1, bill, r);
            e->counterparty = biller;
        }
    } else {
        n = gsl_ran_poisson(r, 0.7 * scale);
        for (unsigned k = 0; k < n; k++)
            own(l, w, p->index, seq, when(w, (int64_t)gsl_rng_uniform_int(r, days), r),
                TR_TXN_BILLPAY, -1, cents(0.04 * p->income * gsl_ran_lognormal(r, 0, 0.5), 50), r);
    }
    add_loans(w, p, r, l, seq);
}

int64_t tr_takeover_swap_time(const struct tr_world *w, const struct tr_person *p)
{
    uint64_t key = tr_key(w->seed, TR_S_SWAP, (uint64_t)p->index, 1);
    return w->start_epoch + p->event_day * 86400 +
           tr_second_of_day(tr_unit(key), tr_unit(tr_mix64(key)));
}

/* What is planted on this account, on top of its routine. */
static void add_planted(const struct tr_world *w, const struct tr_person *p, gsl_rng *r,
                        struct tr_ledger *l, unsigned *seq)
{
    const int64_t day_start = w->start_epoch + p->event_day * 86400;
    if (p->kind == TR_KIND_TAKEOVER) {
        int64_t swap = tr_takeover_swap_time(w, p);
        own(l, w, p->index, seq, swap - 3600 * (2 + (int64_t)gsl_rng_uniform_int(r, 18)),
            TR_TXN_CASHIN, 1, cents(0.3 * p->income, 100), r);
        struct tr_money_event *e =
            own(l, w, p->index, seq, swap + 1800 + (int64_t)gsl_rng_uniform_int(r, 5 * 3600),
                TR_TXN_CASHOUT, -1, 0, r);
        e->fraction = gsl_ran_flat(r, 0.85, 0.98);
        e->mark = TR_MARK_TAKEOVER;
    } else if (p->kind == TR_KIND_BURST) {
        int64_t t0 = day_start + 9 * 3600 + (int64_t)gsl_rng_uniform_int(r, 9 * 3600);
        own(l, w, p->index, seq, t0 - 3600 - (int64_t)gsl_rng_uniform_int(r, 7200), TR_TXN_CASHIN,
            1, cents(0.5 * p->income, 100), r);
        unsigned n = 12 + (unsigned)gsl_rng_uniform_int(r, 13);
        for (unsigned k = 0; k < n; k++)
            own(l, w, p->index, seq, t0 + (int64_t)gsl_rng_uniform_int(r, 3600), TR_TXN_MERCHANT,
                -1, cents(0.02 * p->income * gsl_ran_lognormal(r, 0, 0.5), 10), r)
                ->mark = TR_MARK_BURST;
    } else if (p->kind == TR_KIND_FAR_PAYMENT) {
        int64_t t = day_start + 9 * 3600 + (int64_t)gsl_rng_uniform_int(r, 9 * 3600);
        own(l, w, p->index, seq, t, TR_TXN_MERCHANT, -1, cents(0.03 * p->income, 10), r)->mark =
            TR_MARK_FAR;
    } else if (p->kind == TR_KIND_DORMANT) {
        int64_t t = w->start_epoch + p->dormant_until * 86400 + 8 * 3600 +
                    (int64_t)gsl_rng_uniform_int(r, 4 * 3600);
        static const double share[4] = {0.6, 0.7, 0.8, 0.9};
        unsigned n = 2 + (unsigned)gsl_rng_uniform_int(r, 3);
        for (unsigned k = 0; k < n; k++) {
            struct tr_money_event *e = own(l, w, p->index, seq, t, TR_TXN_CASHOUT, -1, 0, r);
            e->fraction = share[k];
            e->mark = TR_MARK_WAKE;
            t += 600 + (int64_t)gsl_rng_uniform_int(r, 3000);
        }
    }
}

static int cmp_event(const void *pa, const void *pb)
{
    const struct tr_money_event *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return (int)a->suffix - (int)b->suffix;
}

/* A cash-out of a share of the balance: whole units for routine ones; to the cent for planted
 * ones, whose share is their evidence. 0: nothing to take. */
static int64_t share_of(int64_t balance, const struct tr_money_event *e)
{
    int64_t amount = (int64_t)((double)balance * e->fraction);
    return e->mark ? amount : amount / 100 * 100;
}

/* Runs the balance through the sorted events: fills cash-out amounts, inserts top-ups, drops
 * routine cash-outs with nothing to take, plants the break (on a routine record, never the
 * first: a break needs a record before it to show). */
static void run_balance(const struct tr_world *w, const struct tr_person *p, struct tr_ledger *l)
{
    struct tr_ledger out;
    tr_ledger_init(&out);
    out.opening = l->opening;
    uint64_t bkey = tr_key(w->seed, TR_S_BREAK, (uint64_t)p->index, 1);
    int break_at =
        p->ledger_break && l->n >= 2 ? 1 + (int)(tr_mix64(bkey) % (uint64_t)(l->n - 1)) : -1;
    enum tr_break break_kind = (tr_mix64(bkey + 1) & 1) ? TR_BREAK_CHAIN : TR_BREAK_ARITHMETIC;
    int64_t delta = 100 * (5 + (int64_t)(tr_mix64(bkey + 2) % 496));
    int negative = tr_mix64(bkey + 3) & 1;
    int64_t balance = l->opening;
    for (int k = 0; k < l->n; k++) {
        struct tr_money_event e = l->ev[k];
        if (e.fraction > 0) {
            e.amount = share_of(balance, &e);
            if (e.amount < (e.mark ? 1 : 100)) {
                if (break_at == k) break_at++; /* the break moves to the next record */
                continue;
            }
        }
        int brk_here = k == break_at && out.n >= 1 && !e.mark;
        if (k == break_at && !brk_here) break_at++;
        if (brk_here && break_kind == TR_BREAK_CHAIN) {
            balance += (negative && balance >= delta) ? -delta : delta;
            if (e.fraction > 0) e.amount = share_of(balance, &e);
        }
        if (e.sign < 0 && e.amount > balance) {
            struct tr_money_event *top = push(&out);
            *top = e;
            top->suffix = 0;
            top->type = TR_TXN_CASHIN;
            top->sign = 1;
            top->mark = TR_MARK_NONE;
            top->fraction = 0;
            top->counterparty = (int64_t)(tr_mix64(e.id) % 5000);
            top->amount =
                (e.amount - balance + 999) / 1000 * 1000 + 1000 * (int64_t)(tr_mix64(e.id + 1) % 5);
            top->before = balance;
            top->after = balance + top->amount;
            /* A chain break shows on the first record after the jump: the top-up. */
            top->brk = brk_here && break_kind == TR_BREAK_CHAIN ? TR_BREAK_CHAIN : TR_BREAK_NONE;
            if (top->brk) brk_here = 0;
            balance = top->after;
        }
        e.before = balance;
        e.after = balance + e.sign * e.amount;
        if (brk_here && break_kind == TR_BREAK_ARITHMETIC)
            e.after += (negative && e.after >= delta) ? -delta : delta;
        e.brk = brk_here ? (uint8_t)break_kind : TR_BREAK_NONE;
        balance = e.after;
        *push(&out) = e;
    }
    tr_ledger_free(l);
    *l = out;
}

/* A dormant account does nothing of its own before its first planted cash-out. */
static void silence_until_wake(struct tr_ledger *l)
{
    int64_t wake = INT64_MAX;
    for (int k = 0; k < l->n; k++)
        if (l->ev[k].mark == TR_MARK_WAKE && l->ev[k].t < wake) wake = l->ev[k].t;
    int kept = 0;
    for (int k = 0; k < l->n; k++)
        if (l->ev[k].t >= wake) l->ev[kept++] = l->ev[k];
    l->n = kept;
}

void tr_ledger_build(const struct tr_world *w, const struct tr_person *p,
                     const struct tr_contact *contacts, int n_contacts, struct tr_ledger *l)
{
    l->n = 0;
    l->opening = 0;
    if (!p->wallet) return;
    gsl_rng *r = tr_rng_alloc();
    gsl_rng_set(r, tr_key(w->seed, TR_S_MONEY, (uint64_t)p->index, 0));
    l->opening = cents(
        (p->kind == TR_KIND_DORMANT ? 1.0 : 0.1) * p->income * gsl_ran_lognormal(r, 0, 0.7), 100);
    unsigned seq = 0;
    add_routine(w, p, r, l, &seq);
    add_planted(w, p, r, l, &seq);
    if (p->kind == TR_KIND_DORMANT) silence_until_wake(l);
    for (int c = 0; c < n_contacts; c++)
        if (tr_person_has_wallet(w, contacts[c].index) &&
            tr_person_kind(w, contacts[c].index) != TR_KIND_SIMBOX)
            add_edge_transfers(w, p, &contacts[c], r, l);
    gsl_rng_free(r);
    qsort(l->ev, (size_t)l->n, sizeof *l->ev, cmp_event);
    run_balance(w, p, l);
}

const struct tr_money_event *tr_ledger_find(const struct tr_ledger *l, int64_t t, uint64_t id,
                                            uint8_t suffix)
{
    struct tr_money_event key = {.t = t, .id = id, .suffix = suffix};
    return bsearch(&key, l->ev, (size_t)l->n, sizeof key, cmp_event);
}
