/* /provenance (where the numbers came from, and what the run cost) and /rejects (every input line
 * that did not become a record, and why). */
#include "output/groups.h"

#include "core/error.h"
#include "io/h5.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Rejects are copied into file rows this many at a time. */
#define REJECT_BLOCK 1024

/* A reject as stored: the input's path is repeated in each row so a DataFrame of /rejects reads
 * on its own. */
struct reject_row {
    char table[TR_TABLE_NAME_MAX];
    int32_t file;
    char path[sizeof(((struct tr_input_stat *)0)->path)];
    int64_t line;
    char reason[TR_REJECT_REASON_MAX];
    char excerpt[TR_EXCERPT_MAX];
};

/* The longest input path: the file keeps paths no wider than needed. */
static size_t longest_path(const struct tr_rf_provenance *p)
{
    size_t longest = 0, cap = sizeof p->inputs[0].path;
    for (int i = 0; i < p->n_inputs; i++) {
        size_t len = strnlen(p->inputs[i].path, cap);
        if (len > longest) longest = len;
    }
    return longest < cap ? longest : cap - 1;
}

void tr_rf_small_table(const struct tr_ctx *ctx, hid_t loc, const char *name,
                       const struct tr_h5_field *fields, int n_fields, size_t mem_size,
                       const void *rows, size_t n_rows, const char *description)
{
    hid_t mem, file;
    tr_h5_compound(fields, n_fields, mem_size, &mem, &file);
    hid_t d = tr_h5_table(loc, name, fields, n_fields, file, n_rows, description);
    tr_h5_write_rows(ctx, d, mem, rows, 0, ctx->rank == 0 ? n_rows : 0);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(mem));
    H5_CHECK(H5Tclose(file));
}

void tr_rf_rows_table(const struct tr_ctx *ctx, hid_t loc, const char *name,
                      const struct tr_h5_field *fields, int n_fields, size_t mem_size,
                      const void *rows, uint64_t n_local, const char *description)
{
    uint64_t first = 0, total = 0;
    MPI_CHECK(MPI_Exscan(&n_local, &first, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    if (ctx->rank == 0) first = 0; /* MPI_Exscan leaves rank 0's result undefined */
    MPI_CHECK(MPI_Allreduce(&n_local, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    hid_t mem, file;
    tr_h5_compound(fields, n_fields, mem_size, &mem, &file);
    hid_t d = tr_h5_table(loc, name, fields, n_fields, file, total, description);
    tr_h5_write_rows(ctx, d, mem, rows, first, n_local);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(mem));
    H5_CHECK(H5Tclose(file));
}

static void write_inputs(const struct tr_ctx *ctx, hid_t group, const struct tr_rf_provenance *p)
{
    typedef struct tr_input_stat s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, table, TR_TABLE_NAME_MAX - 1, NULL),
        STR_FIELD(s, path, longest_path(p), NULL),
        NUM_FIELD(s, bytes, H5T_STD_I64LE, "B"),
        NUM_FIELD(s, lines, H5T_STD_I64LE, "lines"),
        NUM_FIELD(s, accepted, H5T_STD_I64LE, "lines"),
        NUM_FIELD(s, rejected, H5T_STD_I64LE, "lines"),
        NUM_FIELD(s, duplicates, H5T_STD_I64LE, "records"),
        NUM_FIELD(s, unknown_antenna, H5T_STD_I64LE, "records"),
    };
    tr_rf_small_table(ctx, group, "inputs", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), p->inputs, (size_t)p->n_inputs,
                      "one row per input file: table, path, size, data lines (header excluded) "
                      "= accepted + rejected; duplicates and unknown_antenna count accepted "
                      "records that repeat an earlier one exactly or name an unknown antenna");
}

/* A table's state: read (data lines in its files), empty (files, no data line) or absent (no
 * file: the table was not found, or its folder held no file read). */
struct table_row {
    char table[TR_TABLE_NAME_MAX];
    char state[8];
    int32_t files;
    int64_t lines;
};

/* /provenance/tables, from the inputs' rows: every table, said even when no file made it, so an
 * absent loan book or SIM-swap log is in the file and not only in a log. */
