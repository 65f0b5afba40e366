#include "config/config.h"

#include "config/feature_lists.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/tz.h"

#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { KEY_U64, KEY_I64, KEY_F64, KEY_STR, KEY_ENUM, KEY_DATE };

struct key_spec {
    const char *name; /* "section.key" */
    enum key_type type;
    size_t offset;
    size_t size; /* bytes of the field (strings) */
    const char *def;
    double min, max;     /* numbers: inclusive bounds */
    const char *choices; /* enums: "a|b|c" */
    const char *help;
};

#define F(member) offsetof(struct tr_config, member), sizeof(((struct tr_config *)0)->member)

/* clang-format off */
static const struct key_spec keys[] = {
    {"run.seed", KEY_U64, F(run.seed), "42", 0, 0, NULL, "seed of every random stream"},
    {"run.window_start", KEY_DATE, F(run.window_start), "", 0, 0, NULL, "first day of the observation window (YYYY-MM-DD, with window_end; empty: from the data)"},
    {"run.window_end", KEY_DATE, F(run.window_end), "", 0, 0, NULL, "last day of the observation window, included (YYYY-MM-DD)"},
    {"run.observation_date", KEY_DATE, F(run.observation_date), "", 0, 0, NULL, "or: the first day after the window (YYYY-MM-DD, with window_days)"},
    {"run.window_days", KEY_I64, F(run.window_days), "0", 0, 36500, NULL, "days of the window before observation_date (0: not set)"},
    {"run.window_min_share", KEY_F64, F(run.window_min_share), "0.01", 0, 1, NULL, "window from the data: the first and last days with at least this share of the typical day's lines bound it"},
    {"run.timezone", KEY_STR, F(run.timezone), "UTC", 0, 0, NULL, "IANA time zone of the local clock every local-time indicator reads (night, home, days, weeks); the inputs are UTC"},
    {"run.currency", KEY_STR, F(run.currency), "XXX", 0, 0, NULL, "ISO 4217 code (3 capital letters) of every amount in the inputs and the run file (default XXX: no currency named)"},
    {"inputs.dir", KEY_STR, F(inputs.dir), "data/demo", 0, 0, NULL, "each table is <dir>/<table>.csv, <dir>/<table>.csv.gz or the folder <dir>/<table>/ (its *.csv and *.csv.gz)"},
    {"inputs.columnar", KEY_STR, F(inputs.columnar), "", 0, 0, NULL, "a file telrisk convert wrote: every table from it, no CSV read (default: none)"},
    {"inputs.cdr", KEY_STR, F(inputs.cdr), "", 0, 0, NULL, "call-detail records: a file, list or glob (default from dir)"},
    {"inputs.recharges", KEY_STR, F(inputs.recharges), "", 0, 0, NULL, "airtime top-ups"},
    {"inputs.mobilemoney", KEY_STR, F(inputs.mobilemoney), "", 0, 0, NULL, "mobile-money transactions"},
    {"inputs.mobiledata", KEY_STR, F(inputs.mobiledata), "", 0, 0, NULL, "mobile-data sessions"},
    {"inputs.antennas", KEY_STR, F(inputs.antennas), "", 0, 0, NULL, "antenna positions and regions"},
    {"inputs.subscribers", KEY_STR, F(inputs.subscribers), "", 0, 0, NULL, "subscriber register"},
    {"inputs.loans", KEY_STR, F(inputs.loans), "", 0, 0, NULL, "loan book"},
    {"inputs.sim_swaps", KEY_STR, F(inputs.sim_swaps), "", 0, 0, NULL, "SIM swap events"},
    {"inputs.repayments", KEY_STR, F(inputs.repayments), "", 0, 0, NULL, "payments received on loans (the ledger: docs/credit.md)"},
    {"inputs.require", KEY_STR, F(inputs.require), "", 0, 0, NULL, "tables a run needs (e.g. loans, sim_swaps): absent or empty, the run stops (default: none; antennas and cdr always)"},
    {"inputs.max_reject_rate", KEY_F64, F(inputs.max_reject_rate), "0.01", 0, 1, NULL, "largest share of rejected lines in any file before the run stops"},
    {"inputs.max_outstanding_ratio", KEY_F64, F(inputs.max_outstanding_ratio), "2", 1, 1e6, NULL, "a loan whose outstanding exceeds this multiple of its amount (interest and fees included) is rejected (inconsistent_fields)"},
    {"generate.subscribers", KEY_I64, F(generate.subscribers), "50000", 1, 1e8, NULL, "subscribers in the generated country"},
    {"generate.regions", KEY_I64, F(generate.regions), "12", 1, 64, NULL, "regions (of very different sizes)"},
    {"generate.days", KEY_I64, F(generate.days), "30", 1, 366, NULL, "days in the observation window"},
    {"generate.start", KEY_DATE, F(generate.start), "2020-01-01", 0, 0, NULL, "first day of the observation window (YYYY-MM-DD)"},
    {"generate.interactions_per_day", KEY_F64, F(generate.interactions_per_day), "1.4", 0.01, 100, NULL, "mean outgoing calls and texts per subscriber per day"},
    {"generate.loan_share", KEY_F64, F(generate.loan_share), "0.5", 0, 1, NULL, "share of subscribers who take a loan after the window"},
    {"generate.cycle_sd", KEY_F64, F(generate.cycle_sd), "0.5", 0, 3, NULL, "standard deviation of each region's yearly credit cycle, a shift of the history loans' log-odds of default (0: no cycle, every year alike)"},
    {"generate.mortgage_share", KEY_F64, F(generate.mortgage_share), "0.03", 0, 1, NULL, "share of the better-off mobile-money borrowers (income above 300) with a mortgage in their history"},
    {"generate.loan_days", KEY_I64, F(generate.loan_days), "60", 1, 365, NULL, "loans are issued over this many days after the window"},
    {"generate.outcome_days", KEY_I64, F(generate.outcome_days), "365", 1, 730, NULL, "the loan book is cut this many days after the window (the observation date): 365 follows every loan open then for a year"},
    {"generate.history_days", KEY_I64, F(generate.history_days), "730", 30, 3650, NULL, "mobile-money borrowers' earlier loans are issued over this many days before the observation date"},
    {"generate.career_days", KEY_I64, F(generate.career_days), "0", 0, 365, NULL, "0: every mobile-money borrower borrows over the whole history and a share of subscribers (loan_share) takes one loan after the window; L > 0: each mobile-money borrower borrows for L days from a day drawn uniformly between history_days before the observation date and the cut, the same lending before and after the observation date, so that the borrowers' mix is the same every year once the ledger is L days old (a stationary world for the planted test of the calibration)"},
    {"generate.simbox_rate", KEY_F64, F(generate.simbox_rate), "0.001", 0, 0.1, NULL, "share of subscribers that are SIM boxes"},
    {"generate.sim_swap_rate", KEY_F64, F(generate.sim_swap_rate), "0.005", 0, 0.1, NULL, "share with a legitimate SIM swap"},
    {"generate.takeover_rate", KEY_F64, F(generate.takeover_rate), "0.001", 0, 0.1, NULL, "share with a SIM swap followed by a cash-out of most of the balance"},
    {"generate.far_payment_rate", KEY_F64, F(generate.far_payment_rate), "0.001", 0, 0.1, NULL, "share with a payment far from where their calls place them"},
    {"generate.burst_rate", KEY_F64, F(generate.burst_rate), "0.001", 0, 0.1, NULL, "share with a burst of payments"},
    {"generate.dormant_rate", KEY_F64, F(generate.dormant_rate), "0.001", 0, 0.1, NULL, "share of dormant accounts that wake with cash-outs"},
    {"generate.ledger_break_rate", KEY_F64, F(generate.ledger_break_rate), "0.001", 0, 0.1, NULL, "share of mobile-money accounts with a ledger break"},
    {"generate.duplicate_rate", KEY_F64, F(generate.duplicate_rate), "0.0005", 0, 0.1, NULL, "share of records written twice"},
    {"generate.malformed_rate", KEY_F64, F(generate.malformed_rate), "0.0005", 0, 0.1, NULL, "share of records followed by a malformed line"},
    {"generate.unknown_antenna_rate", KEY_F64, F(generate.unknown_antenna_rate), "0.0002", 0, 0.1, NULL, "share of CDRs naming an antenna not in the antennas table"},
    {"generate.shift", KEY_STR, F(generate.shift), "", 0, 0, NULL, "a planted behaviour shift, REGION:CHANNEL:FACTOR (\"\": none): in region REGION (its name) every subscriber's calls and texts per day (channel calls), data volume per session (data) or top-up amount (recharges) times FACTOR (0.01-100), for the PD walk's planted test (docs/generator.md)"},
    {"generate.block_subscribers", KEY_I64, F(generate.block_subscribers), "256", 1, 1 << 20, NULL, "subscribers per generation block (part of what fixes the output bytes)"},
    {"partition.max_memory_per_rank", KEY_STR, F(partition.max_memory_per_rank), "", 0, 0, NULL, "memory a rank may use for the input records (e.g. 2G, 800M; empty: no limit): larger inputs are read and processed in passes over key ranges, with the same result"},
    {"output.path", KEY_STR, F(output.path), "out/run.h5", 0, 0, NULL, "the run file"},
    {"output.compression", KEY_I64, F(output.compression), "1", 0, 9, NULL, "deflate level (zlib streams, made by libdeflate) of the run file's datasets of 64 KiB or more, chunked: 1 fastest (default) to 9 smallest; 0 stores every dataset uncompressed and contiguous (docs/performance.md, \"Run file size\")"},
    {"features.set", KEY_ENUM, F(features.set), "core", 0, 0, "core|full|basic", "features written to the run file (basic: thirteen whole-window CDR indicators only)"},
    {"model.transform", KEY_ENUM, F(model.transform), "woe", 0, 0, "woe|standardize", "feature transform before the regression"},
    {"model.lambda", KEY_F64, F(model.lambda), "100", 0, 1e6, NULL, "L2 shrinkage of regional models toward the national one"},
    {"model.holdout", KEY_F64, F(model.holdout), "0.3", 0, 0.9, NULL, "share of labelled subscribers held out for validation"},
    {"model.holdout_salt", KEY_STR, F(model.holdout_salt), "telrisk", 0, 0, NULL, "salt of the hold-out draw, a hash of each subscriber id that does not depend on privacy.key_file (a new salt, a new draw)"},
    {"model.base_points", KEY_F64, F(model.base_points), "600", -1e6, 1e6, NULL, "scorecard points at the base odds"},
    {"model.base_odds", KEY_F64, F(model.base_odds), "50", 1e-6, 1e9, NULL, "good:bad odds that score the base points"},
    {"model.pdo", KEY_F64, F(model.pdo), "20", 1e-6, 1e6, NULL, "points to double the odds"},
    {"model.reasons", KEY_I64, F(model.reasons), "4", 1, 16, NULL, "reasons stored per scored subscriber: the features whose points fall furthest below their best (docs/models.md)"},
    {"model.master_scale", KEY_STR, F(model.master_scale), "0.0025,0.005,0.01,0.02,0.04,0.08,0.16,0.32,1", 0, 0, NULL, "rating grades: increasing PD upper bounds, the last 1"},
    {"model.prebins", KEY_I64, F(model.prebins), "20", 2, 64, NULL, "binning: quantile pre-bins per feature before merging to a monotonic trend"},
    {"model.min_bin_share", KEY_F64, F(model.min_bin_share), "0.05", 0, 0.5, NULL, "binning: smallest share of the training rows in a bin"},
    {"model.trend", KEY_STR, F(model.trend), "auto", 0, 0, NULL, "binning: the default rate rises (ascending) or falls (descending) with the value, either (auto: the better), or no constraint (none); a bare word for every feature, feature:word for one (e.g. auto, calls_out:ascending)"},
    {"model.include", KEY_STR, F(model.include), "", 0, 0, NULL, "features that may enter the models, comma-separated (empty: every feature); screening still applies"},
    {"model.exclude", KEY_STR, F(model.exclude), "", 0, 0, NULL, "features that may not enter the models, comma-separated"},
    {"model.bins", KEY_STR, F(model.bins), "", 0, 0, NULL, "manual bin edges, feature:e1|e2|..., comma-separated: exactly those bins, no pre-bins or merging"},
    {"model.special", KEY_STR, F(model.special), "", 0, 0, NULL, "special values, feature:v1|v2|..., comma-separated: each value a bin of its own (own WoE, never merged)"},
    {"model.min_iv", KEY_F64, F(model.min_iv), "0.02", 0, 10, NULL, "screening: features with a smaller information value are left out"},
    {"model.max_correlation", KEY_F64, F(model.max_correlation), "0.8", 0.1, 1, NULL, "screening: a feature this correlated with a stronger one (after the transform) is left out"},
    {"model.defaults_per_feature", KEY_I64, F(model.defaults_per_feature), "10", 1, 1e6, NULL, "screening: at most one feature per this many training defaults (the strongest kept)"},
    {"model.min_region_defaults", KEY_I64, F(model.min_region_defaults), "30", 1, 1e9, NULL, "a region with fewer training defaults is scored by the national model"},
    {"model.oot_date", KEY_DATE, F(model.oot_date), "", 0, 0, NULL, "out-of-time validation: subscribers whose labelling loan is issued on or after this date (YYYY-MM-DD; empty: none)"},
    {"model.horizon_days", KEY_I64, F(model.horizon_days), "365", 1, 3650, NULL, "the 12-month PD's horizon: the label is a default within this many days after the observation date (docs/credit.md section 3; without a ledger, the first loan issued within them)"},
    {"model.application_days", KEY_I64, F(model.application_days), "60", 1, 3650, NULL, "an obligor without an exposure at the observation date is in the PD's population with a loan issued within this many days from it (an application)"},
    {"credit.ledger_cut", KEY_DATE, F(credit.ledger_cut), "", 0, 0, NULL, "the last day the loan ledger covers (YYYY-MM-DD; repayments after it are rejected); empty: the window's end, outcomes after it unknown"},
    {"credit.default_dpd", KEY_I64, F(credit.default_dpd), "90", 30, 90, NULL, "days of material arrears that make a default (CRR art. 178: 90; 30 for a portfolio of short micro-loans)"},
    {"credit.materiality_absolute", KEY_F64, F(credit.materiality_absolute), "100", 0, 1e12, NULL, "arrears count only above this many currency units (the EBA's EUR 100 for retail: set your currency's equivalent)"},
    {"credit.materiality_relative", KEY_F64, F(credit.materiality_relative), "0.01", 0, 1, NULL, "... and above this share of the obligor's exposure (the EBA's 1%)"},
    {"credit.moc_a", KEY_F64, F(credit.moc_a), "0", 0, 1, NULL, "margin of conservatism, EBA category A (data deficiencies): this share of the calibrated PD added"},
    {"credit.moc_a_reason", KEY_STR, F(credit.moc_a_reason), "", 0, 0, NULL, "why (required with a margin): recorded in /models/calibration"},
    {"credit.moc_b", KEY_F64, F(credit.moc_b), "0", 0, 1, NULL, "margin of conservatism, EBA category B (changes of methods, processes, data)"},
    {"credit.moc_b_reason", KEY_STR, F(credit.moc_b_reason), "", 0, 0, NULL, "why (required with a margin)"},
    {"credit.moc_c", KEY_F64, F(credit.moc_c), "0", 0, 1, NULL, "margin of conservatism, EBA category C (general estimation error)"},
    {"credit.moc_c_reason", KEY_STR, F(credit.moc_c_reason), "", 0, 0, NULL, "why (required with a margin)"},
    {"credit.probation_days", KEY_I64, F(credit.probation_days), "90", 90, 3650, NULL, "days without a default trigger before a default is cured (the EBA guidelines' minimum: 90)"},
    {"credit.ccf_revolving", KEY_F64, F(credit.ccf_revolving), "0.1", 0, 1, NULL, "credit conversion factor: the share of a revolving line's undrawn limit that is drawn by default (EAD of IFRS 9 and stress; CRR3's 10% for unconditionally cancellable lines)"},
    {"ifrs9.backstop_dpd", KEY_I64, F(ifrs9.backstop_dpd), "30", 1, 365, NULL, "IFRS 9: a loan this many days past due is in stage 2 at least (the standard's rebuttable presumption: 30)"},
    {"ifrs9.sicr_ratio", KEY_F64, F(ifrs9.sicr_ratio), "2", 1, 1000, NULL, "IFRS 9: a significant increase in credit risk when the lifetime PD over the remaining term is at least this multiple of the one expected at origination ..."},
    {"ifrs9.sicr_min_increase", KEY_F64, F(ifrs9.sicr_min_increase), "0.005", 0, 1, NULL, "... and higher by at least this much (the safest grades do not move on noise)"},
    {"ifrs9.fraud_trigger", KEY_ENUM, F(ifrs9.fraud_trigger), "yes", 0, 0, "yes|no", "IFRS 9: a borrower with a fraud alert has a significant increase in credit risk (a qualitative trigger)"},
    {"ifrs9.default_rate", KEY_F64, F(ifrs9.default_rate), "0", 0, 10, NULL, "IFRS 9: the effective interest rate that discounts a loan without a rate of its own (0: not discounted)"},
    {"ifrs9.min_defaults", KEY_I64, F(ifrs9.min_defaults), "10", 1, 1000000, NULL, "IFRS 9: an installment's own hazard (of its product and schedule) needs this many defaults in the history; fewer: the schedule's pooled hazard"},
    {"ifrs9.weights", KEY_STR, F(ifrs9.weights), "", 0, 0, NULL, "IFRS 9: the scenarios of stress.scenarios and their probabilities, e.g. baseline:0.5,adverse:0.4,severely_adverse:0.1 (adding up to 1; empty: the calibrated PDs through the cycle)"},
    {"fraud.takeover_hours", KEY_F64, F(fraud.takeover_hours), "6", 0.01, 720, NULL, "account takeover: a cash-out or transfer this many hours after a SIM swap at most"},
    {"fraud.takeover_share", KEY_F64, F(fraud.takeover_share), "0.8", 0.01, 1, NULL, "account takeover: ... of at least this share of the balance"},
    {"fraud.travel_window_minutes", KEY_F64, F(fraud.travel_window_minutes), "60", 1, 1440, NULL, "impossible travel: CDRs this close in time to a payment are compared with it"},
    {"fraud.travel_max_kmh", KEY_F64, F(fraud.travel_max_kmh), "900", 1, 1e5, NULL, "impossible travel: faster than this (an airliner's cruising speed) between a CDR's antenna and the payment's"},
    {"fraud.travel_min_km", KEY_F64, F(fraud.travel_min_km), "100", 0, 1e5, NULL, "impossible travel: and at least this far apart"},
    {"fraud.simbox_calls_per_day", KEY_F64, F(fraud.simbox_calls_per_day), "50", 1, 1e6, NULL, "SIM box: outgoing calls per active day at least"},
    {"fraud.simbox_min_contacts", KEY_I64, F(fraud.simbox_min_contacts), "100", 1, 1e9, NULL, "SIM box: distinct numbers called at least"},
    {"fraud.simbox_max_incoming_share", KEY_F64, F(fraud.simbox_max_incoming_share), "0.05", 0, 1, NULL, "SIM box: incoming calls and texts per outgoing call at most"},
    {"fraud.simbox_max_antennas", KEY_I64, F(fraud.simbox_max_antennas), "3", 1, 1e6, NULL, "SIM box: distinct antennas at most"},
    {"fraud.simbox_max_reciprocity", KEY_F64, F(fraud.simbox_max_reciprocity), "0.1", 0, 1, NULL, "SIM box: share of called numbers that call back at most"},
    {"fraud.velocity_minutes", KEY_F64, F(fraud.velocity_minutes), "60", 1, 1e5, NULL, "velocity: the sliding window"},
    {"fraud.velocity_payments", KEY_I64, F(fraud.velocity_payments), "10", 1, 1e9, NULL, "velocity: more outgoing payments than this in the window"},
    {"fraud.velocity_amount", KEY_F64, F(fraud.velocity_amount), "0", 0, 1e15, NULL, "velocity: or more than this amount paid out in the window (0: not checked)"},
    {"fraud.dormant_days", KEY_F64, F(fraud.dormant_days), "14", 1, 3650, NULL, "dormant then active: no record of the subscriber for this many days at least"},
    {"fraud.dormant_cashouts", KEY_I64, F(fraud.dormant_cashouts), "2", 1, 1000, NULL, "dormant then active: then at least this many cash-outs"},
    {"fraud.dormant_hours", KEY_F64, F(fraud.dormant_hours), "24", 0.1, 720, NULL, "dormant then active: within this many hours of waking"},
    {"stress.scaling", KEY_F64, F(stress.scaling), "1", 1, 1.06, NULL, "IRB capital scaling factor: 1, or 1.06 where the rules still apply it"},
    {"stress.scenarios", KEY_STR, F(stress.scenarios), "", 0, 0, NULL, "scenario file (inputs/scenarios/*.ini) that telrisk run stresses its loan book with (empty: no stress stage in run; telrisk stress takes --scenarios)"},
    {"stress.paths", KEY_I64, F(stress.paths), "1000000", 1000, 2147483647, NULL, "Monte Carlo paths per scenario (rank 0 ranks them: 24 bytes each)"},
    {"stress.levels", KEY_STR, F(stress.levels), "0.99,0.999", 0, 0, NULL, "VaR and expected-shortfall confidence levels: increasing, in (0.5, 1), at most 8"},
    {"stress.correlation", KEY_F64, F(stress.correlation), "0.5", -0.5, 0.999, NULL, "correlation of every two regions' systematic factors (when no correlation_file)"},
    {"stress.correlation_file", KEY_STR, F(stress.correlation_file), "", 0, 0, NULL, "inter-region factor correlation matrix: CSV with a header 'region,<region>,...' and one row per region (all of the run's regions)"},
    {"stress.pd_floor", KEY_F64, F(stress.pd_floor), "0.0005", 0, 0.5, NULL, "IRB PD floor (Basel III retail: 0.05%)"},
    {"stress.lgd_microloan", KEY_F64, F(stress.lgd_microloan), "0.65", 0, 1, NULL, "LGD of a microloan whose lgd column is empty"},
    {"stress.lgd_revolving", KEY_F64, F(stress.lgd_revolving), "0.75", 0, 1, NULL, "LGD of a revolving loan whose lgd column is empty"},
    {"stress.lgd_mortgage", KEY_F64, F(stress.lgd_mortgage), "0.25", 0, 1, NULL, "LGD of a mortgage whose lgd column is empty"},
    {"stress.lgd_floor_microloan", KEY_F64, F(stress.lgd_floor_microloan), "0.30", 0, 1, NULL, "IRB LGD floor, other retail (Basel III: 30%)"},
    {"stress.lgd_floor_revolving", KEY_F64, F(stress.lgd_floor_revolving), "0.50", 0, 1, NULL, "IRB LGD floor, qualifying revolving retail (Basel III: 50%)"},
    {"stress.lgd_floor_mortgage", KEY_F64, F(stress.lgd_floor_mortgage), "0.05", 0, 1, NULL, "IRB LGD floor, residential mortgages (Basel III: 5%)"},
    {"stress.lgd_downturn_microloan", KEY_F64, F(stress.lgd_downturn_microloan), "0", 0, 1, NULL, "downturn LGD of a microloan under stress: this add-on over its LGD (at most 1; the stressed EL, capital and Monte Carlo loss use it)"},
    {"stress.lgd_downturn_revolving", KEY_F64, F(stress.lgd_downturn_revolving), "0", 0, 1, NULL, "downturn LGD add-on of a revolving loan under stress"},
    {"stress.lgd_downturn_mortgage", KEY_F64, F(stress.lgd_downturn_mortgage), "0", 0, 1, NULL, "downturn LGD add-on of a mortgage under stress"},
    {"privacy.key_file", KEY_STR, F(privacy.key_file), "", 0, 0, NULL, "secret key for subscriber pseudonyms: a file of 32 hex digits that others may not read or write"},
    {"privacy.k_min", KEY_I64, F(privacy.k_min), "10", 1, 1e6, NULL, "aggregates of fewer subscribers are suppressed"},
};
/* clang-format on */
#define N_KEYS (sizeof keys / sizeof keys[0])

