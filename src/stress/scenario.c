#include "stress/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const shock_names[TR_SHOCKS] = {"z", "gdp", "unemployment"};

struct parse {
    struct tr_scenarios *out;
    char *err;
    size_t errlen;
    int failed;
};

static int fail(struct parse *p, const char *fmt, const char *a, const char *b)
{
    if (!p->failed) snprintf(p->err, p->errlen, fmt, a, b);
    p->failed = 1;
    return 0;
}

static int number(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    *out = strtod(text, &end);
    return end != text && *end == '\0' && errno == 0 && isfinite(*out);
}

/* A scenario's name becomes an HDF5 group and part of a file name: letters, digits, '_', '-'
 * and '.', not starting with '.'. */
static int good_name(const char *name)
{
    if (!name[0] || name[0] == '.') return 0;
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.') return 0;
    return 1;
}

static struct tr_scenario *scenario_of(struct parse *p, const char *section)
{
    const char *name = section + strlen("scenario ");
    if (!good_name(name)) return NULL;
    for (int k = 0; k < p->out->n; k++)
        if (strcmp(p->out->s[k].name, name) == 0) return &p->out->s[k];
    if (p->out->n == TR_SCENARIO_MAX || strlen(name) == 0 || strlen(name) >= TR_SCENARIO_NAME_MAX)
        return NULL;
    struct tr_scenario *s = &p->out->s[p->out->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->horizon_years = 1;
    return s;
}

static int on_pair(void *user, const char *section, const char *key, const char *value)
{
    struct parse *p = user;
    double v;
    if (!number(value, &v)) return fail(p, "%s = '%s': expected a number", key, value);
    if (strcmp(section, "satellite") == 0) {
        if (strcmp(key, "gdp") == 0)
            p->out->beta_gdp = v;
        else if (strcmp(key, "unemployment") == 0)
            p->out->beta_unemployment = v;
        else
            return fail(p, "[satellite] %s%s: expected gdp or unemployment", key, "");
        return 1;
    }
    if (strncmp(section, "scenario ", 9) != 0)
        return fail(p, "section [%s]%s: expected [satellite] or [scenario NAME]", section, "");
    struct tr_scenario *s = scenario_of(p, section);
    if (!s)
        return fail(p,
                    "[%s]%s: a name of 1-47 letters, digits, '_', '-' or '.' (not first), at "
                    "most 32 scenarios",
                    section, "");
    if (strcmp(key, "horizon_years") == 0) {
        if (v != 1 && v != 2 && v != 3)
            return fail(p, "horizon_years = %s%s: expected 1, 2 or 3", value, "");
        s->horizon_years = (int)v;
        return 1;
    }
    const char *dot = strchr(key, '.');
    const size_t len = dot ? (size_t)(dot - key) : strlen(key);
    int shock = -1;
    for (int k = 0; k < TR_SHOCKS; k++)
        if (strlen(shock_names[k]) == len && strncmp(key, shock_names[k], len) == 0) shock = k;
    if (shock < 0)
        return fail(p, "%s%s: expected z, gdp, unemployment (or KEY.Region) or horizon_years", key,
                    "");
    if (!dot) {
        s->has[shock] = 1, s->value[shock] = v;
        return 1;
    }
    if (s->n_overrides == TR_SCENARIO_MAX_OVERRIDES || strlen(dot + 1) == 0 ||
        strlen(dot + 1) >= TR_SCENARIO_NAME_MAX)
        return fail(p, "%s%s: a region name of 1-47 characters, at most 256 per scenario", key, "");
    s->overrides[s->n_overrides].shock = shock;
    s->overrides[s->n_overrides].value = v;
    snprintf(s->overrides[s->n_overrides].region, TR_SCENARIO_NAME_MAX, "%s", dot + 1);
    s->n_overrides++;
    return 1;
}

int tr_scenarios_load(const char *path, struct tr_scenarios *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char msg[512] = "";
    struct parse p = {out, msg, sizeof msg, 0};
    const int rc = ini_parse(path, on_pair, &p);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot read the scenario file", path);
        return 1;
    }
    if (rc > 0 && !p.failed) {
        snprintf(err, errlen, "%s: line %d: not a key = value line or [section]", path, rc);
        return 1;
    }
    if (p.failed) { /* inih returns the line of the first pair the handler refused */
        snprintf(err, errlen, "%s: line %d: %s", path, rc, msg);
        return 1;
    }
    if (out->n == 0) {
        snprintf(err, errlen, "%s: no [scenario NAME] section", path);
        return 1;
    }
    return 0;
}

/* Region-specific value of a shock, else the country-wide one; has = 0 when neither. */
static double shock_in(const struct tr_scenario *s, int shock, const char *region, int *has)
{
    for (int k = s->n_overrides - 1; k >= 0; k--)
        if (s->overrides[k].shock == shock && strcmp(s->overrides[k].region, region) == 0) {
            *has = 1;
            return s->overrides[k].value;
        }
    *has = s->has[shock];
    return s->has[shock] ? s->value[shock] : 0;
}

double tr_scenario_z(const struct tr_scenarios *all, const struct tr_scenario *s,
                     const char *region)
{
    int has_z, has_gdp, has_unemployment;
    const double z = shock_in(s, TR_SHOCK_Z, region, &has_z);
    const double gdp = shock_in(s, TR_SHOCK_GDP, region, &has_gdp);
    const double unemployment = shock_in(s, TR_SHOCK_UNEMPLOYMENT, region, &has_unemployment);
    if (has_z) return z;
    return all->beta_gdp * gdp + all->beta_unemployment * unemployment;
}

const struct tr_scenario *tr_scenario_find(const struct tr_scenarios *all, const char *name)
{
    for (int k = 0; k < all->n; k++)
        if (strcmp(all->s[k].name, name) == 0) return &all->s[k];
    return NULL;
}
