#include "model/reasons.h"

#include "core/error.h"
#include "features/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points per unit of -logit: the scorecard's pdo / ln 2. */
static double factor_of(const struct tr_models *m)
{
    return m->card.pdo / log(2.0);
}

int tr_reasons_available(const struct tr_models *m)
{
    return m->transform == TR_TRANSFORM_WOE;
}

double tr_points_base(const struct tr_models *m, const struct tr_model *model)
{
    return m->card.base_points - factor_of(m) * (log(m->card.base_odds) + model->fit.beta[0]);
}

double tr_points_of_bin(const struct tr_models *m, const struct tr_model *model, int u, int bin)
{
    return -factor_of(m) * model->fit.beta[u + 1] * m->bins[m->used[u]].woe[bin];
}

int tr_points_best_bin(const struct tr_models *m, const struct tr_model *model, int u)
{
    const struct tr_bins *b = &m->bins[m->used[u]];
    int best = -1;
    double most = -INFINITY;
    for (int k = 0; k < tr_bins_count(b); k++) { /* numeric, missing and special bins */
        const double p = tr_points_of_bin(m, model, u, k);
        if (b->count[k] > 0 && p > most) best = k, most = p;
    }
    return best >= 0 ? best : 0; /* a used feature has training rows: never reached */
}

enum tr_reason_dir tr_reason_direction(const struct tr_bins *b, int bin, int best)
{
    /* a special value (model.special) is told as the missing bin is: a value of its own kind */
    if (bin >= b->n_numeric) return TR_REASON_MISSING;
    if (best >= b->n_numeric) return TR_REASON_PRESENT;
    return bin > best ? TR_REASON_HIGH : TR_REASON_LOW;
}

/* Inserts (lost, code) into the top list lost_top/codes of n_reasons, kept by decreasing points
 * lost; a later feature (a higher column) goes after an equal one, so ties keep column order. */
static void keep_top(double lost, int32_t code, int n_reasons, double *lost_top, int32_t *codes)
{
    int at = n_reasons;
    while (at > 0 && (codes[at - 1] == TR_REASON_NONE || lost_top[at - 1] < lost))
        at--;
    if (at >= n_reasons) return;
    for (int k = n_reasons - 1; k > at; k--)
        lost_top[k] = lost_top[k - 1], codes[k] = codes[k - 1];
    lost_top[at] = lost, codes[at] = code;
}

/* The used features in column order (m->used is by decreasing IV), for the tie-break. */
static void column_order(const struct tr_models *m, int *order)
{
    for (int u = 0; u < m->n_used; u++) {
        int at = u;
        while (at > 0 && m->used[order[at - 1]] > m->used[u]) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = u;
    }
}

static void row_in_order(const struct tr_models *m, const int *order, int32_t region,
                         const double *values, int n_reasons, double *points, int32_t *codes)
{
    const struct tr_model *model = tr_model_for(m, region);
    double lost_top[TR_MAX_REASONS];
    for (int k = 0; k < n_reasons; k++)
        codes[k] = TR_REASON_NONE, lost_top[k] = 0;
    for (int o = 0; o < m->n_used; o++) {
        const int u = order[o], j = m->used[u];
        const struct tr_bins *b = &m->bins[j];
        const int bin = tr_bin_of(b, values[j]), best = tr_points_best_bin(m, model, u);
        points[u] = tr_points_of_bin(m, model, u, bin);
        const double lost = tr_points_of_bin(m, model, u, best) - points[u];
        if (lost > 0)
            keep_top(lost, j * TR_REASON_DIRS + (int32_t)tr_reason_direction(b, bin, best),
                     n_reasons, lost_top, codes);
    }
}

void tr_reasons_row(const struct tr_models *m, int32_t region, const double *values, int n_reasons,
                    double *points, int32_t *codes)
{
    int *order = TR_MALLOC(sizeof *order * ((size_t)m->n_used + 1));
    column_order(m, order);
    row_in_order(m, order, region, values, n_reasons, points, codes);
    free(order);
}

