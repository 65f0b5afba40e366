/* One input table's parser, as ingest drives it: the input is a whole file (header, then lines),
 * cut into lines as io/reader.c cuts them (a BOM skipped, a CR before the newline dropped, the
 * last line without its newline), the header matched by tr_header_map, each line through
 * tr_parse_line (or line_too_long) and each reject's excerpt through tr_mask_excerpt. Built once
 * per table (FZ_TABLE). Besides crashes, undefined behaviour and leaks, it checks what
 * docs/formats.md promises: the fast tokenizer agrees with the plain one, every accepted record
 * holds values its column allows, and an excerpt keeps no run of six digits. */
#define _GNU_SOURCE /* timegm */
#include "fuzz_common.h"

#include "core/error.h"
#include "core/keyhash.h"
#include "io/reader.h"
#include "records/ingest.h"
#include "records/parse.h"

#include <math.h>
#include <string.h>
#include <time.h>

#ifndef FZ_TABLE
#error "FZ_TABLE: the table this harness parses (TR_T_CDR, ...)"
#endif

/* The antennas and regions the other tables refer to (the header and two lines per region are
 * enough for the seed corpus: ids A1..A4, regions Coast, Nairobi, Rift). */
static const char fixture_antennas[] = "antenna_id,tower_id,latitude,longitude,region\n"
                                       "A1,T1,-1.28,36.82,Nairobi\n"
                                       "A2,T1,-1.29,36.80,Nairobi\n"
                                       "A3,T2,-4.04,39.66,Coast\n"
                                       "A4,T3,0.51,35.27,Rift\n";

static struct tr_keyhash kh;
static struct tr_ingest world; /* the fixture's antennas, their index and regions */

/* The next line of [*at, end) as the reader gives it: without its newline and a CR before it. */
static int next_line(const char **at, const char *end, const char **line, size_t *len)
{
    if (*at >= end) return 0;
    const char *nl = memchr(*at, '\n', (size_t)(end - *at));
    *line = *at;
    *len = (size_t)((nl ? nl : end) - *at);
    *at = nl ? nl + 1 : end;
    if (*len > 0 && (*line)[*len - 1] == '\r') (*len)--;
    return 1;
}

/* The fast tokenizer (one pass, eight bytes at a time) against the plain checks and split. */
static void check_tokenizer(const char *line, size_t len)
{
    static struct tr_fields fast, plain;
    const enum tr_reason r = tr_split_checked(line, len, &fast);
    FZ_ASSERT(r == tr_line_precheck(line, len));
    if (r != TR_ACCEPT) return;
    tr_split(line, len, &plain);
    FZ_ASSERT(fast.n == plain.n);
    for (int k = 0; k < plain.n && k < TR_MAX_FIELDS; k++)
        FZ_ASSERT(fast.p[k] == plain.p[k] && fast.len[k] == plain.len[k]);
}

/* ---- The field parsers against the grammar of docs/formats.md, written the slow, plain way ----
 */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* -?[0-9]+(\.[0-9]+)?: whether s is one; *neg, and where its point is (n when none). */
static int plain_decimal(const char *s, size_t n, int *neg, size_t *point)
{
    size_t k = *neg = n > 0 && s[0] == '-';
    const size_t first = k;
    while (k < n && is_digit(s[k]))
        k++;
    *point = k;
    if (k == first) return 0;
    if (k == n) return 1;
    if (s[k] != '.' || k + 1 == n) return 0;
    for (k++; k < n; k++)
        if (!is_digit(s[k])) return 0;
    return 1;
}

/* tr_parse_fixed: "not a number" exactly for what is not a plain decimal; otherwise the value
 * times 10^scale, rounded half away from zero, wherever it fits (2, out of range, where it does
 * not; either near the limit, which the parser keeps conservative). */
static void check_fixed(const char *s, size_t n, int scale)
{
    int64_t v = 0;
    const int rc = tr_parse_fixed(s, n, scale, &v);
    int neg;
    size_t point;
    if (!plain_decimal(s, n, &neg, &point)) {
        FZ_ASSERT(rc == 1);
        return;
    }
    unsigned __int128 x = 0;
    const unsigned __int128 cap = (unsigned __int128)1 << 100; /* saturates: only "huge" counts */
    for (size_t k = (size_t)neg; k < point; k++)
        x = x > cap ? x : x * 10 + (unsigned)(s[k] - '0');
    for (int q = 0; q < scale; q++) {
        const size_t at = point + 1 + (size_t)q;
        x = x > cap ? x : x * 10 + (at < n ? (unsigned)(s[at] - '0') : 0);
    }
    const size_t next = point + 1 + (size_t)scale;
    if (point < n && next < n && s[next] >= '5') x++;
    if (x < ((unsigned __int128)1 << 62))
        FZ_ASSERT(rc == 0 && v == (neg ? -(int64_t)x : (int64_t)x));
    else if (x > (unsigned __int128)INT64_MAX)
        FZ_ASSERT(rc == 2);
    else
        FZ_ASSERT(rc == 2 || (rc == 0 && v == (neg ? -(int64_t)x : (int64_t)x)));
    int nonzero = 0; /* "-0.004" is negative, "-0.00" is not: the text decides */
    for (size_t k = 0; k < n; k++)
        nonzero |= s[k] >= '1' && s[k] <= '9';
    FZ_ASSERT(tr_text_is_negative(s, n) == (neg && nonzero));
}

