/* /models/region_reference: the models' population per region when they were trained
 * (model/reference.h), the reference of telrisk score's drift per region. One row per region
 * (then the unknown region) and cell: the region's subscribers, then per score band, grade and
 * bin of each used feature. Each part is a table of regions x cells whose row totals are the
 * regions' subscribers and whose column totals the nation's, published elsewhere: suppressed as
 * such (output/suppress.h), both ways. */
#include "output/groups.h"

#include "core/error.h"
#include "model/reference.h"
#include "output/suppress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 96

struct reference_row {
    int32_t region;
    char region_name[48];
    char name[NAME_LEN];
    int32_t bin;
    int64_t population;
    int8_t suppressed;
};

static int reference_fields(struct tr_h5_field *out)
{
    typedef struct reference_row s;
    const struct tr_h5_field fields[] = {
        NUM_FIELD(s, region, H5T_STD_I32LE, NULL),
        STR_FIELD(s, region_name, 47, NULL),
        STR_FIELD(s, name, NAME_LEN - 1, NULL),
        NUM_FIELD(s, bin, H5T_STD_I32LE, NULL),
        NUM_FIELD(s, population, H5T_STD_I64LE, "subscribers"),
        NUM_FIELD(s, suppressed, H5T_STD_I8LE, NULL),
    };
    memcpy(out, fields, sizeof fields);
    return (int)(sizeof fields / sizeof *fields);
}

/* What cell c of a region's line is called. */
static const char *cell_name(const struct tr_models *m, const int *start, int c)
{
    if (c == 0) return "subscribers";
    if (c < start[2]) return "score";
    if (c < start[3]) return "grade";
    int u = 0;
    while (start[4 + u] <= c)
        u++;
    return m->names[m->used[u]];
}

/* One part of the table (the score bands, the grades, or one feature's bins) as a two-way table:
 * a row per region and one for the unknown region, a column per cell of the part; each row's
 * total is the region's subscribers (cell 0 of its line), each column's the nation's (published
 * in /models/bins, grades and score_bands), and the grand total. */
struct part {
    int first, end; /* cells of each line */
    size_t n;
    struct tr_cell *cells; /* [(rows + 1) x (end - first + 1)]: each row's cells then total */
};

static struct tr_cell *at(struct part *p, int row, int col)
{
    return &p->cells[(size_t)row * (size_t)(p->end - p->first + 1) +
                     (size_t)(col < 0 ? p->end - p->first : col)];
}

/* The part's cells with their first states: a stored model's as read (more hidden where k_min
 * asks for more; a hidden cell's count is not known, nor needed), else those of 1 to k - 1. */
static void fill_part(const struct tr_models *m, int width, int64_t k_min, struct part *p)
{
    const int rows = m->n_regions + 1, w = p->end - p->first;
    p->n = (size_t)(rows + 1) * (size_t)(w + 1);
    p->cells = TR_CALLOC(p->n, sizeof *p->cells);
    for (int r = 0; r <= rows; r++)
        for (int j = -1; j < w; j++)
            *at(p, r, j) = (struct tr_cell){.row = r == rows ? -1 : r, .col = j};
    for (int r = 0; r < rows; r++)
        for (int j = -1; j < w; j++) {
            const size_t cell = (size_t)r * (size_t)width + (size_t)(j < 0 ? 0 : p->first + j);
            struct tr_cell *x = at(p, r, j);
            x->n = m->region_reference[cell];
            x->state = m->region_reference_state ? m->region_reference_state[cell] : 0;
            if (!x->state && x->n > 0 && x->n < k_min) x->state = TR_CELL_SMALL;
            if (x->state) x->n = k_min;
            at(p, rows, j)->n += x->n; /* the nation's: only which is smallest matters */
        }
}

/* A region's total is one number in every part: hidden in one, hidden in all. 1 when it hid. */
static int sync_totals(struct part *parts, int n_parts, int rows)
{
    int changed = 0;
    for (int r = 0; r < rows; r++) {
        int8_t state = 0;
        for (int k = 0; k < n_parts; k++)
            if (at(&parts[k], r, -1)->state > state) state = at(&parts[k], r, -1)->state;
        for (int k = 0; k < n_parts && state; k++)
            if (!at(&parts[k], r, -1)->state) at(&parts[k], r, -1)->state = state, changed = 1;
    }
    return changed;
}

