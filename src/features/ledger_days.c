#include "features/ledger_days.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

const char *const tr_label_rule_names[2] = {"status", "ledger"};
const char *const tr_population_names[4] = {"none", "exposure", "application", "in_default"};

/* A loan as the days go by: what has been repaid and what has fallen due before the day whose
 * state it is (docs/credit.md section 2's P(d), the installments with u_k < d). */
struct loan_state {
    const struct tr_loan_rec *l;
    const struct tr_repayment *rep; /* [n_rep]: its repayments, by time */
    size_t n_rep, next_rep;         /* the first not yet counted */
    int64_t paid;                   /* cents repaid on days before the state's day */
    int64_t due_sum;                /* cents of the installments due before it */
    int32_t next_due;               /* 1 + the installments due before it */
    int32_t oldest;                 /* the first installment not fully paid (n + 1: none) */
    int32_t default_day;            /* -1 until found */
    int32_t default_installment;    /* then: the oldest installment not fully paid */
    int64_t default_outstanding;    /* then: cents owed */
    int active;                     /* issued by the cut: it takes part */
};

/* The loan's default on day d: what it then owed and the installment it had not paid. */
static void set_default(struct loan_state *st, int64_t d)
{
    const int64_t left = st->l->amount - st->paid;
    st->default_day = (int32_t)d;
    st->default_installment = st->oldest;
    st->default_outstanding = left > 0 ? left : 0;
}

static int64_t day_of(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* Installment k's due day u_k, and cum_k (ledger_days.h: the schedule). */
static int64_t installment_day(const struct tr_loan_rec *l, int32_t k)
{
    return tr_installment_day(l->issued, l->due, l->installments, k);
}

static int64_t installments_sum(const struct tr_loan_rec *l, int32_t k)
{
    return tr_installments_sum(l->amount, l->installments, k);
}

/* The loan's state at the start of day d (d never decreases from call to call). */
static void advance(struct loan_state *s, int64_t d)
{
    const struct tr_loan_rec *l = s->l;
    /* What is paid beyond the amount changes nothing: capped there, no sum can overflow. */
    while (s->next_rep < s->n_rep && day_of(s->rep[s->next_rep].t) < d) {
        const int64_t room = l->amount - s->paid, amount = s->rep[s->next_rep++].amount;
        s->paid += amount < room ? amount : room;
    }
    while (s->next_due <= l->installments && installment_day(l, s->next_due) < d) {
        s->due_sum += installments_sum(l, s->next_due) - installments_sum(l, s->next_due - 1);
        s->next_due++;
    }
    while (s->oldest <= l->installments && installments_sum(l, s->oldest) <= s->paid)
        s->oldest++;
}

static int64_t outstanding_at(const struct loan_state *s, int64_t d)
{
    const int64_t left = s->l->amount - s->paid;
    return s->l->issued < d && left > 0 ? left : 0;
}

static int64_t arrears_of(const struct loan_state *s)
{
    return s->due_sum > s->paid ? s->due_sum - s->paid : 0;
}

/* The due day of the oldest installment past due on day d, or -1 (then DPD is 0). */
static int64_t past_due_since(const struct loan_state *s, int64_t d)
{
    if (s->oldest > s->l->installments) return -1;
    const int64_t u = installment_day(s->l, s->oldest);
    return u < d ? u : -1;
}

/* The repayments of loan key among reps (sorted by loan key, then time). */
static const struct tr_repayment *repayments_of(const struct tr_repayment *reps, size_t n,
                                                uint64_t loan, size_t *count)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (reps[mid].loan < loan)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < n && reps[end].loan == loan)
        end++;
    *count = end - lo;
    return reps + lo;
}

