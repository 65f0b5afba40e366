#include "io/textbuf.h"

#include "core/calendar.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>

void tr_textbuf_init(struct tr_textbuf *b, size_t cap)
{
    b->cap = cap ? cap : 64;
    b->data = TR_MALLOC(b->cap);
    b->len = 0;
    b->lines = 0;
}

void tr_textbuf_free(struct tr_textbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->lines = 0;
}

void tr_textbuf_grow(struct tr_textbuf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 64;
    while (b->len + extra > cap)
        cap *= 2;
    b->data = TR_REALLOC(b->data, cap);
    b->cap = cap;
}

void tr_textbuf_clear(struct tr_textbuf *b)
{
    b->len = 0;
    b->lines = 0;
}

void tr_put_u64_width(struct tr_textbuf *b, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < 20)
        tmp[n++] = '0';
    if (b->len + (size_t)n > b->cap) tr_textbuf_grow(b, (size_t)n);
    char *out = b->data + b->len;
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    b->len += (size_t)n;
}

void tr_put_u64(struct tr_textbuf *b, uint64_t v)
{
    tr_put_u64_width(b, v, 1);
}

void tr_put_i64(struct tr_textbuf *b, int64_t v)
{
    if (v < 0) {
        tr_put_char(b, '-');
        tr_put_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        tr_put_u64(b, (uint64_t)v);
    }
}

void tr_put_cents(struct tr_textbuf *b, int64_t cents)
{
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    if (cents < 0) tr_put_char(b, '-');
    tr_put_u64(b, mag / 100);
    tr_put_char(b, '.');
    tr_put_u64_width(b, mag % 100, 2);
}

void tr_put_fixed(struct tr_textbuf *b, double v, int decimals)
{
    double scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double scaled = round(fabs(v) * scale);
    uint64_t mag = (uint64_t)scaled, unit = (uint64_t)scale;
    if (v < 0 && mag) tr_put_char(b, '-');
    tr_put_u64(b, mag / unit);
    if (decimals > 0) {
        tr_put_char(b, '.');
        tr_put_u64_width(b, mag % unit, decimals);
    }
}

void tr_put_date(struct tr_textbuf *b, int64_t epoch_days)
{
    int y, m, d;
    tr_civil_from_days(epoch_days, &y, &m, &d);
    tr_put_u64_width(b, (uint64_t)y, 4);
    tr_put_char(b, '-');
    tr_put_u64_width(b, (uint64_t)m, 2);
    tr_put_char(b, '-');
    tr_put_u64_width(b, (uint64_t)d, 2);
}

void tr_put_timestamp(struct tr_textbuf *b, int64_t t)
{
    int64_t days = tr_day_of(t);
    int64_t sec = t - days * 86400;
    tr_put_date(b, days);
    char hms[9] = {' ', (char)('0' + sec / 36000),        (char)('0' + (sec / 3600) % 10),
                   ':', (char)('0' + (sec % 3600) / 600), (char)('0' + (sec % 3600) / 60 % 10),
                   ':', (char)('0' + (sec % 60) / 10),    (char)('0' + sec % 10)};
    tr_put_mem(b, hms, sizeof hms);
}

void tr_format_timestamp(int64_t t, char out[20])
{
    struct tr_textbuf b;
    tr_textbuf_init(&b, 32);
    tr_put_timestamp(&b, t);
    const size_t n = b.len < 19 ? b.len : 19;
    memcpy(out, b.data, n);
    out[n] = '\0';
    tr_textbuf_free(&b);
}
