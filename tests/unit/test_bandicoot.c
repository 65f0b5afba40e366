/* features/bandicoot: the trickier definitions on users small enough to work out by hand. Each
 * expected value is derived in the comment above its assertion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/bandicoot/bandicoot.h"
#include "features/bandicoot/bc_input.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ helpers */

#define MAX_RECORDS 200

struct user {
    struct tr_bc_record rec[MAX_RECORDS];
    struct tr_bc_recharge rch[MAX_RECORDS];
    struct tr_bc_position pos[8];
    size_t n, n_rch;
    int with_positions, with_recharges;
};

static int64_t when(const char *s)
{
    int64_t t;
    assert_int_equal(tr_bc_parse_datetime(s, 1, &t), 0);
    return t;
}

/* kind: 'c' call, 't' text; dir: 'i' in, 'o' out. Records must be added in time order. */
static void add(struct user *u, const char *at, char kind, char dir, uint64_t contact,
                int32_t duration, int32_t antenna)
{
    assert_true(u->n < MAX_RECORDS);
    u->rec[u->n++] = (struct tr_bc_record){.t = when(at),
                                           .correspondent = contact,
                                           .duration = kind == 'c' ? duration : -1,
                                           .antenna = antenna,
                                           .text = kind == 't',
                                           .outgoing = dir == 'o'};
}

static void add_recharge(struct user *u, const char *at, double amount)
{
    u->rch[u->n_rch++] = (struct tr_bc_recharge){when(at), amount};
    u->with_recharges = 1;
}

static const struct tr_bc_options NONE_DEFAULT = {0, 0, 0, 0, NULL};
static const struct tr_bc_options NONE_EXTENDED = {0, 1, 0, 0, NULL};

/* Computes u and returns the value of key (fails the test if the key does not exist). */
static double value(const struct user *u, const struct tr_bc_options *o, const char *key)
{
    const char *const *keys;
    size_t n = tr_bc_keys(o, &keys);
    struct tr_bc_user bu = {u->rec,
                            u->n,
                            u->rch,
                            u->n_rch,
                            u->with_positions ? u->pos : NULL,
                            u->with_positions ? 8 : 0,
                            u->with_recharges};
    double *v = malloc(sizeof *v * n);
    struct tr_bc_scratch s;
    tr_bc_scratch_init(&s);
    tr_bc_compute(&bu, o, &s, v);
    tr_bc_scratch_free(&s);
    for (size_t k = 0; k < n; k++) {
        if (strcmp(keys[k], key) == 0) {
            double x = v[k];
            free(v);
            return x;
        }
    }
    free(v);
    fail_msg("no key %s", key);
    return NAN;
}

static void assert_close(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want))))
        fail_msg("got %.17g, want %.17g", got, want);
}

/* ------------------------------------------------------------------ conversations */

static void test_conversations_and_response_delay(void **state)
{
    (void)state;
    struct user u = {0};
    /* Contact 1: in 00:00, out 00:01 (delay 60), in 00:02, in 00:03, out 00:05 (delay 120 from
     * the last incoming text), a call at 00:06 ends the conversation; out 00:08 starts one; in
     * 01:08 is exactly an hour later, so a third conversation, never answered. Contact 2's
     * texts interleave but are their own conversation: out 00:04 (initiated). */
    add(&u, "2015-03-02 00:00:00", 't', 'i', 1, 0, -1);
    add(&u, "2015-03-02 00:01:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 00:02:00", 't', 'i', 1, 0, -1);
    add(&u, "2015-03-02 00:03:00", 't', 'i', 1, 0, -1);
    add(&u, "2015-03-02 00:04:00", 't', 'o', 2, 0, -1);
    add(&u, "2015-03-02 00:05:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 00:06:00", 'c', 'o', 1, 30, -1);
    add(&u, "2015-03-02 00:08:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 01:08:00", 't', 'i', 1, 0, -1);
    /* Conversations: c1 [i o i i o] (began in, answered), c1 [o], c1 [i] (unanswered), c2 [o]:
     * initiated 2 of 4 = 0.5; answered 1 of the 2 that began incoming = 0.5. */
    const char *p = "percent_initiated_conversations__allweek__allday__callandtext";
    assert_close(value(&u, &NONE_DEFAULT, p), 0.5);
    assert_close(value(&u, &NONE_DEFAULT, "response_rate_text__allweek__allday__callandtext"), 0.5);
    /* Delays [60, 120]: mean 90, population std 30. */
    assert_close(
        value(&u, &NONE_DEFAULT, "response_delay_text__allweek__allday__callandtext__mean"), 90);
    assert_close(value(&u, &NONE_DEFAULT, "response_delay_text__allweek__allday__callandtext__std"),
                 30);
}