/* By (loan, time, input order): each loan's repayments together, in time. */
static int by_loan_time(const void *pa, const void *pb)
{
    const struct tr_repayment *a = pa, *b = pb;
    if (a->loan != b->loan) return a->loan < b->loan ? -1 : 1;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int loan_time_before(const struct tr_repayment *a, const struct tr_repayment *b)
{
    return by_loan_time(a, b) < 0;
}

/* An obligor has a few dozen repayments: an insertion sort, inlined, beats qsort's calls. */
static void sort_reps(struct tr_repayment *r, size_t n)
{
    if (n > 64) {
        qsort(r, n, sizeof *r, by_loan_time);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        const struct tr_repayment x = r[i];
        size_t j = i;
        for (; j > 0 && loan_time_before(&x, &r[j - 1]); j--)
            r[j] = r[j - 1];
        r[j] = x;
    }
}

/* The event days: each loan's are already ascending, so runs merge; a bottom-up merge sort with
 * its comparisons inlined (into tmp[n], then back). */
static void sort_days(int64_t *d, int64_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            const size_t mid = lo + width < n ? lo + width : n,
                         hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = d[b] < d[a] ? d[b++] : d[a++];
            while (a < mid)
                tmp[o++] = d[a++];
            while (b < hi)
                tmp[o++] = d[b++];
        }
        memcpy(d, tmp, sizeof *d * n);
    }
}

static void reserve(struct tr_ledger_scratch *s, size_t days, size_t loans, size_t reps)
{
    if (reps > s->cap_reps) {
        s->cap_reps = reps * 2;
        s->reps = TR_REALLOC(s->reps, sizeof *s->reps * s->cap_reps);
    }
    if (days > s->cap_days) {
        s->cap_days = days * 2;
        s->days = TR_REALLOC(s->days, 2 * sizeof *s->days * s->cap_days);
    }
    if (loans > s->cap_loans) {
        s->cap_loans = loans * 2;
        s->state = TR_REALLOC(s->state, sizeof *s->state * s->cap_loans);
        s->live = TR_REALLOC(s->live, sizeof *s->live * s->cap_loans);
    }
}

void tr_ledger_scratch_free(struct tr_ledger_scratch *s)
{
    free(s->days);
    free(s->state);
    free(s->live);
    free(s->reps);
    memset(s, 0, sizeof *s);
}

/* The loans' states before their first day, and the days on which the obligor's state changes:
 * the day after an issue, a due date or a payment, and T (positions are taken there); only days
 * up to C + 1, the last whose state the ledger tells. Sorted, each once; returns their count. */
static size_t start_states(const struct tr_ledger_settings *s, const struct tr_loan_rec *loans,
                           size_t n_loans, const struct tr_repayment *reps, size_t n_reps,
                           struct tr_ledger_scratch *scratch)
{
    size_t n_days = 2;
    for (size_t k = 0; k < n_loans; k++)
        n_days += 1 + (size_t)loans[k].installments;
    reserve(scratch, n_days + n_reps, n_loans + 1, n_reps + 1);
    /* The borrower's repayments come in time order; each loan's are wanted together. */
    if (n_reps) memcpy(scratch->reps, reps, sizeof *reps * n_reps);
    sort_reps(scratch->reps, n_reps);
    reps = scratch->reps;
    int64_t *days = scratch->days;
    const int64_t last = s->cut_day + 1;
    size_t m = 0;
    days[m++] = s->observation_day, days[m++] = last;
    for (size_t k = 0; k < n_loans; k++) {
        struct loan_state *st = &scratch->state[k];
        *st = (struct loan_state){.l = &loans[k], .next_due = 1, .oldest = 1, .default_day = -1};
        st->active = loans[k].issued <= s->cut_day;
        if (!st->active) continue;
        st->rep = repayments_of(reps, n_reps, loans[k].loan, &st->n_rep);
        days[m++] = loans[k].issued + 1;
        for (int32_t i = 1; i <= loans[k].installments; i++)
            days[m++] = installment_day(&loans[k], i) + 1;
        for (size_t r = 0; r < st->n_rep; r++)
            days[m++] = day_of(st->rep[r].t) + 1;
    }
    sort_days(days, days + scratch->cap_days, m);
    size_t u = 0;
    for (size_t k = 0; k < m; k++)
        if (days[k] <= last && (u == 0 || days[k] != days[u - 1])) days[u++] = days[k];
    return u;
}

/* What the walk through the days finds: the material days at T, and for each cohort's day
 * T_k = T - 365 k (k = 0: T itself) the exposure then and the triggers nearest it. */
