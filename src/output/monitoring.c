/* The champion's development AUCs, read back from its /models/summary, and /monitoring/auc_test,
 * today's AUCs tested against them (crosscheck/drift.h's tr_auc_test; docs/credit.md section 5). */
#include "output/groups.h"

#include "core/error.h"
#include "crosscheck/drift.h"
#include "output/region_codes.h"
#include "output/suppress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct summary_auc {
    int32_t region;
    double auc;
};

void tr_rf_read_development_auc(hid_t models, struct tr_models *m)
{
    typedef struct summary_auc s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, auc, H5T_IEEE_F64LE, NULL)};
    size_t n = 0;
    int bad = 0; /* a summary that is not one: no development AUCs, no test */
    struct summary_auc *rows =
        tr_rf_read_table_checked(models, "summary", fields, 2, sizeof(s), &n, &bad);
    if (!rows) return;
    m->development_auc = TR_MALLOC(sizeof(double) * ((size_t)m->n_regions + 1));
    for (int r = 0; r <= m->n_regions; r++)
        m->development_auc[r] = NAN;
    for (size_t i = 0; i < n; i++) {
        const int32_t r = rows[i].region;
        const int at = r == TR_REGION_ALL ? 0 : r >= 0 && r < m->n_regions ? r + 1 : -1;
        const double auc = rows[i].auc;
        if (at >= 0 && (isnan(auc) || (auc >= 0 && auc <= 1))) m->development_auc[at] = auc;
    }
    free(rows);
}

struct auc_test_row {
    int32_t region;
    char region_name[64];
    int64_t rows, defaults;
    double auc_development, auc_now, se_now, s, p_value;
    int8_t suppressed;
};

/* The rows, a region's hidden when its hold-out today has fewer than k_min subscribers, or when
 * the others and the total would give it away (-1 counts, NaN figures; the development AUC is the
 * champion's, suppressed there already). Row 0 is all regions: the line's total. */
static void fill_tests(const struct tr_monitoring *mon, const char *const *names, int64_t k_min,
                       struct auc_test_row *rows)
{
    struct tr_cell *cells = TR_CALLOC((size_t)mon->n_auc_tests, sizeof *cells);
    for (int i = 0; i < mon->n_auc_tests; i++)
        cells[i] = (struct tr_cell){mon->auc_tests[i].rows, 0, i - 1, 0};
    tr_suppress(cells, (size_t)mon->n_auc_tests, k_min);
    for (int i = 0; i < mon->n_auc_tests; i++) {
        const struct tr_auc_test *t = &mon->auc_tests[i];
        const int hide = cells[i].state != 0;
        rows[i] = (struct auc_test_row){.region = t->region,
                                        .rows = hide ? -1 : t->rows,
                                        .defaults = hide ? -1 : t->defaults,
                                        .auc_development = t->auc_development,
                                        .auc_now = hide ? NAN : t->auc_now,
                                        .se_now = hide ? NAN : t->se_now,
                                        .s = hide ? NAN : t->s,
                                        .p_value = hide ? NAN : t->p,
                                        .suppressed = (int8_t)cells[i].state};
        snprintf(rows[i].region_name, sizeof rows[i].region_name, "%s",
                 t->region == TR_REGION_ALL ? TR_REGION_ALL_NAME : names[t->region]);
    }
    free(cells);
}

