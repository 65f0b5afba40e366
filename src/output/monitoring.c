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
    struct summary_auc *rows =
        tr_rf_read_table(models, "summary", fields, 2, sizeof(s), &n); /* NULL: none */
    if (!rows) return;
    m->development_auc = TR_MALLOC(sizeof(double) * ((size_t)m->n_regions + 1));
    for (int r = 0; r <= m->n_regions; r++)
        m->development_auc[r] = NAN;
    for (size_t i = 0; i < n; i++) {
        const int32_t at = rows[i].region == TR_REGION_ALL ? 0 : rows[i].region + 1;
        const double auc = rows[i].auc;
        if (at >= 0 && at <= m->n_regions && (isnan(auc) || (auc >= 0 && auc <= 1)))
            m->development_auc[at] = auc;
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

/* The rows, a region's hidden (its today's hold-out fewer than k_min: -1 counts, NaN figures;
 * the development AUC is the champion's, already suppressed there). */
static void fill_tests(const struct tr_monitoring *mon, const char *const *names, int64_t k_min,
                       struct auc_test_row *rows)
{
    for (int i = 0; i < mon->n_auc_tests; i++) {
        const struct tr_auc_test *t = &mon->auc_tests[i];
        const int hide = t->rows > 0 && t->rows < k_min;
        rows[i] = (struct auc_test_row){.region = t->region,
                                        .rows = hide ? -1 : t->rows,
                                        .defaults = hide ? -1 : t->defaults,
                                        .auc_development = t->auc_development,
                                        .auc_now = hide ? NAN : t->auc_now,
                                        .se_now = hide ? NAN : t->se_now,
                                        .s = hide ? NAN : t->s,
                                        .p_value = hide ? NAN : t->p,
                                        .suppressed = (int8_t)hide};
        snprintf(rows[i].region_name, sizeof rows[i].region_name, "%s",
                 t->region == TR_REGION_ALL ? TR_REGION_ALL_NAME : names[t->region]);
    }
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
    struct tr_cell *cells = TR_MALLOC(sizeof *cells * per);
    struct migration_row *rows = TR_CALLOC(per * (size_t)(m->n_regions + 1), sizeof *rows);
    size_t at = 0;
    for (int region = -1; region < m->n_regions; region++) {
        const size_t n = region_cells(m, region, cells);
        tr_suppress(cells, n, k_min);
        for (size_t c = 0; c < n; c++, at++) {
            const int hide = cells[c].state != 0;
            rows[at] = (struct migration_row){
                .region = region < 0 ? TR_REGION_ALL : region,
                .grade_before = cells[c].row,                          /* -1: total */
                .grade_now = cells[c].col < 0 ? -1 : cells[c].col + 1, /* -1: total */
                .subscribers = hide ? -1 : cells[c].n,
                .suppressed = cells[c].state};
            snprintf(rows[at].region_name, sizeof rows[at].region_name, "%s",
                     region < 0 ? TR_REGION_ALL_NAME : names[region]);
        }
    }
    tr_rf_small_table(ctx, monitoring, "migration", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, at,
                      "the grade migration against the previous run (--compare): this run's "
                      "graded subscribers by region (-2 all, then each region), their grade in "
                      "the previous run (grade_before; 0: not graded there or absent) and now, "
                      "with the totals of each line (-1); suppressed 1: 1 to privacy.k_min - 1 "
                      "subscribers, 2: hidden so that no such cell follows from a total (counts "
                      "-1); docs/credit.md section 5");
    free(rows);
    free(cells);
}
