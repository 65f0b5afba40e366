#include "generate/gen.h"

#include "core/error.h"
#include "core/rng.h"
#include "generate/defects.h"

#include <stdlib.h>
#include <string.h>

void tr_gen_init(struct tr_gen *g, const struct tr_world *w, struct tr_sink *sink)
{
    memset(g, 0, sizeof *g);
    g->w = w;
    g->sink = sink;
    g->r = tr_rng_alloc();
    tr_ledger_init(&g->ledger);
    tr_ledger_init(&g->other);
    tr_textbuf_init(&g->line, 256);
    g->calls = NULL; /* allocated by tr_emit_calls, which knows its element type */
    g->calls_cap = 0;
    g->times_cap = 1024;
    g->times = TR_MALLOC(sizeof(int64_t) * g->times_cap);
}

void tr_gen_free(struct tr_gen *g)
{
    gsl_rng_free(g->r);
    tr_ledger_free(&g->ledger);
    tr_ledger_free(&g->other);
    tr_textbuf_free(&g->line);
    free(g->calls);
    free(g->times);
}

int64_t *tr_gen_times(struct tr_gen *g, size_t n)
{
    if (n > g->times_cap) {
        while (n > g->times_cap)
            g->times_cap *= 2;
        g->times = TR_REALLOC(g->times, sizeof(int64_t) * g->times_cap);
    }
    return g->times;
}

void tr_put_antenna(struct tr_textbuf *b, int32_t antenna)
{
    tr_put_char(b, 'A');
    tr_put_u64_width(b, (uint64_t)antenna, 5);
}

void tr_gen_flush_line(struct tr_gen *g, int table, uint64_t record_key)
{
    tr_emit_record(g->w, g->sink, table, g->line.data, g->line.len, record_key, g->self_id,
                   !g->line_has_defect);
    g->line_has_defect = 0;
    tr_textbuf_clear(&g->line);
}

static void load_contacts(struct tr_gen *g)
{
    g->n_contacts = tr_contacts(g->w, g->self.index, g->contacts);
    double acc = 0;
    for (int k = 0; k < g->n_contacts; k++) {
        tr_person_make(g->w, g->contacts[k].index, &g->contact_person[k]);
        acc += g->contacts[k].weight;
        g->cum_weight[k] = acc;
    }
}

void tr_gen_person(struct tr_gen *g, int64_t i)
{
    tr_person_make(g->w, i, &g->self);
    tr_msisdn(i, g->self_id);
    load_contacts(g);
    tr_ledger_build(g->w, &g->self, g->contacts, g->n_contacts, &g->ledger);
    tr_emit_subscriber(g);
    tr_emit_calls(g); /* before money: it plants the call that the far payment contradicts */
    tr_emit_recharges(g);
    tr_emit_money(g);
    tr_emit_data(g);
    tr_emit_loans(g);
    tr_emit_swaps(g);
}
