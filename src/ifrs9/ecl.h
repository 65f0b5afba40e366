/* IFRS 9 expected credit loss (docs/credit.md section 6): every loan with money outstanding at the
 * reporting date staged 1, 2 or 3; its lifetime PD from survival curves estimated on the ledger's
 * history (the hazard of missing installment k of an n-installment loan of its product, given
 * the ones before were paid), scaled to its obligor's calibrated 12-month PD and made
 * forward-looking by each scenario's conditional PDs; its ECL per scenario over its remaining
 * installments, discounted at its effective interest rate, and the probability-weighted ECL that
 * the lender books. A loan's figures are a pure function of its row, the hazards and the params:
 * the same bits at any rank count; the sums are exact. tests/tools/check_ifrs9.py recomputes all
 * of it from the inputs. */
#ifndef TELRISK_IFRS9_ECL_H
#define TELRISK_IFRS9_ECL_H

#include "config/config.h"
#include "core/exact.h"
#include "core/log.h"
#include "model/scorecard.h"
#include "stress/scenario.h"

#include <stddef.h>
#include <stdint.h>

#define TR_IFRS9_MAX_SCENARIOS TR_SCENARIO_MAX

/* Why a loan is in its stage (the first that holds, in this order). */
enum tr_ifrs9_trigger {
    TR_TRIGGER_NONE,     /* stage 1 */
    TR_TRIGGER_DEFAULT,  /* stage 3: the obligor is in default */
    TR_TRIGGER_BACKSTOP, /* stage 2: ifrs9.backstop_dpd days past due */
    TR_TRIGGER_SICR,     /* stage 2: the lifetime PD's significant increase since origination */
    TR_TRIGGER_FRAUD,    /* stage 2: the borrower has a fraud alert (ifrs9.fraud_trigger) */
    TR_TRIGGERS
};
extern const char *const tr_ifrs9_trigger_names[TR_TRIGGERS];

/* What the config and the scenarios say, checked (tr_ifrs9_params_init). */
struct tr_ifrs9_params {
    int64_t observation_day; /* T: the reporting date, days since 1970 */
    int64_t default_dpd;     /* D: an installment missed becomes a default D days later */
    int64_t backstop_dpd;
    double sicr_ratio, sicr_min_increase;
    int fraud_trigger;
    double default_rate;  /* discount rate of a loan without its own */
    double ccf_revolving; /* of a revolving line's undrawn limit */
    double lgd[3];        /* by product, when a loan has no LGD of its own */
    double pd_floor;      /* stress.pd_floor: no installment's PD below its share of it */
    int64_t min_defaults; /* ifrs9.min_defaults: an installment's own hazard needs this many */
    struct tr_scorecard
        grades; /* model.master_scale: the PDs' grades, whose factors scale hazards */
    int n_scenarios;
    char names[TR_IFRS9_MAX_SCENARIOS][TR_SCENARIO_NAME_MAX];
    double weight[TR_IFRS9_MAX_SCENARIOS];
    int horizon_years[TR_IFRS9_MAX_SCENARIOS];
    int n_regions;
    double *z; /* [n_scenarios x (n_regions + 1)]: the scenario's factor; the last: no region */
};

/* The weights ([ifrs9] weights: "name:w,...", empty: one through-the-cycle scenario, z = 0)
 * against the scenarios (NULL when the run has none) and the run's regions. 0, or 1 with err. */
int tr_ifrs9_params_init(const struct tr_config *cfg, int64_t observation_day,
                         const struct tr_scenarios *scenarios, const char *const *region_names,
                         int n_regions, struct tr_ifrs9_params *p, char *err, size_t errlen);
void tr_ifrs9_params_free(struct tr_ifrs9_params *p);

/* One loan at the reporting date: its schedule and position (/ledger/loans) and its obligor's. */
struct tr_ifrs9_loan {
    uint64_t subscriber, loan;
    int32_t region; /* -1 unknown */
    int8_t product, in_default, fraud, pad;
    int32_t issued, due, installments, dpd;
    int32_t installments_paid; /* in full at T: the next one is the first that can be missed */
    int32_t pad2;
    int64_t amount, outstanding, limit; /* cents; limit -1 none */
    double pd;             /* 12-month PD: the loan's own, else its obligor's calibrated
                              PD; NaN unrated */
    double origination_pd; /* 12-month PD at origination; NaN unknown */
    double lgd, rate;      /* the loan's own; NaN: the product's, ifrs9.default_rate */
};

