#include "model/reference.h"

#include "core/error.h"

#include <stdlib.h>

void tr_reference_starts(const struct tr_models *m, int *start)
{
    start[0] = 0;
    start[1] = 1;
    start[2] = start[1] + m->score_bands.n_numeric;
    start[3] = start[2] + m->card.n_grades;
    for (int u = 0; u < m->n_used; u++)
        start[4 + u] = start[3 + u] + tr_bins_count(&m->bins[m->used[u]]);
}

static int *starts_of(const struct tr_models *m)
{
    int *start = TR_MALLOC(sizeof(int) * ((size_t)m->n_used + 4));
    tr_reference_starts(m, start);
    return start;
}

int tr_reference_width(const struct tr_models *m)
{
    int *start = starts_of(m);
    const int width = start[3 + m->n_used];
    free(start);
    return width;
}

void tr_reference_add(const struct tr_models *m, size_t n, const int32_t *region,
                      const double *values, const double *score, const int8_t *grade,
                      int64_t *counts)
{
    int *start = starts_of(m);
    const size_t width = (size_t)start[3 + m->n_used];
    for (size_t i = 0; i < n; i++) {
        const int32_t r = region[i] >= 0 && region[i] < m->n_regions ? region[i] : m->n_regions;
        int64_t *line = counts + (size_t)r * width;
        line[0]++;
        line[start[1] + tr_bin_of(&m->score_bands, score[i])]++;
        if (grade[i] >= 1 && grade[i] <= m->card.n_grades) line[start[2] + grade[i] - 1]++;
        const double *x = values + i * (size_t)m->n_features;
        for (int u = 0; u < m->n_used; u++)
            line[start[3 + u] + tr_bin_of(&m->bins[m->used[u]], x[m->used[u]])]++;
    }
    free(start);
}
