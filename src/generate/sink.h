/* Where a generation round's output goes before it is written: one text buffer per output file,
 * and the truth rows that cite line numbers, kept until the round's line offsets are known. */
#ifndef TELRISK_GENERATE_SINK_H
#define TELRISK_GENERATE_SINK_H

#include "io/textbuf.h"

#include <stdint.h>

enum tr_gen_file {
    TR_F_CDR,
    TR_F_RECHARGES,
    TR_F_MOBILEMONEY,
    TR_F_MOBILEDATA,
    TR_F_SUBSCRIBERS,
    TR_F_LOANS,
    TR_F_SIM_SWAPS,
    TR_F_REPAYMENTS,
    TR_F_TRUTH_SUBSCRIBERS,
    TR_F_TRUTH_LOANS,
    TR_F_TRUTH_FRAUD,
    TR_F_TRUTH_DEFECTS,
    TR_F_COUNT
};
#define TR_F_TABLES TR_F_TRUTH_SUBSCRIBERS /* the first TR_F_TABLES files are input tables */

struct tr_file_spec {
    const char *path;   /* relative to the output folder */
    const char *header; /* first line, without newline */
};
extern const struct tr_file_spec tr_gen_files[TR_F_COUNT];

/* A truth row that names a line of a table: written as "<table>,<line>,<tail>" once the line
 * is known (defects), or with the line put where "%L" stands in the text (fraud). */
struct tr_line_ref {
    uint8_t target;   /* TR_F_TRUTH_DEFECTS or TR_F_TRUTH_FRAUD */
    uint8_t table;    /* enum tr_gen_file */
    int64_t local;    /* 0-based line within this rank's round buffer of that table */
    size_t text, len; /* the rest of the row in tr_sink.ref_text */
};

struct tr_sink {
    struct tr_textbuf buf[TR_F_COUNT];
    struct tr_line_ref *refs;
    size_t n_refs, cap_refs;
    struct tr_textbuf ref_text;
    /* counts for truth/summary.csv, per table */
    int64_t malformed[TR_F_TABLES], duplicates[TR_F_TABLES], unknown_antenna[TR_F_TABLES],
        ledger_breaks[TR_F_TABLES], records[TR_F_TABLES];
    int64_t fraud[8]; /* per enum tr_kind */
};

void tr_sink_init(struct tr_sink *s);
void tr_sink_free(struct tr_sink *s);
/* Empties the buffers and references for the next round (counts are kept). */
void tr_sink_clear_round(struct tr_sink *s);

/* Starts a row that cites the line about to be written next in `table`; the caller appends
 * the rest of the row to s->ref_text and then calls tr_sink_ref_end. */
void tr_sink_ref_begin(struct tr_sink *s, int target, int table, int64_t local_line);
void tr_sink_ref_end(struct tr_sink *s);

/* Formats the referencing rows into their truth buffers, given each table's first global
 * line index of this rank's round (0-based, header = 0). */
void tr_sink_resolve(struct tr_sink *s, const int64_t first_line[TR_F_COUNT]);

#endif
