/* The one-subscriber event tables: recharges (caller_id,amount,timestamp), mobiledata
 * (caller_id,volume,timestamp) and sim_swaps (subscriber_id,timestamp). */
#include "records/parse.h"

#include "records/tables.h"

static enum tr_reason convert_recharge(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                       const int *col, uint64_t order)
{
    int64_t t, amount;
    if (tr_parse_timestamp(TR_FIELD(f, col, 2), &t)) return TR_R_BAD_TIMESTAMP;
    const enum tr_reason why = tr_parse_money(TR_FIELD(f, col, 1), 0, &amount);
    if (why == TR_R_BAD_NUMBER) return why;
    if (tr_text_is_negative(TR_FIELD(f, col, 1))) return TR_R_NEGATIVE_VALUE;
    if (why == TR_R_BAD_VALUE || !tr_id_ok(TR_FIELD(f, col, 0))) return TR_R_BAD_VALUE;
    struct tr_recharge *r = tr_array_push(pc->out);
    r->self = tr_parse_id(pc, TR_FIELD(f, col, 0));
    r->t = t;
    r->order = order;
    r->line = pc->line_hash;
    r->amount = amount;
    return TR_ACCEPT;
}

static enum tr_reason convert_data(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                   const int *col, uint64_t order)
{
    int64_t t, kb;
    if (tr_parse_timestamp(TR_FIELD(f, col, 2), &t)) return TR_R_BAD_TIMESTAMP;
    const enum tr_reason why = tr_number_reason(tr_parse_fixed(TR_FIELD(f, col, 1), 3, &kb));
    if (why == TR_R_BAD_NUMBER) return why;
    if (tr_text_is_negative(TR_FIELD(f, col, 1))) return TR_R_NEGATIVE_VALUE;
    if (why == TR_R_BAD_VALUE || !tr_id_ok(TR_FIELD(f, col, 0))) return TR_R_BAD_VALUE;
    struct tr_data *r = tr_array_push(pc->out);
    r->self = tr_parse_id(pc, TR_FIELD(f, col, 0));
    r->t = t;
    r->order = order;
    r->line = pc->line_hash;
    r->volume = kb;
    return TR_ACCEPT;
}

static enum tr_reason convert_swap(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                   const int *col, uint64_t order)
{
    int64_t t;
    if (tr_parse_timestamp(TR_FIELD(f, col, 1), &t)) return TR_R_BAD_TIMESTAMP;
    if (!tr_id_ok(TR_FIELD(f, col, 0))) return TR_R_BAD_VALUE;
    struct tr_swap *r = tr_array_push(pc->out);
    r->self = tr_parse_id(pc, TR_FIELD(f, col, 0));
    r->t = t;
    r->order = order;
    r->line = pc->line_hash;
    return TR_ACCEPT;
}

const struct tr_schema tr_schema_recharges = {
    TR_T_RECHARGES,
    3,
    {"caller_id", "amount", "timestamp"},
    convert_recharge,
    sizeof(struct tr_recharge),
    0,
    {NULL},
};
const struct tr_schema tr_schema_mobiledata = {
    TR_T_MOBILEDATA,
    3,
    {"caller_id", "volume", "timestamp"},
    convert_data,
    sizeof(struct tr_data),
    0,
    {NULL},
};
const struct tr_schema tr_schema_sim_swaps = {
    TR_T_SIM_SWAPS, 2, {"subscriber_id", "timestamp"}, convert_swap, sizeof(struct tr_swap), 0,
    {NULL},
};
