/* The run file: one HDF5 file per run, written collectively (docs/output.md).
 * Only output/ and io/ touch HDF5. */
#ifndef TELRISK_OUTPUT_RUNFILE_H
#define TELRISK_OUTPUT_RUNFILE_H

#include "core/log.h"
#include "core/stage.h"
#include "features/registry.h"
#include "records/accounts.h"

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tr_models;
struct tr_validation;
struct tr_backtest;
struct tr_monitoring;
struct tr_crosscheck;
struct tr_portfolio;
struct tr_stress_params;
struct tr_stress_result;

/* One struct per group of the run file (docs/output.md), each taken by that group's writer
 * alone. Arrays of this rank's subscribers hold its rows in key order, and rank r's keys all
 * precede rank r + 1's; everything else is the same on every rank. */

/* The root's attributes. */
struct tr_rf_root {
    const char *config_text; /* the effective configuration, as INI */
    uint64_t seed;
    const char *currency;    /* run.currency: the ISO 4217 code of every amount (unit currency) */
    const char *checkpoint;  /* NULL, or the stage a checkpoint file holds (output/checkpoint.h) */
    const char *fingerprint; /* a checkpoint's: tr_ckpt_fingerprint of the run's inputs */
    const char *run_fingerprint; /* a checkpoint's: tr_ckpt_run_fingerprint, in its name */
};

/* /provenance: the inputs' accounting and the stages' figures. */
struct tr_rf_provenance {
    const struct tr_input_stat *inputs; /* [n_inputs] */
    int n_inputs;
    const struct tr_stage_stat *stages; /* [n_stages] */
    int n_stages;
    int passes; /* over key ranges (partition.max_memory_per_rank); 0 or 1: one */
};

/* /rejects: all of them on rank 0 (sorted by file, line; file indexes the provenance's inputs),
 * none elsewhere. */
struct tr_rf_rejects {
    const struct tr_reject *rows; /* [n] */
    size_t n;
};

/* /regions/names; every per-region table's labels: region i is names[i]. */
struct tr_rf_regions {
    const char *const *names; /* [n] */
    int n;
};

/* /subscribers/{key, region, label, holdout, features, flags}. */
struct tr_rf_subscribers {
    size_t n_local;
    const uint64_t *key;    /* [n_local] */
    const int32_t *region;  /* [n_local], -1 unknown */
    const int8_t *label;    /* [n_local]: 1 default, 0 repaid, -1 unlabelled */
    const int8_t *holdout;  /* [n_local]: features/labels.h's sample */
    const double *features; /* [n_local x n_features], row-major, NaN = undefined */
    int n_features;
    const struct tr_feature_info *feature_info; /* [n_features] */
    int64_t key_collisions; /* keys shared by different subscriber ids, all ranks */
    const uint8_t *flags;   /* [n_local]: bit r set when cross-check rule r alerted; NULL: none */
    int64_t window_start, window_end; /* seconds, [start, end): the observation window */
    const char *window_rule;          /* how it was found, in words */
};

/* /subscribers/{pd, score, grade, points, reasons}: the same rows. */
struct tr_rf_scores {
    size_t n_local;
    const double *pd; /* [n_local]: probability of default within the horizon, own model */
    const double *pd_calibrated;    /* [n_local]: the grade's calibrated PD; NULL: not written */
    const double *score;            /* [n_local]: scorecard points */
    const int8_t *grade;            /* [n_local]: master-scale grade, 1 the safest */
    const struct tr_models *models; /* the models that scored them (points' columns) */
    const double *points;           /* [n_local x used features]; NULL: no points (standardize) */
    const int32_t *reasons;         /* [n_local x n_reasons] codes (model/reasons.h) */
    int n_reasons;
};

/* /models: the models and their hold-out validation. */
struct tr_rf_models {
    const struct tr_models *models;
    const struct tr_validation *validation;
};

/* /monitoring (telrisk score --model): drift and champion against challenger. */
struct tr_rf_monitoring {
    const struct tr_monitoring *monitoring;
    const char *model_path;          /* the champion's file */
    const char *const *region_names; /* the scored run's (the AUC tests' rows) */
    int64_t k_min;
};

/* /crosschecks: the records' cross-checks (with the provenance's inputs and the regions for its
 * summary), the models' backtest, and drift (each NULL: absent). */
struct tr_rf_crosschecks {
    const struct tr_crosscheck *checks;
    const struct tr_backtest *backtest;
    const struct tr_monitoring *drift;
};

