/* What a presentation of a run shows, whatever its medium (telrisk inspect's text, and the HTML
 * report of issue 21): the features worth a glance and their labels, a row's means, and which
 * rows of the per-region table are suppressed. Shared so that every medium shows the same
 * figures and hides the same cells (privacy.k_min). Plain data in, no HDF5 (output/summary.h
 * reads the file). */
#ifndef TELRISK_PRESENT_VIEW_H
#define TELRISK_PRESENT_VIEW_H

#include "output/summary.h"

#include <stddef.h>
#include <stdint.h>

#define TR_VIEW_GLANCE 6 /* at most this many feature columns */

/* A column of the per-region table: a feature of the summary and its label for people. */
struct tr_view_column {
    size_t feature; /* index into the summary's features and each tally's sums */
    const char *label;
};

/* The features worth a glance that the run computed, in column order (those it did not compute
 * are skipped): returns how many went into cols. */
int tr_view_glance(const struct tr_run_summary *s, struct tr_view_column cols[TR_VIEW_GLANCE]);

/* The mean of a feature over a row's defined values: 1, or 0 when none is defined. */
int tr_view_mean(const struct tr_summary_tally *t, size_t feature, double *mean);

/* The state (output/suppress.h) of each row of s->tallies ([n_regions + 2], to free): the regions
 * and the unknown region as cells, the nation as their total. k_min is the command's
 * privacy.k_min; the run's own applies when it is larger (a person may ask for more suppression
 * than the run did, never less). */
int8_t *tr_view_region_states(const struct tr_run_summary *s, int64_t k_min);

/* The state of each row of s->models ([n_models], to free), as output/models.c suppresses
 * /models/summary but at the larger of k_min and the run's own privacy.k_min: a region's model
 * is hidden when its hold-out or its training rows are too few (or would give such a region
 * away), the all-regions row being their total. A row the file hid stays hidden, for the file's
 * reason. */
int8_t *tr_view_model_states(const struct tr_run_summary *s, int64_t k_min);

/* The states ([s->n_grades], to free) of /crosschecks/backtest's all-regions rows (each grade's
 * hold-out; grade 0 their total), suppressed at the larger of k_min and the run's own k_min as
 * tr_view_model_states does; the other rows' states are left 0 (inspect does not show them). */
int8_t *tr_view_grade_states(const struct tr_run_summary *s, int64_t k_min);

/* The states ([s->n_concentration], to free) of /crosschecks/concentration's rows, each region's
 * scored subscribers suppressed at the larger of k_min and the run's own, all regions their
 * total, as tr_view_model_states does. */
int8_t *tr_view_concentration_states(const struct tr_run_summary *s, int64_t k_min);

/* Why a row shows no figures, or NULL when it shows them (state 0). */
const char *tr_view_why(int8_t state);

#endif
