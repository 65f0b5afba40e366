/* The indicator table and the flattened key names: bandicoot nests its result as
 * indicator -> part of week -> part of day -> interaction -> statistic -> weekly mean/std and
 * flattens it with "__", in insertion order. The layout is built once per option set. */
#include "features/bandicoot/bc_internal.h"

#include "core/error.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
const struct bc_ind_info bc_ind_info[BC_IND_COUNT] = {
    [BC_ACTIVE_DAYS] = {"active_days", BC_SCALAR, BC_M_BOTH},
    [BC_NUMBER_OF_CONTACTS] = {"number_of_contacts", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_CALL_DURATION] = {"call_duration", BC_SUMMARY, BC_M_CALL},
    [BC_PERCENT_NOCTURNAL] = {"percent_nocturnal", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_PERCENT_INITIATED_CONVERSATIONS] = {"percent_initiated_conversations", BC_SCALAR, BC_M_BOTH},
    [BC_PERCENT_INITIATED_INTERACTIONS] = {"percent_initiated_interactions", BC_SCALAR, BC_M_CALL},
    [BC_RESPONSE_DELAY_TEXT] = {"response_delay_text", BC_SUMMARY, BC_M_BOTH},
    [BC_RESPONSE_RATE_TEXT] = {"response_rate_text", BC_SCALAR, BC_M_BOTH},
    [BC_ENTROPY_OF_CONTACTS] = {"entropy_of_contacts", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_BALANCE_OF_CONTACTS] = {"balance_of_contacts", BC_SUMMARY, BC_M_CALL | BC_M_TEXT},
    [BC_INTERACTIONS_PER_CONTACT] = {"interactions_per_contact", BC_SUMMARY, BC_M_CALL | BC_M_TEXT},
    [BC_INTEREVENT_TIME] = {"interevent_time", BC_SUMMARY, BC_M_CALL | BC_M_TEXT},
    [BC_PERCENT_PARETO_INTERACTIONS] = {"percent_pareto_interactions", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_PERCENT_PARETO_DURATIONS] = {"percent_pareto_durations", BC_SCALAR, BC_M_CALL},
    [BC_NUMBER_OF_INTERACTIONS] = {"number_of_interactions", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_NUMBER_OF_INTERACTION_IN] = {"number_of_interaction_in", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_NUMBER_OF_INTERACTION_OUT] = {"number_of_interaction_out", BC_SCALAR, BC_M_CALL | BC_M_TEXT},
    [BC_NUMBER_OF_ANTENNAS] = {"number_of_antennas", BC_SCALAR, BC_M_NONE},
    [BC_ENTROPY_OF_ANTENNAS] = {"entropy_of_antennas", BC_SCALAR, BC_M_NONE},
    [BC_PERCENT_AT_HOME] = {"percent_at_home", BC_SCALAR, BC_M_NONE},
    [BC_RADIUS_OF_GYRATION] = {"radius_of_gyration", BC_SCALAR, BC_M_NONE},
    [BC_FREQUENT_ANTENNAS] = {"frequent_antennas", BC_SCALAR, BC_M_NONE},
    [BC_CHURN_RATE] = {"churn_rate", BC_CHURN, BC_M_NONE},
    [BC_AMOUNT_RECHARGES] = {"amount_recharges", BC_SUMMARY, BC_M_NONE},
    [BC_INTEREVENT_TIME_RECHARGES] = {"interevent_time_recharges", BC_SUMMARY, BC_M_NONE},
    [BC_PERCENT_PARETO_RECHARGES] = {"percent_pareto_recharges", BC_SCALAR, BC_M_NONE},
    [BC_NUMBER_OF_RECHARGES] = {"number_of_recharges", BC_SCALAR, BC_M_NONE},
    [BC_AVERAGE_BALANCE_RECHARGES] = {"average_balance_recharges", BC_SINGLE, BC_M_NONE},
};
/* clang-format on */

static const char *const week_part[BC_PARTS] = {"allweek", "weekday", "weekend"};
static const char *const day_part[BC_PARTS] = {"allday", "day", "night"};
static const char *const inter_name[BC_N_INTER] = {"call", "text", "callandtext"};
static const char *const stat_name[BC_N_STATS] = {"mean",     "std", "median", "skewness",
                                                  "kurtosis", "min", "max"};
static const char *const agg_name[2] = {"mean", "std"};

/* Appends one key: the parts joined by "__", NULL parts skipped. Counting only when keys is
 * NULL. */
