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
const char *const tr_status_names[6] = {"repaid",      "default",      "open",
                                        "written_off", "restructured", NULL};

/* The ledger's optional columns (installments, rate, limit: docs/credit.md section 1), parsed, and
 * the first reason each stage of docs/formats.md's order finds in them: a line's reason is the
 * first over all its fields, so the converter merges these with the required columns' stage by
 * stage. */
struct loan_terms {
    int64_t installments;  /* 1 when empty */
    int integral;          /* installments has no non-zero decimal */
    double rate;           /* NaN when empty */
    int64_t limit;         /* cents; -1 when empty */
    double origination_pd; /* NaN when empty */
    int bad_number, negative, bad_value;
};

/* Whether a number's text has a non-zero digit after its point ("2.5" is no count, "2.0" is 2). */
static int has_fraction(const char *s, size_t n)
{
    const char *dot = memchr(s, '.', n);
    for (const char *p = dot ? dot + 1 : s + n; p < s + n; p++)
        if (*p != '0') return 1;
    return 0;
}

static void parse_terms(const struct tr_fields *f, const int *col, struct loan_terms *t)
{
    *t = (struct loan_terms){
        .installments = 1, .integral = 1, .rate = NAN, .limit = -1, .origination_pd = NAN};
    if (col[10] >= 0 && f->len[col[10]] > 0) {
        int64_t milli;
        const int got = tr_parse_fixed(TR_FIELD(f, col, 10), 6, &milli);
        t->bad_number |= got == 1, t->bad_value |= got == 2;
        t->negative |= tr_text_is_negative(TR_FIELD(f, col, 10));
        t->integral = !has_fraction(TR_FIELD(f, col, 10));
        t->installments = got == 0 ? milli / 1000000 : 0;
    }
    if (col[11] >= 0 && f->len[col[11]] > 0) {
        t->bad_number |= tr_parse_double(TR_FIELD(f, col, 11), &t->rate) != 0;
        t->negative |= tr_text_is_negative(TR_FIELD(f, col, 11));
        t->bad_value |= !(t->rate < 10); /* 1000% a year is no lender's rate: a unit slip */
    }
    if (col[12] >= 0 && f->len[col[12]] > 0) {
        const enum tr_reason r = tr_parse_money(TR_FIELD(f, col, 12), 0, &t->limit);
        t->bad_number |= r == TR_R_BAD_NUMBER, t->bad_value |= r == TR_R_BAD_VALUE;
        t->negative |= tr_text_is_negative(TR_FIELD(f, col, 12));
    }
    if (col[13] >= 0 && f->len[col[13]] > 0) { /* a PD strictly in (0, 1), as the pd column's */
        t->bad_number |= tr_parse_double(TR_FIELD(f, col, 13), &t->origination_pd) != 0;
        t->negative |= tr_text_is_negative(TR_FIELD(f, col, 13));
        t->bad_value |= !(t->origination_pd > 0 && t->origination_pd < 1);
    }
}

/* The fields together, each valid (inconsistent_fields): due before it is issued (or the same day:
 * no term), owing more than a multiple of what it lent (one such line quadrupled a book's stressed
 * EAD), a limit below what is drawn, or a limit on a loan that is no credit line. The cents are
 * exact in a double (at most 10^14). */
static int loan_inconsistent(const struct tr_parse_ctx *pc, int64_t issued, int64_t due,
                             int64_t amount, int64_t outstanding, int product,
                             const struct loan_terms *t)
{
    return due <= issued || (double)outstanding > pc->max_outstanding_ratio * (double)amount ||
           (t->limit >= 0 && (t->limit < outstanding || product != TR_REVOLVE));
}

/* A schedule that does not add up (bad_schedule): no installment, part of one, or more
 * installments than the term has days (two would fall due on one day). */
static int schedule_bad(int64_t issued, int64_t due, const struct loan_terms *t)
{
    return !t->integral || t->installments < 1 || t->installments > due - issued;
}

