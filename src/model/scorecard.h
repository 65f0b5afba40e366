/* Scorecard points and rating grades from a PD, as lending teams quote them: `base_points` at
 * good:bad odds of `base_odds`, `pdo` more points for every doubling of the odds; grades from a
 * master scale of increasing PD upper bounds (grade 1 the safest). */
#ifndef TELRISK_MODEL_SCORECARD_H
#define TELRISK_MODEL_SCORECARD_H

#include "config/config.h"

#include <stddef.h>

#define TR_MAX_GRADES TR_CONFIG_MAX_GRADES

struct tr_scorecard {
    double base_points, base_odds, pdo;
    int n_grades;
    double upper[TR_MAX_GRADES]; /* increasing PD bounds; the last is 1 */
};

/* Parses "0.01,0.02,...,1" into s->upper. 0, or 1 with err saying what is wrong. */
int tr_master_scale_parse(const char *text, struct tr_scorecard *s, char *err, size_t errlen);

double tr_score_points(const struct tr_scorecard *s, double pd);
/* 1..n_grades: the first grade whose upper bound is at least pd. */
int tr_grade(const struct tr_scorecard *s, double pd);

#endif
