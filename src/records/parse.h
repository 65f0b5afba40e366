/* Parsing one table's lines into typed records: the schema of each table (the columns it needs,
 * matched by header name) and its converter, which checks a line's fields in the order of
 * docs/formats.md's reject reasons and appends the record. One file per table implements it. */
#ifndef TELRISK_RECORDS_PARSE_H
#define TELRISK_RECORDS_PARSE_H

#include "core/keyhash.h"
#include "io/csv.h"
#include "records/tables.h"

#define TR_MAX_COLUMNS 16

/* Per input file: what happened to its lines. */
struct tr_file_stats {
    int64_t bytes;
    int64_t lines; /* data lines, header excluded */
    int64_t rejected;
    int64_t by_reason[TR_R_COUNT];
    int64_t unknown_antenna;
    int64_t duplicates;
};

struct tr_antenna_index; /* antenna id -> index, records/antenna_index.h */
struct tr_region_list;
struct tr_id_book; /* key -> raw id seen, for collision detection */

struct tr_parse_ctx {
    const struct tr_keyhash *kh;
    const struct tr_holdout_draw *draw;      /* the subscribers' hold-out bit; NULL: none drawn */
    const struct tr_antenna_index *antennas; /* NULL while the antennas table itself is read */
    const struct tr_region_list *regions;    /* region names known to the run */
    struct tr_id_book *ids;
    struct tr_file_stats *stats;  /* of the file being read */
    struct tr_array *out;         /* the table's records */
    uint64_t line_hash;           /* of the line being converted (tr_line_hash) */
    double max_outstanding_ratio; /* inputs.max_outstanding_ratio (loans) */
    /* The last id parsed in each party's column and its key: a CDR export sorted by caller
     * repeats the caller line after line, which then costs neither a hash nor the id book. */
    struct tr_id_memo {
        uint64_t key;
        size_t len; /* 0: none yet */
        char id[24];
    } memo[2];
    /* The last antenna id parsed in each party's column and its index (a caller's lines often
     * name one antenna after another). */
    struct tr_antenna_memo {
        int32_t index;
        uint32_t len; /* 0: none yet */
        char id[24];
    } antenna_memo[2];
};

typedef enum tr_reason (*tr_convert_fn)(struct tr_parse_ctx *pc, const struct tr_fields *f,
                                        const int *col, uint64_t order);

struct tr_schema {
    enum tr_table_id table;
    int n_cols;
    const char *cols[TR_MAX_COLUMNS]; /* required columns, in the converter's order */
    tr_convert_fn convert;
    size_t record_size;      /* bytes of one record in pc->out */
    int n_optional;          /* columns a file may leave out, after the required ones ... */
    const char *optional[5]; /* ... at col[n_cols + k], -1 when the header lacks them */
};

extern const struct tr_schema tr_schema_antennas, tr_schema_subscribers, tr_schema_cdr,
    tr_schema_recharges, tr_schema_mobilemoney, tr_schema_mobiledata, tr_schema_loans,
    tr_schema_sim_swaps, tr_schema_repayments;
const struct tr_schema *tr_schema_of(enum tr_table_id t);

/* Where each required column is in a file's header. */
struct tr_header_map {
    int n_fields;            /* fields in the header: every line must have as many */
    int col[TR_MAX_COLUMNS]; /* field index of schema column k (optional ones: -1 absent) */
};

/* Matches the header (BOM and CR already removed). 0, or 1 with err naming the missing column or
 * a column the table reads that the header names twice. */
int tr_header_map(const struct tr_schema *s, const char *line, size_t len, struct tr_header_map *m,
                  char *err, size_t errlen);

/* One data line: the checks of docs/formats.md, then the converter. */
enum tr_reason tr_parse_line(struct tr_parse_ctx *pc, const struct tr_schema *s,
                             const struct tr_header_map *m, const char *line, size_t len,
                             uint64_t order);

/* Helpers for the converters. */
uint64_t tr_parse_id(struct tr_parse_ctx *pc, const char *s, size_t n);
/* The same for a party column (side 0: caller, 1: recipient), remembering its last id. */
uint64_t tr_parse_party(struct tr_parse_ctx *pc, int side, const char *s, size_t n);
int32_t tr_parse_antenna(struct tr_parse_ctx *pc, const char *s, size_t n);
/* The same for a party's antenna column (side 0: caller, 1: recipient), remembering its last. */
int32_t tr_parse_party_antenna(struct tr_parse_ctx *pc, int side, const char *s, size_t n);
/* Money beyond this many cents (10^12 currency units) is no real amount or balance in any
 * currency (the control totals sum cents exactly whatever their count: tr_isum, core/exact.h). */
#define TR_MONEY_MAX_CENTS ((int64_t)100000000000000)
/* An amount in cents; empty gives TR_NO_BALANCE when optional. TR_R_BAD_NUMBER (not a number),
 * TR_R_BAD_VALUE (a number beyond +-TR_MONEY_MAX_CENTS) or TR_ACCEPT: the sign and the range are
 * the converter's to report, after every field has parsed (reason order). */
enum tr_reason tr_parse_money(const char *s, size_t n, int optional, int64_t *v);
/* A number's parse (tr_parse_fixed: 0 ok, 1 not a number, 2 out of range) as a reason:
 * TR_R_BAD_NUMBER, or TR_R_BAD_VALUE for a number too large to hold, which the converter reports
 * after the signs (a value outside the column's domain). */
static inline enum tr_reason tr_number_reason(int parsed)
{
    return parsed == 0 ? TR_ACCEPT : parsed == 2 ? TR_R_BAD_VALUE : TR_R_BAD_NUMBER;
}
/* Whether an id field (subscriber, transaction, loan) is one: not empty, and no space or tab at
 * either end (" 2557..." would key another subscriber than "2557...", one person split in two
 * without a word). */
static inline int tr_id_ok(const char *s, size_t n)
{
    return n > 0 && s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t';
}
/* Index of s among a NULL-terminated list of words, or -1. */
int tr_word_index(const char *s, size_t n, const char *const *words);

#define TR_FIELD(f, col, k) (f)->p[(col)[k]], (f)->len[(col)[k]]

#endif
