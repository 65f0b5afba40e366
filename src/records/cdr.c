/* cdr: txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,recipient_antenna,
 * international. Parsed as the caller's copy; partitioning makes the recipient's. */
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
    int64_t duration = -1;
    const int text = type == 1;
    if (f->len[col[DURATION]] > 0 || !text) {
        if (tr_parse_fixed(TR_FIELD(f, col, DURATION), 0, &duration)) return TR_R_BAD_NUMBER;
        if (duration > INT32_MAX) return TR_R_BAD_VALUE;
    }
    int64_t international = 0;
    if (f->len[col[INTERNATIONAL]] > 0 && tr_parse_fixed(TR_FIELD(f, col, INTERNATIONAL), 0, &international))
        return TR_R_BAD_NUMBER;
    if (duration < -1 || (duration < 0 && !text)) return TR_R_NEGATIVE_VALUE;
    if (international != 0 && international != 1) return TR_R_BAD_VALUE;
    if (f->len[col[CALLER]] == 0 || f->len[col[RECIPIENT]] == 0) return TR_R_BAD_VALUE;

    struct tr_cdr *r = tr_array_push(pc->out);
    r->self = tr_parse_id(pc, TR_FIELD(f, col, CALLER));
    r->other = tr_parse_id(pc, TR_FIELD(f, col, RECIPIENT));
    r->t = t;
    r->order = order;
    r->duration = text && f->len[col[DURATION]] == 0 ? -1 : (int32_t)duration;
    r->antenna_self = tr_parse_antenna(pc, TR_FIELD(f, col, CALLER_ANTENNA));
    r->antenna_other = tr_parse_antenna(pc, TR_FIELD(f, col, RECIPIENT_ANTENNA));
    pc->stats->unknown_antenna +=
        (r->antenna_self == TR_UNKNOWN_ANTENNA) | (r->antenna_other == TR_UNKNOWN_ANTENNA);
    r->text = (uint8_t)text;
    r->international = (uint8_t)international;
    r->outgoing = 1;
    r->pad = 0;
    return TR_ACCEPT;
}

const struct tr_schema tr_schema_cdr = {
    TR_T_CDR,
    8,
    {"txn_type", "caller_id", "recipient_id", "timestamp", "duration", "caller_antenna",
     "recipient_antenna", "international"},
    convert,
    sizeof(struct tr_cdr),
};