static void add_key(struct bc_layout *lay, const char *const *parts, int n_parts)
{
    if (lay->keys) {
        char buf[160];
        size_t len = 0;
        for (int p = 0; p < n_parts; p++) {
            if (!parts[p]) continue;
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? "__" : "", parts[p]);
        }
        char *key = TR_MALLOC(len + 1);
        memcpy(key, buf, len + 1);
        lay->keys[lay->n_keys] = key;
    }
    lay->n_keys++;
}

/* Keys of one (indicator, part of week, part of day, interaction): statistics x aggregates. */
static void add_group_keys(struct bc_layout *lay, enum bc_ind ind, const char *pw, const char *pd,
                           const char *inter)
{
    int n_stats = bc_ind_info[ind].kind == BC_SUMMARY ? lay->n_stats : 1;
    for (int s = 0; s < n_stats; s++) {
        for (int a = 0; a < lay->n_agg; a++) {
            const char *parts[6] = {bc_ind_info[ind].name,
                                    pw,
                                    pd,
                                    inter,
                                    bc_ind_info[ind].kind == BC_SUMMARY ? stat_name[s] : NULL,
                                    lay->n_agg == 2 ? agg_name[a] : NULL};
            add_key(lay, parts, 6);
        }
    }
}

static void add_indicator_keys(struct bc_layout *lay, enum bc_ind ind)
{
    const struct bc_ind_info *info = &bc_ind_info[ind];
    if (info->kind == BC_CHURN) {
        /* churn_rate ignores groupby and the splits: weekly distances, mean and std. */
        for (int a = 0; a < 2; a++) {
            const char *parts[2] = {info->name, agg_name[a]};
            add_key(lay, parts, 2);
        }
        return;
    }
    if (info->kind == BC_SINGLE) {
        add_key(lay, &info->name, 1);
        return;
    }
    for (int w = 0; w < lay->n_week; w++) {
        for (int d = 0; d < lay->n_day; d++) {
            if (info->inter == BC_M_NONE) {
                lay->base[ind][w][d][BC_CALLANDTEXT] = (int32_t)lay->n_keys;
                add_group_keys(lay, ind, week_part[w], day_part[d], NULL);
                continue;
            }
            for (int i = 0; i < BC_N_INTER; i++) {
                if (!(info->inter & (1u << i))) continue;
                lay->base[ind][w][d][i] = (int32_t)lay->n_keys;
                add_group_keys(lay, ind, week_part[w], day_part[d], inter_name[i]);
            }
        }
    }
}

static void build_keys(struct bc_layout *lay)
{
    lay->n_keys = 0;
    memset(lay->base, 0xff, sizeof lay->base); /* -1: not reported */
    for (int ind = 0; ind < BC_IND_COUNT; ind++) {
        if (ind == BC_FIRST_RECHARGE) lay->recharge_start = lay->n_keys;
        if (bc_ind_info[ind].kind == BC_CHURN || bc_ind_info[ind].kind == BC_SINGLE)
            lay->base[ind][0][0][BC_CALLANDTEXT] = (int32_t)lay->n_keys;
        add_indicator_keys(lay, (enum bc_ind)ind);
    }
}

static struct bc_layout *layout_new(const struct tr_bc_options *o)
{
    struct bc_layout *lay = TR_CALLOC(1, sizeof *lay);
    lay->opt = *o;
    lay->n_week = o->split_week ? 3 : 1;
    lay->n_day = o->split_day ? 3 : 1;
    lay->n_stats = o->extended ? BC_N_STATS : 2;
    lay->n_agg = o->groupby_week ? 2 : 1;
    build_keys(lay); /* counts */
    lay->keys = TR_MALLOC(sizeof *lay->keys * lay->n_keys);
    build_keys(lay); /* names */
    return lay;
}

/* Sixteen option sets at most; each layout lives as long as the process. */
const struct bc_layout *bc_layout_get(const struct tr_bc_options *o)
{
    static struct bc_layout *cache[16];
    int k = (o->groupby_week != 0) | (o->extended != 0) << 1 | (o->split_week != 0) << 2 |
            (o->split_day != 0) << 3;
    if (!cache[k]) cache[k] = layout_new(o);
    return cache[k];
}

size_t tr_bc_keys(const struct tr_bc_options *o, const char *const **keys)
{
    const struct bc_layout *lay = bc_layout_get(o);
    *keys = (const char *const *)lay->keys;
    return lay->n_keys;
}

size_t tr_bc_recharge_keys_start(const struct tr_bc_options *o)
{
    return bc_layout_get(o)->recharge_start;
}