static const struct key_spec *find_key(const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].name, name) == 0) return &keys[i];
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return (size_t)-1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *tr_config_nearest_key(const char *name)
{
    const char *best = keys[0].name;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < N_KEYS; i++) {
        size_t d = edit_distance(name, keys[i].name);
        /* A right key in the wrong section is the likeliest slip: prefer equal key parts. */
        const char *dot = strchr(name, '.');
        const char *kdot = strchr(keys[i].name, '.');
        if (dot && kdot && strcmp(dot, kdot) == 0 && d > 1) d = 1;
        if (d < best_d) best_d = d, best = keys[i].name;
    }
    return best;
}

/* 0 when value suits the date key k (a date YYYY-MM-DD, or nothing where its default is
 * nothing); else 1 with err naming the key. */
static int date_problem(const struct key_spec *k, const char *value, char *err, size_t errlen)
{
    int64_t days;
    if (tr_parse_date(value, &days) == 0 || (value[0] == '\0' && k->def[0] == '\0')) return 0;
    snprintf(err, errlen, "%s = '%s': expected a date YYYY-MM-DD%s", k->name, value,
             k->def[0] == '\0' ? " or nothing" : "");
    return 1;
}

static int enum_allows(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0) return 1;
        p += len + (bar != NULL);
    }
    return 0;
}

