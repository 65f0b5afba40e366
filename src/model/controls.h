/* The modeller's control over each feature (docs/models.md, "Modeller control"): whether it may
 * enter the models (model.include, model.exclude), its binning trend (model.trend), manual bin
 * edges (model.bins) and special values with bins of their own (model.special). Read from the
 * config's text (config/feature_lists.h) against the features that exist: a name that is none of
 * them is refused, naming the nearest. The same in telrisk run and telrisk train. */
#ifndef TELRISK_MODEL_CONTROLS_H
#define TELRISK_MODEL_CONTROLS_H

#include "config/config.h"
#include "model/binning.h"

#include <stddef.h>

#define TR_CONTROL_WHY_MAX 32

struct tr_feature_control {
    int candidate;                /* may enter the models */
    char why[TR_CONTROL_WHY_MAX]; /* when not: "in model.exclude" or "not in model.include" */
    int trend;                    /* TR_TREND_* (model/binning.h) */
    int n_edges;                  /* model.bins: 0 quantile pre-bins, merged */
    double edges[TR_MAX_PREBINS - 1];
    int n_special; /* model.special */
    double special[TR_MAX_SPECIAL];
};

/* Every feature's control, out[0..n) for names[0..n). 0, or 1 (a config error: exit 1) with err
 * naming the key, the unknown name and the nearest feature, or the conflict (a feature both
 * included and excluded; manual edges with a trend of its own). */
int tr_model_controls(const struct tr_config *cfg, const char *const *names, int n,
                      struct tr_feature_control *out, char *err, size_t errlen);

/* The trend word of TR_TREND_* ("auto", ...). */
const char *tr_trend_word(int trend);

#endif