static void write_tables(const struct tr_ctx *ctx, hid_t group, const struct tr_rf_provenance *p)
{
    struct table_row rows[TR_T_COUNT];
    memset(rows, 0, sizeof rows);
    for (int t = 0; t < TR_T_COUNT; t++) {
        snprintf(rows[t].table, sizeof rows[t].table, "%s", tr_table_names[t]);
        for (int i = 0; i < p->n_inputs; i++)
            if (strcmp(p->inputs[i].table, tr_table_names[t]) == 0) {
                rows[t].files++;
                rows[t].lines += p->inputs[i].lines;
            }
        snprintf(rows[t].state, sizeof rows[t].state, "%s",
                 rows[t].files == 0   ? "absent"
                 : rows[t].lines == 0 ? "empty"
                                      : "read");
    }
    typedef struct table_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, table, TR_TABLE_NAME_MAX - 1, NULL),
        STR_FIELD(s, state, sizeof(((s *)0)->state) - 1, NULL),
        NUM_FIELD(s, files, H5T_STD_I32LE, "files"),
        NUM_FIELD(s, lines, H5T_STD_I64LE, "lines"),
    };
    tr_rf_small_table(ctx, group, "tables", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), rows, TR_T_COUNT,
                      "one row per input table, read or not: state read (its files hold data "
                      "lines), empty (files without a data line) or absent (no file), its files "
                      "and data lines");
}

#define STAGE_FIELDS(s)                                                                            \
    {                                                                                              \
        STR_FIELD(s, name, sizeof(((s *)0)->name) - 1, NULL),                                      \
            NUM_FIELD(s, seconds, H5T_IEEE_F64LE, "s"),                                            \
            NUM_FIELD(s, records, H5T_STD_I64LE, "records"),                                       \
            NUM_FIELD(s, records_per_s, H5T_IEEE_F64LE, "records/s"),                              \
            NUM_FIELD(s, peak_mib, H5T_IEEE_F64LE, "MiB"),                                         \
            NUM_FIELD(s, peak_mib_sum, H5T_IEEE_F64LE, "MiB")                                      \
    }

void tr_rf_write_stages(const struct tr_ctx *ctx, hid_t group, const struct tr_stage_stat *stages,
                        int n)
{
    typedef struct tr_stage_stat s;
    const struct tr_h5_field fields[] = STAGE_FIELDS(s);
    tr_rf_small_table(ctx, group, "stages", fields, (int)(sizeof fields / sizeof *fields),
                      sizeof(s), stages, (size_t)n,
                      "one row per pipeline stage, in run order: wall time of the slowest rank, "
                      "records (or subscribers) processed by all ranks, their rate, and the "
                      "largest peak resident memory of any rank after the stage");
}

int tr_rf_read_stages(hid_t file, struct tr_stage_stat *stages, int max)
{
    typedef struct tr_stage_stat s;
    const struct tr_h5_field fields[] = STAGE_FIELDS(s);
    size_t n = 0;
    s *rows = tr_rf_read_table(file, "provenance/stages", fields,
                               (int)(sizeof fields / sizeof *fields), sizeof(s), &n);
    if (n > (size_t)max) n = (size_t)max;
    if (n) memcpy(stages, rows, sizeof *rows * n);
    free(rows);
    return (int)n;
}

static const char *const job_vars[] = {"SLURM_JOB_ID",        "SLURM_ARRAY_JOB_ID",
                                       "SLURM_ARRAY_TASK_ID", "SLURM_JOB_NAME",
                                       "SLURM_JOB_NODELIST",  "SLURM_RESTART_COUNT"};
static const char *const job_attrs[] = {"slurm_job_id",        "slurm_array_job_id",
                                        "slurm_array_task_id", "slurm_job_name",
                                        "slurm_nodelist",      "slurm_restart_count"};
#define JOB_VARS 6

static void job_values(char values[JOB_VARS][128])
{
    for (int k = 0; k < JOB_VARS; k++) {
        const char *v = getenv(job_vars[k]);
        snprintf(values[k], 128, "%s", v ? v : "");
    }
}

static void write_job_attrs(hid_t g, int ranks, char values[JOB_VARS][128])
{
    const int32_t r = ranks;
    if (tr_h5_attr_exists(g, "ranks")) H5_CHECK(H5Adelete(g, "ranks"));
    tr_h5_attr_scalar(g, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &r);
    for (int k = 0; k < JOB_VARS; k++) {
        if (tr_h5_attr_exists(g, job_attrs[k])) H5_CHECK(H5Adelete(g, job_attrs[k]));
        tr_h5_attr_str(g, job_attrs[k], values[k]);
    }
}

/* Which batch job made the file, and on how many ranks: the scheduler's variables as rank 0 sees
 * them (empty outside Slurm), the same on every rank (attributes are created collectively). */
