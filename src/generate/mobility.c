#include "generate/mobility.h"

#include "core/rng.h"

#include <math.h>

/* clang-format off */
const double tr_hour_weight[24] = {
    0.0056, 0.0033, 0.0024, 0.0024, 0.0033, 0.0085, 0.0188, 0.0358, 0.0471, 0.0508, 0.0527, 0.0546,
    0.0584, 0.0546, 0.0528, 0.0546, 0.0584, 0.0659, 0.0772, 0.0847, 0.0810, 0.0659, 0.0424, 0.0188,
};
/* clang-format on */

int32_t tr_second_of_day(double u, double v)
{
    int h = 0;
    double acc = tr_hour_weight[0];
    while (h < 23 && u >= acc)
        acc += tr_hour_weight[++h];
    return h * 3600 + (int32_t)(v * 3600);
}

/* Truncated power law P(r) ~ (r + 5.8)^-1.65 exp(-r / 350), r in km: inverse transform of the
 * power-law part, then acceptance for the exponential cut-off. */
static double trip_distance_km(uint64_t key)
{
    const double r0 = 5.8, beta = 1.65, rmax = 1200;
    const double a = pow(r0, 1 - beta), b = pow(rmax + r0, 1 - beta);
    for (uint64_t k = 0;; k++) {
        double u = tr_unit(tr_mix64(key + 2 * k)), v = tr_unit(tr_mix64(key + 2 * k + 1));
        double r = pow(a - u * (a - b), 1 / (1 - beta)) - r0;
        if (v < exp(-r / 350.0) || k == 64) return r;
    }
}

/* The antenna, among 16 drawn at random, whose distance from home is closest to r. */
static int32_t trip_destination(const struct tr_world *w, int32_t home, double r, uint64_t key)
{
    int32_t best = home;
    double best_gap = INFINITY;
    for (uint64_t k = 0; k < 16; k++) {
        int32_t a = (int32_t)(tr_unit(tr_mix64(key ^ (k * 0x9e3779b97f4a7c15ULL))) * w->n_antennas);
        double gap = fabs(tr_antenna_km(w, home, a) - r);
        if (gap < best_gap) best_gap = gap, best = a;
    }
    return best;
}

/* A trip that covers window day `day`, if any: trips start in week wk at a keyed day of the
 * week and last 1-3 days, so one starting late in the previous week may still be running. */
static int on_trip(const struct tr_world *w, const struct tr_person *p, int64_t day, int32_t *dest)
{
    double p_trip = 0.06 + 0.30 * (1 - p->stability);
    for (int64_t wk = day / 7; wk >= 0 && wk >= day / 7 - 1; wk--) {
        uint64_t key = tr_key(w->seed, TR_S_TRIP, (uint64_t)p->index, (uint64_t)wk);
        if (tr_unit(key) >= p_trip) continue;
        int64_t first = wk * 7 + (int64_t)(tr_mix64(key + 1) % 7);
        int64_t len = 1 + (int64_t)(tr_mix64(key + 2) % 3);
        if (day >= first && day < first + len) {
            *dest = trip_destination(w, p->home, trip_distance_km(tr_mix64(key + 3)), key + 4);
            return 1;
        }
    }
    return 0;
}

int32_t tr_location(const struct tr_world *w, const struct tr_person *p, int64_t t,
                    uint64_t event_key)
{
    if (p->kind == TR_KIND_SIMBOX) return p->home; /* a box in a back room */
    int64_t rel = t - w->start_epoch;
    int64_t day = rel >= 0 ? rel / 86400 : -1;
    int hour = (int)((rel % 86400 + 86400) % 86400 / 3600);
    double u = tr_unit(tr_mix64(event_key ^ 0x5bd1e995ULL));
    int32_t dest;
    if (day >= 0 && on_trip(w, p, day, &dest))
        return u < 0.85 ? dest : w->antennas[dest].neighbour[(int)(u * 1000) % 4];
    int32_t other = p->other[(int)(u * 1e6) & 1];
    int weekend = (w->start_day + day + 3) % 7 >= 5;
    if (hour < 7 || hour >= 19) return u < 0.80 + 0.15 * p->stability ? p->home : other;
    if (weekend) return u < 0.45 + 0.3 * p->stability ? p->home : other;
    if (u < 0.70) return p->work;
    return u < 0.85 ? p->home : other;
}

int32_t tr_far_antenna(const struct tr_world *w, int32_t a, double min_km, uint64_t key)
{
    int32_t best = a;
    double best_km = -1;
    for (uint64_t k = 0; k < 256; k++) {
        int32_t b = (int32_t)(tr_unit(tr_mix64(key + k)) * w->n_antennas);
        double km = tr_antenna_km(w, a, b);
        if (km >= min_km) return b;
        if (km > best_km) best_km = km, best = b;
    }
    return best; /* a small country: the farthest seen */
}
