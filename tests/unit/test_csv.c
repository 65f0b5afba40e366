/* io/csv: the raw-line checks, the tokenizer and the field parsers of docs/formats.md (timestamps,
 * dates, fixed-point money, doubles). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ tr_line_precheck */

static void test_precheck_length_limit(void **state)
{
    (void)state;
    char *line = malloc(TR_MAX_LINE + 2);
    memset(line, 'a', TR_MAX_LINE + 2);
    /* 4,096 bytes is the longest line accepted; one more is too long. */
    assert_int_equal(tr_line_precheck(line, TR_MAX_LINE), TR_ACCEPT);
    assert_int_equal(tr_line_precheck(line, TR_MAX_LINE + 1), TR_R_LINE_TOO_LONG);
    /* Too long wins over a NUL and a quote (first reason in the list). */
    line[5] = 0;
    line[6] = '"';
    assert_int_equal(tr_line_precheck(line, TR_MAX_LINE + 1), TR_R_LINE_TOO_LONG);
    assert_int_equal(tr_line_precheck(line, TR_MAX_LINE), TR_R_NUL_BYTE);
    free(line);
}

static void test_precheck_nul_and_quote(void **state)
{
    (void)state;
    assert_int_equal(tr_line_precheck("a,b,c", 5), TR_ACCEPT);
    assert_int_equal(tr_line_precheck("", 0), TR_ACCEPT);
    assert_int_equal(tr_line_precheck("a,\0,c", 5), TR_R_NUL_BYTE);
    /* The NUL is found even as the last byte. */
    assert_int_equal(tr_line_precheck("abcd\0", 5), TR_R_NUL_BYTE);
    assert_int_equal(tr_line_precheck("a,\"b\",c", 7), TR_R_STRAY_QUOTE);
    assert_int_equal(tr_line_precheck("abc\"", 4), TR_R_STRAY_QUOTE);
    /* NUL comes before stray_quote in the list, wherever each sits in the line. */
    assert_int_equal(tr_line_precheck("\"abc\0", 5), TR_R_NUL_BYTE);
    /* Only len bytes are looked at: a quote after them does not count. */
    assert_int_equal(tr_line_precheck("abc\"", 3), TR_ACCEPT);
    /* A single quote is not a double quote. */
    assert_int_equal(tr_line_precheck("O'Brien", 7), TR_ACCEPT);
}

static void test_reason_names(void **state)
{
    (void)state;
    /* The names are what the run file stores: the list order of docs/formats.md. */
    const char *want[TR_R_COUNT] = {"accepted",
                                    "line_too_long",
                                    "nul_byte",
                                    "stray_quote",
                                    "missing_field",
                                    "extra_field",
                                    "unknown_txn_type",
                                    "bad_timestamp",
                                    "bad_number",
                                    "negative_value",
                                    "bad_value",
                                    "bad_encoding",
                                    "inconsistent_fields",
                                    "bad_schedule",
                                    "out_of_window",
                                    "conflicting_duplicate",
                                    "unknown_loan",
                                    "before_issue",
                                    "after_cut"};
    for (int r = 0; r < TR_R_COUNT; r++)
        assert_string_equal(tr_reason_names[r], want[r]);
}

/* ------------------------------------------------------------------ tr_split */

static void expect_field(const struct tr_fields *f, int k, const char *want)
{
    assert_true(k < f->n);
    assert_int_equal(f->len[k], strlen(want));
    assert_memory_equal(f->p[k], want, f->len[k]);
}

