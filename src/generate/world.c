#include "generate/world.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Invented names; a country with more regions numbers the rest. */
static const char *const region_names[] = {
    "Kilima", "Pwani",     "Mvuli", "Ziwani",    "Nyanda", "Mlimani", "Bonde", "Msitu",
    "Kusini", "Magharibi", "Kati",  "Mashariki", "Jangwa", "Visiwa",  "Mto",   "Tambarare",
};
#define N_NAMES (sizeof region_names / sizeof region_names[0])

/* The country's bounding box, degrees: about 1,100 km by 1,150 km. */
static const double LAT_MIN = -11.0, LAT_MAX = -1.0, LON_MIN = 29.5, LON_MAX = 40.0;
static const double KM_PER_DEG = 111.195;

double tr_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * 6371.0 * asin(fmin(1.0, sqrt(a)));
}

double tr_antenna_km(const struct tr_world *w, int32_t a, int32_t b)
{
    return tr_haversine_km(w->antennas[a].lat, w->antennas[a].lon, w->antennas[b].lat,
                           w->antennas[b].lon);
}

/* Zipf-like population shares in a shuffled order: a few big regions, many small ones. */
static void place_regions(struct tr_world *w, gsl_rng *r)
{
    int n = w->n_regions;
    int cols = (int)ceil(sqrt((double)n)), rows = (n + cols - 1) / cols;
    double cell_lat = (LAT_MAX - LAT_MIN) / rows, cell_lon = (LON_MAX - LON_MIN) / cols;
    int *order = TR_MALLOC(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        order[i] = i;
    gsl_ran_shuffle(r, order, (size_t)n, sizeof(int));
    double total = 0;
    for (int i = 0; i < n; i++)
        total += 1.0 / (order[i] + 1.0);
    for (int i = 0; i < n; i++) {
        struct tr_region *g = &w->regions[i];
        if ((size_t)i < N_NAMES)
            snprintf(g->name, sizeof g->name, "%s", region_names[i]);
        else
            snprintf(g->name, sizeof g->name, "Region %02d", i + 1);
        g->population_share = 1.0 / (order[i] + 1.0) / total;
        int row = i / cols, col = i % cols;
        g->lat = LAT_MIN + (row + 0.5 + 0.5 * (gsl_rng_uniform(r) - 0.5)) * cell_lat;
        g->lon = LON_MIN + (col + 0.5 + 0.5 * (gsl_rng_uniform(r) - 0.5)) * cell_lon;
        g->spread_km = 0.3 * fmin(cell_lat, cell_lon) * KM_PER_DEG;
        /* Baseline default odds differ by a factor of about 4 between the safest and the
         * riskiest region; the national rate lands near 8%. */
        double u = (order[(i * 7 + 3) % n] + 0.5) / n;
        g->pd_intercept = -2.75 + 0.7 * (2 * u - 1);
    }
    free(order);
}

/* Subscribers per region from the shares, every region at least one, contiguous index ranges. */
static void split_subscribers(struct tr_world *w)
{
    int64_t given = 0;
    for (int i = 0; i < w->n_regions; i++) {
        struct tr_region *g = &w->regions[i];
        g->subscribers = (int64_t)floor(g->population_share * (double)w->subscribers);
        if (g->subscribers < 1) g->subscribers = 1;
        given += g->subscribers;
    }
    /* Hand out or take back the rounding remainder from the largest regions. */
    for (int i = 0; given != w->subscribers; i = (i + 1) % w->n_regions) {
        struct tr_region *g = &w->regions[i];
        if (given < w->subscribers) {
            g->subscribers++, given++;
        } else if (g->subscribers > 1) {
            g->subscribers--, given--;
        }
    }
    int64_t first = 0;
    for (int i = 0; i < w->n_regions; i++) {
        w->regions[i].first_subscriber = first;
        first += w->regions[i].subscribers;
    }
}

static void offset_km(double lat, double lon, double north_km, double east_km, double *out_lat,
                      double *out_lon)
{
    *out_lat = lat + north_km / KM_PER_DEG;
    *out_lon = lon + east_km / (KM_PER_DEG * cos(lat * M_PI / 180.0));
    if (*out_lat < LAT_MIN - 1) *out_lat = LAT_MIN - 1;
    if (*out_lat > LAT_MAX + 1) *out_lat = LAT_MAX + 1;
}

/* Antennas: a dense city cluster (sectors sharing towers) and a sparse rural spread. */
static void place_antennas(struct tr_world *w, gsl_rng *r)
{
    int64_t target = w->subscribers / 100;
    if (target < 10 * w->n_regions) target = 10 * w->n_regions;
    if (target > 60000) target = 60000;
    double norm = 0;
    for (int i = 0; i < w->n_regions; i++)
        norm += pow(w->regions[i].population_share, 0.8);
    int32_t *count = TR_MALLOC(sizeof(int32_t) * (size_t)w->n_regions);
    w->n_antennas = 0;
    for (int i = 0; i < w->n_regions; i++) {
        count[i] =
            (int32_t)lround((double)target * pow(w->regions[i].population_share, 0.8) / norm);
        if (count[i] < 4) count[i] = 4;
        w->n_antennas += count[i];
    }
    w->antennas = TR_CALLOC((size_t)w->n_antennas, sizeof(struct tr_antenna));
    int32_t a = 0, tower = 0;
    for (int i = 0; i < w->n_regions; i++) {
        struct tr_region *g = &w->regions[i];
        g->first_antenna = a;
        g->antennas = count[i];
        int32_t city = (int32_t)ceil(0.6 * count[i]);
        while (a < g->first_antenna + count[i]) {
            int in_city = a - g->first_antenna < city;
            double sd = in_city ? 6.0 : g->spread_km;
            double lat, lon;
            offset_km(g->lat, g->lon, gsl_ran_gaussian(r, sd), gsl_ran_gaussian(r, sd), &lat, &lon);
            int sectors = in_city ? 1 + (int)gsl_rng_uniform_int(r, 3) : 1;
            for (int s = 0; s < sectors && a < g->first_antenna + count[i]; s++, a++) {
                w->antennas[a].lat = lat;
                w->antennas[a].lon = lon;
                w->antennas[a].region = i;
                w->antennas[a].tower = tower;
            }
            tower++;
        }
    }
    w->n_towers = tower;
    free(count);
}

struct by_lat {
    double lat;
    int32_t index;
};

static int cmp_by_lat(const void *pa, const void *pb)
{
    const struct by_lat *a = pa, *b = pb;
    if (a->lat != b->lat) return a->lat < b->lat ? -1 : 1;
    return a->index - b->index;
}

/* Keeps the best TR_NEIGHBOURS candidates (sorted insert; ties by index for determinism). */
static void offer(struct tr_antenna *an, int *n, int32_t cand, float km)
{
    int pos = *n < TR_NEIGHBOURS ? *n : TR_NEIGHBOURS;
    while (pos > 0 && (an->neighbour_km[pos - 1] > km ||
                       (an->neighbour_km[pos - 1] == km && an->neighbour[pos - 1] > cand)))
        pos--;
    if (pos >= TR_NEIGHBOURS) return;
    int last = *n < TR_NEIGHBOURS ? *n : TR_NEIGHBOURS - 1;
    for (int k = last; k > pos; k--) {
        an->neighbour[k] = an->neighbour[k - 1];
        an->neighbour_km[k] = an->neighbour_km[k - 1];
    }
    an->neighbour[pos] = cand;
    an->neighbour_km[pos] = km;
    if (*n < TR_NEIGHBOURS) (*n)++;
}

/* Nearest antennas by a latitude-band scan: stop once the latitude gap alone is too far. */
static void find_neighbours(struct tr_world *w)
{
    int32_t n = w->n_antennas;
    struct by_lat *sorted = TR_MALLOC(sizeof(struct by_lat) * (size_t)n);
    int32_t *rank = TR_MALLOC(sizeof(int32_t) * (size_t)n);
    for (int32_t i = 0; i < n; i++)
        sorted[i] = (struct by_lat){w->antennas[i].lat, i};
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_by_lat);
    for (int32_t i = 0; i < n; i++)
        rank[sorted[i].index] = i;
    for (int32_t i = 0; i < n; i++) {
        struct tr_antenna *an = &w->antennas[i];
        int found = 0;
        for (int dir = -1; dir <= 1; dir += 2) {
            for (int32_t k = rank[i] + dir; k >= 0 && k < n; k += dir) {
                double gap = fabs(sorted[k].lat - an->lat) * KM_PER_DEG;
                if (found == TR_NEIGHBOURS && gap > an->neighbour_km[TR_NEIGHBOURS - 1]) break;
                int32_t j = sorted[k].index;
                offer(an, &found, j, (float)tr_antenna_km(w, i, j));
            }
        }
        for (int k = found; k < TR_NEIGHBOURS; k++) { /* tiny countries: repeat the nearest */
            an->neighbour[k] = found ? an->neighbour[0] : i;
            an->neighbour_km[k] = found ? an->neighbour_km[0] : 0;
        }
    }
    free(rank);
    free(sorted);
}

