/* The PD walk (model/walk.h) shown to people: a table for the terminal (telrisk walk) and CSV
 * files for the report, with small cells suppressed. */
#ifndef TELRISK_PRESENT_WALK_H
#define TELRISK_PRESENT_WALK_H

#include "model/walk.h"

#include <stdint.h>
#include <stdio.h>

/* What the walk's rows are called. */
struct tr_walk_names {
    const char *const *regions;  /* [n_regions] */
    const char *const *features; /* [n_used]: the used features of the model walked under */
    const char *before, *after;  /* the two run files */
};

/* Each row's suppression state (output/suppress.h), [n_regions + 1]: a row hides when its
 * subscribers before or after, or those who stayed, came or left, are 1 to k_min - 1, or when
 * another row (or the unknown region, counted in all and shown nowhere) would follow from the
 * total. */
void tr_walk_suppression(const struct tr_walk *w, int64_t k_min, int8_t *state);

/* The table: one row per region then all, the change of mean PD in percentage points and its
 * four parts, and the `top` behaviour features of each row by size. */
void tr_walk_print(FILE *out, const struct tr_walk *w, const struct tr_walk_names *names,
                   const int8_t *state, int top);

/* dir/walk.csv (one row per region, then all) and dir/walk_features.csv (each published row's
 * behaviour per feature, largest first), at full precision. 0, or -1 with errno set. */
int tr_walk_write_csv(const char *dir, const struct tr_walk *w, const struct tr_walk_names *names,
                      const int8_t *state);

#endif
