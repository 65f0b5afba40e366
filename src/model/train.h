/* The credit models: binning and screening of the features, a national logistic regression and
 * one per region shrunk toward it, and the PD, scorecard points and grade of every subscriber.
 * Everything is learnt from the training sample (label known, /subscribers/holdout 0) with exact
 * sums over ranks, so the models are the same bits at any rank count (docs/models.md). */
#ifndef TELRISK_MODEL_TRAIN_H
#define TELRISK_MODEL_TRAIN_H

#include "config/config.h"
#include "core/log.h"
#include "model/binning.h"
#include "model/calibration.h"
#include "model/controls.h"
#include "model/logit.h"
#include "model/scorecard.h"

#include <stddef.h>
#include <stdint.h>

enum tr_transform { TR_TRANSFORM_WOE, TR_TRANSFORM_STANDARDIZE };

/* Why a feature is not in the models ("" when it is). */
#define TR_DROP_REASON_MAX 64

/* The rows the models see: this rank's subscribers, in key order (features/features.h). */
struct tr_model_rows {
    size_t n;
    int n_features;
    const char *const *names; /* [n_features] */
    const uint64_t *key;      /* [n] */
    const int32_t *region;    /* [n], -1 unknown */
    const int8_t *label;      /* [n]: 1, 0, -1 */
    const int8_t *sample;     /* [n]: TR_TRAINING, TR_HOLDOUT, TR_OUT_OF_TIME */
    const double *values;     /* [n x n_features] */
    /* The ledger history's yearly cohorts, which calibrate the PDs (model/calibration.h); NULL:
     * the run has no ledger, and the PDs stay the model's. */
    const struct tr_cohort_counts *cohorts;
};

/* One logistic regression: the national one (region -1) or a region's. */
struct tr_model {
    int region;
    int fitted; /* 0: too few training defaults, the region uses the national model */
    int64_t train_rows, train_defaults;
    struct tr_logit_fit fit; /* beta[0] the intercept, then one per used feature */
};

/* Everything a run learns, the same on every rank; enough to score another run's subscribers. */
struct tr_models {
    enum tr_transform transform;
    double lambda;
    int n_features;                      /* the feature table's columns */
    char **names;                        /* [n_features] */
    struct tr_bins *bins;                /* [n_features] */
    double *mean, *sd;                   /* [n_features]: training rows, missing left out */
    char (*dropped)[TR_DROP_REASON_MAX]; /* [n_features] */
    struct tr_feature_control *control;  /* [n_features]: the modeller's (model/controls.h) */
    int n_used;
    int *used; /* [n_used]: columns in the models, by decreasing IV */
    int n_regions;
    struct tr_model national;
    struct tr_model *regions; /* [n_regions] */
    struct tr_scorecard card;
    int64_t train_rows; /* all regions */
    int64_t
        grade_population[TR_MAX_GRADES]; /* subscribers per grade when trained: PSI's reference */
    struct tr_bins score_bands; /* deciles of the scores when trained, with their population */
    /* [(n_regions + 1) x tr_reference_width] the population per region (the last: the unknown
     * region) when trained (model/reference.h),
     * -1 in a suppressed cell; NULL: none (a model stored by a telrisk before it kept them) */
    int64_t *region_reference;
    int8_t *region_reference_state; /* as stored (output/suppress.h); NULL: not read from a file */
    struct tr_pd_calibration calibration; /* of its PDs to the ledger's long-run average */
    /* [n_regions + 1]: the hold-out AUC it had when developed, all regions then each (NaN:
     * none, or suppressed); read back from a stored model's /models/summary, else NULL. */
    double *development_auc;
    int iterations; /* Newton iterations over all fits */
    /* Wall times (slowest rank): not in /models, which must be the same at any rank count. */
    double seconds;                   /* binning, screening and fitting */
    double fit_seconds;               /* the Newton iterations of all fits */
    char settings[6 * TR_PATH_MAX];   /* the model.* settings it was trained with, "k=v; ..." */
    char why_none[TR_CONFIG_ERR_MAX]; /* why there is no model (tr_models_train failed) */
};

/* Collective. Learns the models from the training rows. Returns 0, or TR_EXIT_INPUT with the
 * reason in m->why_none (not printed) when there is nothing to learn from (no defaults or no
 * repaid loans), or TR_EXIT_USAGE when the modeller's controls name a feature that is not among
 * rows->names (or contradict each other): tr_models_free(m) still applies. */
int tr_models_train(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_model_rows *rows, int n_regions, struct tr_models *m);

/* The model a subscriber of this region is scored with. */
const struct tr_model *tr_model_for(const struct tr_models *m, int32_t region);

/* The transformed value of column j (one of m->used) for raw value x. */
double tr_model_transform(const struct tr_models *m, int j, double x);

/* Rows of another table (values [n x n_names], columns named `names`) in the models' column
 * order: out [n x m->n_features], NaN in a column the table lacks. Returns the name of a
 * feature the models use that the table lacks (then out is not to be scored), or NULL. */
const char *tr_models_remap(const struct tr_models *m, const char *const *names, int n_names,
                            const double *values, size_t n, double *out);

/* PD of one row (values[n_features]) under model `model`. */
double tr_model_pd(const struct tr_models *m, const struct tr_model *model, const double *values);

/* Every row's PD under its region's model and under the national one, its points and grade.
 * Arrays [rows->n]; pd_national may be NULL. */
void tr_models_score(const struct tr_models *m, const struct tr_model_rows *rows, double *pd,
                     double *pd_national, double *score, int8_t *grade);

#define TR_SCORE_BANDS 10

/* Collective: the scored population's distribution, the reference of later PSI: subscribers per
 * grade, and score deciles (cut from a keyed sample of the scores) with their population. */
void tr_models_reference(const struct tr_ctx *ctx, const struct tr_model_rows *rows,
                         const double *score, const int8_t *grade, uint64_t seed,
                         struct tr_models *m);

/* Collective: subscribers per grade over all ranks. out[TR_MAX_GRADES]. */
void tr_grade_counts(const struct tr_ctx *ctx, const int8_t *grade, size_t n, int64_t *out);

void tr_models_free(struct tr_models *m);

#endif
