#include "records/columnar.h"

#include "core/error.h"
#include "core/progress.h"
#include "io/columns.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_ROWS ((uint64_t)1 << 19) /* rows a rank reads before its records are sent */
#define KEY_CHECK  "telrisk columnar key check"
#define REJECT_TAG "struct tr_reject" /* the rejects are stored as their structs' bytes */
#define STAT_COLS  (sizeof(struct tr_file_stats) / sizeof(int64_t)) /* int64 counts per file */
#define GROUP_LEN  (sizeof "tables/" + TR_TABLE_NAME_MAX)           /* bytes of "tables/<table>" */

/* ---- the schema: one row struct per table, one dataset per field ---- */

struct column {
    struct tr_col col; /* its dataset: the member's name, kind, bytes and codec */
    size_t offset;     /* of the member in the row struct */
};

/* A CDR line as one row: the caller's copy and the recipient's antenna. */
struct cdr_row {
    uint64_t caller, recipient, order;
    int64_t t;
    int32_t duration, caller_antenna, recipient_antenna;
    uint32_t line;
    uint8_t text, international;
};

/* A column of an integer of small range (packed), or of a double or string (deflated);
 * elem: U8, I32, U32, I64, U64, F64 or STR (enum tr_col_kind without TR_COL_). */
#define COL(type, member, elem)                                                                    \
    {                                                                                              \
        .col = {.name = #member,                                                                   \
                .kind = TR_COL_##elem,                                                             \
                .size = sizeof(((type *)0)->member),                                               \
                .codec = TR_COL_##elem == TR_COL_F64 || TR_COL_##elem == TR_COL_STR                \
                             ? TR_COL_DEFLATED                                                     \
                             : TR_COL_PACKED},                                                     \
        .offset = offsetof(type, member)                                                           \
    }
/* A column of random bits (a keyed hash, a line hash): stored as it is. */
#define KEY(type, member, elem)                                                                    \
    {                                                                                              \
        .col = {.name = #member,                                                                   \
                .kind = TR_COL_##elem,                                                             \
                .size = sizeof(((type *)0)->member),                                               \
                .codec = TR_COL_RAW},                                                              \
        .offset = offsetof(type, member)                                                           \
    }

