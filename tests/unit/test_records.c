/* records/: every table's converter through tr_parse_line and a header map (the record fields,
 * each reject reason, the reason order of docs/formats.md), header matching by name, unknown
 * antennas, the reject excerpt's masking, and tr_ingest on a small directory of tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/keyhash.h"
#include "partition/exchange.h"
#include "records/ingest.h"
#include "records/parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ fixture */

static struct tr_keyhash kh;

/* Three antennas; the index maps their ids to 0, 1, 2. */
static struct tr_antenna_rec antennas[3];
static struct tr_antenna_index aix;

/* The run's regions, sorted. */
static char region_names[3][32] = {"Coast", "Nairobi", "Rift"};
static const struct tr_region_list regions = {3, region_names};

static int setup(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    char err[256] = "";
    if (tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err)) return 1;
    memset(antennas, 0, sizeof antennas);
    strcpy(antennas[0].id, "ANT001");
    strcpy(antennas[1].id, "ANT002");
    strcpy(antennas[2].id, "ANT003");
    tr_antenna_index_build(&aix, antennas, 3);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tr_antenna_index_free(&aix);
    return 0;
}

static uint64_t key(const char *id)
{
    return tr_keyhash(&kh, id, strlen(id));
}

/* One table being parsed: its schema, header map, stats and records. */
struct table {
    const struct tr_schema *s;
    struct tr_header_map map;
    struct tr_file_stats stats;
    struct tr_array out;
    struct tr_parse_ctx pc;
};

static void open_table(struct table *t, const struct tr_schema *s, const char *header)
{
    memset(t, 0, sizeof *t);
    t->s = s;
    char err[512] = "";
    if (tr_header_map(s, header, strlen(header), &t->map, err, sizeof err))
        fail_msg("header '%s': %s", header, err);
    tr_array_init(&t->out, s->record_size);
    t->pc = (struct tr_parse_ctx){.kh = &kh,
                                  .antennas = &aix,
                                  .regions = &regions,
                                  .stats = &t->stats,
                                  .out = &t->out,
                                  .max_outstanding_ratio = 2};
}

static void open_default(struct table *t, const struct tr_schema *s)
{
    char header[512] = "";
    for (int k = 0; k < s->n_cols; k++) {
        if (k) strcat(header, ",");
        strcat(header, s->cols[k]);
    }
    open_table(t, s, header);
}

static void close_table(struct table *t)
{
    tr_array_free(&t->out);
}

static enum tr_reason feed_n(struct table *t, const char *line, size_t len, uint64_t order)
{
    size_t before = t->out.n;
    enum tr_reason r = tr_parse_line(&t->pc, t->s, &t->map, line, len, order);
    /* A rejected line must leave no record behind; an accepted one exactly one, or one per
     * party (the caller's and the recipient's copies) for the two-party tables. */
    const size_t per_line = t->s->table == TR_T_CDR || t->s->table == TR_T_MOBILEMONEY ? 2 : 1;
    assert_int_equal(t->out.n, before + (r == TR_ACCEPT) * per_line);
    return r;
}

static enum tr_reason feed_at(struct table *t, const char *line, uint64_t order)
{
    return feed_n(t, line, strlen(line), order);
}

static enum tr_reason feed(struct table *t, const char *line)
{
    return feed_at(t, line, 99);
}

/* Asserts line gets reason want on table s (default header). */
static void expect_reason(const struct tr_schema *s, const char *line, enum tr_reason want)
{
    struct table t;
    open_default(&t, s);
    enum tr_reason got = feed(&t, line);
    if (got != want)
        fail_msg("%s line '%s': %s, want %s", tr_table_names[s->table], line, tr_reason_names[got],
                 tr_reason_names[want]);
    close_table(&t);
}

static void *last(struct table *t)
{
    assert_true(t->out.n > 0);
    return tr_array_at(&t->out, t->out.n - 1);
}

/* A two-party line gives the caller's copy, then the recipient's (last). */
static void *caller_copy(struct table *t)
{
    assert_true(t->out.n > 1);
    return tr_array_at(&t->out, t->out.n - 2);
}

/* ------------------------------------------------------------------ valid lines */

static void test_cdr_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_cdr);
    assert_int_equal(
        feed_at(&t, "call,+254700000001,+254700000002,2020-01-01 00:01:05,65,ANT001,ANT003,0",
                tr_order(3, 1234)),
        TR_ACCEPT);
    assert_int_equal(t.out.n, 2);
    const struct tr_cdr *c = caller_copy(&t), *r = last(&t);
    assert_true(c->self == key("+254700000001"));
    assert_true(c->other == key("+254700000002"));
    assert_true(c->self != c->other);
    assert_true(c->t == 1577836800 + 65);
    assert_true(c->order == ((3ULL << 40) | 1234));
    assert_int_equal(c->duration, 65);
    assert_int_equal(c->antenna_self, 0);
    assert_int_equal(c->text, 0);
    assert_int_equal(c->international, 0);
    assert_int_equal(c->outgoing, 1);
    /* The recipient's copy: the parties and antennas swapped, the rest the same. */
    assert_true(r->self == c->other && r->other == c->self);
    assert_int_equal(r->antenna_self, 2);
    assert_int_equal(r->outgoing, 0);
    assert_true(r->t == c->t && r->order == c->order && r->duration == c->duration);
    assert_true(r->line == c->line && r->text == c->text && r->international == c->international);

    /* A text with an empty duration; empty recipient antenna (a foreign party). */
    assert_int_equal(feed(&t, "text,A,B,2020-01-01 00:00:01,,ANT002,,1"), TR_ACCEPT);
    c = caller_copy(&t);
    assert_int_equal(c->text, 1);
    assert_int_equal(c->duration, -1);
    assert_int_equal(c->antenna_self, 1);
    assert_int_equal(((const struct tr_cdr *)last(&t))->antenna_self, TR_NO_ANTENNA);
    assert_int_equal(c->international, 1);
    /* A text may carry a duration (0), and a call of 0 seconds is valid. */
    assert_int_equal(feed(&t, "text,A,B,2020-01-01 00:00:01,0,,,0"), TR_ACCEPT);
    assert_int_equal(((const struct tr_cdr *)last(&t))->duration, 0);
    assert_int_equal(feed(&t, "call,A,B,2020-01-01 00:00:01,0,,,0"), TR_ACCEPT);
    assert_int_equal(((const struct tr_cdr *)last(&t))->duration, 0);
    assert_int_equal(t.stats.unknown_antenna, 0);
    close_table(&t);
}

static void test_recharge_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_recharges);
    assert_int_equal(feed_at(&t, "S1,100.50,2020-01-01 08:00:00", 7), TR_ACCEPT);
    const struct tr_recharge *r = last(&t);
    assert_true(r->self == key("S1"));
    assert_true(r->amount == 10050);
    assert_true(r->t == 1577836800 + 8 * 3600);
    assert_true(r->order == 7);
    assert_int_equal(feed(&t, "S2,0,2020-01-01 08:00:00"), TR_ACCEPT); /* >= 0: zero is fine */
    assert_true(((const struct tr_recharge *)last(&t))->amount == 0);
    close_table(&t);
}

