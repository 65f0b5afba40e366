#include "features/basic.h"

#include "core/calendar.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
const struct tr_feature_info tr_basic_features[TR_BASIC_COUNT] = {
    [TR_BASIC_IN] = {"interactions_in", "count", "calls and texts received"},
    [TR_BASIC_OUT] = {"interactions_out", "count", "calls and texts made"},
    [TR_BASIC_CALLS] = {"calls", "count", "calls, both directions"},
    [TR_BASIC_TEXTS] = {"texts", "count", "texts, both directions"},
    [TR_BASIC_ACTIVE_DAYS] = {"active_days", "days", "distinct UTC days with a call or text"},
    [TR_BASIC_CONTACTS] = {"contacts", "count", "distinct other parties"},
    [TR_BASIC_DURATION_MEAN] = {"call_duration_mean", "seconds", "mean call duration, both directions; NaN without calls"},
    [TR_BASIC_DURATION_STD] = {"call_duration_std", "seconds", "population standard deviation of call durations; NaN without calls"},
    [TR_BASIC_NOCTURNAL] = {"percent_nocturnal", "share", "share of calls and texts from 19:00 to 07:00 of run.timezone (19:00 included, 07:00 not); NaN without any"},
    [TR_BASIC_INITIATED] = {"percent_initiated", "share", "share of calls and texts the subscriber made; NaN without any"},
    [TR_BASIC_ANTENNAS] = {"antennas", "count", "distinct known antennas on the subscriber's side"},
    [TR_BASIC_ENTROPY] = {"entropy_of_contacts", "nats", "entropy of the shares of records with each other party, ln N - sum n ln n / N; NaN without any"},
    [TR_BASIC_INTEREVENT_MEAN] = {"interevent_time_mean", "seconds", "mean gap between consecutive records, (last - first) / (N - 1); NaN with fewer than two"},
};
/* clang-format on */

void tr_basic_scratch_init(struct tr_basic_scratch *s, size_t n_antennas)
{
    memset(s, 0, sizeof *s);
    s->n_antennas = n_antennas;
    s->antenna_seen = TR_CALLOC(n_antennas + 1, sizeof *s->antenna_seen);
}

void tr_basic_scratch_free(struct tr_basic_scratch *s)
{
    free(s->contact);
    free(s->count);
    free(s->order);
    free(s->antenna_seen);
    memset(s, 0, sizeof *s);
}

/* Room for n distinct contacts at most half full; the table cleared. */
static void contacts_reset(struct tr_basic_scratch *s, size_t n)
{
    size_t slots = 64;
    while (slots < 2 * n)
        slots *= 2;
    s->mask = slots - 1; /* this subscriber's part of the table: small ones stay in cache */
    if (slots > s->slots) {
        s->slots = slots;
        s->contact = TR_REALLOC(s->contact, sizeof *s->contact * slots);
        s->count = TR_REALLOC(s->count, sizeof *s->count * slots);
        s->order = TR_REALLOC(s->order, sizeof *s->order * slots);
        memset(s->contact, 0, sizeof *s->contact * slots);
    }
}

/* Counts one record with other; returns the number of distinct contacts so far. */
static size_t contact_add(struct tr_basic_scratch *s, size_t distinct, uint64_t other)
{
    const size_t mask = s->mask;
    size_t h = (size_t)((other * 0x9E3779B97F4A7C15ull) >> 32) & mask;
    while (s->contact[h] != 0 && s->contact[h] != other + 1)
        h = (h + 1) & mask;
    if (s->contact[h] == 0) {
        s->contact[h] = other + 1;
        s->count[h] = 0;
        s->order[distinct++] = (uint32_t)h;
    }
    s->count[h]++;
    return distinct;
}

void tr_basic_compute(const struct tr_cdr *c, size_t n, const struct tr_tz *zone,
                      struct tr_basic_scratch *s, double *out)
{
    for (int k = 0; k < TR_BASIC_COUNT; k++)
        out[k] = 0;
    if (n == 0) {
        out[TR_BASIC_DURATION_MEAN] = out[TR_BASIC_DURATION_STD] = NAN;
        out[TR_BASIC_NOCTURNAL] = out[TR_BASIC_INITIATED] = NAN;
        out[TR_BASIC_ENTROPY] = out[TR_BASIC_INTEREVENT_MEAN] = NAN;
        return;
    }
    contacts_reset(s, n);
    if (++s->stamp == 0) { /* the stamps wrapped: forget them all */
        memset(s->antenna_seen, 0, sizeof *s->antenna_seen * s->n_antennas);
        s->stamp = 1;
    }
    size_t outgoing = 0, calls = 0, night = 0, days = 0, antennas = 0, distinct = 0;
    int64_t last_day = 0;
    double duration_sum = 0;
    /* A contact the subscriber shares with UINT64_MAX wraps to 0 in the table (key + 1): it is
     * counted apart. */
    size_t max_contact = 0;
    for (size_t k = 0; k < n; k++) {
        outgoing += c[k].outgoing;
        if (!c[k].text) calls++, duration_sum += c[k].duration;
        const int64_t t = tr_tz_local(zone, c[k].t), day = tr_day_of(t), second = t - day * 86400;
        night += second >= 19 * 3600 || second < 7 * 3600;
        days += k == 0 || day != last_day;
        last_day = day;
        const int32_t a = (int32_t)c[k].antenna_self;
        if (a >= 0 && s->antenna_seen[a] != s->stamp) s->antenna_seen[a] = s->stamp, antennas++;
        if (c[k].other == UINT64_MAX)
            max_contact++;
        else
            distinct = contact_add(s, distinct, c[k].other);
    }
    double weighted = 0; /* sum of n ln n over contacts, in first-seen order */
    for (size_t k = 0; k < distinct; k++) {
        const size_t h = s->order[k];
        weighted += (double)s->count[h] * log((double)s->count[h]);
        s->contact[h] = 0; /* the table left clear for the next subscriber */
    }
    if (max_contact) weighted += (double)max_contact * log((double)max_contact), distinct++;
    const double N = (double)n;
    out[TR_BASIC_IN] = (double)(n - outgoing);
    out[TR_BASIC_OUT] = (double)outgoing;
    out[TR_BASIC_CALLS] = (double)calls;
    out[TR_BASIC_TEXTS] = (double)(n - calls);
    out[TR_BASIC_ACTIVE_DAYS] = (double)days;
    out[TR_BASIC_CONTACTS] = (double)distinct;
    out[TR_BASIC_NOCTURNAL] = (double)night / N;
    out[TR_BASIC_INITIATED] = (double)outgoing / N;
    out[TR_BASIC_ANTENNAS] = (double)antennas;
    out[TR_BASIC_ENTROPY] = log(N) - weighted / N;
    out[TR_BASIC_INTEREVENT_MEAN] = n > 1 ? (double)(c[n - 1].t - c[0].t) / (N - 1) : NAN;
    if (calls == 0) {
        out[TR_BASIC_DURATION_MEAN] = out[TR_BASIC_DURATION_STD] = NAN;
        return;
    }
    const double mean = duration_sum / (double)calls;
    double squares = 0; /* a second pass: exact for large, close durations */
    for (size_t k = 0; k < n; k++)
        if (!c[k].text) squares += ((double)c[k].duration - mean) * ((double)c[k].duration - mean);
    out[TR_BASIC_DURATION_MEAN] = mean;
    out[TR_BASIC_DURATION_STD] = sqrt(squares / (double)calls);
}
