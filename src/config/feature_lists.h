/* The grammar of the per-feature model keys (docs/models.md, "Modeller control"), parsed in one
 * place: the config checks the syntax when it is loaded (exit 1 naming the key), and the model
 * layer, which knows the features, reads the same items and checks the names.
 *   model.include = a, b                 names, comma-separated
 *   model.exclude = c
 *   model.trend   = auto, d:descending   a bare word for every feature, name:word for one
 *   model.bins    = e:10|20|50           increasing finite edges, '|'-separated
 *   model.special = f:-1|0               distinct finite values, '|'-separated
 * Blanks around items, names and numbers are ignored. */
#ifndef TELRISK_CONFIG_FEATURE_LISTS_H
#define TELRISK_CONFIG_FEATURE_LISTS_H

#include "config/config.h"

#include <stddef.h>

#define TR_LIST_NAME_MAX    96 /* a feature's name, with its NUL */
#define TR_LIST_MAX_EDGES   63 /* model.bins: edges per feature (model.prebins at most 64) */
#define TR_LIST_MAX_SPECIAL 8  /* model.special: values per feature */

/* Called for each item; name is "" for a bare item (no ':'). 0 to go on, 1 to stop with err. */
typedef int (*tr_list_fn)(void *user, const char *name, const char *value, char *err,
                          size_t errlen);

/* Splits key's text at commas and each item at its first ':'. 0, or 1 with err naming the key
 * (an empty item, an empty name or value, a name too long) or what fn said. */
int tr_config_list_each(const char *key, const char *text, tr_list_fn fn, void *user, char *err,
                        size_t errlen);

/* "10|20|50" into out[0..*n): finite numbers, at most max. 0, or 1 with err. increasing: each
 * above the one before; else distinct. */
int tr_config_list_numbers(const char *text, double *out, int max, int *n, int increasing,
                           char *err, size_t errlen);

/* A trend word: -1 descending, 0 auto, 1 ascending, 2 none; -9 when it is none of them. */
int tr_config_trend_word(const char *word);

/* The syntax of model.include, exclude, trend, bins and special. 0, or 1 with err. */
int tr_config_feature_lists_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX]);

/* Of names[0..n), the nearest to name by edit distance (for "did you mean"). */
const char *tr_config_nearest_name(const char *name, const char *const *names, int n);

#endif
