#include "present/view.h"

#include "core/error.h"
#include "output/region_codes.h"
#include "output/suppress.h"

#include <stdlib.h>
#include <string.h>

/* Features worth a glance, in column order, with their column labels. */
static const struct {
    const char *name, *label;
} glance[TR_VIEW_GLANCE] = {
    {"number_of_interactions__allweek__allday__call__mean", "calls/wk"},
    {"number_of_contacts__allweek__allday__call__mean", "callees/wk"},
    {"active_days__allweek__allday__callandtext__mean", "active days/wk"},
    {"radius_of_gyration__allweek__allday__mean", "gyration km"},
    {"mm_count_all", "payments"},
    {"recharges_sum", "top-ups"},
};

int tr_view_glance(const struct tr_run_summary *s, struct tr_view_column cols[TR_VIEW_GLANCE])
{
    int n = 0;
    for (int k = 0; k < TR_VIEW_GLANCE; k++)
        for (size_t j = 0; j < s->n_features; j++)
            if (strcmp(s->features[j], glance[k].name) == 0) {
                cols[n++] = (struct tr_view_column){.feature = j, .label = glance[k].label};
                break;
            }
    return n;
}

int tr_view_mean(const struct tr_summary_tally *t, size_t feature, double *mean)
{
    if (t->defined[feature] == 0) return 0;
    *mean = t->sum[feature] / (double)t->defined[feature];
    return 1;
}

int8_t *tr_view_region_states(const struct tr_run_summary *s, int64_t k_min)
{
    const size_t n = s->n_regions + 2;
    const int64_t k = s->k_min > k_min ? s->k_min : k_min;
    struct tr_cell *cells = TR_CALLOC(n, sizeof *cells);
    for (size_t r = 0; r < n; r++)
        cells[r] = (struct tr_cell){
            .n = (int64_t)s->tallies[r].subscribers, .row = 0, .col = r + 1 < n ? (int)r : -1};
    tr_suppress(cells, n, k);
    int8_t *state = TR_CALLOC(n, 1);
    for (size_t r = 0; r < n; r++)
        state[r] = cells[r].state;
    free(cells);
    return state;
}

/* One pass of tr_view_model_states: the states of one count of each model row. A count the file
 * hid (-1) enters as a single subscriber, so it stays hidden and its complement is hidden too. */
static void model_pass(const struct tr_run_summary *s, int64_t k, int train, int8_t *state)
{
    struct tr_cell *cells = TR_CALLOC(s->n_models + 1, sizeof *cells);
    for (size_t r = 0; r < s->n_models; r++) {
        const struct tr_summary_model *m = &s->models[r];
        const int64_t n = train ? m->train_rows : m->holdout_rows;
        cells[r] =
            (struct tr_cell){.n = n < 0 ? 1 : n, .row = 0, .col = m->region < 0 ? -1 : (int)r};
    }
    tr_suppress(cells, s->n_models, k);
    for (size_t r = 0; r < s->n_models; r++)
        if (cells[r].state > state[r]) state[r] = cells[r].state;
    free(cells);
}

int8_t *tr_view_model_states(const struct tr_run_summary *s, int64_t k_min)
{
    int64_t k = s->k_min > k_min ? s->k_min : k_min;
    /* A file that hid a row suppressed at k >= 2 (its single subscribers are hidden already), so
     * the rows it hid, entered as one subscriber each, stay hidden here whatever k asks. */
    for (size_t r = 0; r < s->n_models; r++)
        if (s->models[r].suppressed && k < 2) k = 2;
    int8_t *state = TR_CALLOC(s->n_models + 1, 1);
    model_pass(s, k, 0, state);
    model_pass(s, k, 1, state);
    /* the file's own reason wins: it knew the counts */
    for (size_t r = 0; r < s->n_models; r++)
        if (s->models[r].suppressed) state[r] = s->models[r].suppressed;
    return state;
}

int8_t *tr_view_grade_states(const struct tr_run_summary *s, int64_t k_min)
{
    int64_t k = s->k_min > k_min ? s->k_min : k_min;
    struct tr_cell *cells = TR_CALLOC(s->n_grades + 1, sizeof *cells);
    size_t n = 0, *at = TR_CALLOC(s->n_grades + 1, sizeof *at);
    for (size_t r = 0; r < s->n_grades; r++) {
        const struct tr_summary_grade *g = &s->grades[r];
        if (g->region != TR_REGION_ALL) continue;
        if (g->suppressed && k < 2) k = 2; /* as tr_view_model_states */
        at[n] = r;
        cells[n++] = (struct tr_cell){
            .n = g->n < 0 ? 1 : g->n, .row = 0, .col = g->grade == 0 ? -1 : (int)g->grade};
    }
    tr_suppress(cells, n, k);
    int8_t *state = TR_CALLOC(s->n_grades + 1, 1);
    for (size_t c = 0; c < n; c++)
        state[at[c]] = s->grades[at[c]].suppressed ? s->grades[at[c]].suppressed : cells[c].state;
    free(at);
    free(cells);
    return state;
}

int8_t *tr_view_concentration_states(const struct tr_run_summary *s, int64_t k_min)
{
    int64_t k = s->k_min > k_min ? s->k_min : k_min;
    struct tr_cell *cells = TR_CALLOC(s->n_concentration + 1, sizeof *cells);
    for (size_t r = 0; r < s->n_concentration; r++) {
        const struct tr_summary_concentration *c = &s->concentration[r];
        if (c->suppressed && k < 2) k = 2; /* as tr_view_model_states */
        cells[r] = (struct tr_cell){.n = c->subscribers < 0 ? 1 : c->subscribers,
                                    .row = 0,
                                    .col = c->region == TR_REGION_ALL ? -1 : (int)r};
    }
    tr_suppress(cells, s->n_concentration, k);
    int8_t *state = TR_CALLOC(s->n_concentration + 1, 1);
    for (size_t r = 0; r < s->n_concentration; r++)
        state[r] = s->concentration[r].suppressed ? s->concentration[r].suppressed : cells[r].state;
    free(cells);
    return state;
}

const char *tr_view_why(int8_t state)
{
    switch (state) {
    case TR_CELL_PUBLISHED:
        return NULL;
    case TR_CELL_SMALL:
        return "suppressed: fewer than privacy.k_min subscribers";
    case TR_CELL_COMPLEMENT:
        return "suppressed: would give a small row away";
    default: /* a state this telrisk does not know (a newer or damaged file): still hidden */
        return "suppressed";
    }
}
