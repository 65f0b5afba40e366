#include "ifrs9/ecl.h"

#include "core/error.h"
#include "features/ledger_days.h"
#include "records/tables.h"
#include "stress/irb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const tr_ifrs9_trigger_names[TR_TRIGGERS] = {"none", "in_default", "backstop_dpd",
                                                         "sicr", "fraud"};

/* product (records' enum tr_product) -> Basel retail class, as the stress stage's */
static const enum tr_irb_class class_of_product[3] = {TR_IRB_OTHER_RETAIL, TR_IRB_QRRE,
                                                      TR_IRB_MORTGAGE};

/* "name:w, name:w" into p's scenarios: 0, or 1 with err. */
static int parse_weights(const char *text, const struct tr_scenarios *all,
                         struct tr_ifrs9_params *p, char *err, size_t errlen)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    double total = 0;
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        char *colon = strchr(item, ':'), *end = NULL;
        if (colon) *colon = 0;
        for (char *t = item + strlen(item); t > item && t[-1] == ' '; t--)
            t[-1] = 0;
        const struct tr_scenario *s = all ? tr_scenario_find(all, item) : NULL;
        const double w = colon ? strtod(colon + 1, &end) : NAN;
        if (!colon || end == colon + 1 || !(w >= 0 && w <= 1) ||
            p->n_scenarios == TR_IFRS9_MAX_SCENARIOS) {
            snprintf(err, errlen,
                     "ifrs9.weights: '%s' is no scenario:weight with a weight in [0, 1]", item);
            return 1;
        }
        if (!s) {
            snprintf(err, errlen, "ifrs9.weights: no scenario '%s' in stress.scenarios", item);
            return 1;
        }
        snprintf(p->names[p->n_scenarios], TR_SCENARIO_NAME_MAX, "%s", s->name);
        p->weight[p->n_scenarios] = w;
        p->horizon_years[p->n_scenarios++] = s->horizon_years;
        total += w;
    }
    if (p->n_scenarios == 0 || fabs(total - 1) > 1e-9) {
        snprintf(err, errlen,
                 "ifrs9.weights = '%s': the weights must add up to 1 (they add up to %.12g)", text,
                 total);
        return 1;
    }
    return 0;
}

int tr_ifrs9_params_init(const struct tr_config *cfg, int64_t observation_day,
                         const struct tr_scenarios *scenarios, const char *const *region_names,
                         int n_regions, struct tr_ifrs9_params *p, char *err, size_t errlen)
{
    *p = (struct tr_ifrs9_params){
        .observation_day = observation_day,
        .default_dpd = cfg->credit.default_dpd,
        .backstop_dpd = cfg->ifrs9.backstop_dpd,
        .sicr_ratio = cfg->ifrs9.sicr_ratio,
        .sicr_min_increase = cfg->ifrs9.sicr_min_increase,
        .fraud_trigger = strcmp(cfg->ifrs9.fraud_trigger, "yes") == 0,
        .default_rate = cfg->ifrs9.default_rate,
        .ccf_revolving = cfg->credit.ccf_revolving,
        .lgd = {cfg->stress.lgd_microloan, cfg->stress.lgd_revolving, cfg->stress.lgd_mortgage},
        .pd_floor = cfg->stress.pd_floor,
        .min_defaults = cfg->ifrs9.min_defaults,
        .grades = {.n_grades = 0},
        .n_regions = n_regions};
    if (tr_master_scale_parse(cfg->model.master_scale, &p->grades, err, errlen)) return 1;
    if (cfg->ifrs9.weights[0]) {
        if (parse_weights(cfg->ifrs9.weights, scenarios, p, err, errlen)) return 1;
    } else { /* no forward-looking view given: the calibrated PDs as they are */
        snprintf(p->names[0], TR_SCENARIO_NAME_MAX, "through_the_cycle");
        p->weight[0] = 1, p->horizon_years[0] = 0, p->n_scenarios = 1;
    }
    p->z = TR_CALLOC((size_t)p->n_scenarios * (size_t)(n_regions + 1), sizeof *p->z);
    for (int s = 0; s < p->n_scenarios && cfg->ifrs9.weights[0]; s++) {
        const struct tr_scenario *sc = tr_scenario_find(scenarios, p->names[s]);
        for (int g = 0; g <= n_regions; g++)
            p->z[(size_t)s * (size_t)(n_regions + 1) + (size_t)g] =
                tr_scenario_z(scenarios, sc, g < n_regions ? region_names[g] : "");
    }
    return 0;
}

