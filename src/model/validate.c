#include "model/validate.h"

#include "core/error.h"
#include "features/labels.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One gathered row. */
struct vrow {
    double pd, pd_national, y;
    int32_t region;
    int32_t sample;
};

struct ranked {
    double p;
    size_t at;
};

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->p != b->p) return a->p < b->p ? -1 : 1;
    return a->at < b->at ? -1 : a->at > b->at;
}

void tr_calibration(const double *p, const double *y, size_t n, struct tr_calibration *c)
{
    memset(c, 0, sizeof *c);
    c->hl_stat = c->hl_p = NAN;
    if (n < TR_CAL_GROUPS) return;
    c->groups = TR_CAL_GROUPS;
    struct ranked *r = TR_MALLOC(sizeof *r * n);
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ranked){p[i], i};
    qsort(r, n, sizeof *r, cmp_ranked);
    double sum_p[TR_CAL_GROUPS] = {0};
    for (size_t k = 0; k < n; k++) {
        const int g = (int)((k * TR_CAL_GROUPS) / n);
        c->n[g]++;
        c->defaults[g] += y[r[k].at] > 0.5;
        sum_p[g] += r[k].p;
    }
    c->hl_stat = 0;
    for (int g = 0; g < TR_CAL_GROUPS; g++) {
        const double ng = (double)c->n[g], expected = sum_p[g];
        c->mean_pd[g] = sum_p[g] / ng;
        c->default_rate[g] = (double)c->defaults[g] / ng;
        const double var = expected * (1 - expected / ng);
        if (var > 0)
            c->hl_stat +=
                ((double)c->defaults[g] - expected) * ((double)c->defaults[g] - expected) / var;
    }
    c->hl_p = gsl_cdf_chisq_Q(c->hl_stat, TR_CAL_GROUPS - 2);
    free(r);
}

/* Metrics and calibration of the rows that `keep` selects, with their own or the national PD. */
static void cell(const struct vrow *rows, size_t n, int region, int sample, int national,
                 struct tr_validation_cell *out)
{
    double *p = TR_MALLOC(sizeof(double) * (n + 1)), *y = TR_MALLOC(sizeof(double) * (n + 1));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].sample != sample || (region >= 0 && rows[i].region != region)) continue;
        p[k] = national ? rows[i].pd_national : rows[i].pd;
        y[k++] = rows[i].y;
    }
    memset(out, 0, sizeof *out);
    tr_metrics(p, y, k, &out->m);
    tr_calibration(p, y, k, &out->cal);
    free(y);
    free(p);
}

static struct vrow *gather(const struct tr_ctx *ctx, const struct tr_validation_rows *r,
                           size_t *n_all)
{
    size_t mine = 0;
    struct vrow *local = TR_MALLOC(sizeof *local * (r->n + 1));
    for (size_t i = 0; i < r->n; i++) {
        if (r->label[i] < 0 || r->sample[i] == TR_TRAINING) continue;
        local[mine++] =
            (struct vrow){r->pd[i], r->pd_national[i], r->label[i] > 0, r->region[i], r->sample[i]};
    }
    int bytes = (int)(mine * sizeof *local), *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size),
        *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
    size_t total = 0;
    if (ctx->rank == 0)
        for (int k = 0; k < ctx->size; k++)
            displs[k] = (int)total, total += (size_t)counts[k];
    struct vrow *all = TR_MALLOC(total + sizeof *all);
    MPI_CHECK(MPI_Gatherv(local, bytes, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, ctx->comm));
    free(displs);
    free(counts);
    free(local);
    *n_all = total / sizeof *all;
    return all;
}

const char *const tr_zone_names[3] = {"green", "yellow", "red"};

static int zone_of(double p)
{
    return p > 0.05 ? 0 : p > 0.0001 ? 1 : 2;
}

/* P(X >= k) for X ~ Binomial(n, p). */
static double at_least(int64_t k, int64_t n, double p)
{
    if (k <= 0) return 1;
    return gsl_cdf_binomial_Q((unsigned)(k - 1), p, (unsigned)n);
}

