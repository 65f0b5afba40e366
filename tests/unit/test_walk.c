/* The PD walk (model/walk.h) on a hand-worked case, and its suppression (present/walk.h).
 *
 * One model for all (two regions, none of their own): standardised features, mean 0 and sd 1, so
 * log-odds = x1 + 2 x2 and PD = s(x1 + 2 x2), s the logistic function. Run A: subscriber 1
 * (region 0, x = (0, 0)), 2 (region 0, x = (1, 0)), 3 (region 1, x = (0, 0)); run B: 2 (region 0,
 * x = (2, 0.5), B's PD 0.9, calibrated 0.95), 3 (moved to region 0, x = (0, 0), 0.4), 4 (new,
 * region 1, x = (-1, 0), 0.3). Region 0 by hand: S0 = (s(0) + s(1)) / 2, S1 = (s(1) + s(0)) / 2
 * (2 stays with A's PD, 3 came in: A's model on its behaviour now), so mix = 0; S2 = (s(3) +
 * s(0)) / 2, behaviour = (s(3) - s(1)) / 2, split evenly between x1 and x2 (each moved the
 * log-odds by 1); S3 = (0.9 + 0.4) / 2 = 0.65; overlay = (0.675 - 0.65) - 0 = 0.025. */
#include "model/walk.h"
#include "output/suppress.h"
#include "present/walk.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static double s(double x)
{
    return 1 / (1 + exp(-x));
}

struct fixture {
    struct tr_models m;
    struct tr_bins bins[2];
    double mean[2], sd[2], beta[3];
    int used[2];
    struct tr_model regions[2];
    char *names[2];
};

static void model_of(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->sd[0] = f->sd[1] = 1;
    f->beta[1] = 1, f->beta[2] = 2;
    f->used[0] = 0, f->used[1] = 1;
    f->names[0] = "x1", f->names[1] = "x2";
    f->m = (struct tr_models){.transform = TR_TRANSFORM_STANDARDIZE,
                              .n_features = 2,
                              .names = f->names,
                              .bins = f->bins,
                              .mean = f->mean,
                              .sd = f->sd,
                              .n_used = 2,
                              .used = f->used,
                              .n_regions = 2,
                              .regions = f->regions};
    f->m.national.fit = (struct tr_logit_fit){.p = 3, .beta = f->beta};
}

static const uint64_t key_a[3] = {1, 2, 3}, key_b[3] = {2, 3, 4};
static const int32_t region_a[3] = {0, 0, 1}, region_b[3] = {0, 0, 1};
static const double x_a[6] = {0, 0, 1, 0, 0, 0}, x_b[6] = {2, 0.5, 0, 0, -1, 0};
static const double final_b[3] = {0.95, 0.4, 0.3}, pd_b[3] = {0.9, 0.4, 0.3};

static void walk_of(struct fixture *f, struct tr_walk *w)
{
    model_of(f);
    const double pd_a[3] = {s(0), s(1), s(0)};
    const struct tr_walk_run a = {
        .n = 3, .key = key_a, .region = region_a, .values = x_a, .pd = pd_a, .pd_final = pd_a};
    const struct tr_walk_run b = {
        .n = 3, .key = key_b, .region = region_b, .values = x_b, .pd = pd_b, .pd_final = final_b};
    tr_walk_compute(&f->m, &a, &b, w);
}