static void test_conversation_gap_counts_calls_and_zero_delays(void **state)
{
    (void)state;
    struct user u = {0};
    /* in 10:00 opens a conversation; the call at 10:50 closes it unanswered. in 11:40 is 50 min
     * after the call (the gap counts from the contact's last record, call or text), so it opens
     * a new one rather than being cut by a gap; out 11:40 answers it with a delay of 0, which is
     * dropped (positive delays only): no delay at all, None; answered 1 of 2: 0.5. */
    add(&u, "2015-03-02 10:00:00", 't', 'i', 7, 0, -1);
    add(&u, "2015-03-02 10:50:00", 'c', 'i', 7, 10, -1);
    add(&u, "2015-03-02 11:40:00", 't', 'i', 7, 0, -1);
    add(&u, "2015-03-02 11:40:00", 't', 'o', 7, 0, -1);
    assert_true(
        isnan(value(&u, &NONE_DEFAULT, "response_delay_text__allweek__allday__callandtext__mean")));
    assert_close(value(&u, &NONE_DEFAULT, "response_rate_text__allweek__allday__callandtext"), 0.5);
    /* No conversation began outgoing: 0 of 2. */
    assert_close(
        value(&u, &NONE_DEFAULT, "percent_initiated_conversations__allweek__allday__callandtext"),
        0);
}

/* ------------------------------------------------------------------ pareto and entropy */

static void test_pareto(void **state)
{
    (void)state;
    struct user u = {0};
    /* Texts: contact 1 x5, 2 x3, 3 x1, 4 x1 = 10; target ceil(0.8 x 10) = 8: contact 1 (5,
     * 3 left), contact 2 (3, 0 left): 2 of 4 contacts = 0.5. */
    static const uint64_t texts[10] = {1, 2, 1, 3, 1, 2, 4, 1, 2, 1};
    char at[32];
    for (int k = 0; k < 10; k++) {
        snprintf(at, sizeof at, "2015-03-02 10:%02d:00", k);
        add(&u, at, 't', 'o', texts[k], 0, -1);
    }
    /* Calls: contact 1 100 s + 100 s, 2 50 s, 3 50 s = 300 s; target ceil(240) = 240:
     * contact 1 (200, 40 left), then 2 or 3 (50): 2 of 3 contacts. */
    add(&u, "2015-03-02 11:00:00", 'c', 'o', 1, 100, -1);
    add(&u, "2015-03-02 11:10:00", 'c', 'o', 2, 50, -1);
    add(&u, "2015-03-02 11:20:00", 'c', 'o', 1, 100, -1);
    add(&u, "2015-03-02 11:30:00", 'c', 'o', 3, 50, -1);
    assert_close(value(&u, &NONE_DEFAULT, "percent_pareto_interactions__allweek__allday__text"),
                 0.5);
    assert_close(value(&u, &NONE_DEFAULT, "percent_pareto_durations__allweek__allday__call"),
                 2.0 / 3.0);
    /* Calls by count: 1 x2, 2 x1, 3 x1 = 4; target ceil(3.2) = 4: all three contacts: 1. */
    assert_close(value(&u, &NONE_DEFAULT, "percent_pareto_interactions__allweek__allday__call"), 1);
}

