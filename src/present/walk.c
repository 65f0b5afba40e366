#include "present/walk.h"

#include "core/error.h"
#include "output/suppress.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const part_names[TR_WALK_PARTS] = {"mix", "behaviour", "model", "overlay"};

/* A row whose counts are published still says something of fewer people when the subscribers
 * who stayed, came or left are 1 to k - 1 (its behaviour is the stayers' alone, its mix the
 * newcomers' and leavers'): such a row is hidden whole. */
static int small_flows(const struct tr_walk_row *row, int64_t k_min)
{
    const int64_t flows[3] = {row->stayers, row->after - row->stayers, row->before - row->stayers};
    for (int k = 0; k < 3; k++)
        if (flows[k] > 0 && flows[k] < k_min) return 1;
    return 0;
}

/* One count line (before, or after) with its total published: the regions, the unknown region
 * (counted in all, shown nowhere) and the total; rows already hidden stay hidden. 1 when it hid
 * one more row. */
static int protect_counts(const struct tr_walk *w, int after, int64_t k_min, int8_t *state)
{
    const int R = w->n_regions;
    struct tr_cell *cells = TR_CALLOC((size_t)R + 2, sizeof *cells);
    for (int r = 0; r <= R; r++) {
        const struct tr_walk_row *row = &w->rows[r];
        cells[r] = (struct tr_cell){
            .n = after ? row->after : row->before, .col = r < R ? r : -1, .state = state[r]};
    }
    /* The unknown region's count is no secret (telrisk inspect shows it): never a complement */
    const int64_t unknown = after ? w->unknown_after : w->unknown_before;
    const int small = unknown > 0 && unknown < k_min;
    cells[R + 1] = (struct tr_cell){.n = small ? unknown : INT64_MAX, .col = R, .state = small};
    tr_suppress_more(cells, (size_t)R + 2);
    int changed = 0;
    for (int r = 0; r <= R; r++)
        if (cells[r].state > state[r]) state[r] = cells[r].state, changed = 1;
    free(cells);
    return changed;
}

void tr_walk_suppression(const struct tr_walk *w, int64_t k_min, int8_t *state)
{
    for (int r = 0; r <= w->n_regions; r++) {
        const struct tr_walk_row *row = &w->rows[r];
        /* a region in one run only has no walk, and its count there is hidden with it */
        const int one_run = (row->before == 0) != (row->after == 0);
        const int small = (row->before > 0 && row->before < k_min) ||
                          (row->after > 0 && row->after < k_min) || small_flows(row, k_min) ||
                          one_run;
        state[r] = small ? TR_CELL_SMALL : TR_CELL_PUBLISHED;
    }
    while (protect_counts(w, 0, k_min, state) | protect_counts(w, 1, k_min, state))
        ; /* a row hidden in one line is hidden in the other: again until neither hides more */
    for (int r = 0; r <= w->n_regions; r++) /* a region in neither run: nothing to show */
        if (!state[r] && w->rows[r].before == 0 && w->rows[r].after == 0) state[r] = TR_CELL_SMALL;
}

/* The used features of a row, largest behaviour first (ties: the model's order). */
static int *ranked(const struct tr_walk_row *row, int n_used)
{
    int *order = TR_MALLOC(sizeof(int) * ((size_t)n_used + 1));
    for (int u = 0; u < n_used; u++)
        order[u] = u;
    for (int i = 1; i < n_used; i++) /* insertion sort: stable, and n_used is small */
        for (int k = i; k > 0 && fabs(row->feature[order[k]]) > fabs(row->feature[order[k - 1]]);
             k--) {
            const int t = order[k];
            order[k] = order[k - 1], order[k - 1] = t;
        }
    return order;
}

static const char *row_name(const struct tr_walk *w, const struct tr_walk_names *names, int r)
{
    return r < w->n_regions ? names->regions[r] : "(all)";
}

static void print_row(FILE *out, const struct tr_walk *w, const struct tr_walk_names *names, int r,
                      int8_t state)
{
    const struct tr_walk_row *row = &w->rows[r];
    fprintf(out, "%-14s", row_name(w, names, r));
    if (state) {
        fprintf(out, "  %s\n",
                state == TR_CELL_SMALL ? "- (fewer than k_min subscribers)"
                                       : "- (hidden: it would give away another)");
        return;
    }
    fprintf(out, " %9" PRId64 " %9" PRId64 "  %7.3f %7.3f %+8.3f", row->before, row->after,
            100 * row->mean_before, 100 * row->mean_after,
            100 * (row->mean_after - row->mean_before));
    for (int p = 0; p < TR_WALK_PARTS; p++)
        fprintf(out, " %+9.3f", 100 * row->part[p]);
    fputc('\n', out);
}

