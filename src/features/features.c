#include "features/features.h"

#include "core/progress.h"

#include "core/error.h"
#include "core/stage.h"
#include "core/timer.h"
#include "features/bandicoot/bandicoot.h"
#include "features/basic.h"
#include "features/bc_meta.h"
#include "features/indicators.h"
#include "features/registry.h"
#include "features/labels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct tr_bc_options bc_options(const struct tr_feature_options *o)
{
    /* bandicoot's defaults: weekly grouping, mean and std; full adds its splits. */
    return (struct tr_bc_options){.groupby_week = 1,
                                  .extended = 0,
                                  .split_week = o->full,
                                  .split_day = o->full,
                                  .zone = o->zone};
}

/* Which computed values become features. bandicoot's keys (its recharge ones only with a
 * recharges table), then the registry's. The core set keeps bandicoot's means across weeks
 * (dropping their week-to-week std) and the registry but its per-type means; full keeps all. */
struct selection {
    size_t n_bc, n;               /* bandicoot values computed; features kept */
    int *from;                    /* [n]: index into [bandicoot values..., registry values...] */
    struct tr_feature_info *info; /* [n] */
};

static int keep_bc(const char *key, int full)
{
    size_t len = strlen(key);
    return full || !strstr(key, "__") || (len > 6 && strcmp(key + len - 6, "__mean") == 0);
}

static int keep_fixed(int k, int full)
{
    return full || k < TR_FEAT_MM_TYPE_MEAN || k >= TR_FEAT_MM_TYPE_MEAN + TR_TXN_TYPES;
}

static const struct selection *select_features(const struct tr_feature_options *o)
{
    static int basic_from[TR_BASIC_COUNT];
    static struct selection basic = {0, TR_BASIC_COUNT, basic_from,
                                     (struct tr_feature_info *)tr_basic_features};
    if (o->basic) {
        for (int k = 0; k < TR_BASIC_COUNT; k++)
            basic_from[k] = k;
        return &basic;
    }
    static struct selection cache[2][2];
    struct selection *sel = &cache[o->full != 0][o->has_recharges != 0];
    if (sel->info) return sel;
    const struct tr_bc_options bo = bc_options(o);
    const char *const *keys;
    size_t total = tr_bc_keys(&bo, &keys);
    sel->n_bc = o->has_recharges ? total : tr_bc_recharge_keys_start(&bo);
    struct tr_feature_info *bc_info = TR_MALLOC(sizeof *bc_info * (sel->n_bc + 1));
    tr_bc_feature_info(keys, sel->n_bc, bc_info);
    sel->from = TR_MALLOC(sizeof *sel->from * (sel->n_bc + TR_FEAT_COUNT));
    sel->info = TR_MALLOC(sizeof *sel->info * (sel->n_bc + TR_FEAT_COUNT));
    for (size_t k = 0; k < sel->n_bc; k++) {
        if (keep_bc(keys[k], o->full))
            sel->from[sel->n] = (int)k, sel->info[sel->n++] = bc_info[k];
        else
            free((char *)bc_info[k].description); /* not selected: nothing else points to it */
    }
    for (int k = 0; k < TR_FEAT_COUNT; k++)
        if (keep_fixed(k, o->full))
            sel->from[sel->n] = (int)sel->n_bc + k, sel->info[sel->n++] = tr_feature_registry[k];
    free(bc_info); /* the selected ones' descriptions live on in the cache */
    return sel;
}

const struct tr_feature_info *tr_feature_list(const struct tr_feature_options *o, int *n)
{
    const struct selection *sel = select_features(o);
    *n = (int)sel->n;
    return sel->info;
}

/* A table's records of one key: advances *at past smaller keys (counting them as unregistered)
 * and returns the first of them and, in *n, how many. */
static const void *take(const struct tr_array *a, size_t *at, uint64_t key, int64_t *unregistered,
                        size_t *n)
{
    uint64_t k;
    while (*at < a->n && (memcpy(&k, tr_array_at(a, *at), 8), k < key))
        (*at)++, (*unregistered)++;
    size_t first = *at;
    while (*at < a->n && (memcpy(&k, tr_array_at(a, *at), 8), k == key))
        (*at)++;
    *n = *at - first;
    return first < a->n ? tr_array_at(a, first) : NULL;
}

/* One subscriber's records in bandicoot's terms (its own antenna; unknown ones as none). */
struct bc_buffers {
    struct tr_bc_record *rec;
    struct tr_bc_recharge *top;
    size_t cap_rec, cap_top;
};