static void test_entropy(void **state)
{
    (void)state;
    struct user u = {0};
    /* Calls to contacts 1, 1, 2, 3: p = 1/2, 1/4, 1/4;
     * H = -(1/2 ln 1/2 + 2 x 1/4 ln 1/4) = 1/2 ln 2 + ln 2 = 1.5 ln 2 (natural log). */
    add(&u, "2015-03-02 11:00:00", 'c', 'o', 1, 10, -1);
    add(&u, "2015-03-02 11:10:00", 'c', 'i', 2, 10, -1);
    add(&u, "2015-03-02 11:20:00", 'c', 'o', 1, 10, -1);
    add(&u, "2015-03-02 11:30:00", 'c', 'i', 3, 10, -1);
    assert_close(value(&u, &NONE_DEFAULT, "entropy_of_contacts__allweek__allday__call"),
                 1.5 * log(2.0));
    /* Balance: outgoing per contact over all 4 calls: 1 -> 2/4, 2 -> 0, 3 -> 0:
     * mean 1/6, std sqrt(((1/3)^2 + 2 (1/6)^2) / 3) = sqrt(1/18). */
    assert_close(value(&u, &NONE_DEFAULT, "balance_of_contacts__allweek__allday__call__mean"),
                 1.0 / 6.0);
    assert_close(value(&u, &NONE_DEFAULT, "balance_of_contacts__allweek__allday__call__std"),
                 sqrt(1.0 / 18.0));
}

/* ------------------------------------------------------------------ spatial */

static void test_radius_of_gyration(void **state)
{
    (void)state;
    struct user u = {0};
    u.with_positions = 1;
    for (int k = 0; k < 8; k++)
        u.pos[k] = (struct tr_bc_position){NAN, NAN};
    u.pos[0] = (struct tr_bc_position){0, 0};
    u.pos[1] = (struct tr_bc_position){0, 1};
    /* Two binned positions at (0, 0) and two at (0, 1) on the equator, and one antenna without
     * location (ignored). Barycentre (0, 0.5); each is 0.5 degree of arc away:
     * d = 2 R asin(sin(0.25 deg)) = R x 0.5 x pi / 180, so the radius is d. */
    add(&u, "2015-03-02 10:00:00", 'c', 'o', 1, 10, 0);
    add(&u, "2015-03-02 11:00:00", 'c', 'o', 1, 10, 0);
    add(&u, "2015-03-02 12:00:00", 'c', 'o', 1, 10, 1);
    add(&u, "2015-03-02 13:00:00", 'c', 'o', 1, 10, 1);
    add(&u, "2015-03-02 14:00:00", 'c', 'o', 1, 10, 5);
    double d = 6371.0 * 0.5 * M_PI / 180.0;
    double got = value(&u, &NONE_DEFAULT, "radius_of_gyration__allweek__allday");
    if (fabs(got - d) > 1e-9) fail_msg("radius %.17g, want %.17g", got, d);
    /* Without any located antenna: None. */
    u.with_positions = 0;
    assert_true(isnan(value(&u, &NONE_DEFAULT, "radius_of_gyration__allweek__allday")));
}

static void test_binning_first_seen_tie(void **state)
{
    (void)state;
    struct user u = {0};
    /* Slot 10:00-10:29 holds antennas 1 and 2 once each: bandicoot keeps the first seen, 1.
     * Slot 10:30 holds 1, slot 11:00 holds 3. Binned: [1, 1, 3]: 2 antennas (the last-seen rule
     * would give [2, 1, 3], 3 antennas); frequent: target ceil(2.4) = 3: antenna 1 (2), 3 (1):
     * 2. Entropy of (2, 1) over 3: ln 3 - 2/3 ln 2. */
    add(&u, "2015-03-02 10:05:00", 'c', 'o', 1, 10, 1);
    add(&u, "2015-03-02 10:20:00", 'c', 'o', 1, 10, 2);
    add(&u, "2015-03-02 10:31:00", 'c', 'o', 1, 10, 1);
    add(&u, "2015-03-02 11:00:00", 'c', 'o', 1, 10, 3);
    assert_close(value(&u, &NONE_DEFAULT, "number_of_antennas__allweek__allday"), 2);
    assert_close(value(&u, &NONE_DEFAULT, "frequent_antennas__allweek__allday"), 2);
    assert_close(value(&u, &NONE_DEFAULT, "entropy_of_antennas__allweek__allday"),
                 log(3.0) - 2.0 / 3.0 * log(2.0));
}