/* Its figures: money in currency units. */
struct tr_ifrs9_result {
    int8_t stage, trigger, rated, pad;
    double pd_12m, pd_lifetime;   /* probability-weighted, over 12 months and the remaining term */
    double pd_origination;        /* lifetime PD over the same term expected at origination; NaN */
    double ead, lgd, rate;        /* EAD at the reporting date */
    double ecl_12m, ecl_lifetime; /* probability-weighted */
    double ecl;                   /* booked: 12-month (stage 1), lifetime (2), LGD x EAD (3) */
};

/* The survival curves: per product, schedule length n and installment k (1..n), how many loans
 * of the history reached installment k with its outcome known by the reporting date and how many
 * of them defaulted on it (k = 0: the schedule's totals); the hazard used. */
enum tr_hazard_source {
    TR_HAZARD_OWN,    /* defaults / at_risk of the installment: min_defaults defaults or more */
    TR_HAZARD_POOLED, /* of the narrowest band of installments around it with that many */
};
struct tr_ifrs9_cell {
    int32_t product, installments, k;
    int8_t source, pad[3];
    int32_t band; /* the band's half-width j (k - j .. k + j); -1 on the k = 0 row */
    int64_t at_risk, defaults;
    double hazard;
};
struct tr_ifrs9_hazards {
    size_t n;
    struct tr_ifrs9_cell *cell; /* [n] by (product, installments, k) */
    double ead_factor[3];       /* by product: owed at default over owed as scheduled (1: none) */
    /* By product and grade (of the borrower's PD today, 1..n_grades; 0 unused): the history's
     * loans, their defaults and the defaults the hazards expect of them (the sum of their
     * installments' -ln(1 - hazard)); factor: defaults over expected, the product's when it has
     * min_defaults defaults, else the grade's over every product, else 1. */
    int64_t grade_loans[3][TR_MAX_GRADES + 1], grade_defaults[3][TR_MAX_GRADES + 1];
    double grade_expected[3][TR_MAX_GRADES + 1];
    double factor[3][TR_MAX_GRADES + 1];
    int8_t factor_source[3][TR_MAX_GRADES + 1]; /* 0 the product's, 1 all products', 2 none */
};
struct tr_ledger_table;
/* Collective: the hazards from every rank's ledger rows (t: loans issued before T count; a
 * default declared before T is an event at the installment then unpaid), the EAD factors, and
 * the grades' factors from the borrowers' rows (n_rows, sorted keys, their 12-month PDs; pd NULL:
 * none, every factor 1). */
void tr_ifrs9_hazards_build(const struct tr_ctx *ctx, const struct tr_ifrs9_params *p,
                            const struct tr_ledger_table *t, size_t n_rows, const uint64_t *key,
                            const double *pd, struct tr_ifrs9_hazards *h);
void tr_ifrs9_hazards_free(struct tr_ifrs9_hazards *h);
/* The cell of (product, installments, k), or NULL. */
const struct tr_ifrs9_cell *tr_ifrs9_exact_cell(const struct tr_ifrs9_hazards *h, int product,
                                                int installments, int k);
/* The cell that gives installment k its hazard: its own, or beyond the history's last
 * installment of the schedule that last one; NULL when the schedule has no history. */
const struct tr_ifrs9_cell *tr_ifrs9_cell_of(const struct tr_ifrs9_hazards *h, int product,
                                             int installments, int k);

/* Scenario s's 12-month PD in year y (0-based from T) of an obligor of 12-month PD pd in region
 * (-1: none) for product: the conditional PD at the scenario's factor within its horizon, pd after.
 */
double tr_ifrs9_pd_year(const struct tr_ifrs9_params *p, int s, int region, int product, double pd,
                        int y);

/* One loan: r, and per scenario (each [n_scenarios]) its booked ECL (the stage of the weighted
 * PDs; NaN unrated), and under the scenario alone (docs/credit.md section 7) its stage (the SICR
 * test on that scenario's lifetime PD) and the ECL of that stage. */