static void fill_loan(struct tr_loan_rec *r, struct tr_parse_ctx *pc, const struct tr_fields *f,
                      const int *col, uint64_t order)
{
    memset(r, 0, sizeof *r); /* padding too: records travel and are checkpointed as bytes */
    r->self = tr_parse_id(pc, TR_FIELD(f, col, 1));
    r->order = order;
    r->line = pc->line_hash;
    r->loan = tr_keyhash(pc->kh, TR_FIELD(f, col, 0));
}

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
    struct loan_terms t;
    parse_terms(f, col, &t);
    if (ra == TR_R_BAD_NUMBER || ro == TR_R_BAD_NUMBER || rl == TR_R_BAD_NUMBER || t.bad_number)
        return TR_R_BAD_NUMBER;
    if (has_pd && tr_parse_double(TR_FIELD(f, col, 9), &pd)) return TR_R_BAD_NUMBER;
    /* Every sign before any domain (docs/formats.md's order): a PD of 1.5 does not hide a
     * negative amount. */
    if ((has_pd && tr_text_is_negative(TR_FIELD(f, col, 9))) ||
        tr_text_is_negative(TR_FIELD(f, col, 5)) || tr_text_is_negative(TR_FIELD(f, col, 6)) ||
        tr_text_is_negative(TR_FIELD(f, col, 8)) || t.negative)
        return TR_R_NEGATIVE_VALUE;
    int product = tr_word_index(TR_FIELD(f, col, 2), tr_product_names);
    int status = tr_word_index(TR_FIELD(f, col, 7), tr_status_names);
    if (product < 0 || status < 0 || ra != TR_ACCEPT || ro != TR_ACCEPT || rl != TR_ACCEPT ||
        lgd_milli > 1000000 || (has_pd && !(pd > 0 && pd < 1)) || /* a PD strictly in (0, 1) */
        t.bad_value || !tr_id_ok(TR_FIELD(f, col, 0)) || !tr_id_ok(TR_FIELD(f, col, 1)))
        return TR_R_BAD_VALUE;
    if (loan_inconsistent(pc, issued, due, amount, outstanding, product, &t))
        return TR_R_INCONSISTENT_FIELDS;
    if (schedule_bad(issued, due, &t)) return TR_R_BAD_SCHEDULE;
    struct tr_loan_rec *r = tr_array_push(pc->out);
    fill_loan(r, pc, f, col, order);
    r->issued = (int32_t)issued;
    r->due = (int32_t)due;
    r->amount = amount;
    r->outstanding = outstanding;
    r->lgd = f->len[col[8]] > 0 ? (double)lgd_milli / 1e6 : NAN;
    r->pd = pd;
    r->product = (uint8_t)product;
    r->status = (uint8_t)status;
    r->installments = (int32_t)t.installments;
    r->rate = t.rate;
    r->limit = t.limit;
    r->origination_pd = t.origination_pd;
    return TR_ACCEPT;
}

/* A payment received on a loan: its loan's key stands in for the subscriber until the join
 * (tables.h: struct tr_repayment). A payment of nothing is no payment (bad_value). */
static enum tr_reason convert_repayment(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                        const int *col, uint64_t order)
{
    int64_t t, amount;
    if (tr_parse_timestamp(TR_FIELD(f, col, 1), &t)) return TR_R_BAD_TIMESTAMP;
    const enum tr_reason ra = tr_parse_money(TR_FIELD(f, col, 2), 0, &amount);
    if (ra == TR_R_BAD_NUMBER) return ra;
    if (tr_text_is_negative(TR_FIELD(f, col, 2))) return TR_R_NEGATIVE_VALUE;
    if (ra != TR_ACCEPT || amount <= 0 || !tr_id_ok(TR_FIELD(f, col, 0))) return TR_R_BAD_VALUE;
    struct tr_repayment *r = tr_array_push(pc->out);
    memset(r, 0, sizeof *r);
    r->loan = tr_keyhash(pc->kh, TR_FIELD(f, col, 0));
    r->self = r->loan;
    r->t = t;
    r->amount = amount;
    r->order = order;
    r->line = pc->line_hash;
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
    5,
    {"pd", "installments", "rate", "limit", "origination_pd"},
};
const struct tr_schema tr_schema_repayments = {
    TR_T_REPAYMENTS,
    3,
    {"loan_id", "timestamp", "amount"},
    convert_repayment,
    sizeof(struct tr_repayment),
    0,
    {NULL},
};
