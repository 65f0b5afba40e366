/* Mobile-money records: each account writes its own events and the p2p transfers it sends
 * (with the payee's balances, from the payee's ledger rebuilt here); a transfer received is
 * written by its sender's block. */
#include "generate/gen.h"
#include "generate/mobility.h"

#include "core/error.h"
#include "core/rng.h"

static void put_hex16(struct tr_textbuf *b, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char s[16];
    for (int k = 15; k >= 0; k--, v >>= 4)
        s[k] = digits[v & 15];
    tr_put_mem(b, s, 16);
}

static void put_party(struct tr_textbuf *b, const struct tr_money_event *e)
{
    switch (e->type) {
    case TR_TXN_CASHIN:
    case TR_TXN_CASHOUT:
        tr_put_str(b, "AG");
        tr_put_u64_width(b, (uint64_t)e->counterparty, 5);
        break;
    case TR_TXN_BILLPAY:
        tr_put_str(b, "BIL");
        tr_put_u64_width(b, (uint64_t)e->counterparty, 3);
        break;
    case TR_TXN_MERCHANT:
        tr_put_str(b, "MER");
        tr_put_u64_width(b, (uint64_t)e->counterparty, 5);
        break;
    default:
        tr_put_str(b, "LENDER01");
        break;
    }
}

static void put_balances(struct tr_textbuf *b, const struct tr_money_event *e)
{
    if (e) {
        tr_put_cents(b, e->before);
        tr_put_char(b, ',');
        tr_put_cents(b, e->after);
    } else {
        tr_put_char(b, ',');
    }
}

static void note_break(struct tr_gen *g, const struct tr_money_event *e, const char *account)
{
    tr_sink_ref_begin(g->sink, TR_F_TRUTH_DEFECTS, TR_F_MOBILEMONEY,
                      g->sink->buf[TR_F_MOBILEMONEY].lines);
    tr_put_str(&g->sink->ref_text, "ledger_break,");
    tr_put_str(&g->sink->ref_text, account);
    tr_put_char(&g->sink->ref_text, ',');
    tr_put_str(&g->sink->ref_text, tr_break_names[e->brk]);
    tr_sink_ref_end(g->sink);
    g->sink->ledger_breaks[TR_F_MOBILEMONEY]++;
    g->line_has_defect = 1;
}

/* The payee's side of a transfer self sends. */
static const struct tr_money_event *payee_side(struct tr_gen *g, const struct tr_money_event *e)
{
    struct tr_person payee;
    struct tr_contact contacts[TR_MAX_CONTACTS];
    tr_person_make(g->w, e->counterparty, &payee);
    int n = tr_contacts(g->w, payee.index, contacts);
    tr_ledger_build(g->w, &payee, contacts, n, &g->other);
    const struct tr_money_event *mine = tr_ledger_find(&g->other, e->t, e->id, 1);
    if (!mine) TR_DIE(TR_EXIT_INTERNAL, "generator: payee's ledger lacks a transfer (a bug)");
    return mine;
}

/* Where the payment was made: where self is then; a planted far payment far from the call
 * that placed self minutes before; sometimes not recorded. */
static int32_t payment_antenna(struct tr_gen *g, const struct tr_money_event *e)
{
    if (e->mark == TR_MARK_FAR) return tr_far_antenna(g->w, g->far_call.antenna, 400.0, e->id);
    if (tr_unit(tr_mix64(e->id ^ 0xa0761d6478bd642fULL)) < 0.08) return -1;
    return tr_location(g->w, &g->self, e->t, e->id);
}

