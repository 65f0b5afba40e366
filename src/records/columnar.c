#include "records/columnar.h"

#include "core/error.h"
#include "core/progress.h"
#include "io/h5.h"
#include "output/groups.h"

#include <hdf5.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_ROWS  ((hsize_t)1 << 18)  /* rows per HDF5 chunk */
#define ROUND_ROWS  ((uint64_t)1 << 19) /* rows a rank reads before its records are sent */
#define SEND_PIECE  ((size_t)64 << 20)  /* bytes per message to the writing rank */
#define KEY_CHECK   "telrisk columnar key check"
#define TAG_COLUMNS 7301

/* ---- the schema: one row struct per table, one dataset per field ---- */

enum kind { U8, I32, U32, I64, U64, F64, STR };

/* How a column is stored: random bits (keyed hashes, line hashes) as they are; integers of a
 * small range (times, orders, durations, antennas, flags) with HDF5's scale-offset filter, as
 * many bits as their chunk's range needs, which decodes far faster than deflate; the rest
 * (doubles, strings) shuffled and deflated. */
enum codec { RAW, PACKED, DEFLATED };

struct column {
    const char *name;
    size_t offset, size; /* in the row struct; STR: bytes of the char array */
    enum kind kind;
    enum codec codec;
};

/* A CDR line as one row: the caller's copy and the recipient's antenna. */
struct cdr_row {
    uint64_t caller, recipient, order;
    int64_t t;
    int32_t duration, caller_antenna, recipient_antenna;
    uint32_t line;
    uint8_t text, international;
};

/* A column: stored packed (an integer of small range) or deflated (a double or string). */
#define COL(type, member, kind)                                                                    \
    {                                                                                              \
#member, offsetof(type, member), sizeof(((type *)0)->member), kind,                        \
            (kind) == F64 || (kind) == STR ? DEFLATED : PACKED                                     \
    }
/* A column of random bits (a keyed hash, a line hash): stored as it is. */
#define KEY(type, member, kind)                                                                    \
    {                                                                                              \
#member, offsetof(type, member), sizeof(((type *)0)->member), kind, RAW                    \
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
};
static const struct column loan_cols[] = {
    KEY(struct tr_loan_rec, self, U64),   COL(struct tr_loan_rec, order, U64),
    KEY(struct tr_loan_rec, line, U64),   KEY(struct tr_loan_rec, loan, U64),
    COL(struct tr_loan_rec, issued, I32), COL(struct tr_loan_rec, due, I32),
    COL(struct tr_loan_rec, amount, I64), COL(struct tr_loan_rec, outstanding, I64),
    COL(struct tr_loan_rec, lgd, F64),    COL(struct tr_loan_rec, pd, F64),
    COL(struct tr_loan_rec, product, U8), COL(struct tr_loan_rec, status, U8),
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
#define S(cols, type, two)                                                                         \
    {                                                                                              \
        cols, (int)(sizeof cols / sizeof *cols), sizeof(type), two                                 \
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
    default:
        return (struct schema)S(antenna_cols, struct tr_antenna_rec, 0);
    }
#undef S
}

/* The HDF5 type of a column, in memory and in the file (the same: little-endian here). */
static hid_t h5_type(const struct column *c)
{
    switch (c->kind) {
    case U8:
        return H5Tcopy(H5T_NATIVE_UINT8);
    case I32:
        return H5Tcopy(H5T_NATIVE_INT32);
    case U32:
        return H5Tcopy(H5T_NATIVE_UINT32);
    case I64:
        return H5Tcopy(H5T_NATIVE_INT64);
    case U64:
        return H5Tcopy(H5T_NATIVE_UINT64);
    case F64:
        return H5Tcopy(H5T_NATIVE_DOUBLE);
    default:
        return tr_h5_str_type(c->size - 1);
    }
}

/* ---- rows to records and back ---- */

/* The rows of this rank's records of a table (read by tr_ingest_local: in file order, the two
 * copies of a two-party line side by side); returns how many, *rows to free. */
