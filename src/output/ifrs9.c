/* /ifrs9: every open loan's stage and expected credit loss at the reporting date, per scenario
 * and probability-weighted, the summary per region and stage, and the grades' PD term structures
 * (docs/credit.md section 6). */
#include "output/groups.h"

#include "core/calendar.h"
#include "core/error.h"
#include "ifrs9/ecl.h"
#include "output/region_codes.h"
#include "output/suppress.h"
#include "records/tables.h"
#include "stress/stress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loan_row {
    uint64_t subscriber, loan;
    int32_t region;
    char product[12];
    int8_t stage;
    char trigger[16];
    double ead, lgd, rate, pd, pd_12m, pd_lifetime, origination_pd, pd_origination;
    double ecl_12m, ecl_lifetime, ecl;
};

static void write_loans(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_ifrs9 *x)
{
    typedef struct loan_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, subscriber, H5T_STD_U64LE, NULL),
        NUM_FIELD(s, loan, H5T_STD_U64LE, NULL),
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, product, 11, NULL),
        NUM_FIELD(s, stage, H5T_STD_I8LE, NULL),
        STR_FIELD(s, trigger, 15, NULL),
        NUM_FIELD(s, ead, H5T_IEEE_F64LE, "currency"),
        NUM_FIELD(s, lgd, H5T_IEEE_F64LE, "fraction"),
        NUM_FIELD(s, rate, H5T_IEEE_F64LE, "per year"),
        NUM_FIELD(s, pd, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, pd_12m, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, pd_lifetime, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, origination_pd, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, pd_origination, H5T_IEEE_F64LE, "probability"),
        NUM_FIELD(s, ecl_12m, H5T_IEEE_F64LE, "currency"),
        NUM_FIELD(s, ecl_lifetime, H5T_IEEE_F64LE, "currency"),
        NUM_FIELD(s, ecl, H5T_IEEE_F64LE, "currency")};
    struct loan_row *rows = TR_CALLOC(x->n + 1, sizeof *rows);
    for (size_t i = 0; i < x->n; i++) {
        const struct tr_ifrs9_loan *l = &x->loans[i];
        const struct tr_ifrs9_result *r = &x->results[i];
        rows[i] = (struct loan_row){.subscriber = l->subscriber,
                                    .loan = l->loan,
                                    .region = l->region,
                                    .stage = r->stage,
                                    .ead = r->ead,
                                    .lgd = r->lgd,
                                    .rate = r->rate,
                                    .pd = l->pd,
                                    .pd_12m = r->pd_12m,
                                    .pd_lifetime = r->pd_lifetime,
                                    .origination_pd = l->origination_pd,
                                    .pd_origination = r->pd_origination,
                                    .ecl_12m = r->ecl_12m,
                                    .ecl_lifetime = r->ecl_lifetime,
                                    .ecl = r->ecl};
        snprintf(rows[i].product, sizeof rows[i].product, "%s", tr_product_names[l->product]);
        snprintf(rows[i].trigger, sizeof rows[i].trigger, "%s", tr_ifrs9_trigger_names[r->trigger]);
    }
    tr_rf_rows_table(
        ctx, g, "loans", fields, (int)(sizeof fields / sizeof *fields), sizeof *rows, rows, x->n,
        "one row per loan with money outstanding at the reporting date, in "
        "/ledger/loans' order: its stage (1, 2, 3) and the first trigger that holds, EAD, LGD, "
        "discount rate, the 12-month PD it starts from (pd; NaN unrated), the "
        "probability-weighted 12-month and lifetime PDs, the origination's PD and "
        "its lifetime PD over the same term, the 12-month and lifetime ECL and the "
        "ECL booked for its stage (NaN: unrated, not in default); docs/credit.md "
        "section 6");
    free(rows);
}

