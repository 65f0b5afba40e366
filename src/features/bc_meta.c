#include "features/bc_meta.h"

#include "core/error.h"

#include <stdio.h>
#include <string.h>

struct indicator {
    const char *name, *unit, *what;
};

/* clang-format off */
static const struct indicator indicators[] = {
    {"active_days", "days", "days with at least one record"},
    {"number_of_contacts", "count", "distinct correspondents"},
    {"call_duration", "s", "duration of calls"},
    {"percent_nocturnal", "fraction", "share of records at night (19:00-07:00)"},
    {"percent_initiated_conversations", "fraction", "share of text conversations the user started"},
    {"percent_initiated_interactions", "fraction", "share of records the user initiated"},
    {"response_delay_text", "s", "delay of the user's replies to texts within a conversation"},
    {"response_rate_text", "fraction", "share of conversations started by others that the user answered"},
    {"entropy_of_contacts", "nats", "entropy of the records' distribution over correspondents"},
    {"balance_of_contacts", "fraction", "per correspondent, outgoing records over all records"},
    {"interactions_per_contact", "count", "records per correspondent"},
    {"interevent_time", "s", "time between consecutive records"},
    {"percent_pareto_interactions", "fraction", "fewest correspondents that account for 80% of records, over all correspondents"},
    {"percent_pareto_durations", "fraction", "fewest correspondents that account for 80% of call time, over all correspondents"},
    {"number_of_interactions", "count", "records"},
    {"number_of_interaction_in", "count", "records received"},
    {"number_of_interaction_out", "count", "records made"},
    {"number_of_antennas", "count", "distinct antennas (30-minute binned positions)"},
    {"entropy_of_antennas", "nats", "entropy of binned positions over antennas"},
    {"percent_at_home", "fraction", "share of binned positions at home (most frequent at night)"},
    {"radius_of_gyration", "km", "radius of gyration of binned positions around their barycentre"},
    {"frequent_antennas", "count", "fewest antennas that account for 80% of binned positions"},
    {"churn_rate", "distance", "cosine distance between consecutive weeks' antenna frequencies"},
    {"amount_recharges", "currency", "amount of top-ups"},
    {"interevent_time_recharges", "s", "time between consecutive top-ups"},
    {"percent_pareto_recharges", "fraction", "share of top-ups that account for 80% of the amount"},
    {"number_of_recharges", "count", "top-ups"},
    {"average_balance_recharges", "currency", "bandicoot's average balance from top-ups (its min(1, ...) kept)"},
};
/* clang-format on */
#define N_INDICATORS (sizeof indicators / sizeof indicators[0])

static const struct indicator *indicator_of(const char *key)
{
    size_t best = 0;
    const struct indicator *found = NULL;
    for (size_t k = 0; k < N_INDICATORS; k++) {
        size_t n = strlen(indicators[k].name);
        if (strncmp(key, indicators[k].name, n) == 0 && (key[n] == 0 || key[n] == '_') && n > best)
            best = n, found = &indicators[k];
    }
    return found;
}

void tr_bc_feature_info(const char *const *keys, size_t n, struct tr_feature_info *info)
{
    for (size_t k = 0; k < n; k++) {
        const struct indicator *ind = indicator_of(keys[k]);
        size_t len = strlen(keys[k]) + 200;
        char *desc = TR_MALLOC(len);
        /* The key's own parts say the filter and the summaries: name__week__day__type__stats,
         * the last being the summary across ISO weeks. */
        const char *parts = keys[k] + (ind ? strlen(ind->name) : 0);
        int w = snprintf(desc, len, "bandicoot: %s; per ISO week, then summarised: [",
                         ind ? ind->what : "indicator");
        for (const char *c = parts; *c && (size_t)w + 2 < len; c++) {
            if (c[0] == '_' && c[1] == '_') {
                if (c != parts) desc[w++] = ' ';
                c++;
            } else {
                desc[w++] = *c;
            }
        }
        snprintf(desc + w, len - (size_t)w, "]");
        info[k].name = keys[k];
        info[k].unit = ind ? ind->unit : "";
        info[k].description = desc;
    }
}
