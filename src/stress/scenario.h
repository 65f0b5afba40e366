/* Stress scenarios from an INI file (the ones in inputs/scenarios/): per scenario a
 * systematic-factor shock z for every region, given directly (`z`, `z.<region>`) or as macro shocks
 * (`gdp`, `unemployment`, and their `.<region>` forms) mapped to z by the [satellite] coefficients,
 * and a horizon of 1-3 years. Region-specific keys win over country-wide ones, a direct z over
 * macro shocks. */
#ifndef TELRISK_STRESS_SCENARIO_H
#define TELRISK_STRESS_SCENARIO_H

#include <stddef.h>

#define TR_SCENARIO_NAME_MAX      48
#define TR_SCENARIO_MAX           32
#define TR_SCENARIO_MAX_OVERRIDES 256

enum tr_shock { TR_SHOCK_Z, TR_SHOCK_GDP, TR_SHOCK_UNEMPLOYMENT, TR_SHOCKS };

struct tr_scenario {
    char name[TR_SCENARIO_NAME_MAX];
    int horizon_years;
    int has[TR_SHOCKS]; /* country-wide value given */
    double value[TR_SHOCKS];
    int n_overrides;
    struct {
        char region[TR_SCENARIO_NAME_MAX];
        int shock;
        double value;
    } overrides[TR_SCENARIO_MAX_OVERRIDES];
};

struct tr_scenarios {
    double beta_gdp, beta_unemployment; /* [satellite] */
    int n;
    struct tr_scenario s[TR_SCENARIO_MAX];
};

/* 0, or 1 with err naming the file, line and what is wrong. */
int tr_scenarios_load(const char *path, struct tr_scenarios *out, char *err, size_t errlen);

/* The scenario's z in the named region. */
double tr_scenario_z(const struct tr_scenarios *all, const struct tr_scenario *s,
                     const char *region);

/* The scenario called name, or NULL. */
const struct tr_scenario *tr_scenario_find(const struct tr_scenarios *all, const char *name);

#endif
