/* Reading bandicoot's CSV files. Not a hot path: one user per command, so clarity first. */
#include "features/bandicoot/bc_input.h"

#include "core/calendar.h"
#include "core/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ string table */

struct bc_strtab {
    char **keys;
    size_t *index; /* slot -> dense index */
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void strtab_grow(struct bc_strtab *t);

/* The dense index of s, added if new; *added tells which. */
static size_t strtab_intern(struct bc_strtab *t, const char *s, int *added)
{
    if (2 * (t->n + 1) > t->cap) strtab_grow(t);
    size_t mask = t->cap - 1;
    for (size_t h = hash_str(s) & mask;; h = (h + 1) & mask) {
        if (!t->keys[h]) {
            size_t len = strlen(s) + 1;
            t->keys[h] = memcpy(TR_MALLOC(len), s, len);
            t->index[h] = t->n++;
            *added = 1;
            return t->index[h];
        }
        if (strcmp(t->keys[h], s) == 0) {
            *added = 0;
            return t->index[h];
        }
    }
}

static void strtab_grow(struct bc_strtab *t)
{
    struct bc_strtab old = *t;
    t->cap = old.cap ? old.cap * 2 : 64;
    t->keys = TR_CALLOC(t->cap, sizeof *t->keys);
    t->index = TR_MALLOC(sizeof *t->index * t->cap);
    t->n = 0;
    /* re-insert with the same dense indices */
    for (size_t k = 0; k < old.cap; k++) {
        if (!old.keys[k]) continue;
        size_t mask = t->cap - 1, h = hash_str(old.keys[k]) & mask;
        while (t->keys[h])
            h = (h + 1) & mask;
        t->keys[h] = old.keys[k];
        t->index[h] = old.index[k];
        t->n++;
    }
    free(old.keys);
    free(old.index);
}

static void strtab_free(struct bc_strtab *t)
{
    if (!t) return;
    for (size_t k = 0; k < t->cap; k++)
        free(t->keys[k]);
    free(t->keys);
    free(t->index);
    free(t);
}

/* ------------------------------------------------------------------ input */

void tr_bc_input_init(struct tr_bc_input *in)
{
    memset(in, 0, sizeof *in);
    in->antenna_ids = TR_CALLOC(1, sizeof *in->antenna_ids);
    in->contact_ids = TR_CALLOC(1, sizeof *in->contact_ids);
}

void tr_bc_input_free(struct tr_bc_input *in)
{
    free(in->records);
    free(in->recharges);
    free(in->positions);
    strtab_free(in->antenna_ids);
    strtab_free(in->contact_ids);
    memset(in, 0, sizeof *in);
}

void tr_bc_input_user(const struct tr_bc_input *in, struct tr_bc_user *u)
{
    u->records = in->records;
    u->n_records = in->n_records;
    u->recharges = in->recharges;
    u->n_recharges = in->n_recharges;
    u->positions = in->antennas_given ? in->positions : NULL;
    u->n_positions = in->antennas_given ? in->n_positions : 0;
    u->has_recharges = in->recharges_given && in->n_recharges > 0;
}

/* The antenna index of id, a new one without location if the antennas file did not list it. */
static int32_t antenna_index(struct tr_bc_input *in, const char *id)
{
    int added;
    size_t k = strtab_intern(in->antenna_ids, id, &added);
    if (added) {
        if (k >= in->cap_positions) {
            in->cap_positions = in->cap_positions ? 2 * in->cap_positions : 64;
            in->positions = TR_REALLOC(in->positions, sizeof *in->positions * in->cap_positions);
        }
        in->positions[k].lat = in->positions[k].lon = NAN;
        in->n_positions = k + 1;
    }
    return (int32_t)k;
}

/* ------------------------------------------------------------------ CSV lines */

struct csv_file {
    const char *path;
    FILE *f;
    char *line;
    size_t cap;
    long line_no;
    char *field[16];
    int n_fields;
    char *err;
    size_t errlen;
};

static int fail(struct csv_file *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct csv_file *c, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "%s:%ld: ", c->path, c->line_no);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < c->errlen) vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return TR_EXIT_INPUT;
}