/* generate.shift (its form checked with the config): the region by name, -1 when it names
 * none of this country's (tr_generate refuses that). */
static void find_shift(struct tr_world *w, const struct tr_config *cfg)
{
    char name[32], why[256];
    w->shift_region = -1;
    if (tr_config_shift(cfg->generate.shift, name, &w->shift_channel, &w->shift_factor, why,
                        sizeof why))
        TR_DIE(TR_EXIT_INTERNAL, "generate.shift %s, yet passed validation", why);
    for (int32_t g = 0; g < w->n_regions && w->shift_channel != TR_SHIFT_NONE; g++)
        if (strcmp(w->regions[g].name, name) == 0) w->shift_region = g;
}

double tr_world_shift(const struct tr_world *w, int32_t region, enum tr_shift_channel channel)
{
    return region == w->shift_region && channel == w->shift_channel ? w->shift_factor : 1.0;
}

void tr_world_build(struct tr_world *w, const struct tr_config *cfg)
{
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->seed = cfg->run.seed;
    w->subscribers = cfg->generate.subscribers;
    w->n_regions = (int32_t)cfg->generate.regions;
    w->days = cfg->generate.days;
    /* tr_config_validate refuses a generate.start that is not a date (exit 1, naming the key):
     * one here is a configuration that skipped validation, a bug. */
    if (tr_parse_date(cfg->generate.start, &w->start_day))
        TR_DIE(TR_EXIT_INTERNAL, "generate.start '%s' is not a date, yet passed validation",
               cfg->generate.start);
    w->start_epoch = w->start_day * 86400;
    w->regions = TR_CALLOC((size_t)w->n_regions, sizeof(struct tr_region));

    gsl_rng *r = tr_rng_alloc();
    gsl_rng_set(r, tr_key(w->seed, TR_S_REGION, 0, 0));
    place_regions(w, r);
    split_subscribers(w);
    gsl_rng_set(r, tr_key(w->seed, TR_S_ANTENNA, 0, 0));
    place_antennas(w, r);
    find_neighbours(w);
    gsl_rng_free(r);
    find_shift(w, cfg);

    w->index_bits = 1;
    while (((uint64_t)1 << w->index_bits) < (uint64_t)w->subscribers)
        w->index_bits++;
    for (int m = 0; m < 3; m++) {
        uint64_t mask = 0;
        /* Distinct non-zero masks, so i XOR mask gives each person distinct partners. */
        for (uint64_t salt = 0;; salt++) {
            mask = tr_key(w->seed, TR_S_LONG, (uint64_t)m, salt) &
                   (((uint64_t)1 << w->index_bits) - 1);
            int fresh = mask != 0;
            for (int k = 0; k < m; k++)
                fresh = fresh && mask != w->long_masks[k];
            if (fresh || w->index_bits < 3) break;
        }
        w->long_masks[m] = mask;
    }
}

void tr_world_free(struct tr_world *w)
{
    free(w->regions);
    free(w->antennas);
    memset(w, 0, sizeof *w);
}

int32_t tr_world_region_of(const struct tr_world *w, int64_t i)
{
    int32_t lo = 0, hi = w->n_regions - 1;
    while (lo < hi) {
        int32_t mid = (lo + hi + 1) / 2;
        if (w->regions[mid].first_subscriber <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
