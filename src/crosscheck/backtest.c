#include "crosscheck/backtest.h"

#include "core/error.h"
#include "features/labels.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The Jeffreys test's p-value: the posterior probability, from the Jeffreys prior Beta(1/2, 1/2)
 * and k defaults among n, that the default rate is below pd. */
static double jeffreys(int64_t k, int64_t n, double pd)
{
    return gsl_cdf_beta_P(pd, (double)k + 0.5, (double)(n - k) + 0.5);
}

/* Hold-out rows by region and grade, on rank 0 (the rows are in key order there). */
static void backtest(const struct tr_validation_row *rows, size_t n, int n_regions,
                     const struct tr_scorecard *card, struct tr_backtest *v)
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
                struct tr_backtest_cell *c = &v->cell[at];
                c->n++, c->defaults += rows[i].y > 0.5;
                sum[2 * at] += rows[i].pd, sum[2 * at + 1] += rows[i].pd_national;
            }
        }
    }
    for (size_t at = 0; at < (size_t)(n_regions + 1) * (size_t)G; at++) {
        struct tr_backtest_cell *c = &v->cell[at];
        if (c->n == 0) {
            c->zone = c->national_zone = -1;
            c->mean_pd = c->default_rate = c->p_value = c->jeffreys_p = NAN;
            c->national_mean_pd = c->national_p_value = c->national_jeffreys_p = NAN;
            continue;
        }
        c->mean_pd = sum[2 * at] / (double)c->n;
        c->national_mean_pd = sum[2 * at + 1] / (double)c->n;
        c->default_rate = (double)c->defaults / (double)c->n;
        c->p_value = at_least(c->defaults, c->n, c->mean_pd);
        c->national_p_value = at_least(c->defaults, c->n, c->national_mean_pd);
        c->jeffreys_p = jeffreys(c->defaults, c->n, c->mean_pd);
        c->national_jeffreys_p = jeffreys(c->defaults, c->n, c->national_mean_pd);
        c->zone = zone_of(c->p_value), c->national_zone = zone_of(c->national_p_value);
    }
    free(sum);
}

/* Collective: every scored row (a finite PD) of every rank by region (all first) and grade,
 * summed exactly (integers), then each region's concentration. */
static void concentration(const struct tr_ctx *ctx, const struct tr_validation_rows *rows,
                          const struct tr_scorecard *card, struct tr_backtest *bt)
{
    const int G = card->n_grades;
    const size_t cells = (size_t)(bt->n_regions + 1) * (size_t)G;
    int64_t *count = TR_CALLOC(cells + 1, sizeof *count);
    for (size_t i = 0; i < rows->n; i++) {
        if (!isfinite(rows->pd[i])) continue;
        const int g = tr_grade(card, rows->pd[i]) - 1, r = rows->region[i];
        count[g]++;
        if (r >= 0 && r < bt->n_regions) count[(size_t)(r + 1) * (size_t)G + (size_t)g]++;
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, count, (int)cells, MPI_INT64_T, MPI_SUM, ctx->comm));
    bt->concentration = TR_CALLOC((size_t)bt->n_regions + 2, sizeof *bt->concentration);
    for (int r = 0; r <= bt->n_regions; r++) {
        const int64_t *c = &count[(size_t)r * (size_t)G];
        struct tr_concentration *k = &bt->concentration[r];
        for (int g = 0; g < G; g++)
            k->subscribers += c[g];
        double hhi = 0;
        for (int g = 0; g < G; g++)
            hhi +=
                ((double)c[g] / (double)k->subscribers) * ((double)c[g] / (double)k->subscribers);
        k->hhi = k->subscribers ? hhi : NAN;
        k->hhi_normalised = k->subscribers && G > 1 ? 1 + log(hhi) / log((double)G) : NAN;
    }
    free(count);
}

void tr_backtest_run(const struct tr_ctx *ctx, const struct tr_validation_rows *rows, int n_regions,
                     const struct tr_scorecard *card, struct tr_backtest *bt)
{
    memset(bt, 0, sizeof *bt);
    bt->n_regions = n_regions;
    bt->n_grades = card->n_grades;
    const size_t cells = (size_t)(n_regions + 1) * (size_t)(bt->n_grades + 1);
    bt->cell = TR_CALLOC(cells + 1, sizeof *bt->cell);
    size_t n;
    struct tr_validation_row *all = tr_validation_gather(ctx, rows, &n);
    if (ctx->rank == 0) backtest(all, n, n_regions, card, bt);
    free(all);
    /* Plain numbers only: the ranks of one job share a machine type, so bytes will do. */
    MPI_CHECK(MPI_Bcast(bt->cell, (int)(sizeof *bt->cell * cells), MPI_BYTE, 0, ctx->comm));
    concentration(ctx, rows, card, bt);
}

void tr_backtest_credit(const struct tr_ctx *ctx, const struct tr_model_rows *rows,
                        const struct tr_credit *c, int n_regions, struct tr_backtest *bt)
{
    memset(bt, 0, sizeof *bt);
    if (!c->pd) return;
    const struct tr_validation_rows v = tr_validation_rows_of(rows, c->pd, c->pd_national);
    tr_backtest_run(ctx, &v, n_regions, &c->models.card, bt);
}

void tr_backtest_free(struct tr_backtest *bt)
{
    free(bt->cell);
    free(bt->concentration);
    memset(bt, 0, sizeof *bt);
}