void tr_rf_write_auc_tests(const struct tr_ctx *ctx, hid_t monitoring,
                           const struct tr_monitoring *mon, const char *const *names, int64_t k_min)
{
    if (!mon->n_auc_tests) return;
    typedef struct auc_test_row s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
                                         STR_FIELD(s, region_name, 63, NULL),
                                         NUM_FIELD(s, rows, H5T_STD_I64LE, "subscribers"),
                                         NUM_FIELD(s, defaults, H5T_STD_I64LE, "subscribers"),
                                         NUM_FIELD(s, auc_development, H5T_IEEE_F64LE, NULL),
                                         NUM_FIELD(s, auc_now, H5T_IEEE_F64LE, NULL),
                                         NUM_FIELD(s, se_now, H5T_IEEE_F64LE, NULL),
                                         NUM_FIELD(s, s, H5T_IEEE_F64LE, NULL),
                                         NUM_FIELD(s, p_value, H5T_IEEE_F64LE, "probability"),
                                         NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL)};
    struct auc_test_row *rows = TR_CALLOC((size_t)mon->n_auc_tests, sizeof *rows);
    fill_tests(mon, names, k_min, rows);
    tr_rf_small_table(ctx, monitoring, "auc_test", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, (size_t)mon->n_auc_tests,
                      "today's hold-out AUC against the champion's development AUC (its "
                      "/models/summary), all regions (region -2) then each: S = (auc_development "
                      "- auc_now) / se_now with DeLong's standard error, p_value = 1 - Phi(S) "
                      "(one-sided: small when the model discriminates worse than when developed; "
                      "the ECB's instructions for IRB validation reporting); suppressed 1: fewer "
                      "than privacy.k_min hold-out subscribers today");
    free(rows);
}

struct migration_row {
    int32_t region;
    char region_name[64];
    int32_t grade_before, grade_now;
    int64_t subscribers;
    int8_t suppressed;
};

/* One region's (-1: all) matrix with its margins as cells for tr_suppress: before 0..G (rows),
 * now 1..G (columns), row -1 / column -1 the totals. Returns how many. */
static size_t region_cells(const struct tr_migration *m, int region, struct tr_cell *cells)
{
    const int G = m->n_grades;
    size_t k = 0;
    int64_t total = 0;
    for (int before = 0; before <= G; before++) {
        int64_t row = 0;
        for (int now = 1; now <= G; now++) {
            const int64_t n = m->counts[tr_migration_at(m, region, before, now)];
            cells[k++] = (struct tr_cell){n, before, now - 1, 0};
            row += n;
        }
        cells[k++] = (struct tr_cell){row, before, -1, 0};
        total += row;
    }
    for (int now = 1; now <= G; now++) {
        int64_t col = 0;
        for (int before = 0; before <= G; before++)
            col += m->counts[tr_migration_at(m, region, before, now)];
        cells[k++] = (struct tr_cell){col, -1, now - 1, 0};
    }
    cells[k++] = (struct tr_cell){total, -1, -1, 0};
    return k;
}

/* The regions' matrices add up to the national one: in every place (before, now) the regions'
 * cells are a line whose total is the national cell. If that total is published and exactly one
 * region's cell is hidden, the smallest published non-empty one is hidden too, or the total.
 * cells: [(R + 1) x per], the national matrix first. 1 when it hid one. */
static int protect_across(struct tr_cell *cells, int n_regions, size_t per)
{
    int changed = 0;
    for (size_t p = 0; p < per; p++) {
        struct tr_cell *total = &cells[p], *smallest = NULL;
        int hidden = 0;
        for (int r = 1; r <= n_regions; r++) {
            struct tr_cell *c = &cells[(size_t)r * per + p];
            if (c->state != TR_CELL_PUBLISHED)
                hidden++;
            else if (c->n > 0 && (!smallest || c->n < smallest->n))
                smallest = c;
        }
        if (total->state != TR_CELL_PUBLISHED || hidden != 1) continue;
        (smallest ? smallest : total)->state = TR_CELL_COMPLEMENT;
        changed = 1;
    }
    return changed;
}

/* Every region's matrix (and the national) with its margins, suppressed within each matrix and
 * across the regions, until no line would give a hidden cell away. */
static struct tr_cell *suppressed_cells(const struct tr_migration *m, int64_t k_min, size_t per)
{
    struct tr_cell *cells = TR_MALLOC(sizeof *cells * per * (size_t)(m->n_regions + 1));
    for (int r = -1; r < m->n_regions; r++) {
        struct tr_cell *mine = &cells[(size_t)(r + 1) * per];
        tr_suppress(mine, region_cells(m, r, mine), k_min);
    }
    for (int changed = 1; changed;) {
        changed = protect_across(cells, m->n_regions, per);
        for (int r = 0; r <= m->n_regions; r++)
            changed |= tr_suppress_more(&cells[(size_t)r * per], per);
    }
    return cells;
}