static const struct column cdr_cols[] = {
    KEY(struct cdr_row, caller, U64),
    KEY(struct cdr_row, recipient, U64),
    COL(struct cdr_row, order, U64),
    COL(struct cdr_row, t, I64),
    COL(struct cdr_row, duration, I32),
    COL(struct cdr_row, caller_antenna, I32),
    COL(struct cdr_row, recipient_antenna, I32),
    KEY(struct cdr_row, line, U32),
    COL(struct cdr_row, text, U8),
    COL(struct cdr_row, international, U8),
};
static const struct column money_cols[] = {
    KEY(struct tr_money, self, U64),
    KEY(struct tr_money, other, U64),
    COL(struct tr_money, t, I64),
    COL(struct tr_money, order, U64),
    COL(struct tr_money, amount, I64),
    COL(struct tr_money, balance_before, I64),
    COL(struct tr_money, balance_after, I64),
    COL(struct tr_money, other_before, I64),
    COL(struct tr_money, other_after, I64),
    KEY(struct tr_money, txn, U64),
    KEY(struct tr_money, line, U64),
    COL(struct tr_money, antenna, I32),
    COL(struct tr_money, type, U8),
};
static const struct column recharge_cols[] = {
    KEY(struct tr_recharge, self, U64),   COL(struct tr_recharge, t, I64),
    COL(struct tr_recharge, order, U64),  KEY(struct tr_recharge, line, U64),
    COL(struct tr_recharge, amount, I64),
};
static const struct column data_cols[] = {
    KEY(struct tr_data, self, U64),   COL(struct tr_data, t, I64),
    COL(struct tr_data, order, U64),  KEY(struct tr_data, line, U64),
    COL(struct tr_data, volume, I64),
};
static const struct column swap_cols[] = {
    KEY(struct tr_swap, self, U64),
    COL(struct tr_swap, t, I64),
    COL(struct tr_swap, order, U64),
    KEY(struct tr_swap, line, U64),
};
static const struct column subscriber_cols[] = {
    KEY(struct tr_subscriber, self, U64),       COL(struct tr_subscriber, order, U64),
    KEY(struct tr_subscriber, line, U64),       COL(struct tr_subscriber, region, I32),
    COL(struct tr_subscriber, activation, I32), COL(struct tr_subscriber, plan, U8),
    COL(struct tr_subscriber, holdout, U8),
};
static const struct column loan_cols[] = {
    KEY(struct tr_loan_rec, self, U64),         COL(struct tr_loan_rec, order, U64),
    KEY(struct tr_loan_rec, line, U64),         KEY(struct tr_loan_rec, loan, U64),
    COL(struct tr_loan_rec, issued, I32),       COL(struct tr_loan_rec, due, I32),
    COL(struct tr_loan_rec, amount, I64),       COL(struct tr_loan_rec, outstanding, I64),
    COL(struct tr_loan_rec, lgd, F64),          COL(struct tr_loan_rec, pd, F64),
    COL(struct tr_loan_rec, product, U8),       COL(struct tr_loan_rec, status, U8),
    COL(struct tr_loan_rec, installments, I32), COL(struct tr_loan_rec, rate, F64),
    COL(struct tr_loan_rec, limit, I64),        COL(struct tr_loan_rec, origination_pd, F64),
};
static const struct column repayment_cols[] = {
    KEY(struct tr_repayment, self, U64),  KEY(struct tr_repayment, loan, U64),
    COL(struct tr_repayment, t, I64),     COL(struct tr_repayment, amount, I64),
    COL(struct tr_repayment, order, U64), KEY(struct tr_repayment, line, U64),
};
static const struct column antenna_cols[] = {
    COL(struct tr_antenna_rec, id, STR),          COL(struct tr_antenna_rec, tower, STR),
    COL(struct tr_antenna_rec, region_name, STR), COL(struct tr_antenna_rec, lat, F64),
    COL(struct tr_antenna_rec, lon, F64),
};

struct schema {
    const struct column *cols;
    int n_cols;
    size_t row_size;
    int two_party; /* a row gives two records: the caller's copy, then the recipient's */
};

static struct schema schema_of(int table)
{
#define S(columns, type, two)                                                                      \
    {                                                                                              \
        .cols = columns, .n_cols = (int)(sizeof columns / sizeof *columns),                        \
        .row_size = sizeof(type), .two_party = two                                                 \
    }
    switch (table) {
    case TR_T_CDR:
        return (struct schema)S(cdr_cols, struct cdr_row, 1);
    case TR_T_MOBILEMONEY:
        return (struct schema)S(money_cols, struct tr_money, 1);
    case TR_T_RECHARGES:
        return (struct schema)S(recharge_cols, struct tr_recharge, 0);
    case TR_T_MOBILEDATA:
        return (struct schema)S(data_cols, struct tr_data, 0);
    case TR_T_SIM_SWAPS:
        return (struct schema)S(swap_cols, struct tr_swap, 0);
    case TR_T_SUBSCRIBERS:
        return (struct schema)S(subscriber_cols, struct tr_subscriber, 0);
    case TR_T_LOANS:
        return (struct schema)S(loan_cols, struct tr_loan_rec, 0);
    case TR_T_REPAYMENTS:
        return (struct schema)S(repayment_cols, struct tr_repayment, 0);
    default:
        return (struct schema)S(antenna_cols, struct tr_antenna_rec, 0);
    }
#undef S
}

/* ---- rows to records and back ---- */

/* The rows of this rank's records of a table (read by tr_ingest with no router: in file order, the
 * two copies of a two-party line side by side); returns how many, *rows to free. */
