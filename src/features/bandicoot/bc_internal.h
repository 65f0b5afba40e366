/* Shared between the files of features/bandicoot: the indicator table, the key layout, the
 * per-week rows and the statistics helpers. */
#ifndef TELRISK_FEATURES_BANDICOOT_BC_INTERNAL_H
#define TELRISK_FEATURES_BANDICOOT_BC_INTERNAL_H

#include "features/bandicoot/bandicoot.h"

#include <stddef.h>
#include <stdint.h>

/* The indicators in bandicoot's output order (bandicoot.utils.all). */
enum bc_ind {
    BC_ACTIVE_DAYS,
    BC_NUMBER_OF_CONTACTS,
    BC_CALL_DURATION,
    BC_PERCENT_NOCTURNAL,
    BC_PERCENT_INITIATED_CONVERSATIONS,
    BC_PERCENT_INITIATED_INTERACTIONS,
    BC_RESPONSE_DELAY_TEXT,
    BC_RESPONSE_RATE_TEXT,
    BC_ENTROPY_OF_CONTACTS,
    BC_BALANCE_OF_CONTACTS,
    BC_INTERACTIONS_PER_CONTACT,
    BC_INTEREVENT_TIME,
    BC_PERCENT_PARETO_INTERACTIONS,
    BC_PERCENT_PARETO_DURATIONS,
    BC_NUMBER_OF_INTERACTIONS,
    BC_NUMBER_OF_INTERACTION_IN,
    BC_NUMBER_OF_INTERACTION_OUT,
    BC_NUMBER_OF_ANTENNAS,
    BC_ENTROPY_OF_ANTENNAS,
    BC_PERCENT_AT_HOME,
    BC_RADIUS_OF_GYRATION,
    BC_FREQUENT_ANTENNAS,
    BC_CHURN_RATE,
    BC_AMOUNT_RECHARGES,
    BC_INTEREVENT_TIME_RECHARGES,
    BC_PERCENT_PARETO_RECHARGES,
    BC_NUMBER_OF_RECHARGES,
    BC_AVERAGE_BALANCE_RECHARGES,
    BC_IND_COUNT
};
#define BC_FIRST_RECHARGE BC_AMOUNT_RECHARGES

/* How an indicator's value is shaped. */
enum bc_kind {
    BC_SCALAR,  /* one number per group */
    BC_SUMMARY, /* a distribution: mean, std (+ median, skewness, kurtosis, min, max) */
    BC_CHURN,   /* churn_rate: always weekly, reported as __mean and __std only */
    BC_SINGLE,  /* average_balance_recharges: one number for the whole user, no filters */
};

/* Which record subsets an indicator is computed on; the order is bandicoot's key order. */
enum bc_inter { BC_CALL, BC_TEXT, BC_CALLANDTEXT, BC_N_INTER };
#define BC_M_CALL (1u << BC_CALL)
#define BC_M_TEXT (1u << BC_TEXT)
#define BC_M_BOTH (1u << BC_CALLANDTEXT)
#define BC_M_NONE 0u /* spatial and recharge indicators: no interaction level in the key */

struct bc_ind_info {
    const char *name;
    enum bc_kind kind;
    unsigned inter; /* BC_M_* */
};
extern const struct bc_ind_info bc_ind_info[BC_IND_COUNT];

/* The statistics of a distribution, in bandicoot's key order. */
enum bc_stat { BC_MEAN, BC_STD, BC_MEDIAN, BC_SKEWNESS, BC_KURTOSIS, BC_MIN, BC_MAX, BC_N_STATS };

/* A week's row: BC_N_STATS values per indicator (a scalar uses the first). */
#define BC_ROW             (BC_IND_COUNT * BC_N_STATS)
#define BC_SLOT(ind, stat) ((ind)*BC_N_STATS + (stat))

enum { BC_PARTS = 3 }; /* allweek|weekday|weekend, allday|day|night */

/* Where each (indicator, part of week, part of day, interaction) starts among the keys. */
struct bc_layout {
    struct tr_bc_options opt;
    int n_week, n_day; /* parts of week and of day in use: 1 or 3 */
    int n_stats;       /* statistics reported per distribution: 2 or 7 */
    int n_agg;         /* 2 (__mean, __std across weeks) or 1 (groupby None) */
    int32_t base[BC_IND_COUNT][BC_PARTS][BC_PARTS][BC_N_INTER];
    size_t n_keys, recharge_start;
    const char **keys;
};
const struct bc_layout *bc_layout_get(const struct tr_bc_options *o);

/* Statistics with bandicoot's arithmetic (helper/maths.py): the population moments around the
 * mean of the values as summed in order, 0 for n <= 1. */
double bc_mean(const double *v, size_t n);
double bc_moment(const double *v, size_t n, double mean, int k);
/* mean and std into out[0..1], NaN for n = 0; with extended, v is sorted in place and all
 * BC_N_STATS are filled (kurtosis m4/m2^2, skewness m3/m2^1.5, 0 when m2 = 0). */
void bc_summary(double *v, size_t n, int extended, double *out);
void bc_sort(double *v, size_t n);
/* The fewest of the counts (largest first) whose sum reaches target. counts is sorted. */
size_t bc_pareto_count(int64_t *counts, size_t n, int64_t target);
/* Shannon entropy (natural log) of count[ids[0..n)], summed in that order (bandicoot's: the
 * order values were first seen); NaN for n = 0. */
double bc_entropy(const int32_t *count, const int32_t *ids, size_t n, int64_t total);
/* A fresh stamp: counters whose stamp differs are stale, so nothing needs clearing. */
uint32_t bc_next_gen(struct tr_bc_scratch *s);

/* The work of one subscriber: prepared arrays in the scratch plus what they describe. */
struct bc_job {
    const struct tr_bc_user *u;
    const struct bc_layout *lay;
    struct tr_bc_scratch *s;
    size_t n_contacts, n_antennas;
    int32_t home;             /* dense antenna of home, -1 without one */
    const struct tr_tz *zone; /* tr_bc_options' */
};

/* Record flags prepared once per subscriber. */
#define BC_F_NIGHT   1u
#define BC_F_WEEKEND 2u
#define BC_F_TEXT    4u
#define BC_F_OUT     8u

/* The per-group computations; idx lists record indices (sorted by time) of one group; each
 * fills its indicators' slots in row (NaN where bandicoot gives None). */
void bc_group_contacts(const struct bc_job *j, const uint32_t *idx, size_t n, int calls,
                       double *row);
void bc_group_conversations(const struct bc_job *j, const uint32_t *idx, size_t n, double *row);
void bc_group_spatial(const struct bc_job *j, const uint32_t *idx, size_t n, double *row);
void bc_group_recharges(const struct bc_job *j, const uint32_t *idx, size_t n, double *row);

/* Binned positions (dense antennas) of the records idx[0..n): bandicoot's 30-minute slots. */
size_t bc_bin_positions(const struct bc_job *j, const uint32_t *idx, size_t n, int32_t *out);
/* Home: the most frequent binned position at night over all records; sets j->home. */
void bc_find_home(struct bc_job *j);
/* churn_rate's weekly cosine distances into dist; returns how many. */
size_t bc_churn_distances(const struct bc_job *j, double *dist);
/* average_balance_recharges, NaN where bandicoot fails (no recharges, one day only). */
double bc_average_balance(const struct tr_bc_user *u);

#endif