static void test_home_first_seen_tie(void **state)
{
    (void)state;
    struct user u = {0};
    /* Night slots binned [1, 2]: a tie, the first seen (1) is home. All slots binned
     * [2, 2, 1, 2]: at home 1 of 4. A record without antenna is a position of its own. */
    add(&u, "2015-03-02 10:00:00", 't', 'o', 1, 0, 2);
    add(&u, "2015-03-02 11:00:00", 't', 'o', 1, 0, 2);
    add(&u, "2015-03-02 20:00:00", 't', 'o', 1, 0, 1);
    add(&u, "2015-03-02 21:00:00", 't', 'o', 1, 0, 2);
    assert_close(value(&u, &NONE_DEFAULT, "percent_at_home__allweek__allday"), 0.25);
    add(&u, "2015-03-02 22:00:00", 't', 'o', 1, 0, -1);
    /* Night now [1, 2, none]: still 1; antennas 1, 2 and "none": 3. */
    assert_close(value(&u, &NONE_DEFAULT, "number_of_antennas__allweek__allday"), 3);
    assert_close(value(&u, &NONE_DEFAULT, "percent_at_home__allweek__allday"), 0.2);
}

static void test_binning_slot_has_no_month(void **state)
{
    (void)state;
    struct user u = {0};
    /* bandicoot's slot key is (year, day of month, hour, minute // 30): 5 January 10:05 and
     * 5 February 10:10 with nothing between share a slot, so one binned position (antenna 1,
     * first seen of a tie). Reproduced on purpose. */
    add(&u, "2015-01-05 10:05:00", 'c', 'o', 1, 10, 1);
    add(&u, "2015-02-05 10:10:00", 'c', 'o', 1, 10, 2);
    assert_close(value(&u, &NONE_DEFAULT, "number_of_antennas__allweek__allday"), 1);
}

/* ------------------------------------------------------------------ calendar */

static void test_week_grouping_across_iso_year(void **state)
{
    (void)state;
    struct user u = {0};
    struct tr_bc_options week = {1, 0, 0, 0, NULL};
    /* 2015-12-31 (Thu), 2016-01-01 (Fri), 2016-01-03 (Sun) are all ISO week 2015-W53;
     * 2016-01-04 (Mon) is 2016-W01. Texts per week [3, 1]: mean 2, std 1. */
    add(&u, "2015-12-31 12:00:00", 't', 'o', 1, 0, -1);
    add(&u, "2016-01-01 12:00:00", 't', 'o', 1, 0, -1);
    add(&u, "2016-01-03 12:00:00", 't', 'o', 1, 0, -1);
    add(&u, "2016-01-04 12:00:00", 't', 'o', 1, 0, -1);
    assert_close(value(&u, &week, "number_of_interactions__allweek__allday__text__mean"), 2);
    assert_close(value(&u, &week, "number_of_interactions__allweek__allday__text__std"), 1);
    /* Interevent times stay inside a week: week 1 [86400, 172800] mean 129600, week 2 none:
     * mean over the weeks that have one: 129600, std 0. */
    assert_close(value(&u, &week, "interevent_time__allweek__allday__text__mean__mean"), 129600);
    assert_close(value(&u, &week, "interevent_time__allweek__allday__text__mean__std"), 0);
    /* No calls at all: null. */
    assert_true(isnan(value(&u, &week, "number_of_interactions__allweek__allday__call__mean")));

    struct user v = {0};
    /* 2014-12-28 (Sun) is 2014-W52, 2014-12-29 (Mon) already 2015-W01: two weeks [1, 1]. */
    add(&v, "2014-12-28 12:00:00", 't', 'o', 1, 0, -1);
    add(&v, "2014-12-29 12:00:00", 't', 'o', 1, 0, -1);
    assert_close(value(&v, &week, "number_of_interactions__allweek__allday__text__mean"), 1);
    assert_close(value(&v, &week, "active_days__allweek__allday__callandtext__mean"), 1);
}

