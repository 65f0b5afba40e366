/* bandicoot's spatial.py: positions are first binned in 30-minute slots (the most frequent
 * antenna of each run of records sharing a slot), then counted. Antennas are dense ids; a
 * record without an antenna is a position of its own (bandicoot's empty Position()). */
#include "features/bandicoot/bc_internal.h"

#include <math.h>

/* The mode of the run idx[a..b) with bandicoot's tie rule (max over the list with key=count:
 * the first element reaching the highest count). */
static int32_t run_mode(const struct bc_job *j, const uint32_t *idx, size_t a, size_t b)
{
    struct tr_bc_scratch *s = j->s;
    if (b - a == 1) return s->aid[idx[a]];
    uint32_t gen = bc_next_gen(s);
    int32_t best = 0;
    for (size_t k = a; k < b; k++) {
        int32_t x = s->aid[idx[k]];
        if (s->a_stamp[x] != gen) s->a_stamp[x] = gen, s->a_count[x] = 0;
        if (++s->a_count[x] > best) best = s->a_count[x];
    }
    for (size_t k = a;; k++)
        if (s->a_count[s->aid[idx[k]]] == best) return s->aid[idx[k]];
}

/* Runs of consecutive records with the same slot key. The key is bandicoot's (year, day of
 * month, hour, minute // 30): it has no month, so records a whole number of months apart with
 * nothing between them share a slot, as in bandicoot. */
size_t bc_bin_positions(const struct bc_job *j, const uint32_t *idx, size_t n, int32_t *out)
{
    const int64_t *bin = j->s->bin;
    size_t np = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && bin[idx[b]] == bin[idx[a]])
            b++;
        out[np++] = run_mode(j, idx, a, b);
        a = b;
    }
    return np;
}

/* Counts of each position in p[0..n), the distinct ones in first-seen order into a_touched. */
static size_t count_positions(const struct bc_job *j, const int32_t *p, size_t n)
{
    struct tr_bc_scratch *s = j->s;
    uint32_t gen = bc_next_gen(s);
    size_t nd = 0;
    for (size_t k = 0; k < n; k++) {
        int32_t x = p[k];
        if (s->a_stamp[x] != gen) {
            s->a_stamp[x] = gen;
            s->a_count[x] = 0;
            s->a_touched[nd++] = x;
        }
        s->a_count[x]++;
    }
    return nd;
}

void bc_find_home(struct bc_job *j)
{
    struct tr_bc_scratch *s = j->s;
    size_t n = 0;
    for (size_t r = 0; r < j->u->n_records; r++)
        if (s->flags[r] & BC_F_NIGHT) s->sel[n++] = (uint32_t)r;
    size_t np = bc_bin_positions(j, s->sel, n, s->binned);
    size_t nd = count_positions(j, s->binned, np);
    j->home = -1;
    int32_t best = 0;
    for (size_t k = 0; k < nd; k++) { /* first seen wins a tie, as Counter.most_common */
        int32_t x = s->a_touched[k];
        if (s->a_count[x] > best) best = s->a_count[x], j->home = x;
    }
}

#define DEG_TO_RAD (M_PI / 180.0) /* as Python's math.radians */

/* Great-circle distance in km (haversine, R = 6371), as bandicoot's helper; the cosines of the
 * latitudes come in precomputed. */
static double great_circle(double lat1, double lon1, double cos1, double lat2, double lon2,
                           double cos2)
{
    double dlat = (lat1 - lat2) * DEG_TO_RAD, dlon = (lon1 - lon2) * DEG_TO_RAD;
    double sdlat = sin(dlat / 2), sdlon = sin(dlon / 2);
    double a = sdlat * sdlat + cos1 * cos2 * sdlon * sdlon;
    return 6371.0 * 2.0 * asin(sqrt(a));
}

