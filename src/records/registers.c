/* The reference tables: antennas (antenna_id,tower_id,latitude,longitude,region), subscribers
 * (subscriber_id,region,activation_date,plan) and loans (loan_id,subscriber_id,product,issued,
 * due,amount,outstanding,status,lgd). */
#include "records/parse.h"

#include "records/antenna_index.h"
#include "records/ingest.h"
#include "records/tables.h"

#include <math.h>
#include <string.h>

static enum tr_reason convert_antenna(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                      const int *col, uint64_t order)
{
    double lat, lon;
    if (tr_parse_double(TR_FIELD(f, col, 2), &lat) || tr_parse_double(TR_FIELD(f, col, 3), &lon))
        return TR_R_BAD_NUMBER;
    if (fabs(lat) > 90 || fabs(lon) > 180) return TR_R_BAD_VALUE;
    const size_t id_len = f->len[col[0]], tower_len = f->len[col[1]], region_len = f->len[col[4]];
    struct tr_antenna_rec *r;
    /* An antenna without a region would make a region named "" (and a subscriber placed by it
     * would land there). */
    if (id_len == 0 || id_len >= sizeof r->id || tower_len >= sizeof r->tower || region_len == 0 ||
        region_len >= 32)
        return TR_R_BAD_VALUE;
    /* The ids and the region reach the run file's UTF-8 strings (/regions, the alerts' evidence):
     * a Latin-1 region name there breaks every reader that decodes it. */
    if (!tr_utf8_valid(TR_FIELD(f, col, 0)) || !tr_utf8_valid(TR_FIELD(f, col, 1)) ||
        !tr_utf8_valid(TR_FIELD(f, col, 4)))
        return TR_R_BAD_ENCODING;
    r = tr_array_push(pc->out);
    memset(r, 0, sizeof *r);
    memcpy(r->id, f->p[col[0]], id_len);
    memcpy(r->tower, f->p[col[1]], tower_len);
    r->lat = lat;
    r->lon = lon;
    r->order = order;
    r->line = pc->line_hash;
    const size_t len = (size_t)(f->p[f->n - 1] + f->len[f->n - 1] - f->p[0]);
    tr_mask_excerpt(f->p[0], len, 0, r->excerpt); /* no id field: antenna and tower ids are kept */
    /* Regions are numbered once every antenna is known (sorted names); keep the name's place. */
    r->region = -1;
    memcpy(r->region_name, f->p[col[4]], region_len);
    return TR_ACCEPT;
}

static enum tr_reason convert_subscriber(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                         const int *col, uint64_t order)
{
    static const char *const plans[] = {"prepaid", "postpaid", NULL};
    int64_t activation;
    if (tr_parse_date_n(TR_FIELD(f, col, 2), &activation)) return TR_R_BAD_TIMESTAMP;
    int plan = tr_word_index(TR_FIELD(f, col, 3), plans);
    int32_t region = -1;
    if (f->len[col[1]] > 0) region = tr_region_find(pc->regions, TR_FIELD(f, col, 1));
    if (plan < 0 || (f->len[col[1]] > 0 && region < 0) || !tr_id_ok(TR_FIELD(f, col, 0)))
        return TR_R_BAD_VALUE;
    struct tr_subscriber *r = tr_array_push(pc->out);
    memset(r, 0, sizeof *r);
    r->self = tr_parse_id(pc, TR_FIELD(f, col, 0));
    r->order = order;
    r->line = pc->line_hash;
    r->region = region;
    r->activation = (int32_t)activation;
    r->plan = (uint8_t)plan;
    r->holdout = pc->draw ? (uint8_t)tr_holdout_drawn(pc->draw, TR_FIELD(f, col, 0)) : 0;
    return TR_ACCEPT;
}

const char *const tr_product_names[4] = {"microloan", "revolving", "mortgage", NULL};
/* written_off and restructured: the lender's unlikeliness-to-pay events (docs/credit.md). */
const char *const tr_status_names[6] = {"repaid",      "default",      "open",
                                        "written_off", "restructured", NULL};