static void test_night_edges(void **state)
{
    (void)state;
    struct user u = {0};
    struct tr_bc_options split = {0, 0, 0, 1, NULL};
    /* Night is 19:00:00-07:00:00 with both edges night: 07:00:00 and 19:00:00 are night,
     * 07:00:01 and 18:59:59 are day. */
    add(&u, "2015-03-02 07:00:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 07:00:01", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 18:59:59", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 19:00:00", 't', 'o', 1, 0, -1);
    assert_close(value(&u, &split, "percent_nocturnal__allweek__allday__text"), 0.5);
    assert_close(value(&u, &split, "number_of_interactions__allweek__night__text"), 2);
    assert_close(value(&u, &split, "number_of_interactions__allweek__day__text"), 2);
    /* Within the day part, interevent 07:00:01 -> 18:59:59 = 43198 s. */
    assert_close(value(&u, &split, "interevent_time__allweek__day__text__mean"), 43198);
}

static void test_weekend_split(void **state)
{
    (void)state;
    struct user u = {0};
    struct tr_bc_options split = {0, 0, 1, 0, NULL};
    /* 2015-03-06 is a Friday (weekday), 03-07 Saturday and 03-08 Sunday (weekend). */
    add(&u, "2015-03-06 23:59:59", 'c', 'o', 1, 10, -1);
    add(&u, "2015-03-07 00:00:00", 'c', 'i', 2, 20, -1);
    add(&u, "2015-03-08 12:00:00", 'c', 'i', 2, 40, -1);
    assert_close(value(&u, &split, "call_duration__weekday__allday__call__mean"), 10);
    assert_close(value(&u, &split, "call_duration__weekend__allday__call__mean"), 30);
    assert_close(value(&u, &split, "percent_initiated_interactions__weekend__allday__call"), 0);
}

/* ------------------------------------------------------------------ summaries */

static void test_summary_extended(void **state)
{
    (void)state;
    struct user u = {0};
    /* Durations [10, 1, 3, 2]: sorted [1, 2, 3, 10], mean 4, deviations -3 -2 -1 6:
     * m2 = (9+4+1+36)/4 = 12.5, m3 = (-27-8-1+216)/4 = 45, m4 = (81+16+1+1296)/4 = 348.5.
     * std sqrt(12.5); skewness m3/m2^1.5; kurtosis m4/m2^2 = 2.2304 (Pearson's, not excess);
     * median (2+3)/2 = 2.5 (mean of the two middle values); min 1, max 10. */
    add(&u, "2015-03-02 10:00:00", 'c', 'o', 1, 10, -1);
    add(&u, "2015-03-02 11:00:00", 'c', 'o', 1, 1, -1);
    add(&u, "2015-03-02 12:00:00", 'c', 'o', 1, 3, -1);
    add(&u, "2015-03-02 13:00:00", 'c', 'o', 1, 2, -1);
    const char *k = "call_duration__allweek__allday__call__";
    char key[128];
#define STAT(name) (snprintf(key, sizeof key, "%s%s", k, name), value(&u, &NONE_EXTENDED, key))
    assert_close(STAT("mean"), 4);
    assert_close(STAT("std"), sqrt(12.5));
    assert_close(STAT("skewness"), 45 / pow(12.5, 1.5));
    assert_close(STAT("kurtosis"), 348.5 / (12.5 * 12.5));
    assert_close(STAT("median"), 2.5);
    assert_close(STAT("min"), 1);
    assert_close(STAT("max"), 10);
    /* Interactions per contact: one contact, [4]: n = 1 gives std, skewness and kurtosis 0. */
    k = "interactions_per_contact__allweek__allday__call__";
    assert_close(STAT("std"), 0);
    assert_close(STAT("skewness"), 0);
    assert_close(STAT("kurtosis"), 0);
    /* Interevent [3600, 3600, 3600]: variance 0, so kurtosis and skewness 0, not NaN. */
    k = "interevent_time__allweek__allday__call__";
    assert_close(STAT("kurtosis"), 0);
    assert_close(STAT("skewness"), 0);
#undef STAT
}

/* ------------------------------------------------------------------ recharges */

