#include "config/feature_lists.h"

#include "core/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* text[0..len) without blanks around it, into out (cap bytes). 1 when it does not fit. */
static int trimmed(const char *text, size_t len, char *out, size_t cap)
{
    while (len && isspace((unsigned char)*text))
        text++, len--;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len >= cap) return 1;
    memcpy(out, text, len);
    out[len] = 0;
    return 0;
}

/* One item "name:value" or "value" of key. */
static int one_item(const char *key, const char *item, size_t len, tr_list_fn fn, void *user,
                    char *err, size_t errlen)
{
    char name[TR_LIST_NAME_MAX] = "", value[TR_PATH_MAX];
    const char *colon = memchr(item, ':', len);
    const size_t vat = colon ? (size_t)(colon - item) + 1 : 0;
    if (colon && trimmed(item, (size_t)(colon - item), name, sizeof name)) {
        snprintf(err, errlen, "%s: a feature name longer than %d characters", key,
                 TR_LIST_NAME_MAX - 1);
        return 1;
    }
    if (trimmed(item + vat, len - vat, value, sizeof value)) {
        snprintf(err, errlen, "%s: an item too long", key);
        return 1;
    }
    if ((colon && !name[0]) || !value[0]) {
        snprintf(err, errlen, "%s: '%.*s' is not %s", key, (int)len, item,
                 colon ? "feature:value" : "an item (two commas in a row?)");
        return 1;
    }
    return fn(user, name, value, err, errlen);
}

int tr_config_list_each(const char *key, const char *text, tr_list_fn fn, void *user, char *err,
                        size_t errlen)
{
    char probe[2];
    if (trimmed(text, strlen(text), probe, sizeof probe) == 0 && !probe[0]) return 0; /* empty */
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        const size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (one_item(key, p, len, fn, user, err, errlen)) return 1;
        if (!comma) return 0;
        p = comma + 1;
    }
}

int tr_config_list_numbers(const char *text, double *out, int max, int *n, int increasing,
                           char *err, size_t errlen)
{
    *n = 0;
    for (const char *p = text;;) {
        const char *bar = strchr(p, '|');
        const size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char word[64], *end = NULL;
        errno = 0;
        const double v = trimmed(p, len, word, sizeof word) ? NAN : strtod(word, &end);
        if (!word[0] || errno || !end || *end || !isfinite(v)) {
            snprintf(err, errlen, "'%.*s' in '%s' is not a finite number", (int)len, p, text);
            return 1;
        }
        if (*n == max) {
            snprintf(err, errlen, "'%s' has more than %d values", text, max);
            return 1;
        }
        for (int k = 0; k < *n; k++)
            if (increasing ? out[k] >= v : out[k] == v) {
                snprintf(err, errlen, "'%s': the values must be %s", text,
                         increasing ? "increasing" : "distinct");
                return 1;
            }
        out[(*n)++] = v;
        if (!bar) return 0;
        p = bar + 1;
    }
}

int tr_config_trend_word(const char *word)
{
    static const char *const words[] = {"descending", "auto", "ascending", "none"};
    for (int k = 0; k < 4; k++)
        if (strcmp(word, words[k]) == 0) return k - 1;
    return -9;
}

/* What one key's items must be; `bare` counts bare items met so far. */
struct list_syntax {
    const char *key;
    enum { NAMES, TREND, EDGES, SPECIAL } kind;
    int bare;
};

static int check_item(void *user, const char *name, const char *value, char *err, size_t errlen)
{
    struct list_syntax *s = user;
    char why[TR_CONFIG_ERR_MAX / 2];
    double v[TR_LIST_MAX_EDGES];
    int n;
    switch (s->kind) {
    case NAMES:
        if (!name[0]) return 0;
        snprintf(err, errlen, "%s: '%s:%s': expected feature names only", s->key, name, value);
        return 1;
    case TREND:
        if (tr_config_trend_word(value) == -9) {
            snprintf(err, errlen, "%s: '%s': expected auto, ascending, descending or none", s->key,
                     value);
            return 1;
        }
        if (!name[0] && s->bare++) {
            snprintf(err, errlen, "%s: two trends for every feature ('%s' is the second)", s->key,
                     value);
            return 1;
        }
        return 0;
    case EDGES:
    case SPECIAL:
        if (!name[0]) {
            snprintf(err, errlen, "%s: '%s': expected feature:value|value...", s->key, value);
            return 1;
        }
        if (tr_config_list_numbers(value, v,
                                   s->kind == EDGES ? TR_LIST_MAX_EDGES : TR_LIST_MAX_SPECIAL, &n,
                                   s->kind == EDGES, why, sizeof why) == 0)
            return 0;
        snprintf(err, errlen, "%s: %s: %s", s->key, name, why);
        return 1;
    }
    return 0;
}

int tr_config_feature_lists_problem(const struct tr_config *cfg, char err[TR_CONFIG_ERR_MAX])
{
    struct list_syntax lists[] = {{"model.include", NAMES, 0},
                                  {"model.exclude", NAMES, 0},
                                  {"model.trend", TREND, 0},
                                  {"model.bins", EDGES, 0},
                                  {"model.special", SPECIAL, 0}};
    const char *texts[] = {cfg->model.include, cfg->model.exclude, cfg->model.trend,
                           cfg->model.bins, cfg->model.special};
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
        if (tr_config_list_each(lists[k].key, texts[k], check_item, &lists[k], err,
                                TR_CONFIG_ERR_MAX))
            return 1;
    return 0;
}

static size_t distance(const char *a, const char *b)
{
    const size_t la = strlen(a), lb = strlen(b);
    size_t *row = TR_MALLOC(sizeof(size_t) * (lb + 1));
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            const size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best, diag = up;
        }
    }
    const size_t d = row[lb];
    free(row);
    return d;
}

const char *tr_config_nearest_name(const char *name, const char *const *names, int n)
{
    const char *best = n ? names[0] : "";
    size_t best_d = (size_t)-1;
    for (int k = 0; k < n; k++) {
        const size_t d = distance(name, names[k]);
        if (d < best_d) best_d = d, best = names[k];
    }
    return best;
}
