#include "model/scorecard.h"

#include "config/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int tr_master_scale_parse(const char *text, struct tr_scorecard *s, char *err, size_t errlen)
{
    return tr_config_master_scale(text, s->upper, TR_MAX_GRADES, &s->n_grades, err, errlen);
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