static size_t rows_of(int table, const struct tr_array *a, const struct schema *s, char **rows)
{
    const size_t n = s->two_party ? a->n / 2 : a->n;
    *rows = TR_MALLOC(s->row_size * (n + 1));
    for (size_t i = 0; i < n; i++) {
        char *row = *rows + i * s->row_size;
        if (table == TR_T_CDR) {
            const struct tr_cdr *c = tr_array_at(a, 2 * i), *r = c + 1;
            *(struct cdr_row *)row = (struct cdr_row){
                .caller = c->self,
                .recipient = c->other,
                .order = c->order,
                .t = c->t,
                .duration = c->duration,
                .caller_antenna = (int32_t)c->antenna_self,
                .recipient_antenna = (int32_t)r->antenna_self,
                .line = c->line,
                .text = (uint8_t)c->text,
                .international = (uint8_t)c->international,
            };
        } else {
            memcpy(row, tr_array_at(a, s->two_party ? 2 * i : i), s->row_size);
        }
    }
    return n;
}

/* A row's records into out (one, or the caller's and the recipient's copies). */
static size_t records_of(int table, const char *row, void *out)
{
    if (table == TR_T_CDR) {
        const struct cdr_row *r = (const struct cdr_row *)row;
        tr_cdr_pair(out, r->caller, r->recipient, r->order, r->t, r->duration, r->caller_antenna,
                    r->recipient_antenna, r->line, r->text, r->international);
        return 2;
    }
    if (table == TR_T_MOBILEMONEY) {
        struct tr_money *m = out;
        memcpy(m, row, sizeof *m);
        m->outgoing = 1;
        m->pad[0] = m->pad[1] = 0;
        tr_money_recipient(&m[0], &m[1]);
        return 2;
    }
    memcpy(out, row, schema_of(table).row_size);
    return 1;
}

/* The group of a table's columns. */
static void table_group(int table, char group[GROUP_LEN])
{
    snprintf(group, GROUP_LEN, "tables/%s", tr_table_names[table]);
}

/* ---- writing (rank 0 writes; every rank sends it its rows, column by column) ---- */

/* Collective: a table's columns, each rank's rows after the lower ranks'. */
static void write_table(const struct tr_ctx *ctx, struct tr_colfile *f, const struct tr_ingest *in,
                        int table)
{
    const struct schema s = schema_of(table);
    char *rows, group[GROUP_LEN];
    /* Every rank holds every antenna: rank 0 writes them. */
    size_t n = rows_of(table, &in->table[table], &s, &rows);
    if (table == TR_T_ANTENNAS && ctx->rank != 0) n = 0;
    table_group(table, group);
    tr_colfile_group(f, group, "one dataset per field");
    for (int k = 0; k < s.n_cols; k++) {
        const struct column *c = &s.cols[k];
        char *values = TR_MALLOC(c->col.size * (n + 1)); /* n elements of c->col.size bytes */
        for (size_t i = 0; i < n; i++)
            memcpy(values + i * c->col.size, rows + i * s.row_size + c->offset, c->col.size);
        tr_colfile_write_column(f, group, &c->col, values, n);
        free(values);
    }
    free(rows);
}

static uint64_t key_check(const struct tr_keyhash *kh)
{
    return tr_keyhash(kh, KEY_CHECK, strlen(KEY_CHECK));
}

