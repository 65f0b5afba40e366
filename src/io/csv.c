#include "io/csv.h"

#include "core/calendar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const tr_reason_names[TR_R_COUNT] = {
    "accepted",
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
    "after_cut",
};

enum tr_reason tr_line_precheck(const char *line, size_t len)
{
    if (len > TR_MAX_LINE) return TR_R_LINE_TOO_LONG;
    if (memchr(line, 0, len)) return TR_R_NUL_BYTE;
    if (memchr(line, '"', len)) return TR_R_STRAY_QUOTE;
    return TR_ACCEPT;
}

void tr_split(const char *line, size_t len, struct tr_fields *f)
{
    const char *p = line, *end = line + len;
    f->n = 0;
    for (;;) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *stop = c ? c : end;
        if (f->n == TR_MAX_FIELDS) {
            f->n = TR_MAX_FIELDS + 1;
            return;
        }
        f->p[f->n] = p;
        f->len[f->n] = (uint32_t)(stop - p);
        f->n++;
        if (!c) return;
        p = c + 1;
    }
}

/* The bytes of w equal to c, as their high bits (exact: no false positives). */
static inline uint64_t bytes_equal(uint64_t w, uint64_t c)
{
    const uint64_t x = w ^ (c * 0x0101010101010101ull), low = 0x7f7f7f7f7f7f7f7full;
    return ~(((x & low) + low) | x | low);
}

enum tr_reason tr_split_checked(const char *line, size_t len, struct tr_fields *f)
{
    if (len > TR_MAX_LINE) return TR_R_LINE_TOO_LONG;
    uint64_t nul = 0, quote = 0;
    int over = 0; /* more fields than TR_MAX_FIELDS: the rest of the line is still checked */
    f->n = 0;
    size_t start = 0;
    for (size_t at = 0; at < len; at += 8) {
        uint64_t w = 0, live = ~0ull; /* live: the bytes of w in the line (padding is no NUL) */
        if (at + 8 <= len) {
            memcpy(&w, line + at, 8);
        } else {
            for (size_t k = 0; at + k < len; k++)
                w |= (uint64_t)(unsigned char)line[at + k] << (8 * k);
            live = (1ull << (8 * (len - at))) - 1;
        }
        nul |= bytes_equal(w, 0) & live;
        quote |= bytes_equal(w, '"');
        for (uint64_t commas = over ? 0 : bytes_equal(w, ','); commas; commas &= commas - 1) {
            const size_t end = at + (size_t)(__builtin_ctzll(commas) >> 3);
            if (f->n == TR_MAX_FIELDS) {
                over = 1;
                break;
            }
            f->p[f->n] = line + start;
            f->len[f->n++] = (uint32_t)(end - start);
            start = end + 1;
        }
    }
    if (nul) return TR_R_NUL_BYTE;
    if (quote) return TR_R_STRAY_QUOTE;
    if (over || f->n == TR_MAX_FIELDS) {
        f->n = TR_MAX_FIELDS + 1;
        return TR_ACCEPT;
    }
    f->p[f->n] = line + start;
    f->len[f->n++] = (uint32_t)(len - start);
    return TR_ACCEPT;
}

static inline int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int k = 0; k < n; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (d > 9) return 1;
        x = x * 10 + (int)d;
    }
    *v = x;
    return 0;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (s[4] != '-' || s[7] != '-') return 1;
    if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d)) return 1;
    if (*y < 1970 || *m < 1 || *m > 12 || *d < 1) return 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    return *d > mdays[*m - 1] + (*m == 2 && leap);
}

int tr_parse_date_n(const char *s, size_t n, int64_t *days)
{
    int y, m, d;
    if (n != 10 || parse_ymd(s, &y, &m, &d)) return 1;
    *days = tr_days_from_civil(y, m, d);
    return 0;
}

int tr_parse_timestamp(const char *s, size_t n, int64_t *t)
{
    int y, mo, d, h, mi, se;
    if (n != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':') return 1;
    if (parse_ymd(s, &y, &mo, &d)) return 1;
    if (digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se)) return 1;
    if (h > 23 || mi > 59 || se > 59) return 1;
    *t = tr_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

int tr_parse_fixed(const char *s, size_t n, int scale, int64_t *v)
{
    size_t k = 0;
    int negative = 0;
    if (k < n && s[k] == '-') negative = 1, k++;
    if (k == n || (unsigned)(s[k] - '0') > 9) return 1;
    const int64_t limit = INT64_MAX / 10 - 10;
    int64_t whole = 0;
    int huge = 0; /* too large to hold: said only once the whole text is known to be a number */
    for (; k < n && (unsigned)(s[k] - '0') <= 9; k++) {
        if (whole > limit)
            huge = 1;
        else
            whole = whole * 10 + (s[k] - '0');
    }
    int64_t frac = 0;
    int places = 0, round_up = 0;
    if (k < n) {
        if (s[k] != '.' || k + 1 == n) return 1;
        for (k++; k < n; k++) {
            unsigned d = (unsigned)(s[k] - '0');
            if (d > 9) return 1;
            if (places < scale)
                frac = frac * 10 + (int64_t)d, places++;
            else if (places == scale)
                round_up = d >= 5, places++;
        }
    }
    if (huge) return 2;
    for (; places < scale; places++)
        frac *= 10;
    for (int q = 0; q < scale; q++) {
        if (whole > limit) return 2;
        whole *= 10;
    }
    if (whole > INT64_MAX - frac - round_up) return 2;
    int64_t value = whole + frac + round_up;
    *v = negative ? -value : value;
    return 0;
}

int tr_text_is_negative(const char *s, size_t n)
{
    if (n == 0 || s[0] != '-') return 0;
    for (size_t k = 1; k < n; k++)
        if (s[k] >= '1' && s[k] <= '9') return 1;
    return 0;
}

int tr_parse_double(const char *s, size_t n, double *v)
{
    char buf[64];
    size_t k = 0;
    if (n == 0 || n >= sizeof buf) return 1;
    if (s[0] == '-') k++;
    size_t digits_before = 0, digits_after = 0;
    for (; k < n && (unsigned)(s[k] - '0') <= 9; k++)
        digits_before++;
    if (k < n && s[k] == '.')
        for (k++; k < n && (unsigned)(s[k] - '0') <= 9; k++)
            digits_after++;
    if (k != n || digits_before == 0 || (s[n - 1] == '.')) return 1;
    (void)digits_after;
    memcpy(buf, s, n);
    buf[n] = 0;
    *v = strtod(buf, NULL);
    return isfinite(*v) ? 0 : 1;
}

int tr_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        const unsigned c = *p++;
        if (c < 0x80) continue;
        /* The lead byte gives the length and the second byte's range (which rules out the
         * overlong forms, the surrogates and anything past U+10FFFF). */
        int more;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            more = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            more = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            more = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        else
            return 0;
        if (end - p < more || *p < lo || *p > hi) return 0;
        for (int k = 1; k < more; k++)
            if (p[k] < 0x80 || p[k] > 0xBF) return 0;
        p += more;
    }
    return 1;
}
