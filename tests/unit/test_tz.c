/* core/tz.c: a zone's UTC offsets read once from the tz database, exact to the second at its
 * transitions. The expected offsets are Python's zoneinfo's (its own TZif reader), for the 2024
 * changes of Europe/Berlin, America/New_York and Australia/Lord_Howe (a half-hour change), and
 * Africa/Dar_es_Salaam (UTC+3, no change); names that are no zone are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/tz.h"

#include <string.h>

static int64_t offset(const char *name, int64_t t)
{
    struct tr_tz z;
    char err[256];
    assert_int_equal(tr_tz_load(&z, name, err, sizeof err), 0);
    const int64_t off = tr_tz_local(&z, t) - t;
    tr_tz_free(&z);
    return off;
}

static void test_utc(void **state)
{
    (void)state;
    assert_int_equal(tr_tz_local(NULL, 1711846800), 1711846800);
    assert_int_equal(offset("UTC", 0), 0);
    assert_int_equal(offset("UTC", 1711846800), 0);
}

/* The second before each change and the second of it. */
static void test_transitions(void **state)
{
    (void)state;
    assert_int_equal(offset("Europe/Berlin", 1711846799), 3600);
    assert_int_equal(offset("Europe/Berlin", 1711846800), 7200);
    assert_int_equal(offset("Europe/Berlin", 1729990799), 7200);
    assert_int_equal(offset("Europe/Berlin", 1729990800), 3600);
    assert_int_equal(offset("America/New_York", 1710053999), -18000);
    assert_int_equal(offset("America/New_York", 1710054000), -14400);
    assert_int_equal(offset("America/New_York", 1730613599), -14400);
    assert_int_equal(offset("America/New_York", 1730613600), -18000);
    assert_int_equal(offset("Australia/Lord_Howe", 1712415599), 39600);
    assert_int_equal(offset("Australia/Lord_Howe", 1712415600), 37800);
}

static void test_no_change(void **state)
{
    (void)state;
    struct tr_tz z;
    char err[256];
    assert_int_equal(tr_tz_load(&z, "Africa/Dar_es_Salaam", err, sizeof err), 0);
    assert_int_equal(z.n, 1); /* UTC+3 since before 1970 */
    assert_int_equal(tr_tz_local(&z, 0), 10800);
    assert_int_equal(tr_tz_local(&z, 1577836800) - 1577836800, 10800);
    assert_int_equal(tr_tz_local(&z, 4102444799) - 4102444799, 10800);
    tr_tz_free(&z);
}

static void test_not_a_zone(void **state)
{
    (void)state;
    static const char *const bad[] = {"Mars/Olympus_Mons",   "",       "/etc/passwd",
                                      "../zoneinfo/UTC",     "Europe", "UTC+3",
                                      "Africa/Dar es Salaam"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct tr_tz z;
        char err[256] = "";
        assert_int_equal(tr_tz_load(&z, bad[k], err, sizeof err), 1);
        assert_non_null(strstr(err, "no time zone"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utc),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_no_change),
        cmocka_unit_test(test_not_a_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
