#include "features/features.h"

#include "core/error.h"
#include "features/indicators.h"

#include <stdlib.h>
#include <string.h>

/* A table's records of one key: advances *at past smaller keys (counting them as unregistered)
 * and returns how many records have this key. */
static size_t take(const struct tr_array *a, size_t *at, uint64_t key, int64_t *unregistered)
{
    uint64_t k;
    while (*at < a->n && (memcpy(&k, tr_array_at(a, *at), 8), k < key)) (*at)++, (*unregistered)++;
    size_t first = *at;
    while (*at < a->n && (memcpy(&k, tr_array_at(a, *at), 8), k == key)) (*at)++;
    return *at - first;
}

void tr_features_compute(const struct tr_array *tables, const struct tr_antenna_rec *antennas,
                         struct tr_feature_table *out)
{
    const struct tr_array *reg = &tables[TR_T_SUBSCRIBERS];
    memset(out, 0, sizeof *out);
    out->n_features = TR_FEAT_COUNT;
    out->key = TR_MALLOC(sizeof *out->key * (reg->n + 1));
    out->region = TR_MALLOC(sizeof *out->region * (reg->n + 1));
    out->values = TR_MALLOC(sizeof *out->values * (reg->n + 1) * TR_FEAT_COUNT);
    size_t at[TR_T_COUNT] = {0};
    struct tr_indicator_scratch scratch = {0};
    for (size_t i = 0; i < reg->n; i++) {
        const struct tr_subscriber *s = tr_array_at(reg, i);
        if (out->n > 0 && out->key[out->n - 1] == s->self) continue; /* a repeated register row */
        struct tr_subscriber_records r = {.key = s->self};
        r.n_cdr = take(&tables[TR_T_CDR], &at[TR_T_CDR], s->self, &out->unregistered[TR_T_CDR]);
        r.cdr = (const struct tr_cdr *)tables[TR_T_CDR].data + (at[TR_T_CDR] - r.n_cdr);
        r.n_money = take(&tables[TR_T_MOBILEMONEY], &at[TR_T_MOBILEMONEY], s->self, &out->unregistered[TR_T_MOBILEMONEY]);
        r.money = (const struct tr_money *)tables[TR_T_MOBILEMONEY].data + (at[TR_T_MOBILEMONEY] - r.n_money);
        r.n_recharges = take(&tables[TR_T_RECHARGES], &at[TR_T_RECHARGES], s->self, &out->unregistered[TR_T_RECHARGES]);
        r.recharges = (const struct tr_recharge *)tables[TR_T_RECHARGES].data + (at[TR_T_RECHARGES] - r.n_recharges);
        int32_t home = -1;
        tr_indicators(&r, &scratch, out->values + out->n * TR_FEAT_COUNT, &home);
        out->key[out->n] = s->self;
        out->region[out->n] = s->region >= 0 ? s->region : home >= 0 ? antennas[home].region : -1;
        out->n++;
    }
    /* What is left after the last subscriber is unregistered too. */
    for (int t = 0; t < TR_T_COUNT; t++)
        if (t == TR_T_CDR || t == TR_T_MOBILEMONEY || t == TR_T_RECHARGES)
            out->unregistered[t] += (int64_t)(tables[t].n - at[t]);
    tr_indicator_scratch_free(&scratch);
}

void tr_feature_table_free(struct tr_feature_table *f)
{
    free(f->key);
    free(f->region);
    free(f->values);
    memset(f, 0, sizeof *f);
}
