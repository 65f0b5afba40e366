/* /crosschecks (docs/crosschecks.md): the reconciliation summary, every ledger break and every
 * fraud alert with its evidence, and /subscribers/flags. Alerts and breaks are written by the
 * ranks that found them, in key order, so the tables are the same at any rank count. */
#include "output/groups.h"
#include "output/region_codes.h"
#include "output/suppress.h"

#include "core/error.h"
#include "crosscheck/backtest.h"
#include "crosscheck/crosscheck.h"
#include "io/textbuf.h"
#include "model/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct summary_row {
    char check[32];
    char table[24];
    int32_t region;
    char region_name[48];
    int64_t count;
    double amount;
};

struct alert_row {
    uint64_t key;
    int64_t t;
    char time[20];
    char rule[24];
    int32_t severity;
    int32_t file;
    int64_t line;
    double measure;
    char evidence[TR_EVIDENCE_MAX];
};

struct break_row {
    uint64_t key;
    int64_t t;
    char kind[12];
    int32_t file;
    int64_t line;
    double expected, found; /* currency */
};

struct rows {
    struct summary_row *v;
    size_t n, cap;
};

static void add(struct rows *r, const char *check, const char *table, int region,
                const char *region_name, int64_t count, double amount)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->v = TR_REALLOC(r->v, sizeof *r->v * r->cap);
    }
    struct summary_row *s = &r->v[r->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->check, sizeof s->check, "%s", check);
    snprintf(s->table, sizeof s->table, "%s", table);
    s->region = region;
    snprintf(s->region_name, sizeof s->region_name, "%.47s", region_name);
    s->count = count, s->amount = amount;
}

/* The inputs' accounting per table, then the per-region counts. */
static void summary_rows(const struct tr_crosscheck *c, const struct tr_rf_provenance *p,
                         const struct tr_rf_regions *regions, struct rows *r)
{
    for (int t = 0; t < TR_T_COUNT; t++) {
        int64_t v[5] = {0};
        int seen = 0;
        for (int f = 0; f < p->n_inputs; f++) {
            const struct tr_input_stat *in = &p->inputs[f];
            if (strcmp(in->table, tr_table_names[t]) != 0) continue;
            seen = 1;
            v[0] += in->lines, v[1] += in->accepted, v[2] += in->rejected;
            v[3] += in->duplicates, v[4] += in->unknown_antenna;
        }
        if (!seen) continue;
        static const char *const what[5] = {"lines", "accepted", "rejected", "duplicates",
                                            "unknown_antenna"};
        for (int k = 0; k < 5; k++)
            add(r, what[k], tr_table_names[t], TR_REGION_ALL, TR_REGION_ALL_NAME, v[k], 0);
    }
    for (int g = TR_REGION_UNKNOWN; g < regions->n; g++) {
        const struct tr_recon *x = &c->recon[g + 1];
        const char *name = g < 0 ? TR_REGION_UNKNOWN_NAME : regions->names[g];
        for (int t = TR_T_CDR; t < TR_T_COUNT; t++)
            if (t != TR_T_LOANS && t != TR_T_REPAYMENTS)
                add(r, "records", tr_table_names[t], g, name, x->records[t], 0);
        add(r, "unregistered_subscribers", "", g, name, x->unregistered_keys, 0);
        add(r, "payers_without_calls", "mobilemoney", g, name, x->payers_without_calls,
            tr_isum_units(&x->payers_without_calls_cents));
        add(r, "ledger_checked", "mobilemoney", g, name, x->ledger_checked, 0);
        add(r, "ledger_arithmetic", "mobilemoney", g, name, x->ledger_breaks[TR_LEDGER_ARITHMETIC],
            0);
        add(r, "ledger_chain", "mobilemoney", g, name, x->ledger_breaks[TR_LEDGER_CHAIN], 0);
        for (int k = 0; k < TR_TXN_TYPES; k++)
            add(r, "control_total", tr_txn_type_names[k], g, name, x->txn_count[k],
                tr_isum_units(&x->txn_cents[k]));
        for (int k = 0; k < TR_RULE_COUNT; k++)
            add(r, "alerts", tr_rule_names[k], g, name, x->alerts[k], 0);
    }
}

