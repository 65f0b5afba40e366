/* The indicators of bandicoot's individual.py, on one group of records (one filter, one week):
 * the per-contact ones on the calls or the texts, the conversation ones on both. Contacts are
 * dense ids; their counters are valid when their stamp is the group's, so nothing is cleared. */
#include "features/bandicoot/bc_internal.h"

#include <math.h>

/* ------------------------------------------------------------------ calls or texts */

/* Counts per contact over the group; returns the contacts in first-seen order (s->touched). */
static size_t count_contacts(const struct bc_job *j, const uint32_t *idx, size_t n, int64_t *n_out,
                             int64_t *n_night)
{
    struct tr_bc_scratch *s = j->s;
    const struct tr_bc_record *rec = j->u->records;
    uint32_t gen = bc_next_gen(s);
    size_t nc = 0;
    int64_t out = 0, night = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t r = idx[k];
        int32_t c = s->cid[r];
        if (s->c_stamp[c] != gen) {
            s->c_stamp[c] = gen;
            s->c_count[c] = s->c_out[c] = 0;
            s->c_dur[c] = 0;
            s->touched[nc++] = c;
        }
        s->c_count[c]++;
        int is_out = (s->flags[r] & BC_F_OUT) != 0;
        s->c_out[c] += is_out;
        out += is_out;
        night += (s->flags[r] & BC_F_NIGHT) != 0;
        if (!(s->flags[r] & BC_F_TEXT)) s->c_dur[c] += rec[r].duration;
    }
    *n_out = out;
    *n_night = night;
    return nc;
}

static void put_summary(const struct bc_job *j, enum bc_ind ind, double *v, size_t n, double *row)
{
    bc_summary(v, n, j->lay->opt.extended, row + BC_SLOT(ind, 0));
}

/* percent_pareto_*: the fewest contacts reaching ceil(0.8 x total), over the contacts. */
static double pareto_share(int64_t *values, size_t n_contacts, int64_t total)
{
    int64_t target = (int64_t)ceil((double)total * 0.8);
    return (double)bc_pareto_count(values, n_contacts, target) / (double)n_contacts;
}

/* The distributions over contacts: balance (outgoing share of all the group's records) and
 * interactions per contact. */
static void contact_distributions(const struct bc_job *j, size_t nc, size_t n, double *row)
{
    struct tr_bc_scratch *s = j->s;
    for (size_t k = 0; k < nc; k++)
        s->vals[k] = (double)s->c_out[s->touched[k]] / (double)n;
    put_summary(j, BC_BALANCE_OF_CONTACTS, s->vals, nc, row);
    for (size_t k = 0; k < nc; k++)
        s->vals[k] = (double)s->c_count[s->touched[k]];
    put_summary(j, BC_INTERACTIONS_PER_CONTACT, s->vals, nc, row);
    for (size_t k = 0; k < nc; k++)
        s->tmp64[k] = s->c_count[s->touched[k]];
    row[BC_SLOT(BC_PERCENT_PARETO_INTERACTIONS, 0)] = pareto_share(s->tmp64, nc, (int64_t)n);
}

static void interevent(const struct bc_job *j, const uint32_t *idx, size_t n, double *row)
{
    const struct tr_bc_record *rec = j->u->records;
    double *v = j->s->vals;
    for (size_t k = 1; k < n; k++)
        v[k - 1] = (double)(rec[idx[k]].t - rec[idx[k - 1]].t);
    put_summary(j, BC_INTEREVENT_TIME, v, n - 1, row);
}

/* Only on calls: durations, initiated share and the durations' pareto share. */
static void call_only(const struct bc_job *j, const uint32_t *idx, size_t n, size_t nc, int64_t out,
                      double *row)
{
    struct tr_bc_scratch *s = j->s;
    const struct tr_bc_record *rec = j->u->records;
    for (size_t k = 0; k < n; k++)
        s->vals[k] = rec[idx[k]].duration;
    put_summary(j, BC_CALL_DURATION, s->vals, n, row);
    row[BC_SLOT(BC_PERCENT_INITIATED_INTERACTIONS, 0)] = (double)out / (double)n;
    int64_t total = 0;
    for (size_t k = 0; k < nc; k++)
        total += s->tmp64[k] = s->c_dur[s->touched[k]];
    row[BC_SLOT(BC_PERCENT_PARETO_DURATIONS, 0)] = pareto_share(s->tmp64, nc, total);
}

