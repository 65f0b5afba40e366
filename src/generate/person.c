#include "generate/person.h"

#include "core/rng.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

const char *const tr_kind_names[TR_KIND_COUNT] = {
    "normal", "simbox", "account_takeover", "impossible_travel", "velocity", "dormant_then_active",
};

static double unit_of(const struct tr_world *w, uint64_t purpose, int64_t i, uint64_t c)
{
    return tr_unit(tr_key(w->seed, purpose, (uint64_t)i, c));
}

/* A standard normal from a keyed uniform (inverse CDF; uniform kept off 0 and 1). */
static double normal_of(const struct tr_world *w, uint64_t purpose, int64_t i, uint64_t c)
{
    double u = unit_of(w, purpose, i, c);
    return gsl_cdf_ugaussian_Pinv(fmin(fmax(u, 1e-12), 1 - 1e-12));
}

int64_t tr_dormant_first_day(const struct tr_world *w)
{
    /* Dormant for at least 60% of the window, and never for less than fraud.dormant_days: a
     * planted case the rule cannot find would make the truth and the rule disagree. */
    const int64_t share = (int64_t)ceil(0.6 * (double)w->days),
                  rule = (int64_t)ceil(w->cfg->fraud.dormant_days);
    return share > rule ? share : rule;
}

int tr_dormant_fits(const struct tr_world *w)
{
    return w->days >= 8 && tr_dormant_first_day(w) <= w->days - 2; /* wakes a day before the end */
}

enum tr_kind tr_person_kind(const struct tr_world *w, int64_t i)
{
    const struct tr_config *c = w->cfg;
    double u = unit_of(w, TR_S_KIND, i, 0);
    const double rates[TR_KIND_COUNT] = {0,
                                         c->generate.simbox_rate,
                                         c->generate.takeover_rate,
                                         c->generate.far_payment_rate,
                                         c->generate.burst_rate,
                                         c->generate.dormant_rate};
    double acc = 0;
    for (int k = 1; k < TR_KIND_COUNT; k++) {
        acc += rates[k];
        if (u < acc) {
            /* Money frauds need a wallet; dormancy needs time to be dormant in. */
            if (k != TR_KIND_SIMBOX && !tr_person_has_wallet(w, i)) return TR_KIND_NORMAL;
            if (k == TR_KIND_DORMANT && !tr_dormant_fits(w)) return TR_KIND_NORMAL;
            if ((k == TR_KIND_TAKEOVER || k == TR_KIND_FAR_PAYMENT || k == TR_KIND_BURST) &&
                w->days < 3)
                return TR_KIND_NORMAL;
            return (enum tr_kind)k;
        }
    }
    return TR_KIND_NORMAL;
}

double tr_person_sociability(const struct tr_world *w, int64_t i)
{
    /* Lognormal with mean 1: a few people have far more contacts than most. */
    return exp(0.5 * normal_of(w, TR_S_SOCIAL, i, 0) - 0.125);
}

int tr_person_has_wallet(const struct tr_world *w, int64_t i)
{
    /* Wallet ownership rises with income (same latent draw as in tr_person_make). */
    double z_income = normal_of(w, TR_S_PERSON, i, 0);
    return unit_of(w, TR_S_PERSON, i, 10) < 0.55 + 0.35 * gsl_cdf_ugaussian_P(z_income);
}

int64_t tr_person_dormant_until(const struct tr_world *w, int64_t i)
{
    if (tr_person_kind(w, i) != TR_KIND_DORMANT) return 0;
    /* Waking at least a day before the window's end (tr_person_kind plants none where that
     * leaves no day to wake on). */
    const int64_t lo = tr_dormant_first_day(w), hi = w->days - 2;
    return lo + (int64_t)(unit_of(w, TR_S_KIND, i, 1) * (double)(hi - lo + 1));
}

