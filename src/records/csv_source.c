/* The CSV input source: every file of every table read in parallel (MPI-IO byte ranges,
 * io/reader.h), each line parsed where it is read, accepted or rejected with its reason, and each
 * record sent on to its owner at the end of every reading round (the router). */
#include "records/ingest.h"

#include "core/error.h"
#include "core/progress.h"
#include "core/stage.h"
#include "core/timer.h"
#include "io/reader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CHUNK  (16u << 20) /* bytes per MPI-IO read */
#define ROUND_BYTES (16u << 20) /* bytes of a rank's range read before its records are sent */

/* What the line handler needs while one file is read. */
struct file_job {
    const struct tr_ctx *ctx;
    const struct tr_schema *schema;
    struct tr_header_map map;
    struct tr_parse_ctx pc;
    struct tr_holdout_draw draw;
    int file;
    const char *path;
    struct tr_reject *rejects; /* this rank's, line = local index until the read ends */
    size_t n_rejects, cap_rejects;
    const struct tr_router *router; /* NULL: every record kept where it is read (convert) */
    int routed;                     /* this table's records go through the router's rounds */
    struct tr_array staged;         /* a round's records, each starting with its subscriber's key */
    struct tr_received got;         /* the runs the rounds brought, for number_lines */
    int64_t t_first, t_last;        /* over every accepted record, kept or not */
    struct tr_array *table;         /* where this rank's records of the table end up */
    uint32_t id_fields;             /* the fields whose digits excerpts mask (tr_id_fields) */
    struct tr_ingest *in;           /* where lines are noted (tr_ingest_note_line) ... */
    int noting;                     /* ... in a run's first pass */
};

/* After a line is accepted (its records pc.out[first..]): its time into the window, and the
 * records whose subscriber the pass does not hold dropped (each party's copy on its own). */
static void after_accept(struct file_job *job, size_t first)
{
    struct tr_array *a = job->pc.out;
    const int t = job->schema->table;
    const int64_t when = tr_record_time(t, tr_array_at(a, first));
    if (job->noting) tr_ingest_note_line(job->in, t, tr_array_at(a, first));
    if (when != INT64_MIN) {
        if (when < job->t_first) job->t_first = when;
        if (when > job->t_last) job->t_last = when;
    }
    const struct tr_router *r = job->router;
    /* Antennas: every rank holds them all. Repayments are keyed by their loan, not a subscriber:
     * every pass keeps them all, and the ledger's join keeps the pass's (partition/ledger.h). */
    if (!r || !r->keeps || t == TR_T_ANTENNAS || t == TR_T_REPAYMENTS) return;
    size_t kept = first;
    for (size_t i = first; i < a->n; i++) {
        uint64_t self;
        memcpy(&self, tr_array_at(a, i), sizeof self);
        if (!r->keeps(r->self, self)) continue;
        if (kept != i) memcpy(tr_array_at(a, kept), tr_array_at(a, i), a->size);
        kept++;
    }
    a->n = kept;
}

static void on_round(void *user)
{
    struct file_job *job = user;
    if (job->routed)
        job->router->send(job->router->self, job->ctx, &job->staged, job->table, &job->got);
}

/* The file's records got their line within the sender's range: now in the file. */
static void number_lines(const struct tr_ctx *ctx, struct tr_received *r, struct tr_array *table,
                         size_t order_at, int64_t first_line)
{
    int64_t *first = TR_MALLOC(sizeof(int64_t) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&first_line, 1, MPI_INT64_T, first, 1, MPI_INT64_T, ctx->comm));
    for (size_t k = 0; k < r->n; k++)
        for (size_t i = r->run[k].first; i < r->run[k].first + r->run[k].n; i++) {
            char *at = (char *)tr_array_at(table, i) + order_at;
            uint64_t order;
            memcpy(&order, at, sizeof order);
            order += (uint64_t)first[r->run[k].from];
            memcpy(at, &order, sizeof order);
        }
    r->n = 0;
    free(first);
}