/* Hold-out rows by region and grade, on rank 0 (the rows are in key order there). */
static void backtest(const struct vrow *rows, size_t n, int n_regions,
                     const struct tr_scorecard *card, struct tr_validation *v)
{
    const int G = card->n_grades + 1;
    double *sum = TR_CALLOC((size_t)(n_regions + 1) * (size_t)G * 2 + 1, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        if (rows[i].sample != TR_HOLDOUT) continue;
        const int grade = tr_grade(card, rows[i].pd);
        const int regions[2] = {
            -1, rows[i].region >= 0 && rows[i].region < n_regions ? rows[i].region : -2};
        for (int a = 0; a < 2; a++) {
            if (regions[a] == -2) continue;
            for (int g = 0; g < 2; g++) {
                const size_t at = (size_t)(regions[a] + 1) * (size_t)G + (size_t)(g ? grade : 0);
                struct tr_backtest_cell *c = &v->backtest[at];
                c->n++, c->defaults += rows[i].y > 0.5;
                sum[2 * at] += rows[i].pd, sum[2 * at + 1] += rows[i].pd_national;
            }
        }
    }
    for (size_t at = 0; at < (size_t)(n_regions + 1) * (size_t)G; at++) {
        struct tr_backtest_cell *c = &v->backtest[at];
        if (c->n == 0) {
            c->zone = c->national_zone = -1;
            c->mean_pd = c->default_rate = c->p_value = c->national_mean_pd = c->national_p_value =
                NAN;
            continue;
        }
        c->mean_pd = sum[2 * at] / (double)c->n;
        c->national_mean_pd = sum[2 * at + 1] / (double)c->n;
        c->default_rate = (double)c->defaults / (double)c->n;
        c->p_value = at_least(c->defaults, c->n, c->mean_pd);
        c->national_p_value = at_least(c->defaults, c->n, c->national_mean_pd);
        c->zone = zone_of(c->p_value), c->national_zone = zone_of(c->national_p_value);
    }
    free(sum);
}

void tr_validate(const struct tr_ctx *ctx, const struct tr_validation_rows *rows, int n_regions,
                 const struct tr_scorecard *card, struct tr_validation *v)
{
    memset(v, 0, sizeof *v);
    v->n_regions = n_regions;
    v->region = TR_CALLOC((size_t)n_regions + 1, sizeof *v->region);
    v->region_national = TR_CALLOC((size_t)n_regions + 1, sizeof *v->region_national);
    v->n_grades = card ? card->n_grades : 0;
    const size_t cells = (size_t)(n_regions + 1) * (size_t)(v->n_grades + 1);
    v->backtest = TR_CALLOC(cells + 1, sizeof *v->backtest);
    size_t n;
    struct vrow *all = gather(ctx, rows, &n);
    if (ctx->rank == 0 && card) backtest(all, n, n_regions, card, v);
    if (ctx->rank == 0) {
        cell(all, n, -1, TR_HOLDOUT, 0, &v->assigned);
        cell(all, n, -1, TR_HOLDOUT, 1, &v->national);
        cell(all, n, -1, TR_OUT_OF_TIME, 0, &v->out_of_time);
        for (int g = 0; g < n_regions; g++) {
            cell(all, n, g, TR_HOLDOUT, 0, &v->region[g]);
            cell(all, n, g, TR_HOLDOUT, 1, &v->region_national[g]);
        }
    }
    free(all);
    /* Plain numbers only: the ranks of one job share a machine type, so bytes will do. */
    MPI_CHECK(MPI_Bcast(&v->assigned, sizeof v->assigned, MPI_BYTE, 0, ctx->comm));
    MPI_CHECK(MPI_Bcast(&v->national, sizeof v->national, MPI_BYTE, 0, ctx->comm));
    MPI_CHECK(MPI_Bcast(&v->out_of_time, sizeof v->out_of_time, MPI_BYTE, 0, ctx->comm));
    MPI_CHECK(
        MPI_Bcast(v->region, (int)(sizeof *v->region * (size_t)n_regions), MPI_BYTE, 0, ctx->comm));
    MPI_CHECK(MPI_Bcast(v->region_national, (int)(sizeof *v->region * (size_t)n_regions), MPI_BYTE,
                        0, ctx->comm));
    MPI_CHECK(MPI_Bcast(v->backtest, (int)(sizeof *v->backtest * cells), MPI_BYTE, 0, ctx->comm));
}

void tr_validation_free(struct tr_validation *v)
{
    free(v->region);
    free(v->region_national);
    free(v->backtest);
    memset(v, 0, sizeof *v);
}
