/* The observation window: the days whose events a run reads. The config may set it
 * ([run] window_start and window_end, or observation_date and window_days); else it is the span
 * of the bulk of the data, so that one phone whose clock says 2099 moves nothing but its own line
 * (docs/formats.md, "The observation window"). Events outside it, and subscribers activated after
 * it, are rejected as out_of_window once the window is known (records/late.h). */
#ifndef TELRISK_RECORDS_WINDOW_H
#define TELRISK_RECORDS_WINDOW_H

#include "config/config.h"
#include "core/log.h"
#include "records/late.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

/* Lines per day (days since 1970), one count per accepted event line, counted where the line is
 * read (every line once, whatever pass keeps its records). */
struct tr_day_counts {
    int64_t *day, *lines; /* [cap] slots; day INT64_MIN: empty */
    size_t n, cap;
    size_t last; /* the slot of the last day counted: lines come mostly in time order */
};
void tr_day_counts_init(struct tr_day_counts *c);
void tr_day_counts_add(struct tr_day_counts *c, int64_t t); /* t: seconds since 1970 */
void tr_day_counts_free(struct tr_day_counts *c);

#define TR_WINDOW_RULE_MAX 160

struct tr_window {
    int64_t start, end;            /* seconds, [start, end): midnight to midnight; 0, 0: none */
    int64_t min_lines;             /* the bulk rule's threshold (0: the config's window) */
    int64_t typical_lines;         /* the typical day's lines (0: the config's window) */
    int64_t days_outside;          /* days with lines outside the window */
    char rule[TR_WINDOW_RULE_MAX]; /* how it was found, in words (/provenance) */
};

/* Collective: the window from the config or, without one, from every rank's day counts. The
 * same on every rank. */
void tr_window_decide(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const struct tr_day_counts *mine, struct tr_window *w);

/* The records of tables outside w dropped: events whose time is outside it, and subscribers
 * activated after it ends. Each dropped line becomes an out_of_window reject once: from its
 * primary record (the caller's copy of a call or payment), wherever that is held. */
void tr_window_filter(const struct tr_window *w, struct tr_array tables[TR_T_COUNT],
                      struct tr_late_rejects *late);

#endif