static void write_job(const struct tr_ctx *ctx, hid_t g)
{
    char values[JOB_VARS][128];
    memset(values, 0, sizeof values);
    if (ctx->rank == 0) job_values(values);
    MPI_CHECK(MPI_Bcast(values, (int)sizeof values, MPI_CHAR, 0, ctx->comm));
    write_job_attrs(g, ctx->size, values);
}

void tr_rf_rewrite_job(hid_t provenance, int ranks)
{
    char values[JOB_VARS][128];
    job_values(values);
    write_job_attrs(provenance, ranks, values);
}

void tr_rf_write_provenance(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_provenance *p)
{
    hid_t g = tr_h5_group(file, "provenance",
                          "where the run's numbers came from and what the run cost; differs "
                          "between runs of the same inputs (timings, paths); attributes: the "
                          "ranks and the Slurm job that made it");
    write_job(ctx, g);
    const int32_t passes = p->passes > 1 ? p->passes : 1;
    tr_h5_attr_scalar(g, "passes", H5T_STD_I32LE, H5T_NATIVE_INT32, &passes);
    write_inputs(ctx, g, p);
    write_tables(ctx, g, p);
    tr_rf_write_stages(ctx, g, p->stages, p->n_stages);
    H5_CHECK(H5Gclose(g));
}

static void fill_reject_row(struct reject_row *row, const struct tr_reject *r,
                            const struct tr_rf_provenance *p)
{
    memset(row, 0, sizeof *row);
    memcpy(row->table, r->table, sizeof row->table);
    row->file = r->file;
    if (r->file >= 0 && r->file < p->n_inputs)
        memcpy(row->path, p->inputs[r->file].path, sizeof row->path);
    row->line = r->line;
    memcpy(row->reason, r->reason, sizeof row->reason);
    memcpy(row->excerpt, r->excerpt, sizeof row->excerpt);
}

/* Collective: rank 0 holds the rejects; every rank takes part in each block's write. A block is
 * a whole number of the dataset's chunks, so each chunk is compressed once. */
static void write_reject_rows(const struct tr_ctx *ctx, hid_t d, hid_t mem, uint64_t total,
                              const struct tr_rf_rejects *rj, const struct tr_rf_provenance *p)
{
    const uint64_t chunk = tr_h5_chunk_rows(d);
    const uint64_t block = chunk ? (REJECT_BLOCK + chunk - 1) / chunk * chunk : REJECT_BLOCK;
    struct reject_row *rows = TR_MALLOC(sizeof *rows * block);
    for (uint64_t first = 0; first < total; first += block) {
        uint64_t n = total - first < block ? total - first : block;
        for (uint64_t k = 0; ctx->rank == 0 && k < n; k++)
            fill_reject_row(&rows[k], &rj->rows[first + k], p);
        tr_h5_write_rows(ctx, d, mem, rows, first, ctx->rank == 0 ? n : 0);
    }
    free(rows);
}

void tr_rf_write_rejects(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_rejects *rj,
                         const struct tr_rf_provenance *p)
{
    uint64_t n = ctx->rank == 0 ? rj->n : 0;
    MPI_CHECK(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, ctx->comm));
    typedef struct reject_row s;
    const struct tr_h5_field fields[] = {
        STR_FIELD(s, table, TR_TABLE_NAME_MAX - 1, NULL),
        NUM_FIELD(s, file, H5T_STD_I32LE, NULL),
        STR_FIELD(s, path, longest_path(p), NULL),
        NUM_FIELD(s, line, H5T_STD_I64LE, NULL),
        STR_FIELD(s, reason, TR_REJECT_REASON_MAX - 1, NULL),
        STR_FIELD(s, excerpt, TR_EXCERPT_MAX - 1, NULL),
    };
    int n_fields = (int)(sizeof fields / sizeof *fields);
    hid_t mem, ftype;
    tr_h5_compound(fields, n_fields, sizeof(s), &mem, &ftype);
    hid_t d = tr_h5_table(file, "rejects", fields, n_fields, ftype, n,
                          "one row per input line that did not become a record, sorted by file "
                          "and line: table, file (row of /provenance/inputs) and its path, line "
                          "(1-based, the header is line 1), reason, and the line's start with "
                          "digit runs of 6 or more masked");
    write_reject_rows(ctx, d, mem, n, rj, p);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(mem));
    H5_CHECK(H5Tclose(ftype));
}