static size_t rows_of(int table, const struct tr_array *a, const struct schema *s, char **rows)
{
    const size_t n = s->two_party ? a->n / 2 : a->n;
    *rows = TR_MALLOC(s->row_size * (n + 1));
    for (size_t i = 0; i < n; i++) {
        char *row = *rows + i * s->row_size;
        if (table == TR_T_CDR) {
            const struct tr_cdr *c = tr_array_at(a, 2 * i), *r = c + 1;
            *(struct cdr_row *)row = (struct cdr_row){c->self,
                                                      c->other,
                                                      c->order,
                                                      c->t,
                                                      c->duration,
                                                      (int32_t)c->antenna_self,
                                                      (int32_t)r->antenna_self,
                                                      c->line,
                                                      (uint8_t)c->text,
                                                      (uint8_t)c->international};
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

/* ---- writing (rank 0 writes; every rank sends it its rows, column by column) ---- */

static hid_t create_column(hid_t group, const struct column *c, hid_t type, hsize_t rows)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5_CHECK(dcpl);
    H5_CHECK(H5Pset_obj_track_times(dcpl, 0));
    if (rows > 0) {
        const hsize_t chunk = rows < CHUNK_ROWS ? rows : CHUNK_ROWS;
        H5_CHECK(H5Pset_chunk(dcpl, 1, &chunk));
        if (c->codec == PACKED)
            H5_CHECK(H5Pset_scaleoffset(dcpl, H5Z_SO_INT, H5Z_SO_INT_MINBITS_DEFAULT));
        if (c->codec == DEFLATED) H5_CHECK(H5Pset_shuffle(dcpl));
        if (c->codec == DEFLATED) H5_CHECK(H5Pset_deflate(dcpl, 1));
    }
    hid_t space = H5Screate_simple(1, &rows, NULL);
    H5_CHECK(space);
    hid_t d = H5Dcreate2(group, c->name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5_CHECK(d);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Pclose(dcpl));
    return d;
}

/* Collective: one column of every rank's rows (each rank's n rows, in rank order). */
static void write_column(const struct tr_ctx *ctx, hid_t group, const struct column *c,
                         const char *rows, size_t row_size, size_t n, const uint64_t *counts)
{
    char *buf = TR_MALLOC(c->size * (n + 1));
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * c->size, rows + i * row_size + c->offset, c->size);
    const size_t per_piece = SEND_PIECE / c->size;
    if (ctx->rank != 0) {
        for (size_t at = 0; at < n; at += per_piece)
            MPI_CHECK(MPI_Send(buf + at * c->size,
                               (int)((n - at < per_piece ? n - at : per_piece) * c->size), MPI_BYTE,
                               0, TAG_COLUMNS, ctx->comm));
        free(buf);
        return;
    }
    uint64_t total = 0;
    for (int q = 0; q < ctx->size; q++)
        total += counts[q];
    hid_t type = h5_type(c), d = create_column(group, c, type, total);
    tr_h5_write_slab(d, type, buf, 0, n);
    uint64_t first = n;
    char *piece = TR_MALLOC(SEND_PIECE + c->size);
    for (int q = 1; q < ctx->size; q++)
        for (uint64_t at = 0; at < counts[q]; at += per_piece) {
            const size_t k = counts[q] - at < per_piece ? (size_t)(counts[q] - at) : per_piece;
            MPI_CHECK(MPI_Recv(piece, (int)(k * c->size), MPI_BYTE, q, TAG_COLUMNS, ctx->comm,
                               MPI_STATUS_IGNORE));
            tr_h5_write_slab(d, type, piece, first, k);
            first += k;
        }
    free(piece);
    free(buf);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(type));
}