static void test_split_basic_and_empty(void **state)
{
    (void)state;
    struct tr_fields f;
    const char *line = "call,A1,B2";
    tr_split(line, strlen(line), &f);
    assert_int_equal(f.n, 3);
    expect_field(&f, 0, "call");
    expect_field(&f, 1, "A1");
    expect_field(&f, 2, "B2");
    assert_ptr_equal(f.p[0], line); /* views into the line, no copies */
    assert_ptr_equal(f.p[2], line + 8);

    /* Empty fields anywhere, and an empty line is one empty field. */
    tr_split(",,x,", 4, &f);
    assert_int_equal(f.n, 4);
    expect_field(&f, 0, "");
    expect_field(&f, 1, "");
    expect_field(&f, 2, "x");
    expect_field(&f, 3, ""); /* a trailing comma makes one more (empty) field */
    tr_split("", 0, &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.len[0], 0);
    tr_split(",", 1, &f);
    assert_int_equal(f.n, 2);

    /* Only len bytes are split. */
    tr_split("a,b,c", 3, &f);
    assert_int_equal(f.n, 2);
    expect_field(&f, 1, "b");
}

static void test_split_field_limit(void **state)
{
    (void)state;
    struct tr_fields f;
    char line[8 * TR_MAX_FIELDS + 64];
    /* TR_MAX_FIELDS fields exactly: all kept. */
    size_t n = 0;
    for (int k = 0; k < TR_MAX_FIELDS; k++)
        n += (size_t)sprintf(line + n, "%s%d", k ? "," : "", k);
    tr_split(line, n, &f);
    assert_int_equal(f.n, TR_MAX_FIELDS);
    char last[16];
    snprintf(last, sizeof last, "%d", TR_MAX_FIELDS - 1);
    expect_field(&f, TR_MAX_FIELDS - 1, last);
    /* One more (even an empty one from a trailing comma) is flagged as TR_MAX_FIELDS + 1. */
    line[n] = ',';
    tr_split(line, n + 1, &f);
    assert_int_equal(f.n, TR_MAX_FIELDS + 1);
    n += (size_t)sprintf(line + n, ",32,33,34");
    tr_split(line, n, &f);
    assert_int_equal(f.n, TR_MAX_FIELDS + 1);
}

/* ------------------------------------------------------------------ timestamps and dates */

static int ts(const char *s, int64_t *t)
{
    return tr_parse_timestamp(s, strlen(s), t);
}

/* The one-pass tokenizer against the two-step reference (tr_line_precheck, then tr_split) on
 * random lines over a small alphabet (commas, NULs, quotes, letters), of every length from 0 to
 * 70 and a few long ones, the field limit crossed, and lines whose NUL or quote comes after it. */
static void test_split_checked_matches(void **state)
{
    (void)state;
    static const char alphabet[] = {',', ',', ',', 'a', 'b', '7', '"', '\0'};
    static char line[TR_MAX_LINE + 16];
    static struct tr_fields want, got;
    uint64_t x = 12345;
    for (int trial = 0; trial < 20000; trial++) {
        size_t len = trial < 10000 ? (size_t)(trial % 71) : (size_t)(trial % 7) * 300 + 3;
        for (size_t k = 0; k < len; k++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            /* mostly plain bytes, so that most lines pass the checks */
            const unsigned r = (unsigned)(x >> 59);
            line[k] = r < 20 ? alphabet[3 + r % 3] : alphabet[r % 8];
        }
        if (trial % 5 == 0) /* no NUL or quote at all */
            for (size_t k = 0; k < len; k++)
                if (line[k] == 0 || line[k] == '"') line[k] = 'z';
        enum tr_reason r_want = tr_line_precheck(line, len);
        if (r_want == TR_ACCEPT) tr_split(line, len, &want);
        const enum tr_reason r_got = tr_split_checked(line, len, &got);
        assert_int_equal(r_got, r_want);
        if (r_want != TR_ACCEPT) continue;
        assert_int_equal(got.n, want.n);
        for (int k = 0; k < got.n && k < TR_MAX_FIELDS; k++) {
            assert_ptr_equal(got.p[k], want.p[k]);
            assert_int_equal(got.len[k], want.len[k]);
        }
    }
    /* Over the field limit, then a NUL and a quote further on: the NUL is the reason. */
    memset(line, ',', 600);
    line[590] = '"', line[595] = 0;
    assert_int_equal(tr_split_checked(line, 600, &got), TR_R_NUL_BYTE);
    line[595] = ',';
    assert_int_equal(tr_split_checked(line, 600, &got), TR_R_STRAY_QUOTE);
    line[590] = ',';
    assert_int_equal(tr_split_checked(line, 600, &got), TR_ACCEPT);
    assert_int_equal(got.n, TR_MAX_FIELDS + 1);
    assert_int_equal(tr_split_checked(line, TR_MAX_LINE + 1, &got), TR_R_LINE_TOO_LONG);
}

