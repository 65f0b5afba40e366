#include "records/parse.h"

#include "records/antenna_index.h"
#include "records/id_book.h"

#include <stdio.h>
#include <string.h>

const struct tr_schema *tr_schema_of(enum tr_table_id t)
{
    static const struct tr_schema *const all[TR_T_COUNT] = {
        &tr_schema_antennas,  &tr_schema_subscribers, &tr_schema_cdr,
        &tr_schema_recharges, &tr_schema_mobilemoney, &tr_schema_mobiledata,
        &tr_schema_loans,     &tr_schema_sim_swaps,   &tr_schema_repayments,
    };
    return all[t];
}

int tr_header_map(const struct tr_schema *s, const char *line, size_t len, struct tr_header_map *m,
                  char *err, size_t errlen)
{
    struct tr_fields f;
    tr_split(line, len, &f);
    if (f.n > TR_MAX_FIELDS) {
        snprintf(err, errlen, "header has more than %d columns", TR_MAX_FIELDS);
        return 1;
    }
    m->n_fields = f.n;
    for (int k = 0; k < s->n_cols; k++) {
        m->col[k] = -1;
        for (int j = 0; j < f.n && m->col[k] < 0; j++)
            if (tr_field_is(f.p[j], f.len[j], s->cols[k])) m->col[k] = j;
        if (m->col[k] < 0) {
            snprintf(err, errlen, "header lacks the column '%s' (a %s table needs:", s->cols[k],
                     tr_table_names[s->table]);
            for (int q = 0; q < s->n_cols; q++) {
                size_t used = strlen(err);
                snprintf(err + used, errlen - used, " %s", s->cols[q]);
            }
            size_t used = strlen(err);
            snprintf(err + used, errlen - used, ")");
            /* A file whose lines end in a lone CR is one long header line. */
            used = strlen(err);
            if (memchr(line, '\r', len))
                snprintf(err + used, errlen - used,
                         "; the header holds a carriage return: lines must end in \\n or"
                         " \\r\\n");
            return 1;
        }
    }
    for (int k = 0; k < s->n_optional; k++) {
        int *c = &m->col[s->n_cols + k];
        *c = -1;
        for (int j = 0; j < f.n && *c < 0; j++)
            if (tr_field_is(f.p[j], f.len[j], s->optional[k])) *c = j;
    }
    /* A column the table reads, named twice: which of the two holds the data is anyone's guess,
     * so the file is refused rather than read from the first. */
    for (int k = 0; k < s->n_cols + s->n_optional; k++) {
        const char *name = k < s->n_cols ? s->cols[k] : s->optional[k - s->n_cols];
        for (int j = m->col[k] + 1; m->col[k] >= 0 && j < f.n; j++)
            if (tr_field_is(f.p[j], f.len[j], name)) {
                snprintf(err, errlen, "header names the column '%s' twice (columns %d and %d)",
                         name, m->col[k] + 1, j + 1);
                return 1;
            }
    }
    return 0;
}

enum tr_reason tr_parse_line(struct tr_parse_ctx *pc, const struct tr_schema *s,
                             const struct tr_header_map *m, const char *line, size_t len,
                             uint64_t order)
{
    struct tr_fields f;
    const enum tr_reason r = tr_split_checked(line, len, &f);
    if (r != TR_ACCEPT) return r;
    if (f.n < m->n_fields) return TR_R_MISSING_FIELD;
    if (f.n > m->n_fields) return TR_R_EXTRA_FIELD;
    pc->line_hash = tr_line_hash(line, len);
    return s->convert(pc, &f, m->col, order);
}

uint64_t tr_parse_id(struct tr_parse_ctx *pc, const char *s, size_t n)
{
    uint64_t key = tr_keyhash(pc->kh, s, n);
    if (pc->ids) tr_id_book_note(pc->ids, key, s, n);
    return key;
}

uint64_t tr_parse_party(struct tr_parse_ctx *pc, int side, const char *s, size_t n)
{
    struct tr_id_memo *m = &pc->memo[side];
    if (n > 0 && n == m->len && memcmp(s, m->id, n) == 0) return m->key;
    const uint64_t key = tr_parse_id(pc, s, n);
    if (n <= sizeof m->id) {
        memcpy(m->id, s, n);
        m->len = n, m->key = key;
    }
    return key;
}

int32_t tr_parse_antenna(struct tr_parse_ctx *pc, const char *s, size_t n)
{
    if (n == 0) return TR_NO_ANTENNA;
    int32_t a = tr_antenna_find(pc->antennas, s, n);
    if (a >= 0) return a;
    return TR_UNKNOWN_ANTENNA;
}

int32_t tr_parse_party_antenna(struct tr_parse_ctx *pc, int side, const char *s, size_t n)
{
    struct tr_antenna_memo *m = &pc->antenna_memo[side];
    if (n > 0 && n == m->len && memcmp(s, m->id, n) == 0) return m->index;
    const int32_t index = tr_parse_antenna(pc, s, n);
    if (n > 0 && n <= sizeof m->id) {
        memcpy(m->id, s, n);
        m->len = (uint32_t)n, m->index = index;
    }
    return index;
}

enum tr_reason tr_parse_money(const char *s, size_t n, int optional, int64_t *v)
{
    if (n == 0) {
        if (!optional) return TR_R_BAD_NUMBER;
        *v = TR_NO_BALANCE;
        return TR_ACCEPT;
    }
    const enum tr_reason r = tr_number_reason(tr_parse_fixed(s, n, 2, v));
    if (r != TR_ACCEPT) return r;
    return *v > TR_MONEY_MAX_CENTS || *v < -TR_MONEY_MAX_CENTS ? TR_R_BAD_VALUE : TR_ACCEPT;
}

int tr_word_index(const char *s, size_t n, const char *const *words)
{
    for (int k = 0; words[k]; k++)
        if (tr_field_is(s, n, words[k])) return k;
    return -1;
}