static struct tr_bc_user bc_user(const struct tr_subscriber_records *r, struct bc_buffers *b,
                                 const struct tr_bc_position *pos, size_t n_pos, int has_recharges)
{
    if (r->n_cdr > b->cap_rec)
        b->rec = TR_REALLOC(b->rec, sizeof *b->rec * (b->cap_rec = 2 * r->n_cdr));
    if (r->n_recharges > b->cap_top)
        b->top = TR_REALLOC(b->top, sizeof *b->top * (b->cap_top = 2 * r->n_recharges));
    for (size_t k = 0; k < r->n_cdr; k++) {
        const struct tr_cdr *c = &r->cdr[k];
        b->rec[k] = (struct tr_bc_record){c->t,
                                          c->other,
                                          c->text ? -1 : c->duration,
                                          c->antenna_self >= 0 ? c->antenna_self : -1,
                                          c->text,
                                          c->outgoing};
    }
    for (size_t k = 0; k < r->n_recharges; k++)
        b->top[k] =
            (struct tr_bc_recharge){r->recharges[k].t, (double)r->recharges[k].amount / 100.0};
    return (struct tr_bc_user){.records = b->rec,
                               .n_records = r->n_cdr,
                               .recharges = b->top,
                               .n_recharges = r->n_recharges,
                               .positions = pos,
                               .n_positions = n_pos,
                               .has_recharges = has_recharges};
}

/* One subscriber's records of every table (r->key's), the cursors at moved past them. */
static void take_records(const struct tr_array *tables, size_t *at, int64_t *lost,
                         struct tr_subscriber_records *r)
{
#define TAKE(t, field, count) r->field = take(&tables[t], &at[t], r->key, &lost[t], &r->count)
    TAKE(TR_T_CDR, cdr, n_cdr);
    TAKE(TR_T_MOBILEMONEY, money, n_money);
    TAKE(TR_T_RECHARGES, recharges, n_recharges);
    TAKE(TR_T_MOBILEDATA, data, n_data);
    TAKE(TR_T_LOANS, loans, n_loans);
    TAKE(TR_T_SIM_SWAPS, swaps, n_swaps);
    TAKE(TR_T_REPAYMENTS, repayments, n_repayments);
#undef TAKE
}

/* A subscriber's label and the day its sample is decided on (features/labels.h): the ledger's
 * when the run has one and the rule is the ledger's, else the statuses'; a borrower's ledger rows
 * into ledger either way when the run has repayments. */
static int8_t label_of(const struct tr_subscriber_records *r, int64_t window_end,
                       const struct tr_feature_options *o, struct tr_ledger_table *ledger,
                       struct tr_ledger_scratch *scratch, int64_t *reference_day)
{
    struct tr_obligor_position *ob = NULL;
    if (o->ledger && r->n_loans > 0) {
        const double started = tr_now();
        tr_ledger_table_add(ledger, o->ledger, r->loans, r->n_loans, r->repayments, r->n_repayments,
                            scratch);
        tr_clock_add(TR_CLOCK_LEDGER_WALK, tr_now() - started, 1);
        ob = &ledger->obligor[ledger->n_obligors - 1];
    }
    if (o->ledger && o->ledger->label_rule == TR_LABEL_LEDGER) {
        *reference_day = ob ? ob->reference_day : INT64_MAX;
        return ob ? ob->label : TR_UNLABELLED;
    }
    const int8_t label =
        tr_label_issued(r->loans, r->n_loans, window_end, o->horizon_days, reference_day);
    if (ob) ob->label = label;
    return label;
}