static void write_summary(const struct tr_ctx *ctx, hid_t g, const struct tr_crosscheck *c,
                          const struct tr_rf_provenance *p, const struct tr_rf_regions *regions)
{
    typedef struct summary_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, check, 31, NULL),
        STR_FIELD(s, table, 23, NULL),
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, region_name, 47, NULL),
        NUM_FIELD(s, count, H5T_STD_I64LE, NULL),
        NUM_FIELD(s, amount, H5T_IEEE_F64LE, "currency"),
    };
    struct rows r = {0};
    summary_rows(c, p, regions, &r);
    tr_rf_small_table(ctx, g, "summary", fields, (int)(sizeof fields / sizeof *fields), sizeof(s),
                      r.v, r.n,
                      "reconciliation, one row per check, table and region (region -2: all "
                      "regions, from the inputs' accounting; -1: subscribers of unknown region): "
                      "count and, for money, amount; docs/crosschecks.md lists the checks");
    free(r.v);
}

static void write_alerts(const struct tr_ctx *ctx, hid_t g, const struct tr_crosscheck *c)
{
    typedef struct alert_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, key, H5T_STD_U64LE, NULL),
        NUM_FIELD(s, t, H5T_STD_I64LE, "s"),
        STR_FIELD(s, time, 19, NULL),
        STR_FIELD(s, rule, 23, NULL),
        NUM_FIELD(s, severity, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, file, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, line, H5T_STD_I64LE, NULL),
        NUM_FIELD(s, measure, H5T_IEEE_F64LE, NULL),
        STR_FIELD(s, evidence, TR_EVIDENCE_MAX - 1, NULL),
    };
    s *rows = TR_CALLOC(c->n_alerts + 1, sizeof *rows);
    for (size_t i = 0; i < c->n_alerts; i++) {
        const struct tr_alert *a = &c->alerts[i];
        rows[i].key = a->key, rows[i].t = a->t;
        tr_format_timestamp(a->t, rows[i].time);
        snprintf(rows[i].rule, sizeof rows[i].rule, "%s", tr_rule_names[a->rule]);
        rows[i].severity = a->severity, rows[i].file = a->file, rows[i].line = a->line;
        rows[i].measure = a->measure;
        memcpy(rows[i].evidence, a->evidence, TR_EVIDENCE_MAX);
    }
    tr_rf_rows_table(
        ctx, g, "alerts", fields, (int)(sizeof fields / sizeof *fields), sizeof(s), rows,
        c->n_alerts,
        "one row per fraud alert, by subscriber key then time: the record that fired "
        "(time, file = row of /provenance/inputs, line), rule, severity (1 low, 3 high), "
        "the rule's main measure and its evidence as name=value pairs");
    free(rows);
}

static void write_breaks(const struct tr_ctx *ctx, hid_t g, const struct tr_crosscheck *c)
{
    typedef struct break_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, key, H5T_STD_U64LE, NULL),
        NUM_FIELD(s, t, H5T_STD_I64LE, "s"),
        STR_FIELD(s, kind, 11, NULL),
        NUM_FIELD(s, file, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, line, H5T_STD_I64LE, NULL),
        NUM_FIELD(s, expected, H5T_IEEE_F64LE, "currency"),
        NUM_FIELD(s, found, H5T_IEEE_F64LE, "currency"),
    };
    s *rows = TR_CALLOC(c->n_breaks + 1, sizeof *rows);
    for (size_t i = 0; i < c->n_breaks; i++) {
        const struct tr_ledger_break *b = &c->breaks[i];
        rows[i].key = b->key, rows[i].t = b->t;
        snprintf(rows[i].kind, sizeof rows[i].kind, "%s",
                 b->kind == TR_LEDGER_CHAIN ? "chain" : "arithmetic");
        rows[i].file = b->file, rows[i].line = b->line;
        rows[i].expected = (double)b->expected / 100, rows[i].found = (double)b->found / 100;
    }
    tr_rf_rows_table(
        ctx, g, "ledger_breaks", fields, (int)(sizeof fields / sizeof *fields), sizeof(s), rows,
        c->n_breaks,
        "one row per mobile-money record where an account's ledger does not hold, by "
        "subscriber key then time: arithmetic (balance_after is not balance_before -/+ "
        "amount: expected and found balance_after) or chain (balance_before is not the "
        "previous record's balance_after: expected and found balance_before)");
    free(rows);
}