static void test_money_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_mobilemoney);
    assert_int_equal(
        feed_at(&t, "TX1,p2p,S1,S2,2020-01-02 10:00:00,250.00,1000.00,750.00,20.00,270.00,ANT002",
                tr_order(1, 50)),
        TR_ACCEPT);
    const struct tr_money *m = caller_copy(&t), *q = last(&t);
    /* The recipient's copy: parties and balances swapped. */
    assert_true(q->self == key("S2") && q->other == key("S1") && q->outgoing == 0);
    assert_true(q->balance_before == 2000 && q->balance_after == 27000);
    assert_true(q->other_before == 100000 && q->other_after == 75000);
    assert_true(q->amount == 25000 && q->txn == key("TX1") && q->order == tr_order(1, 50));
    assert_true(m->self == key("S1"));
    assert_true(m->other == key("S2"));
    assert_true(m->t == 1577836800 + 86400 + 10 * 3600);
    assert_true(m->order == tr_order(1, 50));
    assert_true(m->amount == 25000);
    assert_true(m->balance_before == 100000);
    assert_true(m->balance_after == 75000);
    assert_true(m->other_before == 2000);
    assert_true(m->other_after == 27000);
    assert_true(m->txn == key("TX1"));
    assert_int_equal(m->antenna, 1);
    assert_int_equal(m->type, TR_P2P);
    assert_int_equal(m->outgoing, 1);

    /* A cash-in: the agent's balances are empty, the antenna too. */
    assert_int_equal(feed(&t, "TX2,cashin,AG00001,S2,2020-01-02 11:00:00,50,,,270.00,320.00,"),
                     TR_ACCEPT);
    m = caller_copy(&t);
    assert_int_equal(m->type, TR_CASHIN);
    assert_true(m->amount == 5000);
    assert_true(m->balance_before == TR_NO_BALANCE);
    assert_true(m->balance_after == TR_NO_BALANCE);
    assert_true(m->other_before == 27000);
    assert_true(m->other_after == 32000);
    assert_int_equal(m->antenna, TR_NO_ANTENNA);
    /* Every listed type is known, at its enum index. */
    for (int k = 0; k < TR_TXN_TYPES; k++) {
        char line[160];
        snprintf(line, sizeof line, "TX9,%s,A,B,2020-01-02 11:00:00,1,,,,,", tr_txn_type_names[k]);
        assert_int_equal(feed(&t, line), TR_ACCEPT);
        assert_int_equal(((const struct tr_money *)last(&t))->type, k);
    }
    close_table(&t);
}

static void test_data_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_mobiledata);
    assert_int_equal(feed(&t, "S1,12.3456,2020-01-01 00:00:00"), TR_ACCEPT);
    const struct tr_data *d = last(&t);
    assert_true(d->self == key("S1"));
    assert_true(d->volume == 12346); /* MB to kB, rounded half away from zero */
    assert_true(d->t == 1577836800);
    close_table(&t);
}

static void test_swap_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_sim_swaps);
    assert_int_equal(feed_at(&t, "S1,2020-01-05 00:00:00", 11), TR_ACCEPT);
    const struct tr_swap *w = last(&t);
    assert_true(w->self == key("S1"));
    assert_true(w->t == 1577836800 + 4 * 86400);
    assert_true(w->order == 11);
    close_table(&t);
}

static void test_antenna_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_antennas);
    t.pc.antennas = NULL; /* as while the antennas table itself is read */
    assert_int_equal(feed(&t, "ANT001,T01,-1.2921,36.8219,Nairobi"), TR_ACCEPT);
    const struct tr_antenna_rec *a = last(&t);
    assert_string_equal(a->id, "ANT001");
    assert_string_equal(a->tower, "T01");
    assert_float_equal(a->lat, -1.2921, 1e-12);
    assert_float_equal(a->lon, 36.8219, 1e-12);
    assert_string_equal(a->region_name, "Nairobi");
    assert_int_equal(a->region, -1); /* numbered once every antenna is known */
    /* Text that reaches the run file must be UTF-8: Latin-1 in the id, tower or region is
     * bad_encoding (after bad_value: a Latin-1 region of 32 bytes is still bad_value). */
    assert_int_equal(feed(&t, "ANT002,T01,-1.2,36.8,R\xC3\xA9gion"), TR_ACCEPT);
    assert_int_equal(feed(&t, "ANT003,T01,-1.2,36.8,R\xE9gion"), TR_R_BAD_ENCODING);
    assert_int_equal(feed(&t, "ANT\xE9,T01,-1.2,36.8,Nairobi"), TR_R_BAD_ENCODING);
    assert_int_equal(feed(&t, "ANT004,T\xE9,-1.2,36.8,Nairobi"), TR_R_BAD_ENCODING);
    assert_int_equal(feed(&t, "ANT005,T01,-1.2,36.8,R\xE9gion_of_thirty_two_bytes_or_more"),
                     TR_R_BAD_VALUE);
    /* The extremes of the ranges are valid degrees. */
    assert_int_equal(feed(&t, "ANT002,T02,-90,180,Coast"), TR_ACCEPT);
    assert_int_equal(feed(&t, "ANT003,T02,90,-180,Coast"), TR_ACCEPT);
    close_table(&t);
}

static void test_subscriber_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_subscribers);
    assert_int_equal(feed_at(&t, "S1,Rift,2020-02-29,postpaid", 5), TR_ACCEPT);
    const struct tr_subscriber *s = last(&t);
    assert_true(s->self == key("S1"));
    assert_int_equal(s->region, 2); /* index in the sorted region list */
    assert_int_equal(s->activation, 18321);
    assert_int_equal(s->plan, TR_POSTPAID);
    assert_true(s->order == 5);
    /* An empty region: the home antenna's, later. */
    assert_int_equal(feed(&t, "S2,,2019-12-31,prepaid"), TR_ACCEPT);
    s = last(&t);
    assert_int_equal(s->region, -1);
    assert_int_equal(s->plan, TR_PREPAID);
    assert_int_equal(s->activation, 18261);
    assert_int_equal(feed(&t, "S3,Coast,2019-12-31,prepaid"), TR_ACCEPT);
    assert_int_equal(((const struct tr_subscriber *)last(&t))->region, 0);
    close_table(&t);
}

static void test_loan_valid(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_loans);
    assert_int_equal(feed(&t, "L1,S1,mortgage,2020-01-01,2021-01-01,5000.00,1234.56,default,0.45"),
                     TR_ACCEPT);
    const struct tr_loan_rec *l = last(&t);
    assert_true(l->self == key("S1"));
    assert_true(l->loan == key("L1"));
    assert_int_equal(l->issued, 18262);
    assert_int_equal(l->due, 18262 + 366);
    assert_true(l->amount == 500000);
    assert_true(l->outstanding == 123456);
    assert_float_equal(l->lgd, 0.45, 1e-12);
    assert_int_equal(l->product, TR_MORTGAGE_LOAN);
    assert_int_equal(l->status, TR_ST_DEFAULT);
    /* lgd empty: NaN; bounds 0 and 1 included. */
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-02-01,10,0,repaid,"), TR_ACCEPT);
    l = last(&t);
    assert_true(isnan(l->lgd));
    assert_int_equal(l->product, TR_MICRO);
    assert_int_equal(l->status, TR_ST_REPAID);
    assert_int_equal(feed(&t, "L3,S1,revolving,2020-01-01,2020-02-01,10,0,open,1"), TR_ACCEPT);
    assert_true(((const struct tr_loan_rec *)last(&t))->lgd == 1.0);
    assert_int_equal(feed(&t, "L4,S1,revolving,2020-01-01,2020-02-01,10,0,open,0"), TR_ACCEPT);
    assert_true(((const struct tr_loan_rec *)last(&t))->lgd == 0.0);
    close_table(&t);
}

/* Loans whose fields are each valid but impossible together: due on or before the day of issue,
 * or owing more than inputs.max_outstanding_ratio (2 here) times the amount; they come after every
 * single field's reason (a bad status still says bad_value). */
