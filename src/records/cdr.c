/* cdr: txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,recipient_antenna,
 * international. Each line gives two records: the caller's copy, then the recipient's. */
#include "records/parse.h"

#include "records/tables.h"

enum { TYPE, CALLER, RECIPIENT, TIME, DURATION, CALLER_ANTENNA, RECIPIENT_ANTENNA, INTERNATIONAL };

static enum tr_reason convert(struct tr_parse_ctx *pc, const struct tr_fields *f, const int *col,
                              uint64_t order)
{
    static const char *const types[] = {"call", "text", NULL};
    int type = tr_word_index(TR_FIELD(f, col, TYPE), types);
    if (type < 0) return TR_R_UNKNOWN_TXN_TYPE;
    int64_t t;
    if (tr_parse_timestamp(TR_FIELD(f, col, TIME), &t)) return TR_R_BAD_TIMESTAMP;
    /* Numbers first (bad_number), then signs (negative_value), then values (bad_value). A text
     * may leave its duration empty; a call may not. International may be empty (then 0). */
    const int text = type == 1;
    const int has_duration = f->len[col[DURATION]] > 0;
    int64_t duration = -1, international_milli = 0;
    /* A number too large to hold is a value out of range (bad_value, after the signs). */
    enum tr_reason d = TR_ACCEPT, i = TR_ACCEPT;
    if (has_duration || !text)
        d = tr_number_reason(tr_parse_fixed(TR_FIELD(f, col, DURATION), 0, &duration));
    if (f->len[col[INTERNATIONAL]] > 0)
        i = tr_number_reason(
            tr_parse_fixed(TR_FIELD(f, col, INTERNATIONAL), 3, &international_milli));
    if (d == TR_R_BAD_NUMBER || i == TR_R_BAD_NUMBER) return TR_R_BAD_NUMBER;
    if (tr_text_is_negative(TR_FIELD(f, col, DURATION)) ||
        tr_text_is_negative(TR_FIELD(f, col, INTERNATIONAL)))
        return TR_R_NEGATIVE_VALUE;
    if (d != TR_ACCEPT || i != TR_ACCEPT || duration > INT32_MAX ||
        (international_milli != 0 && international_milli != 1000))
        return TR_R_BAD_VALUE;
    if (!tr_id_ok(TR_FIELD(f, col, CALLER)) || !tr_id_ok(TR_FIELD(f, col, RECIPIENT)))
        return TR_R_BAD_VALUE;
    const int international = international_milli == 1000;

    const uint64_t caller = tr_parse_party(pc, 0, TR_FIELD(f, col, CALLER));
    const uint64_t recipient = tr_parse_party(pc, 1, TR_FIELD(f, col, RECIPIENT));
    const int32_t caller_antenna = tr_parse_party_antenna(pc, 0, TR_FIELD(f, col, CALLER_ANTENNA));
    const int32_t recipient_antenna =
        tr_parse_party_antenna(pc, 1, TR_FIELD(f, col, RECIPIENT_ANTENNA));
    pc->stats->unknown_antenna +=
        (caller_antenna == TR_UNKNOWN_ANTENNA) | (recipient_antenna == TR_UNKNOWN_ANTENNA);
    tr_cdr_pair(tr_array_push2(pc->out), caller, recipient, order, t,
                has_duration || !text ? (int32_t)duration : -1, caller_antenna, recipient_antenna,
                (uint32_t)pc->line_hash, text, international);
    return TR_ACCEPT;
}

void tr_cdr_pair(struct tr_cdr out[2], uint64_t caller, uint64_t recipient, uint64_t order,
                 int64_t t, int32_t duration, int32_t caller_antenna, int32_t recipient_antenna,
                 uint32_t line, int text, int international)
{
    out[0] = (struct tr_cdr){.self = caller,
                             .other = recipient,
                             .order = order,
                             .t = t,
                             .antenna_self = caller_antenna,
                             .duration = duration,
                             .line = line & TR_CDR_LINE_MASK,
                             .text = (uint32_t)(text != 0),
                             .international = (uint32_t)(international != 0),
                             .outgoing = 1};
    out[1] = out[0];
    out[1].self = recipient, out[1].other = caller;
    out[1].antenna_self = recipient_antenna;
    out[1].outgoing = 0;
}

const struct tr_schema tr_schema_cdr = {
    TR_T_CDR,
    8,
    {"txn_type", "caller_id", "recipient_id", "timestamp", "duration", "caller_antenna",
     "recipient_antenna", "international"},
    convert,
    sizeof(struct tr_cdr),
    0,
    {NULL},
};