/* Parses value into the key's field; on failure writes what is expected into err. */
static int assign(struct tr_config *cfg, const struct key_spec *k, const char *value, char *err,
                  size_t errlen)
{
    char *field = (char *)cfg + k->offset;
    char *end = NULL;
    errno = 0;
    switch (k->type) {
    case KEY_U64: {
        if (*value == '-') goto not_number;
        unsigned long long v = strtoull(value, &end, 10);
        if (errno || end == value || *end) goto not_number;
        *(uint64_t *)field = (uint64_t)v;
        return 0;
    }
    case KEY_I64: {
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end) goto not_number;
        if ((double)v < k->min || (double)v > k->max) goto out_of_range;
        *(int64_t *)field = (int64_t)v;
        return 0;
    }
    case KEY_F64: {
        double v = strtod(value, &end);
        if (errno || end == value || *end || v != v) goto not_number;
        if (v < k->min || v > k->max) goto out_of_range;
        *(double *)field = v;
        return 0;
    }
    case KEY_ENUM:
        if (!enum_allows(k->choices, value)) {
            snprintf(err, errlen, "%s = '%s': expected one of %s", k->name, value, k->choices);
            return 1;
        }
        /* fall through */
    case KEY_STR:
        if (strlen(value) >= k->size) {
            snprintf(err, errlen, "%s: value longer than %zu characters", k->name, k->size - 1);
            return 1;
        }
        memset(field, 0, k->size); /* no stale bytes: configs compare and dump exactly */
        strcpy(field, value);
        return 0;
    case KEY_DATE:
        if (date_problem(k, value, err, errlen)) return 1;
        memset(field, 0, k->size);
        strcpy(field, value);
        return 0;
    }