void tr_rf_write_migration(const struct tr_ctx *ctx, hid_t monitoring, const struct tr_migration *m,
                           const char *const *names, int64_t k_min)
{
    if (!m->counts) return;
    typedef struct migration_row s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
                                         STR_FIELD(s, region_name, 63, NULL),
                                         NUM_FIELD(s, grade_before, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, grade_now, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, subscribers, H5T_STD_I64LE, "subscribers"),
                                         NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL)};
    const size_t per = (size_t)(m->n_grades + 2) * (size_t)(m->n_grades + 1);
    struct tr_cell *cells = suppressed_cells(m, k_min, per);
    const size_t n = per * (size_t)(m->n_regions + 1);
    struct migration_row *rows = TR_CALLOC(n, sizeof *rows);
    for (size_t at = 0; at < n; at++) {
        const int region = (int)(at / per) - 1;
        const struct tr_cell *c = &cells[at];
        rows[at] = (struct migration_row){.region = region < 0 ? TR_REGION_ALL : region,
                                          .grade_before = c->row, /* -1: total */
                                          .grade_now = c->col < 0 ? -1 : c->col + 1,
                                          .subscribers = c->state ? -1 : c->n,
                                          .suppressed = c->state};
        snprintf(rows[at].region_name, sizeof rows[at].region_name, "%s",
                 region < 0 ? TR_REGION_ALL_NAME : names[region]);
    }
    tr_rf_small_table(
        ctx, monitoring, "migration", fields, (int)(sizeof fields / sizeof *fields), sizeof *rows,
        rows, n,
        "the grade migration against the previous run (--compare): this run's "
        "graded subscribers by region (-2 all, then each region), their grade in "
        "the previous run (grade_before; 0: not graded there or absent) and now, "
        "with the totals of each line (-1); suppressed 1: 1 to privacy.k_min - 1 "
        "subscribers, 2: hidden so that no such cell follows from a total, within a "
        "region's matrix or across the regions (counts -1); docs/credit.md section 5");
    free(rows);
    free(cells);
}

/* /monitoring/region_drift: the drift per region against the champion's population per region
 * when trained (crosscheck/drift.h). */
struct region_drift_row {
    int32_t region;
    char region_name[48];
    char name[TR_PSI_NAME_MAX];
    double psi;
    char band[16];
    int8_t suppressed;
};

void tr_rf_write_region_drift(const struct tr_ctx *ctx, hid_t monitoring,
                              const struct tr_monitoring *mon, const char *const *names)
{
    if (mon->n_region_rows == 0) return; /* a champion without /models/region_reference */
    typedef struct region_drift_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, region_name, 47, NULL),
        STR_FIELD(s, name, TR_PSI_NAME_MAX - 1, NULL),
        NUM_FIELD(s, psi, H5T_IEEE_F64LE, NULL),
        STR_FIELD(s, band, 15, NULL),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
    };
    s *rows = TR_CALLOC((size_t)mon->n_region_rows + 1, sizeof *rows);
    for (int k = 0; k < mon->n_region_rows; k++) {
        const struct tr_region_psi *in = &mon->region_rows[k];
        rows[k] = (s){.region = in->region, .psi = in->row.psi, .suppressed = in->suppressed};
        snprintf(rows[k].region_name, sizeof rows[k].region_name, "%s", names[in->region]);
        snprintf(rows[k].name, sizeof rows[k].name, "%s", in->row.name);
        snprintf(rows[k].band, sizeof rows[k].band, "%s", in->row.band);
    }
    tr_rf_small_table(ctx, monitoring, "region_drift", fields,
                      (int)(sizeof fields / sizeof *fields), sizeof *rows, rows,
                      (size_t)mon->n_region_rows,
                      "PSI per region against the champion's population of that region when it "
                      "was trained (/models/region_reference): for each region the score (over "
                      "the score bands), the grades, then each feature the champion uses (over "
                      "its bins); suppressed 1 (psi NaN): the region has fewer than "
                      "privacy.k_min subscribers now or had then");
    free(rows);
}