struct walk {
    int64_t arrears_t;                        /* R(T) */
    int64_t material_t;                       /* c(T) */
    int64_t exposure[TR_LEDGER_COHORTS];      /* E(T_k) */
    int64_t last_trigger[TR_LEDGER_COHORTS];  /* on or before T_k, INT64_MIN none */
    int64_t first_trigger[TR_LEDGER_COHORTS]; /* after T_k, INT64_MAX none */
};

static int64_t cohort_day(const struct tr_ledger_settings *s, int k)
{
    return s->observation_day - (int64_t)TR_COHORT_STEP_DAYS * k;
}

/* Triggers on the days [a, b], for every cohort's day. */
static void note_triggers(const struct tr_ledger_settings *s, struct walk *w, int64_t a, int64_t b)
{
    for (int k = 0; k < TR_LEDGER_COHORTS; k++) {
        const int64_t T = cohort_day(s, k);
        if (a <= T && (b < T ? b : T) > w->last_trigger[k]) w->last_trigger[k] = b < T ? b : T;
        if (b > T && (a > T ? a : T + 1) < w->first_trigger[k])
            w->first_trigger[k] = a > T ? a : T + 1;
    }
}

static void loan_position(const struct loan_state *st, int64_t T, struct tr_loan_position *p)
{
    const int64_t since = past_due_since(st, T);
    p->outstanding = outstanding_at(st, T);
    p->arrears = arrears_of(st);
    p->dpd = since < 0 ? 0 : (int32_t)(T - since);
    p->installments_due = st->next_due - 1;
    p->installments_paid = st->oldest - 1;
}

/* The loans that can still move the obligor's sums: active and not repaid in full. A loan repaid
 * in full owes nothing, is past due on nothing and cannot default again (what is paid never
 * exceeds its amount), so the walk stops visiting it: an obligor's cost is then its open loans
 * per day of change, not all its history's. */
struct live {
    uint32_t *at; /* [n]: indices into the states, ascending */
    size_t n;
};

/* The live loans advanced to day e, those repaid in full dropped; their exposure and arrears. */
static void advance_live(struct loan_state *state, struct live *live, int64_t e, int64_t *exposure,
                         int64_t *arrears)
{
    size_t kept = 0;
    for (size_t i = 0; i < live->n; i++) {
        struct loan_state *st = &state[live->at[i]];
        advance(st, e);
        *exposure += outstanding_at(st, e);
        *arrears += arrears_of(st);
        if (st->paid < st->l->amount) live->at[kept++] = live->at[i];
    }
    live->n = kept;
}

/* One segment of days [e, next) over which nothing changes: the loans' states at e, the
 * material-days counter through it (*c: at e - 1 on entry, at next - 1 on return), and its
 * triggers and loan defaults. */
static void walk_segment(const struct tr_ledger_settings *s, struct loan_state *state,
                         size_t n_loans, struct live *live, int64_t e, int64_t next, int64_t *c,
                         struct tr_loan_position *pos, struct walk *w)
{
    int64_t exposure = 0, arrears = 0;
    advance_live(state, live, e, &exposure, &arrears);
    const int material = (double)arrears > s->materiality_absolute * 100.0 &&
                         (double)arrears > s->materiality_relative * (double)exposure;
    const int64_t before = *c, D = s->default_dpd;
    *c = material ? before + (next - e) : 0;
    for (int k = 0; k < TR_LEDGER_COHORTS; k++)
        if (cohort_day(s, k) >= e && cohort_day(s, k) < next) w->exposure[k] = exposure;
    if (e == s->observation_day) {
        w->arrears_t = arrears;
        w->material_t = material ? before + 1 : 0;
        for (size_t k = 0; k < n_loans; k++) {
            if (!state[k].active) continue;
            advance(&state[k], e); /* a loan repaid in full counts its installments due too */
            loan_position(&state[k], e, &pos[k]);
        }
    }
    const int64_t a = e + D - 1 - before > e ? e + D - 1 - before : e; /* first c(d) >= D */
    if (!material || a > next - 1) return;
    note_triggers(s, w, a, next - 1);
    for (size_t i = 0; i < live->n; i++) {
        struct loan_state *st = &state[live->at[i]];
        const int64_t since = past_due_since(st, e);
        const int64_t first = since < 0 ? INT64_MAX : since + D > a ? since + D : a;
        if (st->default_day < 0 && first <= next - 1) set_default(st, first);
    }
}

