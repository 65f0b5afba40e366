/* What a person is shown of a run file (telrisk inspect, and the report of issue 21), read into
 * plain C data: storage stays here in output/, and present/ lays the data out with no HDF5.
 * Reading is serial (one process) and never ends the job on a bad file: anything unexpected in
 * it is reported with the file's path and the object, and gives TR_EXIT_INPUT. */
#ifndef TELRISK_OUTPUT_SUMMARY_H
#define TELRISK_OUTPUT_SUMMARY_H

#include "crosscheck/crosscheck.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The parts a summary holds (tr_run_summary.parts). Reading stops at the first part that cannot
 * be read, so a damaged file still shows the parts before it. A part the file does not have
 * (/models in a records checkpoint, /stress in a run without scenarios) is simply absent. */
enum tr_summary_part {
    TR_SUMMARY_RUN = 1u << 0,    /* root, regions, subscribers' tallies, inputs: all or none */
    TR_SUMMARY_MODELS = 1u << 1, /* /models/summary */
    TR_SUMMARY_CHECKS = 1u << 2, /* /crosschecks/summary */
    /* /stress: its scenarios up to n_scenarios, all of them unless reading failed part way */
    TR_SUMMARY_STRESS = 1u << 3,
    TR_SUMMARY_BACKTEST = 1u << 4, /* /crosschecks/backtest */
};

/* The subscribers of one row of the per-region table, and the sums behind each feature's mean
 * over its defined values (NaN is skipped, not propagated). */
struct tr_summary_tally {
    uint64_t subscribers;
    double *sum;       /* [n_features] */
    uint64_t *defined; /* [n_features]: rows whose value is not NaN */
};

/* One row of /models/summary: a region's own model (or the national one, when it has none) on
 * its hold-out, beside the national model on the same rows. */
struct tr_summary_model {
    int32_t region; /* index into regions; negative: all regions */
    int8_t own_model;
    int8_t suppressed; /* output/suppress.h's state; 0 in a file written before suppression */
    int64_t train_rows, train_defaults, holdout_rows, holdout_defaults; /* -1: suppressed */
    /* auc_lower, auc_upper: the AUC's 95% interval (DeLong); 0 in a file written before it */
    double auc, auc_lower, auc_upper, auc_national_model, mean_pd, default_rate, hl_p;
};

/* One row of /crosschecks/backtest: the hold-out of a region (TR_REGION_ALL: all) and a grade (0:
 * all) against its PDs, with the binomial test's zone and the Jeffreys test (NaN in a file written
 * before it). */
struct tr_summary_grade {
    int32_t region, grade;
    int8_t suppressed;
    int64_t n, defaults; /* -1: suppressed */
    double mean_pd, default_rate, jeffreys_p;
    char zone[8];
};

/* One row of /crosschecks/concentration: a region's (TR_REGION_ALL: all) grades' concentration. */
struct tr_summary_concentration {
    int32_t region;
    int8_t suppressed;
    int64_t subscribers; /* -1: suppressed */
    double hhi, hhi_normalised;
};

/* One row of /monitoring/auc_test: today's AUC against the champion's development AUC. */
struct tr_summary_auc_test {
    int32_t region;
    int8_t suppressed;
    int64_t rows; /* -1: suppressed */
    double auc_development, auc_now, s, p_value;
};

/* One row of /monitoring/migration: grade before (0 new, -1 total) x grade now (-1 total). */
struct tr_summary_migration {
    int32_t region, grade_before, grade_now;
    int8_t suppressed;
    int64_t subscribers; /* -1: suppressed */
};

/* One row of /monitoring/region_drift: a region's PSI of its score, grades or one feature. */
struct tr_summary_drift {
    int32_t region;
    char name[96];
    double psi; /* NaN: suppressed */
    int8_t suppressed;
};

/* /models/calibration's attributes and this year's default rate (/ledger/cohorts' cohort 0). */
struct tr_summary_calibration {
    int present;
    int64_t cohorts_used;
    double long_run_average, shift, moc_a, moc_b, moc_c, rate_now;
    int n_cohorts;         /* /ledger/cohorts' rows read: 8, or 0 */
    int32_t cohort_day[8]; /* T_k, days since 1970-01-01 */
    double cohort_rate[8]; /* NaN: no obligor */
    int8_t cohort_used[8]; /* in the long-run average; -1: the file does not say */
};

