/* stress/scenario: the shipped regulatory file and hand-made ones: z per region from a direct
 * shock, a region's override, or macro shocks through the satellite coefficients; errors name
 * the file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stress/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/telrisk_scenario_%d.ini", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_shipped_file(void **state)
{
    (void)state;
    struct tr_scenarios all;
    char err[512] = "";
    if (tr_scenarios_load(TELRISK_SOURCE_DIR "/inputs/scenarios/regulatory.ini", &all, err,
                          sizeof err))
        fail_msg("%s", err);
    assert_int_equal(all.n, 3);
    const struct tr_scenario *base = tr_scenario_find(&all, "baseline");
    const struct tr_scenario *adverse = tr_scenario_find(&all, "adverse");
    const struct tr_scenario *severe = tr_scenario_find(&all, "severely_adverse");
    assert_non_null(base), assert_non_null(adverse), assert_non_null(severe);
    assert_true(tr_scenario_z(&all, base, "Pwani") == 0);
    /* 0.35 x (-2.0) + (-0.40) x 1.5 = -1.3 */
    assert_true(fabs(tr_scenario_z(&all, adverse, "Kilima") - -1.3) < 1e-12);
    assert_int_equal(adverse->horizon_years, 2);
    assert_true(tr_scenario_z(&all, severe, "Kilima") == -2.5);
    assert_true(tr_scenario_z(&all, severe, "Pwani") == -3.0); /* the region's own shock */
    assert_int_equal(severe->horizon_years, 3);
    assert_null(tr_scenario_find(&all, "apocalypse"));
}

static void test_overrides_and_macro(void **state)
{
    (void)state;
    const char *path = write_temp("[satellite]\ngdp = 0.5\nunemployment = -0.2\n"
                                  "[scenario mixed]\ngdp = -1\ngdp.North = -4\nz.South = -2\n");
    struct tr_scenarios all;
    char err[512] = "";
    if (tr_scenarios_load(path, &all, err, sizeof err)) fail_msg("%s", err);
    const struct tr_scenario *s = tr_scenario_find(&all, "mixed");
    assert_true(fabs(tr_scenario_z(&all, s, "East") - -0.5) < 1e-12);  /* 0.5 x -1 */
    assert_true(fabs(tr_scenario_z(&all, s, "North") - -2.0) < 1e-12); /* 0.5 x -4 */
    assert_true(tr_scenario_z(&all, s, "South") == -2.0);              /* direct z wins */
    assert_int_equal(s->horizon_years, 1);
    remove(path);
}

static void expect_error(const char *text, const char *want)
{
    const char *path = write_temp(text);
    struct tr_scenarios all;
    char err[512] = "";
    assert_int_equal(tr_scenarios_load(path, &all, err, sizeof err), 1);
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
    assert_non_null(strstr(err, path));
    remove(path);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("[scenario a]\nz = x\n", "line 2: z = 'x': expected a number");
    expect_error("[scenario a]\nz = 1\nhorizon_years = 5\n", "line 3: horizon_years = 5");
    expect_error("[scenario a]\nwind = 1\n", "line 2: wind: expected z, gdp, unemployment");
    expect_error("[weather]\nz = 1\n", "line 2: section [weather]");
    expect_error("[satellite]\ngdp = 1\n", "no [scenario NAME] section");
    struct tr_scenarios all;
    char err[512];
    assert_int_equal(tr_scenarios_load("/nonexistent/s.ini", &all, err, sizeof err), 1);
    assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_file),
        cmocka_unit_test(test_overrides_and_macro),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