static void test_loan_inconsistent(void **state)
{
    (void)state;
    const struct tr_schema *s = &tr_schema_loans;
    expect_reason(s, "L1,S1,microloan,2020-02-01,2020-01-01,10,0,open,", TR_R_INCONSISTENT_FIELDS);
    expect_reason(s, "L1,S1,microloan,2020-02-01,2020-02-01,10,0,open,", TR_R_INCONSISTENT_FIELDS);
    expect_reason(s, "L1,S1,microloan,2020-01-01,2020-01-02,10,20.01,open,",
                  TR_R_INCONSISTENT_FIELDS);
    expect_reason(s, "L1,S1,microloan,2020-01-01,2020-02-01,0,0.01,open,",
                  TR_R_INCONSISTENT_FIELDS);
    /* 18,000 times its amount: the line of the issue. */
    expect_reason(s, "L1,S1,revolving,2020-01-01,2021-01-01,50,900000,open,",
                  TR_R_INCONSISTENT_FIELDS);
    expect_reason(s, "L1,S1,microloan,2020-02-01,2020-01-01,10,0,closed,", TR_R_BAD_VALUE);
    expect_reason(s, "L1,S1,microloan,2020-02-01,2020-01-01,-10,0,open,", TR_R_NEGATIVE_VALUE);
    /* Accepted: a day's term, exactly twice the amount, nothing lent and nothing owed. */
    expect_reason(s, "L1,S1,microloan,2020-01-01,2020-01-02,10,20,open,", TR_ACCEPT);
    expect_reason(s, "L1,S1,microloan,2020-01-01,2020-01-02,0,0,repaid,", TR_ACCEPT);
    /* The ratio is the configured one. */
    struct table t;
    open_default(&t, s);
    t.pc.max_outstanding_ratio = 1;
    assert_int_equal(feed(&t, "L1,S1,microloan,2020-01-01,2020-01-02,10,10.01,open,"),
                     TR_R_INCONSISTENT_FIELDS);
    assert_int_equal(feed(&t, "L1,S1,microloan,2020-01-01,2020-01-02,10,10,open,"), TR_ACCEPT);
    close_table(&t);
}

/* The optional pd column: absent (NaN), empty (NaN), or 0 < pd < 1 wherever the header puts it;
 * anything else rejects the line. */
static void test_loan_pd_column(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_loans); /* no pd column */
    assert_int_equal(feed(&t, "L1,S1,revolving,2020-01-01,2021-01-01,10,5,open,"), TR_ACCEPT);
    assert_true(isnan(((const struct tr_loan_rec *)last(&t))->pd));
    close_table(&t);
    open_table(&t, &tr_schema_loans,
               "pd,loan_id,subscriber_id,product,issued,due,amount,outstanding,status,lgd");
    assert_int_equal(feed(&t, "0.0321,L1,S1,revolving,2020-01-01,2021-01-01,10,5,open,"),
                     TR_ACCEPT);
    const struct tr_loan_rec *l = last(&t);
    assert_float_equal(l->pd, 0.0321, 1e-15);
    assert_true(l->loan == key("L1") && l->outstanding == 500 && isnan(l->lgd));
    assert_int_equal(feed(&t, ",L2,S1,revolving,2020-01-01,2021-01-01,10,5,open,0.5"), TR_ACCEPT);
    assert_true(isnan(((const struct tr_loan_rec *)last(&t))->pd));
    assert_int_equal(feed(&t, "0.999999,L3,S1,mortgage,2020-01-01,2021-01-01,10,5,open,"),
                     TR_ACCEPT);
    assert_int_equal(feed(&t, "0,L4,S1,revolving,2020-01-01,2021-01-01,10,5,open,"),
                     TR_R_BAD_VALUE);
    assert_int_equal(feed(&t, "1,L4,S1,revolving,2020-01-01,2021-01-01,10,5,open,"),
                     TR_R_BAD_VALUE);
    assert_int_equal(feed(&t, "-0.1,L4,S1,revolving,2020-01-01,2021-01-01,10,5,open,"),
                     TR_R_NEGATIVE_VALUE);
    assert_int_equal(feed(&t, "x,L4,S1,revolving,2020-01-01,2021-01-01,10,5,open,"),
                     TR_R_BAD_NUMBER);
    close_table(&t);
}

/* The ledger's optional columns (docs/credit.md section 1): absent or empty, their defaults; each
 * rule broken rejects the line with its reason, in the documented order. */
static void test_loan_ledger_columns(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_loans); /* none of them */
    assert_int_equal(feed(&t, "L1,S1,revolving,2020-01-01,2021-01-01,10,5,written_off,"),
                     TR_ACCEPT);
    const struct tr_loan_rec *l = last(&t);
    assert_int_equal(l->installments, 1);
    assert_true(isnan(l->rate) && l->limit == -1 && l->status == TR_ST_WRITTEN_OFF);
    assert_true(tr_status_defaulted(l->status));
    close_table(&t);
    open_table(&t, &tr_schema_loans,
               "loan_id,subscriber_id,product,issued,due,amount,outstanding,status,lgd,"
               "limit,rate,installments");
    assert_int_equal(feed(&t, "L1,S1,revolving,2020-01-01,2020-01-31,10,5,restructured,,"
                              "20.5,0.35,30"),
                     TR_ACCEPT);
    l = last(&t);
    assert_true(l->installments == 30 && l->limit == 2050 && l->status == TR_ST_RESTRUCTURED);
    assert_float_equal(l->rate, 0.35, 1e-15);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,,2.0"), TR_ACCEPT);
    assert_int_equal(((const struct tr_loan_rec *)last(&t))->installments, 2);
    /* The schedule: none, part of one, more than the term's 30 days. */
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,,0"),
                     TR_R_BAD_SCHEDULE);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,,2.5"),
                     TR_R_BAD_SCHEDULE);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,,31"),
                     TR_R_BAD_SCHEDULE);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,,-1"),
                     TR_R_NEGATIVE_VALUE);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,,x"),
                     TR_R_BAD_NUMBER);
    /* A due date before issue says inconsistent_fields before the schedule is judged. */
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-31,2020-01-01,10,5,open,,,,0"),
                     TR_R_INCONSISTENT_FIELDS);
    /* The rate: [0, 10). */
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,0,"), TR_ACCEPT);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,10,"),
                     TR_R_BAD_VALUE);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,,-0.1,"),
                     TR_R_NEGATIVE_VALUE);
    /* The limit: at least what is drawn, and only on a credit line. */
    assert_int_equal(feed(&t, "L2,S1,revolving,2020-01-01,2020-01-31,10,5,open,,5,,"), TR_ACCEPT);
    assert_int_equal(feed(&t, "L2,S1,revolving,2020-01-01,2020-01-31,10,5,open,,4.99,,"),
                     TR_R_INCONSISTENT_FIELDS);
    assert_int_equal(feed(&t, "L2,S1,microloan,2020-01-01,2020-01-31,10,5,open,,20,,"),
                     TR_R_INCONSISTENT_FIELDS);
    assert_int_equal(feed(&t, "L2,S1,revolving,2020-01-01,2020-01-31,10,5,open,,abc,,"),
                     TR_R_BAD_NUMBER);
    close_table(&t);
}

/* A repayment: its loan's key in self until the join; an amount of nothing or less rejected. */
static void test_repayment(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_repayments);
    assert_int_equal(feed(&t, "L1,2020-01-02 10:00:00,12.34"), TR_ACCEPT);
    const struct tr_repayment *r = last(&t);
    assert_true(r->loan == key("L1") && r->self == r->loan && r->amount == 1234);
    assert_true(r->t == (int64_t)18263 * 86400 + 36000);
    assert_int_equal(feed(&t, "L1,2020-01-02 10:00:00,0"), TR_R_BAD_VALUE);
    assert_int_equal(feed(&t, "L1,2020-01-02 10:00:00,0.004"), TR_R_BAD_VALUE); /* 0 cents */
    assert_int_equal(feed(&t, "L1,2020-01-02 10:00:00,-1"), TR_R_NEGATIVE_VALUE);
    assert_int_equal(feed(&t, "L1,2020-01-02 10:00:00,x"), TR_R_BAD_NUMBER);
    assert_int_equal(feed(&t, "L1,2020-01-02,5"), TR_R_BAD_TIMESTAMP);
    assert_int_equal(feed(&t, ",2020-01-02 10:00:00,5"), TR_R_BAD_VALUE);
    close_table(&t);
}

/* ------------------------------------------------------------------ reject reasons */