static void on_line(void *user, const char *line, size_t avail, size_t len, int64_t offset,
                    int64_t index)
{
    struct file_job *job = user;
    (void)offset; /* records are placed by line number (index), not byte */
    const size_t first = job->pc.out->n;
    enum tr_reason r = len > TR_MAX_LINE ? TR_R_LINE_TOO_LONG
                                         : tr_parse_line(&job->pc, job->schema, &job->map, line,
                                                         len, tr_order(job->file, index));
    if (r == TR_ACCEPT) {
        after_accept(job, first);
        return;
    }
    job->pc.stats->rejected++;
    job->pc.stats->by_reason[r]++;
    if (job->n_rejects == job->cap_rejects) {
        job->cap_rejects = job->cap_rejects ? 2 * job->cap_rejects : 256;
        job->rejects = TR_REALLOC(job->rejects, sizeof *job->rejects * job->cap_rejects);
    }
    struct tr_reject *rj = &job->rejects[job->n_rejects++];
    memset(rj, 0, sizeof *rj);
    snprintf(rj->table, sizeof rj->table, "%s", tr_table_names[job->schema->table]);
    rj->file = job->file;
    rj->line = index;
    snprintf(rj->reason, sizeof rj->reason, "%s", tr_reason_names[r]);
    tr_mask_excerpt(line, avail, job->id_fields, rj->excerpt);
}

/* What a header that does not parse looks like, when that says more than a missing column: a
 * file in another encoding or with another separator ("" otherwise). */
static const char *header_hint(const char *h, size_t len)
{
    const unsigned char *u = (const unsigned char *)h;
    const int bom16 =
        len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
    if (bom16 || memchr(h, 0, len)) return "; the file looks UTF-16 encoded: telrisk reads UTF-8";
    if (memchr(h, '\t', len) && !memchr(h, ',', len))
        return "; the file is separated by tabs: telrisk reads comma-separated values";
    return "";
}

/* The header's columns for the schema, or the error (with a hint) naming path, said by rank 0
 * (every rank has the same header). */
static int map_header(const struct tr_ctx *ctx, const struct tr_schema *schema, const char *path,
                      const char *h, size_t len, struct tr_header_map *map)
{
    char err[512];
    if (!tr_header_map(schema, h, len, map, err, sizeof err)) return TR_EXIT_OK;
    if (ctx->rank == 0) TR_ERROR(ctx, "%s: %s%s", path, err, header_hint(h, len));
    return TR_EXIT_INPUT;
}

static int on_header(void *user, const struct tr_read_info *info)
{
    struct file_job *job = user;
    if (!info->has_header) { /* an empty file: no columns, no lines */
        job->map.n_fields = 0;
        return 0;
    }
    if (map_header(job->ctx, job->schema, job->path, info->header, info->header_len, &job->map))
        return TR_EXIT_INPUT;
    job->id_fields = tr_id_fields(job->schema, &job->map);
    return 0;
}

/* Reads one file of a table into in->table[t] (the records this rank owns), its stats and this
 * rank's rejects. */
static int read_one(const struct tr_ctx *ctx, struct tr_ingest *in, struct file_job *job)
{
    struct tr_read_info *info = TR_MALLOC(sizeof *info);
    struct tr_line_handler h = {.user = job,
                                .on_line = on_line,
                                .round_bytes = job->routed ? ROUND_BYTES : 0,
                                .on_round = on_round,
                                .stream_rank = job->file};
    const size_t earlier = job->n_rejects;        /* other files' rejects, already numbered */
    const size_t notes_before = in->loan_notes.n; /* and loans noted */
    struct tr_array *table = job->table;
    const size_t records_before = table->n, order_at = tr_order_offset(job->schema->table);
    int rc = tr_read_file(ctx, job->path, READ_CHUNK, on_header, &h, info);
    if (rc) job->got.n = 0;
    if (!rc) {
        for (size_t k = earlier; k < job->n_rejects; k++)
            job->rejects[k].line += info->first_line;
        for (size_t k = notes_before; k < in->loan_notes.n; k++)
            ((struct tr_loan_note *)tr_array_at(&in->loan_notes, k))->order +=
                (uint64_t)info->first_line;
        if (job->routed)
            number_lines(ctx, &job->got, table, order_at, info->first_line);
        else /* the antennas: read here, numbered here */
            for (size_t k = records_before; order_at != (size_t)-1 && k < table->n; k++) {
                uint64_t order;
                memcpy(&order, (char *)tr_array_at(table, k) + order_at, sizeof order);
                order += (uint64_t)info->first_line;
                memcpy((char *)tr_array_at(table, k) + order_at, &order, sizeof order);
            }
        struct tr_file_stats *st = job->pc.stats;
        st->bytes = info->bytes;
        st->lines = info->local_lines;
        in->bytes += ctx->rank == 0 ? info->bytes : 0;
        /* Allowed (docs/formats.md), but also how a file cut short looks: said once. */
        if (info->unterminated && ctx->rank == 0 && !(job->router && job->router->later_pass))
            TR_WARN(ctx,
                    "the last line of %s has no newline: read as a line, but if the file was"
                    " cut short, that record may be incomplete",
                    job->path);
    }
    free(info);
    return rc;
}

