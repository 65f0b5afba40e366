/* generate/: the country, its people, the contact graph and mobility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "generate/mobility.h"
#include "generate/person.h"
#include "generate/social.h"
#include "generate/world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct tr_config cfg;
static struct tr_world world;

static int setup(void **state)
{
    (void)state;
    tr_config_defaults(&cfg);
    cfg.generate.subscribers = 20000;
    tr_world_build(&world, &cfg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tr_world_free(&world);
    return 0;
}

static void test_regions_partition_subscribers(void **state)
{
    (void)state;
    int64_t next = 0, smallest = INT64_MAX, largest = 0;
    double share = 0;
    for (int r = 0; r < world.n_regions; r++) {
        const struct tr_region *g = &world.regions[r];
        assert_int_equal(g->first_subscriber, next);
        assert_true(g->subscribers >= 1);
        next += g->subscribers;
        smallest = g->subscribers < smallest ? g->subscribers : smallest;
        largest = g->subscribers > largest ? g->subscribers : largest;
        share += g->population_share;
        assert_int_equal(tr_world_region_of(&world, g->first_subscriber), r);
        assert_int_equal(tr_world_region_of(&world, g->first_subscriber + g->subscribers - 1), r);
    }
    assert_int_equal(next, world.subscribers);
    assert_true(fabs(share - 1) < 1e-12);
    assert_true(largest >= 8 * smallest); /* very different sizes */
}

static void test_antennas_cluster_in_their_region(void **state)
{
    (void)state;
    for (int r = 0; r < world.n_regions; r++) {
        const struct tr_region *g = &world.regions[r];
        int near_centre = 0;
        for (int32_t a = g->first_antenna; a < g->first_antenna + g->antennas; a++) {
            assert_int_equal(world.antennas[a].region, r);
            double km =
                tr_haversine_km(g->lat, g->lon, world.antennas[a].lat, world.antennas[a].lon);
            near_centre += km < 25;
        }
        assert_true(near_centre >= g->antennas / 2); /* the city cluster */
    }
}

/* Neighbour lists against brute force, for a sample of antennas. */
static void test_neighbours_are_nearest(void **state)
{
    (void)state;
    for (int32_t a = 0; a < world.n_antennas; a += 17) {
        const struct tr_antenna *an = &world.antennas[a];
        for (int k = 1; k < TR_NEIGHBOURS; k++)
            assert_true(an->neighbour_km[k - 1] <= an->neighbour_km[k]);
        int closer = 0;
        for (int32_t b = 0; b < world.n_antennas; b++)
            if (b != a && tr_antenna_km(&world, a, b) < an->neighbour_km[TR_NEIGHBOURS - 1] - 1e-3)
                closer++;
        assert_true(closer <= TR_NEIGHBOURS);
        assert_true(fabs(an->neighbour_km[0] - tr_antenna_km(&world, a, an->neighbour[0])) < 1e-3);
    }
}