static void write_table(const struct tr_ctx *ctx, hid_t tables, const struct tr_ingest *in,
                        int table)
{
    const struct schema s = schema_of(table);
    char *rows;
    /* Every rank holds every antenna: rank 0 writes them. */
    size_t n = rows_of(table, &in->table[table], &s, &rows);
    if (table == TR_T_ANTENNAS && ctx->rank != 0) n = 0;
    uint64_t mine = n, *counts = TR_MALLOC(sizeof(uint64_t) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_UINT64_T, counts, 1, MPI_UINT64_T, ctx->comm));
    hid_t g = H5I_INVALID_HID;
    if (ctx->rank == 0) g = tr_h5_group(tables, tr_table_names[table], "one dataset per field");
    for (int k = 0; k < s.n_cols; k++)
        write_column(ctx, g, &s.cols[k], rows, s.row_size, n, counts);
    if (ctx->rank == 0) H5_CHECK(H5Gclose(g));
    free(counts);
    free(rows);
}

static uint64_t key_check(const struct tr_keyhash *kh)
{
    return tr_keyhash(kh, KEY_CHECK, strlen(KEY_CHECK));
}

/* Rank 0: the input files' names and counts, the rejects and the root attributes. */
static void write_accounts(hid_t f, const struct tr_ingest *in, const struct tr_keyhash *kh,
                           int64_t collisions)
{
    const int version = TR_COLUMNAR_VERSION;
    const uint64_t check = key_check(kh);
    tr_h5_attr_scalar(f, "telrisk_columnar", H5T_STD_I32LE, H5T_NATIVE_INT, &version);
    tr_h5_attr_scalar(f, "key_check", H5T_STD_U64LE, H5T_NATIVE_UINT64, &check);
    tr_h5_attr_scalar(f, "key_collisions", H5T_STD_I64LE, H5T_NATIVE_INT64, &collisions);
    tr_h5_attr_str(f, "telrisk_version", TELRISK_VERSION);
    hid_t g = tr_h5_group(f, "files", "the input files converted, in the run's order");
    const char **tables = TR_MALLOC(sizeof *tables * ((size_t)in->n_files + 1)),
               **paths = TR_MALLOC(sizeof *paths * ((size_t)in->n_files + 1));
    for (int k = 0; k < in->n_files; k++)
        tables[k] = in->files[k].table, paths[k] = in->files[k].path;
    tr_h5_attr_strs(g, "tables", tables, (size_t)in->n_files);
    tr_h5_attr_strs(g, "paths", paths, (size_t)in->n_files);
    const hsize_t dims[2] = {(hsize_t)in->n_files, sizeof(struct tr_file_stats) / sizeof(int64_t)};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t d = H5Dcreate2(g, "stats", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5_CHECK(d);
    if (in->n_files)
        H5_CHECK(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, in->file_stats));
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Gclose(g));
    free(tables);
    free(paths);
    const hsize_t n = in->n_rejects;
    space = H5Screate_simple(1, &n, NULL);
    hid_t raw = H5Tcreate(H5T_OPAQUE, sizeof(struct tr_reject));
    H5_CHECK(H5Tset_tag(raw, "struct tr_reject"));
    d = H5Dcreate2(f, "rejects", raw, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5_CHECK(d);
    if (n) H5_CHECK(H5Dwrite(d, raw, H5S_ALL, H5S_ALL, H5P_DEFAULT, in->rejects));
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(raw));
    H5_CHECK(H5Sclose(space));
}

int tr_columnar_write(const struct tr_ctx *ctx, const struct tr_ingest *in,
                      const struct tr_keyhash *kh, int64_t collisions, const char *path)
{
    hid_t f = H5I_INVALID_HID;
    if (ctx->rank == 0) {
        struct tr_h5_quiet q;
        tr_h5_quiet_begin(&q);
        f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        tr_h5_quiet_end(&q);
        if (f < 0) TR_ERROR(ctx, "cannot create %s", path);
    }
    if (tr_agree(ctx, ctx->rank == 0 && f < 0 ? TR_EXIT_INPUT : TR_EXIT_OK)) return TR_EXIT_INPUT;
    hid_t tables = H5I_INVALID_HID;
    if (ctx->rank == 0) {
        write_accounts(f, in, kh, collisions);
        tables = tr_h5_group(f, "tables", "every table's accepted records, a dataset per field");
    }
    tr_progress_begin(ctx, "convert", TR_T_COUNT, "tables");
    for (int t = 0; t < TR_T_COUNT; t++) {
        tr_progress_add(1);
        write_table(ctx, tables, in, t);
    }
    tr_progress_end();
    if (ctx->rank == 0) {
        H5_CHECK(H5Gclose(tables));
        H5_CHECK(H5Fclose(f));
    }
    return TR_EXIT_OK;
}