/* The obligor at cohort k's day T_k (docs/credit.md sections 3 and 4). */
struct standing {
    int in_default;        /* at T_k */
    int population;        /* enum tr_population */
    int known;             /* the ledger reaches T_k + H */
    int64_t reference_day; /* T_k, or the first application's issue day; INT64_MAX */
    int64_t default_day;   /* the first trigger in (T_k, T_k + H], -1 none (or not known) */
};

static struct standing standing_at(const struct tr_ledger_settings *s, const struct walk *w,
                                   const struct tr_loan_rec *loans, size_t n_loans, int k)
{
    const int64_t T = cohort_day(s, k), end = T + s->horizon_days;
    int64_t first_application = INT64_MAX;
    for (size_t j = 0; j < n_loans; j++)
        if (loans[j].issued >= T && loans[j].issued < T + s->application_days &&
            loans[j].issued < first_application)
            first_application = loans[j].issued;
    struct standing st = {.default_day = -1, .known = s->cut_day + 1 >= end};
    st.in_default = w->last_trigger[k] != INT64_MIN && T - w->last_trigger[k] <= s->probation_days;
    st.population = st.in_default                   ? TR_POP_IN_DEFAULT
                    : w->exposure[k] > 0            ? TR_POP_EXPOSURE
                    : first_application < INT64_MAX ? TR_POP_APPLICATION
                                                    : TR_POP_NONE;
    st.reference_day = st.population == TR_POP_EXPOSURE      ? T
                       : st.population == TR_POP_APPLICATION ? first_application
                                                             : INT64_MAX;
    const int asked = st.population == TR_POP_EXPOSURE || st.population == TR_POP_APPLICATION;
    if (asked && st.known && w->first_trigger[k] <= end) st.default_day = w->first_trigger[k];
    return st;
}

/* The obligor's standing at T (population, label) and in every cohort (its bits). */
static void standings(const struct tr_ledger_settings *s, const struct walk *w,
                      const struct tr_loan_rec *loans, size_t n_loans,
                      struct tr_obligor_position *out)
{
    for (int k = 0; k < TR_LEDGER_COHORTS; k++) {
        const struct standing st = standing_at(s, w, loans, n_loans, k);
        const int asked = st.population == TR_POP_EXPOSURE || st.population == TR_POP_APPLICATION;
        if (asked && st.known) out->cohort_member |= (uint8_t)(1u << k);
        if (st.default_day >= 0) out->cohort_default |= (uint8_t)(1u << k);
        if (k > 0) continue;
        out->in_default = (int8_t)st.in_default;
        out->population = (int8_t)st.population;
        out->reference_day = st.reference_day;
        out->default_day = (int32_t)st.default_day;
        out->label = asked && st.known && s->label_rule == TR_LABEL_LEDGER
                         ? (int8_t)(st.default_day >= 0)
                         : -1;
    }
}

