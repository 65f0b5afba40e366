/* /ledger: the definition of default's settings, every loan's position at the observation date
 * and every obligor's default and label (docs/credit.md sections 2 and 3). Written with the
 * records, so later stages, `train` and `score` leave it as it is. */
#include "output/groups.h"

#include "core/error.h"
#include "features/ledger_days.h"
#include "model/calibration.h"
#include "records/parse.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loan_row {
    uint64_t subscriber, loan;
    char product[12], status[16];
    int32_t issued, due, installments;
    double amount, outstanding, arrears;
    int32_t dpd, installments_due, installments_paid, default_day;
    double default_outstanding;
    int32_t default_installment;
};

/* The terms IFRS 9 reads of a loan with money outstanding at T (the book; /ledger/terms). */
struct terms_row {
    uint64_t subscriber, loan;
    double limit, pd, origination_pd, lgd, rate;
};

#define TERMS_FIELDS(s)                                                                            \
    {                                                                                              \
        NUM_FIELD(s, subscriber, H5T_STD_U64LE, NULL), NUM_FIELD(s, loan, H5T_STD_U64LE, NULL),    \
            NUM_FIELD(s, limit, H5T_IEEE_F64LE, "currency"),                                       \
            NUM_FIELD(s, pd, H5T_IEEE_F64LE, "probability"),                                       \
            NUM_FIELD(s, origination_pd, H5T_IEEE_F64LE, "probability"),                           \
            NUM_FIELD(s, lgd, H5T_IEEE_F64LE, "fraction"),                                         \
            NUM_FIELD(s, rate, H5T_IEEE_F64LE, "per year")                                         \
    }

struct obligor_row {
    uint64_t subscriber;
    int32_t region, loans;
    double exposure, arrears;
    int32_t material_days;
    int8_t in_default;
    char population[12];
    int32_t default_day;
    int8_t label;
};

#define LOAN_FIELDS(s)                                                                             \
    {                                                                                              \
        NUM_FIELD(s, subscriber, H5T_STD_U64LE, NULL), NUM_FIELD(s, loan, H5T_STD_U64LE, NULL),    \
            STR_FIELD(s, product, 11, NULL), STR_FIELD(s, status, 15, NULL),                       \
            NUM_FIELD(s, issued, H5T_STD_I32LE, "days since 1970-01-01"),                          \
            NUM_FIELD(s, due, H5T_STD_I32LE, "days since 1970-01-01"),                             \
            NUM_FIELD(s, installments, H5T_STD_I32LE, NULL),                                       \
            NUM_FIELD(s, amount, H5T_IEEE_F64LE, "currency"),                                      \
            NUM_FIELD(s, outstanding, H5T_IEEE_F64LE, "currency"),                                 \
            NUM_FIELD(s, arrears, H5T_IEEE_F64LE, "currency"),                                     \
            NUM_FIELD(s, dpd, H5T_STD_I32LE, "days"),                                              \
            NUM_FIELD(s, installments_due, H5T_STD_I32LE, NULL),                                   \
            NUM_FIELD(s, installments_paid, H5T_STD_I32LE, NULL),                                  \
            NUM_FIELD(s, default_day, H5T_STD_I32LE, "days since 1970-01-01"),                     \
            NUM_FIELD(s, default_outstanding, H5T_IEEE_F64LE, "currency"),                         \
            NUM_FIELD(s, default_installment, H5T_STD_I32LE, NULL)                                 \
    }

