/* telrisk_main on a communicator: exit codes and a whole small generation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/telrisk.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run(char *text, size_t cap, int argc, char **argv)
{
    FILE *msg = fmemopen(text, cap, "w");
    int rc = telrisk_main(argc, argv, MPI_COMM_SELF, msg);
    fclose(msg);
    return rc;
}

#define RUN(text, ...)                                                                             \
    run(text, sizeof text, (int)(sizeof((char *[]){"telrisk", __VA_ARGS__}) / sizeof(char *)),     \
        (char *[]){"telrisk", __VA_ARGS__, NULL})

static void test_exit_codes(void **state)
{
    (void)state;
    char text[4096] = "";
    assert_int_equal(RUN(text, "--help"), 0);
    assert_non_null(strstr(text, "generate"));
    assert_int_equal(RUN(text, "nonsense"), 1);
    assert_int_equal(RUN(text, "generate", "--out", "/tmp/x"), 1);
    assert_int_equal(RUN(text, "generate", "--config", "/dev/null", "--out", "/tmp/x", "--set",
                         "generate.regions=0"),
                     1);
    assert_non_null(strstr(text, "generate.regions"));
    /* An output folder that cannot be made is an input/output error. */
    assert_int_equal(RUN(text, "generate", "--config", "/dev/null", "--out", "/proc/telrisk/x",
                         "--set", "generate.subscribers=50"),
                     2);
    assert_non_null(strstr(text, "/proc/telrisk/x"));
}

static long file_size(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_small_generation(void **state)
{
    (void)state;
    char dir[] = "/tmp/telrisk_main_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char text[4096] = "";
    assert_int_equal(RUN(text, "generate", "--config", "/dev/null", "--out", dir, "--set",
                         "generate.subscribers=300", "--set", "generate.regions=3", "--set",
                         "generate.days=10"),
                     0);
    assert_non_null(strstr(text, "records/s"));
    const char *files[] = {"cdr.csv",           "recharges.csv",         "mobilemoney.csv",
                           "mobiledata.csv",    "antennas.csv",          "subscribers.csv",
                           "loans.csv",         "sim_swaps.csv",         "truth/defects.csv",
                           "truth/fraud.csv",   "truth/subscribers.csv", "truth/loans.csv",
                           "truth/summary.csv", "truth/planted.csv",     "truth/regions.csv"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++)
        assert_true(file_size(dir, files[k]) > 0);
    assert_true(file_size(dir, "cdr.csv") > 100000);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_small_generation),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
