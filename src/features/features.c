#include "features/features.h"

#include "core/error.h"
#include "features/indicators.h"
#include "features/registry.h"

#include <stdlib.h>
#include <string.h>

/* The run's features: the call indicators, then the registry's. */
static const struct tr_feature_info *feature_list(int *n)
{
    static struct tr_feature_info all[TR_CF_COUNT + TR_FEAT_COUNT];
    memcpy(all, tr_call_features, sizeof tr_call_features);
    memcpy(all + TR_CF_COUNT, tr_feature_registry, sizeof tr_feature_registry);
    *n = TR_CF_COUNT + TR_FEAT_COUNT;
    return all;
}

/* A table's records of one key: advances *at past smaller keys (counting them as unregistered)
 * and returns the first of them and, in *n, how many. */
static const void *take(const struct tr_array *a, size_t *at, uint64_t key, int64_t *unregistered,
                        size_t *n)
{
    uint64_t k;
    while (*at < a->n && (memcpy(&k, tr_array_at(a, *at), 8), k < key)) (*at)++, (*unregistered)++;
    size_t first = *at;
    while (*at < a->n && (memcpy(&k, tr_array_at(a, *at), 8), k == key)) (*at)++;
    *n = *at - first;
    return first < a->n ? tr_array_at(a, first) : NULL;
}

void tr_features_compute(const struct tr_array *tables, const struct tr_antenna_rec *antennas,
                         int64_t window_end, struct tr_feature_table *out)
{
    const struct tr_array *reg = &tables[TR_T_SUBSCRIBERS];
    memset(out, 0, sizeof *out);
    out->info = feature_list(&out->n_features);
    const size_t nf = (size_t)out->n_features;
    out->key = TR_MALLOC(sizeof *out->key * (reg->n + 1));
    out->region = TR_MALLOC(sizeof *out->region * (reg->n + 1));
    out->values = TR_MALLOC(sizeof *out->values * (reg->n + 1) * nf);
    size_t at[TR_T_COUNT] = {0};
    struct tr_indicator_scratch scratch = {0};
    int64_t *lost = out->unregistered;
    for (size_t i = 0; i < reg->n; i++) {
        const struct tr_subscriber *s = tr_array_at(reg, i);
        if (out->n > 0 && out->key[out->n - 1] == s->self) continue; /* a repeated register row */
        struct tr_subscriber_records r = {.key = s->self, .reg = s, .window_end = window_end};
        r.cdr = take(&tables[TR_T_CDR], &at[TR_T_CDR], s->self, &lost[TR_T_CDR], &r.n_cdr);
        r.money = take(&tables[TR_T_MOBILEMONEY], &at[TR_T_MOBILEMONEY], s->self, &lost[TR_T_MOBILEMONEY], &r.n_money);
        r.recharges = take(&tables[TR_T_RECHARGES], &at[TR_T_RECHARGES], s->self, &lost[TR_T_RECHARGES], &r.n_recharges);
        r.data = take(&tables[TR_T_MOBILEDATA], &at[TR_T_MOBILEDATA], s->self, &lost[TR_T_MOBILEDATA], &r.n_data);
        r.loans = take(&tables[TR_T_LOANS], &at[TR_T_LOANS], s->self, &lost[TR_T_LOANS], &r.n_loans);
        r.swaps = take(&tables[TR_T_SIM_SWAPS], &at[TR_T_SIM_SWAPS], s->self, &lost[TR_T_SIM_SWAPS], &r.n_swaps);
        int32_t home = -1;
        double *row = out->values + out->n * nf;
        tr_indicators_calls(&r, &scratch, row, &home);
        tr_indicators_fixed(&r, &scratch, row + TR_CF_COUNT);
        out->key[out->n] = s->self;
        out->region[out->n] = s->region >= 0 ? s->region : home >= 0 ? antennas[home].region : -1;
        out->n++;
    }
    /* What is left after the last subscriber is unregistered too. */
    for (int t = TR_T_CDR; t < TR_T_COUNT; t++) lost[t] += (int64_t)(tables[t].n - at[t]);
    tr_indicator_scratch_free(&scratch);
}

void tr_feature_table_free(struct tr_feature_table *f)
{
    free(f->key);
    free(f->region);
    free(f->values);
    memset(f, 0, sizeof *f);
}
