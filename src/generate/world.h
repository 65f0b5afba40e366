/* The generated country: regions, antennas and the constants every generator module shares.
 * Everything here is a pure function of the config, so every rank builds the same world. */
#ifndef TELRISK_GENERATE_WORLD_H
#define TELRISK_GENERATE_WORLD_H

#include "config/config.h"

#include <stdint.h>

#define TR_NEIGHBOURS 12 /* nearest antennas kept per antenna */

struct tr_region {
    char name[32];
    double lat, lon;         /* centre of its main city, degrees */
    double spread_km;        /* scale of its rural area */
    double population_share; /* of all subscribers */
    int64_t first_subscriber, subscribers;
    int32_t first_antenna, antennas;
    double pd_intercept; /* logit of the region's baseline default probability */
};

struct tr_antenna {
    double lat, lon; /* degrees */
    int32_t region;
    int32_t tower;
    int32_t neighbour[TR_NEIGHBOURS];  /* nearest other antennas, nearest first */
    float neighbour_km[TR_NEIGHBOURS]; /* their distances, km */
};

struct tr_world {
    uint64_t seed;
    int64_t subscribers;
    int32_t n_regions;
    struct tr_region *regions;
    int32_t n_antennas;
    struct tr_antenna *antennas;
    int32_t n_towers;
    int64_t start_day;      /* first day of the window, days since 1970-01-01 */
    int64_t start_epoch;    /* its first second */
    int64_t days;           /* window length */
    uint64_t long_masks[3]; /* XOR partners for out-of-region contacts */
    uint64_t index_bits;    /* subscribers < 2^index_bits */
    /* generate.shift: the region whose behaviour is shifted (-1: none), what and by how much */
    int32_t shift_region;
    enum tr_shift_channel shift_channel;
    double shift_factor;
    const struct tr_config *cfg;
};

/* Builds the world from the config (every rank, same result). */
void tr_world_build(struct tr_world *w, const struct tr_config *cfg);
/* generate.shift's factor for subscriber p's region and this channel (1 elsewhere). */
double tr_world_shift(const struct tr_world *w, int32_t region, enum tr_shift_channel channel);
void tr_world_free(struct tr_world *w);

/* Region of subscriber index i (regions hold contiguous index ranges). */
int32_t tr_world_region_of(const struct tr_world *w, int64_t i);

/* Great-circle distance in km (haversine, R = 6371 km). */
double tr_haversine_km(double lat1, double lon1, double lat2, double lon2);
double tr_antenna_km(const struct tr_world *w, int32_t a, int32_t b);

/* Purposes of keyed streams: part of every key, so streams for different things never meet. */
enum tr_stream {
    TR_S_REGION = 1,
    TR_S_ANTENNA,
    TR_S_PERSON,
    TR_S_KIND,
    TR_S_SOCIAL,
    TR_S_EDGE,
    TR_S_WEIGHT,
    TR_S_LONG,
    TR_S_TRIP,
    TR_S_PLACE,
    TR_S_CDR,
    TR_S_SIMBOX,
    TR_S_RECHARGE,
    TR_S_DATA,
    TR_S_MONEY,
    TR_S_P2P,
    TR_S_TXN,
    TR_S_LOAN,
    TR_S_SWAP,
    TR_S_DEFECT,
    TR_S_MSISDN,
    TR_S_FOREIGN,
    TR_S_BREAK,
    TR_S_FAR,
    TR_S_CYCLE, /* a region's default cycle in a year */
};

#endif