static void test_recharges(void **state)
{
    (void)state;
    struct user u = {0};
    add(&u, "2015-03-02 10:00:00", 'c', 'o', 1, 10, -1);
    /* 10 on day 0, 20 on day 4, 30 on day 6. bandicoot's average balance caps each gap and the
     * period at min(1, days): 10 x 1/2 + 20 x 1/2 = 15, over min(1, 6) = 1: 15 (max(1, days),
     * which looks intended, gives (10 x 4/2 + 20 x 2/2) / 6 = 6.67). */
    add_recharge(&u, "2015-3-2", 10);
    add_recharge(&u, "2015-3-6", 20);
    add_recharge(&u, "2015-3-8", 30);
    assert_close(value(&u, &NONE_DEFAULT, "average_balance_recharges"), 15);
    /* Pareto: sorted 30, 20, 10 of 60; 30 < 48, 50 >= 48: 2 of 3. */
    assert_close(value(&u, &NONE_DEFAULT, "percent_pareto_recharges__allweek__allday"), 2.0 / 3.0);
    /* Interevent [4, 2] days: mean 3 days. */
    assert_close(value(&u, &NONE_DEFAULT, "interevent_time_recharges__allweek__allday__mean"),
                 3 * 86400);
    /* All on one day: bandicoot divides by min(1, 0) = 0 (ZeroDivisionError): None. */
    struct user v = {0};
    add_recharge(&v, "2015-3-2", 10);
    add_recharge(&v, "2015-3-2", 5);
    assert_true(isnan(value(&v, &NONE_DEFAULT, "average_balance_recharges")));
}

/* ------------------------------------------------------------------ keys, scratch, parsing */

static void test_keys(void **state)
{
    (void)state;
    const char *const *keys;
    /* The default options: 22 call/text/spatial indicators, churn, then recharges. */
    size_t n = tr_bc_keys(&(struct tr_bc_options){1, 0, 0, 0, NULL}, &keys);
    assert_string_equal(keys[0], "active_days__allweek__allday__callandtext__mean");
    assert_string_equal(keys[1], "active_days__allweek__allday__callandtext__std");
    assert_string_equal(keys[6], "call_duration__allweek__allday__call__mean__mean");
    assert_string_equal(keys[n - 1], "average_balance_recharges");
    size_t r = tr_bc_recharge_keys_start(&(struct tr_bc_options){1, 0, 0, 0, NULL});
    assert_string_equal(keys[r], "amount_recharges__allweek__allday__mean__mean");
    assert_string_equal(keys[r - 1], "churn_rate__std");
    /* bandicoot's regression set (weekly, extended, both splits): 1,731 keys besides "name". */
    assert_int_equal(tr_bc_keys(&(struct tr_bc_options){1, 1, 1, 1, NULL}, &keys), 1731);
}

/* run.timezone: night, weekends and days on the zone's clock, gaps in elapsed seconds. At
 * Africa/Dar_es_Salaam (UTC+3, no DST) 16:00:00 UTC is 19:00:00 (night), 04:00:01 UTC is 07:00:01
 * (day); Friday 2015-03-06 22:00 UTC is Saturday 01:00 there (weekend, the same day as 01:00 UTC
 * on Saturday). */
static void test_night_in_a_zone(void **state)
{
    (void)state;
    struct tr_tz dar;
    char err[256];
    assert_int_equal(tr_tz_load(&dar, "Africa/Dar_es_Salaam", err, sizeof err), 0);
    struct user u = {0};
    add(&u, "2015-03-02 03:59:59", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 04:00:01", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 16:00:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-02 16:30:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-06 22:00:00", 't', 'o', 1, 0, -1);
    add(&u, "2015-03-07 01:00:00", 't', 'o', 1, 0, -1);
    struct tr_bc_options utc = {0, 0, 1, 1, NULL}, local = {0, 0, 1, 1, &dar};
    /* UTC: night 03:59:59, 04:00:01, 22:00, 01:00 (4 of 6); local: 06:59:59, 19:00, 19:30,
     * 01:00, 04:00 (5 of 6). */
    assert_close(value(&u, &utc, "percent_nocturnal__allweek__allday__text"), 4.0 / 6);
    assert_close(value(&u, &local, "percent_nocturnal__allweek__allday__text"), 5.0 / 6);
    assert_close(value(&u, &utc, "number_of_interactions__weekend__allday__text"), 1);
    assert_close(value(&u, &local, "number_of_interactions__weekend__allday__text"), 2);
    assert_close(value(&u, &utc, "active_days__allweek__allday__callandtext"), 3);
    assert_close(value(&u, &local, "active_days__allweek__allday__callandtext"), 2);
    /* Gaps are elapsed time on either clock. */
    assert_close(value(&u, &local, "interevent_time__allweek__allday__text__mean"),
                 value(&u, &utc, "interevent_time__allweek__allday__text__mean"));
    tr_tz_free(&dar);
}

