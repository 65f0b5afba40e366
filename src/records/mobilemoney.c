/* mobilemoney: txn_id,txn_type,caller_id,recipient_id,timestamp,amount,sender_balance_before,
 * sender_balance_after,recipient_balance_before,recipient_balance_after,antenna_id. Each line gives
 * two records: the caller's (sender's) copy, then the recipient's, with the balances swapped. */
#include "records/parse.h"

#include "records/tables.h"

enum { TXN, TYPE, CALLER, RECIPIENT, TIME, AMOUNT, SB, SA, RB, RA, ANTENNA };

static enum tr_reason convert(struct tr_parse_ctx *pc, const struct tr_fields *f, const int *col,
                              uint64_t order)
{
    int type = tr_word_index(TR_FIELD(f, col, TYPE), tr_txn_type_names);
    if (type < 0) return TR_R_UNKNOWN_TXN_TYPE;
    int64_t t;
    if (tr_parse_timestamp(TR_FIELD(f, col, TIME), &t)) return TR_R_BAD_TIMESTAMP;
    int64_t v[5]; /* amount and the four balances */
    int out_of_range = 0;
    for (int k = 0; k < 5; k++) {
        const enum tr_reason r = tr_parse_money(TR_FIELD(f, col, AMOUNT + k), k > 0, &v[k]);
        if (r == TR_R_BAD_NUMBER) return r;
        out_of_range |= r == TR_R_BAD_VALUE;
    }
    for (int k = 0; k < 5; k++)
        if (tr_text_is_negative(TR_FIELD(f, col, AMOUNT + k))) return TR_R_NEGATIVE_VALUE;
    if (out_of_range || !tr_id_ok(TR_FIELD(f, col, CALLER)) ||
        !tr_id_ok(TR_FIELD(f, col, RECIPIENT)) || !tr_id_ok(TR_FIELD(f, col, TXN)))
        return TR_R_BAD_VALUE;

    struct tr_money *r = tr_array_push2(pc->out);
    r->self = tr_parse_party(pc, 0, TR_FIELD(f, col, CALLER));
    r->other = tr_parse_party(pc, 1, TR_FIELD(f, col, RECIPIENT));
    r->t = t;
    r->order = order;
    r->line = pc->line_hash;
    r->amount = v[0];
    r->balance_before = v[1];
    r->balance_after = v[2];
    r->other_before = v[3];
    r->other_after = v[4];
    r->txn = tr_keyhash(pc->kh, TR_FIELD(f, col, TXN));
    r->antenna = tr_parse_antenna(pc, TR_FIELD(f, col, ANTENNA));
    pc->stats->unknown_antenna += r->antenna == TR_UNKNOWN_ANTENNA;
    r->type = (uint8_t)type;
    r->outgoing = 1;
    r->pad[0] = r->pad[1] = 0;
    tr_money_recipient(r, r + 1);
    return TR_ACCEPT;
}

void tr_money_recipient(const struct tr_money *caller, struct tr_money *out)
{
    *out = *caller;
    out->self = caller->other, out->other = caller->self;
    out->balance_before = caller->other_before, out->balance_after = caller->other_after;
    out->other_before = caller->balance_before, out->other_after = caller->balance_after;
    out->outgoing = 0;
}

const struct tr_schema tr_schema_mobilemoney = {
    TR_T_MOBILEMONEY,
    11,
    {"txn_id", "txn_type", "caller_id", "recipient_id", "timestamp", "amount",
     "sender_balance_before", "sender_balance_after", "recipient_balance_before",
     "recipient_balance_after", "antenna_id"},
    convert,
    sizeof(struct tr_money),
    0,
    {NULL},
};