void bc_group_contacts(const struct bc_job *j, const uint32_t *idx, size_t n, int calls,
                       double *row)
{
    int64_t out, night;
    size_t nc = count_contacts(j, idx, n, &out, &night);
    row[BC_SLOT(BC_NUMBER_OF_CONTACTS, 0)] = (double)nc;
    row[BC_SLOT(BC_PERCENT_NOCTURNAL, 0)] = (double)night / (double)n;
    row[BC_SLOT(BC_ENTROPY_OF_CONTACTS, 0)] =
        bc_entropy(j->s->c_count, j->s->touched, nc, (int64_t)n);
    row[BC_SLOT(BC_NUMBER_OF_INTERACTIONS, 0)] = (double)n;
    row[BC_SLOT(BC_NUMBER_OF_INTERACTION_IN, 0)] = (double)((int64_t)n - out);
    row[BC_SLOT(BC_NUMBER_OF_INTERACTION_OUT, 0)] = (double)out;
    contact_distributions(j, nc, n, row);
    interevent(j, idx, n, row);
    if (calls) call_only(j, idx, n, nc, out, row);
}

/* ------------------------------------------------------------------ conversations */

/* A text conversation with one contact: texts less than an hour apart (the gap counted from the
 * contact's previous record, call or text); a call or a gap of an hour or more ends it. */
enum { CONV_OPEN = 1, CONV_BEGAN_OUT = 2, CONV_HAS_OUT = 4, CONV_PREV_OUT = 8 };

struct conv_totals {
    int64_t total, initiated, received, responded;
    size_t n_delays;
};

static void close_conversation(uint8_t *state, struct conv_totals *c)
{
    if (!(*state & CONV_OPEN)) return;
    c->total++;
    if (*state & CONV_BEGAN_OUT) {
        c->initiated++;
    } else { /* began with an incoming text */
        c->received++;
        c->responded += (*state & CONV_HAS_OUT) != 0;
    }
    *state = 0;
}

static void open_conversation(uint8_t *state, int out)
{
    *state = CONV_OPEN | (out ? CONV_BEGAN_OUT | CONV_HAS_OUT | CONV_PREV_OUT : 0);
}

/* A text inside an open conversation: an outgoing answer to an incoming text is a response
 * delay (kept when positive). */
static void continue_conversation(const struct bc_job *j, int32_t c, int64_t t, int out,
                                  struct conv_totals *tot)
{
    struct tr_bc_scratch *s = j->s;
    if (out && !(s->c_conv[c] & CONV_PREV_OUT) && t - s->c_prev_t[c] > 0)
        s->vals[tot->n_delays++] = (double)(t - s->c_prev_t[c]);
    s->c_conv[c] =
        (uint8_t)((s->c_conv[c] & ~CONV_PREV_OUT) | (out ? CONV_HAS_OUT | CONV_PREV_OUT : 0));
}

static void conversation_step(const struct bc_job *j, uint32_t r, uint32_t gen,
                              struct conv_totals *tot, size_t *n_touched)
{
    struct tr_bc_scratch *s = j->s;
    int32_t c = s->cid[r];
    int64_t t = j->u->records[r].t;
    int text = (s->flags[r] & BC_F_TEXT) != 0, out = (s->flags[r] & BC_F_OUT) != 0;
    int first = s->c_stamp[c] != gen;
    if (first) {
        s->c_stamp[c] = gen;
        s->c_conv[c] = 0;
        s->touched[(*n_touched)++] = c;
    }
    if (first || t - s->c_last[c] < 3600) {
        if (!text) {
            close_conversation(&s->c_conv[c], tot);
        } else if (s->c_conv[c] & CONV_OPEN) {
            continue_conversation(j, c, t, out, tot);
        } else {
            open_conversation(&s->c_conv[c], out);
        }
    } else {
        close_conversation(&s->c_conv[c], tot);
        if (text) open_conversation(&s->c_conv[c], out);
    }
    if (text) s->c_prev_t[c] = t;
    s->c_last[c] = t;
}

static int64_t distinct_days(const struct bc_job *j, const uint32_t *idx, size_t n)
{
    int64_t days = 0;
    for (size_t k = 0; k < n; k++)
        days += k == 0 || j->s->day[idx[k]] != j->s->day[idx[k - 1]];
    return days;
}

void bc_group_conversations(const struct bc_job *j, const uint32_t *idx, size_t n, double *row)
{
    struct tr_bc_scratch *s = j->s;
    uint32_t gen = bc_next_gen(s);
    struct conv_totals tot = {0};
    size_t nc = 0;
    for (size_t k = 0; k < n; k++)
        conversation_step(j, idx[k], gen, &tot, &nc);
    for (size_t k = 0; k < nc; k++)
        close_conversation(&s->c_conv[s->touched[k]], &tot);

    row[BC_SLOT(BC_ACTIVE_DAYS, 0)] = (double)distinct_days(j, idx, n);
    row[BC_SLOT(BC_PERCENT_INITIATED_CONVERSATIONS, 0)] =
        tot.total ? (double)tot.initiated / (double)tot.total : 0;
    row[BC_SLOT(BC_RESPONSE_RATE_TEXT, 0)] =
        tot.received ? (double)tot.responded / (double)tot.received : NAN;
    put_summary(j, BC_RESPONSE_DELAY_TEXT, s->vals, tot.n_delays, row);
}