/* Splits the line in place on commas; double-quoted fields may hold commas and "" for a quote.
 * 0 = ok. */
static int split_fields(struct csv_file *c, char *s)
{
    c->n_fields = 0;
    for (;;) {
        if (c->n_fields == (int)(sizeof c->field / sizeof c->field[0]))
            return fail(c, "more than %d fields", c->n_fields);
        char *out = s;
        c->field[c->n_fields++] = out;
        if (*s == '"') {
            for (s++;; s++) {
                if (!*s) return fail(c, "unterminated quoted field");
                if (*s == '"' && s[1] != '"') break;
                if (*s == '"') s++;
                *out++ = *s;
            }
            s++;
            if (*s && *s != ',') return fail(c, "text after a closing quote");
        } else {
            while (*s && *s != ',')
                *out++ = *s++;
        }
        int more = *s == ',';
        *out = 0;
        if (!more) return 0;
        s++;
    }
}

/* The next non-empty line, split. 1 = a line, 0 = end of file, TR_EXIT_INPUT on error. */
static int next_line(struct csv_file *c, int *rc)
{
    *rc = 0;
    for (;;) {
        ssize_t len = getline(&c->line, &c->cap, c->f);
        if (len < 0) return 0;
        c->line_no++;
        while (len > 0 && (c->line[len - 1] == '\n' || c->line[len - 1] == '\r'))
            len--;
        c->line[len] = 0;
        if (len == 0) continue; /* csv.DictReader skips blank lines */
        char *s = c->line;
        if (c->line_no == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3; /* a UTF-8 byte order mark */
        *rc = split_fields(c, s);
        return *rc == 0;
    }
}

static int open_csv(struct csv_file *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->err = err;
    c->errlen = errlen;
    c->f = fopen(path, "r");
    if (!c->f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return TR_EXIT_INPUT;
    }
    return 0;
}

static void close_csv(struct csv_file *c)
{
    if (c->f) fclose(c->f);
    free(c->line);
}

/* Reads the header and finds each wanted column: col[k] = its position, -1 if absent and
 * optional[k]. */
static int read_header(struct csv_file *c, const char *const *names, const int *optional, int n,
                       int *col)
{
    int rc;
    if (!next_line(c, &rc)) return rc ? rc : fail(c, "empty file: no header");
    for (int k = 0; k < n; k++) {
        col[k] = -1;
        for (int f = 0; f < c->n_fields; f++)
            if (strcmp(c->field[f], names[k]) == 0) col[k] = f;
        if (col[k] < 0 && !optional[k]) return fail(c, "no column '%s' in the header", names[k]);
    }
    return 0;
}

/* The field of column col, "" when the column is absent; NULL (an error set) when the line is
 * too short. */
static const char *field(struct csv_file *c, int col, const char *name, int *rc)
{
    if (col < 0) return "";
    if (col >= c->n_fields) {
        *rc = fail(c, "missing field '%s'", name);
        return NULL;
    }
    return c->field[col];
}

/* ------------------------------------------------------------------ field parsers */

/* Digits starting at *p: at least min_d, at most max_d. -1 when there are too few. */
static int digits(const char **p, int min_d, int max_d)
{
    int v = 0, n = 0;
    while (n < max_d && isdigit((unsigned char)**p))
        v = v * 10 + (*(*p)++ - '0'), n++;
    return n >= min_d ? v : -1;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dm[m - 1] + (m == 2 && leap);
}

int tr_bc_parse_datetime(const char *s, int time_optional, int64_t *t)
{
    const char *p = s;
    int y = digits(&p, 4, 4);
    if (y < 1 || *p++ != '-') return 1;
    int m = digits(&p, 1, 2);
    if (m < 1 || m > 12 || *p++ != '-') return 1;
    int d = digits(&p, 1, 2);
    if (d < 1 || d > days_in_month(y, m)) return 1;
    int64_t secs = 0;
    if (!(time_optional && *p == 0)) {
        if (!isspace((unsigned char)*p)) return 1;
        while (isspace((unsigned char)*p))
            p++;
        int hh = digits(&p, 1, 2);
        if (hh < 0 || hh > 23 || *p++ != ':') return 1;
        int mm = digits(&p, 1, 2);
        if (mm < 0 || mm > 59 || *p++ != ':') return 1;
        int ss = digits(&p, 1, 2);
        if (ss < 0 || ss > 59) return 1;
        secs = hh * 3600 + mm * 60 + ss;
    }
    if (*p) return 1;
    *t = tr_days_from_civil(y, m, d) * 86400 + secs;
    return 0;
}

/* Python's int(): optional spaces and sign around digits. 0 = ok. */
static int parse_int32(const char *s, int32_t *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || errno || x < INT32_MIN || x > INT32_MAX) return 1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end) return 1;
    *v = (int32_t)x;
    return 0;
}