void tr_ledger_obligor(const struct tr_ledger_settings *s, const struct tr_loan_rec *loans,
                       size_t n_loans, const struct tr_repayment *reps, size_t n_reps,
                       struct tr_ledger_scratch *scratch, struct tr_loan_position *loan_out,
                       struct tr_obligor_position *out)
{
    const size_t n_days = start_states(s, loans, n_loans, reps, n_reps, scratch);
    struct loan_state *state = scratch->state;
    for (size_t k = 0; k < n_loans; k++) {
        const struct tr_loan_rec *l = &loans[k];
        loan_out[k] = (struct tr_loan_position){.subscriber = l->self,
                                                .loan = l->loan,
                                                .amount = l->amount,
                                                .issued = l->issued,
                                                .due = l->due,
                                                .installments = l->installments,
                                                .product = l->product,
                                                .status = l->status,
                                                .limit = l->limit,
                                                .pd = l->pd,
                                                .origination_pd = l->origination_pd,
                                                .lgd = l->lgd,
                                                .rate = l->rate};
    }
    struct walk w = {0};
    for (int k = 0; k < TR_LEDGER_COHORTS; k++)
        w.last_trigger[k] = INT64_MIN, w.first_trigger[k] = INT64_MAX;
    struct live live = {.at = scratch->live};
    for (size_t k = 0; k < n_loans; k++)
        if (state[k].active) live.at[live.n++] = (uint32_t)k;
    int64_t c = 0;
    for (size_t j = 0; j < n_days; j++) {
        const int64_t next = j + 1 < n_days ? scratch->days[j + 1] : s->cut_day + 2;
        walk_segment(s, state, n_loans, &live, scratch->days[j], next, &c, loan_out, &w);
    }
    /* An unlikeliness-to-pay status is dated at the cut: a trigger on day C + 1. */
    const int64_t after_cut = s->cut_day + 1;
    for (size_t k = 0; k < n_loans; k++) {
        if (state[k].active && tr_status_defaulted(loans[k].status)) {
            note_triggers(s, &w, after_cut, after_cut);
            if (state[k].default_day < 0) set_default(&state[k], after_cut);
        }
        loan_out[k].default_day = state[k].default_day;
        loan_out[k].default_installment = state[k].default_installment;
        loan_out[k].default_outstanding = state[k].default_outstanding;
    }
    *out = (struct tr_obligor_position){.subscriber = n_loans ? loans[0].self : 0,
                                        .exposure = w.exposure[0],
                                        .arrears = w.arrears_t,
                                        .loans = (int32_t)n_loans,
                                        .material_days = (int32_t)w.material_t,
                                        .region = -1};
    standings(s, &w, loans, n_loans, out);
}

/* Room for n more of size bytes in *a holding used, doubling (*cap: its capacity). */
static void *grow(void *a, size_t *cap, size_t used, size_t n, size_t size)
{
    if (used + n + 1 <= *cap) return a;
    *cap = 2 * (used + n + 1);
    return TR_REALLOC(a, size * *cap);
}

/* A borrower's loans by issue day, then loan key: an order that no line's place in its file
 * changes (two lines of one loan id: the one kept is the same, wherever it stands). */
static int by_issue(const void *pa, const void *pb)
{
    const struct tr_loan_position *a = pa, *b = pb;
    if (a->issued != b->issued) return a->issued < b->issued ? -1 : 1;
    return (a->loan > b->loan) - (a->loan < b->loan);
}

void tr_ledger_table_add(struct tr_ledger_table *t, const struct tr_ledger_settings *s,
                         const struct tr_loan_rec *loans, size_t n_loans,
                         const struct tr_repayment *reps, size_t n_reps,
                         struct tr_ledger_scratch *scratch)
{
    t->loan = grow(t->loan, &t->cap_loans, t->n_loans, n_loans, sizeof *t->loan);
    t->obligor = grow(t->obligor, &t->cap_obligors, t->n_obligors, 1, sizeof *t->obligor);
    tr_ledger_obligor(s, loans, n_loans, reps, n_reps, scratch, t->loan + t->n_loans,
                      &t->obligor[t->n_obligors]);
    qsort(t->loan + t->n_loans, n_loans, sizeof *t->loan, by_issue);
    t->n_loans += n_loans;
    t->n_obligors++;
}

void tr_ledger_table_append(struct tr_ledger_table *dst, const struct tr_ledger_table *src)
{
    dst->loan = grow(dst->loan, &dst->cap_loans, dst->n_loans, src->n_loans, sizeof *dst->loan);
    dst->obligor = grow(dst->obligor, &dst->cap_obligors, dst->n_obligors, src->n_obligors,
                        sizeof *dst->obligor);
    if (src->n_loans) /* a pass without borrowers has no rows at all (NULL) */
        memcpy(dst->loan + dst->n_loans, src->loan, sizeof *src->loan * src->n_loans);
    if (src->n_obligors)
        memcpy(dst->obligor + dst->n_obligors, src->obligor,
               sizeof *src->obligor * src->n_obligors);
    dst->n_loans += src->n_loans;
    dst->n_obligors += src->n_obligors;
}

void tr_ledger_table_free(struct tr_ledger_table *t)
{
    free(t->loan);
    free(t->obligor);
    memset(t, 0, sizeof *t);
}
