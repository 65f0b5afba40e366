/* The survival curves of IFRS 9 (docs/credit.md section 6): from the ledger's history, for each
 * product and schedule length n, the loans that reached installment k (the ones before paid, its
 * outcome known before the reporting date) and those that defaulted on it. Every rank counts its
 * own loans; the counts, integers, are gathered and added in one order, so every rank holds the
 * same table at any rank count. */
#include "ifrs9/ecl.h"

#include "core/error.h"
#include "features/ledger_days.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One loan's reach: the last installment K whose outcome is known, and whether it defaulted on K.
 */
struct reach {
    int32_t product, installments, last;
    int32_t defaulted;
};

static int64_t due_of(const struct tr_loan_position *l, int64_t k)
{
    return tr_installment_day(l->issued, l->due, l->installments, k);
}

/* Whether the loan's default was declared before T (what the history shows at T). */
static int defaulted_before(const struct tr_ifrs9_params *p, const struct tr_loan_position *l)
{
    return l->default_day >= 0 && l->default_day <= p->observation_day - 1 &&
           l->default_installment >= 1 && l->default_installment <= l->installments;
}

/* A loan's reach at T: a default declared before T falls on the installment it had not paid
 * then (the oldest not paid in full); otherwise every installment due D days or more before
 * T - 1 is known not to have been missed. 0 when it reached none. */
static int reach_of(const struct tr_ifrs9_params *p, const struct tr_loan_position *l,
                    struct reach *out)
{
    const int64_t T = p->observation_day, D = p->default_dpd;
    if (l->issued >= T || l->installments < 1) return 0;
    const int defaulted = defaulted_before(p, l);
    int k = defaulted ? l->default_installment : 0;
    while (!defaulted && k < l->installments && due_of(l, k + 1) <= T - 1 - D)
        k++;
    *out = (struct reach){l->product, l->installments, k, defaulted};
    return k > 0;
}

/* What a loan reaching installment K owed as scheduled then: its amount less the K - 1 before. */
static int64_t scheduled_after(const struct tr_loan_position *l, int64_t k)
{
    return l->amount - tr_installments_sum(l->amount, l->installments, k - 1);
}

static int by_schedule(const void *pa, const void *pb)
{
    const struct reach *a = pa, *b = pb;
    if (a->product != b->product) return a->product < b->product ? -1 : 1;
    if (a->installments != b->installments) return a->installments < b->installments ? -1 : 1;
    if (a->last != b->last) return a->last < b->last ? -1 : 1;
    return (a->defaulted > b->defaulted) - (a->defaulted < b->defaulted);
}

/* Rows (product, n, K, loans, defaults) of reaches sorted by schedule, K: runs counted. */
static size_t count_runs(const struct reach *r, size_t n, int64_t *rows)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int64_t defaults = 0;
        while (j < n && r[j].product == r[i].product && r[j].installments == r[i].installments &&
               r[j].last == r[i].last)
            defaults += r[j++].defaulted;
        int64_t *row = &rows[5 * m++];
        row[0] = r[i].product, row[1] = r[i].installments, row[2] = r[i].last;
        row[3] = (int64_t)(j - i), row[4] = defaults;
        i = j;
    }
    return m;
}

/* Every rank's rows, gathered in rank order: *n rows of 5 (to free). */
static int64_t *gather_rows(const struct tr_ctx *ctx, const int64_t *rows, size_t m, size_t *n)
{
    int mine = (int)(5 * m), *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size),
        *offsets = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, ctx->comm));
    int total = 0;
    for (int r = 0; r < ctx->size; r++)
        offsets[r] = total, total += counts[r];
    int64_t *all = TR_MALLOC(sizeof(int64_t) * ((size_t)total + 1));
    MPI_CHECK(
        MPI_Allgatherv(rows, mine, MPI_INT64_T, all, counts, offsets, MPI_INT64_T, ctx->comm));
    free(counts);
    free(offsets);
    *n = (size_t)total / 5;
    return all;
}

static int cmp_row(const void *pa, const void *pb)
{
    const int64_t *a = pa, *b = pb;
    for (int k = 0; k < 3; k++)
        if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
    return 0;
}

/* Installment k's hazard: its own with min_defaults defaults, else that of the narrowest band of
 * installments around it (k - j .. k + j, within 1 .. top) holding that many: hazards that
 * change along the schedule are followed where the history is dense and smoothed where it is
 * thin. cells[1..top] hold the counts. */