void tr_features_compute(const struct tr_array *tables, const struct tr_antenna_rec *antennas,
                         size_t n_antennas, int64_t window_end, const struct tr_feature_options *o,
                         struct tr_feature_table *out)
{
    const struct tr_array *reg = &tables[TR_T_SUBSCRIBERS];
    memset(out, 0, sizeof *out);
    const struct selection *sel = select_features(o);
    out->info = sel->info;
    out->n_features = (int)sel->n;
    const char *const *keys;
    const size_t nb = sel->n_bc, nf = sel->n;
    const struct tr_bc_options bo = bc_options(o);
    out->key = TR_MALLOC(sizeof *out->key * (reg->n + 1));
    out->region = TR_MALLOC(sizeof *out->region * (reg->n + 1));
    out->label = TR_MALLOC(reg->n + 1);
    out->holdout = TR_MALLOC(reg->n + 1);
    out->values = TR_MALLOC(sizeof *out->values * (reg->n + 1) * nf);
    struct tr_bc_position *pos = TR_MALLOC(sizeof *pos * (n_antennas + 1));
    for (size_t a = 0; a < n_antennas; a++)
        pos[a] = (struct tr_bc_position){antennas[a].lat, antennas[a].lon};
    double *all = TR_MALLOC(sizeof(double) * (tr_bc_keys(&bo, &keys) + TR_FEAT_COUNT + 1));
    struct tr_bc_scratch bc_scratch;
    tr_bc_scratch_init(&bc_scratch);
    struct tr_basic_scratch basic_scratch;
    tr_basic_scratch_init(&basic_scratch, n_antennas);
    struct bc_buffers buf = {0};
    size_t at[TR_T_COUNT] = {0};
    struct tr_indicator_scratch scratch = {0};
    struct tr_ledger_scratch ledger_scratch = {0};
    int64_t *lost = out->unregistered;
    tr_progress_total((double)reg->n);
    for (size_t i = 0; i < reg->n; i++) {
        tr_progress_add(1);
        const struct tr_subscriber *s = tr_array_at(reg, i);
        if (out->n > 0 && out->key[out->n - 1] == s->self) continue; /* a repeated register row */
        struct tr_subscriber_records r = {
            .key = s->self, .reg = s, .window_end = window_end, .zone = o->zone};
        take_records(tables, at, lost, &r);
        double *row = out->values + out->n * nf;
        if (o->basic) {
            tr_basic_compute(r.cdr, r.n_cdr, o->zone, &basic_scratch, row);
        } else {
            struct tr_bc_user u = bc_user(&r, &buf, pos, n_antennas, o->has_recharges);
            tr_bc_compute(&u, &bo, &bc_scratch, all);
            tr_indicators_fixed(&r, &scratch, all + nb);
            for (size_t k = 0; k < nf; k++)
                row[k] = all[sel->from[k]];
        }
        int32_t home = tr_home_antenna(&r, &scratch);
        out->key[out->n] = s->self;
        int64_t reference_day;
        const int8_t label =
            label_of(&r, window_end, o, &out->ledger, &ledger_scratch, &reference_day);
        out->label[out->n] = label;
        out->holdout[out->n] = tr_sample_of(s->holdout, label, reference_day, o->oot_day);
        out->region[out->n] = s->region >= 0 ? s->region : home >= 0 ? antennas[home].region : -1;
        if (o->ledger && r.n_loans > 0) /* the obligor's row, just added by label_of */
            out->ledger.obligor[out->ledger.n_obligors - 1].region = out->region[out->n];
        out->n++;
    }
    /* What is left after the last subscriber is unregistered too. */
    for (int t = TR_T_CDR; t < TR_T_COUNT; t++)
        lost[t] += (int64_t)(tables[t].n - at[t]);
    tr_indicator_scratch_free(&scratch);
    tr_ledger_scratch_free(&ledger_scratch);
    tr_bc_scratch_free(&bc_scratch);
    tr_basic_scratch_free(&basic_scratch);
    free(buf.rec);
    free(buf.top);
    free(all);
    free(pos);
}

void tr_feature_table_free(struct tr_feature_table *f)
{
    free(f->key);
    free(f->region);
    free(f->label);
    free(f->holdout);
    free(f->values);
    tr_ledger_table_free(&f->ledger);
    memset(f, 0, sizeof *f);
}

/* Grows *a (n_old elements of size bytes) to hold n_old + n_add and copies src after them. */
static void *grow(void *a, size_t n_old, size_t n_add, size_t size, const void *src)
{
    char *out = TR_REALLOC(a, (n_old + n_add + 1) * size);
    memcpy(out + n_old * size, src, n_add * size);
    return out;
}

void tr_feature_table_append(struct tr_feature_table *dst, struct tr_feature_table *src)
{
    if (dst->n == 0 && !dst->key && !dst->ledger.loan && !dst->ledger.obligor && src->key) {
        *dst = *src; /* the first pass: its rows are the table's, moved */
        memset(src, 0, sizeof *src);
        return;
    }
    const size_t n = dst->n, m = src->n, row = sizeof(double) * (size_t)src->n_features;
    if (dst->n == 0 && !dst->key) dst->n_features = src->n_features, dst->info = src->info;
    dst->key = grow(dst->key, n, m, sizeof *dst->key, src->key);
    dst->region = grow(dst->region, n, m, sizeof *dst->region, src->region);
    dst->label = grow(dst->label, n, m, sizeof *dst->label, src->label);
    dst->holdout = grow(dst->holdout, n, m, sizeof *dst->holdout, src->holdout);
    dst->values = grow(dst->values, n, m, row, src->values);
    for (int t = 0; t < TR_T_COUNT; t++)
        dst->unregistered[t] += src->unregistered[t];
    tr_ledger_table_append(&dst->ledger, &src->ledger);
    dst->n = n + m;
}