static void test_timestamp_exact_values(void **state)
{
    (void)state;
    int64_t t = -7;
    assert_int_equal(ts("1970-01-01 00:00:00", &t), 0);
    assert_true(t == 0);
    assert_int_equal(ts("2020-01-01 00:00:00", &t), 0);
    assert_true(t == 1577836800);
    assert_int_equal(ts("2020-02-29 12:34:56", &t), 0); /* 2020 is a leap year */
    assert_true(t == 1582934400 + 12 * 3600 + 34 * 60 + 56);
    assert_int_equal(ts("2020-03-01 00:00:00", &t), 0);
    assert_true(t == 1582934400 + 86400);
    assert_int_equal(ts("2000-02-29 23:59:59", &t), 0); /* divisible by 400: leap */
    assert_true(t == 951868799);
    assert_int_equal(ts("2038-01-19 03:14:08", &t), 0); /* past 32-bit time */
    assert_true(t == 2147483648LL);
    assert_int_equal(ts("9999-12-31 23:59:59", &t), 0);
    assert_true(t == 253402300799LL);
}

static void test_timestamp_rejects(void **state)
{
    (void)state;
    int64_t t = 12345;
    const char *bad[] = {
        "2019-02-29 00:00:00", /* 2019 is not a leap year */
        "1900-02-29 00:00:00", /* before 1970, and not a leap year either */
        "2100-02-29 00:00:00", /* divisible by 100, not 400 */
        "2020-04-31 00:00:00", /* April has 30 days */
        "2020-01-32 00:00:00",
        "2020-01-00 00:00:00",
        "2020-13-01 00:00:00",
        "2020-00-01 00:00:00",
        "2020-01-01 24:00:00", /* hours 00-23 */
        "2020-01-01 12:60:00", /* minutes 00-59 */
        "2020-01-01 12:00:60", /* no leap seconds */
        "1969-12-31 23:59:59", /* years 1970-9999 */
        "0000-01-01 00:00:00",
        "2020-01-01T00:00:00", /* wrong separators */
        "2020/01/01 00:00:00",
        "2020-01-01 00-00-00",
        "2020-01-01 00:00.00",
        "2020-1-01 00:00:00", /* a short field */
        "2020-01-01 0:00:000",
        "2020-01-01 00:00:0",
        "2020-01-01 00:00:000",
        "2020-01-01", /* a date is not a timestamp */
        "2020-01-01 00:00:00Z",
        " 2020-01-01 00:00:00",
        "2020-01-01  0:00:00",
        "2020-01-01 +1:00:00",
        "2020-01-01 -1:00:00",
        "202a-01-01 00:00:00",
        "",
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        if (ts(bad[k], &t) == 0) fail_msg("accepted '%s'", bad[k]);
    }
    assert_true(t == 12345); /* a failed parse leaves the output alone */
    /* Only n bytes are read: a valid prefix of a longer buffer parses. */
    assert_int_equal(tr_parse_timestamp("2020-01-01 00:00:01junk", 19, &t), 0);
    assert_true(t == 1577836801);
    assert_int_equal(tr_parse_timestamp("2020-01-01 00:00:01", 18, &t), 1);
}