not_number:
    snprintf(err, errlen, "%s = '%s': expected %s", k->name, value,
             k->type == KEY_F64 ? "a number" : "a whole number");
    if (k->type == KEY_U64 && *value == '-')
        snprintf(err, errlen, "%s = '%s': expected a non-negative whole number", k->name, value);
    return 1;
out_of_range:
    snprintf(err, errlen, "%s = '%s': expected a value in [%g, %g]", k->name, value, k->min,
             k->max);
    return 1;
}

void tr_config_defaults(struct tr_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char err[TR_CONFIG_ERR_MAX];
    for (size_t i = 0; i < N_KEYS; i++)
        if (assign(cfg, &keys[i], keys[i].def, err, sizeof err))
            TR_DIE(TR_EXIT_INTERNAL, "bad default: %s", err);
}

static int set_key(struct tr_config *cfg, const char *section, const char *name, const char *value,
                   char *err, size_t errlen)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", section, name);
    const struct key_spec *k = find_key(full);
    if (!k) {
        snprintf(err, errlen, "unknown key '%s' (did you mean '%s'?)", full,
                 tr_config_nearest_key(full));
        return 1;
    }
    return assign(cfg, k, value, err, errlen);
}

struct ini_state {
    struct tr_config *cfg;
    const char *path;
    char msg[TR_CONFIG_ERR_MAX - 64];
    int failed;
    FILE *file;
    int line;         /* of the line inih read last */
    int indented;     /* it began with a blank: a continuation when multiline values are on */
    int seen[N_KEYS]; /* the line that gave each key, 0 if none yet */
    const struct key_spec *last; /* the key of the last pair */
    int continued;               /* the last pair continued its key's value */
};

