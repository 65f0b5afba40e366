/* One subscriber's bandicoot indicators: prepare each record once (ISO week, day, night,
 * weekend, 30-minute slot, dense contact and antenna), then for each part of week x part of day
 * select the records, split them by interaction, group them by ISO week, compute each group's
 * indicators into a row and reduce the rows to the weekly mean and std (or the single value with
 * groupby None). Weeks without records are no groups, as bandicoot's filter_empty. */
#include "features/bandicoot/bc_internal.h"

#include "core/calendar.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ scratch */

void tr_bc_scratch_init(struct tr_bc_scratch *s)
{
    memset(s, 0, sizeof *s);
}

void tr_bc_scratch_free(struct tr_bc_scratch *s)
{
    void *blocks[] = {s->week,    s->day,     s->cid,       s->aid,     s->bin,     s->flags,
                      s->r_week,  s->r_flags, s->sel,       s->sub,     s->vals,    s->vals2,
                      s->tmp64,   s->binned,  s->c_stamp,   s->a_stamp, s->c_count, s->c_out,
                      s->a_count, s->touched, s->a_touched, s->c_dur,   s->c_last,  s->c_prev_t,
                      s->c_conv,  s->a_lat,   s->a_lon,     s->a_prev,  s->a_cur,   s->a_cos,
                      s->h_key,   s->h_val,   s->h_stamp,   s->rows};
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++)
        free(blocks[k]);
    tr_bc_scratch_init(s);
}

#define GROW(p, n) ((p) = TR_REALLOC((p), sizeof *(p) * (n)))

/* Room for n records or recharges (whichever is larger): every per-item array. Stamps start
 * at 0 and the generation counter above it, so fresh entries are stale. */
static void reserve_items(struct tr_bc_scratch *s, size_t n)
{
    if (n <= s->cap_records) return;
    n = n < 64 ? 64 : n + n / 2;
    GROW(s->week, n), GROW(s->day, n), GROW(s->cid, n), GROW(s->aid, n), GROW(s->bin, n);
    GROW(s->flags, n), GROW(s->r_week, n), GROW(s->r_flags, n), GROW(s->sel, n), GROW(s->sub, n);
    GROW(s->vals, n), GROW(s->vals2, n), GROW(s->tmp64, n), GROW(s->binned, n);
    GROW(s->c_count, n), GROW(s->c_out, n), GROW(s->a_count, n), GROW(s->touched, n);
    GROW(s->a_touched, n), GROW(s->c_dur, n), GROW(s->c_last, n), GROW(s->c_prev_t, n);
    GROW(s->c_conv, n), GROW(s->a_lat, n), GROW(s->a_lon, n), GROW(s->a_prev, n);
    GROW(s->a_cur, n), GROW(s->a_cos, n);
    s->c_stamp = TR_REALLOC(s->c_stamp, sizeof *s->c_stamp * n);
    s->a_stamp = TR_REALLOC(s->a_stamp, sizeof *s->a_stamp * n);
    memset(s->c_stamp, 0, sizeof *s->c_stamp * n);
    memset(s->a_stamp, 0, sizeof *s->a_stamp * n);
    s->cap_records = n;
}

static void reserve_table(struct tr_bc_scratch *s, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (cap <= s->cap_table) return;
    GROW(s->h_key, cap), GROW(s->h_val, cap);
    s->h_stamp = TR_REALLOC(s->h_stamp, sizeof *s->h_stamp * cap);
    memset(s->h_stamp, 0, sizeof *s->h_stamp * cap);
    s->cap_table = cap;
}

static void reserve_rows(struct tr_bc_scratch *s, size_t weeks)
{
    if (weeks <= s->cap_rows) return;
    weeks += weeks / 2 + 4;
    GROW(s->rows, weeks * BC_ROW);
    s->cap_rows = weeks;
}

