#include "model/walk.h"

#include "core/error.h"
#include "core/exact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One row's sums while the subscribers are walked. */
struct walk_sums {
    tr_exact final_a, model_a, final_b, model_b;
    tr_exact mixed;    /* S1's numerator: A's PD for stayers, A's model on B's rows else */
    tr_exact a_model;  /* S2's numerator: A's model on B's rows */
    tr_exact *feature; /* [n_used + 1] */
    int64_t before, after, stayers;
};

/* The rows a subscriber of region r counts in: its region's (when known), then all regions. */
static int rows_of(int32_t region, int n_regions, int out[2])
{
    int k = 0;
    if (region >= 0 && region < n_regions) out[k++] = region;
    out[k++] = n_regions;
    return k;
}

/* A subscriber's final PD: the file's calibrated one, its model PD where that is NaN. */
static double final_of(const struct tr_walk_run *r, size_t i)
{
    return isnan(r->pd_final[i]) ? r->pd[i] : r->pd_final[i];
}

static void add_before(struct walk_sums *sums, int n_regions, const struct tr_walk_run *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (isnan(a->pd[i])) continue;
        int at[2];
        for (int k = rows_of(a->region[i], n_regions, at); k-- > 0;) {
            tr_exact_add(&sums[at[k]].model_a, a->pd[i]);
            tr_exact_add(&sums[at[k]].final_a, final_of(a, i));
            sums[at[k]].before++;
        }
    }
}

/* A stayer's move of PD (q - p: A's model on B's behaviour against A's PD) split over the used
 * features by their shares of the move of log-odds; delta[n_used + 1]. */
static void split_move(const struct tr_models *m, int32_t region, const double *xa,
                       const double *xb, double move, double *delta)
{
    const struct tr_model *model = tr_model_for(m, region);
    double eta = 0;
    for (int u = 0; u < m->n_used; u++) {
        const int j = m->used[u];
        delta[u] = model->fit.beta[u + 1] *
                   (tr_model_transform(m, j, xb[j]) - tr_model_transform(m, j, xa[j]));
        eta += delta[u];
    }
    delta[m->n_used] = 0;
    if (eta == 0) { /* no move of log-odds: whatever moved is not the features' */
        memset(delta, 0, sizeof(double) * (size_t)m->n_used);
        delta[m->n_used] = move;
        return;
    }
    for (int u = 0; u < m->n_used; u++)
        delta[u] = move * (delta[u] / eta);
}

/* The subscriber of key `key` in a at or after *i (both in key order), or SIZE_MAX. */
static size_t match(const struct tr_walk_run *a, size_t *i, uint64_t key)
{
    while (*i < a->n && a->key[*i] < key)
        (*i)++;
    return *i < a->n && a->key[*i] == key ? *i : SIZE_MAX;
}

static void add_after(struct walk_sums *sums, const struct tr_models *m,
                      const struct tr_walk_run *a, const struct tr_walk_run *b, double *delta)
{
    const size_t F = (size_t)m->n_features;
    size_t cursor = 0;
    for (size_t j = 0; j < b->n; j++) {
        if (isnan(b->pd[j])) continue;
        const size_t i = match(a, &cursor, b->key[j]);
        const int stayer = i != SIZE_MAX && !isnan(a->pd[i]) && a->region[i] == b->region[j];
        const double q = tr_model_pd(m, tr_model_for(m, b->region[j]), b->values + j * F);
        if (stayer)
            split_move(m, b->region[j], a->values + i * F, b->values + j * F, q - a->pd[i], delta);
        int at[2];
        for (int k = rows_of(b->region[j], m->n_regions, at); k-- > 0;) {
            struct walk_sums *s = &sums[at[k]];
            tr_exact_add(&s->model_b, b->pd[j]);
            tr_exact_add(&s->final_b, final_of(b, j));
            tr_exact_add(&s->a_model, q);
            tr_exact_add(&s->mixed, stayer ? a->pd[i] : q);
            s->after++;
            if (!stayer) continue;
            s->stayers++;
            for (int u = 0; u <= m->n_used; u++)
                tr_exact_add(&s->feature[u], delta[u]);
        }
    }
}

static double mean_of(const tr_exact *sum, int64_t n)
{
    return n > 0 ? tr_exact_value(sum) / (double)n : NAN;
}

static void finish_row(const struct walk_sums *s, int n_used, struct tr_walk_row *row)
{
    row->before = s->before, row->after = s->after, row->stayers = s->stayers;
    const double s0 = mean_of(&s->model_a, s->before), f_a = mean_of(&s->final_a, s->before);
    const double s1 = mean_of(&s->mixed, s->after), s2 = mean_of(&s->a_model, s->after);
    const double s3 = mean_of(&s->model_b, s->after), f_b = mean_of(&s->final_b, s->after);
    row->mean_before = f_a, row->mean_after = f_b;
    row->model_before = s0, row->model_after = s3;
    row->part[TR_WALK_MIX] = s1 - s0;
    row->part[TR_WALK_BEHAVIOUR] = s2 - s1;
    row->part[TR_WALK_MODEL] = s3 - s2;
    row->part[TR_WALK_OVERLAY] = (f_b - s3) - (f_a - s0);
    row->feature = TR_MALLOC(sizeof(double) * ((size_t)n_used + 1));
    for (int u = 0; u <= n_used; u++)
        row->feature[u] = mean_of(&s->feature[u], s->after);
}

/* Scored subscribers of no known region: in all regions' row, in no region's. */
static int64_t unknown(const struct tr_walk_run *r, int n_regions)
{
    int64_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !isnan(r->pd[i]) && (r->region[i] < 0 || r->region[i] >= n_regions);
    return n;
}

void tr_walk_compute(const struct tr_models *ma, const struct tr_walk_run *a,
                     const struct tr_walk_run *b, struct tr_walk *w)
{
    const int rows = ma->n_regions + 1;
    struct walk_sums *sums = TR_CALLOC((size_t)rows, sizeof *sums);
    for (int r = 0; r < rows; r++)
        sums[r].feature = TR_CALLOC((size_t)ma->n_used + 1, sizeof(tr_exact));
    double *delta = TR_MALLOC(sizeof(double) * ((size_t)ma->n_used + 1));
    add_before(sums, ma->n_regions, a);
    add_after(sums, ma, a, b, delta);
    *w = (struct tr_walk){.n_regions = ma->n_regions,
                          .n_used = ma->n_used,
                          .unknown_before = unknown(a, ma->n_regions),
                          .unknown_after = unknown(b, ma->n_regions)};
    w->rows = TR_CALLOC((size_t)rows, sizeof *w->rows);
    for (int r = 0; r < rows; r++) {
        w->rows[r].region = r < ma->n_regions ? r : -2;
        finish_row(&sums[r], ma->n_used, &w->rows[r]);
        free(sums[r].feature);
    }
    free(delta);
    free(sums);
}

void tr_walk_free(struct tr_walk *w)
{
    for (int r = 0; w->rows && r <= w->n_regions; r++)
        free(w->rows[r].feature);
    free(w->rows);
    memset(w, 0, sizeof *w);
}
