/* The run's configuration: INI file, then --set overrides, then validation. Every key is declared
 * once in the table in config.c (name, type, default, bounds, description); that table drives
 * parsing, the nearest-key suggestion for unknown keys and the text written into run files. */
#ifndef TELRISK_CONFIG_CONFIG_H
#define TELRISK_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define TR_PATH_MAX       1024
#define TR_CONFIG_ERR_MAX 512

struct tr_config {
    struct {
        uint64_t seed;
        /* The observation window, when the config sets it (docs/formats.md, "The observation
         * window"): [window_start, window_end], both days included; or the window_days days
         * before observation_date. "" and 0: found from the bulk of the data. */
        char window_start[16], window_end[16]; /* YYYY-MM-DD or "" */
        char observation_date[16];             /* YYYY-MM-DD: the first day after the window */
        int64_t window_days;
        double window_min_share; /* the bulk rule: a day's lines / the typical day's */
        char timezone[64];       /* IANA name: the local clock of night, days and weeks */
        char currency[8];        /* ISO 4217 code of every amount: the run file's `currency` */
    } run;
    struct {
        char dir[TR_PATH_MAX];
        char cdr[TR_PATH_MAX];
        char recharges[TR_PATH_MAX];
        char mobilemoney[TR_PATH_MAX];
        char mobiledata[TR_PATH_MAX];
        char antennas[TR_PATH_MAX];
        char subscribers[TR_PATH_MAX];
        char loans[TR_PATH_MAX];
        char sim_swaps[TR_PATH_MAX];
        char repayments[TR_PATH_MAX];
        char columnar[TR_PATH_MAX];
        char require[TR_PATH_MAX]; /* tables whose absence or emptiness stops the run */
        double max_reject_rate;
        double max_outstanding_ratio; /* a loan's outstanding over its amount, at most */
    } inputs;
    struct {
        int64_t subscribers;
        int64_t regions;
        int64_t days;
        char start[16];              /* first day of the observation window, YYYY-MM-DD */
        double interactions_per_day; /* mean outgoing calls+texts per subscriber per day */
        double loan_share;           /* share of subscribers with a loan after the window */
        double mortgage_share;       /* of the better-off borrowers, with a mortgage */
        double cycle_sd;             /* of the regions' yearly credit cycles (log-odds) */
        int64_t loan_days;           /* loans are issued over this many days after the window */
        int64_t outcome_days;        /* data cut: this many days after the window ends */
        int64_t history_days;        /* earlier loans are issued over this many days before it */
        int64_t career_days;         /* 0: borrowers borrow over the whole history; else careers */
        /* planted rates, per subscriber unless said otherwise */
        double simbox_rate;
        double sim_swap_rate; /* legitimate SIM swaps */
        double takeover_rate; /* SIM swap followed by a cash-out of most of the balance */
        double far_payment_rate;
        double burst_rate;
        double dormant_rate;
        double ledger_break_rate;    /* per mobile-money account */
        double duplicate_rate;       /* per record */
        double malformed_rate;       /* per record: an extra broken line */
        double unknown_antenna_rate; /* per CDR */
        int64_t block_subscribers;   /* subscribers per generation block (fixes the output) */
        char shift[96]; /* "REGION:CHANNEL:FACTOR": a planted behaviour shift ("": none) */
    } generate;
    struct {
        char max_memory_per_rank[32]; /* "": no limit; else bytes, with K, M, G or T */
    } partition;
    struct {
        char path[TR_PATH_MAX];
        int64_t compression; /* zlib level of the large datasets, 0: none (contiguous) */
    } output;
    struct {
        char set[16];
    } features;
    struct {
        char transform[16];
        double lambda;
        double holdout;
        char holdout_salt[64];        /* the hold-out draw's own key (core/keyhash.h) */
        int64_t prebins;              /* binning: quantile pre-bins per feature */
        double min_bin_share;         /* binning: smallest share of training rows per bin */
        char trend[TR_PATH_MAX];      /* binning: a trend for all, feature:trend for one */
        char include[TR_PATH_MAX];    /* features that may enter the models ("": all) */
        char exclude[TR_PATH_MAX];    /* features that may not */
        char bins[TR_PATH_MAX];       /* manual bin edges, feature:e1|e2|... */
        char special[TR_PATH_MAX];    /* special values, each its own bin: feature:v1|v2... */
        double min_iv;                /* screening by information value */
        double max_correlation;       /* screening by correlation with a stronger feature */
        int64_t defaults_per_feature; /* screening: training defaults per feature at least */
        int64_t min_region_defaults;  /* fewer: the region is scored by the national model */
        char oot_date[16];            /* out-of-time sample from this issue date; "" none */
        int64_t horizon_days;         /* the 12-month PD's horizon (docs/credit.md section 3) */
        int64_t application_days; /* applications from the observation date join the population */
        double base_points, base_odds, pdo; /* scorecard scaling */
        char master_scale[256];             /* increasing PD bounds of the rating grades */
        int64_t reasons;                    /* top reasons stored per scored subscriber */
    } model;
    struct {                         /* the definition of default (docs/credit.md section 2) */
        char ledger_cut[16];         /* YYYY-MM-DD: the last day the ledger covers; "" none */
        int64_t default_dpd;         /* days of material arrears */
        double materiality_absolute; /* currency units */
        double materiality_relative; /* of the obligor's exposure */
        int64_t probation_days;      /* before a cure */
        double moc_a, moc_b, moc_c;  /* margins of conservatism (docs/credit.md section 4) */
        char moc_a_reason[256], moc_b_reason[256], moc_c_reason[256];
        double ccf_revolving; /* credit conversion factor of a line's undrawn limit */
    } credit;
    struct {                      /* IFRS 9 (docs/credit.md section 6) */
        int64_t backstop_dpd;     /* days past due that move a loan to stage 2 */
        double sicr_ratio;        /* lifetime PD now over at origination, at least */
        double sicr_min_increase; /* ... and higher by at least */
        char fraud_trigger[8];    /* yes|no: a fraud alert moves a loan to stage 2 */
        double default_rate;      /* discount rate of a loan without its own */
        int64_t min_defaults;     /* an installment's own hazard needs this many defaults */
        char weights[512];        /* "scenario:weight,..."; "" through the cycle */
    } ifrs9;
    struct {
        double takeover_hours, takeover_share;
        double travel_window_minutes, travel_max_kmh, travel_min_km;
        double simbox_calls_per_day;
        int64_t simbox_min_contacts;
        double simbox_max_incoming_share;
        int64_t simbox_max_antennas;
        double simbox_max_reciprocity;
        double velocity_minutes;
        int64_t velocity_payments;
        double velocity_amount;
        double dormant_days;
        int64_t dormant_cashouts;
        double dormant_hours;
    } fraud;
    struct {
        double scaling; /* IRB: 1 or 1.06 */
        char scenarios[TR_PATH_MAX];
        int64_t paths;                                     /* Monte Carlo paths per scenario */
        char levels[128];                                  /* VaR/ES levels, "0.99,0.999" */
        double correlation;                                /* between every two regions' factors */
        char correlation_file[TR_PATH_MAX];                /* or a full matrix */
        double pd_floor;                                   /* IRB floors */
        double lgd_microloan, lgd_revolving, lgd_mortgage; /* when a loan has no LGD */
        double lgd_floor_microloan, lgd_floor_revolving, lgd_floor_mortgage;
        double lgd_downturn_microloan, lgd_downturn_revolving, lgd_downturn_mortgage; /* add-ons */
    } stress;
    struct {
        char key_file[TR_PATH_MAX];
        int64_t k_min;
    } privacy;
};