/* Rank 0: the input files' names and counts, the rejects and the root attributes. */
static void write_accounts(struct tr_colfile *f, const struct tr_ingest *in,
                           const struct tr_keyhash *kh, int64_t collisions)
{
    const int32_t version = TR_COLUMNAR_VERSION;
    const uint64_t check = key_check(kh);
    tr_colfile_attr_write(f, ".", "telrisk_columnar", TR_COL_I32, &version);
    tr_colfile_attr_write(f, ".", "key_check", TR_COL_U64, &check);
    tr_colfile_attr_write(f, ".", "holdout_check", TR_COL_U64, &in->holdout_check);
    tr_colfile_attr_write(f, ".", "key_collisions", TR_COL_I64, &collisions);
    tr_colfile_attr_str(f, ".", "telrisk_version", TELRISK_VERSION);
    tr_colfile_group(f, "files", "the input files converted, in the run's order");
    const size_t n = (size_t)in->n_files;
    const char **tables = TR_MALLOC(sizeof *tables * (n + 1)),
               **paths = TR_MALLOC(sizeof *paths * (n + 1));
    for (size_t k = 0; k < n; k++)
        tables[k] = in->files[k].table, paths[k] = in->files[k].path;
    tr_colfile_attr_strs(f, "files", "tables", tables, n);
    tr_colfile_attr_strs(f, "files", "paths", paths, n);
    free(tables);
    free(paths);
    /* struct tr_file_stats is STAT_COLS int64 counts: a row of the table each */
    tr_colfile_write_i64s(f, "files/stats", (const int64_t *)in->file_stats, n, STAT_COLS);
    tr_colfile_write_blob(f, "rejects", REJECT_TAG, in->rejects, sizeof *in->rejects,
                          in->n_rejects);
}

int tr_columnar_write(const struct tr_ctx *ctx, const struct tr_ingest *in,
                      const struct tr_keyhash *kh, int64_t collisions, const char *path)
{
    struct tr_colfile *f;
    if (tr_colfile_create(ctx, path, &f)) {
        if (ctx->rank == 0) TR_ERROR(ctx, "cannot create %s", path);
        return TR_EXIT_INPUT;
    }
    if (ctx->rank == 0) write_accounts(f, in, kh, collisions);
    tr_colfile_group(f, "tables", "every table's accepted records, a dataset per field");
    tr_progress_begin(ctx, "convert", TR_T_COUNT, "tables");
    for (int t = 0; t < TR_T_COUNT; t++) {
        tr_progress_add(1);
        write_table(ctx, f, in, t);
    }
    tr_progress_end();
    tr_colfile_close(f);
    return TR_EXIT_OK;
}

/* ---- reading ---- */

struct reader {
    struct tr_colfile *f;
    struct tr_ingest *in;
    const struct tr_router *router; /* NULL: every record kept here */
    struct tr_array staged;         /* a round's records, for the router */
    int64_t t_first, t_last;
};

/* The bytes of a schema's widest element. */
static size_t widest(const struct schema *s)
{
    size_t most = 0;
    for (int k = 0; k < s->n_cols; k++)
        if (s->cols[k].col.size > most) most = s->cols[k].col.size;
    return most;
}

/* Rows [first, first + n) of a table's columns (in group) into rows (n row structs), through
 * col (room for n elements of the widest column). */
static void read_rows(struct tr_colfile *f, const char *group, const struct schema *s,
                      uint64_t first, size_t n, char *rows, char *col)
{
    for (int k = 0; k < s->n_cols; k++) {
        const struct column *c = &s->cols[k];
        tr_colfile_read(f, group, &c->col, first, n, col);
        for (size_t i = 0; i < n; i++)
            memcpy(rows + i * s->row_size + c->offset, col + i * c->col.size, c->col.size);
    }
}

/* A row's records into the round's staged records: the window, and the pass's filter (every
 * rank keeps every antenna). */
static void stage_row(struct reader *r, int table, const char *row, struct tr_array *staged)
{
    _Alignas(8) char rec[2 * sizeof(struct tr_money)];
    const size_t k = records_of(table, row, rec);
    for (size_t j = 0; j < k; j++) {
        const char *one = rec + j * staged->size;
        const int64_t when = tr_record_time(table, one);
        if (j == 0 && r->router && !r->router->later_pass && table != TR_T_ANTENNAS)
            tr_ingest_note_line(r->in, table, one);
        if (j == 0 && when != INT64_MIN) {
            if (when < r->t_first) r->t_first = when;
            if (when > r->t_last) r->t_last = when;
        }
        uint64_t self;
        memcpy(&self, one, sizeof self);
        const struct tr_router *to = r->router;
        if (to && to->keeps && table != TR_T_ANTENNAS && table != TR_T_REPAYMENTS && /* as CSV */
            !to->keeps(to->self, self))
            continue;
        memcpy(tr_array_push(staged), one, staged->size);
    }
}

