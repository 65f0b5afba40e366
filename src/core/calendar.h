/* Proleptic Gregorian calendar in UTC, as days since 1970-01-01 (Howard Hinnant's algorithms). */
#ifndef TELRISK_CORE_CALENDAR_H
#define TELRISK_CORE_CALENDAR_H

#include <stdint.h>

int64_t tr_days_from_civil(int y, int m, int d);
/* The day (since 1970-01-01) of a second since 1970-01-01: floor division, right before 1970 too.
 */
static inline int64_t tr_day_of(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}
void tr_civil_from_days(int64_t days, int *y, int *m, int *d);
/* ISO weekday of a day: 1 = Monday ... 7 = Sunday. */
int tr_iso_weekday(int64_t days);
/* Parses "YYYY-MM-DD" (a real date). Returns 0 and sets *days, or 1. */
int tr_parse_date(const char *s, int64_t *days);

#endif