/* partition.max_memory_per_rank in bytes (0: no limit); -1 when it is not a size. */
double tr_config_bytes(const char *text);

/* Fills every key with its default. */
void tr_config_defaults(struct tr_config *cfg);

/* Reads an INI file over the current values. Returns 0, or 1 with a message in err naming the
 * file, line and key (unknown keys suggest the nearest known one). */
int tr_config_load(struct tr_config *cfg, const char *path, char err[TR_CONFIG_ERR_MAX]);

/* Applies one "section.key=value" override. Same return convention. */
int tr_config_set(struct tr_config *cfg, const char *assignment, char err[TR_CONFIG_ERR_MAX]);

/* Checks cross-key rules and ranges that single-key parsing cannot. Same return convention. */
int tr_config_validate(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX]);

/* The nearest known "section.key" to name (edit distance), for error messages. */
const char *tr_config_nearest_key(const char *name);

/* The whole configuration as INI text, every key, in table order (for run files and logs).
 * Returns a malloc'd string. */
char *tr_config_to_ini(const struct tr_config *cfg);

/* model.master_scale's text ("0.01,0.02,...,1": increasing PD upper bounds in (0, 1], the last 1)
 * into upper[0..*n), at most max of them. 0, or 1 with err saying what is wrong. */
#define TR_CONFIG_MAX_GRADES 32
/* The privacy.k_min an effective configuration's INI text (a run file's root config) applied;
 * 0 when the text names none. */
int64_t tr_config_text_k_min(const char *ini);

/* generate.shift's channels: what a planted behaviour shift scales. */
enum tr_shift_channel { TR_SHIFT_NONE, TR_SHIFT_CALLS, TR_SHIFT_DATA, TR_SHIFT_RECHARGES };
/* Parses generate.shift, "REGION:CHANNEL:FACTOR" (or "": TR_SHIFT_NONE). 0, or 1 with err saying
 * what is wrong. region[32] gets the region's name (checked against the country's by generate). */
int tr_config_shift(const char *text, char *region, enum tr_shift_channel *channel, double *factor,
                    char *err, size_t errlen);

int tr_config_master_scale(const char *text, double *upper, int max, int *n, char *err,
                           size_t errlen);

#endif
