#define _DEFAULT_SOURCE /* tm_gmtoff, setenv */
#include "core/tz.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCAN_FIRST ((int64_t)0)          /* 1970-01-01 */
#define SCAN_LAST  ((int64_t)4102444800) /* 2100-01-01 */
/* Offsets are looked up every 6 hours and a change is then bisected to its second: exact for
 * any zone whose offset does not change twice within 6 hours (none in the tz database since
 * 1970). */
#define SCAN_STEP ((int64_t)6 * 3600)

static int32_t offset_at(int64_t t)
{
    const time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) return 0;
    return (int32_t)tm.tm_gmtoff;
}

/* A name the tz database could hold: letters, digits and "/_+-", no "..", not a path. */
static int plausible_name(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strlen(name) >= 64) return 0;
    for (const char *c = name; *c; c++)
        if (!(*c >= 'A' && *c <= 'Z') && !(*c >= 'a' && *c <= 'z') && !(*c >= '0' && *c <= '9') &&
            !strchr("/_+-", *c))
            return 0;
    return 1;
}

/* glibc takes an unknown TZ for UTC without a word, so the zone's file is looked at first: it
 * must exist and be a TZif file. */
static int zone_file_ok(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char magic[4] = {0};
    const size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && memcmp(magic, "TZif", 4) == 0;
}

static void add_period(struct tr_tz *z, size_t *cap, int64_t start, int32_t offset)
{
    if (z->n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        z->start = TR_REALLOC(z->start, sizeof *z->start * *cap);
        z->offset = TR_REALLOC(z->offset, sizeof *z->offset * *cap);
    }
    z->start[z->n] = start;
    z->offset[z->n++] = offset;
}

/* The periods, with TZ already set to the zone. */
static void scan(struct tr_tz *z)
{
    size_t cap = 0;
    int32_t cur = offset_at(SCAN_FIRST);
    add_period(z, &cap, INT64_MIN, cur);
    for (int64_t t = SCAN_FIRST; t < SCAN_LAST; t += SCAN_STEP) {
        const int32_t next = offset_at(t + SCAN_STEP);
        if (next == cur) continue;
        int64_t lo = t, hi = t + SCAN_STEP; /* offset_at(lo) == cur, offset_at(hi) == next */
        while (hi - lo > 1) {
            const int64_t mid = lo + (hi - lo) / 2;
            if (offset_at(mid) == cur)
                lo = mid;
            else
                hi = mid;
        }
        add_period(z, &cap, hi, next);
        cur = next;
    }
}

int tr_tz_load(struct tr_tz *z, const char *name, char *err, size_t errlen)
{
    memset(z, 0, sizeof *z);
    if (!plausible_name(name) || (strcmp(name, "UTC") != 0 && !zone_file_ok(name))) {
        snprintf(err, errlen,
                 "'%s' is no time zone of the tz database (an IANA name such as UTC "
                 "or Africa/Dar_es_Salaam)",
                 name);
        return 1;
    }
    snprintf(z->name, sizeof z->name, "%s", name);
    if (strcmp(name, "UTC") == 0) {
        size_t cap = 0;
        add_period(z, &cap, INT64_MIN, 0);
        return 0;
    }
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZ", name, 1);
    tzset();
    scan(z);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    return 0;
}

void tr_tz_free(struct tr_tz *z)
{
    free(z->start);
    free(z->offset);
    memset(z, 0, sizeof *z);
}