/* tr_parse_double: the same grammar (under 64 bytes), the value strtod gives. */
static void check_double(const char *s, size_t n)
{
    double v = 0;
    const int rc = tr_parse_double(s, n, &v);
    int neg;
    size_t point;
    if (!plain_decimal(s, n, &neg, &point) || n >= 64) {
        FZ_ASSERT(rc != 0);
        return;
    }
    char text[64];
    memcpy(text, s, n);
    text[n] = 0;
    const double want = strtod(text, NULL);
    FZ_ASSERT(rc == !isfinite(want));
    FZ_ASSERT(rc != 0 || memcmp(&v, &want, sizeof v) == 0);
}

/* tr_parse_timestamp and tr_parse_date_n: a real date of 1970-9999 (and time), as timegm sees
 * it: a date it has to move (February 30th) is not one. */
/* The number in s[0..count), all digits (atoi would read on past the field, and past the end of
 * the fuzzer's buffer). */
static int number_of(const char *s, int count)
{
    int v = 0;
    for (int k = 0; k < count; k++)
        v = v * 10 + (s[k] - '0');
    return v;
}

static void check_time(const char *s, size_t n)
{
    static const char shape[] = "DDDD-DD-DD DD:DD:DD";
    int64_t t = 0;
    const int rc = n == 10 ? tr_parse_date_n(s, n, &t) : tr_parse_timestamp(s, n, &t);
    int ok = n == 10 || n == 19;
    for (size_t k = 0; ok && k < n; k++)
        ok = shape[k] == 'D' ? is_digit(s[k]) : s[k] == shape[k];
    struct tm tm = {0};
    if (ok) {
        tm.tm_year = number_of(s, 4) - 1900, tm.tm_mon = number_of(s + 5, 2) - 1;
        tm.tm_mday = number_of(s + 8, 2);
        if (n == 19)
            tm.tm_hour = number_of(s + 11, 2), tm.tm_min = number_of(s + 14, 2),
            tm.tm_sec = number_of(s + 17, 2);
        const struct tm asked = tm;
        const time_t when = timegm(&tm);
        ok = tm.tm_year + 1900 >= 1970 && tm.tm_year == asked.tm_year &&
             tm.tm_mon == asked.tm_mon && tm.tm_mday == asked.tm_mday &&
             tm.tm_hour == asked.tm_hour && tm.tm_min == asked.tm_min && tm.tm_sec == asked.tm_sec;
        if (ok) FZ_ASSERT(rc == 0 && t == (n == 10 ? (int64_t)when / 86400 : (int64_t)when));
    }
    if (!ok) FZ_ASSERT(rc != 0);
}

/* Every field of a line through every field parser, whatever its column. */
static void check_fields(const char *line, size_t len)
{
    static struct tr_fields f;
    if (tr_split_checked(line, len, &f) != TR_ACCEPT) return;
    for (int k = 0; k < f.n && k < TR_MAX_FIELDS; k++) {
        const char *p = f.p[k];
        const size_t n = f.len[k];
        for (int scale = 0; scale <= 6; scale += scale == 0 ? 2 : scale == 2 ? 1 : 3)
            check_fixed(p, n, scale);
        check_double(p, n);
        if (n == 10 || n == 19) check_time(p, n);
    }
}

/* docs/formats.md: ASCII only, at most 63 bytes, no run of 6 or more digits, and (in a line
 * without quotes, whose fields are plain) no digit at all in the fields that hold ids. */
static void check_excerpt(const char *line, size_t len, uint32_t id_fields, const char *e)
{
    size_t digits = 0, n = strlen(e), field = 0;
    const int plain = memchr(line, '"', len) == NULL;
    FZ_ASSERT(n < TR_EXCERPT_MAX);
    for (size_t k = 0; k < n; k++) {
        FZ_ASSERT(e[k] >= 32 && e[k] < 127);
        digits = e[k] >= '0' && e[k] <= '9' ? digits + 1 : 0;
        FZ_ASSERT(digits < 6);
        field += line[k] == ',';
        if (plain && field < 32 && (id_fields >> field & 1)) FZ_ASSERT(digits == 0);
    }
}

