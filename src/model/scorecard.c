#include "model/scorecard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int tr_master_scale_parse(const char *text, struct tr_scorecard *s, char *err, size_t errlen)
{
    s->n_grades = 0;
    const char *p = text;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v <= 0 || v > 1 || (s->n_grades && v <= s->upper[s->n_grades - 1])) {
            snprintf(err, errlen,
                     "master scale '%s': expected increasing PDs in (0, 1], comma-separated", text);
            return 1;
        }
        if (s->n_grades == TR_MAX_GRADES) {
            snprintf(err, errlen, "master scale '%s': more than %d grades", text, TR_MAX_GRADES);
            return 1;
        }
        s->upper[s->n_grades++] = v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') {
            snprintf(err, errlen, "master scale '%s': unexpected '%c'", text, *end);
            return 1;
        }
    }
    if (s->n_grades == 0 || s->upper[s->n_grades - 1] != 1) {
        snprintf(err, errlen, "master scale '%s': the last bound must be 1", text);
        return 1;
    }
    return 0;
}

double tr_score_points(const struct tr_scorecard *s, double pd)
{
    const double factor = s->pdo / log(2.0), offset = s->base_points - factor * log(s->base_odds);
    const double q = fmin(fmax(pd, 1e-12), 1 - 1e-12);
    return offset + factor * log((1 - q) / q);
}

int tr_grade(const struct tr_scorecard *s, double pd)
{
    for (int g = 0; g < s->n_grades; g++)
        if (pd <= s->upper[g]) return g + 1;
    return s->n_grades;
}
