/* The ledger day by day (docs/credit.md sections 2 and 3): for one obligor, from their loans'
 * schedules and repayments, each loan's position at the observation date (outstanding, arrears,
 * days past due), the definition of default (material arrears at the obligor level counted in
 * days, unlikeliness-to-pay statuses at the ledger's cut, probation before a cure) and the
 * 12-month PD's population and label. Event-driven: the state changes only on a day after an
 * issue, a due date or a payment, so an obligor costs their events, not the days of the history.
 * tests/tools/check_ledger.py recomputes all of it day by day from the inputs. */
#ifndef TELRISK_FEATURES_LEDGER_DAYS_H
#define TELRISK_FEATURES_LEDGER_DAYS_H

#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

/* The schedule (docs/credit.md section 1), the one formula every stage uses: installment k
 * (1..n) of a loan issued on day i and due on day u falls due at the end of day
 * i + floor(k (u - i) / n); the first k add up to k floor(A / n), all n to the amount A (cents). */
static inline int64_t tr_installment_day(int64_t issued, int64_t due, int64_t n, int64_t k)
{
    return issued + k * (due - issued) / n;
}
static inline int64_t tr_installments_sum(int64_t amount, int64_t n, int64_t k)
{
    return k >= n ? amount : k * (amount / n);
}

/* The yearly cohorts of the ledger's history (docs/credit.md section 4): cohort k is the
 * population at T - 365 k and its defaults in the horizon after it; k = 0 is T's, the label's. */
enum { TR_LEDGER_COHORTS = 8, TR_COHORT_STEP_DAYS = 365 };

/* Which rule gives the 12-month PD's label (docs/credit.md section 3). */
enum tr_label_rule { TR_LABEL_STATUS = 0, TR_LABEL_LEDGER = 1 };
extern const char *const tr_label_rule_names[2];

/* An obligor's place in the 12-month PD's population at the observation date. */
enum tr_population { TR_POP_NONE, TR_POP_EXPOSURE, TR_POP_APPLICATION, TR_POP_IN_DEFAULT };
extern const char *const tr_population_names[4];

/* The settings, all in days since 1970 or days (credit.* and model.* keys). */
struct tr_ledger_settings {
    int64_t observation_day;     /* T: the first day after the window */
    int64_t cut_day;             /* C: the last day the ledger covers (>= T - 1) */
    int cut_from_config;         /* 1: credit.ledger_cut; 0: the window's end */
    int64_t horizon_days;        /* H: model.horizon_days */
    int64_t application_days;    /* A: model.application_days */
    int64_t default_dpd;         /* D: credit.default_dpd */
    int64_t probation_days;      /* P: credit.probation_days */
    double materiality_absolute; /* currency units */
    double materiality_relative; /* of the obligor's exposure */
    enum tr_label_rule label_rule;
};

/* A loan's position at T (state at the start of day T) and its default day. */
struct tr_loan_position {
    uint64_t subscriber, loan;            /* keyed hashes */
    int64_t amount, outstanding, arrears; /* cents */
    int32_t issued, due, installments;    /* days since 1970; count */
    int32_t dpd, installments_due, installments_paid;
    int32_t default_day; /* the loan's default day, -1 none by C + 1 */
    uint8_t product, status, pad[2];
    int64_t default_outstanding; /* cents owed on the default day (0: no default) */
    int32_t default_installment; /* then the oldest installment not fully paid (0: none) */
    int32_t pad2;
    int64_t limit;             /* cents, -1 none: the loans table's terms, for IFRS 9 */
    double pd, origination_pd; /* NaN: not given */
    double lgd, rate;          /* NaN: not given */
};

/* An obligor's position at T, their default in the horizon and their label. */
struct tr_obligor_position {
    uint64_t subscriber;
    int64_t exposure, arrears;    /* cents: E(T), R(T) */
    int64_t reference_day;        /* T for the exposure population, the first application's issue
                                     day for the application population; INT64_MAX otherwise */
    int32_t loans, material_days; /* c(T) */
    int32_t default_day;          /* first trigger in (T, T + H], -1 none or not asked */
    int32_t region;               /* the subscriber's (-1 unknown), set by the caller */
    uint8_t cohort_member;        /* bit k: in cohort k's population, its outcome known */
    uint8_t cohort_default;       /* bit k: ... and defaulted in its horizon */
    int8_t in_default, population, label, pad[3];
};

/* Every obligor's and loan's rows of this rank, in key order (a later pass's after). */
struct tr_ledger_table {
    size_t n_loans, n_obligors;
    size_t cap_loans, cap_obligors;      /* room allocated */
    struct tr_loan_position *loan;       /* [n_loans] */
    struct tr_obligor_position *obligor; /* [n_obligors] */
};

/* Reused between obligors. */
struct tr_ledger_scratch {
    size_t cap_days, cap_loans, cap_reps;
    int64_t *days;             /* [2 cap_days]: the event days, then the merge sort's room */
    struct loan_state *state;  /* [cap_loans] */
    uint32_t *live;            /* [cap_loans]: the loans still owing, by index into state */
    struct tr_repayment *reps; /* [cap_reps]: the obligor's, by (loan, time, order) */
};
void tr_ledger_scratch_free(struct tr_ledger_scratch *s);

/* One obligor: their n_loans loans (file order) and their repayments (any order), into
 * loan_out[n_loans] and *out. */
void tr_ledger_obligor(const struct tr_ledger_settings *s, const struct tr_loan_rec *loans,
                       size_t n_loans, const struct tr_repayment *reps, size_t n_reps,
                       struct tr_ledger_scratch *scratch, struct tr_loan_position *loan_out,
                       struct tr_obligor_position *out);

/* One obligor's rows appended to t (grown as needed), the loans by issue day, then loan key. */
void tr_ledger_table_add(struct tr_ledger_table *t, const struct tr_ledger_settings *s,
                         const struct tr_loan_rec *loans, size_t n_loans,
                         const struct tr_repayment *reps, size_t n_reps,
                         struct tr_ledger_scratch *scratch);
/* src's rows after dst's (a later pass). */
void tr_ledger_table_append(struct tr_ledger_table *dst, const struct tr_ledger_table *src);
void tr_ledger_table_free(struct tr_ledger_table *t);

#endif