static void write_loans(const struct tr_ctx *ctx, hid_t g, const struct tr_ledger_table *t)
{
    typedef struct loan_row s;
    const struct tr_h5_field fields[] = LOAN_FIELDS(s);
    struct loan_row *rows = TR_CALLOC(t->n_loans + 1, sizeof *rows);
    for (size_t i = 0; i < t->n_loans; i++) {
        const struct tr_loan_position *p = &t->loan[i];
        rows[i] = (struct loan_row){.subscriber = p->subscriber,
                                    .loan = p->loan,
                                    .issued = p->issued,
                                    .due = p->due,
                                    .installments = p->installments,
                                    .amount = (double)p->amount / 100,
                                    .outstanding = (double)p->outstanding / 100,
                                    .arrears = (double)p->arrears / 100,
                                    .dpd = p->dpd,
                                    .installments_due = p->installments_due,
                                    .installments_paid = p->installments_paid,
                                    .default_day = p->default_day,
                                    .default_outstanding = (double)p->default_outstanding / 100,
                                    .default_installment = p->default_installment};
        snprintf(rows[i].product, sizeof rows[i].product, "%s", tr_product_names[p->product]);
        snprintf(rows[i].status, sizeof rows[i].status, "%s", tr_status_names[p->status]);
    }
    tr_rf_rows_table(
        ctx, g, "loans", fields, (int)(sizeof fields / sizeof *fields), sizeof *rows, rows,
        t->n_loans,
        "one row per loan of a registered subscriber, in borrower key order, then by issue day "
        "and loan key: its "
        "schedule, and at the observation date its outstanding amount, arrears, days "
        "past due, installments due and paid; the loan's default day (-1: none by "
        "the day after the ledger's cut); on its default day what it owed and the "
        "oldest installment not fully paid (0: no default); docs/credit.md section 2");
    free(rows);
}

/* The book's terms: the loans table's limit, pd, origination_pd, lgd, rate of every loan with
 * money outstanding at T, in /ledger/loans' order (the rest need none: IFRS 9 measures only
 * these; the history's loans give hazards by their schedules and defaults). */
static void write_terms(const struct tr_ctx *ctx, hid_t g, const struct tr_ledger_table *t)
{
    typedef struct terms_row s;
    const struct tr_h5_field fields[] = TERMS_FIELDS(s);
    struct terms_row *rows = TR_CALLOC(t->n_loans + 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < t->n_loans; i++) {
        const struct tr_loan_position *p = &t->loan[i];
        if (p->outstanding <= 0) continue;
        rows[n++] = (struct terms_row){.subscriber = p->subscriber,
                                       .loan = p->loan,
                                       .limit = p->limit < 0 ? NAN : (double)p->limit / 100,
                                       .pd = p->pd,
                                       .origination_pd = p->origination_pd,
                                       .lgd = p->lgd,
                                       .rate = p->rate};
    }
    tr_rf_rows_table(ctx, g, "terms", fields, (int)(sizeof fields / sizeof *fields), sizeof *rows,
                     rows, n,
                     "one row per loan of /ledger/loans with money outstanding at the "
                     "observation date, in its order: the loans table's limit, pd, "
                     "origination_pd, lgd and rate (NaN: not given), which IFRS 9 reads; "
                     "docs/credit.md section 6");
    free(rows);
}

#define OBLIGOR_FIELDS(s)                                                                          \
    {                                                                                              \
        NUM_FIELD(s, subscriber, H5T_STD_U64LE, NULL), NUM_FIELD(s, region, H5T_STD_I32LE, NULL),  \
            NUM_FIELD(s, loans, H5T_STD_I32LE, NULL),                                              \
            NUM_FIELD(s, exposure, H5T_IEEE_F64LE, "currency"),                                    \
            NUM_FIELD(s, arrears, H5T_IEEE_F64LE, "currency"),                                     \
            NUM_FIELD(s, material_days, H5T_STD_I32LE, "days"),                                    \
            NUM_FIELD(s, in_default, H5T_STD_I8LE, NULL), STR_FIELD(s, population, 11, NULL),      \
            NUM_FIELD(s, default_day, H5T_STD_I32LE, "days since 1970-01-01"),                     \
            NUM_FIELD(s, label, H5T_STD_I8LE, NULL)                                                \
    }

