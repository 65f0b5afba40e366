#include "crosscheck/crosscheck.h"

#include "core/progress.h"

#include "core/calendar.h"
#include "core/error.h"
#include "features/indicators.h"
#include "io/textbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const tr_rule_names[TR_RULE_COUNT] = {
    [TR_RULE_TAKEOVER] = "account_takeover",
    [TR_RULE_TRAVEL] = "impossible_travel",
    [TR_RULE_SIMBOX] = "simbox",
    [TR_RULE_VELOCITY] = "velocity",
    [TR_RULE_DORMANT] = "dormant_then_active",
};
static const int severity[TR_RULE_COUNT] = {
    [TR_RULE_TAKEOVER] = 3, [TR_RULE_TRAVEL] = 2,  [TR_RULE_SIMBOX] = 3,
    [TR_RULE_VELOCITY] = 2, [TR_RULE_DORMANT] = 2,
};

/* One subscriber's records (each table sorted by time and input order), where it stands. */
struct sub {
    struct tr_subscriber_records r;
    int region;     /* -1 unknown */
    long reg_index; /* row in the register's view, -1 when unregistered */
};

struct state {
    const struct tr_config *cfg;
    const struct tr_crosscheck_input *in;
    struct tr_crosscheck *out;
    size_t cap_alerts, cap_breaks;
    struct tr_recon *recon; /* this rank's, [n_regions + 1] */
    uint64_t *scratch;      /* distinct counting, activity times */
    size_t cap_scratch;
};

/* The party of a payment record that is a subscriber account: the sender, except for cash-ins
 * and loan disbursements (an agent or lender sends); the recipient of a p2p, cash-in or loan. */
static int subscriber_side(const struct tr_money *m)
{
    if (m->outgoing) return m->type != TR_CASHIN && m->type != TR_LOAN_DISBURSEMENT;
    return m->type == TR_P2P || m->type == TR_CASHIN || m->type == TR_LOAN_DISBURSEMENT;
}

/* A payment out of the subscriber's account. */
static int pays_out(const struct tr_money *m)
{
    return m->outgoing && subscriber_side(m);
}

/* Evidence text, cut to its field (vsnprintf: the cut is expected, and said by the docs). */
static void evidence(struct tr_alert *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->evidence, sizeof a->evidence, fmt, ap);
    va_end(ap);
}

static struct tr_alert *alert(struct state *st, const struct sub *s, int rule, int64_t t,
                              uint64_t order, double measure)
{
    struct tr_crosscheck *o = st->out;
    if (o->n_alerts == st->cap_alerts) {
        st->cap_alerts = st->cap_alerts ? 2 * st->cap_alerts : 256;
        o->alerts = TR_REALLOC(o->alerts, sizeof *o->alerts * st->cap_alerts);
    }
    struct tr_alert *a = &o->alerts[o->n_alerts++];
    memset(a, 0, sizeof *a);
    a->key = s->r.key, a->t = t, a->rule = rule, a->severity = severity[rule];
    a->file = tr_order_file(order), a->line = tr_order_line(order), a->measure = measure;
    if (s->reg_index >= 0) o->flags[s->reg_index] |= (uint8_t)(1u << rule);
    st->recon[s->region + 1].alerts[rule]++;
    return a;
}