/* Collective: this rank's share of a table's rows, sent to their owners round by round (the
 * antennas: every row to every rank). */
static void read_table(const struct tr_ctx *ctx, struct reader *r, int table)
{
    const struct schema s = schema_of(table);
    char group[GROUP_LEN];
    table_group(table, group);
    const uint64_t rows = tr_colfile_rows(r->f, group, s.cols[0].col.name);
    struct tr_array *table_out = &r->in->table[table];
    const int everyone = table == TR_T_ANTENNAS;
    const uint64_t first = everyone ? 0 : rows * (uint64_t)ctx->rank / (uint64_t)ctx->size,
                   last = everyone ? rows : rows * (uint64_t)(ctx->rank + 1) / (uint64_t)ctx->size,
                   most = everyone ? rows : (rows + (uint64_t)ctx->size - 1) / (uint64_t)ctx->size;
    const uint64_t rounds = everyone ? 1 : most / ROUND_ROWS + 1; /* the same on every rank */
    const uint64_t per_round = everyone ? rows : ROUND_ROWS;
    /* a round's rows (row structs), and one column of them */
    char *buf = TR_MALLOC(s.row_size * (per_round + 1)),
         *col = TR_MALLOC(widest(&s) * (per_round + 1));
    const int routed = !everyone && r->router && r->router->send;
    if (routed && r->staged.size != table_out->size) {
        tr_array_free(&r->staged);
        tr_array_init(&r->staged, table_out->size);
    }
    for (uint64_t k = 0, at = first; k < rounds; k++) {
        const uint64_t n = everyone ? rows : (last - at < ROUND_ROWS ? last - at : ROUND_ROWS);
        memset(buf, 0, s.row_size * (size_t)n); /* fields without a column (padding) are 0 */
        read_rows(r->f, group, &s, at, (size_t)n, buf, col);
        tr_progress_add((double)n);
        for (uint64_t i = 0; i < n; i++)
            stage_row(r, table, buf + i * s.row_size, routed ? &r->staged : table_out);
        at += n;
        if (routed) r->router->send(r->router->self, ctx, &r->staged, table_out, NULL);
    }
    free(buf);
    free(col);
}

/* The root's version and key check: TR_EXIT_OK, or TR_EXIT_INPUT with the reason printed once. */
static int check_identity(const struct tr_ctx *ctx, struct tr_colfile *f, const char *path,
                          const struct tr_keyhash *kh, uint64_t holdout, struct tr_ingest *in)
{
    int32_t version = 0;
    uint64_t check = 0, holdout_check = 0;
    tr_colfile_attr_read(f, ".", "holdout_check", TR_COL_U64, &holdout_check);
    /* Absent (not our file, or an older one): left 0, refused below. */
    tr_colfile_attr_read(f, ".", "telrisk_columnar", TR_COL_I32, &version);
    tr_colfile_attr_read(f, ".", "key_check", TR_COL_U64, &check);
    tr_colfile_attr_read(f, ".", "key_collisions", TR_COL_I64, &in->key_collisions);
    if (version != TR_COLUMNAR_VERSION) {
        if (ctx->rank == 0)
            TR_ERROR(ctx, "%s: not columnar inputs of this telrisk (telrisk convert writes them)",
                     path);
        return TR_EXIT_INPUT;
    }
    if (check != key_check(kh)) {
        if (ctx->rank == 0)
            TR_ERROR(ctx,
                     "%s was converted with another subscriber key (privacy.key_file): its keys "
                     "would not match this run's",
                     path);
        return TR_EXIT_INPUT;
    }
    if (holdout_check != holdout) {
        if (ctx->rank == 0)
            TR_ERROR(ctx,
                     "%s was converted with another hold-out draw (model.holdout_salt or "
                     "model.holdout): its subscribers' samples would not be this run's",
                     path);
        return TR_EXIT_INPUT;
    }
    return TR_EXIT_OK;
}