static void test_haversine(void **state)
{
    (void)state;
    /* One degree of latitude on a 6371 km sphere, and a quarter of the equator. */
    assert_true(fabs(tr_haversine_km(0, 0, 1, 0) - 6371 * M_PI / 180) < 1e-9);
    assert_true(fabs(tr_haversine_km(0, 0, 0, 90) - 6371 * M_PI / 2) < 1e-9);
    assert_true(tr_haversine_km(-6.8, 39.28, -6.8, 39.28) == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_msisdn_is_a_bijection(void **state)
{
    (void)state;
    const int n = 200000;
    char(*ids)[13] = malloc(sizeof *ids * n);
    for (int i = 0; i < n; i++) {
        tr_msisdn(i * 499 + 3, ids[i]); /* spread over a large index range */
        assert_int_equal(strlen(ids[i]), 12);
        assert_memory_equal(ids[i], "255", 3);
    }
    qsort(ids, n, sizeof *ids, cmp_str);
    for (int i = 1; i < n; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) != 0);
    free(ids);
}

static void test_person_is_a_pure_function(void **state)
{
    (void)state;
    struct tr_person a, b;
    tr_person_make(&world, 1234, &a);
    tr_person_make(&world, 99, &b);
    tr_person_make(&world, 1234, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.pd > 0 && a.pd < 1);
    assert_int_equal(world.antennas[a.home].region, a.region);
}

/* Planted kinds arrive at their configured rates (binomial, 5 sigma) and PD falls with income. */
static void test_kind_rates_and_pd_signal(void **state)
{
    (void)state;
    int64_t count[TR_KIND_COUNT] = {0};
    double pd_low = 0, pd_high = 0;
    int n_low = 0, n_high = 0, wallets = 0;
    for (int64_t i = 0; i < world.subscribers; i++) {
        struct tr_person p;
        tr_person_make(&world, i, &p);
        count[p.kind]++;
        wallets += p.wallet;
        if (p.z_income < -1) pd_low += p.pd, n_low++;
        if (p.z_income > 1) pd_high += p.pd, n_high++;
    }
    const double n = (double)world.subscribers, simbox = cfg.generate.simbox_rate;
    assert_true(fabs((double)count[TR_KIND_SIMBOX] - n * simbox) < 5 * sqrt(n * simbox) + 1);
    assert_true(wallets > 0.6 * n && wallets < 0.85 * n);
    assert_true(pd_low / n_low > 2 * pd_high / n_high);
}

static int has_contact(const struct tr_contact *c, int n, int64_t j, double *w)
{
    for (int k = 0; k < n; k++)
        if (c[k].index == j) {
            *w = c[k].weight;
            return 1;
        }
    return 0;
}

/* Either end sees the same edge with the same weight; no one is their own contact; most
 * contacts live in the same region. */
static void test_contact_graph_is_symmetric(void **state)
{
    (void)state;
    struct tr_contact ci[TR_MAX_CONTACTS], cj[TR_MAX_CONTACTS];
    int64_t edges = 0, same_region = 0;
    for (int64_t i = 0; i < world.subscribers; i += 7) {
        int n = tr_contacts(&world, i, ci);
        for (int k = 0; k < n; k++) {
            int64_t j = ci[k].index;
            assert_true(j != i && j >= 0 && j < world.subscribers);
            for (int q = 0; q < k; q++)
                assert_true(ci[q].index != j);
            int m = tr_contacts(&world, j, cj);
            double w = 0;
            assert_true(has_contact(cj, m, i, &w));
            assert_true(w == ci[k].weight);
            edges++;
            same_region += tr_world_region_of(&world, i) == tr_world_region_of(&world, j);
        }
    }
    assert_true(edges > 0);
    assert_true(same_region > 0.8 * (double)edges);
}

static void test_location_is_deterministic_and_local(void **state)
{
    (void)state;
    int at_home_at_night = 0, nights = 0;
    for (int64_t i = 0; i < 2000; i++) {
        struct tr_person p;
        tr_person_make(&world, i, &p);
        for (int d = 0; d < 5; d++) {
            int64_t t = world.start_epoch + d * 86400 + 2 * 3600; /* 02:00 */
            uint64_t key = (uint64_t)(i * 31 + d);
            int32_t a = tr_location(&world, &p, t, key);
            assert_int_equal(a, tr_location(&world, &p, t, key));
            assert_true(a >= 0 && a < world.n_antennas);
            at_home_at_night += a == p.home;
            nights++;
        }
    }
    assert_true(at_home_at_night > 0.6 * nights);
}

static void test_far_antenna(void **state)
{
    (void)state;
    for (int32_t a = 0; a < world.n_antennas; a += 13) {
        int32_t b = tr_far_antenna(&world, a, 400, (uint64_t)a);
        assert_true(tr_antenna_km(&world, a, b) >= 400);
    }
}

static void test_second_of_day_rhythm(void **state)
{
    (void)state;
    double total = 0;
    for (int h = 0; h < 24; h++)
        total += tr_hour_weight[h];
    assert_true(fabs(total - 1) < 1e-9);
    assert_true(tr_hour_weight[3] < tr_hour_weight[19] / 10); /* night trough, evening peak */
    assert_int_equal(tr_second_of_day(0, 0), 0);
    assert_true(tr_second_of_day(0.999999, 0.999999) < 86400);
    assert_true(tr_second_of_day(0.999999, 0) >= 23 * 3600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions_partition_subscribers),
        cmocka_unit_test(test_antennas_cluster_in_their_region),
        cmocka_unit_test(test_neighbours_are_nearest),
        cmocka_unit_test(test_haversine),
        cmocka_unit_test(test_msisdn_is_a_bijection),
        cmocka_unit_test(test_person_is_a_pure_function),
        cmocka_unit_test(test_kind_rates_and_pd_signal),
        cmocka_unit_test(test_contact_graph_is_symmetric),
        cmocka_unit_test(test_location_is_deterministic_and_local),
        cmocka_unit_test(test_far_antenna),
        cmocka_unit_test(test_second_of_day_rhythm),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