/* Around the count-weighted barycentre of the located positions; None without any. */
static double radius_of_gyration(const struct bc_job *j, size_t nd)
{
    const struct tr_bc_scratch *s = j->s;
    int64_t weight = 0;
    double blat = 0, blon = 0;
    for (size_t k = 0; k < nd; k++) {
        int32_t x = s->a_touched[k];
        if (isnan(s->a_lat[x])) continue;
        weight += s->a_count[x];
        blat += s->a_lat[x] * s->a_count[x];
        blon += s->a_lon[x] * s->a_count[x];
    }
    if (weight == 0) return NAN;
    blat /= (double)weight;
    blon /= (double)weight;
    double r = 0, bcos = cos(blat * DEG_TO_RAD);
    for (size_t k = 0; k < nd; k++) {
        int32_t x = s->a_touched[k];
        if (isnan(s->a_lat[x])) continue;
        double d = great_circle(blat, blon, bcos, s->a_lat[x], s->a_lon[x], s->a_cos[x]);
        r += (double)s->a_count[x] / (double)weight * (d * d);
    }
    return sqrt(r);
}

void bc_group_spatial(const struct bc_job *j, const uint32_t *idx, size_t n, double *row)
{
    struct tr_bc_scratch *s = j->s;
    size_t np = bc_bin_positions(j, idx, n, s->binned);
    size_t nd = count_positions(j, s->binned, np);
    row[BC_SLOT(BC_NUMBER_OF_ANTENNAS, 0)] = (double)nd;
    row[BC_SLOT(BC_ENTROPY_OF_ANTENNAS, 0)] = bc_entropy(s->a_count, s->a_touched, nd, (int64_t)np);
    /* bandicoot 0.6 keeps a home even when it is the records without antenna (its empty
     * Position()), and then counts those as at home; older versions gave None there. */
    double at_home = NAN;
    if (j->home >= 0)
        at_home = (double)(s->a_stamp[j->home] == s->gen ? s->a_count[j->home] : 0) / (double)np;
    row[BC_SLOT(BC_PERCENT_AT_HOME, 0)] = at_home;
    row[BC_SLOT(BC_RADIUS_OF_GYRATION, 0)] = radius_of_gyration(j, nd);
    for (size_t k = 0; k < nd; k++)
        s->tmp64[k] = s->a_count[s->a_touched[k]];
    int64_t target = (int64_t)ceil((double)np * 0.8);
    row[BC_SLOT(BC_FREQUENT_ANTENNAS, 0)] = (double)bc_pareto_count(s->tmp64, nd, target);
}

/* One week's binned positions as frequencies in a_cur (cleared by the caller). */
static void week_frequencies(const struct bc_job *j, const uint32_t *idx, size_t n)
{
    struct tr_bc_scratch *s = j->s;
    size_t np = bc_bin_positions(j, idx, n, s->binned);
    for (size_t k = 0; k < np; k++)
        s->a_cur[s->binned[k]] += 1;
    for (size_t a = 0; a < j->n_antennas; a++)
        s->a_cur[a] /= (double)np;
}

/* 1 - cosine similarity of consecutive weeks' frequency vectors. */
static double cosine_distance(const struct bc_job *j)
{
    const struct tr_bc_scratch *s = j->s;
    double num = 0, d1 = 0, d2 = 0;
    for (size_t a = 0; a < j->n_antennas; a++) {
        num += s->a_prev[a] * s->a_cur[a];
        d1 += s->a_prev[a] * s->a_prev[a];
        d2 += s->a_cur[a] * s->a_cur[a];
    }
    return 1 - num / (sqrt(d1) * sqrt(d2));
}

/* churn_rate: all records, always by ISO week whatever the grouping, weeks with records only. */
size_t bc_churn_distances(const struct bc_job *j, double *dist)
{
    struct tr_bc_scratch *s = j->s;
    size_t n = j->u->n_records, weeks = 0, nd = 0;
    for (size_t r = 0; r < n; r++)
        s->sub[r] = (uint32_t)r;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && s->week[b] == s->week[a])
            b++;
        double *swap = s->a_prev;
        s->a_prev = s->a_cur;
        s->a_cur = swap;
        for (size_t x = 0; x < j->n_antennas; x++)
            s->a_cur[x] = 0;
        week_frequencies(j, s->sub + a, b - a);
        if (weeks++ > 0) dist[nd++] = cosine_distance(j);
        a = b;
    }
    return nd;
}