static double km_between(const struct tr_antenna_rec *a, const struct tr_antenna_rec *b)
{
    const double r = 6371.0088, rad = 3.14159265358979323846 / 180;
    const double dlat = (b->lat - a->lat) * rad, dlon = (b->lon - a->lon) * rad;
    const double h = sin(dlat / 2) * sin(dlat / 2) +
                     cos(a->lat * rad) * cos(b->lat * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(fmin(1, sqrt(h)));
}

static void *scratch(struct state *st, size_t n)
{
    if (n > st->cap_scratch) {
        st->cap_scratch = n + n / 2 + 64;
        st->scratch = TR_REALLOC(st->scratch, sizeof *st->scratch * st->cap_scratch);
    }
    return st->scratch;
}

/* ---- the ledger ---- */

static void ledger_break(struct state *st, const struct sub *s, const struct tr_money *m, int kind,
                         int64_t expected, int64_t found)
{
    struct tr_crosscheck *o = st->out;
    if (o->n_breaks == st->cap_breaks) {
        st->cap_breaks = st->cap_breaks ? 2 * st->cap_breaks : 64;
        o->breaks = TR_REALLOC(o->breaks, sizeof *o->breaks * st->cap_breaks);
    }
    o->breaks[o->n_breaks++] = (struct tr_ledger_break){
        s->r.key, m->t, kind, tr_order_file(m->order), tr_order_line(m->order), expected, found};
    st->recon[s->region + 1].ledger_breaks[kind]++;
}

static int has_balances(const struct tr_money *m)
{
    return m->balance_before != TR_NO_BALANCE && m->balance_after != TR_NO_BALANCE;
}

/* Whether no other record left in the group [first, last) ends at the balance record k starts
 * from: k can open the group's chain (at an account's first records, or after a break). */
static int chain_head(const struct sub *s, const unsigned char *used, size_t first, size_t last,
                      size_t k)
{
    if (!has_balances(&s->r.money[k])) return 1;
    for (size_t j = first; j < last; j++)
        if (j != k && !used[j] && has_balances(&s->r.money[j]) &&
            s->r.money[j].balance_after == s->r.money[k].balance_before)
            return 0;
    return 1;
}

/* Each record's arithmetic on the account's side, then the chain: within one second the records
 * are taken in the order that continues the chain (formats.md orders them by txn_id, which a
 * break-free chain reproduces), else one that no other record of the second leads to, else in
 * input order. */
static void check_ledger(struct state *st, const struct sub *s)
{
    int64_t balance = TR_NO_BALANCE;
    unsigned char *used = (unsigned char *)scratch(st, s->r.n_money + 1);
    memset(used, 0, s->r.n_money + 1);
    for (size_t first = 0; first < s->r.n_money;) {
        size_t last = first;
        while (last < s->r.n_money && s->r.money[last].t == s->r.money[first].t)
            last++;
        for (size_t taken = first; taken < last; taken++) {
            size_t pick = last;
            for (size_t k = first; k < last && pick == last; k++)
                if (!used[k] && has_balances(&s->r.money[k]) &&
                    s->r.money[k].balance_before == balance)
                    pick = k;
            for (size_t k = first; k < last && pick == last; k++)
                if (!used[k] && chain_head(s, used, first, last, k)) pick = k;
            for (size_t k = first; k < last && pick == last; k++)
                if (!used[k]) pick = k;
            used[pick] = 1;
            const struct tr_money *m = &s->r.money[pick];
            if (!has_balances(m)) continue;
            st->recon[s->region + 1].ledger_checked++;
            const int64_t after =
                m->outgoing ? m->balance_before - m->amount : m->balance_before + m->amount;
            if (balance != TR_NO_BALANCE && m->balance_before != balance)
                ledger_break(st, s, m, TR_LEDGER_CHAIN, balance, m->balance_before);
            if (m->balance_after != after)
                ledger_break(st, s, m, TR_LEDGER_ARITHMETIC, after, m->balance_after);
            balance = m->balance_after;
        }
        first = last;
    }
}

/* ---- the fraud rules ---- */

/* A SIM swap, then soon a cash-out or transfer of most of the balance. */
static void rule_takeover(struct state *st, const struct sub *s)
{
    const double window = st->cfg->fraud.takeover_hours * 3600,
                 share = st->cfg->fraud.takeover_share;
    for (size_t w = 0; w < s->r.n_swaps; w++) {
        const int64_t swap = s->r.swaps[w].t;
        for (size_t k = 0; k < s->r.n_money; k++) {
            const struct tr_money *m = &s->r.money[k];
            if (m->t < swap || (double)(m->t - swap) > window) continue;
            if (!pays_out(m) || (m->type != TR_CASHOUT && m->type != TR_P2P)) continue;
            if (m->balance_before == TR_NO_BALANCE || m->balance_before <= 0) continue;
            const double part = (double)m->amount / (double)m->balance_before;
            if (part < share) continue;
            char when[20];
            tr_format_timestamp(swap, when);
            struct tr_alert *a = alert(st, s, TR_RULE_TAKEOVER, m->t, m->order, part);
            evidence(a, "swap=%s;hours_after=%.2f;%s=%.2f;share_of_balance=%.3f", when,
                     (double)(m->t - swap) / 3600, tr_txn_type_names[m->type],
                     (double)m->amount / 100, part);
            break; /* one alert per swap */
        }
    }
}

/* A payment where the subscriber cannot be: at an antenna its phone never used in the window, and
 * farther from where its phone was just before or after than a plausible speed allows. (Places
 * the phone does use are not suspect however far apart: a sparse network puts a subscriber's
 * home and work antennas a hundred kilometres apart.) */
static void rule_travel(struct state *st, const struct sub *s)
{
    const struct tr_antenna_rec *ant = st->in->antennas;
    const int64_t window = (int64_t)(st->cfg->fraud.travel_window_minutes * 60);
    uint64_t *seen_at = scratch(st, s->r.n_cdr + 1);
    size_t places = 0;
    for (size_t c = 0; c < s->r.n_cdr; c++)
        if (s->r.cdr[c].antenna_self >= 0) seen_at[places++] = (uint64_t)s->r.cdr[c].antenna_self;
    places = tr_distinct_u64(seen_at, places);
    size_t lo = 0;
    for (size_t k = 0; k < s->r.n_money; k++) {
        const struct tr_money *m = &s->r.money[k];
        if (!pays_out(m) || m->antenna < 0) continue;
        const uint64_t here = (uint64_t)m->antenna;
        if (bsearch(&here, seen_at, places, sizeof here, tr_cmp_u64)) continue;
        while (lo < s->r.n_cdr && s->r.cdr[lo].t < m->t - window)
            lo++;
        double best = 0, best_km = 0;
        const struct tr_cdr *seen = NULL;
        for (size_t c = lo; c < s->r.n_cdr && s->r.cdr[c].t <= m->t + window; c++) {
            const struct tr_cdr *x = &s->r.cdr[c];
            if (x->antenna_self < 0) continue;
            const double km = km_between(&ant[x->antenna_self], &ant[m->antenna]);
            const int64_t gap = x->t > m->t ? x->t - m->t : m->t - x->t;
            const double kmh = km / ((double)(gap > 60 ? gap : 60) / 3600);
            if (km >= st->cfg->fraud.travel_min_km && kmh > st->cfg->fraud.travel_max_kmh &&
                kmh > best)
                best = kmh, best_km = km, seen = x;
        }
        if (!seen) continue;
        char when[20];
        tr_format_timestamp(seen->t, when);
        struct tr_alert *a = alert(st, s, TR_RULE_TRAVEL, m->t, m->order, best_km);
        evidence(a, "cdr=%s;cdr_antenna=%.23s;payment_antenna=%.23s;km=%.1f;minutes=%.1f;kmh=%.0f",
                 when, ant[seen->antenna_self].id, ant[m->antenna].id, best_km,
                 (double)(seen->t > m->t ? seen->t - m->t : m->t - seen->t) / 60, best);
    }
}

/* Heavy outgoing calls to many numbers, almost nothing back, from few antennas. */
static void rule_simbox(struct state *st, const struct sub *s)
{
    const struct tr_config *cfg = st->cfg;
    size_t calls = 0, incoming = 0, days = 0;
    int64_t last_day = INT64_MIN;
    const struct tr_cdr *first = NULL;
    for (size_t k = 0; k < s->r.n_cdr; k++) {
        const struct tr_cdr *c = &s->r.cdr[k];
        if (!c->outgoing) {
            incoming++;
            continue;
        }
        if (c->text) continue;
        calls++;
        if (!first) first = c;
        const int64_t day = tr_day_of(c->t);
        days += day != last_day, last_day = day;
    }
    if (!calls || (double)calls / (double)days < cfg->fraud.simbox_calls_per_day) return;
    if ((double)incoming / (double)calls > cfg->fraud.simbox_max_incoming_share) return;
    uint64_t *v = scratch(st, 2 * s->r.n_cdr + 1), *u = v + s->r.n_cdr;
    size_t n = 0, m = 0;
    for (size_t k = 0; k < s->r.n_cdr; k++) {
        if (s->r.cdr[k].outgoing && !s->r.cdr[k].text) v[n++] = s->r.cdr[k].other;
        if (!s->r.cdr[k].outgoing) u[m++] = s->r.cdr[k].other;
    }
    const size_t contacts = tr_distinct_u64(v, n);
    if ((int64_t)contacts < cfg->fraud.simbox_min_contacts) return;
    /* Reciprocity: the share of called numbers that also reached the subscriber. */
    const size_t callers = tr_distinct_u64(u, m);
    size_t back = 0;
    for (size_t k = 0; k < callers; k++)
        back += bsearch(&u[k], v, contacts, sizeof *v, tr_cmp_u64) != NULL;
    n = 0;
    for (size_t k = 0; k < s->r.n_cdr; k++)
        if (s->r.cdr[k].antenna_self >= 0) u[n++] = (uint64_t)s->r.cdr[k].antenna_self;
    const size_t antennas = tr_distinct_u64(u, n);
    const double reciprocity = (double)back / (double)contacts;
    if ((int64_t)antennas > cfg->fraud.simbox_max_antennas ||
        reciprocity > cfg->fraud.simbox_max_reciprocity)
        return;
    struct tr_alert *a =
        alert(st, s, TR_RULE_SIMBOX, first->t, first->order, (double)calls / (double)days);
    evidence(a,
             "calls=%zu;days=%zu;calls_per_day=%.1f;contacts=%zu;incoming=%zu;reciprocity=%.3f;"
             "antennas=%zu",
             calls, days, (double)calls / (double)days, contacts, incoming, reciprocity, antennas);
}

/* More payments, or more money, out of the account than a sliding window allows. */
static void rule_velocity(struct state *st, const struct sub *s)
{
    const int64_t window = (int64_t)(st->cfg->fraud.velocity_minutes * 60);
    const int64_t most = st->cfg->fraud.velocity_payments;
    const double cap_cents = st->cfg->fraud.velocity_amount * 100;
    size_t lo = 0, count = 0;
    int64_t cents = 0, quiet_until = INT64_MIN;
    for (size_t k = 0; k < s->r.n_money; k++) {
        const struct tr_money *m = &s->r.money[k];
        if (!pays_out(m)) continue;
        count++, cents += m->amount;
        for (; s->r.money[lo].t < m->t - window || !pays_out(&s->r.money[lo]); lo++)
            if (pays_out(&s->r.money[lo])) count--, cents -= s->r.money[lo].amount;
        const int over = (int64_t)count > most || (cap_cents > 0 && (double)cents > cap_cents);
        if (!over || m->t <= quiet_until) continue;
        struct tr_alert *a = alert(st, s, TR_RULE_VELOCITY, m->t, m->order, (double)count);
        evidence(a, "payments=%zu;span_s=%lld;amount=%.2f", count,
                 (long long)(m->t - s->r.money[lo].t), (double)cents / 100);
        quiet_until = m->t + window; /* one alert per burst */
    }
}

/* No record of the subscriber for many days, then cash-outs as soon as it wakes. */
static void rule_dormant(struct state *st, const struct sub *s)
{
    const size_t n = s->r.n_cdr + s->r.n_money + s->r.n_recharges + s->r.n_data + s->r.n_swaps;
    uint64_t *t = scratch(st, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < s->r.n_cdr; i++)
        t[k++] = (uint64_t)s->r.cdr[i].t;
    for (size_t i = 0; i < s->r.n_money; i++)
        t[k++] = (uint64_t)s->r.money[i].t;
    for (size_t i = 0; i < s->r.n_recharges; i++)
        t[k++] = (uint64_t)s->r.recharges[i].t;
    for (size_t i = 0; i < s->r.n_data; i++)
        t[k++] = (uint64_t)s->r.data[i].t;
    for (size_t i = 0; i < s->r.n_swaps; i++)
        t[k++] = (uint64_t)s->r.swaps[i].t;
    qsort(t, n, sizeof *t, tr_cmp_u64);
    const double gap = st->cfg->fraud.dormant_days * 86400;
    int64_t previous = st->in->window_start;
    for (size_t i = 0; i < n; i++) {
        const int64_t wake = (int64_t)t[i];
        if ((double)(wake - previous) >= gap) {
            const int64_t until = wake + (int64_t)(st->cfg->fraud.dormant_hours * 3600);
            const struct tr_money *first = NULL;
            size_t cashouts = 0;
            int64_t cents = 0, last = wake;
            for (size_t j = 0; j < s->r.n_money; j++) {
                const struct tr_money *m = &s->r.money[j];
                if (m->t < wake || m->t > until || !pays_out(m) || m->type != TR_CASHOUT) continue;
                if (!first) first = m;
                cashouts++, cents += m->amount, last = m->t;
            }
            if ((int64_t)cashouts >= st->cfg->fraud.dormant_cashouts) {
                const double days = (double)(wake - previous) / 86400;
                struct tr_alert *a = alert(st, s, TR_RULE_DORMANT, first->t, first->order, days);
                evidence(a, "dormant_days=%.1f;cashouts=%zu;span_s=%lld;amount=%.2f", days,
                         cashouts, (long long)(last - first->t), (double)cents / 100);
                return;
            }
        }
        previous = wake;
    }
}

/* ---- reconciliation counts ---- */

static void count(struct state *st, const struct sub *s)
{
    struct tr_recon *r = &st->recon[s->region + 1];
    r->records[TR_T_CDR] += (int64_t)s->r.n_cdr;
    r->records[TR_T_MOBILEMONEY] += (int64_t)s->r.n_money;
    r->records[TR_T_SIM_SWAPS] += (int64_t)s->r.n_swaps;
    r->records[TR_T_RECHARGES] += (int64_t)s->r.n_recharges;
    r->records[TR_T_MOBILEDATA] += (int64_t)s->r.n_data;
    /* A number seen only in international calls is a foreign party, not a missing subscriber. */
    int domestic = 0;
    for (size_t k = 0; k < s->r.n_cdr && !domestic; k++)
        domestic = !s->r.cdr[k].international;
    int subscriber =
        s->reg_index >= 0 || domestic || s->r.n_recharges || s->r.n_data || s->r.n_swaps;
    tr_isum paid = {0};
    int pays = 0;
    for (size_t k = 0; k < s->r.n_money; k++) {
        const struct tr_money *m = &s->r.money[k];
        if (!subscriber_side(m)) continue;
        subscriber = 1;
        if (pays_out(m)) pays = 1, tr_isum_add(&paid, m->amount);
        /* Control totals: once per record, on its subscriber's side (a p2p on the sender's). */
        if (m->type != TR_P2P || m->outgoing)
            r->txn_count[m->type]++, tr_isum_add(&r->txn_cents[m->type], m->amount);
    }
    if (pays && s->r.n_cdr == 0) {
        r->payers_without_calls++;
        r->payers_without_calls_cents.hi += paid.hi, r->payers_without_calls_cents.lo += paid.lo;
    }
    if (subscriber && s->reg_index < 0) r->unregistered_keys++;
}

/* ---- the walk over keys ---- */

static const void *take(const struct tr_array *a, size_t *at, uint64_t key, size_t *n)
{
    const size_t from = *at;
    while (*at < a->n && *(const uint64_t *)tr_array_at(a, *at) == key)
        (*at)++;
    *n = *at - from;
    return from < a->n ? tr_array_at(a, from) : NULL;
}

static const int walked[] = {TR_T_CDR, TR_T_MOBILEMONEY, TR_T_SIM_SWAPS, TR_T_RECHARGES,
                             TR_T_MOBILEDATA};

static int next_key(const struct tr_array *tables, const size_t *at, uint64_t *key)
{
    int any = 0;
    for (size_t w = 0; w < sizeof walked / sizeof *walked; w++) {
        const struct tr_array *a = &tables[walked[w]];
        if (at[walked[w]] >= a->n) continue;
        const uint64_t k = *(const uint64_t *)tr_array_at(a, at[walked[w]]);
        if (!any || k < *key) *key = k, any = 1;
    }
    return any;
}

static long registered(const struct tr_crosscheck_input *in, uint64_t key)
{
    const uint64_t *hit =
        bsearch(&key, in->registered_key, in->n_registered, sizeof key, tr_cmp_u64);
    return hit ? (long)(hit - in->registered_key) : -1;
}

static int cmp_alert(const void *pa, const void *pb)
{
    const struct tr_alert *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->rule - b->rule;
}

void tr_crosscheck_run(const struct tr_ctx *ctx, const struct tr_config *cfg,
                       const struct tr_crosscheck_input *in, struct tr_crosscheck *out)
{
    memset(out, 0, sizeof *out);
    out->flags = TR_CALLOC(in->n_registered + 1, 1);
    const size_t n_recon = (size_t)in->n_regions + 1;
    struct state st = {.cfg = cfg, .in = in, .out = out};
    st.recon = TR_CALLOC(n_recon, sizeof *st.recon);
    size_t at[TR_T_COUNT] = {0};
    uint64_t key = 0;
    const struct tr_array *tb = in->tables;
    tr_progress_total((double)in->n_registered);
    while (next_key(tb, at, &key)) {
        tr_progress_add(1);
        struct sub s = {.r.key = key, .reg_index = registered(in, key)};
        s.region = s.reg_index >= 0 ? in->registered_region[s.reg_index] : -1;
        if (s.region < -1 || s.region >= in->n_regions) s.region = -1;
        s.r.cdr = take(&tb[TR_T_CDR], &at[TR_T_CDR], key, &s.r.n_cdr);
        s.r.money = take(&tb[TR_T_MOBILEMONEY], &at[TR_T_MOBILEMONEY], key, &s.r.n_money);
        s.r.swaps = take(&tb[TR_T_SIM_SWAPS], &at[TR_T_SIM_SWAPS], key, &s.r.n_swaps);
        s.r.recharges = take(&tb[TR_T_RECHARGES], &at[TR_T_RECHARGES], key, &s.r.n_recharges);
        s.r.data = take(&tb[TR_T_MOBILEDATA], &at[TR_T_MOBILEDATA], key, &s.r.n_data);
        const size_t first_alert = out->n_alerts;
        count(&st, &s);
        check_ledger(&st, &s);
        rule_takeover(&st, &s);
        rule_travel(&st, &s);
        rule_simbox(&st, &s);
        rule_velocity(&st, &s);
        rule_dormant(&st, &s);
        /* Only when there are two or more: before the first alert out->alerts is NULL, which
         * neither qsort nor pointer arithmetic may be given. */
        if (out->n_alerts - first_alert > 1)
            qsort(out->alerts + first_alert, out->n_alerts - first_alert, sizeof *out->alerts,
                  cmp_alert);
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, st.recon, (int)(n_recon * sizeof *st.recon / 8),
                            MPI_INT64_T, MPI_SUM, ctx->comm));
    out->recon = st.recon;
    free(st.scratch);
}