/* ---- reading ---- */

struct reader {
    hid_t f;
    struct tr_ingest *in;
    const struct tr_router *router; /* NULL: every record kept here */
    struct tr_array staged;         /* a round's records, for the router */
    int64_t t_first, t_last;
};

/* Every rank: rows [first, first + n) of a table's columns into rows (row structs). */
static void read_rows(hid_t g, const struct schema *s, uint64_t first, size_t n, char *rows,
                      char *col)
{
    for (int k = 0; k < s->n_cols; k++) {
        const struct column *c = &s->cols[k];
        hid_t d = H5Dopen2(g, c->name, H5P_DEFAULT), type = h5_type(c);
        H5_CHECK(d);
        tr_h5_read_rows(d, type, col, first, n);
        H5_CHECK(H5Dclose(d));
        H5_CHECK(H5Tclose(type));
        for (size_t i = 0; i < n; i++)
            memcpy(rows + i * s->row_size + c->offset, col + i * c->size, c->size);
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
        if (j == 0 && when != INT64_MIN) {
            if (when < r->t_first) r->t_first = when;
            if (when > r->t_last) r->t_last = when;
        }
        uint64_t self;
        memcpy(&self, one, sizeof self);
        const struct tr_router *to = r->router;
        if (to && to->keeps && table != TR_T_ANTENNAS && !to->keeps(to->self, self)) continue;
        memcpy(tr_array_push(staged), one, staged->size);
    }
}

/* Collective: this rank's share of a table's rows, sent to their owners round by round (the
 * antennas: every row to every rank). */
static void read_table(const struct tr_ctx *ctx, struct reader *r, int table)
{
    const struct schema s = schema_of(table);
    hid_t g = H5Gopen2(r->f, "tables", H5P_DEFAULT);
    H5_CHECK(g);
    hid_t t = H5Gopen2(g, tr_table_names[table], H5P_DEFAULT);
    H5_CHECK(t);
    hid_t d = H5Dopen2(t, s.cols[0].name, H5P_DEFAULT);
    H5_CHECK(d);
    const uint64_t rows = tr_h5_rows(d);
    H5_CHECK(H5Dclose(d));
    struct tr_array *table_out = &r->in->table[table];
    const int everyone = table == TR_T_ANTENNAS;
    const uint64_t first = everyone ? 0 : rows * (uint64_t)ctx->rank / (uint64_t)ctx->size,
                   last = everyone ? rows : rows * (uint64_t)(ctx->rank + 1) / (uint64_t)ctx->size,
                   most = everyone ? rows : (rows + (uint64_t)ctx->size - 1) / (uint64_t)ctx->size;
    const uint64_t rounds = everyone ? 1 : most / ROUND_ROWS + 1; /* the same on every rank */
    char *buf = TR_MALLOC(s.row_size * ROUND_ROWS + 1), *col = TR_MALLOC(8 * ROUND_ROWS + 64);
    if (everyone) {
        buf = TR_REALLOC(buf, s.row_size * (rows + 1));
        col = TR_REALLOC(col, 64 * (rows + 1));
    }
    const int routed = !everyone && r->router && r->router->send;
    if (routed && r->staged.size != table_out->size) {
        tr_array_free(&r->staged);
        tr_array_init(&r->staged, table_out->size);
    }
    for (uint64_t k = 0, at = first; k < rounds; k++) {
        const uint64_t n = everyone ? rows : (last - at < ROUND_ROWS ? last - at : ROUND_ROWS);
        memset(buf, 0, s.row_size * (size_t)n); /* fields without a column (padding) are 0 */
        read_rows(t, &s, at, (size_t)n, buf, col);
        tr_progress_add((double)n);
        for (uint64_t i = 0; i < n; i++)
            stage_row(r, table, buf + i * s.row_size, routed ? &r->staged : table_out);
        at += n;
        if (routed) r->router->send(r->router->self, ctx, &r->staged, table_out, NULL);
    }
    free(buf);
    free(col);
    H5_CHECK(H5Gclose(t));
    H5_CHECK(H5Gclose(g));
}