static const int64_t first_second = 0, last_second = 253402300799; /* 1970 .. 9999-12-31 */

static int good_time(int64_t t)
{
    return t >= first_second && t <= last_second;
}

static int good_antenna(int32_t a)
{
    return a == TR_NO_ANTENNA || a == TR_UNKNOWN_ANTENNA ||
           (a >= 0 && (size_t)a < world.table[TR_T_ANTENNAS].n);
}

static int good_balance(int64_t v)
{
    return v == TR_NO_BALANCE || v >= 0;
}

/* The records one accepted line added hold values their columns allow. */
static void check_records(const struct tr_array *out, size_t first, int regions)
{
    FZ_ASSERT(out->n > first);
    for (size_t i = first; i < out->n; i++) {
        const void *rec = tr_array_at(out, i);
        switch (FZ_TABLE) {
        case TR_T_ANTENNAS: {
            const struct tr_antenna_rec *a = rec;
            FZ_ASSERT(a->id[0] && memchr(a->id, 0, sizeof a->id));
            FZ_ASSERT(memchr(a->region_name, 0, sizeof a->region_name));
            FZ_ASSERT(fabs(a->lat) <= 90 && fabs(a->lon) <= 180);
            break;
        }
        case TR_T_SUBSCRIBERS: {
            const struct tr_subscriber *s = rec;
            FZ_ASSERT(s->region >= -1 && s->region < regions && s->plan <= TR_POSTPAID);
            break;
        }
        case TR_T_CDR: {
            const struct tr_cdr *c = rec;
            FZ_ASSERT(good_time(c->t) && good_antenna(c->antenna_self));
            FZ_ASSERT(c->duration >= 0 || (c->text && c->duration == -1));
            FZ_ASSERT(c->outgoing == (i == first));
            break;
        }
        case TR_T_RECHARGES: {
            const struct tr_recharge *r = rec;
            FZ_ASSERT(good_time(r->t) && r->amount >= 0);
            break;
        }
        case TR_T_MOBILEMONEY: {
            const struct tr_money *m = rec;
            FZ_ASSERT(good_time(m->t) && m->amount >= 0 && m->type < TR_TXN_TYPES);
            FZ_ASSERT(good_balance(m->balance_before) && good_balance(m->balance_after));
            FZ_ASSERT(good_balance(m->other_before) && good_balance(m->other_after));
            FZ_ASSERT(good_antenna(m->antenna));
            break;
        }
        case TR_T_MOBILEDATA: {
            const struct tr_data *d = rec;
            FZ_ASSERT(good_time(d->t) && d->volume >= 0);
            break;
        }
        case TR_T_LOANS: {
            const struct tr_loan_rec *l = rec;
            FZ_ASSERT(l->amount >= 0 && l->outstanding >= 0);
            FZ_ASSERT(isnan(l->lgd) || (l->lgd >= 0 && l->lgd <= 1));
            FZ_ASSERT(isnan(l->pd) || (l->pd > 0 && l->pd < 1));
            FZ_ASSERT(l->product <= TR_MORTGAGE_LOAN && l->status <= TR_ST_RESTRUCTURED);
            break;
        }
        case TR_T_SIM_SWAPS: {
            const struct tr_swap *s = rec;
            FZ_ASSERT(good_time(s->t));
            break;
        }
        }
    }
    const size_t per_line = FZ_TABLE == TR_T_CDR || FZ_TABLE == TR_T_MOBILEMONEY ? 2 : 1;
    FZ_ASSERT(out->n - first == per_line);
}

/* The antennas table, once read: every id found again (the first of equal ids), every region
 * name among the sorted, distinct regions. */
static void check_antenna_world(const struct tr_ingest *in)
{
    const struct tr_array *a = &in->table[TR_T_ANTENNAS];
    for (int g = 1; g < in->regions.n; g++)
        FZ_ASSERT(strcmp(in->regions.name[g - 1], in->regions.name[g]) < 0);
    for (size_t i = 0; i < a->n; i++) {
        const struct tr_antenna_rec *r = tr_array_at(a, i);
        const int32_t found = tr_antenna_find(&in->antenna_index, r->id, strlen(r->id));
        FZ_ASSERT(found >= 0 && (size_t)found <= i);
        FZ_ASSERT(
            strcmp(((const struct tr_antenna_rec *)tr_array_at(a, (size_t)found))->id, r->id) == 0);
        FZ_ASSERT(r->region >= 0 && r->region < in->regions.n);
        FZ_ASSERT(strcmp(in->regions.name[r->region], r->region_name) == 0);
    }
}