void tr_ifrs9_params_free(struct tr_ifrs9_params *p)
{
    free(p->z);
    p->z = NULL;
}

double tr_ifrs9_pd_year(const struct tr_ifrs9_params *p, int s, int region, int product, double pd,
                        int y)
{
    if (y >= p->horizon_years[s] || !(pd < 1)) return pd;
    const int g = region >= 0 && region < p->n_regions ? region : p->n_regions;
    const double z = p->z[(size_t)s * (size_t)(p->n_regions + 1) + (size_t)g];
    const double r = tr_irb_weight(class_of_product[product], pd, 0.5, 0, 1).r;
    return tr_vasicek_pd(pd, r, z);
}

/* Installment k's (1..n) due day and the first k's sum: the ledger's schedule. */
static int64_t due_day(const struct tr_ifrs9_loan *l, int64_t k)
{
    return tr_installment_day(l->issued, l->due, l->installments, k);
}
static int64_t due_sum(const struct tr_ifrs9_loan *l, int64_t k)
{
    return tr_installments_sum(l->amount, l->installments, k);
}

/* The probability of missing installment k, given the ones before were paid, for an obligor of
 * 12-month PD pd whose PD this year (under the scenario) is pd_now: the history's hazard of the
 * installment raised to its grade's factor times pd_now / pd (proportional hazards on the
 * survival scale); a schedule the history never saw takes the PD's share of the installment's
 * period. Never below the PD floor's share of the period. */
static double miss_probability(const struct tr_ifrs9_params *p, const struct tr_ifrs9_hazards *h,
                               const struct tr_ifrs9_loan *l, int k, double pd, double pd_now)
{
    const double period = (double)(due_day(l, k) - due_day(l, k - 1)) / 365;
    const struct tr_ifrs9_cell *c = tr_ifrs9_cell_of(h, l->product, l->installments, k);
    const double factor = h->factor[l->product][tr_grade(&p->grades, pd)];
    const double q =
        c ? 1 - pow(1 - c->hazard, factor * pd_now / pd) : 1 - pow(1 - fmin(pd_now, 1), period);
    return fmax(q, 1 - pow(1 - p->pd_floor, period));
}

/* What a loan's remaining installments give under scenario s (its 12-month PD pd): the ECL of
 * defaults declared within a year (out[0]) and ever (out[1]), their PDs (out[2], out[3]). The
 * first installment that can be missed is the oldest not paid in full; its miss is declared a
 * default D days after its due day; the exposure then is what is owed less the installments
 * scheduled before it, times the history's EAD factor (what defaulters still paid on it), and
 * the shortfall is discounted from its due day. */
static void scenario_ecl(const struct tr_ifrs9_params *p, const struct tr_ifrs9_hazards *h,
                         const struct tr_ifrs9_loan *l, int s, double pd, double undrawn,
                         double lgd, double rate, double out[4])
{
    const int64_t T = p->observation_day;
    double alive = 1;
    out[0] = out[1] = out[2] = out[3] = 0;
    int64_t scheduled = 0; /* cents due from the first open installment to the one before k */
    for (int k = l->installments_paid + 1; k <= l->installments; k++) {
        const int64_t u = due_day(l, k), ahead = u > T ? u - T : 0;
        const double pd_now =
            s < 0 ? pd : tr_ifrs9_pd_year(p, s, l->region, l->product, pd, (int)(ahead / 365));
        const double dies = alive * miss_probability(p, h, l, k, pd, pd_now);
        alive -= dies;
        const int64_t left = l->outstanding - scheduled;
        const double ead =
            h->ead_factor[l->product] * (double)(left > 0 ? left : 0) / 100 + undrawn;
        const double loss = dies * lgd * ead * pow(1 + rate, -(double)ahead / 365);
        const int within = u + p->default_dpd - T <= 365; /* declared in the 12 months */
        out[1] += loss, out[3] += dies;
        if (within) out[0] += loss, out[2] += dies;
        scheduled += due_sum(l, k) - due_sum(l, k - 1);
    }
}

/* The trigger (the first that holds) of a loan whose lifetime PD is life (NaN unrated) against
 * origin at origination (NaN unknown), and the stage it gives. */
