#include "features/indicators.h"

#include "core/error.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

void tr_indicator_scratch_free(struct tr_indicator_scratch *s)
{
    free(s->keys);
    free(s->antennas);
    memset(s, 0, sizeof *s);
}

void tr_indicator_scratch_reserve(struct tr_indicator_scratch *s, size_t n)
{
    if (n <= s->cap) return;
    s->cap = n * 2;
    s->keys = TR_REALLOC(s->keys, sizeof *s->keys * s->cap);
    s->antennas = TR_REALLOC(s->antennas, sizeof *s->antennas * s->cap);
}

int tr_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

size_t tr_distinct_u64(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, tr_cmp_u64);
    size_t d = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || v[k] != v[d - 1]) v[d++] = v[k];
    return d;
}

/* Bandicoot's night: 19:00 to 07:00 of the local clock, both edges inclusive. */
static int is_night(const struct tr_tz *zone, int64_t t)
{
    const int64_t local = tr_tz_local(zone, t), sec = ((local % 86400) + 86400) % 86400;
    return sec >= 19 * 3600 || sec <= 7 * 3600;
}

/* The most frequent value of v[0..n) (sorted in place); the smallest on a tie. -1 if n = 0. */
static int32_t mode_i32(int32_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_i32);
    int32_t best = -1;
    size_t best_n = 0;
    for (size_t k = 0; k < n;) {
        size_t e = k;
        while (e < n && v[e] == v[k])
            e++;
        if (e - k > best_n) best_n = e - k, best = v[k];
        k = e;
    }
    return best;
}

int32_t tr_home_antenna(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s)
{
    tr_indicator_scratch_reserve(s, r->n_cdr + 1);
    size_t n_night = 0, n_all = 0;
    for (size_t k = 0; k < r->n_cdr; k++)
        if (r->cdr[k].antenna_self >= 0 && is_night(r->zone, r->cdr[k].t))
            s->antennas[n_night++] = r->cdr[k].antenna_self;
    if (n_night) return mode_i32(s->antennas, n_night);
    for (size_t k = 0; k < r->n_cdr; k++)
        if (r->cdr[k].antenna_self >= 0) s->antennas[n_all++] = r->cdr[k].antenna_self;
    return n_all ? mode_i32(s->antennas, n_all) : -1;
}
