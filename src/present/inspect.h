/* telrisk inspect: a run file summarised for people as text, one row per region, then the
 * inputs, the models' hold-out validation, the cross-checks' findings and one line per stress
 * scenario. Presentation only: output/summary.h reads the file. */
#ifndef TELRISK_PRESENT_INSPECT_H
#define TELRISK_PRESENT_INSPECT_H

#include "output/summary.h"

#include <stdint.h>
#include <stdio.h>

/* Prints every part s holds (nothing when it lacks TR_SUMMARY_RUN), rows of fewer than k_min
 * subscribers suppressed (present/view.h: or the run's own privacy.k_min when larger). */
void tr_inspect_print(FILE *out, const struct tr_run_summary *s, int64_t k_min);

/* Reads path and prints it. A file damaged part way shows the parts read before the damage,
 * and then the reason on msg (stderr when NULL). Returns an exit code: TR_EXIT_INPUT for a bad
 * file. */
int tr_inspect_file(const char *path, int64_t k_min, FILE *out, FILE *msg);

#endif