static void test_raw_line_reasons(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_recharges);
    char *big = malloc(TR_MAX_LINE + 1);
    memset(big, '1', TR_MAX_LINE + 1);
    memcpy(big, "S1,", 3);
    memcpy(big + TR_MAX_LINE - 19, "2020-01-01 00:00:00", 19);
    big[TR_MAX_LINE - 20] = ',';
    /* 4,096 bytes: a well-formed amount too large to hold (a value out of range)... */
    assert_int_equal(feed_n(&t, big, TR_MAX_LINE, 1), TR_R_BAD_VALUE);
    /* ...and one byte more is too long, whatever else is wrong. */
    big[TR_MAX_LINE] = '"';
    assert_int_equal(feed_n(&t, big, TR_MAX_LINE + 1, 1), TR_R_LINE_TOO_LONG);
    free(big);
    assert_int_equal(feed_n(&t, "S1,1\0,2020-01-01 00:00:00", 25, 1), TR_R_NUL_BYTE);
    assert_int_equal(feed(&t, "\"S1\",1,2020-01-01 00:00:00"), TR_R_STRAY_QUOTE);
    /* Reason order: NUL before quote before the field count. */
    assert_int_equal(feed_n(&t, "\"S1\0", 4, 1), TR_R_NUL_BYTE);
    assert_int_equal(feed(&t, "\"S1"), TR_R_STRAY_QUOTE);
    assert_int_equal(feed(&t, "S1,1,2020-01-01 00:00:00,\""), TR_R_STRAY_QUOTE);
    close_table(&t);
}

static void test_field_count_reasons(void **state)
{
    (void)state;
    expect_reason(&tr_schema_recharges, "S1,1", TR_R_MISSING_FIELD);
    expect_reason(&tr_schema_recharges, "", TR_R_MISSING_FIELD);
    expect_reason(&tr_schema_recharges, "S1,1,2020-01-01 00:00:00,", TR_R_EXTRA_FIELD);
    expect_reason(&tr_schema_recharges, "S1,1,2020-01-01 00:00:00,x", TR_R_EXTRA_FIELD);
    /* More than TR_MAX_FIELDS fields is extra too. */
    expect_reason(&tr_schema_sim_swaps,
                  "S1,2020-01-01 00:00:00,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
                  TR_R_EXTRA_FIELD);
    /* The field count comes before every field check. */
    expect_reason(&tr_schema_cdr, "sms,A,B,garbage,x,,", TR_R_MISSING_FIELD);
    expect_reason(&tr_schema_cdr, "sms,A,B,garbage,x,,,,", TR_R_EXTRA_FIELD);
    expect_reason(&tr_schema_mobilemoney, "TX1,gift,S1,S2,2020-01-02 10:00:00,-5,,,,",
                  TR_R_MISSING_FIELD);
}

static void test_txn_type_reasons(void **state)
{
    (void)state;
    expect_reason(&tr_schema_cdr, "sms,A,B,2020-01-01 00:00:00,5,,,0", TR_R_UNKNOWN_TXN_TYPE);
    expect_reason(&tr_schema_cdr, "Call,A,B,2020-01-01 00:00:00,5,,,0", TR_R_UNKNOWN_TXN_TYPE);
    expect_reason(&tr_schema_cdr, "calls,A,B,2020-01-01 00:00:00,5,,,0", TR_R_UNKNOWN_TXN_TYPE);
    expect_reason(&tr_schema_cdr, ",A,B,2020-01-01 00:00:00,5,,,0", TR_R_UNKNOWN_TXN_TYPE);
    expect_reason(&tr_schema_mobilemoney, "TX1,gift,S1,S2,2020-01-02 10:00:00,5,,,,,",
                  TR_R_UNKNOWN_TXN_TYPE);
    /* Order: an unknown type wins over a bad timestamp, a bad number, a negative amount. */
    expect_reason(&tr_schema_mobilemoney, "TX1,gift,S1,S2,2020-01-02 10:00:00,-5,,,,,",
                  TR_R_UNKNOWN_TXN_TYPE);
    expect_reason(&tr_schema_mobilemoney, "TX1,gift,S1,S2,2020-02-30 10:00:00,x,,,,,",
                  TR_R_UNKNOWN_TXN_TYPE);
    expect_reason(&tr_schema_cdr, "sms,A,B,2020-01-01 25:00:00,-5,,,7", TR_R_UNKNOWN_TXN_TYPE);
}

static void test_timestamp_reasons(void **state)
{
    (void)state;
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01T00:00:00,5,,,0", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_recharges, "S1,1,2019-02-29 00:00:00", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_mobiledata, "S1,1,", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_sim_swaps, "S1,2020-01-01 24:00:00", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,1969-12-31 23:59:59,5,,,,,",
                  TR_R_BAD_TIMESTAMP);
    /* Dates of the registers count as timestamps. */
    expect_reason(&tr_schema_subscribers, "S1,Coast,2020-13-01,prepaid", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-30,10,0,open,",
                  TR_R_BAD_TIMESTAMP);
    /* Order: a bad timestamp wins over a bad number, wherever the columns sit. */
    expect_reason(&tr_schema_recharges, "S1,abc,2020-13-01 00:00:00", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_mobiledata, "S1,-1e3,2020-01-01 00:60:00", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00,x,,,0", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_loans, "L1,S1,car,2020-01-01x,2020-02-01,x,-1,open,",
                  TR_R_BAD_TIMESTAMP);
    /* ... and over a bad value (unknown plan, empty id). */
    expect_reason(&tr_schema_subscribers, ",Atlantis,2020-02-30,gold", TR_R_BAD_TIMESTAMP);
    expect_reason(&tr_schema_sim_swaps, ",2020-02-30 00:00:00", TR_R_BAD_TIMESTAMP);
}

static void test_number_reasons(void **state)
{
    (void)state;
    expect_reason(&tr_schema_recharges, "S1,abc,2020-01-01 00:00:00", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_recharges, "S1,,2020-01-01 00:00:00",
                  TR_R_BAD_NUMBER); /* empty required */
    expect_reason(&tr_schema_recharges, "S1,1e3,2020-01-01 00:00:00", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_recharges, "S1,1 000,2020-01-01 00:00:00", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_mobiledata, "S1,NaN,2020-01-01 00:00:00", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_mobiledata, "S1,,2020-01-01 00:00:00", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_antennas, "A1,T1,x,36.8,Coast", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_antennas, "A1,T1,-1.2,,Coast", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,,open,",
                  TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,0,open,.5",
                  TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,,,,,,",
                  TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,5,1..0,,,,",
                  TR_R_BAD_NUMBER);
    /* A call needs its duration; a text does not. */
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,,,,0", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_cdr, "text,A,B,2020-01-01 00:00:00,,,,0", TR_ACCEPT);
    expect_reason(&tr_schema_cdr, "text,A,B,2020-01-01 00:00:00,x,,,0", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,5,,,yes", TR_R_BAD_NUMBER);
    /* Order: every number is parsed before any sign is checked, so a negative amount and a bad
     * balance is bad_number, whichever comes first in the line. */
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,-5,abc,,,,",
                  TR_R_BAD_NUMBER);
    /* (antenna_id is an id, not a number: "x" there is no bad_number) */
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,5,-1,,,,x",
                  TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,5,-1,,,1x,",
                  TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,-5,,,x", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,-10,x,open,",
                  TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,-10,0,open,x",
                  TR_R_BAD_NUMBER);
    /* ... and over a bad value. */
    expect_reason(&tr_schema_antennas, "A1,T1,x,500,Coast", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_antennas, ",T1,1.5,x,Coast", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_recharges, ",x,2020-01-01 00:00:00", TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_loans, ",S1,car,2020-01-01,2020-02-01,10,0,closed,x", TR_R_BAD_NUMBER);
}

static void test_negative_reasons(void **state)
{
    (void)state;
    expect_reason(&tr_schema_recharges, "S1,-0.01,2020-01-01 00:00:00", TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_mobiledata, "S1,-2,2020-01-01 00:00:00", TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,-5,,,,,",
                  TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,S2,2020-01-02 10:00:00,5,,,20,-5,",
                  TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,-3,,,0", TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_cdr, "text,A,B,2020-01-01 00:00:00,-3,,,0", TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,-1,open,",
                  TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,1,open,-0.1",
                  TR_R_NEGATIVE_VALUE);
    /* Order: negative before bad value (empty id, unknown product/status, lgd > 1, bad flag). */
    expect_reason(&tr_schema_recharges, ",-1,2020-01-01 00:00:00", TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,car,2020-01-01,2020-02-01,-10,0,closed,",
                  TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_mobilemoney, ",p2p,,S2,2020-01-02 10:00:00,-5,,,,,",
                  TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_cdr, "call,,B,2020-01-01 00:00:00,-3,,,5", TR_R_NEGATIVE_VALUE);
}