static void band_hazard(const struct tr_ifrs9_params *p, struct tr_ifrs9_cell *cells, int32_t top,
                        int32_t k)
{
    int64_t at_risk = cells[k].at_risk, defaults = cells[k].defaults;
    int32_t j = 0;
    while (defaults < p->min_defaults && (k - j > 1 || k + j < top)) {
        j++;
        if (k - j >= 1) at_risk += cells[k - j].at_risk, defaults += cells[k - j].defaults;
        if (k + j <= top) at_risk += cells[k + j].at_risk, defaults += cells[k + j].defaults;
    }
    cells[k].source = j == 0 ? TR_HAZARD_OWN : TR_HAZARD_POOLED;
    cells[k].band = j;
    cells[k].hazard = at_risk > 0 ? (double)defaults / (double)at_risk : 0;
}

/* One schedule's cells from its rows (same product and n, K increasing, repeats added): at risk
 * at k are the loans whose reach is k or more. */
static size_t schedule_cells(const struct tr_ifrs9_params *p, const int64_t *rows, size_t m,
                             struct tr_ifrs9_cell *out)
{
    const int32_t product = (int32_t)rows[0], n = (int32_t)rows[1];
    const int32_t top = (int32_t)rows[5 * (m - 1) + 2];
    int64_t *loans = TR_CALLOC((size_t)top + 2, sizeof *loans),
            *defaults = TR_CALLOC((size_t)top + 2, sizeof *defaults);
    for (size_t i = 0; i < m; i++)
        loans[rows[5 * i + 2]] += rows[5 * i + 3], defaults[rows[5 * i + 2]] += rows[5 * i + 4];
    int64_t at_risk = 0, total_risk = 0, total_defaults = 0;
    for (int32_t k = top; k >= 1; k--) {
        at_risk += loans[k];
        out[k] = (struct tr_ifrs9_cell){.product = product,
                                        .installments = n,
                                        .k = k,
                                        .at_risk = at_risk,
                                        .defaults = defaults[k]};
        total_risk += at_risk, total_defaults += defaults[k];
    }
    const double pooled = total_risk > 0 ? (double)total_defaults / (double)total_risk : 0;
    out[0] = (struct tr_ifrs9_cell){.product = product,
                                    .installments = n,
                                    .k = 0,
                                    .source = TR_HAZARD_POOLED,
                                    .band = -1,
                                    .at_risk = total_risk,
                                    .defaults = total_defaults,
                                    .hazard = pooled};
    for (int32_t k = 1; k <= top; k++)
        band_hazard(p, out, top, k);
    free(loans);
    free(defaults);
    return (size_t)top + 1;
}

static void history_sums(const struct tr_ctx *ctx, const struct tr_ifrs9_params *p,
                         const struct tr_ledger_table *t, size_t n, const uint64_t *key,
                         const double *pd, struct tr_ifrs9_hazards *h);

void tr_ifrs9_hazards_build(const struct tr_ctx *ctx, const struct tr_ifrs9_params *p,
                            const struct tr_ledger_table *t, size_t n_rows, const uint64_t *key,
                            const double *pd, struct tr_ifrs9_hazards *h)
{
    struct reach *r = TR_MALLOC(sizeof *r * (t->n_loans + 1));
    size_t n = 0;
    for (size_t i = 0; i < t->n_loans; i++)
        n += (size_t)reach_of(p, &t->loan[i], &r[n]);
    qsort(r, n, sizeof *r, by_schedule);
    int64_t *rows = TR_MALLOC(sizeof(int64_t) * (5 * n + 1));
    const size_t m = count_runs(r, n, rows);
    free(r);
    size_t total = 0;
    int64_t *all = gather_rows(ctx, rows, m, &total);
    free(rows);
    qsort(all, total, 5 * sizeof(int64_t), cmp_row);
    size_t cells = 0; /* each schedule: its top K (its last row's, K increasing) + 1 cells */
    for (size_t i = 0; i < total; i++)
        if (i + 1 == total || all[5 * i] != all[5 * (i + 1)] ||
            all[5 * i + 1] != all[5 * (i + 1) + 1])
            cells += (size_t)all[5 * i + 2] + 1;
    *h = (struct tr_ifrs9_hazards){.cell = TR_MALLOC(sizeof *h->cell * (cells + 1))};
    for (size_t i = 0; i < total;) {
        size_t j = i;
        while (j < total && all[5 * j] == all[5 * i] && all[5 * j + 1] == all[5 * i + 1])
            j++;
        h->n += schedule_cells(p, &all[5 * i], j - i, &h->cell[h->n]);
        i = j;
    }
    free(all);
    history_sums(ctx, p, t, n_rows, key, pd, h);
}

void tr_ifrs9_hazards_free(struct tr_ifrs9_hazards *h)
{
    free(h->cell);
    *h = (struct tr_ifrs9_hazards){0};
}

const struct tr_ifrs9_cell *tr_ifrs9_cell_of(const struct tr_ifrs9_hazards *h, int product,
                                             int installments, int k)
{
    const struct tr_ifrs9_cell *c = tr_ifrs9_exact_cell(h, product, installments, k);
    if (c || k == 0) return c;
    /* beyond the history's last installment of the schedule: that one's, as it stands */
    const struct tr_ifrs9_cell *row = tr_ifrs9_exact_cell(h, product, installments, 0);
    if (!row) return NULL;
    const struct tr_ifrs9_cell *last = row + 1;
    while (last + 1 < h->cell + h->n && last[1].product == product &&
           last[1].installments == installments)
        last++;
    return last->k < k && last->k > 0 ? last : NULL;
}