static int trigger_of(const struct tr_ifrs9_params *p, const struct tr_ifrs9_loan *l, double life,
                      double origin)
{
    const int sicr = !isnan(life) && !isnan(origin) && life >= p->sicr_ratio * origin &&
                     life - origin >= p->sicr_min_increase;
    return l->in_default                  ? TR_TRIGGER_DEFAULT
           : l->dpd >= p->backstop_dpd    ? TR_TRIGGER_BACKSTOP
           : sicr                         ? TR_TRIGGER_SICR
           : p->fraud_trigger && l->fraud ? TR_TRIGGER_FRAUD
                                          : TR_TRIGGER_NONE;
}

static int stage_of(int trigger)
{
    return trigger == TR_TRIGGER_DEFAULT ? 3 : trigger == TR_TRIGGER_NONE ? 1 : 2;
}

void tr_ifrs9_loan(const struct tr_ifrs9_params *p, const struct tr_ifrs9_hazards *h,
                   const struct tr_ifrs9_loan *l, struct tr_ifrs9_result *r, double *ecl_scenario,
                   int8_t *stage_scenario, double *ecl_staged)
{
    const double undrawn = l->product == TR_REVOLVE && l->limit > l->outstanding
                               ? p->ccf_revolving * (double)(l->limit - l->outstanding) / 100
                               : 0; /* a line is drawn further by the CCF */
    *r = (struct tr_ifrs9_result){.rated = !isnan(l->pd),
                                  .lgd = isnan(l->lgd) ? p->lgd[l->product] : l->lgd,
                                  .rate = isnan(l->rate) ? p->default_rate : l->rate,
                                  .ead = (double)l->outstanding / 100 + undrawn,
                                  .pd_12m = NAN,
                                  .pd_lifetime = NAN,
                                  .pd_origination = NAN,
                                  .ecl_12m = NAN,
                                  .ecl_lifetime = NAN,
                                  .ecl = NAN};
    double per[TR_IFRS9_MAX_SCENARIOS][4];
    if (r->rated) {
        r->pd_12m = r->pd_lifetime = r->ecl_12m = r->ecl_lifetime = 0;
        for (int s = 0; s < p->n_scenarios; s++) {
            scenario_ecl(p, h, l, s, l->pd, undrawn, r->lgd, r->rate, per[s]);
            r->ecl_12m += p->weight[s] * per[s][0], r->ecl_lifetime += p->weight[s] * per[s][1];
            r->pd_12m += p->weight[s] * per[s][2], r->pd_lifetime += p->weight[s] * per[s][3];
        }
        if (!isnan(l->origination_pd)) { /* the same installments, as expected at origination */
            double then[4];
            scenario_ecl(p, h, l, -1, l->origination_pd, undrawn, r->lgd, r->rate, then);
            r->pd_origination = then[3];
        }
    }
    r->trigger = (int8_t)trigger_of(p, l, r->pd_lifetime, r->pd_origination);
    r->stage = (int8_t)stage_of(r->trigger);
    const double defaulted = r->lgd * (double)l->outstanding / 100; /* the loss is now */
    r->ecl = r->stage == 3 ? defaulted : r->stage == 2 ? r->ecl_lifetime : r->ecl_12m;
    for (int s = 0; s < p->n_scenarios; s++) {
        const int own = stage_of(trigger_of(p, l, r->rated ? per[s][3] : NAN, r->pd_origination));
        stage_scenario[s] = (int8_t)own;
        ecl_scenario[s] = r->stage == 3 ? defaulted
                          : !r->rated   ? NAN
                                        : per[s][r->stage == 2 ? 1 : 0];
        ecl_staged[s] = own == 3 ? defaulted : !r->rated ? NAN : per[s][own == 2 ? 1 : 0];
    }
}

static void add_cell(struct tr_ifrs9_summary *sum, int g, const struct tr_ifrs9_result *r,
                     int new_borrower)
{
    const size_t c = (size_t)g * 3 + (size_t)(r->stage - 1);
    sum->loans[c]++;
    sum->borrowers[c] += new_borrower;
    tr_exact *x = &sum->sums[c * TR_IFRS9_SUMS];
    if (isnan(r->ecl)) {
        sum->unrated[c]++;
        tr_exact_add(&x[TR_IFRS9_SUM_UNRATED_EAD], r->ead);
        return;
    }
    tr_exact_add(&x[TR_IFRS9_SUM_EAD], r->ead);
    tr_exact_add(&x[TR_IFRS9_SUM_ECL], r->ecl);
}

/* Distinct borrowers per cell: a loan's borrower is new to a cell unless the cell's last loan
 * was theirs (the loans come in borrower key order, a borrower's all on one rank). */
struct borrower_cells {
    uint64_t *last;
    uint8_t *seen;
};