/* /stress/<scenario> for each result. */
struct tr_rf_stress {
    const struct tr_stress_params *params;
    const struct tr_stress_result *results; /* [n] */
    int n;
};

/* /ifrs9 (output/ifrs9.c): this rank's loans and their figures, the summary over all ranks and
 * the grades' calibrated PDs for the term structures (NULL: no calibration, no table). */
struct tr_ifrs9_params;
struct tr_ifrs9_loan;
struct tr_ifrs9_result;
struct tr_ifrs9_summary;
struct tr_ifrs9_transfers;
struct tr_ifrs9_hazards;
struct tr_rf_ifrs9 {
    const struct tr_ifrs9_params *params;
    const struct tr_ifrs9_hazards *hazards;
    size_t n;
    const struct tr_ifrs9_loan *loans;     /* [n] */
    const struct tr_ifrs9_result *results; /* [n] */
    const double *ecl_scenario;            /* [n x params->n_scenarios] */
    const int8_t *stage_scenario;          /* [n x params->n_scenarios] */
    const struct tr_ifrs9_summary *summary;
    int n_grades;
    const double *grade_pd;                     /* [n_grades] or NULL */
    const struct tr_ifrs9_transfers *transfers; /* against a previous run; NULL none */
    const char *const *region_names;            /* [params->n_regions] */
};
/* What an IFRS 9 stage made (ifrs9/ecl.h), as the run file's group holds it. */
struct tr_ifrs9_run;
struct tr_rf_ifrs9 tr_rf_ifrs9_of(const struct tr_ifrs9_run *r, const char *const *region_names,
                                  int n_grades, const double *grade_pd,
                                  const struct tr_ifrs9_transfers *transfers);

/* What one file holds: the groups present (NULL: absent), in the order they are written, and
 * privacy.k_min: region and grade aggregates of fewer subscribers are suppressed. Some groups
 * label theirs with others: root is always there; rejects need provenance (the inputs they
 * index), models and crosschecks need regions, crosschecks' checks need provenance too
 * (tr_run_contents_check ends the job on a caller that breaks this: a bug). */
/* /ledger (output/ledger.c): the ledger's settings, and this rank's obligors and loans. */
struct tr_rf_ledger {
    const struct tr_ledger_settings *settings;
    const struct tr_ledger_table *table;
    const struct tr_cohort_counts *cohorts; /* over all ranks */
};

struct tr_run_contents {
    int64_t k_min;
    const struct tr_rf_root *root;
    const struct tr_rf_provenance *provenance;
    const struct tr_rf_rejects *rejects;
    const struct tr_rf_regions *regions;
    const struct tr_rf_subscribers *subscribers;
    const struct tr_rf_scores *scores;
    const struct tr_rf_models *models;
    const struct tr_rf_monitoring *monitoring;
    const struct tr_rf_crosschecks *crosschecks;
    const struct tr_rf_ledger *ledger; /* NULL: the run has no repayments table */
    const struct tr_portfolio *portfolio;
    const struct tr_rf_stress *stress;
    const struct tr_rf_ifrs9 *ifrs9; /* NULL: no ledger, or no PDs */
};

void tr_run_contents_check(const struct tr_run_contents *c);

/* Collective over ctx->comm. Writes path (through a temporary name renamed at the end): the root
 * and every group c holds. Returns 0, or TR_EXIT_INPUT with the reason printed when the file
 * cannot be written. */
int tr_runfile_write(const struct tr_ctx *ctx, const char *path, const struct tr_run_contents *c);

/* The pieces of tr_runfile_write, for steps that write other content: the temporary name a
 * file is written under; creating it (collective; the seed names it; H5I_INVALID_HID on every
 * rank when it cannot be created, the reason printed; *tmp to pass on); closing it and renaming
 * it to path (collective; frees tmp; returns an exit code), with its checksums written first
 * when seal is TR_PUBLISH_SEALED (a checkpoint), and this command's /provenance/history row
 * (output/history.h) before them when TR_PUBLISH_RUN (a file people read). */
enum { TR_PUBLISH_PLAIN = 0, TR_PUBLISH_SEALED = 1, TR_PUBLISH_RUN = 2 };
char *tr_runfile_temp_path(const char *path, uint64_t seed);
hid_t tr_runfile_create(const struct tr_ctx *ctx, const char *path, uint64_t seed, char **tmp);
int tr_runfile_publish(const struct tr_ctx *ctx, hid_t f, const char *path, char *tmp, int seal);

#endif