static void test_scratch_reuse(void **state)
{
    (void)state;
    struct user a = {0}, b = {0};
    add(&a, "2015-03-02 10:00:00", 't', 'i', 1, 0, 1);
    add(&a, "2015-03-02 10:01:00", 't', 'o', 1, 0, 2);
    add(&a, "2015-03-09 10:00:00", 'c', 'o', 2, 30, 1);
    for (int k = 0; k < 150; k++) { /* b is larger: the scratch grows between the two a's */
        char at[32];
        snprintf(at, sizeof at, "2015-04-%02d %02d:%02d:00", 1 + k / 24 % 28, k % 24, k % 60);
        add(&b, at, k % 3 ? 't' : 'c', k % 2 ? 'o' : 'i', (uint64_t)(k % 7), 5, k % 5 - 1);
    }
    /* One scratch through a, b, a: a's values both times, whatever b left behind. */
    struct tr_bc_options o = {1, 1, 1, 1, NULL};
    const char *const *keys;
    size_t n = tr_bc_keys(&o, &keys);
    double *v1 = malloc(sizeof *v1 * n), *v2 = malloc(sizeof *v2 * n);
    struct tr_bc_user ua = {a.rec, a.n, NULL, 0, NULL, 0, 0},
                      ub = {b.rec, b.n, NULL, 0, NULL, 0, 0};
    struct tr_bc_scratch s;
    tr_bc_scratch_init(&s);
    tr_bc_compute(&ua, &o, &s, v1);
    tr_bc_compute(&ub, &o, &s, v2);
    tr_bc_compute(&ua, &o, &s, v2);
    for (size_t k = 0; k < n; k++)
        if (!(v1[k] == v2[k] || (isnan(v1[k]) && isnan(v2[k])))) fail_msg("%s differs", keys[k]);
    tr_bc_scratch_free(&s);
    free(v1);
    free(v2);
}

static void test_parse_datetime(void **state)
{
    (void)state;
    int64_t t;
    /* strptime's %m %d %H %M %S take one or two digits; %Y four. */
    assert_int_equal(tr_bc_parse_datetime("2014-8-2 7:5:3", 0, &t), 0);
    assert_true(t == when("2014-08-02 07:05:03"));
    assert_int_equal(tr_bc_parse_datetime("2015-1-13", 1, &t), 0);
    assert_true(t == when("2015-01-13 00:00:00"));
    assert_int_equal(tr_bc_parse_datetime("2015-1-13", 0, &t), 1);           /* time needed */
    assert_int_equal(tr_bc_parse_datetime("2015-02-29 00:00:00", 0, &t), 1); /* not a date */
    assert_int_equal(tr_bc_parse_datetime("2016-02-29 23:59:59", 0, &t), 0);
    assert_int_equal(tr_bc_parse_datetime("2016-02-29 24:00:00", 0, &t), 1);
    assert_int_equal(tr_bc_parse_datetime("15-02-01 00:00:00", 0, &t), 1);
    assert_int_equal(tr_bc_parse_datetime("2015-02-01 00:00:00x", 0, &t), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversations_and_response_delay),
        cmocka_unit_test(test_conversation_gap_counts_calls_and_zero_delays),
        cmocka_unit_test(test_pareto),
        cmocka_unit_test(test_entropy),
        cmocka_unit_test(test_radius_of_gyration),
        cmocka_unit_test(test_binning_first_seen_tie),
        cmocka_unit_test(test_home_first_seen_tie),
        cmocka_unit_test(test_binning_slot_has_no_month),
        cmocka_unit_test(test_week_grouping_across_iso_year),
        cmocka_unit_test(test_night_edges),
        cmocka_unit_test(test_night_in_a_zone),
        cmocka_unit_test(test_weekend_split),
        cmocka_unit_test(test_summary_extended),
        cmocka_unit_test(test_recharges),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_scratch_reuse),
        cmocka_unit_test(test_parse_datetime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
