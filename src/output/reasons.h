/* The reasons behind every score in the run file (model/reasons.h has the rule): each model's
 * points table (/models/<model>/points), the code table (/models/reason_codes), each scored
 * subscriber's points and reason codes (/subscribers/points, /subscribers/reasons), and one
 * subscriber's row read back for telrisk explain. */
#ifndef TELRISK_OUTPUT_REASONS_H
#define TELRISK_OUTPUT_REASONS_H

#include "output/runfile.h"

#include <hdf5.h>
#include <stdint.h>

struct tr_models;
struct tr_model;

/* Collective writers (every rank the same calls; rank 0 the small tables' rows). */
void tr_rf_write_points(const struct tr_ctx *ctx, hid_t model_group, const struct tr_models *m,
                        const struct tr_model *model);
void tr_rf_write_reason_codes(const struct tr_ctx *ctx, hid_t models, const struct tr_models *m);
void tr_rf_write_reason_rows(const struct tr_ctx *ctx, hid_t subscribers,
                             const struct tr_rf_scores *sc, uint64_t first, uint64_t total);

/* One subscriber of a run file, as telrisk explain shows it. */
struct tr_rf_explained {
    uint64_t row;
    int32_t region;
    char region_name[96];
    double pd, score;
    int8_t grade;
    int n_features;
    char **names;   /* [n_features]: /subscribers/features' columns */
    double *values; /* [n_features] */
    int n_points;   /* the models' used features */
    double *points; /* [n_points] */
    int n_reasons;
    int32_t *reasons; /* [n_reasons] */
};

/* Independent (any one process, the file opened read-only here): the row of `key` in path. 0; 1
 * when the file has no such key; 2 when the file cannot say (not readable, no scores or no
 * reasons; the reason in err). */
int tr_rf_read_explained(const char *path, uint64_t key, struct tr_rf_explained *e, char *err,
                         size_t errlen);

/* Independent: the run's seed (root attribute seed), which keys its subscriber ids. 0, or 2 with
 * the reason in err. */
int tr_rf_read_seed(const char *path, uint64_t *seed, char *err, size_t errlen);
void tr_rf_explained_free(struct tr_rf_explained *e);

/* Independent: the run's /subscribers/key (strictly increasing), *n of them, to free. 0, or 2
 * with the reason in err. */
int tr_rf_read_keys(const char *path, uint64_t **keys, size_t *n, char *err, size_t errlen);

#endif