/* A [loans x scenarios] matrix of this rank's rows, its columns labelled by the scenarios. */
static void scenario_matrix(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_ifrs9 *x,
                            const char *name, hid_t file_type, hid_t mem_type, const void *rows,
                            const char *description, const char *unit)
{
    const int S = x->params->n_scenarios;
    uint64_t first = 0, total = 0, n = x->n;
    MPI_CHECK(MPI_Exscan(&n, &first, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    if (ctx->rank == 0) first = 0;
    MPI_CHECK(MPI_Allreduce(&n, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    const hsize_t dims[2] = {total, (hsize_t)S};
    hid_t d = tr_h5_dataset(g, name, file_type, 2, dims, description, unit);
    tr_h5_write_rows(ctx, d, mem_type, rows, first, n);
    /* rows: the loans of /ifrs9/loans, labelled by its member `loan` (docs/output.md) */
    tr_h5_attr_strs(d, "axes", (const char *const[]){"ifrs9/loans:loan", "scenarios"}, 2);
    const char *names[TR_IFRS9_MAX_SCENARIOS];
    for (int k = 0; k < S; k++)
        names[k] = x->params->names[k];
    tr_h5_attr_strs(d, "scenarios", names, (size_t)S); /* the columns' labels */
    H5_CHECK(H5Dclose(d));
}

/* /ifrs9/ecl_scenarios and /ifrs9/stage_scenarios. */
static void write_scenarios(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_ifrs9 *x)
{
    scenario_matrix(ctx, g, x, "ecl_scenarios", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x->ecl_scenario,
                    "the ECL booked for each loan of /ifrs9/loans (rows) under each scenario of "
                    "the attribute scenarios (columns), at the loan's stage; NaN unrated",
                    "currency");
    scenario_matrix(ctx, g, x, "stage_scenarios", H5T_STD_I8LE, H5T_NATIVE_INT8, x->stage_scenario,
                    "each loan's stage (rows) under each scenario alone (columns): the SICR "
                    "test on that scenario's lifetime PD (docs/credit.md section 7)",
                    "");
}

struct summary_row {
    int32_t region;
    char region_name[TR_REGION_NAME_MAX];
    int32_t stage;
    int64_t loans, borrowers, unrated_loans;
    double exposure, ecl, coverage, unrated_exposure;
    int8_t suppressed;
};

/* The cells of a table by region (R of them, then all) and stage, [(R + 1) x 3] borrowers each,
 * suppressed: a stage's regions against its total across regions. */
static struct tr_cell *stage_cells(const int64_t *borrowers, int R, int64_t k_min)
{
    const size_t n = (size_t)(R + 1) * 3;
    struct tr_cell *cells = TR_CALLOC(n, sizeof *cells);
    for (size_t c = 0; c < n; c++) {
        const int g = (int)(c / 3);
        cells[c] = (struct tr_cell){borrowers[c], (int)(c % 3), g < R ? g : -1, 0};
    }
    tr_suppress(cells, n, k_min);
    return cells;
}

/* Cells of fewer than privacy.k_min borrowers hidden, and their complements down each stage. */
static struct summary_row *summary_rows(const struct tr_ifrs9_summary *s, const char *const *names,
                                        int64_t k_min)
{
    const int R = s->n_regions;
    const size_t n = (size_t)(R + 1) * 3;
    struct summary_row *rows = TR_CALLOC(n, sizeof *rows);
    for (size_t c = 0; c < n; c++) {
        const int g = (int)(c / 3);
        const tr_exact *x = &s->sums[c * TR_IFRS9_SUMS];
        const double ead = tr_exact_value(&x[TR_IFRS9_SUM_EAD]),
                     ecl = tr_exact_value(&x[TR_IFRS9_SUM_ECL]);
        rows[c] =
            (struct summary_row){.region = g < R ? g : TR_REGION_ALL,
                                 .stage = (int32_t)(c % 3) + 1,
                                 .loans = s->loans[c],
                                 .borrowers = s->borrowers[c],
                                 .unrated_loans = s->unrated[c],
                                 .exposure = ead,
                                 .ecl = ecl,
                                 .coverage = ead > 0 ? ecl / ead : NAN,
                                 .unrated_exposure = tr_exact_value(&x[TR_IFRS9_SUM_UNRATED_EAD])};
        snprintf(rows[c].region_name, sizeof rows[c].region_name, "%s",
                 g < R ? names[g] : TR_REGION_ALL_NAME);
    }
    struct tr_cell *cells = stage_cells(s->borrowers, R, k_min);
    for (size_t c = 0; c < n; c++) {
        struct summary_row *r = &rows[c];
        if (!(r->suppressed = cells[c].state)) continue;
        r->loans = r->borrowers = r->unrated_loans = -1;
        r->exposure = r->ecl = r->coverage = r->unrated_exposure = NAN;
    }
    free(cells);
    return rows;
}

static void write_summary(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_ifrs9 *x,
                          int64_t k_min)
{
    typedef struct summary_row s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
                                         STR_FIELD(s, region_name, TR_REGION_NAME_MAX - 1, NULL),
                                         NUM_FIELD(s, stage, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, loans, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, borrowers, H5T_STD_I64LE, "subscribers"),
                                         NUM_FIELD(s, unrated_loans, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, exposure, H5T_IEEE_F64LE, "currency"),
                                         NUM_FIELD(s, ecl, H5T_IEEE_F64LE, "currency"),
                                         NUM_FIELD(s, coverage, H5T_IEEE_F64LE, "fraction"),
                                         NUM_FIELD(s, unrated_exposure, H5T_IEEE_F64LE, "currency"),
                                         NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL)};
    struct summary_row *rows = summary_rows(x->summary, x->region_names, k_min);
    tr_rf_small_table(ctx, g, "summary", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, (size_t)(x->summary->n_regions + 1) * 3,
                      "per region (a row of /regions/names; -2 all) and stage: loans, distinct "
                      "borrowers, unrated loans (no PD: no ECL), the rated exposure (EAD), its "
                      "ECL and coverage (ECL / exposure), the unrated exposure; cells of fewer "
                      "than privacy.k_min borrowers hidden (suppressed 1, their complements 2: "
                      "counts -1, amounts NaN)");
    free(rows);
}

struct scenario_row {
    char scenario[TR_SCENARIO_NAME_MAX];
    int32_t region;
    char region_name[TR_REGION_NAME_MAX];
    int32_t stage;
    int64_t loans, borrowers;
    double exposure, ecl, coverage;
    int8_t suppressed;
};

/* Scenario s's rows of /ifrs9/scenario_summary at rows[0 .. (R + 1) x 3), suppressed as the
 * summary's (a region's stages; every region's total per stage). */
static void scenario_rows(const struct tr_ifrs9_summary *sum, const struct tr_rf_ifrs9 *x, int s,
                          int64_t k_min, struct scenario_row *rows)
{
    const int R = sum->n_regions;
    const size_t n = (size_t)(R + 1) * 3, base = (size_t)s * n;
    for (size_t c = 0; c < n; c++) {
        const int g = (int)(c / 3);
        const double ead = tr_exact_value(&sum->s_sums[2 * (base + c)]),
                     ecl = tr_exact_value(&sum->s_sums[2 * (base + c) + 1]);
        rows[c] = (struct scenario_row){.region = g < R ? g : TR_REGION_ALL,
                                        .stage = (int32_t)(c % 3) + 1,
                                        .loans = sum->s_loans[base + c],
                                        .borrowers = sum->s_borrowers[base + c],
                                        .exposure = ead,
                                        .ecl = ecl,
                                        .coverage = ead > 0 ? ecl / ead : NAN};
        snprintf(rows[c].scenario, sizeof rows[c].scenario, "%s", x->params->names[s]);
        snprintf(rows[c].region_name, sizeof rows[c].region_name, "%s",
                 g < R ? x->region_names[g] : TR_REGION_ALL_NAME);
    }
    struct tr_cell *cells = stage_cells(&sum->s_borrowers[base], R, k_min);
    for (size_t c = 0; c < n; c++)
        if ((rows[c].suppressed = cells[c].state)) {
            rows[c].loans = rows[c].borrowers = -1;
            rows[c].exposure = rows[c].ecl = rows[c].coverage = NAN;
        }
    free(cells);
}

/* Each scenario alone: its own stages, the ECL of each (docs/credit.md section 7). */
static void write_scenario_summary(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_ifrs9 *x,
                                   int64_t k_min)
{
    const struct tr_ifrs9_summary *sum = x->summary;
    const size_t per = (size_t)(sum->n_regions + 1) * 3, n = per * (size_t)sum->n_scenarios;
    struct scenario_row *rows = TR_CALLOC(n + 1, sizeof *rows);
    for (int s = 0; s < sum->n_scenarios; s++)
        scenario_rows(sum, x, s, k_min, &rows[(size_t)s * per]);
    typedef struct scenario_row t;
    const struct tr_h5_field fields[] = {STR_FIELD(t, scenario, TR_SCENARIO_NAME_MAX - 1, NULL),
                                         NUM_FIELD(t, region, H5T_STD_I32LE, NULL),
                                         STR_FIELD(t, region_name, TR_REGION_NAME_MAX - 1, NULL),
                                         NUM_FIELD(t, stage, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(t, loans, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(t, borrowers, H5T_STD_I64LE, "subscribers"),
                                         NUM_FIELD(t, exposure, H5T_IEEE_F64LE, "currency"),
                                         NUM_FIELD(t, ecl, H5T_IEEE_F64LE, "currency"),
                                         NUM_FIELD(t, coverage, H5T_IEEE_F64LE, "fraction"),
                                         NUM_FIELD(t, suppressed, H5T_STD_I8LE, NULL)};
    tr_rf_small_table(ctx, g, "scenario_summary", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, n,
                      "each scenario alone, as a stress test projects impairments: per region "
                      "(-2 all) and the stage the loans take under it (the SICR test on its "
                      "lifetime PD), the loans with an ECL (rated, or in default), their "
                      "borrowers, exposure, the ECL of that stage "
                      "under the scenario and coverage; hidden as /ifrs9/summary");
    free(rows);
}

struct hazard_row {
    char product[12];
    int32_t installments, installment, band;
    int64_t at_risk, defaults;
    double hazard;
    char source[8];
};

/* The survival curves the loans' PDs are drawn from. */
static void write_hazards(const struct tr_ctx *ctx, hid_t g, const struct tr_ifrs9_hazards *h)
{
    struct hazard_row *rows = TR_CALLOC(h->n + 1, sizeof *rows);
    for (size_t i = 0; i < h->n; i++) {
        const struct tr_ifrs9_cell *c = &h->cell[i];
        rows[i] = (struct hazard_row){.installments = c->installments,
                                      .installment = c->k,
                                      .band = c->band,
                                      .at_risk = c->at_risk,
                                      .defaults = c->defaults,
                                      .hazard = c->hazard};
        snprintf(rows[i].product, sizeof rows[i].product, "%s", tr_product_names[c->product]);
        snprintf(rows[i].source, sizeof rows[i].source, "%s",
                 c->k == 0                    ? "total"
                 : c->source == TR_HAZARD_OWN ? "own"
                                              : "band");
    }
    typedef struct hazard_row s;
    const struct tr_h5_field fields[] = {STR_FIELD(s, product, 11, NULL),
                                         NUM_FIELD(s, installments, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, installment, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, band, H5T_STD_I32LE, "installments"),
                                         NUM_FIELD(s, at_risk, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, defaults, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, hazard, H5T_IEEE_F64LE, "probability"),
                                         STR_FIELD(s, source, 7, NULL)};
    tr_rf_small_table(ctx, g, "hazards", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, h->n,
                      "the survival curves, from the ledger's loans issued before the reporting "
                      "date: per product, schedule (installments) and installment, the loans "
                      "that reached it with its outcome known (at_risk) and defaulted on it; the "
                      "hazard used: its own (at least ifrs9.min_defaults defaults) or that of "
                      "the narrowest band of installments k - band .. k + band holding that many "
                      "(installment 0: the schedule's totals; an installment beyond the last "
                      "one here takes the last one's); a loan's "
                      "chance to miss installment k is 1 - (1 - hazard)^(f PD_t / PD), f its "
                      "grade's factor (/ifrs9/grade_factors), PD_t / PD the scenario's");
    free(rows);
    tr_h5_attr_f64s(g, "ead_factor", h->ead_factor, 3); /* microloan, revolving, mortgage */
}

struct factor_row {
    char product[12];
    int32_t grade;
    int64_t loans, defaults;
    double expected, factor;
    char source[12];
};

/* The grades' factors: the history's defaults against what the hazards expect. */
static void write_factors(const struct tr_ctx *ctx, hid_t g, const struct tr_ifrs9_params *p,
                          const struct tr_ifrs9_hazards *h)
{
    static const char *const sources[3] = {"own", "all", "none"};
    const int G = p->grades.n_grades;
    struct factor_row rows[3 * TR_MAX_GRADES];
    int n = 0;
    for (int k = 0; k < 3; k++)
        for (int q = 1; q <= G; q++, n++) {
            rows[n] = (struct factor_row){.grade = q,
                                          .loans = h->grade_loans[k][q],
                                          .defaults = h->grade_defaults[k][q],
                                          .expected = h->grade_expected[k][q],
                                          .factor = h->factor[k][q]};
            snprintf(rows[n].product, sizeof rows[n].product, "%s", tr_product_names[k]);
            snprintf(rows[n].source, sizeof rows[n].source, "%s", sources[h->factor_source[k][q]]);
        }
    typedef struct factor_row s;
    const struct tr_h5_field fields[] = {STR_FIELD(s, product, 11, NULL),
                                         NUM_FIELD(s, grade, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, loans, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, defaults, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, expected, H5T_IEEE_F64LE, "loans"),
                                         NUM_FIELD(s, factor, H5T_IEEE_F64LE, NULL),
                                         STR_FIELD(s, source, 11, NULL)};
    tr_rf_small_table(ctx, g, "grade_factors", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, (size_t)n,
                      "per product and grade (of the borrower's 12-month PD today on "
                      "model.master_scale): the history's loans of /ifrs9/hazards, their defaults, "
                      "the defaults the hazards expect of them and the factor the grade's "
                      "hazards are raised to (own: defaults / expected, with ifrs9.min_defaults "
                      "defaults; all: the grade's over every product; none: 1)");
}

struct term_row {
    int32_t grade;
    char scenario[TR_SCENARIO_NAME_MAX];
    int32_t region;
    char region_name[TR_REGION_NAME_MAX];
    char product[12];
    int32_t year;
    double pd, multiplier;
};

/* Every grade's calibrated PD, per scenario, region and product, year by year from the
 * reporting date (the last row: every later year), and what it multiplies the hazards by. */
static void write_term_structure(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_ifrs9 *x,
                                 const struct tr_ifrs9_hazards *h)
{
    const struct tr_ifrs9_params *p = x->params;
    const int G = x->n_grades, S = p->n_scenarios, R = p->n_regions;
    int Y = 1;
    for (int s = 0; s < S; s++)
        if (p->horizon_years[s] + 1 > Y) Y = p->horizon_years[s] + 1;
    const size_t n = (size_t)G * (size_t)S * (size_t)R * 3 * (size_t)Y;
    struct term_row *rows = TR_CALLOC(n + 1, sizeof *rows), *row = rows;
    for (int k = 0; k < G; k++)
        for (int s = 0; s < S; s++)
            for (int r = 0; r < R; r++)
                for (int prod = 0; prod < 3; prod++)
                    for (int y = 0; y < Y; y++, row++) {
                        const double pd12 = x->grade_pd[k];
                        const double pd = tr_ifrs9_pd_year(p, s, r, prod, pd12, y);
                        const double f = h->factor[prod][tr_grade(&p->grades, pd12)];
                        *row = (struct term_row){.grade = k + 1,
                                                 .region = r,
                                                 .year = y + 1,
                                                 .pd = pd,
                                                 .multiplier = f * pd / pd12};
                        snprintf(row->scenario, sizeof row->scenario, "%s", p->names[s]);
                        snprintf(row->region_name, sizeof row->region_name, "%s",
                                 x->region_names[r]);
                        snprintf(row->product, sizeof row->product, "%s", tr_product_names[prod]);
                    }
    typedef struct term_row s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, grade, H5T_STD_I32LE, NULL),
                                         STR_FIELD(s, scenario, TR_SCENARIO_NAME_MAX - 1, NULL),
                                         NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
                                         STR_FIELD(s, region_name, TR_REGION_NAME_MAX - 1, NULL),
                                         STR_FIELD(s, product, 11, NULL),
                                         NUM_FIELD(s, year, H5T_STD_I32LE, "years"),
                                         NUM_FIELD(s, pd, H5T_IEEE_F64LE, "probability"),
                                         NUM_FIELD(s, multiplier, H5T_IEEE_F64LE, NULL)};
    tr_rf_small_table(ctx, g, "term_structure", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, n,
                      "every grade's calibrated 12-month PD (/models/calibration) per scenario, "
                      "region and product in year t from the reporting date (the last year: "
                      "every later one): the scenario's conditional PD within its horizon; "
                      "multiplier: the power the hazards of /ifrs9/hazards are raised to for "
                      "that year's installments (the grade factor of the PD's grade on "
                      "model.master_scale, times that PD over the 12-month one)");
    free(rows);
}

struct transfer_row {
    int32_t from_stage, to_stage;
    int64_t loans;
    double exposure;
    int8_t suppressed;
};

/* [from][to] with each line's totals (-1): cells of fewer than k_min loans hidden. */
static void write_transfers(const struct tr_ctx *ctx, hid_t g, const struct tr_ifrs9_transfers *t,
                            int64_t k_min)
{
    struct transfer_row rows[25];
    struct tr_cell cells[25];
    int n = 0;
    for (int from = -1; from < 4; from++)
        for (int to = -1; to < 4; to++, n++) {
            int64_t loans = 0;
            tr_exact ead = {0};
            for (int a = 0; a < 4; a++)
                for (int b = 0; b < 4; b++)
                    if ((from < 0 || a == from) && (to < 0 || b == to))
                        loans += t->loans[a][b], ead.fixed += t->ead[a][b].fixed;
            rows[n] = (struct transfer_row){from, to, loans, tr_exact_value(&ead), 0};
            cells[n] = (struct tr_cell){loans, from, to, 0};
        }
    tr_suppress(cells, 25, k_min);
    for (int k = 0; k < 25; k++)
        if ((rows[k].suppressed = cells[k].state)) rows[k].loans = -1, rows[k].exposure = NAN;
    typedef struct transfer_row s;
    const struct tr_h5_field fields[] = {NUM_FIELD(s, from_stage, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, to_stage, H5T_STD_I32LE, NULL),
                                         NUM_FIELD(s, loans, H5T_STD_I64LE, "loans"),
                                         NUM_FIELD(s, exposure, H5T_IEEE_F64LE, "currency"),
                                         NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL)};
    tr_rf_small_table(ctx, g, "transfers", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof *rows, rows, 25,
                      "the loans by their stage in the previous run (from_stage; 0: not in its "
                      "book) and now (to_stage; 0: no longer in the book), -1 the line's total; "
                      "exposure: this run's EAD, the previous run's for the loans that left; "
                      "cells of fewer than privacy.k_min loans hidden (counts -1, NaN)");
}

static void write_params(hid_t g, const struct tr_ifrs9_params *p)
{
    int y, m, d;
    tr_civil_from_days(p->observation_day, &y, &m, &d);
    char day[32];
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
    tr_h5_attr_str(g, "reporting_date", day);
    const int64_t ints[4] = {p->default_dpd, p->backstop_dpd, p->fraud_trigger, p->min_defaults};
    static const char *const int_names[4] = {"default_dpd", "backstop_dpd", "fraud_trigger",
                                             "min_defaults"};
    for (int k = 0; k < 4; k++)
        tr_h5_attr_scalar(g, int_names[k], H5T_STD_I64LE, H5T_NATIVE_INT64, &ints[k]);
    const double dbl[8] = {p->sicr_ratio,   p->sicr_min_increase,
                           p->default_rate, p->ccf_revolving,
                           p->lgd[0],       p->lgd[1],
                           p->lgd[2],       p->pd_floor};
    static const char *const dbl_names[8] = {"sicr_ratio",    "sicr_min_increase", "default_rate",
                                             "ccf_revolving", "lgd_microloan",     "lgd_revolving",
                                             "lgd_mortgage",  "pd_floor"};
    for (int k = 0; k < 8; k++)
        tr_h5_attr_scalar(g, dbl_names[k], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &dbl[k]);
    const char *names[TR_IFRS9_MAX_SCENARIOS];
    double horizon[TR_IFRS9_MAX_SCENARIOS];
    for (int s = 0; s < p->n_scenarios; s++)
        names[s] = p->names[s], horizon[s] = p->horizon_years[s];
    tr_h5_attr_strs(g, "scenarios", names, (size_t)p->n_scenarios);
    tr_h5_attr_f64s(g, "weights", p->weight, (size_t)p->n_scenarios);
    tr_h5_attr_f64s(g, "horizon_years", horizon, (size_t)p->n_scenarios);
    tr_h5_attr_f64s(g, "master_scale", p->grades.upper, (size_t)p->grades.n_grades);
    /* z per scenario, region by region and the last for a loan of no region */
    tr_h5_attr_f64s(g, "z", p->z, (size_t)p->n_scenarios * (size_t)(p->n_regions + 1));
}

struct tr_rf_ifrs9 tr_rf_ifrs9_of(const struct tr_ifrs9_run *r, const char *const *region_names,
                                  int n_grades, const double *grade_pd,
                                  const struct tr_ifrs9_transfers *transfers)
{
    return (struct tr_rf_ifrs9){.params = &r->params,
                                .hazards = &r->hazards,
                                .region_names = region_names,
                                .n = r->n,
                                .loans = r->loans,
                                .results = r->results,
                                .ecl_scenario = r->ecl_scenario,
                                .stage_scenario = r->stage_scenario,
                                .summary = &r->summary,
                                .n_grades = grade_pd ? n_grades : 0,
                                .grade_pd = n_grades ? grade_pd : NULL,
                                .transfers = transfers};
}

void tr_rf_write_ifrs9(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_ifrs9 *x,
                       int64_t k_min)
{
    hid_t g = tr_h5_group(file, "ifrs9",
                          "IFRS 9 at the reporting date (the observation date): stages, PD term "
                          "structures and expected credit loss per loan, per scenario and "
                          "probability-weighted; docs/credit.md section 6");
    write_params(g, x->params);
    write_loans(ctx, g, x);
    write_scenarios(ctx, g, x);
    write_summary(ctx, g, x, k_min);
    write_scenario_summary(ctx, g, x, k_min);
    write_hazards(ctx, g, x->hazards);
    write_factors(ctx, g, x->params, x->hazards);
    if (x->grade_pd) write_term_structure(ctx, g, x, x->hazards);
    if (x->transfers) write_transfers(ctx, g, x->transfers, k_min);
    H5_CHECK(H5Gclose(g));
}
