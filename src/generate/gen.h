/* One rank's generation state and the per-subscriber emitters: everything a subscriber's block
 * writes into each table is produced here, from that subscriber's keyed streams. */
#ifndef TELRISK_GENERATE_GEN_H
#define TELRISK_GENERATE_GEN_H

#include "generate/loans.h"
#include "generate/money.h"
#include "generate/person.h"
#include "generate/sink.h"
#include "generate/social.h"

#include <gsl/gsl_rng.h>

struct call;

/* The planted call that places a far-payment subscriber just before the payment. */
struct tr_far_call {
    int64_t t;
    int32_t antenna;
};

struct tr_gen {
    const struct tr_world *w;
    struct tr_sink *sink;
    gsl_rng *r;
    struct tr_person self;
    char self_id[13];
    struct tr_contact contacts[TR_MAX_CONTACTS];
    struct tr_person contact_person[TR_MAX_CONTACTS];
    double cum_weight[TR_MAX_CONTACTS];
    int n_contacts;
    struct tr_ledger ledger, other; /* self's, and a payee's rebuilt on demand */
    struct tr_book book;            /* self's loans and repayments */
    struct tr_far_call far_call;
    struct tr_textbuf line; /* one record being formatted */
    int line_has_defect;    /* it carries a planted defect already: no copy of it */
    struct call *calls;     /* one subscriber's outgoing calls, being drawn */
    size_t calls_cap;       /* elements */
    int64_t *times;         /* event times being drawn (top-ups, sessions), epoch seconds */
    size_t times_cap;       /* elements */
};

void tr_gen_init(struct tr_gen *g, const struct tr_world *w, struct tr_sink *sink);
void tr_gen_free(struct tr_gen *g);

/* Everything about subscriber i, in every table. */
void tr_gen_person(struct tr_gen *g, int64_t i);

/* The emitters, in the order tr_gen_person calls them. */
void tr_emit_subscriber(struct tr_gen *g);
void tr_emit_calls(struct tr_gen *g);
void tr_emit_recharges(struct tr_gen *g);
void tr_emit_money(struct tr_gen *g);
void tr_emit_data(struct tr_gen *g);
void tr_emit_loans(struct tr_gen *g);
void tr_emit_swaps(struct tr_gen *g);

/* Helpers shared by the emitters. */
void tr_put_antenna(struct tr_textbuf *b, int32_t antenna);
/* Room for n event times in g->times. */
int64_t *tr_gen_times(struct tr_gen *g, size_t n);
/* Emits g->line as a record of table (duplicates and malformed followers planted by key). */
void tr_gen_flush_line(struct tr_gen *g, int table, uint64_t record_key);

#endif
