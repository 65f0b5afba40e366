/* Small-cell suppression (privacy.k_min): a published aggregate computed from fewer than k
 * subscribers could single one out, so the tables of region and grade aggregates hide such
 * cells, and then enough others that no hidden cell can be recovered from a published total (a
 * row or column with a single hidden cell would give it away by subtraction). Hidden cells keep
 * their labels (region, grade) and say why: values become NaN, counts -1. */
#ifndef TELRISK_OUTPUT_SUPPRESS_H
#define TELRISK_OUTPUT_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

enum tr_cell_state {
    TR_CELL_PUBLISHED = 0,
    TR_CELL_SMALL = 1,      /* computed from 1 to k - 1 subscribers */
    TR_CELL_COMPLEMENT = 2, /* hidden so that a small cell cannot be derived from a total */
};

/* One cell of a table of up to two axes: the subscribers it is computed from, and its place on
 * each axis (row, column), -1 for the axis's total. A one-axis table has row 0 everywhere. */
struct tr_cell {
    int64_t n;
    int row, col;
    int8_t state; /* enum tr_cell_state, set by tr_suppress */
};

/* Cells of 1 to k - 1 subscribers become TR_CELL_SMALL (an empty cell says nothing about
 * anyone). Then, until nothing changes: in every line (the cells of one row, or of one column)
 * whose total is published and that holds exactly one hidden cell, the smallest other non-empty
 * cell is hidden too (ties: the first), or the total when there is none. Deterministic, so the
 * same at any rank count. */
void tr_suppress(struct tr_cell *cells, size_t n, int64_t k);

/* The second half alone, over states already set (cells hidden for another reason, or by another
 * table's lines): 1 when it hid one more. */
int tr_suppress_more(struct tr_cell *cells, size_t n);

#endif