/* Every rank: the files' names and counts (the counts on rank 0 only, to be summed like the
 * ranks' counts of a CSV read), rank 0 the rejects; the key checked. 0 or an exit code. */
static int read_accounts(const struct tr_ctx *ctx, hid_t f, const char *path,
                         const struct tr_keyhash *kh, struct tr_ingest *in)
{
    int version = 0;
    uint64_t check = 0;
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t a = H5Aopen(f, "telrisk_columnar", H5P_DEFAULT);
    if (a >= 0) H5Aread(a, H5T_NATIVE_INT, &version), H5Aclose(a);
    a = H5Aopen(f, "key_check", H5P_DEFAULT);
    if (a >= 0) H5Aread(a, H5T_NATIVE_UINT64, &check), H5Aclose(a);
    a = H5Aopen(f, "key_collisions", H5P_DEFAULT);
    if (a >= 0) H5Aread(a, H5T_NATIVE_INT64, &in->key_collisions), H5Aclose(a);
    tr_h5_quiet_end(&q);
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
    hid_t g = H5Gopen2(f, "files", H5P_DEFAULT);
    H5_CHECK(g);
    a = H5Aopen(g, "tables", H5P_DEFAULT);
    H5_CHECK(a);
    int n = 0, n_paths = 0;
    char **tables = tr_h5_read_strings(a, 1, &n);
    H5_CHECK(H5Aclose(a));
    a = H5Aopen(g, "paths", H5P_DEFAULT);
    H5_CHECK(a);
    char **paths = tr_h5_read_strings(a, 1, &n_paths);
    H5_CHECK(H5Aclose(a));
    in->n_files = n;
    in->files = TR_CALLOC((size_t)n + 1, sizeof *in->files);
    in->file_stats = TR_CALLOC((size_t)n + 1, sizeof *in->file_stats);
    for (int k = 0; k < n; k++) {
        snprintf(in->files[k].table, sizeof in->files[k].table, "%s", tables[k]);
        snprintf(in->files[k].path, sizeof in->files[k].path, "%s", k < n_paths ? paths[k] : "");
        free(tables[k]);
        if (k < n_paths) free(paths[k]);
    }
    free(tables);
    free(paths);
    hid_t d = H5Dopen2(g, "stats", H5P_DEFAULT);
    H5_CHECK(d);
    if (n) H5_CHECK(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, in->file_stats));
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Gclose(g));
    for (int k = 0; k < n && ctx->rank == 0; k++)
        in->bytes += in->file_stats[k].bytes;       /* summed over ranks later, as the CSV read's */
    for (int k = 0; k < n && ctx->rank != 0; k++) { /* summed over ranks later: rank 0's */
        const int64_t bytes = in->file_stats[k].bytes;
        memset(&in->file_stats[k], 0, sizeof in->file_stats[k]);
        in->file_stats[k].bytes = bytes;
    }
    if (ctx->rank == 0) {
        d = H5Dopen2(f, "rejects", H5P_DEFAULT);
        H5_CHECK(d);
        in->n_rejects = (size_t)tr_h5_rows(d);
        in->rejects = TR_MALLOC(sizeof *in->rejects * (in->n_rejects + 1));
        hid_t raw = H5Dget_type(d);
        if (in->n_rejects) H5_CHECK(H5Dread(d, raw, H5S_ALL, H5S_ALL, H5P_DEFAULT, in->rejects));
        H5_CHECK(H5Tclose(raw));
        H5_CHECK(H5Dclose(d));
    }
    return TR_EXIT_OK;
}

/* Collective: the file open, its key and version checked, its accounts read (in emptied first);
 * H5I_INVALID_HID with the reason printed once. */