/* A published row's largest behaviour terms, on a line of their own (the names are long). */
static void print_features(FILE *out, const struct tr_walk *w, const struct tr_walk_names *names,
                           int r, int top)
{
    const struct tr_walk_row *row = &w->rows[r];
    int *order = ranked(row, w->n_used);
    fprintf(out, "%s:", row_name(w, names, r));
    for (int k = 0; k < top && k < w->n_used; k++)
        fprintf(out, "%s %s %+.3f", k ? "," : "", names->features[order[k]],
                100 * row->feature[order[k]]);
    fputc('\n', out);
    free(order);
}

void tr_walk_print(FILE *out, const struct tr_walk *w, const struct tr_walk_names *names,
                   const int8_t *state, int top)
{
    fprintf(out, "PD walk: %s -> %s (mean PD in %%, changes in percentage points)\n", names->before,
            names->after);
    fprintf(out, "%-14s %9s %9s  %7s %7s %8s", "region", "before", "after", "PD was", "PD now",
            "change");
    for (int p = 0; p < TR_WALK_PARTS; p++)
        fprintf(out, " %9s", part_names[p]);
    fputc('\n', out);
    for (int r = 0; r <= w->n_regions; r++)
        print_row(out, w, names, r, state[r]);
    fprintf(out, "behaviour's largest features (percentage points of mean PD):\n");
    for (int r = 0; r <= w->n_regions; r++)
        if (!state[r]) print_features(out, w, names, r, top);
}

/* A CSV field: quoted, with its quotes doubled, when it holds a comma, a quote or a line end. */
static void csv_text(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void write_rows(FILE *f, const struct tr_walk *w, const struct tr_walk_names *names,
                       const int8_t *state)
{
    fprintf(f, "region,region_name,suppressed,before,after,stayers,mean_pd_before,mean_pd_after,"
               "change,mix,behaviour,model,overlay,model_pd_before,model_pd_after\n");
    for (int r = 0; r <= w->n_regions; r++) {
        const struct tr_walk_row *row = &w->rows[r];
        fprintf(f, "%d,", row->region);
        csv_text(f, row_name(w, names, r));
        if (state[r]) {
            fprintf(f, ",%d,,,,,,,,,,,,\n", state[r]);
            continue;
        }
        fprintf(f, ",0,%" PRId64 ",%" PRId64 ",%" PRId64 ",%.17g,%.17g,%.17g", row->before,
                row->after, row->stayers, row->mean_before, row->mean_after,
                row->mean_after - row->mean_before);
        for (int p = 0; p < TR_WALK_PARTS; p++)
            fprintf(f, ",%.17g", row->part[p]);
        fprintf(f, ",%.17g,%.17g\n", row->model_before, row->model_after);
    }
}

static void write_features(FILE *f, const struct tr_walk *w, const struct tr_walk_names *names,
                           const int8_t *state)
{
    fprintf(f, "region,region_name,rank,feature,behaviour\n");
    for (int r = 0; r <= w->n_regions; r++) {
        if (state[r]) continue;
        const struct tr_walk_row *row = &w->rows[r];
        int *order = ranked(row, w->n_used);
        for (int k = 0; k <= w->n_used; k++) {
            const int u = k < w->n_used ? order[k] : w->n_used;
            fprintf(f, "%d,", row->region);
            csv_text(f, row_name(w, names, r));
            fprintf(f, ",%d,", k + 1);
            csv_text(f, u < w->n_used ? names->features[u] : "(other)");
            fprintf(f, ",%.17g\n", row->feature[u]);
        }
        free(order);
    }
}

static int write_one(const char *dir, const char *name, const struct tr_walk *w,
                     const struct tr_walk_names *names, const int8_t *state,
                     void (*write)(FILE *, const struct tr_walk *, const struct tr_walk_names *,
                                   const int8_t *))
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    write(f, w, names, state);
    const int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        if (!errno) errno = EIO;
        return -1;
    }
    return 0;
}

int tr_walk_write_csv(const char *dir, const struct tr_walk *w, const struct tr_walk_names *names,
                      const int8_t *state)
{
    if (write_one(dir, "walk.csv", w, names, state, write_rows)) return -1;
    return write_one(dir, "walk_features.csv", w, names, state, write_features);
}
