#include "crosscheck/drift.h"

#include "core/error.h"
#include "core/keys.h"
#include "model/reference.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double tr_psi(const int64_t *reference, const int64_t *now, int bins)
{
    double ref_total = 0, now_total = 0, psi = 0;
    for (int b = 0; b < bins; b++)
        ref_total += (double)reference[b], now_total += (double)now[b];
    if (ref_total == 0 || now_total == 0) return NAN;
    for (int b = 0; b < bins; b++) {
        const double r = fmax((double)reference[b] / ref_total, 1e-4);
        const double n = fmax((double)now[b] / now_total, 1e-4);
        psi += (n - r) * log(n / r);
    }
    return psi;
}

double tr_psi_pooled(const int64_t *reference, const int64_t *now, int bins, int64_t ref_total)
{
    int64_t ref[TR_PSI_MAX_BINS + 1], cur[TR_PSI_MAX_BINS + 1], published = 0, pooled_now = 0;
    int n = 0, hidden = 0;
    for (int b = 0; b < bins && b < TR_PSI_MAX_BINS; b++) {
        if (reference[b] < 0) {
            hidden = 1, pooled_now += now[b];
            continue;
        }
        ref[n] = reference[b], cur[n++] = now[b];
        published += reference[b];
    }
    /* The hidden bins' reference together is what the published ones leave of the total. */
    if (hidden) ref[n] = ref_total - published, cur[n++] = pooled_now;
    return tr_psi(ref, cur, n);
}

const char *tr_psi_band(double psi)
{
    if (isnan(psi)) return "undefined"; /* no reference population */
    return psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "significant";
}

void tr_drift(const struct tr_ctx *ctx, const struct tr_models *m, const double *values, size_t n,
              const double *score, const int8_t *grade, struct tr_monitoring *mon)
{
    int64_t bands[TR_MAX_BINS] = {0};
    for (size_t i = 0; i < n; i++)
        bands[tr_bin_of(&m->score_bands, score[i])]++;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, bands, TR_MAX_BINS, MPI_INT64_T, MPI_SUM, ctx->comm));
    snprintf(mon->score.name, sizeof mon->score.name, "score");
    mon->score.psi = tr_psi(m->score_bands.population, bands, m->score_bands.n_numeric);
    snprintf(mon->score.band, sizeof mon->score.band, "%s", tr_psi_band(mon->score.psi));
    mon->n_features = m->n_used;
    mon->features = TR_CALLOC((size_t)m->n_used + 1, sizeof *mon->features);
    int64_t *now = TR_CALLOC((size_t)m->n_used * TR_MAX_BINS + 1, sizeof(int64_t));
    for (size_t i = 0; i < n; i++)
        for (int u = 0; u < m->n_used; u++) {
            const int j = m->used[u];
            now[(size_t)u * TR_MAX_BINS +
                (size_t)tr_bin_of(&m->bins[j], values[i * (size_t)m->n_features + (size_t)j])]++;
        }
    MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, now, m->n_used * TR_MAX_BINS, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int u = 0; u < m->n_used; u++) {
        const struct tr_bins *b = &m->bins[m->used[u]];
        struct tr_psi_row *row = &mon->features[u];
        snprintf(row->name, sizeof row->name, "%s", m->names[m->used[u]]);
        row->psi = tr_psi(b->population, now + (size_t)u * TR_MAX_BINS, tr_bins_count(b));
        snprintf(row->band, sizeof row->band, "%s", tr_psi_band(row->psi));
    }
    free(now);
    mon->n_grades = m->card.n_grades;
    memcpy(mon->grade_reference, m->grade_population, sizeof mon->grade_reference);
    tr_grade_counts(ctx, grade, n, mon->grade_now);
    snprintf(mon->grades.name, sizeof mon->grades.name, "grade");
    int64_t trained = 0; /* subscribers when trained: the score bands cover all of them */
    for (int b = 0; b < m->score_bands.n_numeric; b++)
        trained += m->score_bands.population[b];
    mon->grades.psi = tr_psi_pooled(mon->grade_reference, mon->grade_now, mon->n_grades, trained);
    snprintf(mon->grades.band, sizeof mon->grades.band, "%s", tr_psi_band(mon->grades.psi));
}