static void free_strings(char **s, int n)
{
    for (int k = 0; k < n; k++)
        free(s[k]);
    free(s);
}

/* Every rank: the files' names and counts (the counts on rank 0 only, to be summed like the
 * ranks' counts of a CSV read). NULL, or what of /files cannot be read. */
static const char *read_files(const struct tr_ctx *ctx, struct tr_colfile *f, struct tr_ingest *in)
{
    int n = 0, n_paths = 0;
    size_t n_stats = 0;
    char **tables = tr_colfile_attr_read_strs(f, "files", "tables", &n),
         **paths = tr_colfile_attr_read_strs(f, "files", "paths", &n_paths);
    int64_t *stats = tr_colfile_read_i64s(f, "files/stats", STAT_COLS, &n_stats);
    const char *why = !tables ? "/files/tables" : !paths ? "/files/paths" : NULL;
    if (!why && (!stats || n_stats != (size_t)n)) why = "/files/stats"; /* a row per file */
    in->n_files = why ? 0 : n;
    in->files = TR_CALLOC((size_t)in->n_files + 1, sizeof *in->files);
    in->file_stats = TR_CALLOC((size_t)in->n_files + 1, sizeof *in->file_stats);
    for (int k = 0; k < in->n_files; k++) {
        snprintf(in->files[k].table, sizeof in->files[k].table, "%s", tables[k]);
        snprintf(in->files[k].path, sizeof in->files[k].path, "%s", k < n_paths ? paths[k] : "");
        memcpy(&in->file_stats[k], stats + (size_t)k * STAT_COLS, sizeof in->file_stats[k]);
    }
    free_strings(tables, n);
    free_strings(paths, n_paths);
    free(stats);
    for (int k = 0; k < in->n_files && ctx->rank == 0; k++)
        in->bytes += in->file_stats[k].bytes; /* summed over ranks later, as the CSV read's */
    for (int k = 0; k < in->n_files && ctx->rank != 0;
         k++) { /* summed over ranks later: rank 0's */
        const int64_t bytes = in->file_stats[k].bytes;
        memset(&in->file_stats[k], 0, sizeof in->file_stats[k]);
        in->file_stats[k].bytes = bytes;
    }
    return why;
}

/* Every rank: the file's accounts (rank 0 the rejects too), its key and version checked. 0, or
 * an exit code with the reason printed. */
static int read_accounts(const struct tr_ctx *ctx, struct tr_colfile *f, const char *path,
                         const struct tr_keyhash *kh, uint64_t holdout, struct tr_ingest *in)
{
    const int rc = check_identity(ctx, f, path, kh, holdout, in);
    if (rc) return rc;
    const char *why = read_files(ctx, f, in);
    if (!why && ctx->rank == 0) {
        in->rejects =
            tr_colfile_read_blob(f, "rejects", REJECT_TAG, sizeof *in->rejects, &in->n_rejects);
        if (!in->rejects) why = "/rejects";
    }
    if (why) { /* every rank reads the same /files, rank 0 the rejects: rank 0 knows */
        if (ctx->rank == 0)
            TR_ERROR(ctx, "%s: damaged columnar inputs (%s cannot be read)", path, why);
        return TR_EXIT_INPUT;
    }
    return TR_EXIT_OK;
}

/* Collective: the file open, its key and version checked, its accounts read (in emptied first);
 * NULL with the reason printed once. */
