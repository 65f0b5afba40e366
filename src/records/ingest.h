/* Ingest: every input table read in parallel and parsed into typed records, every rejected line
 * accounted for (file, line, reason, excerpt), lines = accepted + rejected per file. */
#ifndef TELRISK_RECORDS_INGEST_H
#define TELRISK_RECORDS_INGEST_H

#include "config/config.h"
#include "core/keyhash.h"
#include "core/log.h"
#include "records/inputs.h"
#include "records/accounts.h"
#include "records/antenna_index.h"
#include "records/id_book.h"
#include "records/parse.h"
#include "records/window.h"

struct tr_ingest {
    struct tr_array table[TR_T_COUNT]; /* this rank's records; antennas: all of them, every rank */
    struct tr_region_list regions;
    struct tr_antenna_index antenna_index;
    struct tr_id_book ids;
    uint64_t holdout_check; /* the subscribers' hold-out draw (tr_holdout_check) */
    int n_files;
    struct tr_input_stat *files;      /* [n_files], the same on every rank */
    struct tr_file_stats *file_stats; /* [n_files], summed over ranks */
    struct tr_reject *rejects;        /* rank 0: all, sorted by (file, line); else none */
    size_t n_rejects;
    int64_t records;         /* accepted records, all ranks */
    int64_t bytes;           /* input bytes */
    int64_t t_first, t_last; /* earliest and latest event time of any accepted record, all ranks
                                (INT64_MAX, INT64_MIN: none) */
    int64_t key_collisions;  /* read from columnar inputs (their ids are gone); else -1 */
    /* Noted as each line is read, in a run's first pass (every line, whatever pass keeps its
     * records): its lines per day, for the observation window; and every loan's (loan_id key,
     * line hash, order), for loan ids given twice (partition/conflicts.h). */
    struct tr_day_counts days;
    struct tr_array loan_notes; /* struct tr_loan_note */
};

struct tr_loan_note {
    uint64_t loan, line, order;
};

/* For the input sources: a line accepted in a run's first pass, rec its primary record (the
 * caller's copy), noted for the window and the loan ids. */
void tr_ingest_note_line(struct tr_ingest *in, int table, const void *rec);

/* Records received in one round from one sender: table rows [first, first + n) from rank `from`
 * (the CSV read numbers their lines from the sender's first line once the file is read). */
struct tr_received_run {
    size_t first, n;
    int from;
};
struct tr_received {
    struct tr_received_run *run; /* [n], room for cap */
    size_t n, cap;
};

/* Where a read puts the records it parses: the read's only tie to partition/, which provides a
 * run's router (partition/exchange.h: tr_pass_router). A NULL router keeps every record on the
 * rank that read it, in file order (telrisk convert). */
struct tr_router {
    void *self;
    /* Whether this pass keeps the records of subscriber key (NULL: every one). */
    int (*keeps)(const void *self, uint64_t key);
    /* Collective, at the end of each reading round: the staged records (each starting with its
     * subscriber's key) to their owners, appended to table; staged emptied; the runs received
     * added to got. */
    void (*send)(void *self, const struct tr_ctx *ctx, struct tr_array *staged,
                 struct tr_array *table, struct tr_received *got);
    /* A later pass of a run in passes: its lines were accounted for by the first (no ids noted,
     * no rejects gathered, no reject rate checked again). */
    int later_pass;
};

/* An input source: where the records come from (the CSV files, or a columnar file telrisk convert
 * made from them). Each parses or loads every table, accounts for every line and routes the
 * records through the router. */
struct tr_input_source {
    const char *name;
    /* Collective. 0, or an exit code (the reason printed once): TR_EXIT_INPUT for missing or
     * unreadable files, bad headers, or a file whose reject rate exceeds inputs.max_reject_rate. */
    int (*read)(const struct tr_ctx *ctx, const struct tr_config *cfg, const struct tr_keyhash *kh,
                const struct tr_router *router, struct tr_ingest *in);
    /* Collective (telrisk run --check): headers and the first max_lines lines, in seconds. */
    int (*check)(const struct tr_ctx *ctx, const struct tr_config *cfg, const struct tr_keyhash *kh,
                 int64_t max_lines, struct tr_ingest *in);
    /* Collective: the bytes of the CSV inputs the records come from, on rank 0 (0 elsewhere; -1
     * when they cannot be found: the read says why). */
    double (*bytes)(const struct tr_ctx *ctx, const struct tr_config *cfg);
};
extern const struct tr_input_source tr_csv_source;      /* records/csv_source.c */
extern const struct tr_input_source tr_columnar_source; /* records/columnar.c */
/* inputs.columnar set: the columnar source; else the CSV files. */
const struct tr_input_source *tr_input_source_of(const struct tr_config *cfg);

