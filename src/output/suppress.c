#include "output/suppress.h"

/* The line through cells[at] along one axis: the cells sharing its row (axis 0) or its column
 * (axis 1). */
static int same_line(const struct tr_cell *a, const struct tr_cell *b, int axis)
{
    return axis == 0 ? a->row == b->row : a->col == b->col;
}

/* The cell's position along the line (the other axis): -1 is the line's total. */
static int along(const struct tr_cell *c, int axis)
{
    return axis == 0 ? c->col : c->row;
}

/* One line, given by one of its cells: if its total is published and exactly one other cell is
 * hidden, hides the smallest published non-empty cell, or the total. 1 when it hid one. */
static int protect_line(struct tr_cell *cells, size_t n, size_t first, int axis)
{
    struct tr_cell *total = NULL, *smallest = NULL;
    int hidden = 0;
    for (size_t i = 0; i < n; i++) {
        struct tr_cell *c = &cells[i];
        if (!same_line(c, &cells[first], axis)) continue;
        if (along(c, axis) < 0) {
            total = c;
        } else if (c->state != TR_CELL_PUBLISHED) {
            hidden++;
        } else if (c->n > 0 && (!smallest || c->n < smallest->n)) {
            smallest = c;
        }
    }
    if (!total || total->state != TR_CELL_PUBLISHED || hidden != 1) return 0;
    (smallest ? smallest : total)->state = TR_CELL_COMPLEMENT;
    return 1;
}

/* Whether cells[i] is the first cell of its line along axis (each line is visited once). */
static int first_of_line(const struct tr_cell *cells, size_t i, int axis)
{
    for (size_t j = 0; j < i; j++)
        if (same_line(&cells[j], &cells[i], axis)) return 0;
    return 1;
}

int tr_suppress_more(struct tr_cell *cells, size_t n)
{
    int any = 0;
    /* Each pass hides at least one more cell or ends: at most n passes. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (int axis = 0; axis < 2; axis++)
            for (size_t i = 0; i < n; i++)
                if (first_of_line(cells, i, axis)) changed |= protect_line(cells, n, i, axis);
        any |= changed;
    }
    return any;
}

void tr_suppress(struct tr_cell *cells, size_t n, int64_t k)
{
    for (size_t i = 0; i < n; i++)
        cells[i].state = cells[i].n > 0 && cells[i].n < k ? TR_CELL_SMALL : TR_CELL_PUBLISHED;
    tr_suppress_more(cells, n);
}