static void test_date(void **state)
{
    (void)state;
    int64_t d = -5;
    assert_int_equal(tr_parse_date_n("1970-01-01", 10, &d), 0);
    assert_true(d == 0);
    assert_int_equal(tr_parse_date_n("2020-02-29", 10, &d), 0);
    assert_true(d == 18321);
    assert_int_equal(tr_parse_date_n("2020-01-01xyz", 10, &d), 0); /* n bytes only */
    assert_true(d == 18262);
    assert_int_equal(tr_parse_date_n("2019-02-29", 10, &d), 1);
    assert_int_equal(tr_parse_date_n("1969-12-31", 10, &d), 1);
    assert_int_equal(tr_parse_date_n("2020-13-01", 10, &d), 1);
    assert_int_equal(tr_parse_date_n("2020-06-31", 10, &d), 1);
    assert_int_equal(tr_parse_date_n("2020/01/01", 10, &d), 1);
    assert_int_equal(tr_parse_date_n("2020-1-1", 8, &d), 1);
    assert_int_equal(tr_parse_date_n("2020-01-01 00:00:00", 19, &d),
                     1); /* a timestamp is no date */
    assert_int_equal(tr_parse_date_n("2020-01-011", 11, &d), 1);
    assert_int_equal(tr_parse_date_n("", 0, &d), 1);
    assert_true(d == 18262);
}

/* ------------------------------------------------------------------ numbers */

static int fx(const char *s, int scale, int64_t *v)
{
    return tr_parse_fixed(s, strlen(s), scale, v);
}

static void expect_fixed(const char *s, int scale, int64_t want)
{
    int64_t v = 0x5555;
    int rc = fx(s, scale, &v);
    if (rc != 0) fail_msg("'%s' scale %d: rc %d", s, scale, rc);
    if (v != want)
        fail_msg("'%s' scale %d: %lld, want %lld", s, scale, (long long)v, (long long)want);
}

static void test_fixed_values_and_rounding(void **state)
{
    (void)state;
    expect_fixed("12", 2, 1200);
    expect_fixed("0", 2, 0);
    expect_fixed("0.5", 2, 50);
    expect_fixed("-3.00", 2, -300);
    expect_fixed("12.34", 2, 1234);
    expect_fixed("007.10", 2, 710);
    /* Further decimals round half away from zero. */
    expect_fixed("12.345", 2, 1235);
    expect_fixed("12.344", 2, 1234);
    expect_fixed("12.3449999", 2, 1234); /* only the first dropped digit decides */
    expect_fixed("-12.345", 2, -1235);
    expect_fixed("-0.005", 2, -1);
    expect_fixed("-0.004", 2, 0);
    expect_fixed("0.995", 2, 100); /* rounding carries into the whole part */
    expect_fixed("9.999", 2, 1000);
    expect_fixed("2.5", 0, 3);
    expect_fixed("-2.5", 0, -3);
    expect_fixed("2.4", 0, 2);
    expect_fixed("1.5", 3, 1500);
    expect_fixed("0.0005", 3, 1);
    expect_fixed("123", 0, 123);
    expect_fixed("0.000001", 6, 1);
    expect_fixed("1", 6, 1000000);
    /* The largest values that fit. */
    expect_fixed("92233720368547757", 2, 9223372036854775700LL);
    expect_fixed("-92233720368547757", 2, -9223372036854775700LL);
}

