#include "generate/sink.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
const struct tr_file_spec tr_gen_files[TR_F_COUNT] = {
    {"cdr.csv", "txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,recipient_antenna,international"},
    {"recharges.csv", "caller_id,amount,timestamp"},
    {"mobilemoney.csv", "txn_id,txn_type,caller_id,recipient_id,timestamp,amount,sender_balance_before,sender_balance_after,recipient_balance_before,recipient_balance_after,antenna_id"},
    {"mobiledata.csv", "caller_id,volume,timestamp"},
    {"subscribers.csv", "subscriber_id,region,activation_date,plan"},
    {"loans.csv", "loan_id,subscriber_id,product,issued,due,amount,outstanding,status,lgd,installments,rate,limit,origination_pd"},
    {"sim_swaps.csv", "subscriber_id,timestamp"},
    {"repayments.csv", "loan_id,timestamp,amount"},
    {"truth/subscribers.csv", "subscriber_id,region,pd,income,stability,regularity,wallet,kind,ledger_break,sim_swap,home_antenna,work_antenna,dormant_until"},
    {"truth/loans.csv", "loan_id,subscriber_id,product,after_window,status,eventual_default,pd,issued,installments,rate,limit,principal,issue_pd,cycle_year,default_day,open_at_observation,pd_12m,lgd,ead,ead_default,repayments"},
    {"truth/fraud.csv", "rule,subscriber_id,timestamp,table,line,evidence"},
    {"truth/defects.csv", "table,line,kind,subscriber_id,detail"},
};
/* clang-format on */

void tr_sink_init(struct tr_sink *s)
{
    memset(s, 0, sizeof *s);
    for (int f = 0; f < TR_F_COUNT; f++)
        tr_textbuf_init(&s->buf[f], 1 << 16);
    tr_textbuf_init(&s->ref_text, 1 << 12);
    s->cap_refs = 256;
    s->refs = TR_MALLOC(sizeof *s->refs * s->cap_refs);
}

void tr_sink_free(struct tr_sink *s)
{
    for (int f = 0; f < TR_F_COUNT; f++)
        tr_textbuf_free(&s->buf[f]);
    tr_textbuf_free(&s->ref_text);
    free(s->refs);
}

void tr_sink_clear_round(struct tr_sink *s)
{
    for (int f = 0; f < TR_F_COUNT; f++)
        tr_textbuf_clear(&s->buf[f]);
    tr_textbuf_clear(&s->ref_text);
    s->n_refs = 0;
}

void tr_sink_ref_begin(struct tr_sink *s, int target, int table, int64_t local_line)
{
    if (s->n_refs == s->cap_refs)
        s->refs = TR_REALLOC(s->refs, sizeof *s->refs * (s->cap_refs *= 2));
    s->refs[s->n_refs] =
        (struct tr_line_ref){(uint8_t)target, (uint8_t)table, local_line, s->ref_text.len, 0};
}

void tr_sink_ref_end(struct tr_sink *s)
{
    struct tr_line_ref *r = &s->refs[s->n_refs++];
    r->len = s->ref_text.len - r->text;
}

static const char *table_name(int table)
{
    static char names[TR_F_TABLES][32];
    if (!names[table][0]) {
        const char *p = tr_gen_files[table].path;
        size_t n = strcspn(p, ".");
        memcpy(names[table], p, n);
        names[table][n] = 0;
    }
    return names[table];
}

void tr_sink_resolve(struct tr_sink *s, const int64_t first_line[TR_F_COUNT])
{
    for (size_t k = 0; k < s->n_refs; k++) {
        const struct tr_line_ref *r = &s->refs[k];
        struct tr_textbuf *out = &s->buf[r->target];
        int64_t line = first_line[r->table] + r->local + 1; /* 1-based, header is line 1 */
        const char *text = s->ref_text.data + r->text;
        if (r->target == TR_F_TRUTH_DEFECTS) {
            tr_put_str(out, table_name(r->table));
            tr_put_char(out, ',');
            tr_put_i64(out, line);
            tr_put_char(out, ',');
            tr_put_mem(out, text, r->len);
        } else { /* fraud: "%L" marks where "table,line" goes */
            const char *mark = memchr(text, '%', r->len);
            size_t head = mark ? (size_t)(mark - text) : r->len;
            tr_put_mem(out, text, head);
            if (mark) {
                tr_put_str(out, table_name(r->table));
                tr_put_char(out, ',');
                tr_put_i64(out, line);
                tr_put_mem(out, mark + 2, r->len - head - 2);
            }
        }
        tr_put_eol(out);
    }
}
