/* Drift of a scored population from the one a model learnt on (telrisk score --model).
 * Population stability: how far a distribution over fixed bins has moved from a reference,
 *   PSI = sum over bins of (now share - reference share) * ln(now share / reference share),
 * shares floored at 1e-4 so an empty bin does not make it infinite. The usual reading: under 0.1
 * stable, 0.1 to 0.25 a moderate shift to watch, over 0.25 a significant shift (retrain). */
#ifndef TELRISK_CROSSCHECK_DRIFT_H
#define TELRISK_CROSSCHECK_DRIFT_H

#include "core/log.h"
#include "model/metrics.h"
#include "model/scorecard.h"
#include "model/train.h"

#include <stdint.h>

#define TR_PSI_NAME_MAX 96

double tr_psi(const int64_t *reference, const int64_t *now, int bins);

/* PSI where some reference bins are suppressed (-1, privacy.k_min): those bins are pooled into
 * one, whose reference is ref_total less the published bins (suppression hides each hidden
 * bin, never their sum). */
#define TR_PSI_MAX_BINS TR_MAX_BINS /* a feature's numeric, missing and special bins */
double tr_psi_pooled(const int64_t *reference, const int64_t *now, int bins, int64_t ref_total);
const char *tr_psi_band(double psi); /* "stable", "moderate", "significant"; "undefined" for NaN */

struct tr_psi_row {
    char name[TR_PSI_NAME_MAX];
    double psi;
    char band[16];
};

/* Today's AUC against the champion's development AUC (the ECB's instructions for reporting IRB
 * validation results, 2019): S = (AUC_dev - AUC_now) / s_now, s_now DeLong's standard error of
 * today's AUC, and the one-sided p-value 1 - Phi(S): a small p says the model discriminates
 * significantly worse on this run than when it was developed. NaN where either AUC is unknown. */
struct tr_auc_test {
    int32_t region;         /* -2: all regions (each subscriber by its own model), else a region */
    int64_t rows, defaults; /* today's hold-out */
    double auc_development, auc_now, se_now, s, p;
};
void tr_auc_test_of(int32_t region, double auc_development, const struct tr_metrics *now,
                    struct tr_auc_test *out);

/* The grade migration against a previous run (telrisk score --compare): this run's graded
 * subscribers by region (index 0: all regions), their grade in the previous run (0: not graded
 * there, or absent) and their grade now. counts[(region + 1) x (G + 1) x G] with
 * counts[((r + 1) (G + 1) + before) G + now - 1]. */
struct tr_migration {
    int n_regions, n_grades;
    int64_t *counts;
    int64_t matched; /* graded in both runs, all regions */
};
static inline size_t tr_migration_at(const struct tr_migration *m, int region, int before, int now)
{
    return ((size_t)(region + 1) * (size_t)(m->n_grades + 1) + (size_t)before) *
               (size_t)m->n_grades +
           (size_t)(now - 1);
}
/* Collective: this rank's n rows (key, region, grade) against the previous run's (all of them,
 * on every rank: prev_key increasing). */
void tr_migration_count(const struct tr_ctx *ctx, size_t n, const uint64_t *key,
                        const int32_t *region, const int8_t *grade, size_t prev_n,
                        const uint64_t *prev_key, const int8_t *prev_grade, int n_regions,
                        int n_grades, struct tr_migration *out);
void tr_migration_free(struct tr_migration *m);

/* What `telrisk score --model` finds: drift of each used feature (over the model's bins) and of
 * the grades, and, when the scored run has its own model, the two on the same hold-out. */
struct tr_monitoring {
    int n_features;
    struct tr_psi_row *features; /* [n_features] */
    struct tr_psi_row score;     /* over the score deciles of the training population */
    struct tr_psi_row grades;
    int64_t grade_reference[TR_MAX_GRADES], grade_now[TR_MAX_GRADES];
    int n_grades;
    int has_challenger;
    struct tr_metrics champion, challenger; /* hold-out of the scored run */
    int n_auc_tests;                        /* 1 + regions; 0 without the champion's AUCs */
    struct tr_auc_test *auc_tests;          /* [n_auc_tests]: all regions, then each */
    struct tr_migration migration;          /* counts NULL: no --compare */
    /* The drift per region against the champion's population per region when trained
     * (/models/region_reference): for each region its score, its grades, then each used feature;
     * none when the champion kept no such reference. */
    int n_region_rows;
    struct tr_region_psi *region_rows; /* [n_region_rows] */
};

struct tr_region_psi {
    int32_t region;
    int8_t suppressed;   /* 1: the region has fewer than k_min subscribers now or when trained */
    int64_t subscribers; /* now */
    struct tr_psi_row row;
};

/* Collective: the drift of n scored rows (values [n x m->n_features] in the model's feature order,
 * their score and grade) against the model's training population: PSI of the score over its
 * bands, of each used feature over its bins, and of the grades (hidden grades pooled); mon's
 * features to free. */
void tr_drift(const struct tr_ctx *ctx, const struct tr_models *m, const double *values, size_t n,
              const double *score, const int8_t *grade, struct tr_monitoring *mon);

/* Collective: the same per region (region [n]), against m->region_reference (nothing when it is
 * NULL): mon->region_rows, to free. A region of fewer than k_min subscribers now or then shows
 * no figure; hidden reference cells are pooled (tr_psi_pooled). */
void tr_drift_regions(const struct tr_ctx *ctx, const struct tr_models *m, const double *values,
                      size_t n, const int32_t *region, const double *score, const int8_t *grade,
                      int64_t k_min, struct tr_monitoring *mon);

#endif
