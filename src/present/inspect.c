#include "present/inspect.h"

#include "config/config.h"
#include "core/calendar.h"
#include "core/error.h"
#include "crosscheck/crosscheck.h"
#include "output/region_codes.h"
#include "present/view.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Characters on screen, not bytes: region names may be UTF-8 ("Région Île"). */
static int display_width(const char *text)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static int column_width(const char *heading, int at_least)
{
    int len = display_width(heading);
    return len > at_least ? len : at_least;
}

static void print_padded(FILE *out, const char *text, int width)
{
    fprintf(out, "%s%*s", text, width - display_width(text), "");
}

/* The per-region table's columns and the width of its first. */
struct table {
    struct tr_view_column cols[TR_VIEW_GLANCE];
    int n_cols, name_width;
};

static void print_mean(FILE *out, int width, const struct tr_summary_tally *t, size_t feature)
{
    double mean;
    if (!tr_view_mean(t, feature, &mean)) {
        fprintf(out, "  %*s", width, "-");
        return;
    }
    if (fabs(mean) < 0.005) mean = 0.0; /* no "-0.00" */
    fprintf(out, fabs(mean) < 1e7 ? "  %*.2f" : "  %*.4g", width, mean);
}

/* A row's figures, or why it shows none. */
static void print_row(FILE *out, const struct table *tb, const char *name,
                      const struct tr_summary_tally *t, int8_t state)
{
    print_padded(out, name, tb->name_width);
    if (state) {
        fprintf(out, "  %11s  %s\n", "-", tr_view_why(state));
        return;
    }
    fprintf(out, "  %11" PRIu64, t->subscribers);
    for (int k = 0; k < tb->n_cols; k++)
        print_mean(out, column_width(tb->cols[k].label, 10), t, tb->cols[k].feature);
    fputc('\n', out);
}

/* The regions, the unknown region when it has anyone, and the nation. */
static void print_table(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    struct table tb = {.name_width = column_width("(unknown)", 8)};
    tb.n_cols = tr_view_glance(s, tb.cols);
    for (size_t r = 0; r < s->n_regions; r++)
        tb.name_width = column_width(s->regions[r], tb.name_width);
    print_padded(out, "region", tb.name_width);
    fprintf(out, "  %11s", "subscribers");
    for (int k = 0; k < tb.n_cols; k++)
        fprintf(out, "  %*s", column_width(tb.cols[k].label, 10), tb.cols[k].label);
    fputc('\n', out);
    int8_t *state = tr_view_region_states(s, k_min);
    for (size_t r = 0; r < s->n_regions; r++)
        print_row(out, &tb, s->regions[r], &s->tallies[r], state[r]);
    if (tr_summary_unknown(s)->subscribers)
        print_row(out, &tb, "(unknown)", tr_summary_unknown(s), state[s->n_regions]);
    print_row(out, &tb, "national", tr_summary_national(s), state[s->n_regions + 1]);
    free(state);
}

static void print_run(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    fprintf(out, "run file     %s\n", s->path);
    fprintf(out, "telrisk      %s, created %s, seed %" PRIu64 ", %d rank%s\n", s->version,
            s->created, s->seed, (int)s->ranks, s->ranks == 1 ? "" : "s");
    if (s->window_start && s->window_start[0])
        fprintf(out, "window       %s to %s, %s\n", s->window_start, s->window_end, s->window_rule);
    fprintf(out,
            "subscribers  %" PRIu64 " in %zu regions, %zu features (means below skip "
            "undefined values)\n\n",
            s->subscribers, s->n_regions, s->n_features);
    print_table(out, s, k_min);
    double rate = s->lines ? 100.0 * (double)s->rejected / (double)s->lines : 0.0;
    fprintf(out,
            "\ninputs: %" PRId64 " files, %" PRId64 " lines, %" PRId64 " accepted, %" PRId64
            " rejected (%.3f%%)\n",
            s->files, s->lines, s->accepted, s->rejected, rate);
    /* Every table, so that one the run did without (no loans: no model) is seen. */
    for (size_t t = 0; t < s->n_tables; t++) {
        const struct tr_summary_table *r = &s->tables[t];
        fprintf(out, "  %-12s %-6s", r->table, r->state);
        if (r->files > 0)
            fprintf(out, " %d file%s, %" PRId64 " lines", (int)r->files, r->files == 1 ? "" : "s",
                    r->lines);
        fputc('\n', out);
    }
}

/* The AUC and its 95% interval; "-" for an interval the file does not hold (NaN: fewer than two
 * defaults or repaid; 0 and 0: written before intervals were). */