/* Work: a nearby antenna for most (commuting distance, nearer ones likelier), home for some. */
static int32_t pick_work(const struct tr_world *w, const struct tr_person *p)
{
    double u = unit_of(w, TR_S_PLACE, p->index, 1);
    if (u > 0.75) return p->home;
    const struct tr_antenna *h = &w->antennas[p->home];
    double weight[TR_NEIGHBOURS], total = 0;
    for (int k = 0; k < TR_NEIGHBOURS; k++) {
        double km = h->neighbour_km[k];
        weight[k] = (km < 0.5 || km > 60) ? 0 : exp(-km / 12.0);
        total += weight[k];
    }
    if (total == 0) return p->home;
    double pick = unit_of(w, TR_S_PLACE, p->index, 2) * total;
    for (int k = 0; k < TR_NEIGHBOURS; k++) {
        pick -= weight[k];
        if (pick < 0) return h->neighbour[k];
    }
    return h->neighbour[TR_NEIGHBOURS - 1];
}

static void make_places(const struct tr_world *w, struct tr_person *p)
{
    const struct tr_region *g = &w->regions[p->region];
    p->home = g->first_antenna + (int32_t)(unit_of(w, TR_S_PLACE, p->index, 0) * g->antennas);
    p->work = pick_work(w, p);
    const struct tr_antenna *h = &w->antennas[p->home];
    for (int k = 0; k < 2; k++)
        p->other[k] = h->neighbour[(int)(unit_of(w, TR_S_PLACE, p->index, 3 + (uint64_t)k) * 6)];
}

void tr_person_make(const struct tr_world *w, int64_t i, struct tr_person *p)
{
    memset(p, 0, sizeof *p); /* padding too: profiles compare and copy as bytes */
    p->index = i;
    p->region = tr_world_region_of(w, i);
    p->z_income = normal_of(w, TR_S_PERSON, i, 0);
    p->z_stability = normal_of(w, TR_S_PERSON, i, 1);
    p->z_regularity = normal_of(w, TR_S_PERSON, i, 2);
    p->income = 200.0 * exp(0.7 * p->z_income);
    p->stability = gsl_cdf_ugaussian_P(p->z_stability);
    p->regularity = gsl_cdf_ugaussian_P(p->z_regularity);
    /* Default risk depends on the latent traits and the region only: nothing unobservable, so a
     * model of the behaviour the traits shape can in principle recover it. */
    double logit = w->regions[p->region].pd_intercept - 1.1 * p->z_income - 0.5 * p->z_stability -
                   0.25 * p->z_regularity;
    p->pd = 1.0 / (1.0 + exp(-logit));
    p->sociability = tr_person_sociability(w, i);
    p->activity = w->cfg->generate.interactions_per_day *
                  exp(0.6 * normal_of(w, TR_S_PERSON, i, 3) + 0.15 * p->z_income - 0.18 - 0.011) *
                  tr_world_shift(w, p->region, TR_SHIFT_CALLS);
    p->text_share = 0.15 + 0.5 * unit_of(w, TR_S_PERSON, i, 4);
    p->money_activity = exp(0.5 * normal_of(w, TR_S_PERSON, i, 5) + 0.25 * p->z_income - 0.155);
    p->wallet = tr_person_has_wallet(w, i);
    p->postpaid = unit_of(w, TR_S_PERSON, i, 6) < gsl_cdf_ugaussian_P(p->z_income - 1.6);
    p->kind = tr_person_kind(w, i);
    if (p->kind == TR_KIND_SIMBOX) p->wallet = 0;
    p->ledger_break =
        p->wallet && unit_of(w, TR_S_BREAK, i, 0) < w->cfg->generate.ledger_break_rate;
    p->legit_swap =
        p->kind == TR_KIND_NORMAL && unit_of(w, TR_S_SWAP, i, 0) < w->cfg->generate.sim_swap_rate;
    p->dormant_until = tr_person_dormant_until(w, i);
    /* Planted events fall in the window, leaving room for what must come before and after. */
    int64_t span = w->days > 3 ? w->days - 3 : 1;
    p->event_day = 1 + (int64_t)(unit_of(w, TR_S_KIND, i, 2) * (double)span);
    make_places(w, p);
}

void tr_msisdn(int64_t i, char out[13])
{
    /* 255 + 9 digits: an affine bijection of the index modulo 10^9 (the multiplier is coprime
     * with 10), so numbers look scattered but never collide. */
    uint64_t local = ((uint64_t)i * 738219481ULL + 104729ULL) % 1000000000ULL;
    out[0] = '2', out[1] = '5', out[2] = '5';
    for (int k = 11; k >= 3; k--) {
        out[k] = (char)('0' + local % 10);
        local /= 10;
    }
    out[12] = 0;
}