/* Python's float(): a number with optional spaces around. 0 = ok. */
static int parse_float(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    if (end == s) return 1;
    while (isspace((unsigned char)*end))
        end++;
    return *end != 0;
}

/* ------------------------------------------------------------------ antennas */

int tr_bc_load_antennas(struct tr_bc_input *in, const char *path, char *err, size_t errlen)
{
    static const char *const names[] = {"antenna_id", "latitude", "longitude"};
    static const int optional[] = {0, 0, 0};
    struct csv_file c;
    int col[3], rc = open_csv(&c, path, err, errlen);
    if (!rc) rc = read_header(&c, names, optional, 3, col);
    while (!rc && next_line(&c, &rc)) {
        const char *id = field(&c, col[0], names[0], &rc);
        const char *lat = id ? field(&c, col[1], names[1], &rc) : NULL;
        const char *lon = lat ? field(&c, col[2], names[2], &rc) : NULL;
        if (!lon) break;
        struct tr_bc_position pos;
        if (parse_float(lat, &pos.lat) || parse_float(lon, &pos.lon)) {
            rc = fail(&c, "latitude '%s', longitude '%s': not numbers", lat, lon);
            break;
        }
        int32_t k = antenna_index(in, id); /* may move in->positions */
        in->positions[k] = pos;            /* a repeated id: the last line wins */
    }
    close_csv(&c);
    in->antennas_given = 1;
    return rc;
}

/* ------------------------------------------------------------------ records */

enum { R_INTERACTION, R_DIRECTION, R_CORRESPONDENT, R_DATETIME, R_DURATION, R_ANTENNA, R_COLS };

static int parse_record(struct tr_bc_input *in, struct csv_file *c, const int *col,
                        struct tr_bc_record *r)
{
    static const char *const names[R_COLS] = {"interaction", "direction",     "correspondent_id",
                                              "datetime",    "call_duration", "antenna_id"};
    const char *f[R_COLS];
    int rc = 0;
    for (int k = 0; k < R_COLS; k++)
        if (!(f[k] = field(c, col[k], names[k], &rc))) return rc;
    if (strcmp(f[R_INTERACTION], "call") != 0 && strcmp(f[R_INTERACTION], "text") != 0)
        return fail(c, "interaction '%s': expected call or text", f[R_INTERACTION]);
    r->text = f[R_INTERACTION][0] == 't';
    if (strcmp(f[R_DIRECTION], "in") != 0 && strcmp(f[R_DIRECTION], "out") != 0)
        return fail(c, "direction '%s': expected in or out", f[R_DIRECTION]);
    r->outgoing = f[R_DIRECTION][0] == 'o';
    if (!f[R_CORRESPONDENT][0]) return fail(c, "empty correspondent_id");
    int added;
    r->correspondent = strtab_intern(in->contact_ids, f[R_CORRESPONDENT], &added);
    if (tr_bc_parse_datetime(f[R_DATETIME], 0, &r->t))
        return fail(c, "datetime '%s': not a date and time (YYYY-MM-DD HH:MM:SS)", f[R_DATETIME]);
    r->duration = -1; /* a text's duration is not used, whatever it holds */
    if (!r->text && parse_int32(f[R_DURATION], &r->duration))
        return fail(c, "call_duration '%s': a call needs whole seconds", f[R_DURATION]);
    r->antenna = f[R_ANTENNA][0] ? antenna_index(in, f[R_ANTENNA]) : -1;
    return 0;
}

