/* Where a subscriber is at a given second: home at night, work on weekdays, a few places near
 * home, and now and then a trip whose length follows the truncated power law of radius of
 * gyration (Gonzalez, Hidalgo & Barabasi 2008). A pure function of the person, the time and an
 * event key, so the caller's and the recipient's positions of one call agree whoever asks. */
#ifndef TELRISK_GENERATE_MOBILITY_H
#define TELRISK_GENERATE_MOBILITY_H

#include "generate/person.h"

int32_t tr_location(const struct tr_world *w, const struct tr_person *p, int64_t t,
                    uint64_t event_key);

/* An antenna at least min_km from antenna a, chosen by key. */
int32_t tr_far_antenna(const struct tr_world *w, int32_t a, double min_km, uint64_t key);

/* Hour-of-day weights of activity (night trough, evening peak), summing to 1. */
extern const double tr_hour_weight[24];
/* A second of the day drawn from the rhythm by a uniform u in [0, 1). */
int32_t tr_second_of_day(double u, double v);

#endif