uint32_t bc_next_gen(struct tr_bc_scratch *s)
{
    if (++s->gen == 0) { /* wrapped: every stamp could look current again */
        memset(s->c_stamp, 0, sizeof *s->c_stamp * s->cap_records);
        memset(s->a_stamp, 0, sizeof *s->a_stamp * s->cap_records);
        memset(s->h_stamp, 0, sizeof *s->h_stamp * s->cap_table);
        s->gen = 1;
    }
    return s->gen;
}

/* ------------------------------------------------------------------ preparation */

/* Dense id of key in the open-addressing table of the current generation. */
static int32_t intern(struct tr_bc_scratch *s, uint32_t gen, uint64_t key, int32_t *n_ids)
{
    size_t mask = s->cap_table - 1;
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
    for (;; h = (h + 1) & mask) {
        if (s->h_stamp[h] != gen) {
            s->h_stamp[h] = gen;
            s->h_key[h] = key;
            return s->h_val[h] = (*n_ids)++;
        }
        if (s->h_key[h] == key) return s->h_val[h];
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* What a calendar day contributes to its records: ISO week, weekend, (year, day of month). */
struct day_info {
    int64_t day;
    int32_t week;
    int weekend, year, mday;
};

/* ISO weeks run Monday to Sunday, so each (ISO year, week) pair is one Monday-based block of
 * seven days: the block's number (1969-12-29 was a Monday, day -3) identifies the ISO week
 * without working out the ISO year. */
static void day_info(int64_t day, struct day_info *d)
{
    int m;
    d->week = (int32_t)floor_div(day + 3, 7);
    d->weekend = tr_iso_weekday(day) >= 6;
    tr_civil_from_days(day, &d->year, &m, &d->mday);
    d->day = day;
}

/* Night is 19:00:00 to 07:00:00 with both edges inclusive (bandicoot's
 * not(07:00 < time < 19:00)). */
static uint8_t time_flags(int64_t sec_of_day, const struct day_info *d)
{
    uint8_t f = d->weekend ? BC_F_WEEKEND : 0;
    if (sec_of_day <= 7 * 3600 || sec_of_day >= 19 * 3600) f |= BC_F_NIGHT;
    return f;
}

static void prepare_records(struct bc_job *j)
{
    struct tr_bc_scratch *s = j->s;
    const struct tr_bc_record *rec = j->u->records;
    struct day_info d = {.day = INT64_MIN};
    int32_t n_contacts = 0, n_antennas = 0;
    uint32_t gen_c = bc_next_gen(s);
    for (size_t r = 0; r < j->u->n_records; r++) {
        const int64_t local = tr_tz_local(j->zone, rec[r].t);
        int64_t day = floor_div(local, 86400), sec = local - day * 86400;
        if (day != d.day) day_info(day, &d);
        s->week[r] = d.week;
        s->day[r] = (int32_t)day;
        s->flags[r] =
            time_flags(sec, &d) | (rec[r].text ? BC_F_TEXT : 0) | (rec[r].outgoing ? BC_F_OUT : 0);
        s->bin[r] = (((int64_t)d.year * 32 + d.mday) * 24 + sec / 3600) * 2 + (sec % 3600) / 1800;
        s->cid[r] = intern(s, gen_c, rec[r].correspondent, &n_contacts);
    }
    uint32_t gen_a = bc_next_gen(s);
    for (size_t r = 0; r < j->u->n_records; r++) {
        int32_t ant = j->u->records[r].antenna < 0 ? -1 : j->u->records[r].antenna;
        int32_t before = n_antennas;
        s->aid[r] = intern(s, gen_a, (uint64_t)(int64_t)ant + 1, &n_antennas);
        if (n_antennas == before) continue;
        /* a new antenna: where it is, if known */
        const struct tr_bc_position *p = j->u->positions;
        int known = p && ant >= 0 && (size_t)ant < j->u->n_positions && !isnan(p[ant].lat) &&
                    !isnan(p[ant].lon);
        s->a_lat[before] = known ? p[ant].lat : NAN;
        s->a_lon[before] = known ? p[ant].lon : NAN;
        s->a_cos[before] = known ? cos(p[ant].lat * (M_PI / 180.0)) : NAN;
    }
    j->n_contacts = (size_t)n_contacts;
    j->n_antennas = (size_t)n_antennas;
}

static void prepare_recharges(struct bc_job *j)
{
    struct tr_bc_scratch *s = j->s;
    struct day_info d = {.day = INT64_MIN};
    for (size_t r = 0; r < j->u->n_recharges; r++) {
        int64_t t = tr_tz_local(j->zone, j->u->recharges[r].t), day = floor_div(t, 86400);
        if (day != d.day) day_info(day, &d);
        s->r_week[r] = d.week;
        s->r_flags[r] = time_flags(t - day * 86400, &d);
    }
}

static size_t count_weeks(const int32_t *week, size_t n)
{
    size_t w = 0;
    for (size_t k = 0; k < n; k++)
        w += k == 0 || week[k] != week[k - 1];
    return w;
}

/* ------------------------------------------------------------------ passes */

enum pass { PASS_CALL, PASS_TEXT, PASS_BOTH, PASS_RECHARGE };

/* The indicators each pass computes, and the interaction level they are reported under. */
static int in_pass(enum bc_ind ind, enum pass p)
{
    const struct bc_ind_info *info = &bc_ind_info[ind];
    if (info->kind == BC_CHURN || info->kind == BC_SINGLE) return 0;
    switch (p) {
    case PASS_CALL:
        return (info->inter & BC_M_CALL) != 0;
    case PASS_TEXT:
        return (info->inter & BC_M_TEXT) != 0;
    case PASS_BOTH:
        return (info->inter & BC_M_BOTH) || (info->inter == BC_M_NONE && ind < BC_CHURN_RATE);
    case PASS_RECHARGE:
        return ind >= BC_FIRST_RECHARGE;
    }
    return 0;
}

static void compute_group(const struct bc_job *j, enum pass p, const uint32_t *idx, size_t n,
                          double *row)
{
    switch (p) {
    case PASS_CALL:
        bc_group_contacts(j, idx, n, 1, row);
        break;
    case PASS_TEXT:
        bc_group_contacts(j, idx, n, 0, row);
        break;
    case PASS_BOTH:
        bc_group_conversations(j, idx, n, row);
        bc_group_spatial(j, idx, n, row);
        break;
    case PASS_RECHARGE:
        bc_group_recharges(j, idx, n, row);
        break;
    }
}

/* One statistic across the weeks: bandicoot drops the weeks where it is None, then takes the
 * mean and the population std (both None without any week left). */
static void reduce_weeks(const struct bc_job *j, size_t slot, size_t weeks, double *out)
{
    double *v = j->s->vals2;
    size_t n = 0;
    for (size_t w = 0; w < weeks; w++) {
        double x = j->s->rows[w * BC_ROW + slot];
        if (!isnan(x)) v[n++] = x;
    }
    if (n == 0) return; /* out stays NaN */
    double mean = bc_mean(v, n);
    out[0] = mean;
    out[1] = sqrt(bc_moment(v, n, mean, 2));
}

static void emit(const struct bc_job *j, enum pass p, int w, int d, size_t weeks, double *values)
{
    const struct bc_layout *lay = j->lay;
    int inter = p == PASS_CALL ? BC_CALL : p == PASS_TEXT ? BC_TEXT : BC_CALLANDTEXT;
    for (int ind = 0; ind < BC_IND_COUNT; ind++) {
        if (!in_pass((enum bc_ind)ind, p)) continue;
        int32_t base = lay->base[ind][w][d][inter];
        int n_stats = bc_ind_info[ind].kind == BC_SUMMARY ? lay->n_stats : 1;
        for (int st = 0; st < n_stats; st++) {
            double *out = values + base + st * lay->n_agg;
            size_t slot = BC_SLOT(ind, st);
            if (lay->opt.groupby_week)
                reduce_weeks(j, slot, weeks, out);
            else if (weeks == 1)
                out[0] = j->s->rows[slot];
        }
    }
}

/* Groups idx[0..n) by ISO week (or keeps them whole), computes each group, then reports. */
static void run_pass(const struct bc_job *j, enum pass p, const uint32_t *idx, size_t n, int w,
                     int d, double *values)
{
    const int32_t *week = p == PASS_RECHARGE ? j->s->r_week : j->s->week;
    size_t weeks = 0;
    for (size_t a = 0; a < n; weeks++) {
        size_t b = j->lay->opt.groupby_week ? a + 1 : n;
        while (b < n && week[idx[b]] == week[idx[a]])
            b++;
        compute_group(j, p, idx + a, b - a, j->s->rows + weeks * BC_ROW);
        a = b;
    }
    emit(j, p, w, d, weeks, values);
}

/* Part of week w (all, weekday, weekend) and part of day d (all, day, night). */
static int keeps(uint8_t f, int w, int d)
{
    int weekend = (f & BC_F_WEEKEND) != 0, night = (f & BC_F_NIGHT) != 0;
    return (w == 0 || (w == 1) != weekend) && (d == 0 || (d == 1) != night);
}

static void record_passes(const struct bc_job *j, int w, int d, double *values)
{
    struct tr_bc_scratch *s = j->s;
    size_t n = 0;
    for (size_t r = 0; r < j->u->n_records; r++)
        if (keeps(s->flags[r], w, d)) s->sel[n++] = (uint32_t)r;
    for (int text = 0; text <= 1; text++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (((s->flags[s->sel[k]] & BC_F_TEXT) != 0) == text) s->sub[m++] = s->sel[k];
        run_pass(j, text ? PASS_TEXT : PASS_CALL, s->sub, m, w, d, values);
    }
    run_pass(j, PASS_BOTH, s->sel, n, w, d, values);
}

static void recharge_passes(const struct bc_job *j, int w, int d, double *values)
{
    struct tr_bc_scratch *s = j->s;
    size_t n = 0;
    for (size_t r = 0; r < j->u->n_recharges; r++)
        if (keeps(s->r_flags[r], w, d)) s->sel[n++] = (uint32_t)r;
    run_pass(j, PASS_RECHARGE, s->sel, n, w, d, values);
}

static void churn(const struct bc_job *j, double *values)
{
    double *dist = j->s->vals2;
    size_t n = bc_churn_distances(j, dist);
    if (n == 0) return;
    double *out = values + j->lay->base[BC_CHURN_RATE][0][0][BC_CALLANDTEXT];
    out[0] = bc_mean(dist, n);
    out[1] = sqrt(bc_moment(dist, n, out[0], 2));
}

void tr_bc_compute(const struct tr_bc_user *u, const struct tr_bc_options *o,
                   struct tr_bc_scratch *scratch, double *values)
{
    const struct bc_layout *lay = bc_layout_get(o);
    for (size_t k = 0; k < lay->n_keys; k++)
        values[k] = NAN;
    size_t n = u->n_records > u->n_recharges ? u->n_records : u->n_recharges;
    reserve_items(scratch, n + 1);
    reserve_table(scratch, u->n_records);
    struct bc_job j = {.u = u, .lay = lay, .s = scratch, .zone = o->zone};
    prepare_records(&j);
    int recharges = u->has_recharges && u->n_recharges > 0;
    if (recharges) prepare_recharges(&j);
    size_t weeks = count_weeks(scratch->week, u->n_records);
    size_t r_weeks = recharges ? count_weeks(scratch->r_week, u->n_recharges) : 0;
    reserve_rows(scratch, (weeks > r_weeks ? weeks : r_weeks) + 1);

    bc_find_home(&j);
    for (int w = 0; w < lay->n_week; w++) {
        for (int d = 0; d < lay->n_day; d++) {
            record_passes(&j, w, d, values);
            if (recharges) recharge_passes(&j, w, d, values);
        }
    }
    churn(&j, values);
    if (recharges)
        values[lay->base[BC_AVERAGE_BALANCE_RECHARGES][0][0][BC_CALLANDTEXT]] =
            bc_average_balance(u);
}