struct keyed {
    int64_t t;
    size_t order;
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Stable sort by time of n items of the given size whose first member is an int64_t time. */
static void sort_by_time(void *items, size_t n, size_t size)
{
    if (n < 2) return; /* in order already; and items is NULL for a file without records */
    struct keyed *k = TR_MALLOC(sizeof *k * (n ? n : 1));
    char *src = TR_MALLOC(size * (n ? n : 1));
    memcpy(src, items, size * n);
    for (size_t i = 0; i < n; i++)
        k[i] = (struct keyed){*(int64_t *)(src + i * size), i};
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        memcpy((char *)items + i * size, src + k[i].order * size, size);
    free(k);
    free(src);
}

int tr_bc_load_records(struct tr_bc_input *in, const char *path, char *err, size_t errlen)
{
    static const char *const names[R_COLS] = {"interaction", "direction",     "correspondent_id",
                                              "datetime",    "call_duration", "antenna_id"};
    static const int optional[R_COLS] = {0, 0, 0, 0, 0, 1};
    struct csv_file c;
    int col[R_COLS], rc = open_csv(&c, path, err, errlen);
    if (!rc) rc = read_header(&c, names, optional, R_COLS, col);
    while (!rc && next_line(&c, &rc)) {
        if (in->n_records == in->cap_records) {
            in->cap_records = in->cap_records ? 2 * in->cap_records : 256;
            in->records = TR_REALLOC(in->records, sizeof *in->records * in->cap_records);
        }
        rc = parse_record(in, &c, col, &in->records[in->n_records]);
        if (!rc) in->n_records++;
    }
    close_csv(&c);
    if (!rc) sort_by_time(in->records, in->n_records, sizeof *in->records);
    return rc;
}

/* ------------------------------------------------------------------ recharges */

int tr_bc_load_recharges(struct tr_bc_input *in, const char *path, char *err, size_t errlen)
{
    static const char *const names[] = {"datetime", "amount"};
    static const int optional[] = {0, 0};
    struct csv_file c;
    int col[2], rc = open_csv(&c, path, err, errlen);
    if (!rc) rc = read_header(&c, names, optional, 2, col);
    while (!rc && next_line(&c, &rc)) {
        const char *when = field(&c, col[0], names[0], &rc);
        if (!when) break;
        /* a short line has no amount: bandicoot's default 0, as for a blank one */
        const char *amount = col[1] < c.n_fields ? c.field[col[1]] : "";
        struct tr_bc_recharge r = {0, 0};
        if (tr_bc_parse_datetime(when, 1, &r.t)) {
            rc = fail(&c, "datetime '%s': not a date (YYYY-MM-DD)", when);
            break;
        }
        if (amount[strspn(amount, " \t")] && parse_float(amount, &r.amount)) {
            rc = fail(&c, "amount '%s': not a number", amount);
            break;
        }
        if (in->n_recharges == in->cap_recharges) {
            in->cap_recharges = in->cap_recharges ? 2 * in->cap_recharges : 64;
            in->recharges = TR_REALLOC(in->recharges, sizeof *in->recharges * in->cap_recharges);
        }
        in->recharges[in->n_recharges++] = r;
    }
    close_csv(&c);
    in->recharges_given = 1;
    if (!rc) sort_by_time(in->recharges, in->n_recharges, sizeof *in->recharges);
    return rc;
}