/* Collective: the configured source's read (tr_input_source_of). */
int tr_ingest(const struct tr_ctx *ctx, const struct tr_config *cfg, const struct tr_keyhash *kh,
              const struct tr_router *router, struct tr_ingest *in);
/* For the readers of ingest (CSV, columnar). Empty tables, an empty id book. */
void tr_ingest_init(struct tr_ingest *in);
/* Every rank has read every antenna (the same on
 * each): their regions numbered, or an error (too many). */
int tr_ingest_antennas_read(const struct tr_ctx *ctx, struct tr_ingest *in);
/* Every antenna read (the same rows on every rank): an id given more than once keeps one row, the
 * one whose raw line has the smallest hash (tr_line_hash; then its content), whatever the files'
 * order. A row equal to it in every field is a repeat: dropped and counted in its file's
 * duplicates (the later copy's, for byte-identical lines); any other row of the id is rejected
 * (conflicting_duplicate). The table keeps file order. Rank 0 counts these in in->file_stats and
 * returns the rejects in *rejects (n of them, malloc'd); other ranks return 0. */
size_t tr_ingest_antenna_repeats(const struct tr_ctx *ctx, struct tr_ingest *in,
                                 struct tr_reject **rejects);
/* The run's regions: the antennas' region names, sorted; each antenna gets its index. */
void tr_ingest_number_regions(struct tr_ingest *in);
/* Collective, after every table is read: the counts summed, the window, the reject rates. */
int tr_ingest_finish(const struct tr_ctx *ctx, const struct tr_config *cfg, int later_pass,
                     int64_t t_first, int64_t t_last, struct tr_ingest *in);
void tr_ingest_free(struct tr_ingest *in);
/* Collective, after the read (the counts summed): the tables whose files hold no data line, said
 * once (in the first pass); with check_absent (columnar inputs, whose tables the resolver did not
 * see), a required table without a file too. TR_EXIT_INPUT when the run requires one
 * (inputs.require). */
int tr_ingest_table_states(const struct tr_ctx *ctx, const struct tr_config *cfg,
                           const struct tr_ingest *in, int later, int check_absent);
/* Collective: stops the run (TR_EXIT_INPUT, said once) when a file's reject rate is over
 * inputs.max_reject_rate, naming its commonest reason. */
int tr_ingest_check_reject_rates(const struct tr_ctx *ctx, const struct tr_config *cfg,
                                 const struct tr_ingest *in);
/* Collective: every rank's late rejects (records/late.h) accounted in acct, the run's first pass:
 * its rejects on rank 0 (merged in (file, line) order), its files' counts; l emptied. Then the
 * reject rates are checked again. 0, or TR_EXIT_INPUT. */
int tr_ingest_add_late(const struct tr_ctx *ctx, const struct tr_config *cfg,
                       struct tr_ingest *acct, struct tr_late_rejects *l);
/* Collective, for the readers of ingest: every rank's n_mine rejects to rank 0 (in->rejects,
 * sorted by (file, line); none elsewhere). 0, or TR_EXIT_INPUT (said once) when there are more
 * than 2^31 - 1 in all: MPI counts them in ints. */
int tr_ingest_gather_rejects(const struct tr_ctx *ctx, struct tr_ingest *in,
                             const struct tr_reject *mine, size_t n_mine);

/* Collective: the configured source's check. With CSV inputs rank 0 reads every input file's header
 * and first max_lines lines (all of the antennas, which give the regions), parsed as the run would,
 * in seconds. in->file_stats[f] counts the lines checked and rejected by reason; in->regions holds
 * the regions. 0, or an exit code with the reason printed (a missing file, a bad header). */
int tr_ingest_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, int64_t max_lines, struct tr_ingest *in);

/* The excerpt of a rejected line as stored: at most TR_EXCERPT_MAX - 1 bytes, control and
 * non-ASCII bytes as '?' (so it is valid UTF-8 wherever it is cut), and no id: the digits of the
 * fields the header names as ids (bit k of id_fields: field k) are masked with '#', and so are
 * those of any other field with 6 digits or more that is not a timestamp (a phone number in the
 * wrong column, or a line whose fields are shifted). */
void tr_mask_excerpt(const char *line, size_t len, uint32_t id_fields, char out[TR_EXCERPT_MAX]);

/* The fields of a file's lines that hold ids (subscribers, counterparties, transactions, loans;
 * not antennas or towers), as tr_mask_excerpt takes them. */
uint32_t tr_id_fields(const struct tr_schema *s, const struct tr_header_map *m);

#endif