/* inih's reader, counting lines: the Debian build's handler is told no line number. */
static char *read_counted(char *str, int num, void *user)
{
    struct ini_state *st = user;
    char *got = fgets(str, num, st->file);
    if (got) st->line++, st->indented = got[0] == ' ' || got[0] == '\t';
    return got;
}

/* A key given twice: which of the two the file means is anyone's guess, so neither is taken. An
 * indented line after a key is inih's continuation of its value, not a second key. */
static int repeated_key(struct ini_state *st, const char *section, const char *name)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", section, name);
    const struct key_spec *k = find_key(full);
    if (!k) return 0; /* set_key names it */
    const int continued = st->indented && k == st->last;
    st->last = k, st->continued = continued;
    int *seen = &st->seen[k - keys];
    if (*seen && !continued) {
        snprintf(st->msg, sizeof st->msg, "key '%s' given twice (lines %d and %d)", full, *seen,
                 st->line);
        return 1;
    }
    if (!*seen) *seen = st->line;
    return 0;
}

/* The per-feature lists (config/feature_lists.h) outgrow inih's lines: an indented line after
 * one of them adds its items, where another key's continuation replaces the value. */
static int append_list(struct ini_state *st, const char *value)
{
    static const char *const lists[] = {"model.include", "model.exclude", "model.trend",
                                        "model.bins", "model.special"};
    const struct key_spec *k = st->last;
    size_t i = 0;
    while (i < sizeof lists / sizeof *lists && strcmp(lists[i], k->name) != 0)
        i++;
    if (i == sizeof lists / sizeof *lists) return 0;
    char *field = (char *)st->cfg + k->offset;
    const size_t len = strlen(field);
    if (len + 2 + strlen(value) >= k->size) {
        snprintf(st->msg, sizeof st->msg, "%s: value longer than %zu characters", k->name,
                 k->size - 1);
        return -1;
    }
    snprintf(field + len, k->size - len, "%s%s", len ? ", " : "", value);
    return 1;
}