static struct tr_colfile *open_inputs(const struct tr_ctx *ctx, const struct tr_config *cfg,
                                      const struct tr_keyhash *kh, struct tr_ingest *in)
{
    const char *path = cfg->inputs.columnar;
    struct tr_holdout_draw draw;
    tr_holdout_draw_init(&draw, cfg->model.holdout_salt, cfg->model.holdout);
    tr_ingest_init(in);
    in->holdout_check = tr_holdout_check(&draw);
    struct tr_colfile *f;
    const int rc = tr_colfile_open(path, &f);
    if (tr_agree(ctx, rc)) {
        if (ctx->rank == 0) TR_ERROR(ctx, "cannot open columnar inputs %s", path);
        tr_colfile_close(f);
        return NULL;
    }
    if (tr_agree(ctx, read_accounts(ctx, f, path, kh, in->holdout_check, in))) {
        tr_colfile_close(f);
        return NULL;
    }
    return f;
}

/* The columnar source's read: each rank an equal share of every table's rows, routed. */
static int columnar_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         const struct tr_keyhash *kh, const struct tr_router *router,
                         struct tr_ingest *in)
{
    struct tr_colfile *f = open_inputs(ctx, cfg, kh, in);
    if (!f) return TR_EXIT_INPUT;
    const int later = router && router->later_pass;
    if (later) { /* a later pass: the rejects are the first pass's */
        free(in->rejects);
        in->rejects = NULL, in->n_rejects = 0;
    }
    struct reader r = {
        .f = f, .in = in, .router = router, .t_first = INT64_MAX, .t_last = INT64_MIN};
    int rc = TR_EXIT_OK;
    tr_progress_begin(ctx, "read", 0, "rows");
    for (int t = 0; t < TR_T_COUNT && !rc; t++) {
        read_table(ctx, &r, t);
        if (t == TR_T_ANTENNAS) rc = tr_ingest_antennas_read(ctx, in);
    }
    tr_progress_end();
    tr_array_free(&r.staged);
    tr_colfile_close(f);
    if (rc) return rc;
    rc = tr_ingest_finish(ctx, cfg, later, r.t_first, r.t_last, in);
    return rc ? rc : tr_ingest_table_states(ctx, cfg, in, later, 1);
}

/* The columnar source's check: the file's key and version, its input files' counts (as converted:
 * all their lines) and the antennas' regions, no other table. */
static int columnar_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                          const struct tr_keyhash *kh, int64_t max_lines, struct tr_ingest *in)
{
    struct tr_colfile *f = open_inputs(ctx, cfg, kh, in);
    if (!f) return TR_EXIT_INPUT;
    (void)max_lines;
    struct reader r = {.f = f, .in = in, .t_first = INT64_MAX, .t_last = INT64_MIN};
    read_table(ctx, &r, TR_T_ANTENNAS);
    tr_colfile_close(f);
    return tr_ingest_antennas_read(ctx, in);
}

/* The bytes of the CSV files a columnar inputs file was made from (0 when it cannot be read). */
static int64_t csv_bytes_of(const char *path)
{
    struct tr_colfile *f;
    if (tr_colfile_open(path, &f)) return 0;
    size_t n = 0;
    int64_t *stats = tr_colfile_read_i64s(f, "files/stats", STAT_COLS, &n), bytes = 0;
    for (size_t k = 0; k < n; k++) {
        struct tr_file_stats one;
        memcpy(&one, stats + k * STAT_COLS, sizeof one);
        bytes += one.bytes;
    }
    free(stats);
    tr_colfile_close(f);
    return bytes;
}

/* As many passes as for the CSVs it was made from. */
static double columnar_bytes(const struct tr_ctx *ctx, const struct tr_config *cfg)
{
    return ctx->rank == 0 ? (double)csv_bytes_of(cfg->inputs.columnar) : 0;
}

const struct tr_input_source tr_columnar_source = {
    .name = "columnar", .read = columnar_read, .check = columnar_check, .bytes = columnar_bytes};