static void print_auc(FILE *out, const struct tr_summary_model *m)
{
    if (isnan(m->auc_lower) || isnan(m->auc_upper) || (m->auc_lower == 0 && m->auc_upper == 0))
        fprintf(out, "  %7.4f  %15s", m->auc, "-");
    else
        fprintf(out, "  %7.4f  [%6.4f, %6.4f]", m->auc, m->auc_lower, m->auc_upper);
}

/* The Jeffreys test's p-value of a region's (or all regions') hold-out on all grades, from
 * /crosschecks/backtest: NaN where the file has none. */
static double region_jeffreys(const struct tr_run_summary *s, int32_t region)
{
    const int32_t want = region < 0 ? TR_REGION_ALL : region;
    for (size_t r = 0; r < s->n_grades; r++)
        if (s->grades[r].region == want && s->grades[r].grade == 0) return s->grades[r].jeffreys_p;
    return NAN;
}

static void print_model(FILE *out, const struct tr_summary_model *m, double jeffreys, int8_t state)
{
    const char *own = m->region < 0 ? "-" : m->own_model ? "yes" : "no";
    if (state) {
        fprintf(out, "  %5s  %s\n", own, tr_view_why(state));
        return;
    }
    fprintf(out, "  %5s  %9" PRId64 "  %8" PRId64 "  %8" PRId64, own, m->train_defaults,
            m->holdout_rows, m->holdout_defaults);
    print_auc(out, m);
    fprintf(out, "  %8.4f  %7.4f  %8.4f  %6.3f  %10.3f\n", m->auc_national_model, m->mean_pd,
            m->default_rate, m->hl_p, jeffreys);
}

/* Each region's own model (or the national one) on its hold-out, beside the national model on
 * the same rows; rows suppressed as the region table is (the larger of k_min and the run's). */
static void print_models(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    int width = 8;
    for (size_t r = 0; r < s->n_regions; r++)
        if (display_width(s->regions[r]) > width) width = display_width(s->regions[r]);
    fprintf(out, "\nmodels: hold-out validation (own: the region's model; AUC 95%% CI: DeLong's "
                 "interval; AUC nat.: the national model on the same rows; Jeffreys p: small when "
                 "the PDs are too low)\n");
    print_padded(out, "region", width);
    fprintf(out, "  %5s  %9s  %8s  %8s  %7s  %15s  %8s  %7s  %8s  %6s  %10s\n", "own", "train def",
            "hold-out", "defaults", "AUC", "AUC 95% CI", "AUC nat.", "mean PD", "def rate", "HL p",
            "Jeffreys p");
    int8_t *state = tr_view_model_states(s, k_min);
    for (size_t k = 0; k < s->n_models; k++) {
        /* the file has all regions first; people read the regions, then their total */
        const size_t at = (k + 1) % s->n_models;
        const struct tr_summary_model *m = &s->models[at];
        print_padded(out, m->region < 0 ? "all" : s->regions[m->region], width);
        print_model(out, m, region_jeffreys(s, m->region), state[at]);
    }
    free(state);
}

/* The master scale's grades, all regions together: each grade's hold-out against its PDs, the
 * binomial test's traffic light and the Jeffreys test (docs/crosschecks.md), suppressed as the
 * other tables are. */
static void print_grades(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    fprintf(out, "\ngrades: the hold-out by grade, all regions (zone: the binomial test's traffic "
                 "light; Jeffreys p: small when the grade's PDs are too low)\n");
    fprintf(out, "%-6s  %8s  %8s  %8s  %8s  %6s  %10s\n", "grade", "hold-out", "defaults",
            "mean PD", "def rate", "zone", "Jeffreys p");
    int8_t *state = tr_view_grade_states(s, k_min);
    for (size_t k = 0; k < s->n_grades; k++) {
        const size_t at = (k + 1) % s->n_grades; /* grade 0, the total, last */
        const struct tr_summary_grade *g = &s->grades[at];
        if (g->region != TR_REGION_ALL || (g->n == 0 && !state[at])) continue;
        g->grade ? fprintf(out, "%-6d", (int)g->grade) : fprintf(out, "%-6s", "all");
        if (state[at]) {
            fprintf(out, "  %s\n", tr_view_why(state[at]));
            continue;
        }
        fprintf(out, "  %8" PRId64 "  %8" PRId64 "  %8.4f  %8.4f  %6s  %10.3f\n", g->n, g->defaults,
                g->mean_pd, g->default_rate, g->zone, g->jeffreys_p);
    }
    free(state);
}