static int on_ini_pair(void *user, const char *section, const char *name, const char *value)
{
    struct ini_state *st = user;
    if (st->failed) return 0;
    st->continued = 0; /* an unknown key leaves it so: set_key names that key */
    const int appended = repeated_key(st, section, name) ? -1
                         : st->continued                 ? append_list(st, value)
                                                         : 0;
    if (appended < 0 ||
        (!appended && set_key(st->cfg, section, name, value, st->msg, sizeof st->msg))) {
        st->failed = 1;
        return 0; /* inih reports this line number */
    }
    return 1;
}

/* Debian's inih reads lines of at most 200 bytes and splits longer ones silently: refuse them
 * with their line number instead. */
static int check_line_lengths(const char *path, char err[TR_CONFIG_ERR_MAX])
{
    FILE *f = fopen(path, "r");
    if (!f) return 0; /* ini_parse reports it */
    int line = 1, len = 0, c;
    while ((c = fgetc(f)) != EOF) {
        if (c == '\n') {
            line++, len = 0;
            continue;
        }
        if (++len == 199) {
            snprintf(err, TR_CONFIG_ERR_MAX, "%s:%d: line longer than 198 bytes (inih's limit)",
                     path, line);
            fclose(f);
            return 1;
        }
    }
    fclose(f);
    return 0;
}

int tr_config_load(struct tr_config *cfg, const char *path, char err[TR_CONFIG_ERR_MAX])
{
    if (check_line_lengths(path, err)) return 1;
    struct ini_state st = {.cfg = cfg, .path = path, .file = fopen(path, "r")};
    if (!st.file) {
        snprintf(err, TR_CONFIG_ERR_MAX, "%s: cannot open config file: %s", path, strerror(errno));
        return 1;
    }
    int rc = ini_parse_stream(read_counted, &st, on_ini_pair, &st);
    fclose(st.file);
    if (rc == -2) {
        snprintf(err, TR_CONFIG_ERR_MAX, "%s: out of memory reading config", path);
        return 1;
    }
    if (rc > 0) {
        if (st.failed)
            snprintf(err, TR_CONFIG_ERR_MAX, "%s:%d: %s", path, rc, st.msg);
        else
            snprintf(err, TR_CONFIG_ERR_MAX, "%s:%d: not a 'key = value' line or '[section]'", path,
                     rc);
        return 1;
    }
    return 0;
}

int tr_config_set(struct tr_config *cfg, const char *assignment, char err[TR_CONFIG_ERR_MAX])
{
    const char *eq = strchr(assignment, '=');
    const char *dot = strchr(assignment, '.');
    if (!eq || !dot || dot > eq || dot == assignment || eq == dot + 1) {
        snprintf(err, TR_CONFIG_ERR_MAX, "--set '%s': expected section.key=value", assignment);
        return 1;
    }
    char section[64], name[64];
    size_t slen = (size_t)(dot - assignment), nlen = (size_t)(eq - dot - 1);
    if (slen >= sizeof section || nlen >= sizeof name) {
        snprintf(err, TR_CONFIG_ERR_MAX, "--set '%s': key too long", assignment);
        return 1;
    }
    memcpy(section, assignment, slen);
    section[slen] = 0;
    memcpy(name, dot + 1, nlen);
    name[nlen] = 0;
    char msg[TR_CONFIG_ERR_MAX - 16];
    if (set_key(cfg, section, name, eq + 1, msg, sizeof msg)) {
        snprintf(err, TR_CONFIG_ERR_MAX, "--set: %s", msg);
        return 1;
    }
    return 0;
}