/* Parses text as a file of the table into in's table; 0, or 1 for a refused header. */
static int parse_file(const struct tr_schema *s, const char *text, size_t size,
                      struct tr_parse_ctx *pc, int check)
{
    const char *at = text, *end = text + size, *line;
    size_t len;
    if (!next_line(&at, end, &line, &len)) return 0; /* an empty file: no header, no lines */
    if (len >= TR_HEADER_MAX) return 1;              /* the reader refuses the file */
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) line += 3, len -= 3;
    struct tr_header_map map;
    char err[512];
    if (tr_header_map(s, line, len, &map, err, sizeof err)) {
        FZ_ASSERT(strlen(err) > 0);
        return 1;
    }
    const int regions = pc->regions ? pc->regions->n : 0;
    const uint32_t id_fields = tr_id_fields(s, &map);
    for (int64_t index = 0; next_line(&at, end, &line, &len); index++) {
        const size_t first = pc->out->n;
        if (check && len <= TR_MAX_LINE) check_tokenizer(line, len), check_fields(line, len);
        const enum tr_reason r =
            len > TR_MAX_LINE ? TR_R_LINE_TOO_LONG
                              : tr_parse_line(pc, s, &map, line, len, tr_order(0, index + 2));
        FZ_ASSERT(r >= TR_ACCEPT && r < TR_R_COUNT);
        pc->stats->lines++;
        if (r == TR_ACCEPT) {
            if (check) check_records(pc->out, first, regions);
            continue;
        }
        FZ_ASSERT(pc->out->n == first); /* a rejected line adds nothing */
        pc->stats->rejected++, pc->stats->by_reason[r]++;
        char excerpt[TR_EXCERPT_MAX];
        tr_mask_excerpt(line, len, id_fields, excerpt);
        if (check) check_excerpt(line, len, id_fields, excerpt);
    }
    return 0;
}

/* The id book every run notes its ids in: a fresh one costs a megabyte per run (a third of the
 * time), so one is kept and started again once it holds many ids. */
static struct tr_id_book *shared_ids(void)
{
    static struct tr_id_book ids;
    if (ids.slot && ids.n_used > 100000) tr_id_book_free(&ids);
    if (!ids.slot) tr_id_book_init(&ids);
    return &ids;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const struct tr_ctx *ctx = fz_init();
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    char err[256];
    FZ_ASSERT(tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err) == 0);
    tr_ingest_init(&world);
    struct tr_file_stats stats = {0};
    struct tr_parse_ctx pc = {
        .kh = &kh, .regions = &world.regions, .stats = &stats, .out = &world.table[TR_T_ANTENNAS]};
    FZ_ASSERT(parse_file(&tr_schema_antennas, fixture_antennas, sizeof fixture_antennas - 1, &pc,
                         0) == 0);
    FZ_ASSERT(tr_ingest_antennas_read(ctx, &world) == 0 && world.regions.n == 3);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct tr_schema *s = tr_schema_of(FZ_TABLE);
    struct tr_ingest in; /* empty tables; its own id book unused (zeroed: nothing to free) */
    memset(&in, 0, sizeof in);
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_init(&in.table[t], tr_schema_of((enum tr_table_id)t)->record_size);
    struct tr_file_stats stats = {0};
    const int antennas = FZ_TABLE == TR_T_ANTENNAS;
    struct tr_parse_ctx pc = {.kh = &kh,
                              .antennas = antennas ? NULL : &world.antenna_index,
                              .regions = &world.regions,
                              .ids = shared_ids(),
                              .stats = &stats,
                              .out = &in.table[FZ_TABLE],
                              .max_outstanding_ratio = 2};
    const int refused = parse_file(s, (const char *)data, size, &pc, 1);
    FZ_ASSERT(stats.lines == 0 || !refused);
    FZ_ASSERT(stats.rejected <= stats.lines);
    tr_id_book_flush(pc.ids);
    if (antennas && !refused) { /* a table without an antenna is refused (exit 2) */
        const int rc = tr_ingest_antennas_read(fz_init(), &in);
        FZ_ASSERT(rc == (in.table[TR_T_ANTENNAS].n > 0 ? TR_EXIT_OK : TR_EXIT_INPUT));
        if (rc == TR_EXIT_OK) check_antenna_world(&in);
    }
    tr_ingest_free(&in);
    return 0;
}