/* One line: each region's grades' concentration (the ECB's normalised Herfindahl index), all
 * regions last; "-" for a suppressed region. */
static void print_concentration(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    fprintf(out, "grade concentration (Herfindahl, ECB's normalised form: 0 even, 1 one grade):");
    int8_t *state = tr_view_concentration_states(s, k_min);
    for (size_t k = 0; k < s->n_concentration; k++) {
        const size_t at = (k + 1) % s->n_concentration; /* all regions last */
        const struct tr_summary_concentration *c = &s->concentration[at];
        const char *name = c->region == TR_REGION_ALL ? "all"
                           : c->region >= 0 && (size_t)c->region < s->n_regions
                               ? s->regions[c->region]
                               : "?";
        if (state[at])
            fprintf(out, " %s -%s", name, k + 1 < s->n_concentration ? "," : "");
        else
            fprintf(out, " %s %.3f%s", name, c->hhi_normalised,
                    k + 1 < s->n_concentration ? "," : "");
    }
    fputc('\n', out);
    free(state);
}

static void print_checks(FILE *out, const struct tr_summary_checks *c)
{
    fprintf(out,
            "\ncrosschecks: %" PRId64 " ledger breaks, %" PRId64 " duplicate records, %" PRId64
            " unknown antennas, %" PRId64 " unregistered subscribers\nfraud alerts:",
            c->ledger_breaks, c->duplicates, c->unknown_antennas, c->unregistered_subscribers);
    for (int q = 0; q < TR_RULE_COUNT; q++)
        fprintf(out, " %s %" PRId64 "%s", tr_rule_names[q], c->alerts[q],
                q + 1 < TR_RULE_COUNT ? "," : "\n");
}

/* One line per scenario: the whole loan book as it stands and under the scenario. */
static void print_stress(FILE *out, const struct tr_run_summary *s)
{
    fprintf(out, "\nstress: the whole loan book, as it stands -> under the scenario (EL over the "
                 "horizon; Monte Carlo VaR and ES at the highest level)\n");
    fprintf(out, "%-18s %5s %12s %12s %12s %12s %12s %7s %12s %12s\n", "scenario", "years", "EAD",
            "EL", "stressed EL", "capital", "stressed cap", "level", "VaR", "ES");
    for (size_t k = 0; k < s->n_scenarios; k++) {
        const struct tr_summary_scenario *v = &s->scenarios[k];
        fprintf(out, "%-18s %5d %12.6g %12.6g %12.6g %12.6g %12.6g %7g %12.6g %12.6g\n", v->name,
                (int)v->years, v->ead, v->el, v->el_stressed, v->capital, v->capital_stressed,
                v->level, v->var, v->es);
    }
}

/* One line: the PDs' calibration to the long-run average (docs/credit.md section 4). */
static void print_calibration(FILE *out, const struct tr_summary_calibration *c)
{
    fprintf(out,
            "\nPDs calibrated to the long-run average default rate %.4f (%" PRId64
            " yearly cohorts; this year %.4f): log-odds shift %+.4f, margins of conservatism "
            "A %g, B %g, C %g\n",
            c->long_run_average, c->cohorts_used, c->rate_now, c->shift, c->moc_a, c->moc_b,
            c->moc_c);
    if (c->n_cohorts == 0) return;
    /* The cohorts behind it, so that a validator sees the years the average holds and skips. */
    fprintf(out, "yearly cohorts' default rates (* in the long-run average):");
    for (int k = 0; k < c->n_cohorts; k++) {
        if (isnan(c->cohort_rate[k])) continue;
        int y, m, d;
        tr_civil_from_days(c->cohort_day[k], &y, &m, &d);
        fprintf(out, " %04d-%02d-%02d %.2f%%%s", y, m, d, 100 * c->cohort_rate[k],
                c->cohort_used[k] == 1 ? "*" : "");
    }
    fprintf(out, "\n");
}

/* One line: today's AUC against the champion's development AUC, all regions first; "-" for a
 * region hidden by privacy.k_min. */
static void print_auc_tests(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    fprintf(out, "\nAUC against the champion's development (S, one-sided p; small p: worse now):");
    for (size_t k = 0; k < s->n_auc_tests; k++) {
        const struct tr_summary_auc_test *t = &s->auc_tests[k];
        const char *name = t->region == TR_REGION_ALL ? "all"
                           : t->region >= 0 && (size_t)t->region < s->n_regions
                               ? s->regions[t->region]
                               : "?";
        const char *sep = k + 1 < s->n_auc_tests ? "," : "";
        if (t->suppressed || (t->rows >= 0 && t->rows < k_min))
            fprintf(out, " %s -%s", name, sep);
        else
            fprintf(out, " %s %.4f vs %.4f (S %.2f, p %.3f)%s", name, t->auc_now,
                    t->auc_development, t->s, t->p_value, sep);
    }
    fputc('\n', out);
}

