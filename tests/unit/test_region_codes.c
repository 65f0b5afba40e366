/* output/region_codes: a region's name as the link name of its group (/models/regions/<name>).
 * By hand: '/', '%' and the name "." escaped, everything else (".." and UTF-8 included) kept,
 * the empty name refused. Round trips: every name of a small alphabet rich in '/', '%', '.' and
 * the escapes' own letters comes back from its link, and every link the inverse accepts is the
 * one its name escapes to (so names and links go one to one). In HDF5: each link makes one
 * group of its own under one parent, never a nested path or the parent itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "output/region_codes.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void expect_link(const char *name, const char *link)
{
    char *got = tr_region_link_name(name);
    assert_non_null(got);
    assert_string_equal(got, link);
    char *back = tr_region_link_unescape(got);
    assert_non_null(back);
    assert_string_equal(back, name);
    free(got), free(back);
}

static void test_by_hand(void **state)
{
    (void)state;
    expect_link("Kilima", "Kilima"); /* a plain name is its own link */
    expect_link("Dar es Salaam", "Dar es Salaam");
    expect_link("Zürich", "Zürich");
    expect_link("/", "%2F");
    expect_link("North/East", "North%2FEast");
    expect_link("//", "%2F%2F");
    expect_link("%", "%25");
    expect_link("100%", "100%25");
    expect_link("%2F", "%252F"); /* not the link of "/" */
    expect_link("%2E", "%252E"); /* not the link of "." */
    expect_link(".", "%2E");
    expect_link("..", ".."); /* HDF5 gives ".." no meaning: kept */
    expect_link("./", ".%2F");
    expect_link("a.b", "a.b");
    assert_null(tr_region_link_name("")); /* no region has it, no link can carry it */
}

static void test_not_links(void **state)
{
    (void)state;
    static const char *const bad[] = {"",    ".",     "a/b",  "%",      "%2",  "%2e", "%2f",
                                      "%41", "a%2Eb", "%2E.", "%2E%2E", "50%", "%%25"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *name = tr_region_link_unescape(bad[k]);
        if (name) fail_msg("'%s' unescaped to '%s': no name escapes to it", bad[k], name);
    }
}

/* The n-th string of the alphabet's strings of length len (base-|alphabet| digits). */
static void nth_string(const char *alphabet, size_t len, unsigned long n, char *out)
{
    const size_t base = strlen(alphabet);
    for (size_t k = 0; k < len; k++, n /= base)
        out[k] = alphabet[n % base];
    out[len] = '\0';
}

static void test_round_trips(void **state)
{
    (void)state;
    static const char alphabet[] = "/%.25FEa"; /* the escapes' bytes and one other */
    char s[8];
    unsigned long names = 0, links = 0, count = 1;
    for (size_t len = 1; len <= 5; len++) {
        count *= sizeof alphabet - 1;
        for (unsigned long n = 0; n < count; n++) {
            nth_string(alphabet, len, n, s);
            char *link = tr_region_link_name(s), *back = tr_region_link_unescape(link);
            assert_non_null(back);
            assert_string_equal(back, s);
            assert_null(strchr(link, '/'));
            assert_string_not_equal(link, ".");
            free(back), free(link), names++;
            char *name = tr_region_link_unescape(s); /* s as a link: its name's, or none */
            if (name) {
                link = tr_region_link_name(name);
                assert_string_equal(link, s);
                free(link), free(name), links++;
            }
        }
    }
    print_message("%lu names round trip; %lu of them are links, each its name's\n", names, links);
}

struct seen {
    size_t n;
    char *link[16];
};

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g, (void)info;
    struct seen *s = data;
    if (s->n == sizeof s->link / sizeof *s->link) return 1; /* more than written: said below */
    s->link[s->n++] = strdup(name);
    return 0;
}

static void test_in_hdf5(void **state)
{
    (void)state;
    static const char *const names[] = {"Kilima", ".", "..", "/", "a/b", "%", "%2F", "%2E", "x y"};
    enum { N = sizeof names / sizeof *names };
    char path[] = "/tmp/test_region_codes_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t parent = H5Gcreate2(f, TR_REGION_GROUPS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0 && parent >= 0);
    for (size_t k = 0; k < N; k++) {
        char *link = tr_region_link_name(names[k]);
        hid_t g = H5Gcreate2(parent, link, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0) fail_msg("'%s' (link '%s'): no group", names[k], link);
        H5Gclose(g);
        free(link);
    }
    struct seen seen = {0};
    hsize_t at = 0;
    assert_true(H5Literate(parent, H5_INDEX_NAME, H5_ITER_INC, &at, collect, &seen) >= 0);
    assert_int_equal(seen.n, N); /* N links, each one name's, in one group */
    for (size_t k = 0; k < seen.n; k++) {
        char *name = tr_region_link_unescape(seen.link[k]);
        assert_non_null(name);
        size_t j = 0;
        while (j < N && strcmp(names[j], name) != 0)
            j++;
        if (j == N) fail_msg("link '%s' stands for '%s', no name written", seen.link[k], name);
        free(name), free(seen.link[k]);
    }
    H5Gclose(parent), H5Fclose(f);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_not_links),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_in_hdf5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