void tr_reasons_score(const struct tr_models *m, const struct tr_model_rows *rows, int n_reasons,
                      double *points, int32_t *codes)
{
    int *order = TR_MALLOC(sizeof *order * ((size_t)m->n_used + 1));
    column_order(m, order);
    for (size_t i = 0; i < rows->n; i++)
        row_in_order(m, order, rows->region[i], rows->values + i * (size_t)rows->n_features,
                     n_reasons, points + i * (size_t)m->n_used, codes + i * (size_t)n_reasons);
    free(order);
}

const char *tr_feature_description(const char *name)
{
    /* Every feature telrisk can write: the full set with recharges, and the basic set. */
    const struct tr_feature_options sets[2] = {{.full = 1, .has_recharges = 1}, {.basic = 1}};
    for (int s = 0; s < 2; s++) {
        int n = 0;
        const struct tr_feature_info *info = tr_feature_list(&sets[s], &n);
        for (int j = 0; j < n; j++)
            if (strcmp(info[j].name, name) == 0) return info[j].description;
    }
    return "";
}

void tr_reason_text(const struct tr_models *m, int32_t code, char *out, size_t cap)
{
    static const char *const words[TR_REASON_DIRS] = {
        "higher than for the best-scoring subscribers",
        "lower than for the best-scoring subscribers",
        "not known (undefined) or one of its special values, where another value scores better",
        "an ordinary value, where subscribers with it undefined or special score better"};
    const int j = code / TR_REASON_DIRS, dir = code % TR_REASON_DIRS;
    const char *description = tr_feature_description(m->names[j]);
    const int has = description && description[0];
    snprintf(out, cap, "%s%s%s%s: %s", m->names[j], has ? " (" : "", has ? description : "",
             has ? ")" : "", words[dir]);
}

/* The nearest numeric bin to `bin` with more points than `have` (ties in distance: the lower
 * bin); from a missing value, the numeric bin of most points. Only bins with training rows. -1
 * when none. */
static int nearest_better(const struct tr_models *m, const struct tr_model *model, int u, int bin,
                          double have)
{
    const struct tr_bins *b = &m->bins[m->used[u]];
    int found = -1;
    if (bin >= b->n_numeric) { /* missing or special: the numeric bin of most points */
        for (int k = 0; k < b->n_numeric; k++)
            if (b->count[k] > 0 && tr_points_of_bin(m, model, u, k) > have &&
                (found < 0 ||
                 tr_points_of_bin(m, model, u, k) > tr_points_of_bin(m, model, u, found)))
                found = k;
        return found;
    }
    for (int d = 1; d < b->n_numeric; d++) {
        const int cand[2] = {bin - d, bin + d};
        for (int c = 0; c < 2; c++)
            if (cand[c] >= 0 && cand[c] < b->n_numeric && b->count[cand[c]] > 0 &&
                tr_points_of_bin(m, model, u, cand[c]) > have)
                return cand[c];
    }
    return -1;
}

/* Adds s to the list out[*n] (at most max), kept by decreasing gain; an equal gain goes after. */
static void keep_suggestion(struct tr_suggestion s, struct tr_suggestion *out, int *n, int max)
{
    int at = *n;
    if (*n == max) {
        if (max == 0 || out[max - 1].gain >= s.gain) return;
        at = max - 1;
    } else {
        (*n)++;
    }
    while (at > 0 && out[at - 1].gain < s.gain) {
        out[at] = out[at - 1];
        at--;
    }
    out[at] = s;
}

int tr_reasons_suggest(const struct tr_models *m, int32_t region, const double *values,
                       struct tr_suggestion *out, int max)
{
    const struct tr_model *model = tr_model_for(m, region);
    int *order = TR_MALLOC(sizeof *order * ((size_t)m->n_used + 1)), n = 0;
    column_order(m, order);
    for (int o = 0; o < m->n_used; o++) {
        const int u = order[o], bin = tr_bin_of(&m->bins[m->used[u]], values[m->used[u]]);
        const double have = tr_points_of_bin(m, model, u, bin);
        const int to = nearest_better(m, model, u, bin, have);
        if (to >= 0)
            keep_suggestion((struct tr_suggestion){u, to, tr_points_of_bin(m, model, u, to) - have},
                            out, &n, max);
    }
    free(order);
    return n;
}