double tr_config_bytes(const char *text)
{
    if (!text[0]) return 0;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !(v > 0)) return -1;
    static const char units[] = "KMGT";
    const char *u = *end ? strchr(units, *end) : NULL;
    if (*end && (!u || end[1])) return -1;
    for (const char *k = units; u && k <= u; k++)
        v *= 1024;
    return v;
}

/* Every date key holds a date. tr_config_set refuses anything else, but a configuration filled
 * in by code did not pass through it, and the generator and the models take these dates as
 * given (generate.start: tr_world_build). */
static int dates_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct key_spec *k = &keys[i];
        if (k->type != KEY_DATE) continue;
        char value[64]; /* whatever the field holds, NUL-terminated */
        snprintf(value, sizeof value, "%.*s", (int)k->size, (const char *)cfg + k->offset);
        if (date_problem(k, value, err, TR_CONFIG_ERR_MAX)) return 1;
    }
    return 0;
}

/* The window's keys come in pairs, and one pair at most: a half-set window is a typo, and two
 * ways of setting it could disagree. */
static int window_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    const int range = cfg->run.window_start[0] || cfg->run.window_end[0];
    const int dated = cfg->run.observation_date[0] || cfg->run.window_days > 0;
    int64_t a = 0, b = 0;
    if (range && dated)
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "run: set the window by window_start and window_end, or by observation_date "
                 "and window_days, not both");
    else if (range && !(cfg->run.window_start[0] && cfg->run.window_end[0]))
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "run.window_%s is empty: set both window_start and window_end",
                 cfg->run.window_start[0] ? "end" : "start");
    else if (dated && !(cfg->run.observation_date[0] && cfg->run.window_days > 0))
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "run.%s is not set: set both observation_date and window_days",
                 cfg->run.observation_date[0] ? "window_days" : "observation_date");
    else if (range && (tr_parse_date(cfg->run.window_start, &a),
                       tr_parse_date(cfg->run.window_end, &b), a > b))
        snprintf(err, TR_CONFIG_ERR_MAX, "run.window_start = %s is after run.window_end = %s",
                 cfg->run.window_start, cfg->run.window_end);
    else
        return 0;
    return 1;
}

/* inputs.require: a comma-separated list of table names. The names are repeated from
 * records/tables.c, which config (a lower layer) cannot include. */
static int require_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    static const char *const tables[] = {"antennas",  "subscribers", "cdr",
                                         "recharges", "mobilemoney", "mobiledata",
                                         "loans",     "sim_swaps",   "repayments"};
    char copy[TR_PATH_MAX], *save = NULL;
    snprintf(copy, sizeof copy, "%s", cfg->inputs.require);
    for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
        size_t k = 0;
        while (k < sizeof tables / sizeof *tables && strcmp(w, tables[k]) != 0)
            k++;
        if (k < sizeof tables / sizeof *tables) continue;
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "inputs.require: '%s' is no table (antennas, subscribers, cdr, recharges, "
                 "mobilemoney, mobiledata, loans, sim_swaps, repayments)",
                 w);
        return 1;
    }
    return 0;
}

/* run.timezone names a zone of the system's tz database (loaded and dropped: the run loads it
 * again where it is used). */
static int timezone_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    struct tr_tz z;
    char why[TR_CONFIG_ERR_MAX - 32];
    if (tr_tz_load(&z, cfg->run.timezone, why, sizeof why) == 0) {
        tr_tz_free(&z);
        return 0;
    }
    snprintf(err, TR_CONFIG_ERR_MAX, "run.timezone: %s", why);
    return 1;
}

/* run.currency is an ISO 4217 code: three capital letters (which ones exist is ISO's list, not
 * checked here: XXX, "no currency", is the default). */
static int currency_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    const char *c = cfg->run.currency;
    int ok = strlen(c) == 3;
    for (int k = 0; ok && k < 3; k++)
        ok = c[k] >= 'A' && c[k] <= 'Z';
    if (ok) return 0;
    snprintf(err, TR_CONFIG_ERR_MAX,
             "run.currency = '%s': expected an ISO 4217 code, three capital letters (TZS, KES, "
             "XXX)",
             c);
    return 1;
}

int64_t tr_config_text_k_min(const char *ini)
{
    const char *at = ini ? strstr(ini, "\nk_min = ") : NULL; /* tr_config_to_ini's form */
    return at ? strtoll(at + 9, NULL, 10) : 0;
}