struct backtest_row {
    int32_t region;
    char region_name[48];
    int32_t grade;
    int8_t suppressed; /* enum tr_cell_state */
    int64_t n, defaults;
    double mean_pd, default_rate, p_value;
    char zone[8];
    double national_mean_pd, national_p_value;
    char national_zone[8];
    double jeffreys_p, national_jeffreys_p;
};

struct concentration_row {
    int32_t region;
    char region_name[48];
    int8_t suppressed; /* enum tr_cell_state */
    int64_t subscribers;
    double hhi, hhi_normalised;
};

/* /crosschecks/concentration: each region's (and all regions') grades' concentration, a region
 * of fewer than k_min scored subscribers suppressed (and one more, so that it cannot be derived
 * from the total). */
static void write_concentration(const struct tr_ctx *ctx, hid_t g, const struct tr_backtest *v,
                                const struct tr_rf_regions *regions, int64_t k_min)
{
    typedef struct concentration_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, region_name, 47, NULL),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, subscribers, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, hhi, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, hhi_normalised, H5T_IEEE_F64LE, NULL),
    };
    const size_t n = (size_t)regions->n + 1;
    s *rows = TR_CALLOC(n + 1, sizeof *rows);
    struct tr_cell *state = TR_CALLOC(n + 1, sizeof *state);
    for (size_t r = 0; r < n; r++)
        state[r] = (struct tr_cell){v->concentration[r].subscribers, 0, (int)r - 1, 0};
    tr_suppress(state, n, k_min);
    for (size_t r = 0; r < n; r++) {
        const int region = (int)r - 1; /* the first row is all regions together */
        rows[r].region = region < 0 ? TR_REGION_ALL : region;
        snprintf(rows[r].region_name, sizeof rows[r].region_name, "%.47s",
                 region < 0 ? TR_REGION_ALL_NAME : regions->names[region]);
        rows[r].subscribers = v->concentration[r].subscribers;
        rows[r].hhi = v->concentration[r].hhi;
        rows[r].hhi_normalised = v->concentration[r].hhi_normalised;
        if ((rows[r].suppressed = state[r].state))
            rows[r].subscribers = -1, rows[r].hhi = rows[r].hhi_normalised = NAN;
    }
    free(state);
    tr_rf_small_table(ctx, g, "concentration", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), rows, n,
                      "the grades' concentration per region (-2: all), over every scored "
                      "subscriber: hhi, the Herfindahl index (sum of squared grade shares), and "
                      "hhi_normalised = 1 + ln(hhi) / ln(grades), the ECB's form (0: even, 1: one "
                      "grade); suppressed 1: fewer than privacy.k_min subscribers, 2: hidden to "
                      "protect another (figures -1 or NaN)");
    free(rows);
}

