/* cli/: commands and options from the tables, errors, generated help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGV(...) ((char *[]){"telrisk", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"telrisk", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(args, err, ...)                                                                      \
    tr_cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), args, err, sizeof err)

static void test_generate_options(void **state)
{
    (void)state;
    struct tr_cli_args a;
    char err[256] = "";
    assert_int_equal(PARSE(&a, err, "generate", "--config", "c.ini", "--out=d", "--set",
                           "run.seed=1", "--set=generate.days=7", "--quiet"),
                     0);
    assert_string_equal(a.command->name, "generate");
    assert_string_equal(a.config_path, "c.ini");
    assert_string_equal(a.out_dir, "d");
    assert_int_equal(a.n_sets, 2);
    assert_string_equal(a.sets[0], "run.seed=1");
    assert_string_equal(a.sets[1], "generate.days=7");
    assert_int_equal(a.quiet, 1);
    assert_int_equal(tr_cli_validate(&a, err, sizeof err), 0);
}

static void test_errors(void **state)
{
    (void)state;
    struct tr_cli_args a;
    char err[256] = "";
    assert_int_equal(PARSE(&a, err, "frobnicate"), 1);
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    assert_int_equal(PARSE(&a, err, "generate", "--cofnig", "x"), 1);
    assert_non_null(strstr(err, "unknown option '--cofnig'"));
    assert_int_equal(PARSE(&a, err, "generate", "--config"), 1);
    assert_non_null(strstr(err, "needs a value FILE"));
    assert_int_equal(PARSE(&a, err, "generate", "--quiet=yes"), 1);
    assert_non_null(strstr(err, "takes no value"));
    assert_int_equal(PARSE(&a, err, "config", "--out", "d"), 1); /* not an option of config */
    assert_int_equal(PARSE(&a, err, "generate", "--config", "c.ini"), 0);
    assert_int_equal(tr_cli_validate(&a, err, sizeof err), 1);
    assert_non_null(strstr(err, "--out PATH is required"));
    assert_int_equal(
        PARSE(&a, err, "generate", "--config", "c", "--out", "d", "--quiet", "--verbose"), 0);
    assert_int_equal(tr_cli_validate(&a, err, sizeof err), 1);
}

static void test_help_lists_every_option(void **state)
{
    (void)state;
    struct tr_cli_args a;
    char err[256] = "";
    assert_int_equal(PARSE(&a, err, "generate", "--help"), 0);
    assert_int_equal(a.help, 1);
    assert_int_equal(tr_cli_validate(&a, err, sizeof err), 0); /* help needs nothing else */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tr_cli_print_help(f, a.command);
    fclose(f);
    const char *want[] = {"usage: telrisk generate",
                          "--config FILE",
                          "--out DIR",
                          "--set SECTION.KEY=VALUE",
                          "--quiet",
                          "--verbose",
                          "--help",
                          "(required)"};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        assert_non_null(strstr(text, want[k]));
    free(text);
    assert_int_equal(PARSE(&a, err, "--help"), 0);
    assert_null(a.command);
    f = open_memstream(&text, &len);
    tr_cli_print_help(f, NULL);
    fclose(f);
    assert_non_null(strstr(text, "generate"));
    assert_non_null(strstr(text, "config"));
    assert_non_null(strstr(text, "Exit codes"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_options),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_help_lists_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
