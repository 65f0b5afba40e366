/* The run file: one HDF5 file per run, written collectively (DESIGN.md, "The run file").
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

struct tr_run_output {
    /* root attributes */
    const char *checkpoint;  /* NULL, or the stage a checkpoint file holds (output/checkpoint.h) */
    const char *fingerprint; /* a checkpoint's: tr_ckpt_fingerprint of the run's inputs */
    const char *config_text;
    uint64_t seed;
    int passes; /* over key ranges (partition.max_memory_per_rank); 0 or 1: one */
    /* provenance: the same on every rank */
    const struct tr_input_stat *inputs;
    int n_inputs;
    const struct tr_stage_stat *stages;
    int n_stages;
    /* rejects: all of them on rank 0 (sorted by file, line); none elsewhere */
    const struct tr_reject *rejects;
    size_t n_rejects;
    /* regions: the same on every rank; region i is names[i] */
    const char *const *region_names;
    int n_regions;
    /* subscribers: this rank's rows, in key order; rank r's keys all precede rank r+1's */
    size_t n_local;
    const uint64_t *key;    /* [n_local] */
    const int32_t *region;  /* [n_local], -1 unknown */
    const int8_t *label;    /* [n_local]: 1 default, 0 repaid, -1 unlabelled */
    const int8_t *holdout;  /* [n_local]: 1 in the validation hold-out */
    const double *features; /* [n_local x n_features], row-major, NaN = undefined */
    int n_features;
    const struct tr_feature_info *feature_info; /* [n_features] */
    int64_t key_collisions; /* keys shared by different subscriber ids, all ranks */
    /* credit models (NULL: none, and no pd/score/grade); the same on every rank */
    const struct tr_models *models;
    const struct tr_validation *validation;
    const struct tr_backtest *backtest; /* NULL: none */
    const double *pd;    /* [n_local]: probability of default within the horizon, own model */
    const double *score; /* [n_local]: scorecard points */
    const int8_t *grade; /* [n_local]: master-scale grade, 1 the safest */
    const struct tr_monitoring *monitoring; /* telrisk score --model: drift and comparison */
    const char *monitoring_model;           /* the stored model's file */
    /* the loan book and its stress analyses (NULL / 0: none) */
    const struct tr_portfolio *portfolio;
    const struct tr_stress_params *stress_params;
    const struct tr_stress_result *stress;
    int n_stress;
    /* cross-checks (NULL: none, and no flags) */
    const struct tr_crosscheck *crosschecks;
    const uint8_t *flags; /* [n_local]: bit r set when rule r raised an alert */
    /* privacy.k_min: region and grade aggregates of fewer subscribers are suppressed */
    int64_t k_min;
};

/* Collective over ctx->comm. Writes path (through a temporary name renamed at the end).
 * Returns 0, or TR_EXIT_INPUT with the reason printed when the file cannot be written. */
int tr_runfile_write(const struct tr_ctx *ctx, const char *path, const struct tr_run_output *out);

/* The pieces of tr_runfile_write, for steps that write other content: the temporary name a
 * file is written under; creating it (collective; out->seed names it; H5I_INVALID_HID on every
 * rank when it cannot be created, the reason printed; *tmp to pass on); closing it and renaming
 * it to path (collective; frees tmp; returns an exit code), with its checksums written first
 * when seal (every file but a checkpoint). */
char *tr_runfile_temp_path(const char *path, uint64_t seed);
hid_t tr_runfile_create(const struct tr_ctx *ctx, const char *path, const struct tr_run_output *out,
                        char **tmp);
int tr_runfile_publish(const struct tr_ctx *ctx, hid_t f, const char *path, char *tmp, int seal);

/* Prints the per-region summary of a run file (telrisk inspect), rows of fewer than k_min
 * subscribers suppressed. Returns an exit code. */
int tr_runfile_inspect(const char *path, int64_t k_min, FILE *out, FILE *msg);

#endif