/* Each cell's state, [(n_regions + 1) x width]: small cells hidden, and then enough others that
 * none follows from a region's total or from the nation's total of its column, in any part. */
static void states_of(const struct tr_models *m, const int *start, int width, int64_t k_min,
                      int8_t *states)
{
    const int n_parts = 2 + m->n_used, rows = m->n_regions + 1;
    struct part *parts = TR_CALLOC((size_t)n_parts, sizeof *parts);
    for (int k = 0; k < n_parts; k++) {
        parts[k] = (struct part){.first = start[k + 1], .end = start[k + 2]};
        fill_part(m, width, k_min, &parts[k]);
    }
    do
        for (int k = 0; k < n_parts; k++)
            tr_suppress_more(parts[k].cells, parts[k].n);
    while (sync_totals(parts, n_parts, rows));
    for (int k = 0; k < n_parts; k++) {
        for (int r = 0; r < rows; r++) {
            int8_t *line = states + (size_t)r * (size_t)width;
            for (int j = 0; j < parts[k].end - parts[k].first; j++)
                line[parts[k].first + j] = at(&parts[k], r, j)->state;
            line[0] = at(&parts[k], r, -1)->state;
        }
        free(parts[k].cells);
    }
    free(parts);
}

void tr_rf_write_region_reference(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m,
                                  const char *const *region_names, int64_t k_min)
{
    if (!m->region_reference || m->n_regions == 0) return; /* a model from before: none */
    int *start = TR_MALLOC(sizeof(int) * ((size_t)m->n_used + 4));
    tr_reference_starts(m, start);
    const int width = start[3 + m->n_used];
    const size_t cells = (size_t)(m->n_regions + 1) * (size_t)width; /* the last: unknown */
    int8_t *states = TR_CALLOC(cells + 1, 1);
    states_of(m, start, width, k_min, states);
    struct reference_row *rows = TR_CALLOC(cells + 1, sizeof *rows);
    for (size_t k = 0; k < cells; k++) {
        const int r = (int)(k / (size_t)width), c = (int)(k % (size_t)width);
        const int part = c == 0 ? 0 : c < start[2] ? 1 : c < start[3] ? 2 : 3;
        int first = part == 3 ? c : start[part];
        while (part == 3 && first > start[3] &&
               strcmp(cell_name(m, start, first - 1), cell_name(m, start, c)) == 0)
            first--;
        rows[k] = (struct reference_row){.region = r < m->n_regions ? r : -1,
                                         .bin = c - first,
                                         .population = states[k] ? -1 : m->region_reference[k],
                                         .suppressed = states[k]};
        snprintf(rows[k].region_name, sizeof rows[k].region_name, "%s",
                 r < m->n_regions ? region_names[r] : "(unknown)");
        snprintf(rows[k].name, sizeof rows[k].name, "%s", cell_name(m, start, c));
    }
    struct tr_h5_field fields[8];
    tr_rf_small_table(ctx, g, "region_reference", fields, reference_fields(fields), sizeof *rows,
                      rows, cells,
                      "the population per region when the models were trained, the reference of "
                      "the drift per region (telrisk score): per region its subscribers, then per "
                      "score band (bin 0 the lowest), grade (bin 0 grade 1) and bin of each used "
                      "feature (the bins of /models/bins); -1 where suppressed (1: fewer than "
                      "privacy.k_min, 2: hidden so that no small cell follows from the region's "
                      "total)");
    free(rows);
    free(states);
    free(start);
}

void tr_rf_read_region_reference(hid_t g, struct tr_models *m)
{
    struct tr_h5_field fields[8];
    size_t n = 0;
    struct reference_row *rows =
        tr_rf_read_table(g, "region_reference", fields, reference_fields(fields), sizeof *rows, &n);
    const size_t cells = (size_t)(m->n_regions + 1) * (size_t)tr_reference_width(m);
    if (rows && n == cells && cells > 0) {
        m->region_reference = TR_MALLOC(sizeof(int64_t) * cells);
        m->region_reference_state = TR_MALLOC(cells);
        for (size_t k = 0; k < cells; k++) {
            m->region_reference[k] = rows[k].population;
            m->region_reference_state[k] = rows[k].suppressed;
        }
    }
    free(rows); /* absent, or not this model's cells: no drift per region */
}