static enum tr_reason convert_loan(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                   const int *col, uint64_t order)
{
    int64_t issued, due, amount, outstanding, lgd_milli = -1;
    double pd = NAN;
    const int has_pd = col[9] >= 0 && f->len[col[9]] > 0; /* the optional pd column */
    if (tr_parse_date_n(TR_FIELD(f, col, 3), &issued) || tr_parse_date_n(TR_FIELD(f, col, 4), &due))
        return TR_R_BAD_TIMESTAMP;
    const enum tr_reason ra = tr_parse_money(TR_FIELD(f, col, 5), 0, &amount),
                         ro = tr_parse_money(TR_FIELD(f, col, 6), 0, &outstanding);
    enum tr_reason rl = TR_ACCEPT;
    if (f->len[col[8]] > 0)
        rl = tr_number_reason(tr_parse_fixed(TR_FIELD(f, col, 8), 6, &lgd_milli));
    if (ra == TR_R_BAD_NUMBER || ro == TR_R_BAD_NUMBER || rl == TR_R_BAD_NUMBER)
        return TR_R_BAD_NUMBER;
    if (has_pd && tr_parse_double(TR_FIELD(f, col, 9), &pd)) return TR_R_BAD_NUMBER;
    /* Every sign before any domain (docs/formats.md's order): a PD of 1.5 does not hide a
     * negative amount. */
    if ((has_pd && tr_text_is_negative(TR_FIELD(f, col, 9))) ||
        tr_text_is_negative(TR_FIELD(f, col, 5)) || tr_text_is_negative(TR_FIELD(f, col, 6)) ||
        tr_text_is_negative(TR_FIELD(f, col, 8)))
        return TR_R_NEGATIVE_VALUE;
    int product = tr_word_index(TR_FIELD(f, col, 2), tr_product_names);
    int status = tr_word_index(TR_FIELD(f, col, 7), tr_status_names);
    if (product < 0 || status < 0 || ra != TR_ACCEPT || ro != TR_ACCEPT || rl != TR_ACCEPT ||
        lgd_milli > 1000000 || (has_pd && !(pd > 0 && pd < 1)) || /* a PD strictly in (0, 1) */
        !tr_id_ok(TR_FIELD(f, col, 0)) || !tr_id_ok(TR_FIELD(f, col, 1)))
        return TR_R_BAD_VALUE;
    /* Each field valid, the loan impossible: due before it is issued (or the same day: no term),
     * or owing more than a multiple of what it lent (one such line quadrupled a book's stressed
     * EAD). The cents are exact in a double (at most 10^14). */
    if (due <= issued || (double)outstanding > pc->max_outstanding_ratio * (double)amount)
        return TR_R_INCONSISTENT_FIELDS;
    struct tr_loan_rec *r = tr_array_push(pc->out);
    memset(r, 0, sizeof *r);
    r->self = tr_parse_id(pc, TR_FIELD(f, col, 1));
    r->order = order;
    r->line = pc->line_hash;
    r->loan = tr_keyhash(pc->kh, TR_FIELD(f, col, 0));
    r->issued = (int32_t)issued;
    r->due = (int32_t)due;
    r->amount = amount;
    r->outstanding = outstanding;
    r->lgd = f->len[col[8]] > 0 ? (double)lgd_milli / 1e6 : NAN;
    r->pd = pd;
    r->product = (uint8_t)product;
    r->status = (uint8_t)status;
    return TR_ACCEPT;
}

const struct tr_schema tr_schema_antennas = {
    TR_T_ANTENNAS,
    5,
    {"antenna_id", "tower_id", "latitude", "longitude", "region"},
    convert_antenna,
    sizeof(struct tr_antenna_rec),
    0,
    {NULL},
};
const struct tr_schema tr_schema_subscribers = {
    TR_T_SUBSCRIBERS,
    4,
    {"subscriber_id", "region", "activation_date", "plan"},
    convert_subscriber,
    sizeof(struct tr_subscriber),
    0,
    {NULL},
};
const struct tr_schema tr_schema_loans = {
    TR_T_LOANS,
    9,
    {"loan_id", "subscriber_id", "product", "issued", "due", "amount", "outstanding", "status",
     "lgd"},
    convert_loan,
    sizeof(struct tr_loan_rec),
    1,
    {"pd"},
};