static void write_obligors(const struct tr_ctx *ctx, hid_t g, const struct tr_ledger_table *t)
{
    typedef struct obligor_row s;
    const struct tr_h5_field fields[] = OBLIGOR_FIELDS(s);
    struct obligor_row *rows = TR_CALLOC(t->n_obligors + 1, sizeof *rows);
    for (size_t i = 0; i < t->n_obligors; i++) {
        const struct tr_obligor_position *o = &t->obligor[i];
        rows[i] = (struct obligor_row){.subscriber = o->subscriber,
                                       .region = o->region,
                                       .loans = o->loans,
                                       .exposure = (double)o->exposure / 100,
                                       .arrears = (double)o->arrears / 100,
                                       .material_days = o->material_days,
                                       .in_default = o->in_default,
                                       .default_day = o->default_day,
                                       .label = o->label};
        snprintf(rows[i].population, sizeof rows[i].population, "%s",
                 tr_population_names[o->population]);
    }
    tr_rf_rows_table(ctx, g, "obligors", fields, (int)(sizeof fields / sizeof *fields),
                     sizeof *rows, rows, t->n_obligors,
                     "one row per registered subscriber with a loan, in key order: region (a row "
                     "of /regions/names, -1 unknown), exposure, "
                     "arrears and material days past due at the observation date, in default "
                     "then, the 12-month PD's population, the first default in the horizon (-1: "
                     "none) and the label; docs/credit.md sections 2 and 3");
    free(rows);
}

struct cohort_row {
    int32_t cohort, day;
    int64_t obligors, defaults;
    double default_rate;
    int8_t used;
};

#define COHORT_FIELDS(s)                                                                           \
    {                                                                                              \
        NUM_FIELD(s, cohort, H5T_STD_I32LE, NULL),                                                 \
            NUM_FIELD(s, day, H5T_STD_I32LE, "days since 1970-01-01"),                             \
            NUM_FIELD(s, obligors, H5T_STD_I64LE, "subscribers"),                                  \
            NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),                                  \
            NUM_FIELD(s, default_rate, H5T_IEEE_F64LE, "fraction"),                                \
            NUM_FIELD(s, used, H5T_STD_I8LE, "1: in the long-run average")                         \
    }

static void write_cohorts(const struct tr_ctx *ctx, hid_t g, const struct tr_cohort_counts *k)
{
    typedef struct cohort_row s;
    const struct tr_h5_field fields[] = COHORT_FIELDS(s);
    struct cohort_row rows[TR_LEDGER_COHORTS];
    for (int j = 0; j < TR_LEDGER_COHORTS; j++)
        rows[j] = (struct cohort_row){
            .cohort = j,
            .day = (int32_t)k->day[j],
            .obligors = k->obligors[j],
            .defaults = k->defaults[j],
            .default_rate = k->obligors[j] ? (double)k->defaults[j] / (double)k->obligors[j] : NAN,
            .used = k->used[j]};
    tr_rf_small_table(ctx, g, "cohorts", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, TR_LEDGER_COHORTS,
                      "the history's yearly cohorts, all regions (docs/credit.md section 4): "
                      "cohort k is the population at the observation date less 365 k days whose "
                      "outcome the ledger knows, and its defaults in the horizon after; the "
                      "long-run average default rate is the mean of the rates of the used ones: "
                      "those with obligors whose year before is in the ledger (its day less 365 "
                      "on or after the ledger's first_issue_day)");
}