static void test_hand_worked(void **state)
{
    (void)state;
    struct fixture f;
    struct tr_walk w;
    walk_of(&f, &w);
    const struct tr_walk_row *r0 = &w.rows[0], *r1 = &w.rows[1], *all = &w.rows[2];
    assert_int_equal(r0->before, 2), assert_int_equal(r0->after, 2);
    assert_int_equal(r0->stayers, 1); /* 3 moved: a newcomer of region 0 */
    assert_true(fabs(r0->part[TR_WALK_MIX]) < 1e-16);
    assert_true(fabs(r0->part[TR_WALK_BEHAVIOUR] - (s(3) - s(1)) / 2) < 1e-15);
    assert_true(fabs(r0->part[TR_WALK_MODEL] - (0.65 - (s(3) + s(0)) / 2)) < 1e-15);
    assert_true(fabs(r0->part[TR_WALK_OVERLAY] - 0.025) < 1e-15);
    assert_true(fabs(r0->feature[0] - (s(3) - s(1)) / 4) < 1e-15); /* x1: half the move */
    assert_true(fabs(r0->feature[1] - (s(3) - s(1)) / 4) < 1e-15); /* x2: the other half */
    assert_true(r0->feature[2] == 0);                              /* nothing left over */
    /* Region 1: 3 left, 4 came: all mix and model. */
    assert_int_equal(r1->stayers, 0);
    assert_true(fabs(r1->part[TR_WALK_MIX] - (s(-1) - 0.5)) < 1e-15);
    assert_true(r1->part[TR_WALK_BEHAVIOUR] == 0);
    assert_true(fabs(r1->part[TR_WALK_MODEL] - (0.3 - s(-1))) < 1e-15);
    /* All regions: 3 changed region, so it is not a stayer there either. */
    assert_int_equal(all->stayers, 1);
    assert_true(fabs(all->part[TR_WALK_MIX] - (s(-1) - s(0)) / 3) < 1e-15);
    for (int r = 0; r < 3; r++) {
        const struct tr_walk_row *row = &w.rows[r];
        double parts = 0;
        for (int p = 0; p < TR_WALK_PARTS; p++)
            parts += row->part[p];
        assert_true(fabs(parts - (row->mean_after - row->mean_before)) < 1e-15);
    }
    tr_walk_free(&w);
}

/* Suppression reads the counts only: they are set here. */
static void counts(struct tr_walk *w, int r, int64_t before, int64_t after, int64_t stayers)
{
    w->rows[r].before = before, w->rows[r].after = after, w->rows[r].stayers = stayers;
}

static void test_suppression(void **state)
{
    (void)state;
    struct fixture f;
    struct tr_walk w;
    walk_of(&f, &w);
    int8_t st[3];
    tr_walk_suppression(&w, 2, st); /* one stayer in region 0 and in all: one person's move */
    assert_int_equal(st[0], TR_CELL_SMALL);
    assert_int_equal(st[1], TR_CELL_SMALL);
    assert_int_equal(st[2], TR_CELL_SMALL);
    tr_walk_suppression(&w, 1, st); /* k_min 1: nothing is small */
    assert_int_equal(st[0] + st[1] + st[2], 0);
    /* Region 1 of one subscriber who stayed: small; region 0 would follow from the totals. */
    counts(&w, 0, 5, 5, 5), counts(&w, 1, 1, 1, 1), counts(&w, 2, 6, 6, 6);
    tr_walk_suppression(&w, 2, st);
    assert_int_equal(st[1], TR_CELL_SMALL);
    assert_int_equal(st[0], TR_CELL_COMPLEMENT);
    assert_int_equal(st[2], TR_CELL_PUBLISHED);
    /* A small unknown region (counted in all, shown nowhere) needs a region hidden with it. */
    counts(&w, 1, 9, 9, 9), counts(&w, 2, 15, 15, 14);
    w.unknown_before = w.unknown_after = 1;
    tr_walk_suppression(&w, 2, st);
    assert_int_equal(st[2], TR_CELL_SMALL); /* all: 1 newcomer and 1 leaver (the unknown one) */
    counts(&w, 2, 15, 15, 15);
    tr_walk_suppression(&w, 2, st);
    assert_int_equal(st[0], TR_CELL_COMPLEMENT); /* the smaller region, 5, hides with it */
    assert_int_equal(st[1], TR_CELL_PUBLISHED);
    assert_int_equal(st[2], TR_CELL_PUBLISHED);
    /* Leavers few: 5 before, 3 stayed, 2 left. */
    counts(&w, 0, 5, 3, 3), counts(&w, 1, 10, 10, 10), counts(&w, 2, 16, 14, 14);
    w.unknown_before = w.unknown_after = 0;
    tr_walk_suppression(&w, 3, st);
    assert_int_equal(st[0], TR_CELL_SMALL);
    tr_walk_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_suppression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
