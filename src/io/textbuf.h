/* A growable text buffer with fast appenders for the fixed CSV formats (no printf per field),
 * counting the lines it holds. */
#ifndef TELRISK_IO_TEXTBUF_H
#define TELRISK_IO_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct tr_textbuf {
    char *data;
    size_t len; /* bytes */
    size_t cap; /* bytes */
    int64_t lines;
};

void tr_textbuf_init(struct tr_textbuf *b, size_t cap);
/* "YYYY-MM-DD HH:MM:SS" (UTC) of t, seconds since 1970, as tr_put_timestamp writes it; cut to 19
 * characters. */
void tr_format_timestamp(int64_t t, char out[20]);
void tr_textbuf_free(struct tr_textbuf *b);
void tr_textbuf_grow(struct tr_textbuf *b, size_t extra);
void tr_textbuf_clear(struct tr_textbuf *b);

static inline void tr_put_mem(struct tr_textbuf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) tr_textbuf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static inline void tr_put_str(struct tr_textbuf *b, const char *s)
{
    tr_put_mem(b, s, strlen(s));
}

static inline void tr_put_char(struct tr_textbuf *b, char c)
{
    if (b->len + 1 > b->cap) tr_textbuf_grow(b, 1);
    b->data[b->len++] = c;
}

/* Ends a line: '\n' and one more line counted. */
static inline void tr_put_eol(struct tr_textbuf *b)
{
    tr_put_char(b, '\n');
    b->lines++;
}

void tr_put_u64(struct tr_textbuf *b, uint64_t v);
void tr_put_i64(struct tr_textbuf *b, int64_t v);
/* v zero-padded to at least width digits. */
void tr_put_u64_width(struct tr_textbuf *b, uint64_t v, int width);
/* An amount in hundredths as a decimal with two places: -1234 -> "-12.34". */
void tr_put_cents(struct tr_textbuf *b, int64_t cents);
/* A double with the given number of decimals (fixed point, rounded half away from zero). */
void tr_put_fixed(struct tr_textbuf *b, double v, int decimals);
/* Seconds since 1970-01-01 UTC as "YYYY-MM-DD HH:MM:SS". */
void tr_put_timestamp(struct tr_textbuf *b, int64_t epoch_seconds);
/* Days since 1970-01-01 as "YYYY-MM-DD". */
void tr_put_date(struct tr_textbuf *b, int64_t epoch_days);

#endif
