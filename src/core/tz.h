/* The run's time zone ([run] timezone, an IANA name): what turns the inputs' UTC times into the
 * local clock that night, days and weeks are read on. The zone's offsets are read from the
 * system tz database once, when it is loaded (tzcode's localtime_r hangs on the process-global
 * TZ and is slow per record); a record then costs a binary search among the zone's periods.
 * docs/indicators.md, "Local time". */
#ifndef TELRISK_CORE_TZ_H
#define TELRISK_CORE_TZ_H

#include <stddef.h>
#include <stdint.h>

/* The periods of constant offset from 1970 to 2100: period k begins at start[k] (UTC seconds;
 * start[0] is INT64_MIN) and is offset[k] seconds east of UTC. Before 1970 the first offset
 * holds, after 2100 the last. UTC is one period of offset 0 and needs no tz database. */
struct tr_tz {
    char name[64];
    size_t n;
    int64_t *start;
    int32_t *offset;
};

/* Loads the zone named name ("UTC", or a file of the tz database: $TZDIR or
 * /usr/share/zoneinfo). 0 = ok; else err says why (not a zone name, no such zone). Not
 * thread-safe: it sets TZ for a moment (and puts it back). */
int tr_tz_load(struct tr_tz *z, const char *name, char *err, size_t errlen);
void tr_tz_free(struct tr_tz *z);

/* The local clock of UTC second t, as seconds since 1970-01-01 00:00 of that clock: t plus the
 * offset in force at t. NULL or UTC: t itself. */
static inline int64_t tr_tz_local(const struct tr_tz *z, int64_t t)
{
    if (!z || z->n <= 1) return z && z->n ? t + z->offset[0] : t;
    size_t lo = 0, hi = z->n; /* the last period with start <= t is in [lo, hi) */
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (z->start[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return t + z->offset[lo];
}

#endif
