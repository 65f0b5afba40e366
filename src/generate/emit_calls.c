/* Call-detail records: each subscriber's outgoing calls and texts (incoming ones are written by
 * the caller's block). */
#include "generate/defects.h"
#include "generate/gen.h"
#include "generate/mobility.h"

#include "core/error.h"
#include "core/rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

struct call {
    int64_t t;         /* epoch seconds */
    int64_t recipient; /* subscriber index; -1: a foreign number */
    int32_t contact;   /* index into g->contacts, or -1 */
    int32_t duration;  /* seconds; -1 for a text */
    uint32_t seq;      /* draw order: the record's identity */
    uint8_t planted;   /* the far-payment alibi call */
};

static int cmp_call(const void *pa, const void *pb)
{
    const struct call *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct call_list {
    struct call *v;
    size_t n, cap;
};

static struct call *add_call(struct call_list *l)
{
    if (l->n == l->cap) l->v = TR_REALLOC(l->v, sizeof(struct call) * (l->cap *= 2));
    struct call *c = &l->v[l->n];
    *c = (struct call){.seq = (uint32_t)l->n, .contact = -1};
    l->n++;
    return c;
}

static int32_t call_duration(gsl_rng *r, double mu)
{
    double d = round(gsl_ran_lognormal(r, mu, 1.0));
    return d < 1 ? 1 : d > 36000 ? 36000 : (int32_t)d;
}

static int pick_contact(const struct tr_gen *g, double u)
{
    double x = u * g->cum_weight[g->n_contacts - 1];
    int lo = 0, hi = g->n_contacts - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (g->cum_weight[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* An ordinary subscriber: a daily rhythm, mostly to a few close contacts, a little abroad. */
static void draw_social_calls(struct tr_gen *g, struct call_list *l)
{
    const struct tr_world *w = g->w;
    const struct tr_person *p = &g->self;
    gsl_rng *r = g->r;
    /* Day-to-day swings: irregular people have gamma-distributed daily rates (shape small). */
    const double shape = 1.5 + 30 * p->regularity;
    const double mu = log(120.0) - 0.5 + 0.1 * p->z_income;
    for (int64_t day = p->dormant_until; day < w->days; day++) {
        int weekend = (w->start_day + day + 3) % 7 >= 5;
        double rate = p->activity * (weekend ? 0.8 : 1.07) * gsl_ran_gamma(r, shape, 1 / shape);
        unsigned n = gsl_ran_poisson(r, rate);
        for (unsigned k = 0; k < n; k++) {
            int64_t t = w->start_epoch + day * 86400 +
                        tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
            double u = gsl_rng_uniform(r);
            int text = gsl_rng_uniform(r) < p->text_share;
            int32_t duration = call_duration(r, mu);
            int abroad = u < 0.015 || g->n_contacts == 0;
            int c = abroad ? -1 : pick_contact(g, gsl_rng_uniform(r));
            if (c >= 0 && g->contact_person[c].dormant_until > day) continue;
            struct call *e = add_call(l);
            e->t = t;
            e->contact = c;
            e->recipient = c >= 0 ? g->contacts[c].index : -1;
            e->duration = text ? -1 : duration;
        }
    }
}

/* A SIM box: a hundred or more short calls a day to numbers all over the country. */
static void draw_simbox_calls(struct tr_gen *g, struct call_list *l)
{
    const struct tr_world *w = g->w;
    gsl_rng *r = g->r;
    double rate = 80 + 120 * tr_unit(tr_key(w->seed, TR_S_SIMBOX, (uint64_t)g->self.index, 0));
    for (int64_t day = 0; day < w->days; day++) {
        unsigned n = gsl_ran_poisson(r, rate);
        for (unsigned k = 0; k < n; k++) {
            int64_t t = w->start_epoch + day * 86400 +
                        tr_second_of_day(gsl_rng_uniform(r), gsl_rng_uniform(r));
            int64_t j = (int64_t)gsl_rng_uniform_int(r, (unsigned long)w->subscribers);
            int32_t duration = call_duration(r, log(75.0) - 0.5);
            if (j == g->self.index || tr_person_kind(w, j) == TR_KIND_SIMBOX ||
                tr_person_dormant_until(w, j) > day)
                continue;
            struct call *e = add_call(l);
            e->t = t;
            e->recipient = j;
            e->duration = duration;
        }
    }
}

/* The call that places a far-payment subscriber at home or work minutes before the payment,
 * to a contact awake that day (or abroad). */
static void plant_far_call(struct tr_gen *g, struct call_list *l)
{
    for (int k = 0; k < g->ledger.n; k++) {
        if (g->ledger.ev[k].mark != TR_MARK_FAR) continue;
        struct call *e = add_call(l);
        e->t = g->ledger.ev[k].t - 300 - (int64_t)gsl_rng_uniform_int(g->r, 1200);
        int64_t day = (e->t - g->w->start_epoch) / 86400;
        for (int c = 0; c < g->n_contacts && e->contact < 0; c++)
            if (g->contact_person[c].dormant_until <= day) e->contact = c;
        e->recipient = e->contact >= 0 ? g->contacts[e->contact].index : -1;
        e->duration = 30 + (int32_t)gsl_rng_uniform_int(g->r, 200);
        e->planted = 1;
    }
}

static void put_call(struct tr_gen *g, const struct call *e, uint64_t key)
{
    const struct tr_world *w = g->w;
    struct tr_textbuf *b = &g->line;
    struct tr_person tmp;
    const struct tr_person *to = NULL;
    if (e->contact >= 0) {
        to = &g->contact_person[e->contact];
    } else if (e->recipient >= 0) {
        tr_person_make(w, e->recipient, &tmp);
        to = &tmp;
    }
    int32_t from_at = tr_location(w, &g->self, e->t, key);
    int32_t to_at = to ? tr_location(w, to, e->t, key ^ 0x7f4a7c15ULL) : -1;
    if (e->planted) g->far_call = (struct tr_far_call){e->t, from_at};
    int32_t fake;
    if (!e->planted && tr_plant_unknown_antenna(w, key, &fake)) {
        int on_recipient = to && (key & 1);
        char detail[64];
        snprintf(detail, sizeof detail, "%s=A%05d",
                 on_recipient ? "recipient_antenna" : "caller_antenna", fake);
        tr_sink_ref_begin(g->sink, TR_F_TRUTH_DEFECTS, TR_F_CDR, g->sink->buf[TR_F_CDR].lines);
        tr_put_str(&g->sink->ref_text, "unknown_antenna,");
        tr_put_str(&g->sink->ref_text, g->self_id);
        tr_put_char(&g->sink->ref_text, ',');
        tr_put_str(&g->sink->ref_text, detail);
        tr_sink_ref_end(g->sink);
        g->sink->unknown_antenna[TR_F_CDR]++;
        g->line_has_defect = 1;
        if (on_recipient)
            to_at = fake;
        else
            from_at = fake;
    }
    tr_put_str(b, e->duration < 0 ? "text," : "call,");
    tr_put_str(b, g->self_id);
    tr_put_char(b, ',');
    if (e->recipient >= 0) {
        char id[13];
        tr_msisdn(e->recipient, id);
        tr_put_str(b, id);
    } else { /* a foreign number: country code 254 and nine digits */
        tr_put_str(b, "254");
        tr_put_u64_width(b, tr_mix64(key) % 1000000000ULL, 9);
    }
    tr_put_char(b, ',');
    tr_put_timestamp(b, e->t);
    tr_put_char(b, ',');
    if (e->duration >= 0) tr_put_u64(b, (uint64_t)e->duration);
    tr_put_char(b, ',');
    tr_put_antenna(b, from_at);
    tr_put_char(b, ',');
    if (to_at >= 0) tr_put_antenna(b, to_at);
    tr_put_str(b, e->recipient >= 0 ? ",0" : ",1");
}

/* One caller, one record per second: equal times move a second on, so no two records of a
 * caller are exact duplicates unless planted. Records pushed past the window's end go. */
static void space_out(const struct tr_world *w, struct call_list *l)
{
    const int64_t end = w->start_epoch + w->days * 86400;
    size_t k = 0;
    for (; k < l->n; k++) {
        if (k > 0 && l->v[k].t <= l->v[k - 1].t) l->v[k].t = l->v[k - 1].t + 1;
        if (l->v[k].t >= end) break;
    }
    l->n = k;
}

static void note_simbox(struct tr_gen *g, const struct call_list *l)
{
    struct tr_textbuf *t = &g->sink->ref_text;
    tr_sink_ref_begin(g->sink, TR_F_TRUTH_FRAUD, TR_F_CDR, g->sink->buf[TR_F_CDR].lines);
    tr_put_str(t, "simbox,");
    tr_put_str(t, g->self_id);
    tr_put_char(t, ',');
    tr_put_timestamp(t, l->v[0].t);
    tr_put_str(t, ",%L,outgoing_calls=");
    tr_put_u64(t, l->n);
    tr_sink_ref_end(g->sink);
    g->sink->fraud[TR_KIND_SIMBOX]++;
}

void tr_emit_calls(struct tr_gen *g)
{
    const struct tr_world *w = g->w;
    gsl_rng_set(g->r, tr_key(w->seed, TR_S_CDR, (uint64_t)g->self.index, 0));
    struct call_list l = {g->calls, 0, g->calls_cap};
    if (!l.v) l.v = TR_MALLOC(sizeof(struct call) * (l.cap = 4096));
    if (g->self.kind == TR_KIND_SIMBOX)
        draw_simbox_calls(g, &l);
    else
        draw_social_calls(g, &l);
    plant_far_call(g, &l);
    qsort(l.v, l.n, sizeof *l.v, cmp_call);
    space_out(w, &l);
    if (g->self.kind == TR_KIND_SIMBOX && l.n > 0) note_simbox(g, &l);
    for (size_t k = 0; k < l.n; k++) {
        uint64_t key = tr_key(w->seed, TR_S_CDR, (uint64_t)g->self.index, 1 + (uint64_t)l.v[k].seq);
        put_call(g, &l.v[k], key);
        tr_gen_flush_line(g, TR_F_CDR, key);
    }
    g->calls = l.v;
    g->calls_cap = l.cap;
}
