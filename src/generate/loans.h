/* A subscriber's loans: earlier ones (their history, repaid or defaulted by the cut) and, for a
 * share of subscribers, one issued after the observation window whose outcome is what the
 * credit models must predict. Outcomes are drawn from the true PD. */
#ifndef TELRISK_GENERATE_LOANS_H
#define TELRISK_GENERATE_LOANS_H

#include "generate/person.h"

#define TR_MAX_LOANS 5

enum tr_product { TR_MICROLOAN, TR_REVOLVING, TR_MORTGAGE };
enum tr_loan_status { TR_REPAID, TR_DEFAULT, TR_OPEN };
extern const char *const tr_product_names[4]; /* the loans table's words (records/tables.h) */
extern const char *const tr_status_names[4];

struct tr_loan {
    uint64_t number; /* loan id digits */
    enum tr_product product;
    int64_t issued, due; /* days since 1970-01-01 */
    int64_t amount_cents, outstanding_cents;
    enum tr_loan_status status; /* as of the cut */
    double lgd;                 /* NaN: not given */
    int eventual_default;       /* the truth, also for loans still open at the cut */
    int after_window;           /* issued after the observation window */
    int64_t repaid_at;          /* epoch seconds of the repayment, or -1 */
    int64_t disbursed_at;       /* epoch seconds */
};

int tr_person_loans(const struct tr_world *w, const struct tr_person *p,
                    struct tr_loan out[TR_MAX_LOANS]);

/* The day the loan book is cut (days since 1970-01-01). */
int64_t tr_loan_cut_day(const struct tr_world *w);

#endif