int tr_rf_read_cohorts(hid_t file, struct tr_cohort_counts *out, int *present, char *err,
                       size_t errlen)
{
    typedef struct cohort_row s;
    const struct tr_h5_field fields[] = COHORT_FIELDS(s);
    size_t n = 0;
    int bad = 0;
    *present = 0;
    struct cohort_row *rows = tr_rf_read_table_checked(
        file, "ledger/cohorts", fields, (int)(sizeof fields / sizeof *fields), sizeof(s), &n, &bad);
    if (!rows && !bad) return 0;
    bad = bad || n != TR_LEDGER_COHORTS;
    for (size_t j = 0; j < n && !bad; j++)
        bad = rows[j].cohort != (int32_t)j || rows[j].obligors < 0 || rows[j].defaults < 0 ||
              rows[j].defaults > rows[j].obligors || rows[j].used < 0 || rows[j].used > 1 ||
              (rows[j].used && rows[j].obligors == 0);
    if (bad)
        snprintf(err, errlen,
                 "its /ledger/cohorts is not %d cohorts each with at most as many defaults as "
                 "obligors, used (0 or 1) only with obligors",
                 TR_LEDGER_COHORTS);
    for (size_t j = 0; j < n && !bad; j++)
        out->day[j] = rows[j].day, out->obligors[j] = rows[j].obligors,
        out->defaults[j] = rows[j].defaults, out->used[j] = rows[j].used;
    *present = !bad;
    free(rows);
    return bad;
}

