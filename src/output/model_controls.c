/* /models/controls: the modeller's control over each feature as it was applied (model.include,
 * exclude, trend, bins, special; docs/models.md): one row per feature of /subscribers/features,
 * so a validator reads which features could enter, with which trend, from which edges, with which
 * special values, without parsing the settings text. */
#include "output/groups.h"

#include "core/error.h"
#include "model/train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN    96
#define SPECIAL_LEN 256 /* TR_MAX_SPECIAL values of at most 24 characters, '|'-separated */

struct control_row {
    char name[NAME_LEN];
    int8_t candidate;
    char control[TR_CONTROL_WHY_MAX];
    char trend[16];
    char edges[16];
    char special[SPECIAL_LEN];
};

static int control_fields(struct tr_h5_field *out)
{
    typedef struct control_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, name, NAME_LEN - 1, NULL),
        NUM_FIELD(s, candidate, H5T_STD_I8LE, NULL),
        STR_FIELD(s, control, TR_CONTROL_WHY_MAX - 1, NULL),
        STR_FIELD(s, trend, 15, NULL),
        STR_FIELD(s, edges, 15, NULL),
        STR_FIELD(s, special, SPECIAL_LEN - 1, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

/* Exactly as the bins hold them (%.17g): "-1|0". */
static void special_text(const struct tr_feature_control *c, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = 0;
    for (int s = 0; s < c->n_special && at < cap; s++)
        at += (size_t)snprintf(out + at, cap - at, "%s%.17g", s ? "|" : "", c->special[s]);
}

void tr_rf_write_controls(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m)
{
    if (!m->control) return; /* a stored model from before the controls: nothing to tell */
    struct tr_h5_field fields[8];
    const int n_fields = control_fields(fields);
    struct control_row *rows = TR_CALLOC((size_t)m->n_features + 1, sizeof *rows);
    for (int j = 0; j < m->n_features; j++) {
        const struct tr_feature_control *c = &m->control[j];
        snprintf(rows[j].name, NAME_LEN, "%s", m->names[j]);
        rows[j].candidate = (int8_t)c->candidate;
        snprintf(rows[j].control, sizeof rows[j].control, "%s", c->why);
        snprintf(rows[j].trend, sizeof rows[j].trend, "%s", tr_trend_word(c->trend));
        snprintf(rows[j].edges, sizeof rows[j].edges, "%s", c->n_edges ? "manual" : "quantile");
        special_text(c, rows[j].special, SPECIAL_LEN);
    }
    tr_rf_small_table(ctx, g, "controls", fields, n_fields, sizeof *rows, rows,
                      (size_t)m->n_features,
                      "the modeller's control of each feature as applied: candidate 1 may enter "
                      "the models (else control says why: model.include, model.exclude), the "
                      "binning trend asked (model.trend: auto, ascending, descending, none), edges "
                      "manual (model.bins: exactly those bins) or quantile (pre-bins merged), "
                      "special values each in a bin of its own (model.special)");
    free(rows);
}

/* "-1|0" back into c (values written with %.17g read back exactly). */
static void special_values(const char *text, struct tr_feature_control *c)
{
    for (const char *p = text; *p && c->n_special < TR_MAX_SPECIAL; p++) {
        char *end;
        const double v = strtod(p, &end);
        if (end == p) return; /* not a number: not a file telrisk wrote */
        c->special[c->n_special++] = v;
        if (*end != '|') return;
        p = end;
    }
}

void tr_rf_read_controls(hid_t g, struct tr_models *m)
{
    struct tr_h5_field fields[8];
    const int n_fields = control_fields(fields);
    size_t n = 0;
    struct control_row *rows = tr_rf_read_table(g, "controls", fields, n_fields, sizeof *rows, &n);
    if (!rows || n != (size_t)m->n_features) {
        free(rows);
        return;
    }
    m->control = TR_CALLOC(n + 1, sizeof *m->control);
    for (size_t j = 0; j < n; j++) {
        struct tr_feature_control *c = &m->control[j];
        c->candidate = rows[j].candidate;
        snprintf(c->why, sizeof c->why, "%s", rows[j].control);
        c->trend = strcmp(rows[j].trend, "ascending") == 0    ? TR_TREND_ASCENDING
                   : strcmp(rows[j].trend, "descending") == 0 ? TR_TREND_DESCENDING
                   : strcmp(rows[j].trend, "none") == 0       ? TR_TREND_NONE
                                                              : TR_TREND_AUTO;
        /* The edges themselves are the bins' lower bounds (/models/bins). */
        c->n_edges = strcmp(rows[j].edges, "manual") == 0 ? m->bins[j].n_numeric - 1 : 0;
        for (int k = 0; k < c->n_edges && k < TR_MAX_PREBINS - 1; k++)
            c->edges[k] = m->bins[j].lower[k + 1];
        special_values(rows[j].special, c);
    }
    free(rows);
}