void tr_crosscheck_free(struct tr_crosscheck *c)
{
    free(c->alerts);
    free(c->breaks);
    free(c->flags);
    free(c->recon);
    memset(c, 0, sizeof *c);
}

void tr_crosscheck_append(struct tr_crosscheck *dst, const struct tr_crosscheck *src, size_t n_dst,
                          size_t n_src, int n_regions)
{
    dst->alerts =
        TR_REALLOC(dst->alerts, sizeof *dst->alerts * (dst->n_alerts + src->n_alerts + 1));
    /* A pass without alerts or breaks has NULL for them, which memcpy may not be given. */
    if (src->n_alerts)
        memcpy(dst->alerts + dst->n_alerts, src->alerts, sizeof *src->alerts * src->n_alerts);
    dst->n_alerts += src->n_alerts;
    dst->breaks =
        TR_REALLOC(dst->breaks, sizeof *dst->breaks * (dst->n_breaks + src->n_breaks + 1));
    if (src->n_breaks)
        memcpy(dst->breaks + dst->n_breaks, src->breaks, sizeof *src->breaks * src->n_breaks);
    dst->n_breaks += src->n_breaks;
    dst->flags = TR_REALLOC(dst->flags, n_dst + n_src + 1);
    memcpy(dst->flags + n_dst, src->flags, n_src);
    if (!dst->recon) dst->recon = TR_CALLOC((size_t)n_regions + 1, sizeof *dst->recon);
    for (int g = 0; g <= n_regions; g++) { /* integer counters: the sum is exact */
        int64_t *d = (int64_t *)&dst->recon[g];
        const int64_t *a = (const int64_t *)&src->recon[g];
        for (size_t w = 0; w < sizeof(struct tr_recon) / sizeof(int64_t); w++)
            d[w] += a[w];
    }
}
