#include "model/calibration.h"

#include "core/error.h"
#include "core/exact.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

void tr_cohort_counts_of(const struct tr_ctx *ctx, const struct tr_ledger_settings *s,
                         const struct tr_ledger_table *t, struct tr_cohort_counts *out)
{
    memset(out, 0, sizeof *out);
    out->first_issue_day = INT64_MAX;
    for (size_t i = 0; i < t->n_loans; i++)
        if (t->loan[i].issued <= s->cut_day && t->loan[i].issued < out->first_issue_day)
            out->first_issue_day = t->loan[i].issued;
    MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, &out->first_issue_day, 1, MPI_INT64_T, MPI_MIN, ctx->comm));
    for (size_t i = 0; i < t->n_obligors; i++)
        for (int k = 0; k < TR_LEDGER_COHORTS; k++) {
            out->obligors[k] += (t->obligor[i].cohort_member >> k) & 1;
            out->defaults[k] += (t->obligor[i].cohort_default >> k) & 1;
        }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, out->obligors, TR_LEDGER_COHORTS, MPI_INT64_T, MPI_SUM,
                            ctx->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, out->defaults, TR_LEDGER_COHORTS, MPI_INT64_T, MPI_SUM,
                            ctx->comm));
    for (int k = 0; k < TR_LEDGER_COHORTS; k++) {
        out->day[k] = s->observation_day - (int64_t)TR_COHORT_STEP_DAYS * k;
        out->used[k] = (int8_t)tr_cohort_used(out->day[k], out->obligors[k], out->first_issue_day);
    }
}

int tr_cohort_used(int64_t day, int64_t obligors, int64_t first_issue_day)
{
    return obligors > 0 && first_issue_day != INT64_MAX &&
           day - (int64_t)TR_COHORT_STEP_DAYS >= first_issue_day;
}

static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}

static double logit(double p)
{
    return log(p / (1 - p));
}

/* Per grade over all ranks: the population (labelled rows), its defaults, and the mean model
 * PD, of the labelled rows, else of every scored row, else the grade's middle. */
static void grade_means(const struct tr_ctx *ctx, const struct tr_scorecard *card, size_t n,
                        const int8_t *label, const double *pd, const int8_t *grade,
                        struct tr_pd_calibration *c)
{
    enum { G = TR_MAX_GRADES };
    int64_t counts[3 * G] = {0}; /* labelled, their defaults, scored */
    tr_exact sums[2 * G];        /* model PDs: of the labelled, of the scored */
    memset(sums, 0, sizeof sums);
    for (size_t i = 0; i < n; i++) {
        const int g = grade[i] - 1;
        if (g < 0 || g >= card->n_grades || isnan(pd[i])) continue;
        counts[2 * G + g]++, tr_exact_add(&sums[G + g], pd[i]);
        if (label[i] < 0) continue;
        counts[g]++, counts[G + g] += label[i] == 1, tr_exact_add(&sums[g], pd[i]);
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counts, 3 * G, MPI_INT64_T, MPI_SUM, ctx->comm));
    tr_exact_allreduce(ctx, sums, 2 * G);
    for (int g = 0; g < card->n_grades; g++) {
        const double lower = g ? card->upper[g - 1] : 0;
        c->obligors[g] = counts[g], c->defaults[g] = counts[G + g];
        c->model_pd[g] = counts[g] ? tr_exact_value(&sums[g]) / (double)counts[g]
                         : counts[2 * G + g]
                             ? tr_exact_value(&sums[G + g]) / (double)counts[2 * G + g]
                             : (lower + card->upper[g]) / 2;
    }
}

/* The arithmetic mean of the used cohorts' default rates (EBA/GL/2017/16 section 5.3.5), NaN
 * with none; *used: how many. */
static double long_run_average(const struct tr_cohort_counts *k, int *used)
{
    double sum = 0;
    *used = 0;
    for (int j = 0; j < TR_LEDGER_COHORTS; j++)
        if (k->used[j]) sum += (double)k->defaults[j] / (double)k->obligors[j], (*used)++;
    return *used ? sum / *used : NAN;
}

/* The shift d with sum_g N_g logistic(logit(m_g) + d) = lra * sum_g N_g, by bisection (the sum
 * rises with d): the same operations in the same order on every rank. */
static double shift_to(const struct tr_pd_calibration *c, double lra)
{
    double lo = -40, hi = 40, total = 0;
    for (int g = 0; g < c->n_grades; g++)
        total += (double)c->obligors[g];
    for (int it = 0; it < 200 && hi - lo > 1e-13; it++) {
        const double mid = (lo + hi) / 2;
        double mean = 0;
        for (int g = 0; g < c->n_grades; g++)
            mean += (double)c->obligors[g] * logistic(logit(c->model_pd[g]) + mid);
        if (mean < lra * total)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

void tr_calibrate(const struct tr_ctx *ctx, const struct tr_config *cfg,
                  const struct tr_scorecard *card, const struct tr_cohort_counts *cohorts, size_t n,
                  const int8_t *label, const double *pd, const int8_t *grade,
                  struct tr_pd_calibration *out)
{
    memset(out, 0, sizeof *out);
    out->n_grades = card->n_grades;
    out->moc_a = cfg->credit.moc_a, out->moc_b = cfg->credit.moc_b, out->moc_c = cfg->credit.moc_c;
    out->floor = cfg->stress.pd_floor;
    snprintf(out->reason_a, sizeof out->reason_a, "%s", cfg->credit.moc_a_reason);
    snprintf(out->reason_b, sizeof out->reason_b, "%s", cfg->credit.moc_b_reason);
    snprintf(out->reason_c, sizeof out->reason_c, "%s", cfg->credit.moc_c_reason);
    grade_means(ctx, card, n, label, pd, grade, out);
    int64_t population = 0;
    for (int g = 0; g < out->n_grades; g++)
        population += out->obligors[g];
    out->lra = cohorts ? long_run_average(cohorts, &out->cohorts_used) : NAN;
    out->present = out->cohorts_used > 0 && population > 0;
    if (!out->present) return;
    out->shift = shift_to(out, out->lra);
    const double margin = 1 + out->moc_a + out->moc_b + out->moc_c;
    for (int g = 0; g < out->n_grades; g++) {
        out->best[g] = logistic(logit(out->model_pd[g]) + out->shift);
        out->pd[g] = fmax(fmin(1, out->best[g] * margin), out->floor);
        /* The ECB's Jeffreys test of the grade's PD against this year's defaults. */
        const double n_g = (double)out->obligors[g], d_g = (double)out->defaults[g];
        out->jeffreys_p[g] = n_g > 0 ? gsl_cdf_beta_P(out->pd[g], d_g + 0.5, n_g - d_g + 0.5) : NAN;
    }
}

void tr_calibrated_pds(const struct tr_pd_calibration *c, size_t n, const double *pd,
                       const int8_t *grade, double *out)
{
    for (size_t i = 0; i < n; i++) {
        const int g = grade[i] - 1;
        out[i] = !c->present || isnan(pd[i]) || g < 0 || g >= c->n_grades ? pd[i] : c->pd[g];
    }
}
