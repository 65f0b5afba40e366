#include "generate/social.h"

#include "core/rng.h"
#include "generate/person.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

static uint64_t pair_key(const struct tr_world *w, uint64_t purpose, int64_t a, int64_t b)
{
    int64_t lo = a < b ? a : b, hi = a < b ? b : a;
    return tr_key(w->seed, purpose, (uint64_t)lo, (uint64_t)hi);
}

static double edge_weight(const struct tr_world *w, int64_t a, int64_t b)
{
    double u = tr_unit(pair_key(w, TR_S_WEIGHT, a, b));
    return exp(1.2 * gsl_cdf_ugaussian_Pinv(fmin(fmax(u, 1e-12), 1 - 1e-12)));
}

static int local_edge(const struct tr_world *w, int64_t a, double soc_a, int64_t b)
{
    if (tr_person_kind(w, b) == TR_KIND_SIMBOX) return 0;
    double p = fmin(0.95, 0.45 * soc_a * tr_person_sociability(w, b));
    return tr_unit(pair_key(w, TR_S_EDGE, a, b)) < p;
}

int tr_contacts(const struct tr_world *w, int64_t i, struct tr_contact out[TR_MAX_CONTACTS])
{
    if (tr_person_kind(w, i) == TR_KIND_SIMBOX) return 0;
    const struct tr_region *g = &w->regions[tr_world_region_of(w, i)];
    const double soc = tr_person_sociability(w, i);
    /* Circular distance within the region, so every member has the same number of candidates
     * and no candidate is reached from both sides. */
    int64_t reach = (g->subscribers - 1) / 2;
    if (reach > TR_LOCAL_REACH) reach = TR_LOCAL_REACH;
    int n = 0;
    int64_t pos = i - g->first_subscriber;
    for (int64_t d = -reach; d <= reach; d++) {
        if (d == 0) continue;
        int64_t j =
            g->first_subscriber + ((pos + d) % g->subscribers + g->subscribers) % g->subscribers;
        if (local_edge(w, i, soc, j)) out[n++] = (struct tr_contact){j, edge_weight(w, i, j)};
    }
    for (int m = 0; m < 3; m++) {
        int64_t j = (int64_t)((uint64_t)i ^ w->long_masks[m]);
        if (j >= w->subscribers || j == i) continue;
        /* Skip a partner that is already a local candidate: one edge per pair. */
        if (tr_world_region_of(w, j) == tr_world_region_of(w, i)) {
            int64_t dj = j - g->first_subscriber - pos;
            dj = ((dj % g->subscribers) + g->subscribers) % g->subscribers;
            if (dj <= reach || g->subscribers - dj <= reach) continue;
        }
        if (tr_person_kind(w, j) == TR_KIND_SIMBOX) continue;
        if (tr_unit(tr_key(w->seed, TR_S_LONG, (uint64_t)(i < j ? i : j),
                           (uint64_t)(i < j ? j : i))) >= 0.5)
            continue;
        out[n++] = (struct tr_contact){j, 0.5 * edge_weight(w, i, j)};
    }
    return n;
}
