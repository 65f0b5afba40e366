/* One `telrisk run` as its stages hand it on (pipeline/pipeline.c's table says which stage reads
 * and writes which part). The subscribers' rows on each rank are in key order, and rank r's
 * precede rank r + 1's: the model's sums are the same whatever the cut (a resumed run may even use
 * another rank count). Internal to pipeline/. */
#ifndef TELRISK_PIPELINE_RUN_H
#define TELRISK_PIPELINE_RUN_H

#include "config/config.h"
#include "core/keyhash.h"
#include "core/log.h"
#include "core/stage.h"
#include "crosscheck/backtest.h"
#include "crosscheck/crosscheck.h"
#include "features/features.h"
#include "ifrs9/ecl.h"
#include "model/credit.h"
#include "partition/conflicts.h"
#include "partition/ledger.h"
#include "output/stored.h"
#include "records/ingest.h"
#include "stress/stress.h"

struct tr_run {
    const struct tr_ctx *ctx;
    const struct tr_config *cfg;
    const struct tr_keyhash *kh;
    char *config_text;       /* the effective configuration, as INI (the root's config) */
    char fingerprint[65];    /* of the inputs (the checkpoints') */
    char run_print[65];      /* of the inputs, config and seed: in the checkpoints' names */
    int done;                /* the last checkpoint a resumed run found (TR_CKPT_NONE: none) */
    const char *stage;       /* the stage under way: its row's name in /provenance/stages */
    struct tr_stages stages; /* /provenance/stages so far */

    /* The records stages, pass by pass (one pass without partition.max_memory_per_rank). */
    int passes, pass;             /* how many; the one under way (0-based) */
    struct tr_stages pass_stages; /* this pass's rows, merged into stages after it */
    struct tr_ingest in;     /* pass 1's records; its accounting (files, rejects) stays until the
                                records checkpoint holds it */
    struct tr_ingest later;  /* a later pass's records */
    struct tr_ingest *cur;   /* the pass's records: &in or &later */
    int64_t *dups;           /* [in.n_files]: exact duplicates dropped, per file */
    int64_t collisions;      /* subscriber keys shared by different ids (pass 1) */
    struct tr_window window; /* the observation window (pass 1 decides it) */
    int64_t window_start, window_stop; /* seconds: the window's bounds */
    struct tr_loan_drop loan_drop;     /* loan lines whose id another line holds (pass 1) */
    struct tr_ledger_settings ledger;  /* the definition of default's (pass 1 decides them) */
    int has_ledger;                    /* the run has a repayments table */
    struct tr_cohort_counts cohorts;   /* the ledger's yearly cohorts (the records checkpoint's) */
    struct tr_late_rejects late;       /* the pass's lines rejected after the read */
    struct tr_ledger_passes ledger_passes; /* which repayments some pass's loans claimed */
    struct tr_feature_table pass_ft;       /* this pass's subscribers' indicators ... */
    struct tr_crosscheck pass_checks;      /* ... their cross-checks ... */
    struct tr_portfolio pass_book;         /* ... and loans */
    struct tr_feature_table ft;            /* every pass's, appended in key order */
    struct tr_crosscheck checks;
    struct tr_portfolio book; /* the exposures of this rank's subscribers */

    /* What the stages after the records work on, computed here or loaded from the records
     * checkpoint of a killed run. */
    int n_regions;
    char **names;                /* [n_regions] */
    struct tr_stored_run stored; /* loaded from the records checkpoint */
    struct tr_model_rows rows;   /* ft's or stored's */
    const char **feature_names;  /* [rows.n_features] */
    struct tr_credit credit;     /* credit.pd NULL: no model */
    struct tr_backtest backtest;
    struct tr_stress_params params;
    struct tr_scenarios *scenarios; /* NULL: no stress.scenarios */
    struct tr_stress_result *results;
    int n_results;
    struct tr_stored_ledger stored_ledger; /* resumed: the ledger part of the stored rows */
    struct tr_ifrs9_run ifrs9;             /* IFRS 9 (a run with a ledger) */
};

/* The stages (each collective; an exit code, the same on every rank). */
int tr_stage_read(struct tr_run *r); /* pipeline/records.c */
int tr_stage_partition(struct tr_run *r);
int tr_stage_indicators(struct tr_run *r);
int tr_stage_crosschecks(struct tr_run *r);
int tr_stage_records_checkpoint(struct tr_run *r);
int tr_stage_model(struct tr_run *r); /* pipeline/later.c */
int tr_stage_backtest(struct tr_run *r);
int tr_stage_ifrs9(struct tr_run *r);
int tr_stage_model_checkpoint(struct tr_run *r);
int tr_stage_stress(struct tr_run *r);
int tr_stage_stress_checkpoint(struct tr_run *r);
int tr_stage_write(struct tr_run *r);

/* After a pass's stages: its subscribers' rows appended to the run's, its records freed. */
void tr_run_end_pass(struct tr_run *r);
/* The model's rows from the indicators computed here. */
void tr_run_rows_from_features(struct tr_run *r);
/* Collective: the scenario file and the [stress] keys against the run's regions. */
int tr_run_prepare_stress(struct tr_run *r);
/* Collective: [ifrs9] weights against the scenarios (exit 1 when they do not fit). */
int tr_run_check_ifrs9(struct tr_run *r);
/* Collective: the modeller's controls (model.include, ...) against these features, before the
 * long stages: a name that is none of them is a config error (exit 1). */
int tr_run_check_controls(struct tr_run *r, const char *const *names, int n);
/* Collective, resuming: what the finished stages left, from their checkpoints. */
int tr_run_resume(struct tr_run *r);
void tr_run_free(struct tr_run *r);

#endif