void tr_auc_test_of(int32_t region, double auc_development, const struct tr_metrics *now,
                    struct tr_auc_test *out)
{
    *out = (struct tr_auc_test){.region = region,
                                .rows = (int64_t)now->n,
                                .defaults = (int64_t)now->positives,
                                .auc_development = auc_development,
                                .auc_now = now->auc,
                                .se_now = now->auc_se};
    out->s = (auc_development - now->auc) / now->auc_se; /* NaN propagates */
    out->p = isnan(out->s) ? NAN : gsl_cdf_ugaussian_Q(out->s);
}

/* The previous run's grade of key (0: not there, or not graded). */
static int grade_before(size_t n, const uint64_t *key, const int8_t *grade, uint64_t k)
{
    const long row = tr_row_of_key(key, n, k);
    return row < 0 ? 0 : grade[row];
}

void tr_migration_count(const struct tr_ctx *ctx, size_t n, const uint64_t *key,
                        const int32_t *region, const int8_t *grade, size_t prev_n,
                        const uint64_t *prev_key, const int8_t *prev_grade, int n_regions,
                        int n_grades, struct tr_migration *out)
{
    *out = (struct tr_migration){.n_regions = n_regions, .n_grades = n_grades};
    const size_t cells = (size_t)(n_regions + 1) * (size_t)(n_grades + 1) * (size_t)n_grades;
    out->counts = TR_CALLOC(cells + 1, sizeof *out->counts);
    for (size_t i = 0; i < n; i++) {
        const int now = grade[i];
        if (now < 1 || now > n_grades) continue; /* not graded now */
        int before = grade_before(prev_n, prev_key, prev_grade, key[i]);
        if (before < 1 || before > n_grades) before = 0;
        out->matched += before > 0;
        out->counts[tr_migration_at(out, -1, before, now)]++;
        if (region[i] >= 0 && region[i] < n_regions)
            out->counts[tr_migration_at(out, region[i], before, now)]++;
    }
    MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, out->counts, (int)cells, MPI_INT64_T, MPI_SUM, ctx->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &out->matched, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
}

void tr_migration_free(struct tr_migration *m)
{
    free(m->counts);
    m->counts = NULL;
}

/* One region's PSI over cells [first, end) of its reference line ref and today's line now. */
static double region_psi(const int64_t *ref, const int64_t *now, int first, int end)
{
    return tr_psi_pooled(ref + first, now + first, end - first, ref[0]);
}

static void region_rows_of(const struct tr_models *m, const int *start, int r, const int64_t *ref,
                           const int64_t *now, int64_t k_min, struct tr_region_psi *rows)
{
    const int small = (ref[0] >= 0 && ref[0] < k_min) || ref[0] < 0 || now[0] < k_min;
    for (int part = 1; part < 3 + m->n_used; part++) {
        struct tr_region_psi *row = &rows[part - 1];
        *row =
            (struct tr_region_psi){.region = r, .suppressed = (int8_t)small, .subscribers = now[0]};
        snprintf(row->row.name, sizeof row->row.name, "%s",
                 part == 1   ? "score"
                 : part == 2 ? "grade"
                             : m->names[m->used[part - 3]]);
        row->row.psi = small ? NAN : region_psi(ref, now, start[part], start[part + 1]);
        snprintf(row->row.band, sizeof row->row.band, "%s", tr_psi_band(row->row.psi));
    }
}

void tr_drift_regions(const struct tr_ctx *ctx, const struct tr_models *m, const double *values,
                      size_t n, const int32_t *region, const double *score, const int8_t *grade,
                      int64_t k_min, struct tr_monitoring *mon)
{
    mon->n_region_rows = 0;
    if (!m->region_reference || m->n_regions == 0) return;
    int *start = TR_MALLOC(sizeof(int) * ((size_t)m->n_used + 4));
    tr_reference_starts(m, start);
    const size_t width = (size_t)start[3 + m->n_used],
                 cells = (size_t)(m->n_regions + 1) * width; /* the last: the unknown region */
    int64_t *now = TR_CALLOC(cells + 1, sizeof *now);
    tr_reference_add(m, n, region, values, score, grade, now);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, now, (int)cells, MPI_INT64_T, MPI_SUM, ctx->comm));
    const int per_region = 2 + m->n_used;
    mon->region_rows =
        TR_CALLOC((size_t)m->n_regions * (size_t)per_region + 1, sizeof *mon->region_rows);
    for (int r = 0; r < m->n_regions; r++)
        region_rows_of(m, start, r, m->region_reference + (size_t)r * width,
                       now + (size_t)r * width, k_min,
                       mon->region_rows + (size_t)r * (size_t)per_region);
    mon->n_region_rows = m->n_regions * per_region;
    free(now);
    free(start);
}