/* Every rank gets every antenna, in file order (rank r's lines precede rank r+1's). */
static void share_antennas(const struct tr_ctx *ctx, struct tr_array *a, size_t first_new)
{
    int mine = (int)((a->n - first_new) * a->size);
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, ctx->comm));
    int total = 0;
    for (int r = 0; r < ctx->size; r++)
        displs[r] = total, total += counts[r];
    char *all = TR_MALLOC((size_t)total + 1);
    MPI_CHECK(MPI_Allgatherv((char *)tr_array_at(a, first_new), mine, MPI_BYTE, all, counts, displs,
                             MPI_BYTE, ctx->comm));
    a->n = first_new;
    tr_array_reserve(a, first_new + (size_t)total / a->size);
    /* No antenna on any rank leaves the table without storage: memcpy may not see its NULL. */
    if (total > 0) memcpy(tr_array_at(a, first_new), all, (size_t)total);
    a->n = first_new + (size_t)total / a->size;
    free(all);
    free(displs);
    free(counts);
}

static void add_files(struct tr_ingest *in, const struct tr_input_files *files)
{
    for (int t = 0; t < TR_T_COUNT; t++)
        in->n_files += files->n[t];
    in->files = TR_CALLOC((size_t)in->n_files + 1, sizeof *in->files);
    in->file_stats = TR_CALLOC((size_t)in->n_files + 1, sizeof *in->file_stats);
    int f = 0;
    /* Tables in data-flow order: antennas first (CDRs need them), then the register. */
    for (int t = 0; t < TR_T_COUNT; t++)
        for (int k = 0; k < files->n[t]; k++, f++) {
            snprintf(in->files[f].table, sizeof in->files[f].table, "%s", tr_table_names[t]);
            snprintf(in->files[f].path, sizeof in->files[f].path, "%s", files->path[t][k]);
        }
}

static int table_of(const struct tr_input_stat *s)
{
    for (int t = 0; t < TR_T_COUNT; t++)
        if (strcmp(s->table, tr_table_names[t]) == 0) return t;
    return -1;
}

static int cmp_reject(const void *pa, const void *pb)
{
    const struct tr_reject *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

int tr_ingest_gather_rejects(const struct tr_ctx *ctx, struct tr_ingest *in,
                             const struct tr_reject *mine, size_t n_mine)
{
    /* Counts in records (a reject is 120 bytes), and MPI's counts are ints: more than 2^31 - 1
     * rejects in all cannot be gathered. The rate limit lets them through only when
     * inputs.max_reject_rate is near 1, on inputs that are not telrisk's tables. */
    int64_t total = (int64_t)n_mine;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    if (total > INT32_MAX) {
        if (ctx->rank == 0)
            TR_ERROR(ctx,
                     "%" PRId64 " lines rejected in all: more than the 2147483647 telrisk can "
                     "list in /rejects; these are not the tables telrisk reads (lower "
                     "inputs.max_reject_rate to stop at the first bad file)",
                     total);
        return TR_EXIT_INPUT;
    }
    MPI_Datatype rec;
    MPI_CHECK(MPI_Type_contiguous((int)sizeof *mine, MPI_BYTE, &rec));
    MPI_CHECK(MPI_Type_commit(&rec));
    int count = (int)n_mine;
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
    if (ctx->rank == 0)
        for (int r = 0, at = 0; r < ctx->size; at += counts[r++])
            displs[r] = at;
    const size_t here = ctx->rank == 0 ? (size_t)total : 0;
    in->rejects = TR_MALLOC(sizeof *mine * (here + 1));
    MPI_CHECK(MPI_Gatherv(mine, count, rec, in->rejects, counts, displs, rec, 0, ctx->comm));
    MPI_CHECK(MPI_Type_free(&rec));
    in->n_rejects = here;
    qsort(in->rejects, in->n_rejects, sizeof *in->rejects, cmp_reject);
    free(displs);
    free(counts);
    return TR_EXIT_OK;
}

/* Empty tables and the input files' list (collective; notes: the resolver's). 0, or the
 * resolver's exit code. */
static int start_ingest(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_ingest *in,
                        int notes)
{
    tr_ingest_init(in);
    struct tr_input_files files;
    const int rc = tr_inputs_resolve(ctx, cfg, &files, notes);
    if (rc) return rc;
    add_files(in, &files);
    tr_inputs_free(&files);
    return TR_EXIT_OK;
}

/* Every antenna file read: repeated ids settled (their rejects among this rank's), then the
 * regions and the index. A later pass's rejects are the first's: not kept again. */
static int antennas_done(const struct tr_ctx *ctx, struct tr_ingest *in, struct file_job *job)
{
    struct tr_reject *more;
    const size_t n = tr_ingest_antenna_repeats(ctx, in, &more);
    if (n) {
        job->rejects = TR_REALLOC(job->rejects, sizeof *more * (job->n_rejects + n));
        memcpy(job->rejects + job->n_rejects, more, sizeof *more * n);
        job->n_rejects += n, job->cap_rejects = job->n_rejects;
    }
    free(more);
    return tr_ingest_antennas_read(ctx, in);
}

/* The CSV source's read: every file of every table, its lines parsed where they are read and the
 * records routed (router NULL: kept there, in file order: telrisk convert). */
/* read_one, its time on the ledger's clock for a repayments file (core/stage.h). */
static int read_one_timed(const struct tr_ctx *ctx, struct tr_ingest *in, struct file_job *job,
                          int t)
{
    const double started = tr_now();
    const int rc = read_one(ctx, in, job);
    if (t == TR_T_REPAYMENTS)
        tr_clock_add(TR_CLOCK_READ_REPAYMENTS, tr_now() - started, in->file_stats[job->file].lines);
    return rc;
}

static int csv_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, const struct tr_router *router,
                    struct tr_ingest *in)
{
    int rc = start_ingest(ctx, cfg, in, !(router && router->later_pass));
    if (rc) return rc;
    /* Progress: each rank reads about its share of every file's bytes. */
    double bytes = 0;
    for (int f = 0; f < in->n_files; f++) {
        struct stat st;
        if (stat(in->files[f].path, &st) == 0) bytes += (double)st.st_size;
    }
    tr_progress_begin(ctx, "read", bytes / ctx->size, "bytes");

