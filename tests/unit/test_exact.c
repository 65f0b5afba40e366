/* core/exact: order-independent sums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/exact.h"
#include "core/rng.h"

#include <math.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

/* Catastrophic cancellation that floating-point addition gets wrong in one order. */
static void test_cancellation(void **state)
{
    (void)state;
    tr_exact s = {0};
    tr_exact_add(&s, 1e16);
    tr_exact_add(&s, 1.0);
    tr_exact_add(&s, -1e16);
    assert_true(tr_exact_value(&s) == 1.0);
    double naive = 1e16 + 1.0 - 1e16; /* 0 in double arithmetic */
    assert_true(naive != 1.0);
}

static void test_small_values_exact(void **state)
{
    (void)state;
    /* Dyadic values with at most 60 fractional bits are represented exactly. */
    tr_exact s = {0};
    for (int k = 0; k < 1000; k++)
        tr_exact_add(&s, 0.375);
    assert_true(tr_exact_value(&s) == 375.0);
    tr_exact t = {0};
    tr_exact_add(&t, 0x1p-60);
    tr_exact_add(&t, 0x1p-60);
    assert_true(tr_exact_value(&t) == 0x1p-59);
    tr_exact u = {0};
    tr_exact_add(&u, -3.5);
    tr_exact_add(&u, 1.25);
    assert_true(tr_exact_value(&u) == -2.25);
    tr_exact big = {0};
    tr_exact_add(&big, 0x1p61);
    tr_exact_add(&big, 0x1p61);
    assert_true(tr_exact_value(&big) == 0x1p62);
}

static int cmp_dummy(const void *a, const void *b)
{
    uint64_t x = tr_mix64(*(const uint64_t *)a), y = tr_mix64(*(const uint64_t *)b);
    return x < y ? -1 : x > y;
}

/* A million values of mixed sign and magnitude summed in two orders: the same bits, and close
 * to a compensated long-double sum. */
static void test_order_independent(void **state)
{
    (void)state;
    const int n = 1000000;
    double *v = malloc(sizeof *v * n);
    uint64_t *idx = malloc(sizeof *idx * n);
    for (int k = 0; k < n; k++) {
        double u = tr_unit(tr_mix64((uint64_t)k)), w = tr_unit(tr_mix64((uint64_t)k + n));
        v[k] = (u - 0.5) * pow(10.0, 12 * w - 6);
        idx[k] = (uint64_t)k;
    }
    qsort(idx, (size_t)n, sizeof *idx, cmp_dummy); /* a fixed shuffle */
    tr_exact a = {0}, b = {0};
    long double reference = 0, c = 0;
    for (int k = 0; k < n; k++) {
        tr_exact_add(&a, v[k]);
        tr_exact_add(&b, v[idx[k]]);
        long double y = (long double)v[k] - c, t = reference + y;
        c = (t - reference) - y;
        reference = t;
    }
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(fabsl((long double)tr_exact_value(&a) - reference) <=
                1e-12L * fabsl(reference) + 1e-9L);
    free(v);
    free(idx);
}

static void test_allreduce_self(void **state)
{
    (void)state;
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_SELF, stderr);
    tr_exact s[2] = {{0}, {0}};
    tr_exact_add(&s[0], 2.5);
    tr_exact_add(&s[1], -7.0);
    tr_exact_allreduce(&ctx, s, 2);
    assert_true(tr_exact_value(&s[0]) == 2.5 && tr_exact_value(&s[1]) == -7.0);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancellation),
        cmocka_unit_test(test_small_values_exact),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_allreduce_self),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
