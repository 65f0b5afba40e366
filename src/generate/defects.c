#include "generate/defects.h"

#include "core/rng.h"

#include <string.h>

const char *const tr_malformed_names[TR_BAD_COUNT] = {
    "missing_field",    "extra_field", "bad_number", "bad_timestamp", "negative_value",
    "unknown_txn_type", "stray_quote", "nul_byte",   "line_too_long",
};

/* Field positions per table: timestamp, a number that must be >= 0, txn_type, subscriber id. */
struct layout {
    int ts, num, type, id;
};

static struct layout layout_of(int table)
{
    switch (table) {
    case TR_F_CDR:
        return (struct layout){3, 4, 0, 1};
    case TR_F_RECHARGES:
        return (struct layout){2, 1, -1, 0};
    case TR_F_MOBILEMONEY:
        return (struct layout){4, 5, 1, 2};
    case TR_F_MOBILEDATA:
        return (struct layout){2, 1, -1, 0};
    default:
        return (struct layout){1, -1, -1, 0}; /* sim_swaps */
    }
}

/* Byte range [*b, *e) of field f in line. */
static int field_span(const char *line, size_t len, int f, size_t *b, size_t *e)
{
    size_t start = 0;
    *b = *e = 0;
    for (int k = 0; k < f; k++) {
        const char *c = memchr(line + start, ',', len - start);
        if (!c) return 0;
        start = (size_t)(c - line) + 1;
    }
    const char *c = memchr(line + start, ',', len - start);
    *b = start;
    *e = c ? (size_t)(c - line) : len;
    return 1;
}

/* line with field f replaced by repl. */
static void put_replaced(struct tr_textbuf *out, const char *line, size_t len, int f,
                         const char *repl)
{
    size_t b = 0, e = 0;
    field_span(line, len, f, &b, &e);
    tr_put_mem(out, line, b);
    tr_put_str(out, repl);
    tr_put_mem(out, line + e, len - e);
}

/* The kinds that make sense for this record: a numeric field to spoil must hold a number. */
static int applicable(enum tr_malformed kind, struct layout L, const char *line, size_t len)
{
    size_t b = 0, e = 0;
    switch (kind) {
    case TR_BAD_NUMBER:
    case TR_BAD_NEGATIVE:
        return L.num >= 0 && field_span(line, len, L.num, &b, &e) && e > b;
    case TR_BAD_TXN_TYPE:
        return L.type >= 0;
    default:
        return 1;
    }
}

static void put_malformed(struct tr_textbuf *out, enum tr_malformed kind, struct layout L,
                          const char *line, size_t len, uint64_t key)
{
    static const char *const bad_times[] = {
        "2020-02-30 10:00:00", "2020-13-01 10:00:00", "2020-01-10 24:00:00",
        "2020-01-10 12:61:00", "20200110 120000",     "yesterday",
    };
    size_t b = 0, e = 0;
    switch (kind) {
    case TR_BAD_MISSING_FIELD: {
        size_t cut = len;
        while (cut > 0 && line[cut - 1] != ',')
            cut--;
        tr_put_mem(out, line, cut ? cut - 1 : 0);
        break;
    }
    case TR_BAD_EXTRA_FIELD:
        tr_put_mem(out, line, len);
        tr_put_str(out, ",1");
        break;
    case TR_BAD_NUMBER:
        put_replaced(out, line, len, L.num, "12x5");
        break;
    case TR_BAD_TIMESTAMP:
        put_replaced(out, line, len, L.ts, bad_times[key % 6]);
        break;
    case TR_BAD_NEGATIVE: {
        char neg[64] = "-";
        field_span(line, len, L.num, &b, &e);
        memcpy(neg + 1, line + b, e - b < 60 ? e - b : 60);
        neg[1 + (e - b < 60 ? e - b : 60)] = 0;
        put_replaced(out, line, len, L.num, neg);
        break;
    }
    case TR_BAD_TXN_TYPE:
        put_replaced(out, line, len, L.type, L.type == 0 ? "fax" : "wire");
        break;
    case TR_BAD_STRAY_QUOTE:
        field_span(line, len, L.id, &b, &e);
        tr_put_mem(out, line, b);
        tr_put_char(out, '"');
        tr_put_mem(out, line + b, len - b);
        break;
    case TR_BAD_NUL_BYTE:
        field_span(line, len, L.id, &b, &e);
        tr_put_mem(out, line, b + 1);
        tr_put_char(out, '\0');
        tr_put_mem(out, line + b + 1, len - b - 1);
        break;
    case TR_BAD_LINE_TOO_LONG:
        field_span(line, len, L.id, &b, &e);
        tr_put_mem(out, line, e);
        for (int k = 0; k < TR_MAX_LINE_BYTES + 1000; k++)
            tr_put_char(out, (char)('0' + k % 10));
        tr_put_mem(out, line + e, len - e);
        break;
    case TR_BAD_COUNT:
        break;
    }
}

static void note_defect(struct tr_sink *s, int table, const char *kind, const char *subscriber_id,
                        const char *detail)
{
    tr_sink_ref_begin(s, TR_F_TRUTH_DEFECTS, table, s->buf[table].lines);
    tr_put_str(&s->ref_text, kind);
    tr_put_char(&s->ref_text, ',');
    tr_put_str(&s->ref_text, subscriber_id);
    tr_put_char(&s->ref_text, ',');
    tr_put_str(&s->ref_text, detail);
    tr_sink_ref_end(s);
}

void tr_emit_record(const struct tr_world *w, struct tr_sink *s, int table, const char *line,
                    size_t len, uint64_t record_key, const char *subscriber_id, int may_copy)
{
    struct tr_textbuf *out = &s->buf[table];
    tr_put_mem(out, line, len);
    tr_put_eol(out);
    s->records[table]++;
    uint64_t h = tr_key(w->seed, TR_S_DEFECT, record_key, (uint64_t)table);
    if (may_copy && tr_unit(h) < w->cfg->generate.duplicate_rate) {
        char detail[48];
        snprintf(detail, sizeof detail, "copy of line above");
        note_defect(s, table, "duplicate", subscriber_id, detail);
        tr_put_mem(out, line, len);
        tr_put_eol(out);
        s->records[table]++;
        s->duplicates[table]++;
    }
    uint64_t h2 = tr_mix64(h);
    if (tr_unit(h2) < w->cfg->generate.malformed_rate) {
        struct layout L = layout_of(table);
        enum tr_malformed kind = (enum tr_malformed)(tr_mix64(h2) % TR_BAD_COUNT);
        while (!applicable(kind, L, line, len))
            kind = (enum tr_malformed)((kind + 1) % TR_BAD_COUNT);
        note_defect(s, table, "malformed", subscriber_id, tr_malformed_names[kind]);
        put_malformed(out, kind, L, line, len, tr_mix64(h2 + 1));
        tr_put_eol(out);
        s->malformed[table]++;
    }
}

int tr_plant_unknown_antenna(const struct tr_world *w, uint64_t record_key, int32_t *fake_id)
{
    uint64_t h = tr_key(w->seed, TR_S_DEFECT, record_key, 1000);
    if (tr_unit(h) >= w->cfg->generate.unknown_antenna_rate) return 0;
    *fake_id = w->n_antennas + 1 + (int32_t)(tr_mix64(h) % 90000);
    return 1;
}
