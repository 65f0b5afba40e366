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
#define TR_PSI_MAX_BINS 64
double tr_psi_pooled(const int64_t *reference, const int64_t *now, int bins, int64_t ref_total);
const char *tr_psi_band(double psi); /* "stable", "moderate", "significant"; "undefined" for NaN */

struct tr_psi_row {
    char name[TR_PSI_NAME_MAX];
    double psi;
    char band[16];
};

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
};

/* Collective: the drift of n scored rows (values [n x m->n_features] in the model's feature order,
 * their score and grade) against the model's training population: PSI of the score over its
 * bands, of each used feature over its bins, and of the grades (hidden grades pooled); mon's
 * features to free. */
void tr_drift(const struct tr_ctx *ctx, const struct tr_models *m, const double *values, size_t n,
              const double *score, const int8_t *grade, struct tr_monitoring *mon);

#endif
