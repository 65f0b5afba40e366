/* output/suppress: small-cell suppression. Hand-made tables with their hidden cells worked out
 * by hand, then a property check over random two-way tables with margins: every cell of 1 to
 * k - 1 subscribers is hidden as small, and no line whose total is published has exactly one
 * hidden cell (which subtraction would give away). model/psi: PSI with suppressed reference bins
 * pooled equals the PSI over the pooled bins computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crosscheck/drift.h"
#include "output/suppress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A one-way table: cells n[0..count) then their total. */
static void one_way(const int64_t *n, int count, int64_t total, int64_t k, int8_t *state)
{
    struct tr_cell cells[16];
    for (int i = 0; i < count; i++)
        cells[i] = (struct tr_cell){n[i], 0, i, 0};
    cells[count] = (struct tr_cell){total, 0, -1, 0};
    tr_suppress(cells, (size_t)count + 1, k);
    for (int i = 0; i <= count; i++)
        state[i] = cells[i].state;
}

static void test_one_way(void **s)
{
    (void)s;
    int8_t st[8];
    /* One small cell: the smallest other (30) goes with it, or 3 = 123 - 50 - 40 - 30. */
    one_way((int64_t[]){50, 3, 40, 30}, 4, 123, 10, st);
    assert_memory_equal(st, ((int8_t[]){0, 1, 0, 2, 0}), 5);
    /* Two small cells hide each other. */
    one_way((int64_t[]){5, 3, 40}, 3, 48, 10, st);
    assert_memory_equal(st, ((int8_t[]){1, 1, 0, 0}), 4);
    /* Empty cells say nothing about anyone, and k itself is enough. */
    one_way((int64_t[]){0, 50, 10}, 3, 60, 10, st);
    assert_memory_equal(st, ((int8_t[]){0, 0, 0, 0}), 4);
    /* No other non-empty cell (the total counts 12 unplaced subscribers): the total goes. */
    one_way((int64_t[]){3, 0}, 2, 15, 10, st);
    assert_memory_equal(st, ((int8_t[]){1, 0, 2}), 3);
    /* Ties: the first of the smallest. */
    one_way((int64_t[]){20, 4, 20}, 3, 44, 10, st);
    assert_memory_equal(st, ((int8_t[]){2, 1, 0, 0}), 4);
    /* k = 1 hides nothing. */
    one_way((int64_t[]){1, 2}, 2, 3, 1, st);
    assert_memory_equal(st, ((int8_t[]){0, 0, 0}), 3);
}

/* rows x cols interior cells, then the row totals (col -1), the column totals (row -1) and the
 * grand total, as the backtest lays them out. */
static size_t two_way(struct tr_cell *cells, const int64_t *n, int rows, int cols)
{
    size_t at = 0;
    int64_t grand = 0;
    for (int r = -1; r < rows; r++)
        for (int c = -1; c < cols; c++) {
            int64_t v = 0;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    if ((r < 0 || r == i) && (c < 0 || c == j)) v += n[i * cols + j];
            cells[at++] = (struct tr_cell){v, r, c, 0};
            if (r >= 0 && c >= 0) grand += v;
        }
    (void)grand;
    return at;
}

static void check_protected(const struct tr_cell *cells, size_t n, int64_t k)
{
    for (size_t i = 0; i < n; i++) {
        const int small = cells[i].n > 0 && cells[i].n < k;
        assert_int_equal(cells[i].state == TR_CELL_SMALL, small);
        if (cells[i].n == 0) assert_int_equal(cells[i].state, TR_CELL_PUBLISHED);
    }
    for (int axis = 0; axis < 2; axis++)
        for (size_t i = 0; i < n; i++) {
            const int line = axis == 0 ? cells[i].row : cells[i].col;
            int hidden = 0, total_published = 0;
            for (size_t j = 0; j < n; j++) {
                if ((axis == 0 ? cells[j].row : cells[j].col) != line) continue;
                const int pos = axis == 0 ? cells[j].col : cells[j].row;
                if (pos < 0)
                    total_published = cells[j].state == TR_CELL_PUBLISHED;
                else
                    hidden += cells[j].state != TR_CELL_PUBLISHED;
            }
            assert_false(total_published && hidden == 1);
        }
}

static void test_two_way_hand(void **s)
{
    (void)s;
    /* 2 regions x 3 grades, one small cell (region 0, grade 1: 4). Rows first: region 0 also
     * loses its smallest other cell (12, grade 2). Then the columns: grade 1 holds one hidden
     * cell, so region 1's 30 goes; grade 2 holds one, so region 1's 40 goes. Every row and
     * column now hides two cells or none. */
    const int64_t n[] = {20, 4, 12, 11, 30, 40};
    struct tr_cell cells[12];
    const size_t count = two_way(cells, n, 2, 3);
    tr_suppress(cells, count, 10);
    check_protected(cells, count, 10);
    int8_t interior[6];
    for (size_t i = 0; i < count; i++)
        if (cells[i].row >= 0 && cells[i].col >= 0)
            interior[cells[i].row * 3 + cells[i].col] = cells[i].state;
    assert_memory_equal(interior, ((int8_t[]){0, 1, 2, 0, 2, 2}), 6);
}

static void test_two_way_random(void **s)
{
    (void)s;
    srand(7);
    for (int trial = 0; trial < 500; trial++) {
        const int rows = 1 + rand() % 6, cols = 1 + rand() % 8;
        int64_t n[48];
        for (int i = 0; i < rows * cols; i++)
            n[i] = rand() % 4 == 0 ? 0 : rand() % 40;
        struct tr_cell cells[63], again[63];
        const size_t count = two_way(cells, n, rows, cols);
        memcpy(again, cells, sizeof cells);
        tr_suppress(cells, count, 10);
        check_protected(cells, count, 10);
        tr_suppress(again, count, 10); /* deterministic */
        for (size_t i = 0; i < count; i++)
            assert_int_equal(again[i].state, cells[i].state);
    }
}

static void test_psi_pooled(void **s)
{
    (void)s;
    const int64_t reference[] = {100, -1, -1, 200}, now[] = {90, 10, 15, 210};
    /* The two hidden grades held 330 - 300 = 30 when trained; now 25. */
    const double want = tr_psi((int64_t[]){100, 200, 30}, (int64_t[]){90, 210, 25}, 3);
    assert_true(fabs(tr_psi_pooled(reference, now, 4, 330) - want) < 1e-15);
    /* Nothing hidden: plain PSI. */
    const int64_t full[] = {100, 12, 18, 200};
    assert_true(fabs(tr_psi_pooled(full, now, 4, 330) - tr_psi(full, now, 4)) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_way),
        cmocka_unit_test(test_two_way_hand),
        cmocka_unit_test(test_two_way_random),
        cmocka_unit_test(test_psi_pooled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
