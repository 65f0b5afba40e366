#include "model/controls.h"

#include "config/feature_lists.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct controls {
    const char *key;
    const char *const *names;
    int n;
    struct tr_feature_control *out;
    unsigned char *given; /* [n]: named in this key already, or (include) at all */
    int bare_trend;       /* model.trend's word for every feature */
};

/* The column of name, or -1 with err naming the key and the nearest feature. */
static int column(const struct controls *c, const char *name, char *err, size_t errlen)
{
    for (int j = 0; j < c->n; j++)
        if (strcmp(c->names[j], name) == 0) return j;
    snprintf(err, errlen, "%s: unknown feature '%s' (did you mean '%s'?)", c->key, name,
             tr_config_nearest_name(name, c->names, c->n));
    return -1;
}

/* The column of name, named once in this key: -1 with err otherwise. */
static int once(struct controls *c, const char *name, char *err, size_t errlen)
{
    const int j = column(c, name, err, errlen);
    if (j < 0) return -1;
    if (c->given[j]) {
        snprintf(err, errlen, "%s: feature '%s' given twice", c->key, name);
        return -1;
    }
    c->given[j] = 1;
    return j;
}

static int on_include(void *user, const char *name, const char *value, char *err, size_t len)
{
    (void)name;
    return once(user, value, err, len) < 0;
}

static int on_exclude(void *user, const char *name, const char *value, char *err, size_t len)
{
    (void)name;
    struct controls *c = user;
    const int j = once(c, value, err, len);
    if (j < 0) return 1;
    if (c->out[j].candidate == 2) { /* which of the two the modeller means is anyone's guess */
        snprintf(err, len, "model.exclude: feature '%s' is in model.include too", value);
        return 1;
    }
    c->out[j].candidate = 0;
    snprintf(c->out[j].why, TR_CONTROL_WHY_MAX, "in model.exclude");
    return 0;
}

static int on_trend(void *user, const char *name, const char *value, char *err, size_t len)
{
    struct controls *c = user;
    const int t = tr_config_trend_word(value);
    if (!name[0]) return c->bare_trend = t, 0;
    const int j = once(c, name, err, len);
    if (j < 0) return 1;
    c->out[j].trend = t;
    return 0;
}

static int on_edges(void *user, const char *name, const char *value, char *err, size_t len)
{
    struct controls *c = user;
    const int j = once(c, name, err, len);
    if (j < 0) return 1;
    struct tr_feature_control *f = &c->out[j];
    return tr_config_list_numbers(value, f->edges, TR_MAX_PREBINS - 1, &f->n_edges, 1, err, len);
}

static int on_special(void *user, const char *name, const char *value, char *err, size_t len)
{
    struct controls *c = user;
    const int j = once(c, name, err, len);
    if (j < 0) return 1;
    struct tr_feature_control *f = &c->out[j];
    return tr_config_list_numbers(value, f->special, TR_MAX_SPECIAL, &f->n_special, 0, err, len);
}

/* One key's items over c (given cleared first). */
static int each(struct controls *c, const char *key, const char *text, tr_list_fn fn, char *err,
                size_t errlen)
{
    c->key = key;
    memset(c->given, 0, (size_t)c->n + 1);
    return tr_config_list_each(key, text, fn, c, err, errlen);
}

/* model.include: the listed ones are candidates (marked 2 until exclude has been read). */
static int read_include(struct controls *c, const struct tr_config *cfg, char *err, size_t len)
{
    if (each(c, "model.include", cfg->model.include, on_include, err, len)) return 1;
    int any = 0;
    for (int j = 0; j < c->n; j++)
        any |= c->given[j];
    for (int j = 0; j < c->n && any; j++) {
        c->out[j].candidate = c->given[j] ? 2 : 0;
        if (!c->given[j]) snprintf(c->out[j].why, TR_CONTROL_WHY_MAX, "not in model.include");
    }
    return 0;
}

/* A feature with manual edges takes them as given: a trend of its own would contradict them. */
static int edges_with_trend(const struct controls *c, const unsigned char *trended, char *err,
                            size_t len)
{
    for (int j = 0; j < c->n; j++)
        if (trended[j] && c->out[j].n_edges) {
            snprintf(err, len,
                     "model.trend: feature '%s' has manual edges in model.bins, which are taken as "
                     "given; drop one of the two",
                     c->names[j]);
            return 1;
        }
    return 0;
}

/* The keys in order: include before exclude (a name in both is refused), model.trend's names
 * kept in `trended` for the check against model.bins. */
static int read_keys(struct controls *c, const struct tr_config *cfg, unsigned char *trended,
                     char *err, size_t len)
{
    if (read_include(c, cfg, err, len) ||
        each(c, "model.exclude", cfg->model.exclude, on_exclude, err, len) ||
        each(c, "model.bins", cfg->model.bins, on_edges, err, len) ||
        each(c, "model.special", cfg->model.special, on_special, err, len))
        return 1;
    c->given = trended;
    return each(c, "model.trend", cfg->model.trend, on_trend, err, len) ||
           edges_with_trend(c, trended, err, len);
}

int tr_model_controls(const struct tr_config *cfg, const char *const *names, int n,
                      struct tr_feature_control *out, char *err, size_t errlen)
{
    unsigned char *given = TR_CALLOC(2 * (size_t)n + 2, 1); /* per key; model.trend's kept */
    struct controls c = {.names = names, .n = n, .out = out, .given = given};
    memset(out, 0, sizeof *out * (size_t)n);
    for (int j = 0; j < n; j++)
        out[j].candidate = 1, out[j].trend = TR_TREND_AUTO - 9; /* -9: not set for this one */
    const int bad = read_keys(&c, cfg, given + n + 1, err, errlen);
    free(given);
    if (bad) return 1;
    for (int j = 0; j < n; j++) {
        if (out[j].trend == TR_TREND_AUTO - 9) out[j].trend = c.bare_trend;
        if (out[j].candidate == 2) out[j].candidate = 1;
    }
    return 0;
}

const char *tr_trend_word(int trend)
{
    return trend == TR_TREND_ASCENDING    ? "ascending"
           : trend == TR_TREND_DESCENDING ? "descending"
           : trend == TR_TREND_NONE       ? "none"
                                          : "auto";
}