/* A row of /ifrs9/summary or /ifrs9/scenario_summary (the latter with its scenario). */
struct tr_summary_ifrs9 {
    char scenario[48]; /* "" in /ifrs9/summary */
    int32_t region, stage;
    int64_t loans;
    double exposure, ecl;
    int8_t suppressed;
};

/* /crosschecks/summary's findings, all regions together. */
struct tr_summary_checks {
    int64_t ledger_breaks, duplicates, unknown_antennas, unregistered_subscribers;
    int64_t alerts[TR_RULE_COUNT]; /* by crosscheck/crosscheck.h's rule */
};

/* One stress scenario: the whole book's last row of /stress/<name>/regions (as it stands and
 * under the scenario) and the highest level of its risk_measures. */
struct tr_summary_scenario {
    char name[64];
    int32_t years;
    double ead, el, el_stressed, capital, capital_stressed;
    double level, var, es;
};

/* A row of /provenance/tables: an input table's state (read, empty, absent). */
struct tr_summary_table {
    char table[16];
    char state[8];
    int32_t files;
    int64_t lines;
};

struct tr_run_summary {
    char *path;
    unsigned parts; /* enum tr_summary_part */
    /* root attributes */
    char *version, *created; /* the first string of each ("" when the attribute holds none) */
    /* /subscribers' window: first and last days, and how it was found ("": not recorded) */
    char *window_start, *window_end, *window_rule;
    uint64_t seed;
    int32_t ranks;
    int64_t k_min; /* the run's own privacy.k_min, from its config attribute; 0: not there */
    /* /regions/names, /subscribers/features' names and the per-region tallies */
    size_t n_regions, n_features;
    char **regions, **features;
    uint64_t subscribers;
    /* [n_regions + 2]: the regions, then the unknown region (a region index the file does not
     * name), then the nation (tr_summary_unknown, tr_summary_national) */
    struct tr_summary_tally *tallies;
    /* /provenance/inputs, added up */
    int64_t files, lines, accepted, rejected;
    /* /provenance/tables (none in a file written before it) */
    size_t n_tables;
    struct tr_summary_table *tables;
    size_t n_models;
    struct tr_summary_model *models; /* in the file's order: all regions first */
    struct tr_summary_checks checks;
    size_t n_grades;
    struct tr_summary_grade *grades; /* /crosschecks/backtest's rows, in the file's order */
    size_t n_concentration;
    struct tr_summary_concentration *concentration; /* in the file's order: all regions first */
    size_t n_scenarios;
    struct tr_summary_scenario *scenarios; /* in name order */
    struct tr_summary_calibration calibration;
    size_t n_auc_tests;
    struct tr_summary_auc_test *auc_tests; /* /monitoring/auc_test: all regions first */
    size_t n_migration;
    struct tr_summary_migration *migration; /* /monitoring/migration's rows */
    size_t n_drift;
    struct tr_summary_drift *drift; /* /monitoring/region_drift's rows, region by region */
    char ifrs9_date[16];            /* /ifrs9's reporting_date; "" without /ifrs9 */
    size_t n_ifrs9, n_ifrs9_scenarios;
    struct tr_summary_ifrs9 *ifrs9;           /* /ifrs9/summary's rows */
    struct tr_summary_ifrs9 *ifrs9_scenarios; /* /ifrs9/scenario_summary's rows */
};

static inline const struct tr_summary_tally *tr_summary_unknown(const struct tr_run_summary *s)
{
    return &s->tallies[s->n_regions];
}

static inline const struct tr_summary_tally *tr_summary_national(const struct tr_run_summary *s)
{
    return &s->tallies[s->n_regions + 1];
}

/* Reads the run file at path into s, the subscribers in blocks of bounded size (a file of any
 * size is summarised in bounded memory). Returns 0, or TR_EXIT_INPUT with the reason on msg
 * (stderr when NULL), the path and the object named; s then holds the parts read before the
 * failure. HDF5 calls that do not depend on the file (closing what was opened, building memory
 * types) are H5_CHECKed: their failure is internal. s to free with tr_run_summary_free either
 * way. */
int tr_run_summary_read(const char *path, struct tr_run_summary *s, FILE *msg);
void tr_run_summary_free(struct tr_run_summary *s);

#endif