void tr_rf_write_backtest(const struct tr_ctx *ctx, hid_t g, const struct tr_backtest *v,
                          const struct tr_rf_regions *regions, int64_t k_min)
{
    if (!v || v->n_grades <= 0) return;
    typedef struct backtest_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, region_name, 47, NULL),
        NUM_FIELD(s, grade, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
        NUM_FIELD(s, n, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, mean_pd, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, p_value, H5T_IEEE_F64LE, NULL),
        STR_FIELD(s, zone, 7, NULL),
        NUM_FIELD(s, national_mean_pd, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, national_p_value, H5T_IEEE_F64LE, NULL),
        STR_FIELD(s, national_zone, 7, NULL),
        NUM_FIELD(s, jeffreys_p, H5T_IEEE_F64LE, NULL),
        NUM_FIELD(s, national_jeffreys_p, H5T_IEEE_F64LE, NULL),
    };
    const int G = v->n_grades + 1;
    const size_t cells = (size_t)(regions->n + 1) * (size_t)G;
    s *rows = TR_CALLOC(cells + 1, sizeof *rows);
    /* Regions (and all, -1) down, grades (and all, 0) across: each cell's subscribers. */
    struct tr_cell *state = TR_CALLOC(cells + 1, sizeof *state);
    for (size_t at = 0; at < cells; at++)
        state[at] = (struct tr_cell){v->cell[at].n, (int)(at / (size_t)G) - 1,
                                     (int)(at % (size_t)G) - 1, 0};
    tr_suppress(state, cells, k_min);
    for (size_t at = 0; at < cells; at++) {
        const struct tr_backtest_cell *c = &v->cell[at];
        s *r = &rows[at];
        /* the cells' first row is all regions together: the file's TR_REGION_ALL */
        const int region = (int)(at / (size_t)G) - 1;
        r->region = region < 0 ? TR_REGION_ALL : region;
        snprintf(r->region_name, sizeof r->region_name, "%.47s",
                 region < 0 ? TR_REGION_ALL_NAME : regions->names[region]);
        r->grade = (int32_t)(at % (size_t)G);
        r->n = c->n, r->defaults = c->defaults;
        r->mean_pd = c->mean_pd, r->default_rate = c->default_rate, r->p_value = c->p_value;
        snprintf(r->zone, sizeof r->zone, "%s", c->zone < 0 ? "" : tr_zone_names[c->zone]);
        r->national_mean_pd = c->national_mean_pd, r->national_p_value = c->national_p_value;
        r->jeffreys_p = c->jeffreys_p, r->national_jeffreys_p = c->national_jeffreys_p;
        snprintf(r->national_zone, sizeof r->national_zone, "%s",
                 c->national_zone < 0 ? "" : tr_zone_names[c->national_zone]);
        if ((r->suppressed = state[at].state)) {
            r->n = r->defaults = -1;
            r->mean_pd = r->default_rate = r->p_value = NAN;
            r->national_mean_pd = r->national_p_value = NAN;
            r->jeffreys_p = r->national_jeffreys_p = NAN;
            memset(r->zone, 0, sizeof r->zone);
            memset(r->national_zone, 0, sizeof r->national_zone);
        }
    }
    free(state);
    tr_rf_small_table(
        ctx, g, "backtest", fields, (int)(sizeof fields / sizeof *fields), sizeof(s), rows, cells,
        "the models against the hold-out's outcomes, per region (-2: all) and grade "
        "(0: all grades): mean PD against the default rate, one-sided binomial "
        "p-value of that many defaults or more, and its traffic-light zone (green "
        "p > 0.05, yellow down to 0.0001, red below), and the Jeffreys test's p-value "
        "(ECB IRB validation reporting: Beta(defaults + 1/2, n - defaults + 1/2) "
        "CDF at the mean PD; small: the PD underestimates); the same for the national "
        "model's PDs on the same rows; suppressed 1: fewer than privacy.k_min "
        "subscribers, 2: hidden so that such a cell cannot be derived from a total "
        "(figures -1, NaN or empty)");
    free(rows);
    if (v->concentration) write_concentration(ctx, g, v, regions, k_min);
}

void tr_rf_write_crosschecks(const struct tr_ctx *ctx, hid_t file, const struct tr_run_contents *c)
{
    const struct tr_rf_crosschecks *x = c->crosschecks;
    if (!x || !x->checks) return;
    hid_t g = tr_h5_group(file, "crosschecks",
                          "data reconciliation, mobile-money ledger breaks and fraud alerts "
                          "(docs/crosschecks.md)");
    write_summary(ctx, g, x->checks, c->provenance, c->regions);
    write_breaks(ctx, g, x->checks);
    write_alerts(ctx, g, x->checks);
    tr_rf_write_backtest(ctx, g, x->backtest, c->regions, c->k_min);
    H5_CHECK(H5Gclose(g));
}