static hid_t open_inputs(const struct tr_ctx *ctx, const char *path, const struct tr_keyhash *kh,
                         struct tr_ingest *in)
{
    tr_ingest_init(in);
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = access(path, R_OK) == 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    tr_h5_quiet_end(&q);
    if (tr_agree(ctx, f < 0 ? TR_EXIT_INPUT : TR_EXIT_OK)) {
        if (ctx->rank == 0) TR_ERROR(ctx, "cannot open columnar inputs %s", path);
        if (f >= 0) H5Fclose(f);
        return H5I_INVALID_HID;
    }
    if (tr_agree(ctx, read_accounts(ctx, f, path, kh, in))) {
        H5Fclose(f);
        return H5I_INVALID_HID;
    }
    return f;
}

/* The columnar source's read: each rank an equal share of every table's rows, routed. */
static int columnar_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         const struct tr_keyhash *kh, const struct tr_router *router,
                         struct tr_ingest *in)
{
    hid_t f = open_inputs(ctx, cfg->inputs.columnar, kh, in);
    if (f < 0) return TR_EXIT_INPUT;
    const int later = router && router->later_pass;
    if (later) { /* a later pass: the rejects are the first pass's */
        free(in->rejects);
        in->rejects = NULL, in->n_rejects = 0;
    }
    struct reader r = {.f = f, .in = in, .router = router, .t_first = INT64_MAX, .t_last = INT64_MIN};
    int rc = TR_EXIT_OK;
    tr_progress_begin(ctx, "read", 0, "rows");
    for (int t = 0; t < TR_T_COUNT && !rc; t++) {
        read_table(ctx, &r, t);
        if (t == TR_T_ANTENNAS) rc = tr_ingest_antennas_read(ctx, in);
    }
    tr_progress_end();
    tr_array_free(&r.staged);
    H5_CHECK(H5Fclose(f));
    if (rc) return rc;
    return tr_ingest_finish(ctx, cfg, later, r.t_first, r.t_last, in);
}

/* The columnar source's check: the file's key and version, its input files' counts (as converted:
 * all their lines) and the antennas' regions, no other table. */
static int columnar_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                          const struct tr_keyhash *kh, int64_t max_lines, struct tr_ingest *in)
{
    hid_t f = open_inputs(ctx, cfg->inputs.columnar, kh, in);
    if (f < 0) return TR_EXIT_INPUT;
    (void)max_lines;
    struct reader r = {.f = f, .in = in, .t_first = INT64_MAX, .t_last = INT64_MIN};
    read_table(ctx, &r, TR_T_ANTENNAS);
    H5_CHECK(H5Fclose(f));
    return tr_ingest_antennas_read(ctx, in);
}

/* The bytes of the CSV files a columnar inputs file was made from (0 when it cannot be read). */
static int64_t csv_bytes_of(const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = access(path, R_OK) == 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    hid_t d = f >= 0 ? H5Dopen2(f, "files/stats", H5P_DEFAULT) : -1;
    int64_t bytes = 0;
    if (d >= 0) {
        hsize_t dims[2] = {0, 0};
        hid_t space = H5Dget_space(d);
        H5Sget_simple_extent_dims(space, dims, NULL);
        H5Sclose(space);
        struct tr_file_stats *st = calloc(dims[0] + 1, sizeof *st);
        if (st && dims[1] == sizeof *st / sizeof(int64_t) &&
            H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, st) >= 0)
            for (hsize_t k = 0; k < dims[0]; k++)
                bytes += st[k].bytes;
        free(st);
        H5Dclose(d);
    }
    if (f >= 0) H5Fclose(f);
    tr_h5_quiet_end(&q);
    return bytes;
}

/* As many passes as for the CSVs it was made from. */
static double columnar_bytes(const struct tr_ctx *ctx, const struct tr_config *cfg)
{
    return ctx->rank == 0 ? (double)csv_bytes_of(cfg->inputs.columnar) : 0;
}

const struct tr_input_source tr_columnar_source = {
    .name = "columnar", .read = columnar_read, .check = columnar_check, .bytes = columnar_bytes};