    /* Every record goes to its subscriber's owner as it is read (the router's rounds). */
    const int later = router && router->later_pass;
    struct file_job job = {.ctx = ctx,
                           .router = router,
                           .t_first = INT64_MAX,
                           .t_last = INT64_MIN,
                           .in = in,
                           .noting = router && !later};
    for (int f = 0; f < in->n_files && !rc; f++) {
        int t = table_of(&in->files[f]);
        if (t != TR_T_ANTENNAS && in->antenna_index.slot == NULL &&
            (rc = antennas_done(ctx, in, &job)))
            break;
        size_t before = in->table[t].n;
        job.schema = tr_schema_of((enum tr_table_id)t);
        job.file = f;
        job.path = in->files[f].path;
        job.table = &in->table[t];
        job.routed = t != TR_T_ANTENNAS && router && router->send;
        if (job.routed && job.staged.size != job.table->size) {
            tr_array_free(&job.staged);
            tr_array_init(&job.staged, job.table->size);
        }
        tr_holdout_draw_init(&job.draw, cfg->model.holdout_salt, cfg->model.holdout);
        in->holdout_check = tr_holdout_check(&job.draw);
        job.pc = (struct tr_parse_ctx){.kh = kh,
                                       .draw = &job.draw,
                                       .max_outstanding_ratio = cfg->inputs.max_outstanding_ratio,
                                       .antennas = t == TR_T_ANTENNAS ? NULL : &in->antenna_index,
                                       .regions = &in->regions,
                                       .ids = later ? NULL : &in->ids,
                                       .stats = &in->file_stats[f],
                                       .out = job.routed ? &job.staged : job.table};
        rc = read_one_timed(ctx, in, &job, t);
        if (!rc && t == TR_T_ANTENNAS) share_antennas(ctx, &in->table[t], before);
    }
    tr_array_free(&job.staged);
    free(job.got.run);
    if (!rc && in->antenna_index.slot == NULL) rc = antennas_done(ctx, in, &job);
    tr_id_book_flush(&in->ids);
    tr_progress_end();
    if (rc) {
        free(job.rejects);
        return rc;
    }
    /* The rates come from the summed counts: a file over the limit stops the run before its
     * (possibly huge) rejects are gathered. */
    rc = tr_ingest_finish(ctx, cfg, later, job.t_first, job.t_last, in);
    if (!rc) rc = tr_ingest_table_states(ctx, cfg, in, later, 0);
    if (!rc && !later) rc = tr_ingest_gather_rejects(ctx, in, job.rejects, job.n_rejects);
    free(job.rejects);
    return rc;
}

/* Rank 0: the header and up to max_lines lines of one file (all of an antennas file), gzip or
 * not. */