const struct tr_ifrs9_cell *tr_ifrs9_exact_cell(const struct tr_ifrs9_hazards *h, int product,
                                                int installments, int k)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const struct tr_ifrs9_cell *c = &h->cell[mid];
        const int less = c->product != product             ? c->product < product
                         : c->installments != installments ? c->installments < installments
                                                           : c->k < k;
        if (less)
            lo = mid + 1;
        else
            hi = mid;
    }
    const struct tr_ifrs9_cell *c = lo < h->n ? &h->cell[lo] : NULL;
    return c && c->product == product && c->installments == installments && c->k == k ? c : NULL;
}

/* The defaults the hazards expect of a loan that reached installment K: -ln of its survival. */
static double expected_defaults(const struct tr_ifrs9_hazards *h, const struct reach *r)
{
    double e = 0;
    for (int32_t k = 1; k <= r->last; k++) {
        const struct tr_ifrs9_cell *c = tr_ifrs9_exact_cell(h, r->product, r->installments, k);
        e -= log1p(-fmin(c ? c->hazard : 0, 1 - 1e-12));
    }
    return e;
}

/* A grade's factor from its counts: the product's, else the grade's over every product. */
static void grade_factors(const struct tr_ifrs9_params *p, struct tr_ifrs9_hazards *h)
{
    const int G = p->grades.n_grades;
    for (int g = 1; g <= G; g++) {
        int64_t all = 0;
        double expected = 0;
        for (int k = 0; k < 3; k++)
            all += h->grade_defaults[k][g], expected += h->grade_expected[k][g];
        for (int k = 0; k < 3; k++) {
            const int own =
                h->grade_defaults[k][g] >= p->min_defaults && h->grade_expected[k][g] > 0;
            const int pooled = all >= p->min_defaults && expected > 0;
            h->factor_source[k][g] = own ? 0 : pooled ? 1 : 2;
            h->factor[k][g] = own      ? (double)h->grade_defaults[k][g] / h->grade_expected[k][g]
                              : pooled ? (double)all / expected
                                       : 1;
        }
    }
}

/* The history's exposure at default against the schedule's (per product: owed on the default
 * day over owed as scheduled at the missed installment, cents summed over the defaults before
 * T), and each grade's defaults against what the hazards expect of its loans. */
static void history_sums(const struct tr_ctx *ctx, const struct tr_ifrs9_params *p,
                         const struct tr_ledger_table *t, size_t n, const uint64_t *key,
                         const double *pd, struct tr_ifrs9_hazards *h)
{
    tr_isum owed[3][2] = {{{0, 0}}}; /* cents: exact whatever the sizes */
    tr_exact expected[3][TR_MAX_GRADES + 1];
    memset(expected, 0, sizeof expected);
    size_t row = 0;
    for (size_t i = 0; i < t->n_loans; i++) {
        const struct tr_loan_position *l = &t->loan[i];
        struct reach r;
        if (!reach_of(p, l, &r)) continue;
        if (r.defaulted) {
            tr_isum_add(&owed[l->product][0], l->default_outstanding);
            tr_isum_add(&owed[l->product][1], scheduled_after(l, r.last));
        }
        while (row < n && key[row] < l->subscriber)
            row++;
        if (!pd || row >= n || key[row] != l->subscriber || isnan(pd[row])) continue;
        const int g = tr_grade(&p->grades, pd[row]);
        h->grade_loans[l->product][g]++;
        h->grade_defaults[l->product][g] += r.defaulted;
        tr_exact_add(&expected[l->product][g], expected_defaults(h, &r));
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &owed[0][0], 12, MPI_INT64_T, MPI_SUM, ctx->comm));
    const int cells = 3 * (TR_MAX_GRADES + 1);
    MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, &h->grade_loans[0][0], cells, MPI_INT64_T, MPI_SUM, ctx->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &h->grade_defaults[0][0], cells, MPI_INT64_T, MPI_SUM,
                            ctx->comm));
    tr_exact_allreduce(ctx, &expected[0][0], (size_t)cells);
    for (int k = 0; k < 3; k++) {
        const double at_default = tr_isum_units(&owed[k][0]),
                     scheduled = tr_isum_units(&owed[k][1]);
        h->ead_factor[k] = scheduled > 0 ? at_default / scheduled : 1;
        for (int g = 0; g <= TR_MAX_GRADES; g++)
            h->grade_expected[k][g] = tr_exact_value(&expected[k][g]);
    }
    grade_factors(p, h);
}
