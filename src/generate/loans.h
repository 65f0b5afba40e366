/* A subscriber's loan book: a history of loans issued over generate.history_days before the
 * observation date (mobile-money borrowers only) and, for a share of subscribers, one loan issued
 * after it (the application whose outcome the credit models must predict). Every loan has a
 * schedule of equal installments and the repayments that follow it up to the cut, drawn from the
 * true PD (history loans: shifted by their region's cycle in the year they were issued). */
#ifndef TELRISK_GENERATE_LOANS_H
#define TELRISK_GENERATE_LOANS_H

#include "generate/person.h"

#define TR_MAX_LOANS      16  /* per subscriber; the id leaves room for 32 */
#define TR_MAX_REPAYMENTS 256 /* per subscriber, every loan's together */
#define TR_DEFAULT_DPD    90  /* the lender declares a loan in default at 90 days past due */

enum tr_product { TR_MICROLOAN, TR_REVOLVING, TR_MORTGAGE };
enum tr_loan_status { TR_REPAID, TR_DEFAULT, TR_OPEN, TR_WRITTEN_OFF, TR_RESTRUCTURED };
extern const char *const tr_product_names[4]; /* the loans table's words (records/tables.h) */
extern const char *const tr_status_names[6];

struct tr_repayment {
    int64_t t;     /* epoch seconds */
    int64_t cents; /* > 0 */
};

struct tr_loan {
    uint64_t number; /* loan id digits */
    enum tr_product product;
    int64_t issued, due;        /* days since 1970-01-01 */
    int installments;           /* equal parts of amount, the last taking the remainder */
    double rate;                /* effective annual interest rate */
    int64_t principal_cents;    /* disbursed */
    int64_t amount_cents;       /* owed over the loan's life: principal and interest */
    int64_t limit_cents;        /* revolving: the credit line; 0 otherwise */
    int64_t outstanding_cents;  /* amount minus the repayments by the cut */
    enum tr_loan_status status; /* as of the cut */
    double lgd;                 /* the lender's figure in loans.csv; NaN: not given */
    double true_lgd;            /* the planted loss given default */
    double issue_pd;            /* the planted probability that the loan ever defaults */
    int eventual_default;       /* the borrower stops paying at some installment */
    int64_t default_day;        /* planted: 90 days past the first installment not paid; -1 */
    int after_window;           /* issued after the observation window */
    int64_t disbursed_at;       /* epoch seconds */
    int first_rep, n_rep;       /* its repayments in tr_book.rep, in time order */
};

struct tr_book {
    int n, n_rep;
    int64_t lent_until; /* the first default day of the borrower's loans: no loan from then on */
    struct tr_loan loan[TR_MAX_LOANS];
    struct tr_repayment rep[TR_MAX_REPAYMENTS];
};

/* p's loans and repayments. */
void tr_person_book(const struct tr_world *w, const struct tr_person *p, struct tr_book *b);

/* The observation date: the first day after the window (days since 1970-01-01). */
int64_t tr_observation_day(const struct tr_world *w);
/* The day the loan book is cut: generate.outcome_days after the observation date. */
int64_t tr_loan_cut_day(const struct tr_world *w);

/* The due day of installment k (1..installments). */
int64_t tr_installment_day(const struct tr_loan *l, int k);
/* Installment k's amount in cents. */
int64_t tr_installment_cents(const struct tr_loan *l, int k);

/* Region r's default cycle in calendar year y: the shift of a loan's log-odds of default. */
double tr_cycle_shift(const struct tr_world *w, int32_t region, int year);

/* The planted probability that a loan open at the observation date defaults (reaches
 * TR_DEFAULT_DPD) in the 365 days from it, given it has not defaulted before. */
double tr_loan_pd_12m(const struct tr_world *w, const struct tr_loan *l);
/* Whether the loan is open at the observation date: issued before it, not defaulted before it,
 * and with money owed then. */
int tr_loan_open_at_observation(const struct tr_world *w, const struct tr_book *b,
                                const struct tr_loan *l);
/* What the loan owed at the start of day `day`: amount minus the repayments before it. */
int64_t tr_loan_owed_before(const struct tr_book *b, const struct tr_loan *l, int64_t day);

#endif