static void test_fixed_rejects(void **state)
{
    (void)state;
    const char *not_numbers[] = {"1e5", "1E5",  "NaN",  "nan", "inf", "-inf", "Infinity", "1,000",
                                 "",    "-",    "12.",  ".5",  "+1",  "--1",  "1.2.3",    " 1",
                                 "1 ",  "0x10", "1.5a", "a",   "-.5", "1-",   "12..3"};
    for (size_t k = 0; k < sizeof not_numbers / sizeof *not_numbers; k++) {
        int64_t v = 77;
        int rc = fx(not_numbers[k], 2, &v);
        if (rc != 1) fail_msg("'%s': rc %d, want 1 (not a number)", not_numbers[k], rc);
        assert_true(v == 77);
    }
    /* Out of range: whole part too large, or too large once scaled. */
    int64_t v = 0;
    assert_int_equal(fx("99999999999999999999", 2, &v), 2);
    assert_int_equal(fx("-99999999999999999999", 2, &v), 2);
    assert_int_equal(fx("92233720368547758", 2, &v), 2); /* * 100 passes INT64_MAX */
    assert_int_equal(fx("9223372036854775807", 0, &v), 2);
    assert_int_equal(fx("10000000000000", 6, &v), 2);
    assert_int_equal(fx("100000000000000000000000000000000000000.5", 2, &v), 2);
    /* A text that is no number is "not a number" however many digits it starts with (found by
     * tests/fuzz: "92233720368547203685>7" was out of range, so a bad_value reject). */
    assert_int_equal(fx("92233720368547203685>7", 2, &v), 1);
    assert_int_equal(fx("-99999999999999999999x", 2, &v), 1);
    assert_int_equal(fx("99999999999999999999.5.5", 0, &v), 1);
    assert_int_equal(fx("99999999999999999999.", 2, &v), 1);
}

static int dbl(const char *s, double *v)
{
    return tr_parse_double(s, strlen(s), v);
}

static void test_double(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(dbl("12.5", &v), 0);
    assert_true(v == 12.5);
    assert_int_equal(dbl("-1.25", &v), 0);
    assert_true(v == -1.25);
    assert_int_equal(dbl("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(dbl("-33.918861", &v), 0);
    assert_float_equal(v, -33.918861, 1e-12);
    assert_int_equal(tr_parse_double("7.5,8", 3, &v), 0); /* n bytes only */
    assert_true(v == 7.5);
    const char *bad[] = {"1e5", "NaN", "inf", "-inf", "",      "-",     "12.", ".5",
                         "+1",  "1,5", " 1",  "1 ",   "0x1p3", "1.2.3", "-.5"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        v = 42;
        if (dbl(bad[k], &v) == 0) fail_msg("accepted '%s' as %g", bad[k], v);
    }
}

/* UTF-8 as RFC 3629 has it: Latin-1 bytes, cut sequences, overlong forms, surrogates and code
 * points past U+10FFFF are not. */
static void test_utf8(void **state)
{
    (void)state;
    static const char *const good[] = {"",
                                       "Kilima",
                                       "R\xC3\xA9gion \xC3\x8Ele",
                                       "\xE2\x82\xAC",
                                       "\xF0\x9F\x93\xB1",
                                       "\xF4\x8F\xBF\xBF",
                                       "\xED\x9F\xBF"};
    static const char *const bad[] = {"R\xE9gion",        /* Latin-1 e acute */
                                      "\xC3",             /* cut */
                                      "\xE2\x82",         /* cut */
                                      "\xC0\xAF",         /* overlong '/' */
                                      "\xE0\x80\xAF",     /* overlong */
                                      "\xED\xA0\x80",     /* a surrogate */
                                      "\xF4\x90\x80\x80", /* past U+10FFFF */
                                      "\xF5\x80\x80\x80",
                                      "\x80",
                                      "\xFF",
                                      "\xC3\x28"};
    for (size_t k = 0; k < sizeof good / sizeof *good; k++)
        assert_true(tr_utf8_valid(good[k], strlen(good[k])));
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        if (tr_utf8_valid(bad[k], strlen(bad[k]))) fail_msg("bad[%zu] taken for UTF-8", k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precheck_length_limit),
        cmocka_unit_test(test_precheck_nul_and_quote),
        cmocka_unit_test(test_reason_names),
        cmocka_unit_test(test_split_basic_and_empty),
        cmocka_unit_test(test_split_field_limit),
        cmocka_unit_test(test_split_checked_matches),
        cmocka_unit_test(test_timestamp_exact_values),
        cmocka_unit_test(test_timestamp_rejects),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_fixed_values_and_rounding),
        cmocka_unit_test(test_fixed_rejects),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