static void note_fraud(struct tr_gen *g, const struct tr_money_event *e, int32_t antenna)
{
    const struct tr_ledger *l = &g->ledger;
    struct tr_textbuf *t = &g->sink->ref_text;
    static const char *const rule[] = {"", "account_takeover", "impossible_travel", "velocity",
                                       "dormant_then_active"};
    static const int kind[] = {0, TR_KIND_TAKEOVER, TR_KIND_FAR_PAYMENT, TR_KIND_BURST,
                               TR_KIND_DORMANT};
    /* Bursts and wake-ups are one case each: cite their first record. */
    for (int k = 0; k < l->n && (e->mark == TR_MARK_BURST || e->mark == TR_MARK_WAKE); k++)
        if (l->ev[k].mark == e->mark) {
            if (&l->ev[k] != e) return;
            break;
        }
    tr_sink_ref_begin(g->sink, TR_F_TRUTH_FRAUD, TR_F_MOBILEMONEY,
                      g->sink->buf[TR_F_MOBILEMONEY].lines);
    tr_put_str(t, rule[e->mark]);
    tr_put_char(t, ',');
    tr_put_str(t, g->self_id);
    tr_put_char(t, ',');
    tr_put_timestamp(t, e->t);
    tr_put_str(t, ",%L,");
    if (e->mark == TR_MARK_TAKEOVER) {
        tr_put_str(t, "swap=");
        tr_put_timestamp(t, tr_takeover_swap_time(g->w, &g->self));
        tr_put_str(t, ";cashout_share=");
        tr_put_fixed(t, (double)e->amount / (double)e->before, 3);
    } else if (e->mark == TR_MARK_FAR) {
        tr_put_str(t, "call=");
        tr_put_timestamp(t, g->far_call.t);
        tr_put_str(t, ";call_antenna=");
        tr_put_antenna(t, g->far_call.antenna);
        tr_put_str(t, ";payment_antenna=");
        tr_put_antenna(t, antenna);
        tr_put_str(t, ";km=");
        tr_put_fixed(t, tr_antenna_km(g->w, g->far_call.antenna, antenna), 1);
    } else {
        /* Count what a detector would see in the planted span: every payment (or cash-out) of
         * the account from the first planted one to the last, ordinary ones included. */
        int64_t last = e->t;
        for (int k = 0; k < l->n; k++)
            if (l->ev[k].mark == e->mark) last = l->ev[k].t;
        const uint8_t type = e->mark == TR_MARK_BURST ? TR_TXN_MERCHANT : TR_TXN_CASHOUT;
        int n = 0;
        for (int k = 0; k < l->n; k++)
            n += l->ev[k].type == type && l->ev[k].t >= e->t && l->ev[k].t <= last;
        tr_put_str(t, e->mark == TR_MARK_BURST ? "payments=" : "cashouts=");
        tr_put_u64(t, (uint64_t)n);
        tr_put_str(t, ";span_s=");
        tr_put_i64(t, last - e->t);
        if (e->mark == TR_MARK_WAKE) {
            tr_put_str(t, ";dormant_days=");
            tr_put_i64(t, g->self.dormant_until);
        }
    }
    tr_sink_ref_end(g->sink);
    g->sink->fraud[kind[e->mark]]++;
}

static void put_money_event(struct tr_gen *g, const struct tr_money_event *e)
{
    struct tr_textbuf *b = &g->line;
    const struct tr_money_event *payee = e->type == TR_TXN_P2P ? payee_side(g, e) : NULL;
    int32_t antenna = payment_antenna(g, e);
    if (e->brk) note_break(g, e, g->self_id);
    char payee_id[13] = "";
    if (payee) tr_msisdn(e->counterparty, payee_id);
    if (payee && payee->brk) note_break(g, payee, payee_id);
    if (e->mark) note_fraud(g, e, antenna);
    tr_put_char(b, 'T');
    put_hex16(b, e->id);
    tr_put_char(b, (char)('0' + e->suffix));
    tr_put_char(b, ',');
    tr_put_str(b, tr_txn_names[e->type]);
    tr_put_char(b, ',');
    if (e->sign < 0)
        tr_put_str(b, g->self_id);
    else
        put_party(b, e);
    tr_put_char(b, ',');
    if (payee)
        tr_put_str(b, payee_id);
    else if (e->sign < 0)
        put_party(b, e);
    else
        tr_put_str(b, g->self_id);
    tr_put_char(b, ',');
    tr_put_timestamp(b, e->t);
    tr_put_char(b, ',');
    tr_put_cents(b, e->amount);
    tr_put_char(b, ',');
    put_balances(b, e->sign < 0 ? e : NULL);
    tr_put_char(b, ',');
    put_balances(b, e->sign > 0 ? e : payee);
    tr_put_char(b, ',');
    if (antenna >= 0) tr_put_antenna(b, antenna);
}

void tr_emit_money(struct tr_gen *g)
{
    const struct tr_ledger *l = &g->ledger;
    for (int k = 0; k < l->n; k++) {
        const struct tr_money_event *e = &l->ev[k];
        if (e->type == TR_TXN_P2P && e->sign > 0) continue; /* the sender writes it */
        put_money_event(g, e);
        tr_gen_flush_line(g, TR_F_MOBILEMONEY, tr_mix64(e->id) ^ e->suffix);
    }
}