static int check_one(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_ingest *in,
                     int f, int64_t max_lines, const struct tr_keyhash *kh)
{
    const int t = table_of(&in->files[f]);
    const struct tr_schema *schema = tr_schema_of((enum tr_table_id)t);
    char why[TR_PATH_MAX + 256];
    struct tr_text_in *fp = tr_text_open(in->files[f].path, why, sizeof why);
    if (!fp) {
        TR_ERROR(ctx, "%s", why);
        return TR_EXIT_INPUT;
    }
    char *line = NULL;
    size_t cap = 0;
    long n = tr_text_line(fp, &line, &cap);
    int rc = n < -1 ? TR_EXIT_INPUT : TR_EXIT_OK;
    struct tr_header_map map;
    if (n >= 0) {
        const char *h = line;
        if (n >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0) h += 3, n -= 3; /* a UTF-8 BOM */
        rc = map_header(ctx, schema, in->files[f].path, h, (size_t)n, &map);
    }
    struct tr_holdout_draw draw;
    tr_holdout_draw_init(&draw, cfg->model.holdout_salt, cfg->model.holdout);
    struct tr_parse_ctx pc = {.kh = kh,
                              .draw = &draw,
                              .max_outstanding_ratio = cfg->inputs.max_outstanding_ratio,
                              .antennas = t == TR_T_ANTENNAS ? NULL : &in->antenna_index,
                              .regions = &in->regions,
                              .ids = &in->ids,
                              .stats = &in->file_stats[f],
                              .out = &in->table[t]};
    const int64_t limit = t == TR_T_ANTENNAS ? INT64_MAX : max_lines;
    for (int64_t k = 0; !rc && k < limit && (n = tr_text_line(fp, &line, &cap)) >= 0; k++) {
        in->file_stats[f].lines++;
        const enum tr_reason r =
            (size_t)n > TR_MAX_LINE
                ? TR_R_LINE_TOO_LONG
                : tr_parse_line(&pc, schema, &map, line, (size_t)n, tr_order(f, (uint64_t)k + 2));
        if (r != TR_ACCEPT) in->file_stats[f].rejected++, in->file_stats[f].by_reason[r]++;
    }
    free(line);
    if (tr_text_close(fp, why, sizeof why) && !rc) { /* a gzip stream cut short or corrupt */
        TR_ERROR(ctx, "%s", why);
        rc = TR_EXIT_INPUT;
    }
    return rc;
}

/* The CSV source's check (telrisk run --check). */
static int csv_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                     const struct tr_keyhash *kh, int64_t max_lines, struct tr_ingest *in)
{
    int rc = start_ingest(ctx, cfg, in, 1);
    if (rc) return rc;
    for (int f = 0; f < in->n_files && ctx->rank == 0; f++) {
        const int t = table_of(&in->files[f]);
        if (t != TR_T_ANTENNAS && in->antenna_index.slot == NULL) tr_ingest_number_regions(in);
        rc |= check_one(ctx, cfg, in, f, max_lines, kh);
    }
    if (in->antenna_index.slot == NULL) tr_ingest_number_regions(in);
    /* The regions, which only rank 0 read, for every rank. */
    int n = in->regions.n;
    MPI_CHECK(MPI_Bcast(&n, 1, MPI_INT, 0, ctx->comm));
    if (ctx->rank != 0) {
        free(in->regions.name);
        in->regions.name = TR_CALLOC((size_t)n + 1, 32);
        in->regions.n = n;
    }
    MPI_CHECK(MPI_Bcast(in->regions.name, n * 32, MPI_CHAR, 0, ctx->comm));
    return tr_agree(ctx, rc);
}

/* Rank 0: the bytes of every input file (0 elsewhere); -1 when the inputs cannot be resolved (the
 * read says why). Collective. */
static double csv_bytes(const struct tr_ctx *ctx, const struct tr_config *cfg)
{
    /* Quietly: what is wrong with the inputs is the read's to say, once. */
    struct tr_ctx quiet = *ctx;
    FILE *null = fopen("/dev/null", "w");
    if (null) quiet.msg = null;
    struct tr_input_files files = {0};
    const int bad = tr_inputs_resolve(&quiet, cfg, &files, 0);
    if (null) fclose(null);
    if (bad) return -1;
    double bytes = 0;
    for (int t = 0; t < TR_T_COUNT && ctx->rank == 0; t++)
        for (int k = 0; k < files.n[t]; k++) {
            struct stat st;
            if (stat(files.path[t][k], &st) == 0) bytes += (double)st.st_size;
        }
    tr_inputs_free(&files);
    return bytes;
}

const struct tr_input_source tr_csv_source = {
    .name = "csv", .read = csv_read, .check = csv_check, .bytes = csv_bytes};