void tr_ifrs9_loan(const struct tr_ifrs9_params *p, const struct tr_ifrs9_hazards *h,
                   const struct tr_ifrs9_loan *l, struct tr_ifrs9_result *r, double *ecl_scenario,
                   int8_t *stage_scenario, double *ecl_staged);

/* Per region (the last: all) and stage (1..3, at 0..2): loans, distinct borrowers, unrated loans;
 * exposure, ECL and unrated exposure (exact sums). */
enum { TR_IFRS9_SUM_EAD, TR_IFRS9_SUM_ECL, TR_IFRS9_SUM_UNRATED_EAD, TR_IFRS9_SUMS };
struct tr_ifrs9_summary {
    int n_regions;
    int64_t *loans, *borrowers, *unrated; /* [(n_regions + 1) x 3] */
    tr_exact *sums;                       /* [(n_regions + 1) x 3 x TR_IFRS9_SUMS] */
    /* Each scenario alone, its own stages: [n_scenarios x (n_regions + 1) x 3] loans and
     * borrowers of rated loans, and [... x 2] their exposure and ECL. */
    int n_scenarios;
    int64_t *s_loans, *s_borrowers;
    tr_exact *s_sums;
};

/* The whole book: this rank's n loans (borrower key order) into result[n],
 * ecl_scenario[n x n_scenarios] and stage_scenario[n x n_scenarios]; the summaries over all
 * ranks. Collective. */
void tr_ifrs9_book(const struct tr_ctx *ctx, const struct tr_ifrs9_params *p,
                   const struct tr_ifrs9_hazards *h, const struct tr_ifrs9_loan *loans, size_t n,
                   struct tr_ifrs9_result *result, double *ecl_scenario, int8_t *stage_scenario,
                   struct tr_ifrs9_summary *summary);
void tr_ifrs9_summary_free(struct tr_ifrs9_summary *s);

/* The book at the reporting date: the loans of t (this rank's ledger rows, key order) with money
 * outstanding, joined with their borrowers' rows (n, sorted keys: region, the calibrated PD,
 * flags: NULL none) and their obligor's default. *n_out of them (to free). */
struct tr_ifrs9_loan *tr_ifrs9_loans_of(const struct tr_ledger_table *t, size_t n,
                                        const uint64_t *key, const int32_t *region,
                                        const double *pd, const uint8_t *flags, size_t *n_out);

/* A previous run's IFRS 9 book (its /ifrs9/loans), whole on every rank, by loan key. */
struct tr_ifrs9_previous {
    size_t n;
    uint64_t *loan; /* [n], increasing */
    int8_t *stage;  /* [n] 1..3 */
    double *ead;    /* [n] */
};
void tr_ifrs9_previous_free(struct tr_ifrs9_previous *p);

/* Stage transfers: [from][to], from the previous run's stage (0: not in its book) to this run's
 * (0: no longer in the book), loans and exposure (this run's EAD; the previous run's for the
 * loans that left). */
struct tr_ifrs9_transfers {
    int64_t loans[4][4];
    tr_exact ead[4][4];
};
/* Collective: this rank's n loans and results against prev. */
void tr_ifrs9_transfers_of(const struct tr_ctx *ctx, const struct tr_ifrs9_previous *prev,
                           const struct tr_ifrs9_loan *loans, const struct tr_ifrs9_result *results,
                           size_t n, struct tr_ifrs9_transfers *out);

/* Everything the stage makes, for the run file (output/runfile.h's tr_rf_ifrs9). */
struct tr_ifrs9_run {
    struct tr_ifrs9_params params;
    struct tr_ifrs9_hazards hazards;
    size_t n;
    struct tr_ifrs9_loan *loans;
    struct tr_ifrs9_result *results;
    double *ecl_scenario;   /* [n x scenarios] */
    int8_t *stage_scenario; /* [n x scenarios] */
    struct tr_ifrs9_summary summary;
};
/* Collective: the hazards from the ledger rows t and the subscribers' rows (n_rows, sorted keys,
 * their PDs), then the book of `loans` (taken over) measured. */
void tr_ifrs9_run(const struct tr_ctx *ctx, struct tr_ifrs9_run *r, const struct tr_ledger_table *t,
                  size_t n_rows, const uint64_t *key, const double *pd, struct tr_ifrs9_loan *loans,
                  size_t n);
void tr_ifrs9_run_free(struct tr_ifrs9_run *r);

#endif
