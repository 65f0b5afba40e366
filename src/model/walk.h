/* The PD walk: why a region's mean PD moved between two runs (last month's, A, and this month's,
 * B), in four parts that add up to the change:
 *
 *   mix        who is in the region: B's population with A's PDs where A had them (the same
 *              subscriber, same region), and A's model on B's behaviour for the others
 *              (newcomers, and people who moved in), against A's population
 *   behaviour  the people who stayed, A's model on their new behaviour against their old PD;
 *              split per feature of A's model by each feature's share of the change of the
 *              log-odds (the scorecard is additive in log-odds, not in PD)
 *   model      B's PDs (its own models, or the champion that scored it) against A's model on the
 *              same rows and behaviour
 *   overlay    what B adds on top of its model PDs (the calibration to the long-run average with
 *              its margins and floor: /subscribers/pd_calibrated) against what A added
 *
 * Total: B's mean final PD less A's. With S0 = A's mean model PD, S1 the mix step, S2 = A's
 * model over B's rows, S3 = B's mean model PD: mix = S1 - S0, behaviour = S2 - S1, model = S3 -
 * S2, overlay = (F_B - S3) - (F_A - S0), so the parts telescope to F_B - F_A (docs/models.md,
 * "The PD walk"). Sums are exact (core/exact.h). */
#ifndef TELRISK_MODEL_WALK_H
#define TELRISK_MODEL_WALK_H

#include "model/train.h"

#include <stddef.h>
#include <stdint.h>

/* One run's subscribers, all of them (not a rank's slice), in key order. */
struct tr_walk_run {
    size_t n;
    const uint64_t *key;    /* [n], increasing */
    const int32_t *region;  /* [n], -1 unknown */
    const double *values;   /* [n x the walk model's n_features], in that model's column order */
    const double *pd;       /* [n] the file's model PD; NaN: not scored (left out) */
    const double *pd_final; /* [n] /subscribers/pd_calibrated, or pd when the file has none */
};

enum tr_walk_part { TR_WALK_MIX, TR_WALK_BEHAVIOUR, TR_WALK_MODEL, TR_WALK_OVERLAY, TR_WALK_PARTS };

struct tr_walk_row {
    int region;                       /* -2: all regions (the unknown region among them) */
    int64_t before, after;            /* scored subscribers in A and in B */
    int64_t stayers;                  /* in both, in this region both times */
    double mean_before, mean_after;   /* mean final PD */
    double model_before, model_after; /* mean model PD */
    double part[TR_WALK_PARTS];
    double *feature; /* [n_used + 1]: behaviour per used feature of A's model, then the rest
                        (stayers whose PD moved with no move of log-odds: 0 normally) */
};

struct tr_walk {
    int n_regions, n_used;
    int64_t unknown_before, unknown_after; /* scored subscribers of no known region (in all) */
    struct tr_walk_row *rows;              /* [n_regions + 1]: each region, then all */
};

/* The walk from a to b under a's models `ma` (b->values in ma's column order). */
void tr_walk_compute(const struct tr_models *ma, const struct tr_walk_run *a,
                     const struct tr_walk_run *b, struct tr_walk *w);
void tr_walk_free(struct tr_walk *w);

#endif
