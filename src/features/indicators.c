#include "features/indicators.h"

#include "core/error.h"

#include <math.h>

/* clang-format off */
const struct tr_feature_info tr_call_features[TR_CF_COUNT] = {
    [TR_CF_INTERACTIONS_IN] = {"interactions_in", "count", "calls and texts received"},
    [TR_CF_INTERACTIONS_OUT] = {"interactions_out", "count", "calls and texts made"},
    [TR_CF_CALLS] = {"calls", "count", "calls made or received"},
    [TR_CF_TEXTS] = {"texts", "count", "texts sent or received"},
    [TR_CF_CONTACTS] = {"contacts", "count", "distinct correspondents of calls and texts, either direction"},
    [TR_CF_ACTIVE_DAYS] = {"active_days", "days", "days with at least one call or text, either direction"},
    [TR_CF_CALL_DURATION_MEAN] = {"call_duration_mean", "s", "mean duration of calls made or received; NaN without calls"},
    [TR_CF_CALL_DURATION_STD] = {"call_duration_std", "s", "population standard deviation of call durations; NaN without calls"},
    [TR_CF_PERCENT_NOCTURNAL] = {"percent_nocturnal", "fraction", "share of calls and texts between 19:00 and 07:00 (both inclusive); NaN without any"},
    [TR_CF_ANTENNAS] = {"antennas", "count", "distinct known antennas at which the subscriber's calls and texts were placed"},
};
/* clang-format on */
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

static int cmp_u64(const void *a, const void *b)
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
    qsort(v, n, sizeof *v, cmp_u64);
    size_t d = 0;
    for (size_t k = 0; k < n; k++) d += k == 0 || v[k] != v[k - 1];
    return d;
}

/* Bandicoot's night: 19:00 to 07:00, both edges inclusive. */
static int is_night(int64_t t)
{
    int64_t sec = ((t % 86400) + 86400) % 86400;
    return sec >= 19 * 3600 || sec <= 7 * 3600;
}

static int64_t day_of(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* The most frequent value of v[0..n) (sorted in place); the smallest on a tie. -1 if n = 0. */
static int32_t mode_i32(int32_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_i32);
    int32_t best = -1;
    size_t best_n = 0;
    for (size_t k = 0; k < n;) {
        size_t e = k;
        while (e < n && v[e] == v[k]) e++;
        if (e - k > best_n) best_n = e - k, best = v[k];
        k = e;
    }
    return best;
}

static void call_indicators(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                            double *out, int32_t *home)
{
    int64_t in = 0, outgoing = 0, calls = 0, texts = 0, night = 0, days = 0, last_day = INT64_MIN;
    double sum = 0, sum2 = 0;
    tr_indicator_scratch_reserve(s, r->n_cdr + 1);
    size_t n_ant = 0;
    for (size_t k = 0; k < r->n_cdr; k++) {
        const struct tr_cdr *c = &r->cdr[k];
        c->outgoing ? outgoing++ : in++;
        if (c->text) {
            texts++;
        } else {
            calls++;
            sum += c->duration;
            sum2 += (double)c->duration * c->duration;
        }
        night += is_night(c->t);
        int64_t d = day_of(c->t);
        days += d != last_day;
        last_day = d;
        s->keys[k] = c->other;
        if (c->antenna_self >= 0) s->antennas[n_ant++] = c->antenna_self;
    }
    out[TR_CF_INTERACTIONS_IN] = (double)in;
    out[TR_CF_INTERACTIONS_OUT] = (double)outgoing;
    out[TR_CF_CALLS] = (double)calls;
    out[TR_CF_TEXTS] = (double)texts;
    out[TR_CF_CONTACTS] = (double)tr_distinct_u64(s->keys, r->n_cdr);
    out[TR_CF_ACTIVE_DAYS] = (double)days;
    double mean = calls ? sum / (double)calls : NAN;
    out[TR_CF_CALL_DURATION_MEAN] = mean;
    out[TR_CF_CALL_DURATION_STD] = calls ? sqrt(fmax(0, sum2 / (double)calls - mean * mean)) : NAN;
    out[TR_CF_PERCENT_NOCTURNAL] = r->n_cdr ? (double)night / (double)r->n_cdr : NAN;
    /* Distinct antennas, and home: the most frequent at night, else overall. */
    size_t n_night = 0;
    for (size_t k = 0; k < r->n_cdr; k++)
        if (r->cdr[k].antenna_self >= 0 && is_night(r->cdr[k].t)) s->antennas[n_ant + n_night++] = r->cdr[k].antenna_self;
    *home = n_night ? mode_i32(s->antennas + n_ant, n_night) : -1;
    qsort(s->antennas, n_ant, sizeof *s->antennas, cmp_i32);
    size_t distinct = 0;
    for (size_t k = 0; k < n_ant; k++) distinct += k == 0 || s->antennas[k] != s->antennas[k - 1];
    out[TR_CF_ANTENNAS] = (double)distinct;
    if (*home < 0 && n_ant) *home = mode_i32(s->antennas, n_ant);
}

void tr_indicators_calls(const struct tr_subscriber_records *r, struct tr_indicator_scratch *s,
                         double *out, int32_t *home_antenna)
{
    tr_indicator_scratch_reserve(s, 2 * r->n_cdr + 1);
    call_indicators(r, s, out, home_antenna);
}
