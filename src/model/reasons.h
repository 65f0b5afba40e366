/* The reasons behind a score (adverse-action notices; GDPR art. 22), as a scorecard states them.
 * With model.transform = woe a subscriber's score is the sum of a base and one number of points
 * per used feature, the points of the bin its value falls in under its own model:
 *   base = base_points - pdo / ln 2 x (ln base_odds + beta0),
 *   points(feature, bin) = -pdo / ln 2 x beta_feature x WoE(bin),
 * (the score's formula with logit(PD) = beta0 + sum beta x WoE written out term by term). A
 * feature's best bin is its bin of most points among those with training rows (ties: the lower
 * bin). A reason is a feature whose subscriber's points fall below its best bin's; the top
 * reasons are the largest points lost (ties: the lower feature column). Under standardize the
 * points are not per bin, and there are none (docs/models.md, "Reasons"). */
#ifndef TELRISK_MODEL_REASONS_H
#define TELRISK_MODEL_REASONS_H

#include "model/train.h"

#include <stdint.h>

#define TR_MAX_REASONS 16 /* model.reasons at most */

/* Where a subscriber's value stands against the feature's best bin. */
enum tr_reason_dir {
    TR_REASON_HIGH,    /* in a higher bin than the best */
    TR_REASON_LOW,     /* in a lower bin than the best */
    TR_REASON_MISSING, /* undefined or special (model.special), where another value scores better */
    TR_REASON_PRESENT, /* an ordinary value, where an undefined or special one scores better */
    TR_REASON_DIRS
};

/* A reason's code: feature column x TR_REASON_DIRS + direction; TR_REASON_NONE fills the slots
 * of a subscriber with fewer reasons than asked. */
#define TR_REASON_NONE (-1)

/* 1 when the models have per-bin points (model.transform = woe). */
int tr_reasons_available(const struct tr_models *m);

/* The score's part that no feature carries, under `model`. */
double tr_points_base(const struct tr_models *m, const struct tr_model *model);

/* Points of bin `bin` of used feature u (m->used[u]) under `model`. */
double tr_points_of_bin(const struct tr_models *m, const struct tr_model *model, int u, int bin);

/* The bin of most points of used feature u among bins with training rows (ties: the lower). */
int tr_points_best_bin(const struct tr_models *m, const struct tr_model *model, int u);

/* The direction of a value in bin `bin` against the best bin `best` of the same feature. */
enum tr_reason_dir tr_reason_direction(const struct tr_bins *b, int bin, int best);

/* One row (values[n_features], its region): points[n_used] of each used feature, and the codes
 * of its top n_reasons reasons (TR_REASON_NONE after the last). */
void tr_reasons_row(const struct tr_models *m, int32_t region, const double *values, int n_reasons,
                    double *points, int32_t *codes);

/* Every row of rows: points [rows->n x n_used], codes [rows->n x n_reasons]. */
void tr_reasons_score(const struct tr_models *m, const struct tr_model_rows *rows, int n_reasons,
                      double *points, int32_t *codes);

/* A feature's one-line description from the feature lists ("" for a name telrisk does not
 * compute). */
const char *tr_feature_description(const char *name);

/* The plain-language text of a code: "<feature> (<description>): higher than for the
 * best-scoring subscribers". */
void tr_reason_text(const struct tr_models *m, int32_t code, char *out, size_t cap);

/* What would raise a subscriber's score: for a used feature, the nearest bin (in value order,
 * missing bins not counted) with more points than its own bin under its own model. */
struct tr_suggestion {
    int u;       /* used feature */
    int bin;     /* the bin to move into */
    double gain; /* points gained */
};

/* Up to max suggestions, one per feature, by gain (ties: the lower feature column). */
int tr_reasons_suggest(const struct tr_models *m, int32_t region, const double *values,
                       struct tr_suggestion *out, int max);

#endif
