/* Progress of the stage in hand, on rank 0: how much of its work is done, at what rate, and when
 * it should end (ETA), from rank 0's own share (the ranks get even shares). On a terminal a live
 * line is redrawn twice a second; in a batch log (Slurm's --output) a line is written every
 * TELRISK_PROGRESS_SECONDS (default 30). Nothing with --quiet. One stage at a time, process-wide,
 * so the deep loops (the reader, the indicators, the Monte Carlo) report with one cheap call. */
#ifndef TELRISK_CORE_PROGRESS_H
#define TELRISK_CORE_PROGRESS_H

#include "core/log.h"

#include <stdint.h>

/* Starts reporting a stage whose work on this rank is `total` units (bytes, subscribers, ...). */
void tr_progress_begin(const struct tr_ctx *ctx, const char *stage, double total, const char *unit);
/* Adds done units (cheap: one clock read). */
void tr_progress_add(double done);
/* Sets the total once the loop that does the work knows it. */
void tr_progress_total(double total);
/* Ends the stage's reporting (clears the live line). */
void tr_progress_end(void);

#endif