/* A text's duration is optional but, when given, is a number of seconds >= 0 like a call's:
 * "-1" is as negative as "-3" (it must not pass for the "no duration" marker). */
static void test_text_negative_one_duration(void **state)
{
    (void)state;
    expect_reason(&tr_schema_cdr, "text,A,B,2020-01-01 00:00:00,-1,,,0", TR_R_NEGATIVE_VALUE);
}

/* "-0.004" is a negative number: the check must see the sign the text has, not the value after
 * rounding to cents (0), or a negative amount passes as zero. ("-0.00" is zero, not negative.) */
static void test_small_negative_not_rounded_away(void **state)
{
    (void)state;
    expect_reason(&tr_schema_recharges, "S1,-0.00,2020-01-01 00:00:00", TR_ACCEPT);
    expect_reason(&tr_schema_recharges, "S1,-0.004,2020-01-01 00:00:00", TR_R_NEGATIVE_VALUE);
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,-0.4,,,0", TR_R_NEGATIVE_VALUE);
}

static void test_bad_value_reasons(void **state)
{
    (void)state;
    /* cdr: international 0 or 1; both ids present. */
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,5,,,2", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_cdr, "call,,B,2020-01-01 00:00:00,5,,,0", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_cdr, "call,A,,2020-01-01 00:00:00,5,,,0", TR_R_BAD_VALUE);
    /* mobilemoney: ids present. */
    expect_reason(&tr_schema_mobilemoney, ",p2p,S1,S2,2020-01-02 10:00:00,5,,,,,", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,,S2,2020-01-02 10:00:00,5,,,,,", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_mobilemoney, "TX1,p2p,S1,,2020-01-02 10:00:00,5,,,,,", TR_R_BAD_VALUE);
    /* one-subscriber tables: the id present. */
    expect_reason(&tr_schema_recharges, ",1,2020-01-01 00:00:00", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_mobiledata, ",1,2020-01-01 00:00:00", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_sim_swaps, ",2020-01-01 00:00:00", TR_R_BAD_VALUE);
    /* antennas: degrees in range, an id that fits. */
    expect_reason(&tr_schema_antennas, "A1,T1,90.0001,0,Coast", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_antennas, "A1,T1,-91,0,Coast", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_antennas, "A1,T1,0,180.5,Coast", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_antennas, "A1,T1,0,-181,Coast", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_antennas, ",T1,0,0,Coast", TR_R_BAD_VALUE);
    /* subscribers: plan in its list, region among the antennas', id present. */
    expect_reason(&tr_schema_subscribers, "S1,Coast,2020-01-01,gold", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, "S1,Coast,2020-01-01,", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, "S1,Atlantis,2020-01-01,prepaid", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, "S1,coast,2020-01-01,prepaid", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, "S1,Coas,2020-01-01,prepaid", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, "S1,Coastal,2020-01-01,prepaid", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, ",Coast,2020-01-01,prepaid", TR_R_BAD_VALUE);
    /* loans: product and status in their lists, lgd in [0, 1], ids present. */
    expect_reason(&tr_schema_loans, "L1,S1,car,2020-01-01,2020-02-01,10,0,open,", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,0,closed,",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,0,open,1.5",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,10,0,open,1.001",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, ",S1,microloan,2020-01-01,2020-02-01,10,0,open,",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, "L1,,microloan,2020-01-01,2020-02-01,10,0,open,",
                  TR_R_BAD_VALUE);
}

/* "international is 0 or 1": 0.4 is neither, and must not be rounded into a valid flag. */
static void test_cdr_international_fraction(void **state)
{
    (void)state;
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,5,,,0.4", TR_R_BAD_VALUE);
}

/* A duration beyond int32 is a bad value; a non-number in a later numeric field (international)
 * must still win as bad_number, which comes first in the reason list. */
static void test_cdr_huge_duration_order(void **state)
{
    (void)state;
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,3000000000,,,0", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_cdr, "call,A,B,2020-01-01 00:00:00,3000000000,,,x", TR_R_BAD_NUMBER);
}

/* ------------------------------------------------------------------ headers */

static void test_header_by_name(void **state)
{
    (void)state;
    struct table t;
    /* Columns in another order, with an extra column the schema ignores. */
    open_table(&t, &tr_schema_cdr,
               "international,recipient_antenna,notes,caller_antenna,duration,timestamp,"
               "recipient_id,caller_id,txn_type");
    assert_int_equal(t.map.n_fields, 9);
    assert_int_equal(feed(&t, "1,ANT003,whatever,ANT002,42,2020-01-01 00:00:09,B,A,call"),
                     TR_ACCEPT);
    const struct tr_cdr *c = caller_copy(&t);
    assert_true(c->self == key("A"));
    assert_true(c->other == key("B"));
    assert_int_equal(c->duration, 42);
    assert_true(c->t == 1577836809);
    assert_int_equal(c->antenna_self, 1);
    assert_int_equal(((const struct tr_cdr *)last(&t))->antenna_self, 2);
    assert_int_equal(c->international, 1);
    /* The line must have as many fields as the header, the extra column included. */
    assert_int_equal(feed(&t, "1,ANT003,ANT002,42,2020-01-01 00:00:09,B,A,call"),
                     TR_R_MISSING_FIELD);
    /* The checks follow the column names, not the positions: type is the last field here. */
    assert_int_equal(feed(&t, "1,ANT003,x,ANT002,-4,2020-01-01 00:00:09,B,A,fax"),
                     TR_R_UNKNOWN_TXN_TYPE);
    close_table(&t);

    open_table(&t, &tr_schema_recharges, "timestamp,amount,caller_id");
    assert_int_equal(feed(&t, "2020-01-01 00:00:00,7,S9"), TR_ACCEPT);
    const struct tr_recharge *r = last(&t);
    assert_true(r->self == key("S9"));
    assert_true(r->amount == 700);
    close_table(&t);
}

static void test_header_missing_column(void **state)
{
    (void)state;
    struct tr_header_map m;
    char err[512] = "";
    const char *h =
        "txn_type,caller_id,recipient_id,timestamp,caller_antenna,recipient_antenna,international";
    assert_int_equal(tr_header_map(&tr_schema_cdr, h, strlen(h), &m, err, sizeof err), 1);
    assert_non_null(strstr(err, "'duration'"));
    assert_non_null(strstr(err, "cdr"));
    /* A near name is not the name. */
    err[0] = 0;
    h = "caller_id,amount,time_stamp";
    assert_int_equal(tr_header_map(&tr_schema_recharges, h, strlen(h), &m, err, sizeof err), 1);
    assert_non_null(strstr(err, "'timestamp'"));
    /* The lines' CR is the reader's to strip; a header given its own "timestamp" matches. */
    h = "caller_id,amount,timestamp";
    assert_int_equal(tr_header_map(&tr_schema_recharges, h, strlen(h), &m, err, sizeof err), 0);
    assert_int_equal(m.n_fields, 3);
    assert_int_equal(m.col[0], 0);
    assert_int_equal(m.col[2], 2);
    /* An empty header lacks everything. */
    assert_int_equal(tr_header_map(&tr_schema_sim_swaps, "", 0, &m, err, sizeof err), 1);
    assert_non_null(strstr(err, "'subscriber_id'"));
}

/* ------------------------------------------------------------------ antennas */

static void test_unknown_antenna(void **state)
{
    (void)state;
    struct table t;
    open_default(&t, &tr_schema_cdr);
    assert_int_equal(feed(&t, "call,A,B,2020-01-01 00:00:00,5,ANT999,ANT001,0"), TR_ACCEPT);
    const struct tr_cdr *c = caller_copy(&t);
    assert_int_equal(c->antenna_self, TR_UNKNOWN_ANTENNA);
    assert_int_equal(((const struct tr_cdr *)last(&t))->antenna_self, 0);
    assert_int_equal(t.stats.unknown_antenna, 1);
    /* A prefix or an extension of a known id is not that id. */
    assert_int_equal(feed(&t, "call,A,B,2020-01-01 00:00:00,5,ANT00,ANT0011,0"), TR_ACCEPT);
    c = caller_copy(&t);
    assert_int_equal(c->antenna_self, TR_UNKNOWN_ANTENNA);
    assert_int_equal(((const struct tr_cdr *)last(&t))->antenna_self, TR_UNKNOWN_ANTENNA);
    assert_true(t.stats.unknown_antenna >= 2);
    const int64_t before = t.stats.unknown_antenna;
    /* An empty antenna is not unknown. */
    assert_int_equal(feed(&t, "call,A,B,2020-01-01 00:00:00,5,,,0"), TR_ACCEPT);
    assert_true(t.stats.unknown_antenna == before);
    /* A rejected line counts nothing. */
    assert_int_equal(feed(&t, "call,A,B,2020-01-01 00:00:00,-5,ANT999,,0"), TR_R_NEGATIVE_VALUE);
    assert_true(t.stats.unknown_antenna == before);
    close_table(&t);

    open_default(&t, &tr_schema_mobilemoney);
    assert_int_equal(feed(&t, "TX1,p2p,S1,S2,2020-01-02 10:00:00,5,,,,,ANT777"), TR_ACCEPT);
    assert_int_equal(((const struct tr_money *)last(&t))->antenna, TR_UNKNOWN_ANTENNA);
    assert_int_equal(t.stats.unknown_antenna, 1);
    assert_int_equal(feed(&t, "TX2,p2p,S1,S2,2020-01-02 10:00:00,5,,,,,ANT003"), TR_ACCEPT);
    assert_int_equal(((const struct tr_money *)last(&t))->antenna, 2);
    assert_int_equal(t.stats.unknown_antenna, 1);
    close_table(&t);
}

static void test_antenna_index(void **state)
{
    (void)state;
    /* Many antennas, a duplicate id: every id found at its first index, absent ids not. */
    enum { N = 300 };
    struct tr_antenna_rec *a = calloc(N + 1, sizeof *a);
    for (int k = 0; k < N; k++)
        snprintf(a[k].id, sizeof a[k].id, "A%05d", k);
    strcpy(a[N].id, "A00007");
    struct tr_antenna_index ix;
    tr_antenna_index_build(&ix, a, N + 1);
    for (int k = 0; k < N; k++)
        assert_int_equal(tr_antenna_find(&ix, a[k].id, strlen(a[k].id)), k);
    assert_int_equal(tr_antenna_find(&ix, "A00007", 6), 7); /* the first definition wins */
    assert_int_equal(tr_antenna_find(&ix, "A99999", 6), -1);
    assert_int_equal(tr_antenna_find(&ix, "A0000", 5), -1);
    assert_int_equal(tr_antenna_find(&ix, "", 0), -1);
    tr_antenna_index_free(&ix);
    free(a);
}

/* ------------------------------------------------------------------ excerpts */

static void test_mask_excerpt(void **state)
{
    (void)state;
    char out[TR_EXCERPT_MAX];
    const char *line = "call,+254712345678,12345,2020-01-01 12:34:56,65";
    tr_mask_excerpt(line, strlen(line), 0, out);
    /* The phone number's 12 digits are masked; a 5-digit run and the timestamp stay readable. */
    assert_string_equal(out, "call,+############,12345,2020-01-01 12:34:56,65");
    tr_mask_excerpt("x123456y", 8, 0, out);
    assert_string_equal(out, "x######y");
    tr_mask_excerpt("1234567", 7, 0, out); /* a run at the very start and end */
    assert_string_equal(out, "#######");
    tr_mask_excerpt("20200101", 8, 0, out);
    assert_string_equal(out, "########");
    /* However a phone number is written, its digits go: spaced, dashed, quoted with commas in
     * it, inside an alphanumeric id; times and short numbers stay. */
    line = "+255 738 324 210,255-738-324-210,\"255,738\",AG02866,3.00";
    tr_mask_excerpt(line, strlen(line), 0, out);
    assert_string_equal(out, "+### ### ### ###,###-###-###-###,\"###,###\",AG02866,3.00");
    tr_mask_excerpt("x,T328eb401d94e7cfc1", 20, 0, out);
    assert_string_equal(out, "x,T###eb###d##e#cfc#");
    /* The fields the header names as ids are masked whatever their digits: an agent's 5. */
    line = "cashin,AG03430,\"25,5\",x9,2020-03-09 12:15:00";
    tr_mask_excerpt(line, strlen(line), 1u << 1 | 1u << 2 | 1u << 3, out);
    assert_string_equal(out, "cashin,AG#####,\"##,#\",x#,2020-03-09 12:15:00");
    /* Which fields are ids, from a header: mobile money's transaction, sender and recipient (not
     * its antenna), wherever the header puts them; the CDR's two parties, not their antennas. */
    struct tr_header_map m;
    char err[256];
    const char *mm = "timestamp,caller_id,txn_type,amount,txn_id,recipient_id,antenna_id,"
                     "sender_balance_before,sender_balance_after,recipient_balance_before,"
                     "recipient_balance_after";
    assert_int_equal(tr_header_map(&tr_schema_mobilemoney, mm, strlen(mm), &m, err, sizeof err), 0);
    assert_int_equal(tr_id_fields(&tr_schema_mobilemoney, &m), 1u << 1 | 1u << 4 | 1u << 5);
    const char *cdr = "txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,"
                      "recipient_antenna,international";
    assert_int_equal(tr_header_map(&tr_schema_cdr, cdr, strlen(cdr), &m, err, sizeof err), 0);
    assert_int_equal(tr_id_fields(&tr_schema_cdr, &m), 1u << 1 | 1u << 2);
    line = "2020-02-30,2020-03-02 24:00:00,2020-03-02T08:02,12:34:56:7";
    tr_mask_excerpt(line, strlen(line), 0, out);
    assert_string_equal(out, "2020-02-30,2020-03-02 24:00:00,2020-03-02T08:02,##:##:##:#");

    /* Control bytes (NUL included, as nul_byte lines have them) and non-ASCII bytes become '?':
     * the excerpt is valid UTF-8 however the line is cut (a cut inside a multi-byte character
     * would not be). */
    tr_mask_excerpt("a\tb\0c\rd\x7f"
                    "e\xc3\xa9",
                    11, 0, out);
    assert_string_equal(out, "a?b?c?d?e??");

    /* Long lines are cut to TR_EXCERPT_MAX - 1 bytes. */
    char big[200];
    memset(big, 'x', sizeof big);
    tr_mask_excerpt(big, sizeof big, 0, out);
    assert_int_equal(strlen(out), TR_EXCERPT_MAX - 1);
    /* A number cut by the excerpt's end is masked by its whole length: 3 digits shown, of 9. */
    memcpy(big + TR_EXCERPT_MAX - 4, "123456789", 9);
    tr_mask_excerpt(big, sizeof big, 0, out);
    assert_int_equal(strlen(out), TR_EXCERPT_MAX - 1);
    assert_memory_equal(out + TR_EXCERPT_MAX - 4, "###", 3);
    assert_int_equal(out[TR_EXCERPT_MAX - 5], 'x');
    /* A 5-digit run cut by the end is kept. */
    memset(big, 'x', sizeof big);
    memcpy(big + TR_EXCERPT_MAX - 4, "12345", 5);
    tr_mask_excerpt(big, sizeof big, 0, out);
    assert_memory_equal(out + TR_EXCERPT_MAX - 4, "123", 3);
    /* Empty. */
    tr_mask_excerpt("", 0, 0, out);
    assert_string_equal(out, "");
}

/* ------------------------------------------------------------------ tr_ingest */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static void remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* tr_ingest of the tables in dir on this process alone, with max_reject_rate, its messages into
 * msgbuf. */
static int ingest_dir(const char *dir, double max_reject_rate, char *msgbuf, size_t cap,
                      struct tr_ingest *in)
{
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    snprintf(cfg.inputs.dir, sizeof cfg.inputs.dir, "%s", dir);
    if (max_reject_rate >= 0) cfg.inputs.max_reject_rate = max_reject_rate;
    FILE *msg = fmemopen(msgbuf, cap, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_SELF, msg);
    struct tr_pass_router router; /* as a run in one pass routes them */
    tr_pass_router_init(&router, &ctx, NULL);
    const int rc = tr_ingest(&ctx, &cfg, &kh, &router.router, in);
    tr_pass_router_free(&router);
    fclose(msg);
    return rc;
}

static void test_ingest_small_directory(void **state)
{
    (void)state;
    char dir[64];
    strcpy(dir, "/tmp/telrisk_records_XXXXXX");
    assert_non_null(mkdtemp(dir));
    write_file(dir, "antennas.csv",
               "\xEF\xBB\xBF"
               "antenna_id,tower_id,latitude,longitude,region\r\n"
               "ANT1,T1,-1.0,36.0,Rift\r\n"
               "ANT2,T1,-1.1,36.1,Coast\r\n"
               "ANT3,T2,95,36.2,Coast\r\n"); /* bad latitude */
    write_file(dir, "subscribers.csv",
               "subscriber_id,region,activation_date,plan\n"
               "S1,Rift,2019-01-01,prepaid\n"
               "S2,Nairobi,2019-01-01,prepaid\n" /* no antenna has that region */
               "S3,,2019-01-01,postpaid");       /* no final newline */
    write_file(dir, "cdr.csv",
               "txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,recipient_"
               "antenna,international\n"
               "call,+254712345678,+254700000002,2020-01-01 00:00:00,5,ANT1,ANT9,0\n"
               "call,+254712345678,+254700000002,2020-01-01 00:00:00,-5,ANT1,ANT2,0\n"
               "text,A,B,2020-01-01 00:00:00,,ANT2,,0\n");
    char msgbuf[4096] = "";
    struct tr_ingest in;
    int rc = ingest_dir(dir, 0.9, msgbuf, sizeof msgbuf, &in);
    if (rc) fail_msg("tr_ingest: %d: %s", rc, msgbuf);

    /* Antennas: the BOM and CRs are gone, the bad one rejected; regions sorted. */
    assert_int_equal(in.table[TR_T_ANTENNAS].n, 2);
    const struct tr_antenna_rec *a = tr_array_at(&in.table[TR_T_ANTENNAS], 1);
    assert_string_equal(a->id, "ANT2");
    assert_string_equal(a->region_name, "Coast");
    assert_int_equal(in.regions.n, 2);
    assert_string_equal(in.regions.name[0], "Coast");
    assert_string_equal(in.regions.name[1], "Rift");
    assert_int_equal(a->region, 0);
    /* Subscribers: S2's region is unknown to the run. */
    assert_int_equal(in.table[TR_T_SUBSCRIBERS].n, 2);
    const struct tr_subscriber *s = tr_array_at(&in.table[TR_T_SUBSCRIBERS], 0);
    assert_int_equal(s->region, 1);
    s = tr_array_at(&in.table[TR_T_SUBSCRIBERS], 1);
    assert_true(s->self == key("S3"));
    assert_int_equal(s->region, -1);
    /* CDRs: the unknown antenna counted, the negative duration rejected. */
    assert_int_equal(in.table[TR_T_CDR].n, 4); /* each line: the caller's and recipient's copies */
    const struct tr_cdr *c = tr_array_at(&in.table[TR_T_CDR], 0);
    assert_int_equal(c->antenna_self, 0);
    assert_int_equal(c->outgoing, 1);
    assert_int_equal(((const struct tr_cdr *)tr_array_at(&in.table[TR_T_CDR], 1))->antenna_self,
                     TR_UNKNOWN_ANTENNA);
    /* The order is (file index << 40) | line number (the header is line 1). */
    int cdr_file = -1;
    for (int f = 0; f < in.n_files; f++)
        if (strcmp(in.files[f].table, "cdr") == 0) cdr_file = f;
    assert_true(cdr_file >= 0);
    assert_true(c->order == tr_order(cdr_file, 2));
    assert_int_equal(tr_order_line(c->order), 2);
    assert_int_equal(tr_order_file(c->order), cdr_file);
    c = tr_array_at(&in.table[TR_T_CDR], 2); /* line 3 is the rejected one */
    assert_true(c->order == tr_order(cdr_file, 4));

    /* Accounting: lines = accepted + rejected, per file. */
    int64_t rejected = 0;
    for (int f = 0; f < in.n_files; f++) {
        assert_true(in.files[f].lines == in.files[f].accepted + in.files[f].rejected);
        rejected += in.files[f].rejected;
    }
    assert_true(rejected == 3);
    assert_true(in.files[cdr_file].lines == 3);
    assert_true(in.files[cdr_file].unknown_antenna == 1);
    assert_true(in.file_stats[cdr_file].by_reason[TR_R_NEGATIVE_VALUE] == 1);
    assert_true(in.records == 2 + 2 + 2);

    /* The rejects: sorted by (file, line), 1-based line numbers counting the header. */
    assert_int_equal(in.n_rejects, 3);
    for (size_t k = 0; k < in.n_rejects; k++) {
        const struct tr_reject *rj = &in.rejects[k];
        if (strcmp(rj->table, "antennas") == 0) {
            assert_true(rj->line == 4);
            assert_string_equal(rj->reason, "bad_value");
            assert_string_equal(rj->excerpt, "ANT3,T2,95,36.2,Coast");
        } else if (strcmp(rj->table, "subscribers") == 0) {
            assert_true(rj->line == 3);
            assert_string_equal(rj->reason, "bad_value");
        } else {
            assert_string_equal(rj->table, "cdr");
            assert_int_equal(rj->file, cdr_file);
            assert_true(rj->line == 3);
            assert_string_equal(rj->reason, "negative_value");
            /* The phone numbers are masked; the timestamp is readable; cut to 63 bytes. */
            assert_string_equal(rj->excerpt,
                                "call,+############,+############,2020-01-01 00:00:00,-5,ANT1,AN");
        }
        if (k)
            assert_true(in.rejects[k - 1].file < rj->file ||
                        (in.rejects[k - 1].file == rj->file && in.rejects[k - 1].line < rj->line));
    }
    tr_ingest_free(&in);
    remove_dir(dir);
}

static void test_ingest_header_lacks_column(void **state)
{
    (void)state;
    char dir[64];
    strcpy(dir, "/tmp/telrisk_records_XXXXXX");
    assert_non_null(mkdtemp(dir));
    write_file(dir, "antennas.csv", "antenna_id,tower_id,latitude,longitude,region\nA,T,0,0,R\n");
    write_file(dir, "cdr.csv",
               "txn_type,caller_id,recipient_id,timestamp,caller_antenna,"
               "recipient_antenna,international\n");
    char msgbuf[4096] = "";
    struct tr_ingest in;
    int rc = ingest_dir(dir, -1, msgbuf, sizeof msgbuf, &in);
    /* The whole file is an error (exit 2), naming the file and the column. */
    assert_int_equal(rc, TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "cdr.csv"));
    assert_non_null(strstr(msgbuf, "'duration'"));
    tr_ingest_free(&in);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ hostile inputs */

/* tests/hostile's corpus found these: each assertion failed before its fix. */
static void test_hostile_values(void **state)
{
    (void)state;
    const char *t = "2020-01-01 00:00:00";
    char line[256];
    /* A number too large to hold is a value out of range (bad_value, as a 3,000,000,000 s
     * duration is), not "not a number"; a sign still comes first and a later non-number still
     * wins. */
    snprintf(line, sizeof line, "call,A,B,%s,99999999999999999999,,,0", t);
    expect_reason(&tr_schema_cdr, line, TR_R_BAD_VALUE);
    snprintf(line, sizeof line, "call,A,B,%s,-99999999999999999999,,,0", t);
    expect_reason(&tr_schema_cdr, line, TR_R_NEGATIVE_VALUE);
    snprintf(line, sizeof line, "call,A,B,%s,99999999999999999999,,,x", t);
    expect_reason(&tr_schema_cdr, line, TR_R_BAD_NUMBER);
    snprintf(line, sizeof line, "call,A,B,%s,60,,,99999999999999999999", t);
    expect_reason(&tr_schema_cdr, line, TR_R_BAD_VALUE);
    expect_reason(&tr_schema_mobiledata, "S1,99999999999999999999,2020-01-01 00:00:00",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_mobiledata, "S1,-99999999999999999999,2020-01-01 00:00:00",
                  TR_R_NEGATIVE_VALUE);
    /* Money: up to 10^12 currency units; beyond, a bad value (three amounts of 9 x 10^16 made
     * a control total overflow and come out wrong, without a word). */
    expect_reason(&tr_schema_recharges, "S1,1000000000000.00,2020-01-01 00:00:00", TR_ACCEPT);
    expect_reason(&tr_schema_recharges, "S1,1000000000000.01,2020-01-01 00:00:00", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_recharges, "S1,90000000000000000.00,2020-01-01 00:00:00",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_recharges, "S1,-90000000000000000.00,2020-01-01 00:00:00",
                  TR_R_NEGATIVE_VALUE);
    const char *mm = "T1,p2p,A,B,2020-01-01 00:00:00,%s,%s,5.00,,,";
    snprintf(line, sizeof line, mm, "90000000000000000.00", "22.00");
    expect_reason(&tr_schema_mobilemoney, line, TR_R_BAD_VALUE);
    snprintf(line, sizeof line, mm, "90000000000000000.00", "x");
    expect_reason(&tr_schema_mobilemoney, line, TR_R_BAD_NUMBER);
    snprintf(line, sizeof line, mm, "17.00", "99999999999999999999");
    expect_reason(&tr_schema_mobilemoney, line, TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, "L1,S1,microloan,2020-01-01,2020-02-01,1e3,0.00,repaid,",
                  TR_R_BAD_NUMBER);
    expect_reason(&tr_schema_loans,
                  "L1,S1,microloan,2020-01-01,2020-02-01,99999999999999999999,0.00,repaid,",
                  TR_R_BAD_VALUE);
    /* An id with a space or tab at either end would key another subscriber: a bad value, in
     * every table; inside an id a space is data. */
    snprintf(line, sizeof line, "call, A,B,%s,60,,,0", t);
    expect_reason(&tr_schema_cdr, line, TR_R_BAD_VALUE);
    snprintf(line, sizeof line, "call,A,B\t,%s,60,,,0", t);
    expect_reason(&tr_schema_cdr, line, TR_R_BAD_VALUE);
    snprintf(line, sizeof line, "call,A B,B,%s,60,,,0", t);
    expect_reason(&tr_schema_cdr, line, TR_ACCEPT);
    expect_reason(&tr_schema_mobilemoney, "T1 ,p2p,A,B,2020-01-01 00:00:00,1.00,,,,,",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_recharges, "S1 ,1.00,2020-01-01 00:00:00", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_mobiledata, " S1,1.00,2020-01-01 00:00:00", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_sim_swaps, " S1,2020-01-01 00:00:00", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_subscribers, "S1 ,Rift,2019-01-01,prepaid", TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, "L1, S1,microloan,2020-01-01,2020-02-01,1.00,0.00,repaid,",
                  TR_R_BAD_VALUE);
    expect_reason(&tr_schema_loans, " L1,S1,microloan,2020-01-01,2020-02-01,1.00,0.00,repaid,",
                  TR_R_BAD_VALUE);
    /* An antenna without a region made a region named "". */
    expect_reason(&tr_schema_antennas, "ANT9,T9,-1.0,36.0,", TR_R_BAD_VALUE);
    /* Loans: every sign before any domain: a PD of 1.5 hid a negative amount. */
    struct table tl;
    open_table(&tl, &tr_schema_loans,
               "loan_id,subscriber_id,product,issued,due,amount,outstanding,status,lgd,pd");
    assert_int_equal(feed(&tl, "L1,S1,microloan,2020-01-01,2020-02-01,-1.00,0.00,repaid,,1.5"),
                     TR_R_NEGATIVE_VALUE);
    assert_int_equal(feed(&tl, "L1,S1,microloan,2020-01-01,2020-02-01,1.00,0.00,repaid,,1.5"),
                     TR_R_BAD_VALUE);
    close_table(&tl);
}

/* A header naming a column the table reads twice is refused (which one holds the data?); a
 * column it ignores may repeat. A header with a lone CR in it says so. */
static void test_header_duplicate_column(void **state)
{
    (void)state;
    struct tr_header_map m;
    char err[512] = "";
    const char *h = "caller_id,amount,timestamp,amount";
    assert_int_equal(tr_header_map(&tr_schema_recharges, h, strlen(h), &m, err, sizeof err), 1);
    assert_string_equal(err, "header names the column 'amount' twice (columns 2 and 4)");
    h = "loan_id,subscriber_id,product,issued,due,amount,outstanding,status,lgd,pd,pd";
    assert_int_equal(tr_header_map(&tr_schema_loans, h, strlen(h), &m, err, sizeof err), 1);
    assert_non_null(strstr(err, "'pd' twice (columns 10 and 11)"));
    h = "note,caller_id,amount,note,timestamp";
    assert_int_equal(tr_header_map(&tr_schema_recharges, h, strlen(h), &m, err, sizeof err), 0);
    h = "caller_id,amount,timestamp\rS1,1.00,2020-01-01 00:00:00\r";
    assert_int_equal(tr_header_map(&tr_schema_recharges, h, strlen(h), &m, err, sizeof err), 1);
    assert_non_null(strstr(err, "lacks the column 'timestamp'"));
    assert_non_null(strstr(err, "carriage return"));
}

/* An antennas table without an antenna stops the run naming it (before, the run went on and
 * stopped on the register's rejects, naming subscribers.csv, or went on with no region). */
static void test_ingest_no_antenna(void **state)
{
    (void)state;
    char dir[64];
    strcpy(dir, "/tmp/telrisk_records_XXXXXX");
    assert_non_null(mkdtemp(dir));
    write_file(dir, "antennas.csv", "antenna_id,tower_id,latitude,longitude,region\n");
    write_file(dir, "cdr.csv",
               "txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,"
               "recipient_antenna,international\ncall,A,B,2020-01-01 00:00:00,5,,,0\n");
    char msgbuf[4096] = "";
    struct tr_ingest in;
    int rc = ingest_dir(dir, -1, msgbuf, sizeof msgbuf, &in);
    assert_int_equal(rc, TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "antennas.csv: no antenna accepted"));
    tr_ingest_free(&in);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cdr_valid),
        cmocka_unit_test(test_recharge_valid),
        cmocka_unit_test(test_money_valid),
        cmocka_unit_test(test_data_valid),
        cmocka_unit_test(test_swap_valid),
        cmocka_unit_test(test_antenna_valid),
        cmocka_unit_test(test_subscriber_valid),
        cmocka_unit_test(test_loan_valid),
        cmocka_unit_test(test_loan_inconsistent),
        cmocka_unit_test(test_loan_pd_column),
        cmocka_unit_test(test_loan_ledger_columns),
        cmocka_unit_test(test_repayment),
        cmocka_unit_test(test_raw_line_reasons),
        cmocka_unit_test(test_field_count_reasons),
        cmocka_unit_test(test_txn_type_reasons),
        cmocka_unit_test(test_timestamp_reasons),
        cmocka_unit_test(test_number_reasons),
        cmocka_unit_test(test_negative_reasons),
        cmocka_unit_test(test_text_negative_one_duration),
        cmocka_unit_test(test_small_negative_not_rounded_away),
        cmocka_unit_test(test_bad_value_reasons),
        cmocka_unit_test(test_cdr_international_fraction),
        cmocka_unit_test(test_cdr_huge_duration_order),
        cmocka_unit_test(test_header_by_name),
        cmocka_unit_test(test_header_missing_column),
        cmocka_unit_test(test_unknown_antenna),
        cmocka_unit_test(test_antenna_index),
        cmocka_unit_test(test_mask_excerpt),
        cmocka_unit_test(test_ingest_small_directory),
        cmocka_unit_test(test_ingest_header_lacks_column),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_header_duplicate_column),
        cmocka_unit_test(test_ingest_no_antenna),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    MPI_Finalize();
    return failed;
}