int tr_config_shift(const char *text, char *region, enum tr_shift_channel *channel, double *factor,
                    char *err, size_t errlen)
{
    static const char *const names[] = {"", "calls", "data", "recharges"};
    *channel = TR_SHIFT_NONE, *factor = 1, region[0] = 0;
    if (!text[0]) return 0;
    const char *c1 = strchr(text, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    char *end = NULL;
    if (c2) *factor = strtod(c2 + 1, &end);
    if (!c2 || c1 == text || (size_t)(c1 - text) >= 32 || end == c2 + 1 || *end ||
        !(*factor >= 0.01 && *factor <= 100)) {
        snprintf(err, errlen,
                 "'%s': expected REGION:CHANNEL:FACTOR, e.g. Pwani:calls:0.88, "
                 "with FACTOR from 0.01 to 100",
                 text);
        return 1;
    }
    memcpy(region, text, (size_t)(c1 - text));
    region[c1 - text] = 0;
    for (int k = 1; k < 4; k++)
        if (strlen(names[k]) == (size_t)(c2 - c1 - 1) &&
            !strncmp(c1 + 1, names[k], strlen(names[k])))
            *channel = (enum tr_shift_channel)k;
    if (*channel == TR_SHIFT_NONE)
        snprintf(err, errlen, "'%s': the channel is one of calls, data, recharges", text);
    return *channel == TR_SHIFT_NONE;
}

int tr_config_validate(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    if (dates_problem(cfg, err) || window_problem(cfg, err)) return 1;
    if (timezone_problem(cfg, err) || currency_problem(cfg, err)) return 1;
    if (require_problem(cfg, err) || tr_config_feature_lists_problem(cfg, err)) return 1;
    if (tr_config_bytes(cfg->partition.max_memory_per_rank) < 0) {
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "partition.max_memory_per_rank = '%s': expected a size such as 2G, 800M or "
                 "1500000000 (bytes), or nothing",
                 cfg->partition.max_memory_per_rank);
        return 1;
    }
    const double planted = cfg->generate.simbox_rate + cfg->generate.takeover_rate +
                           cfg->generate.far_payment_rate + cfg->generate.burst_rate +
                           cfg->generate.dormant_rate;
    if (planted > 0.5) {
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "generate: the planted fraud rates add up to %g; expected at most 0.5", planted);
        return 1;
    }
    char shift_region[32], why_shift[TR_CONFIG_ERR_MAX - 32];
    enum tr_shift_channel channel;
    double factor;
    if (tr_config_shift(cfg->generate.shift, shift_region, &channel, &factor, why_shift,
                        sizeof why_shift)) {
        snprintf(err, TR_CONFIG_ERR_MAX, "generate.shift = %s", why_shift);
        return 1;
    }
    if (cfg->generate.regions > cfg->generate.subscribers) {
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "generate.regions = %" PRId64 " exceeds generate.subscribers = %" PRId64,
                 cfg->generate.regions, cfg->generate.subscribers);
        return 1;
    }
    double upper[TR_CONFIG_MAX_GRADES];
    int n_grades = 0;
    char why[TR_CONFIG_ERR_MAX - 32];
    if (tr_config_master_scale(cfg->model.master_scale, upper, TR_CONFIG_MAX_GRADES, &n_grades, why,
                               sizeof why)) {
        snprintf(err, TR_CONFIG_ERR_MAX, "model.master_scale: %s", why);
        return 1;
    }
    const double moc[3] = {cfg->credit.moc_a, cfg->credit.moc_b, cfg->credit.moc_c};
    const char *const why_moc[3] = {cfg->credit.moc_a_reason, cfg->credit.moc_b_reason,
                                    cfg->credit.moc_c_reason};
    for (int k = 0; k < 3; k++)
        if (moc[k] > 0 && !why_moc[k][0]) {
            snprintf(err, TR_CONFIG_ERR_MAX,
                     "credit.moc_%c = %g needs its reason: set credit.moc_%c_reason (the run file "
                     "records it beside the margin)",
                     'a' + k, moc[k], 'a' + k);
            return 1;
        }
    if (cfg->generate.outcome_days <= cfg->generate.loan_days) {
        snprintf(err, TR_CONFIG_ERR_MAX,
                 "generate.outcome_days = %" PRId64 " must exceed generate.loan_days = %" PRId64
                 " (the book is cut after the last loan is issued)",
                 cfg->generate.outcome_days, cfg->generate.loan_days);
        return 1;
    }
    return 0;
}

char *tr_config_to_ini(const struct tr_config *cfg)
{
    size_t cap = 8192, len = 0;
    char *out = TR_MALLOC(cap);
    char section[64] = "";
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct key_spec *k = &keys[i];
        const char *dot = strchr(k->name, '.');
        char line[TR_PATH_MAX + 128];
        int n = 0;
        if (strncmp(section, k->name, (size_t)(dot - k->name)) != 0 ||
            section[dot - k->name] != 0) {
            snprintf(section, sizeof section, "%.*s", (int)(dot - k->name), k->name);
            n += snprintf(line + n, sizeof line - (size_t)n, "%s[%s]\n", i ? "\n" : "", section);
        }
        const char *field = (const char *)cfg + k->offset;
        n += snprintf(line + n, sizeof line - (size_t)n, "%s = ", dot + 1);
        switch (k->type) {
        case KEY_U64:
            n += snprintf(line + n, sizeof line - (size_t)n, "%" PRIu64, *(const uint64_t *)field);
            break;
        case KEY_I64:
            n += snprintf(line + n, sizeof line - (size_t)n, "%" PRId64, *(const int64_t *)field);
            break;
        case KEY_F64:
            n += snprintf(line + n, sizeof line - (size_t)n, "%.17g", *(const double *)field);
            break;
        default:
            n += snprintf(line + n, sizeof line - (size_t)n, "%s", field);
            break;
        }
        n += snprintf(line + n, sizeof line - (size_t)n, "\n");
        while (len + (size_t)n + 1 > cap)
            out = TR_REALLOC(out, cap *= 2);
        memcpy(out + len, line, (size_t)n);
        len += (size_t)n;
    }
    out[len] = 0;
    return out;
}

int tr_config_master_scale(const char *text, double *upper, int max, int *n, char *err,
                           size_t errlen)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v <= 0 || v > 1 || (*n && v <= upper[*n - 1])) {
            snprintf(err, errlen,
                     "master scale '%s': expected increasing PDs in (0, 1], comma-separated", text);
            return 1;
        }
        if (*n == max) {
            snprintf(err, errlen, "master scale '%s': more than %d grades", text, max);
            return 1;
        }
        upper[(*n)++] = v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') {
            snprintf(err, errlen, "master scale '%s': unexpected '%c'", text, *end);
            return 1;
        }
    }
    if (*n == 0 || upper[*n - 1] != 1) {
        snprintf(err, errlen, "master scale '%s': the last bound must be 1", text);
        return 1;
    }
    return 0;
}
