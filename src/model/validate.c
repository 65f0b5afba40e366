#include "model/validate.h"

#include "core/error.h"
#include "features/labels.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
static void cell(const struct tr_validation_row *rows, size_t n, int region, int sample,
                 int national, struct tr_validation_cell *out)
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

struct tr_validation_row *tr_validation_gather(const struct tr_ctx *ctx,
                                               const struct tr_validation_rows *r, size_t *n_all)
{
    size_t mine = 0;
    struct tr_validation_row *local = TR_MALLOC(sizeof *local * (r->n + 1));
    for (size_t i = 0; i < r->n; i++) {
        if (r->label[i] < 0 || r->sample[i] == TR_TRAINING) continue;
        local[mine++] = (struct tr_validation_row){.pd = r->pd[i],
                                                   .pd_national = r->pd_national[i],
                                                   .y = r->label[i] > 0,
                                                   .region = r->region[i],
                                                   .sample = r->sample[i]};
    }
    int bytes = (int)(mine * sizeof *local), *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size),
        *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
    size_t total = 0;
    if (ctx->rank == 0)
        for (int k = 0; k < ctx->size; k++)
            displs[k] = (int)total, total += (size_t)counts[k];
    struct tr_validation_row *all = TR_MALLOC(total + sizeof *all);
    MPI_CHECK(MPI_Gatherv(local, bytes, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, ctx->comm));
    free(displs);
    free(counts);
    free(local);
    *n_all = total / sizeof *all;
    return all;
}

void tr_validate(const struct tr_ctx *ctx, const struct tr_validation_rows *rows, int n_regions,
                 struct tr_validation *v)
{
    memset(v, 0, sizeof *v);
    v->n_regions = n_regions;
    v->region = TR_CALLOC((size_t)n_regions + 1, sizeof *v->region);
    v->region_national = TR_CALLOC((size_t)n_regions + 1, sizeof *v->region_national);
    size_t n;
    struct tr_validation_row *all = tr_validation_gather(ctx, rows, &n);
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
}

void tr_validation_free(struct tr_validation *v)
{
    free(v->region);
    free(v->region_national);
    memset(v, 0, sizeof *v);
}
