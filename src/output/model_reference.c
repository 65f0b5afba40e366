/* /models/region_reference: the models' population per region when they were trained
 * (model/reference.h), the reference of telrisk score's drift per region. One row per region
 * and cell: the region's subscribers, then per score band, grade and bin of each used feature;
 * each part a line whose total is the region's, suppressed as a region table is
 * (output/suppress.h). */
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

/* Each cell's state: a stored model's as read, else small cells of each part hidden against the
 * region's total. states[n_regions x width]. */
static void states_of(const struct tr_models *m, const int *start, int width, int64_t k_min,
                      int8_t *states)
{
    const size_t cells = (size_t)m->n_regions * (size_t)width;
    if (m->region_reference_state) {
        memcpy(states, m->region_reference_state, cells);
        return;
    }
    struct tr_cell *line = TR_CALLOC((size_t)width + 1, sizeof *line);
    for (int r = 0; r < m->n_regions; r++) {
        const int64_t *count = m->region_reference + (size_t)r * (size_t)width;
        int8_t *state = states + (size_t)r * (size_t)width;
        for (int part = 1; part < 3 + m->n_used; part++) {
            int n = 0;
            for (int c = start[part]; c < start[part + 1]; c++)
                line[n++] = (struct tr_cell){.n = count[c], .col = c};
            line[n++] = (struct tr_cell){.n = count[0], .col = -1};
            tr_suppress(line, (size_t)n, k_min);
            for (int k = 0; k + 1 < n; k++)
                state[line[k].col] = line[k].state;
            if (line[n - 1].state > state[0]) state[0] = line[n - 1].state;
        }
    }
    free(line);
}

void tr_rf_write_region_reference(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m,
                                  const char *const *region_names, int64_t k_min)
{
    if (!m->region_reference || m->n_regions == 0) return; /* a model from before: none */
    int *start = TR_MALLOC(sizeof(int) * ((size_t)m->n_used + 4));
    tr_reference_starts(m, start);
    const int width = start[3 + m->n_used];
    const size_t cells = (size_t)m->n_regions * (size_t)width;
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
        rows[k] = (struct reference_row){.region = r,
                                         .bin = c - first,
                                         .population = states[k] ? -1 : m->region_reference[k],
                                         .suppressed = states[k]};
        snprintf(rows[k].region_name, sizeof rows[k].region_name, "%s", region_names[r]);
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
    const size_t cells = (size_t)m->n_regions * (size_t)tr_reference_width(m);
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