/* One region's drift rows (score, grade, then each feature, from row `first`): its line. */
static size_t print_drift_region(FILE *out, const struct tr_run_summary *s, size_t first)
{
    const struct tr_summary_drift *d = s->drift;
    const int32_t r = d[first].region;
    size_t end = first;
    while (end < s->n_drift && d[end].region == r)
        end++;
    const char *name = r >= 0 && (size_t)r < s->n_regions ? s->regions[r] : "?";
    if (d[first].suppressed) {
        fprintf(out, "%-20s %8s  (fewer than k_min subscribers)\n", name, "-");
        return end;
    }
    double score = NAN, grade = NAN;
    int moderate = 0, significant = 0;
    size_t largest = end;
    for (size_t k = first; k < end; k++) {
        if (strcmp(d[k].name, "score") == 0)
            score = d[k].psi;
        else if (strcmp(d[k].name, "grade") == 0)
            grade = d[k].psi;
        else {
            moderate += d[k].psi >= 0.1 && d[k].psi <= 0.25;
            significant += d[k].psi > 0.25;
            if (largest == end || d[k].psi > d[largest].psi) largest = k;
        }
    }
    fprintf(out, "%-20s %8.4f %8.4f %9d %12d", name, score, grade, moderate, significant);
    if (largest < end) fprintf(out, "  %s %.4f", d[largest].name, d[largest].psi);
    fputc('\n', out);
    return end;
}

/* The drift per region against the champion's population of the region when it was trained. */
static void print_drift(FILE *out, const struct tr_run_summary *s)
{
    fprintf(out, "\ndrift against the champion, per region (PSI: under 0.1 stable, 0.1-0.25 "
                 "moderate, over 0.25 significant):\n");
    fprintf(out, "%-20s %8s %8s %9s %12s  %s\n", "region", "score", "grade", "moderate",
            "significant", "most drifted feature");
    for (size_t k = 0; k < s->n_drift;)
        k = print_drift_region(out, s, k);
}

/* Whether a migration cell is hidden (by the file, or by a k_min above the run's) or missing. */
static int is_hidden(const struct tr_summary_migration *c, int64_t k_min)
{
    return !c || c->suppressed || (c->subscribers > 0 && c->subscribers < k_min);
}

/* A migration cell as printed: its count, or "-" when hidden. */
static void print_cell(FILE *out, const struct tr_summary_migration *c, int64_t k_min)
{
    if (is_hidden(c, k_min))
        fprintf(out, " %7s", "-");
    else
        fprintf(out, " %7" PRId64, c->subscribers);
}

static const struct tr_summary_migration *migration_cell(const struct tr_run_summary *s,
                                                         int32_t region, int before, int now)
{
    for (size_t k = 0; k < s->n_migration; k++) {
        const struct tr_summary_migration *c = &s->migration[k];
        if (c->region == region && c->grade_before == before && c->grade_now == now) return c;
    }
    return NULL;
}

/* The grade migration against the previous run: the matrix of all regions, then each region's
 * subscribers graded in both runs and how many kept their grade ("-" where a cell is hidden). */
static void print_migration(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    int grades = 0;
    for (size_t k = 0; k < s->n_migration; k++) /* a file's grades beyond any scale: not shown */
        if (s->migration[k].grade_now > grades && s->migration[k].grade_now <= TR_CONFIG_MAX_GRADES)
            grades = s->migration[k].grade_now;
    fprintf(out,
            "\ngrade migration against the previous run (all regions; rows: grade before, 0 "
            "not graded then; columns: grade now):\n%6s",
            "");
    for (int now = 1; now <= grades; now++)
        fprintf(out, " %7d", now);
    fprintf(out, " %7s\n", "total");
    for (int before = 0; before <= grades; before++) {
        fprintf(out, "%6d", before);
        for (int now = 1; now <= grades; now++)
            print_cell(out, migration_cell(s, TR_REGION_ALL, before, now), k_min);
        print_cell(out, migration_cell(s, TR_REGION_ALL, before, -1), k_min);
        fputc('\n', out);
    }
    fprintf(out, "kept their grade, of those graded in both runs:");
    for (int32_t r = TR_REGION_ALL; r < (int32_t)s->n_regions; r = r < 0 ? 0 : r + 1) {
        int64_t kept = 0, both = 0;
        int hidden = 0; /* a diagonal cell or a row total hidden: the share is not published */
        for (int before = 1; before <= grades; before++) {
            const struct tr_summary_migration *d = migration_cell(s, r, before, before);
            const struct tr_summary_migration *row = migration_cell(s, r, before, -1);
            hidden |= is_hidden(d, k_min) || is_hidden(row, k_min);
            if (!hidden) kept += d->subscribers, both += row->subscribers;
        }
        const char *name = r == TR_REGION_ALL ? "all" : s->regions[r];
        if (hidden || both == 0)
            fprintf(out, " %s -", name);
        else
            fprintf(out, " %s %.3f", name, (double)kept / (double)both);
    }
    fputc('\n', out);
}