static int fresh_borrower(struct borrower_cells *b, size_t c, uint64_t subscriber)
{
    const int fresh = !b->seen[c] || b->last[c] != subscriber;
    b->seen[c] = 1, b->last[c] = subscriber;
    return fresh;
}

static void summary_alloc(struct tr_ifrs9_summary *s, int R, int S)
{
    const size_t cells = (size_t)(R + 1) * 3, s_cells = (size_t)S * cells;
    *s = (struct tr_ifrs9_summary){.n_regions = R, .n_scenarios = S};
    s->loans = TR_CALLOC(3 * cells, sizeof(int64_t));
    s->borrowers = s->loans + cells, s->unrated = s->borrowers + cells;
    s->sums = TR_CALLOC(cells * TR_IFRS9_SUMS, sizeof(tr_exact));
    s->s_loans = TR_CALLOC(2 * s_cells, sizeof(int64_t));
    s->s_borrowers = s->s_loans + s_cells;
    s->s_sums = TR_CALLOC(2 * s_cells, sizeof(tr_exact));
}

/* The loan under each scenario alone, in region g's cells of its own stage there. */
static void add_scenarios(struct tr_ifrs9_summary *sum, struct borrower_cells *b, int g,
                          const struct tr_ifrs9_loan *l, const struct tr_ifrs9_result *r,
                          const int8_t *stage, const double *ecl)
{
    const size_t cells = (size_t)(sum->n_regions + 1) * 3;
    for (int s = 0; s < sum->n_scenarios && !isnan(ecl[0]); s++) {
        const size_t c = (size_t)s * cells + (size_t)g * 3 + (size_t)(stage[s] - 1);
        sum->s_loans[c]++;
        sum->s_borrowers[c] += fresh_borrower(b, c, l->subscriber);
        tr_exact_add(&sum->s_sums[2 * c], r->ead);
        tr_exact_add(&sum->s_sums[2 * c + 1], ecl[s]);
    }
}

void tr_ifrs9_book(const struct tr_ctx *ctx, const struct tr_ifrs9_params *p,
                   const struct tr_ifrs9_hazards *h, const struct tr_ifrs9_loan *loans, size_t n,
                   struct tr_ifrs9_result *result, double *ecl_scenario, int8_t *stage_scenario,
                   struct tr_ifrs9_summary *summary)
{
    const int R = p->n_regions, S = p->n_scenarios;
    const size_t cells = (size_t)(R + 1) * 3, s_cells = (size_t)S * cells;
    summary_alloc(summary, R, S);
    struct borrower_cells base = {TR_MALLOC(cells * sizeof(uint64_t)), TR_CALLOC(cells, 1)},
                          alone = {TR_MALLOC((s_cells + 1) * sizeof(uint64_t)),
                                   TR_CALLOC(s_cells + 1, 1)};
    for (size_t i = 0; i < n; i++) {
        const struct tr_ifrs9_loan *l = &loans[i];
        struct tr_ifrs9_result *r = &result[i];
        double staged[TR_IFRS9_MAX_SCENARIOS];
        int8_t *stages = &stage_scenario[i * (size_t)S];
        tr_ifrs9_loan(p, h, l, r, &ecl_scenario[i * (size_t)S], stages, staged);
        const int gs[2] = {l->region >= 0 && l->region < R ? l->region : -1, R};
        for (int k = 0; k < 2; k++) {
            if (gs[k] < 0) continue;
            const size_t c = (size_t)gs[k] * 3 + (size_t)(r->stage - 1);
            add_cell(summary, gs[k], r, fresh_borrower(&base, c, l->subscriber));
            add_scenarios(summary, &alone, gs[k], l, r, stages, staged);
        }
    }
    free(base.last), free(base.seen), free(alone.last), free(alone.seen);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, summary->loans, (int)(3 * cells), MPI_INT64_T, MPI_SUM,
                            ctx->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, summary->s_loans, (int)(2 * s_cells), MPI_INT64_T,
                            MPI_SUM, ctx->comm));
    tr_exact_allreduce(ctx, summary->sums, cells * TR_IFRS9_SUMS);
    tr_exact_allreduce(ctx, summary->s_sums, 2 * s_cells);
}

void tr_ifrs9_summary_free(struct tr_ifrs9_summary *s)
{
    free(s->loans);
    free(s->sums);
    free(s->s_loans);
    free(s->s_sums);
    *s = (struct tr_ifrs9_summary){0};
}
