/* The models' population per region when they were trained: the reference of the drift per
 * region (crosscheck/drift.h). For each region, and last for the unknown region, a line of
 * cells: its subscribers, then its subscribers per score band, per grade and per bin of each used
 * feature (tr_bins_count of each, in the used features' order). telrisk score --model counts
 * today's rows into the same cells. Stored as /models/region_reference, small cells suppressed
 * (-1). */
#ifndef TELRISK_MODEL_REFERENCE_H
#define TELRISK_MODEL_REFERENCE_H

#include "model/train.h"

#include <stddef.h>
#include <stdint.h>

/* Cells per region. */
int tr_reference_width(const struct tr_models *m);

/* Where each part of a region's line starts: [0] the total, [1] the score bands, [2] the grades,
 * [3 + u] used feature u's bins; [3 + n_used] the width. start[4 + n_used]. */
void tr_reference_starts(const struct tr_models *m, int *start);

/* Adds n rows (values [n x m->n_features] in the models' column order) to counts
 * [(m->n_regions + 1) x width]; a row of no known region counts in the last line. Not collective:
 * the caller sums over ranks. */
void tr_reference_add(const struct tr_models *m, size_t n, const int32_t *region,
                      const double *values, const double *score, const int8_t *grade,
                      int64_t *counts);

#endif