static void attr_i64(hid_t g, const char *name, int64_t v)
{
    tr_h5_attr_scalar(g, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
}

static void attr_f64(hid_t g, const char *name, double v)
{
    tr_h5_attr_scalar(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

/* The population's counts over every rank: [population] obligors, then labelled and defaulted. */
static void write_counts(const struct tr_ctx *ctx, hid_t g, const struct tr_ledger_table *t)
{
    int64_t n[6] = {0};
    for (size_t i = 0; i < t->n_obligors; i++) {
        n[t->obligor[i].population]++;
        if (t->obligor[i].label >= 0) n[4]++;
        if (t->obligor[i].label == 1) n[5]++;
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, n, 6, MPI_INT64_T, MPI_SUM, ctx->comm));
    char name[48];
    for (int p = 0; p < 4; p++) {
        snprintf(name, sizeof name, "obligors_%s", tr_population_names[p]);
        attr_i64(g, name, n[p]);
    }
    attr_i64(g, "obligors_labelled", n[4]);
    attr_i64(g, "obligors_defaulted", n[5]);
}

void tr_rf_write_ledger(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_ledger *l)
{
    const struct tr_ledger_settings *s = l->settings;
    hid_t g = tr_h5_group(file, "ledger",
                          "the loan ledger day by day: positions at the observation date, the "
                          "definition of default, the 12-month PD's population and labels; "
                          "docs/credit.md sections 2 and 3");
    attr_i64(g, "observation_day", s->observation_day);
    attr_i64(g, "ledger_cut", s->cut_day);
    tr_h5_attr_str(g, "ledger_cut_source",
                   s->cut_from_config ? "credit.ledger_cut"
                                      : "the window's last day (credit.ledger_cut not set)");
    attr_i64(g, "horizon_days", s->horizon_days);
    attr_i64(g, "application_days", s->application_days);
    attr_i64(g, "default_dpd", s->default_dpd);
    attr_f64(g, "materiality_absolute", s->materiality_absolute);
    attr_f64(g, "materiality_relative", s->materiality_relative);
    attr_i64(g, "probation_days", s->probation_days);
    tr_h5_attr_str(g, "label_rule", tr_label_rule_names[s->label_rule]);
    write_counts(ctx, g, l->table);
    /* the ledger's first loan: the cohorts whose year before it holds enter the average */
    attr_i64(g, "first_issue_day",
             l->cohorts->first_issue_day == INT64_MAX ? -1 : l->cohorts->first_issue_day);
    write_cohorts(ctx, g, l->cohorts);
    write_loans(ctx, g, l->table);
    write_terms(ctx, g, l->table);
    write_obligors(ctx, g, l->table);
    H5_CHECK(H5Gclose(g));
}

/* The rows of name (fields, size) with keys in [lo, hi], or NULL with err (not such a table). */
static void *read_range(hid_t file, const char *name, const struct tr_h5_field *fields,
                        int n_fields, size_t size, uint64_t lo, uint64_t hi, size_t *n, char *err,
                        size_t errlen)
{
    *n = 0;
    hid_t d = tr_h5_open_dataset(file, name);
    if (d < 0 || !tr_rf_table_readable(d, fields, n_fields, size)) {
        if (d >= 0) H5_CHECK(H5Dclose(d));
        snprintf(err, errlen, "its /%s is not the table telrisk writes", name);
        return NULL;
    }
    const uint64_t rows_all = tr_h5_rows(d), first = tr_rf_first_row_at(d, rows_all, lo);
    const uint64_t end = hi == UINT64_MAX ? rows_all : tr_rf_first_row_at(d, rows_all, hi + 1);
    const uint64_t count = end > first ? end - first : 0;
    hid_t mem, ftype;
    tr_h5_compound(fields, n_fields, size, &mem, &ftype);
    void *rows = TR_CALLOC(count + 1, size);
    tr_h5_read_rows(d, mem, rows, first, count);
    H5_CHECK(H5Tclose(mem));
    H5_CHECK(H5Tclose(ftype));
    H5_CHECK(H5Dclose(d));
    *n = count;
    return rows;
}

/* A row read back as the position it was written from; 1 when no ledger could have written it. */
static int loan_of_row(const struct loan_row *r, struct tr_loan_position *p)
{
    const int product = tr_word_index(r->product, strlen(r->product), tr_product_names),
              status = tr_word_index(r->status, strlen(r->status), tr_status_names);
    *p = (struct tr_loan_position){.subscriber = r->subscriber,
                                   .loan = r->loan,
                                   .amount = llround(r->amount * 100),
                                   .outstanding = llround(r->outstanding * 100),
                                   .arrears = llround(r->arrears * 100),
                                   .issued = r->issued,
                                   .due = r->due,
                                   .installments = r->installments,
                                   .dpd = r->dpd,
                                   .installments_due = r->installments_due,
                                   .installments_paid = r->installments_paid,
                                   .default_day = r->default_day,
                                   .product = (uint8_t)product,
                                   .status = (uint8_t)status,
                                   .limit = -1, /* the terms: /ledger/terms */
                                   .pd = NAN,
                                   .origination_pd = NAN,
                                   .lgd = NAN,
                                   .rate = NAN,
                                   .default_outstanding = llround(r->default_outstanding * 100),
                                   .default_installment = r->default_installment};
    /* days of years 1 to 9999 (as dates parse), a term of at most a century, the counts within
     * the schedule: the IFRS 9 walks over the installments stay short */
    const int64_t term = (int64_t)r->due - r->issued;
    return product < 0 || product > 2 || status < 0 || r->issued < -719162 || r->issued > 2932896 ||
           term < 1 || term > 36525 || r->installments < 1 || r->installments > term ||
           r->installments_paid < 0 || r->installments_paid > r->installments ||
           r->installments_due < 0 || r->installments_due > r->installments ||
           !(r->amount >= 0 && r->amount < 1e13) ||
           !(r->outstanding >= 0 && r->outstanding < 1e13) || r->dpd < 0 ||
           !(r->default_outstanding >= 0 && r->default_outstanding < 1e13) ||
           r->default_installment < 0 || r->default_installment > r->installments + 1;
}

/* A terms row read back into its loan's position; 1 when no loans table could have given it. */
static int terms_of_row(const struct terms_row *r, struct tr_loan_position *p)
{
    p->limit = isnan(r->limit) ? -1 : llround(r->limit * 100);
    p->pd = r->pd, p->origination_pd = r->origination_pd, p->lgd = r->lgd, p->rate = r->rate;
    return (!isnan(r->limit) && !(r->limit >= 0 && r->limit < 1e15)) ||
           !(isnan(r->pd) || (r->pd > 0 && r->pd <= 1)) ||
           !(isnan(r->origination_pd) || (r->origination_pd > 0 && r->origination_pd < 1)) ||
           !(isnan(r->lgd) || (r->lgd >= 0 && r->lgd <= 1)) ||
           !(isnan(r->rate) || (r->rate >= 0 && r->rate < 10));
}

/* The terms rows (in the loans' order, for the loans with money outstanding) onto t's loans:
 * 0, or 1 with err when they do not follow those loans one to one. */
static int join_terms(struct tr_ledger_table *t, const struct terms_row *terms, size_t n, char *err,
                      size_t errlen)
{
    size_t j = 0;
    for (size_t i = 0; i < t->n_loans; i++) {
        struct tr_loan_position *p = &t->loan[i];
        if (p->outstanding <= 0) continue;
        if (j == n || terms[j].loan != p->loan || terms[j].subscriber != p->subscriber ||
            terms_of_row(&terms[j], p))
            return snprintf(err, errlen,
                            "its /ledger/terms do not follow /ledger/loans' loans "
                            "with money outstanding, or hold a term out of range"),
                   1;
        j++;
    }
    return j == n ? 0
                  : (snprintf(err, errlen, "its /ledger/terms hold loans /ledger/loans lacks"), 1);
}

int tr_rf_read_ledger_range(hid_t file, uint64_t lo, uint64_t hi, struct tr_ledger_table *t,
                            char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    const struct tr_h5_field lf[] = LOAN_FIELDS(struct loan_row),
                             of[] = OBLIGOR_FIELDS(struct obligor_row);
    size_t nl = 0, no = 0;
    struct loan_row *loans = read_range(file, "ledger/loans", lf, (int)(sizeof lf / sizeof *lf),
                                        sizeof *loans, lo, hi, &nl, err, errlen);
    struct obligor_row *obl =
        loans ? read_range(file, "ledger/obligors", of, (int)(sizeof of / sizeof *of), sizeof *obl,
                           lo, hi, &no, err, errlen)
              : NULL;
    int bad = !loans || !obl;
    t->loan = TR_CALLOC(nl + 1, sizeof *t->loan);
    t->obligor = TR_CALLOC(no + 1, sizeof *t->obligor);
    t->cap_loans = nl + 1, t->cap_obligors = no + 1;
    for (size_t i = 0; i < nl && !bad; i++, t->n_loans++)
        if (loan_of_row(&loans[i], &t->loan[i]) ||
            (i > 0 && loans[i].subscriber < loans[i - 1].subscriber)) {
            snprintf(err, errlen,
                     "its /ledger/loans row of subscriber %" PRIu64 " is out of range "
                     "or out of key order",
                     loans[i].subscriber);
            bad = 1;
        }
    for (size_t i = 0; i < no && !bad; i++, t->n_obligors++) {
        const struct obligor_row *r = &obl[i];
        t->obligor[i] = (struct tr_obligor_position){.subscriber = r->subscriber,
                                                     .region = r->region,
                                                     .loans = r->loans,
                                                     .in_default = r->in_default,
                                                     .default_day = r->default_day,
                                                     .label = r->label};
        if (i > 0 && r->subscriber <= obl[i - 1].subscriber) {
            snprintf(err, errlen, "its /ledger/obligors keys do not increase");
            bad = 1;
        }
    }
    free(loans);
    free(obl);
    const struct tr_h5_field tf[] = TERMS_FIELDS(struct terms_row);
    size_t nt = 0;
    struct terms_row *terms =
        bad ? NULL
            : read_range(file, "ledger/terms", tf, (int)(sizeof tf / sizeof *tf), sizeof *terms, lo,
                         hi, &nt, err, errlen);
    if (!bad) bad = !terms || join_terms(t, terms, nt, err, errlen);
    free(terms);
    if (bad) tr_ledger_table_free(t);
    return bad;
}