/* IFRS 9 all regions together: each stage's loans, exposure, ECL and coverage; then each
 * scenario alone, its stage 2 and the performing book's ECL ("-": hidden by privacy.k_min). */
static void print_ifrs9(FILE *out, const struct tr_run_summary *s)
{
    fprintf(out, "\nIFRS 9 at %s, all regions (ECL probability-weighted over the scenarios)\n",
            s->ifrs9_date);
    fprintf(out, "%-6s %10s %14s %14s %9s\n", "stage", "loans", "exposure", "ECL", "coverage");
    for (size_t k = 0; k < s->n_ifrs9; k++) {
        const struct tr_summary_ifrs9 *r = &s->ifrs9[k];
        if (r->region != -2) continue;
        if (r->suppressed) {
            fprintf(out, "%-6d %10s %14s %14s %9s\n", r->stage, "-", "-", "-", "-");
            continue;
        }
        fprintf(out, "%-6d %10" PRId64 " %14.2f %14.2f %8.2f%%\n", r->stage, r->loans, r->exposure,
                r->ecl, r->exposure > 0 ? 100 * r->ecl / r->exposure : 0.0);
    }
    fprintf(out, "each scenario alone, its own stages:\n%-20s %14s %16s\n", "scenario",
            "stage 2 loans", "ECL, stages 1-2");
    for (size_t k = 0; k < s->n_ifrs9_scenarios; k++) {
        const struct tr_summary_ifrs9 *r = &s->ifrs9_scenarios[k];
        if (r->region != -2 || r->stage != 2) continue;
        const struct tr_summary_ifrs9 *one = k > 0 ? r - 1 : NULL; /* its stage 1 row, before */
        if (!one || one->region != -2 || one->stage != 1 || strcmp(one->scenario, r->scenario))
            continue; /* not a table telrisk wrote */
        const int hidden = r->suppressed || one->suppressed;
        char loans[32] = "-", ecl[32] = "-";
        if (!r->suppressed) snprintf(loans, sizeof loans, "%" PRId64, r->loans);
        if (!hidden) snprintf(ecl, sizeof ecl, "%.2f", one->ecl + r->ecl);
        fprintf(out, "%-20s %14s %16s\n", r->scenario, loans, ecl);
    }
}

void tr_inspect_print(FILE *out, const struct tr_run_summary *s, int64_t k_min)
{
    if (!(s->parts & TR_SUMMARY_RUN)) return;
    print_run(out, s, k_min);
    if (s->parts & TR_SUMMARY_MODELS) print_models(out, s, k_min);
    if (s->parts & TR_SUMMARY_BACKTEST) print_grades(out, s, k_min);
    if (s->n_concentration) print_concentration(out, s, k_min);
    if (s->calibration.present) print_calibration(out, &s->calibration);
    if (s->n_auc_tests) print_auc_tests(out, s, k_min);
    if (s->n_migration) print_migration(out, s, k_min);
    if (s->n_drift) print_drift(out, s);
    if (s->n_ifrs9) print_ifrs9(out, s);
    if (s->parts & TR_SUMMARY_CHECKS) print_checks(out, &s->checks);
    if (s->parts & TR_SUMMARY_STRESS) print_stress(out, s);
}

int tr_inspect_file(const char *path, int64_t k_min, FILE *out, FILE *msg)
{
    msg = msg ? msg : stderr;
    /* The reader's reason is held until the parts it read are printed: a person reads what the
     * file shows, then why it stops there. */
    char *said = NULL;
    size_t len = 0;
    FILE *held = open_memstream(&said, &len);
    struct tr_run_summary s;
    const int rc = tr_run_summary_read(path, &s, held ? held : msg);
    tr_inspect_print(out, &s, k_min);
    fflush(out);
    if (held) {
        fclose(held);
        fputs(said, msg);
        free(said);
    }
    tr_run_summary_free(&s);
    return rc;
}
