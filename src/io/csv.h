/* The CSV tokenizer and field parsers for the fixed formats of docs/formats.md: no quoting, no
 * allocation; fields are (pointer, length) views into the line. */
#ifndef TELRISK_IO_CSV_H
#define TELRISK_IO_CSV_H

#include <stddef.h>
#include <stdint.h>

#define TR_MAX_LINE   4096 /* bytes, without the newline */
#define TR_MAX_FIELDS 256  /* a header may have this many columns, the ones not needed ignored */

/* Why a line is rejected; the order is the order of the checks (docs/formats.md). */
enum tr_reason {
    TR_ACCEPT = 0,
    TR_R_LINE_TOO_LONG,
    TR_R_NUL_BYTE,
    TR_R_STRAY_QUOTE,
    TR_R_MISSING_FIELD,
    TR_R_EXTRA_FIELD,
    TR_R_UNKNOWN_TXN_TYPE,
    TR_R_BAD_TIMESTAMP,
    TR_R_BAD_NUMBER,
    TR_R_NEGATIVE_VALUE,
    TR_R_BAD_VALUE,
    TR_R_BAD_ENCODING,        /* a text field that is not UTF-8 */
    TR_R_INCONSISTENT_FIELDS, /* fields each valid, together impossible (a loan due before issue) */
    TR_R_BAD_SCHEDULE,        /* a loan's installments that no schedule of its term can hold */
    /* found once a whole table, or every table, is read (records/late.h) */
    TR_R_OUT_OF_WINDOW,         /* an event outside the observation window */
    TR_R_CONFLICTING_DUPLICATE, /* a key given again with other content */
    TR_R_UNKNOWN_LOAN,          /* a repayment of no accepted loan */
    TR_R_BEFORE_ISSUE,          /* a repayment before its loan was issued */
    TR_R_AFTER_CUT,             /* a repayment after the ledger's cut (credit.ledger_cut) */
    TR_R_COUNT
};
extern const char *const tr_reason_names[TR_R_COUNT];

struct tr_fields {
    int n; /* fields found; TR_MAX_FIELDS + 1 means more than TR_MAX_FIELDS */
    const char *p[TR_MAX_FIELDS];
    uint32_t len[TR_MAX_FIELDS];
};

/* The checks on the raw line (length, NUL, quote); TR_ACCEPT if it passes them. */
enum tr_reason tr_line_precheck(const char *line, size_t len);

/* Splits on ','. */
void tr_split(const char *line, size_t len, struct tr_fields *f);

/* Both in one pass over the line, eight bytes at a time: tr_line_precheck's reason, else
 * TR_ACCEPT with the line split as tr_split does. */
enum tr_reason tr_split_checked(const char *line, size_t len, struct tr_fields *f);

/* "YYYY-MM-DD HH:MM:SS" (a real date, 1970-9999) to seconds since 1970-01-01 UTC. 0 = ok. */
int tr_parse_timestamp(const char *s, size_t n, int64_t *t);
/* "YYYY-MM-DD" to days since 1970-01-01. 0 = ok. */
int tr_parse_date_n(const char *s, size_t n, int64_t *days);

/* A plain decimal -?[0-9]+(\.[0-9]+)? as a fixed-point integer value * 10^scale; further
 * decimals are rounded half away from zero. 0 = ok, 1 = not a number, 2 = out of range. */
int tr_parse_fixed(const char *s, size_t n, int scale, int64_t *v);
/* Whether a number's text is below zero, before any rounding ("-0.004" is, "-0.00" is not). */
int tr_text_is_negative(const char *s, size_t n);

/* Whether s[0..n) is well-formed UTF-8 (RFC 3629: no overlong form, no surrogate, nothing past
 * U+10FFFF). Text that reaches the run file's UTF-8 strings must be: a Latin-1 byte there makes
 * every reader that decodes it fail or print a replacement character. */
int tr_utf8_valid(const char *s, size_t n);
/* The same grammar as a double. 0 = ok. */
int tr_parse_double(const char *s, size_t n, double *v);

/* Whether s (n bytes) equals the NUL-terminated word. */
static inline int tr_field_is(const char *s, size_t n, const char *word)
{
    size_t k = 0;
    for (; k < n; k++)
        if (word[k] == 0 || word[k] != s[k]) return 0;
    return word[k] == 0;
}

#endif
