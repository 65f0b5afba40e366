#include "records/ingest.h"

#include "core/error.h"
#include "core/progress.h"
#include "io/reader.h"
#include "partition/partition.h"
#include "records/columnar.h"
#include "records/route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CHUNK          (16u << 20) /* bytes per MPI-IO read */
#define ROUND_BYTES         (16u << 20) /* bytes of a rank's range read before its records are sent */
#define SHUFFLE_ROUND_BYTES ((size_t)256 << 20) /* the ids' all-to-all: sent per rank per round */

/* What the line handler needs while one file is read. */
struct file_job {
    const struct tr_ctx *ctx;
    const struct tr_schema *schema;
    struct tr_header_map map;
    struct tr_parse_ctx pc;
    int file;
    const char *path;
    struct tr_reject *rejects; /* this rank's, line = local index until the read ends */
    size_t n_rejects, cap_rejects;
    const struct tr_pass *pass; /* NULL: keep every record */
    int64_t t_first, t_last;    /* over every accepted record, kept or not */
    struct tr_route *route;     /* NULL: records stay here (the antennas, convert) */
    struct tr_array *table;     /* where this rank's records of the table end up */
    uint32_t id_fields;         /* the fields whose digits excerpts mask (tr_id_fields) */
};

/* After a line is accepted (its records pc.out[first..]): its time into the window, and the
 * records whose subscriber the pass does not hold dropped (each party's copy on its own). */
static void after_accept(struct file_job *job, size_t first)
{
    struct tr_array *a = job->pc.out;
    const int t = job->schema->table;
    const int64_t when = tr_record_time(t, tr_array_at(a, first));
    if (when != INT64_MIN) {
        if (when < job->t_first) job->t_first = when;
        if (when > job->t_last) job->t_last = when;
    }
    if (!job->pass || t == TR_T_ANTENNAS) return;
    size_t kept = first;
    for (size_t i = first; i < a->n; i++) {
        uint64_t self;
        memcpy(&self, tr_array_at(a, i), sizeof self);
        if (!tr_pass_contains(job->pass, self)) continue;
        if (kept != i) memcpy(tr_array_at(a, kept), tr_array_at(a, i), a->size);
        kept++;
    }
    a->n = kept;
}

static void on_round(void *user)
{
    struct file_job *job = user;
    if (job->route) tr_route_round(job->ctx, job->route, job->table);
}

/* The file's records got their line within the sender's range: now in the file. */
static void number_lines(const struct tr_ctx *ctx, struct tr_route *r, struct tr_array *table,
                         size_t order_at, int64_t first_line)
{
    int64_t *first = TR_MALLOC(sizeof(int64_t) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&first_line, 1, MPI_INT64_T, first, 1, MPI_INT64_T, ctx->comm));
    for (size_t k = 0; k < r->n_runs; k++)
        for (size_t i = r->runs[k].first; i < r->runs[k].first + r->runs[k].n; i++) {
            char *at = (char *)tr_array_at(table, i) + order_at;
            uint64_t order;
            memcpy(&order, at, sizeof order);
            order += (uint64_t)first[r->runs[k].from];
            memcpy(at, &order, sizeof order);
        }
    r->n_runs = 0;
    free(first);
}

/* "YYYY-MM-DD" or "YYYY-MM-DD hh:mm[:ss]" (or with a T): how every table writes its times, the
 * digits an operator needs to see in a rejected line, and never a phone number. */
static int timestamp_shaped(const char *s, size_t n)
{
    static const char date[] = "DDDD-DD-DD", time[] = "?DD:DD:DD";
    if (n != 10 && n != 16 && n != 19) return 0;
    for (size_t k = 0; k < n; k++) {
        const char want = k < 10 ? date[k] : time[k - 10];
        const int digit = s[k] >= '0' && s[k] <= '9';
        if (want == 'D' ? !digit : want == '?' ? s[k] != ' ' && s[k] != 'T' : s[k] != want)
            return 0;
    }
    return 1;
}

/* End of the field starting at s[from] (a comma outside quotes, or len): the whole line's fields,
 * so a quoted id with commas in it is one field. */
static size_t field_end(const char *line, size_t from, size_t len)
{
    int quoted = 0;
    size_t k = from;
    for (; k < len && (quoted || line[k] != ','); k++)
        if (line[k] == '"') quoted = !quoted;
    return k;
}

uint32_t tr_id_fields(const struct tr_schema *s, const struct tr_header_map *m)
{
    uint32_t fields = 0;
    for (int k = 0; k < s->n_cols + s->n_optional; k++) {
        const char *name = k < s->n_cols ? s->cols[k] : s->optional[k - s->n_cols];
        const size_t n = strlen(name);
        const int is_id = n > 3 && strcmp(name + n - 3, "_id") == 0 &&
                          strcmp(name, "antenna_id") != 0 && strcmp(name, "tower_id") != 0;
        if (is_id && m->col[k] >= 0 && m->col[k] < 32) fields |= 1u << m->col[k];
    }
    return fields;
}

void tr_mask_excerpt(const char *line, size_t len, uint32_t id_fields, char out[TR_EXCERPT_MAX])
{
    size_t n = len < TR_EXCERPT_MAX - 1 ? len : TR_EXCERPT_MAX - 1;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)line[k];
        out[k] =
            (c < 32 || c >= 127) ? '?' : (char)c; /* ASCII only: valid UTF-8 whatever the cut */
    }
    out[n] = 0;
    /* The header's id fields lose their digits (an agent's AG03430 too); so does any other
     * field with 6 digits or more, however they are spaced, quoted or mixed with letters
     * (+255 738 324 210, "255,738,324,210", T328eb401d94: a phone number in a shifted line),
     * unless it is a timestamp. Fields are taken from the whole line, so one the excerpt's end
     * cuts is judged by all its digits. */
    for (size_t from = 0, field = 0; from < n; field++) {
        const size_t end = field_end(line, from, len);
        size_t digits = 0;
        for (size_t k = from; k < end; k++)
            digits += line[k] >= '0' && line[k] <= '9';
        const int id = field < 32 && (id_fields >> field & 1);
        if (id || (digits >= 6 && !timestamp_shaped(line + from, end - from)))
            for (size_t k = from; k < end && k < n; k++)
                if (line[k] >= '0' && line[k] <= '9') out[k] = '#';
        from = end + 1;
    }
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

static int on_header(void *user, const struct tr_read_info *info)
{
    struct file_job *job = user;
    if (!info->has_header) { /* an empty file: no columns, no lines */
        job->map.n_fields = 0;
        return 0;
    }
    char err[512];
    if (tr_header_map(job->schema, info->header, info->header_len, &job->map, err, sizeof err)) {
        if (job->ctx->rank == 0) TR_ERROR(job->ctx, "%s: %s", job->path, err); /* all saw it */
        return TR_EXIT_INPUT;
    }
    job->id_fields = tr_id_fields(job->schema, &job->map);
    return 0;
}

/* Reads one file of a table into in->table[t] (the records this rank owns), its stats and this
 * rank's rejects. */
static int read_one(const struct tr_ctx *ctx, struct tr_ingest *in, struct file_job *job)
{
    struct tr_read_info *info = TR_MALLOC(sizeof *info);
    struct tr_line_handler h = {job, on_line, job->route ? ROUND_BYTES : 0, on_round};
    const size_t earlier = job->n_rejects; /* other files' rejects, already numbered */
    struct tr_array *table = job->table;
    const size_t records_before = table->n, order_at = tr_order_offset(job->schema->table);
    int rc = tr_read_file(ctx, job->path, READ_CHUNK, on_header, &h, info);
    if (job->route) job->route->n_runs = rc ? 0 : job->route->n_runs;
    if (!rc) {
        for (size_t k = earlier; k < job->n_rejects; k++)
            job->rejects[k].line += info->first_line;
        if (job->route)
            number_lines(ctx, job->route, table, order_at, info->first_line);
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
        if (info->unterminated && ctx->rank == 0 && !(job->pass && job->pass->k > 0))
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

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The run's regions: the antennas' region names, sorted; each antenna gets its index. */
static void number_regions(struct tr_ingest *in)
{
    struct tr_array *a = &in->table[TR_T_ANTENNAS];
    char(*names)[32] = TR_CALLOC(a->n + 1, 32);
    int n = 0;
    for (size_t k = 0; k < a->n; k++)
        memcpy(names[k], ((struct tr_antenna_rec *)tr_array_at(a, k))->region_name, 32);
    qsort(names, a->n, 32, cmp_name);
    for (size_t k = 0; k < a->n; k++)
        if (n == 0 || strcmp(names[n - 1], names[k]) != 0) memmove(names[n++], names[k], 32);
    in->regions.n = n;
    in->regions.name = names;
    for (size_t k = 0; k < a->n; k++) {
        struct tr_antenna_rec *r = tr_array_at(a, k);
        r->region = tr_region_find(&in->regions, r->region_name, strlen(r->region_name));
    }
    tr_antenna_index_build(&in->antenna_index, a->data, a->n);
}

int tr_ingest_antennas_read(const struct tr_ctx *ctx, struct tr_ingest *in)
{
    if (in->table[TR_T_ANTENNAS].n > TR_ANTENNA_MAX) {
        if (ctx->rank == 0)
            TR_ERROR(ctx, "more than %d antennas: telrisk's records hold 24-bit indices",
                     TR_ANTENNA_MAX);
        return TR_EXIT_INPUT;
    }
    /* No antenna means no region: every subscriber would be rejected or unplaced, and the error
     * would name the register, not the file at fault. */
    if (in->table[TR_T_ANTENNAS].n == 0) {
        for (int f = 0; f < in->n_files && ctx->rank == 0; f++)
            if (strcmp(in->files[f].table, "antennas") == 0) {
                TR_ERROR(ctx,
                         "%s: no antenna accepted (the antennas table is empty, or every line was"
                         " rejected): a run needs the antennas and their regions",
                         in->files[f].path);
                break;
            }
        return TR_EXIT_INPUT;
    }
    number_regions(in);
    return TR_EXIT_OK;
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

/* Sums the per-file counts over the ranks and fills the provenance rows. */
static void total_stats(const struct tr_ctx *ctx, struct tr_ingest *in)
{
    size_t words = sizeof(struct tr_file_stats) / sizeof(int64_t) * (size_t)in->n_files;
    struct tr_file_stats *sum = TR_CALLOC((size_t)in->n_files + 1, sizeof *sum);
    MPI_CHECK(MPI_Allreduce(in->file_stats, sum, (int)words, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int f = 0; f < in->n_files; f++) {
        sum[f].bytes = in->file_stats[f].bytes; /* every rank knows the size */
        in->files[f].bytes = sum[f].bytes;
        in->files[f].lines = sum[f].lines;
        in->files[f].rejected = sum[f].rejected;
        in->files[f].accepted = sum[f].lines - sum[f].rejected;
        in->files[f].unknown_antenna = sum[f].unknown_antenna;
        in->records += in->files[f].accepted;
    }
    free(in->file_stats);
    in->file_stats = sum;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &in->bytes, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
}

static int cmp_reject(const void *pa, const void *pb)
{
    const struct tr_reject *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* All rejects to rank 0, sorted by (file, line). */
static void gather_rejects(const struct tr_ctx *ctx, struct tr_ingest *in, struct tr_reject *mine,
                           size_t n_mine)
{
    /* Counts in records (a reject is 120 bytes): up to 2^31 of them per rank. */
    MPI_Datatype rec;
    MPI_CHECK(MPI_Type_contiguous((int)sizeof *mine, MPI_BYTE, &rec));
    MPI_CHECK(MPI_Type_commit(&rec));
    int count = (int)n_mine;
    int *counts = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    int *displs = TR_MALLOC(sizeof(int) * (size_t)ctx->size);
    MPI_CHECK(MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
    int64_t total = 0;
    if (ctx->rank == 0)
        for (int r = 0; r < ctx->size; r++)
            displs[r] = (int)total, total += counts[r];
    if (total > INT32_MAX) TR_DIE(TR_EXIT_INPUT, "more than 2^31 rejected lines");
    in->rejects = TR_MALLOC(sizeof *mine * ((size_t)total + 1));
    MPI_CHECK(MPI_Gatherv(mine, count, rec, in->rejects, counts, displs, rec, 0, ctx->comm));
    MPI_CHECK(MPI_Type_free(&rec));
    in->n_rejects = (size_t)total;
    qsort(in->rejects, in->n_rejects, sizeof *in->rejects, cmp_reject);
    free(displs);
    free(counts);
}

/* Stops the run when a file's reject rate is over the limit, naming its commonest reason. */
static int check_reject_rates(const struct tr_ctx *ctx, const struct tr_config *cfg,
                              const struct tr_ingest *in)
{
    int bad = 0;
    for (int f = 0; f < in->n_files; f++) {
        const struct tr_input_stat *s = &in->files[f];
        if (s->lines == 0 || (double)s->rejected <= cfg->inputs.max_reject_rate * (double)s->lines)
            continue;
        int top = 1;
        for (int r = 1; r < TR_R_COUNT; r++)
            if (in->file_stats[f].by_reason[r] > in->file_stats[f].by_reason[top]) top = r;
        if (ctx->rank == 0)
            TR_ERROR(ctx,
                     "%s: %lld of %lld lines rejected (%.2f%%, over inputs.max_reject_rate = %g);"
                     " commonest reason: %s (%lld lines)",
                     s->path, (long long)s->rejected, (long long)s->lines,
                     100.0 * (double)s->rejected / (double)s->lines, cfg->inputs.max_reject_rate,
                     tr_reason_names[top], (long long)in->file_stats[f].by_reason[top]);
        bad = TR_EXIT_INPUT;
    }
    return bad;
}

int tr_ingest(const struct tr_ctx *ctx, const struct tr_config *cfg, const struct tr_keyhash *kh,
              struct tr_ingest *in)
{
    return tr_ingest_pass(ctx, cfg, kh, NULL, in);
}

void tr_ingest_init(struct tr_ingest *in)
{
    memset(in, 0, sizeof *in);
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_init(&in->table[t], tr_schema_of((enum tr_table_id)t)->record_size);
    tr_id_book_init(&in->ids);
    in->key_collisions = -1;
}

/* Empty tables and the input files' list (collective). 0, or the resolver's exit code. */
static int start_ingest(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_ingest *in)
{
    tr_ingest_init(in);
    struct tr_input_files files;
    const int rc = tr_inputs_resolve(ctx, cfg, &files);
    if (rc) return rc;
    add_files(in, &files);
    tr_inputs_free(&files);
    return TR_EXIT_OK;
}

/* local: records stay on the rank that read them, in file order (telrisk convert). */
static int ingest(const struct tr_ctx *ctx, const struct tr_config *cfg,
                  const struct tr_keyhash *kh, const struct tr_pass *pass, int local,
                  struct tr_ingest *in)
{
    if (cfg->inputs.columnar[0]) return tr_columnar_read(ctx, cfg, kh, pass, in);
    int rc = start_ingest(ctx, cfg, in);
    if (rc) return rc;
    /* Progress: each rank reads about its share of every file's bytes. */
    double bytes = 0;
    for (int f = 0; f < in->n_files; f++) {
        struct stat st;
        if (stat(in->files[f].path, &st) == 0) bytes += (double)st.st_size;
    }
    tr_progress_begin(ctx, "read", bytes / ctx->size, "bytes");

    /* Every record goes to its subscriber's owner as it is read: the pass's, or an even cut of
     * the key space. */
    struct tr_partition owners;
    tr_partition_pass(pass ? pass : &(struct tr_pass){0, 1, ctx->size}, &owners);
    struct tr_route route;
    tr_route_init(&route, &owners, ctx->size);
    struct file_job job = {.ctx = ctx, .pass = pass, .t_first = INT64_MAX, .t_last = INT64_MIN};
    for (int f = 0; f < in->n_files && !rc; f++) {
        int t = table_of(&in->files[f]);
        if (t != TR_T_ANTENNAS && in->antenna_index.slot == NULL &&
            (rc = tr_ingest_antennas_read(ctx, in)))
            break;
        size_t before = in->table[t].n;
        job.schema = tr_schema_of((enum tr_table_id)t);
        job.file = f;
        job.path = in->files[f].path;
        job.table = &in->table[t];
        job.route = t == TR_T_ANTENNAS || local ? NULL : &route;
        if (job.route) tr_route_stage(&route, job.table->size);
        job.pc = (struct tr_parse_ctx){.kh = kh,
                                       .antennas = t == TR_T_ANTENNAS ? NULL : &in->antenna_index,
                                       .regions = &in->regions,
                                       .ids = pass && pass->k > 0 ? NULL : &in->ids,
                                       .stats = &in->file_stats[f],
                                       .out = job.route ? &route.staged : job.table};
        rc = read_one(ctx, in, &job);
        if (!rc && t == TR_T_ANTENNAS) share_antennas(ctx, &in->table[t], before);
    }
    tr_route_free(&route);
    tr_partition_free(&owners);
    if (!rc && in->antenna_index.slot == NULL) rc = tr_ingest_antennas_read(ctx, in);
    tr_id_book_flush(&in->ids);
    tr_progress_end();
    if (rc) {
        free(job.rejects);
        return rc;
    }
    /* The rates come from the summed counts: a file over the limit stops the run before its
     * (possibly huge) rejects are gathered. */
    rc = tr_ingest_finish(ctx, cfg, pass, job.t_first, job.t_last, in);
    if (!rc && !(pass && pass->k > 0)) gather_rejects(ctx, in, job.rejects, job.n_rejects);
    free(job.rejects);
    return rc;
}

int tr_ingest_finish(const struct tr_ctx *ctx, const struct tr_config *cfg,
                     const struct tr_pass *pass, int64_t t_first, int64_t t_last,
                     struct tr_ingest *in)
{
    total_stats(ctx, in);
    int64_t span[2] = {t_first, t_last == INT64_MIN ? INT64_MAX : -t_last};
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, span, 2, MPI_INT64_T, MPI_MIN, ctx->comm));
    in->t_first = span[0], in->t_last = span[1] == INT64_MAX ? INT64_MIN : -span[1];
    /* A later pass parses the same lines: its rejects and rates are the first pass's. */
    return pass && pass->k > 0 ? TR_EXIT_OK : tr_agree(ctx, check_reject_rates(ctx, cfg, in));
}

int64_t tr_ingest_collisions(const struct tr_ctx *ctx, const struct tr_ingest *in)
{
    if (in->key_collisions >= 0) return in->key_collisions; /* columnar inputs: as converted */
    const struct tr_id_book *ids = &in->ids;
    struct tr_partition p;
    tr_partition_pass(&(struct tr_pass){0, 1, ctx->size}, &p);
    struct tr_array pairs;
    tr_array_init(&pairs, 2 * sizeof(uint64_t));
    tr_array_reserve(&pairs, ids->n_used + 1);
    for (size_t k = 0; k < ids->n_slots; k++) {
        if (!ids->slot[k].fingerprint) continue;
        uint64_t *pair = tr_array_push(&pairs);
        pair[0] = ids->slot[k].key;
        pair[1] = ids->slot[k].fingerprint;
    }
    for (size_t k = 0; k < ids->n_extra; k++) {
        uint64_t *pair = tr_array_push(&pairs);
        pair[0] = ids->extra[k][0];
        pair[1] = ids->extra[k][1];
    }
    tr_partition_shuffle(ctx, &p, &pairs, SHUFFLE_ROUND_BYTES);
    tr_sort_keyed(&pairs); /* by (key, fingerprint) */
    int64_t shared = 0;    /* counted at the key's owner only, whatever the ranks saw */
    for (size_t first = 0; first < pairs.n;) { /* one group per key: more than one id? */
        const uint64_t *g = tr_array_at(&pairs, first);
        size_t last = first + 1;
        int several = 0;
        for (; last < pairs.n && ((uint64_t *)tr_array_at(&pairs, last))[0] == g[0]; last++)
            several |= ((uint64_t *)tr_array_at(&pairs, last))[1] != g[1];
        shared += several;
        first = last;
    }
    tr_array_free(&pairs);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &shared, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    tr_partition_free(&p);
    return shared;
}

int tr_ingest_pass(const struct tr_ctx *ctx, const struct tr_config *cfg,
                   const struct tr_keyhash *kh, const struct tr_pass *pass, struct tr_ingest *in)
{
    return ingest(ctx, cfg, kh, pass, 0, in);
}

int tr_ingest_local(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, struct tr_ingest *in)
{
    return ingest(ctx, cfg, kh, NULL, 1, in);
}

void tr_ingest_free(struct tr_ingest *in)
{
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_free(&in->table[t]);
    tr_antenna_index_free(&in->antenna_index);
    tr_id_book_free(&in->ids);
    free(in->regions.name);
    free(in->files);
    free(in->file_stats);
    free(in->rejects);
    memset(in, 0, sizeof *in);
}

/* ---- telrisk run --check: each file's header and first lines, serially, on rank 0 ---- */

/* One line of f without its newline (and a CR before it); -1 at the end. */
static ssize_t next_line(FILE *f, char **line, size_t *cap)
{
    ssize_t n = getline(line, cap, f);
    if (n <= 0) return -1;
    if ((*line)[n - 1] == '\n') (*line)[--n] = 0;
    if (n > 0 && (*line)[n - 1] == '\r') (*line)[--n] = 0;
    return n;
}

/* Rank 0: the header and up to max_lines lines of one file (all of an antennas file). */
static int check_one(const struct tr_ctx *ctx, struct tr_ingest *in, int f, int64_t max_lines,
                     const struct tr_keyhash *kh)
{
    const int t = table_of(&in->files[f]);
    const struct tr_schema *schema = tr_schema_of((enum tr_table_id)t);
    FILE *fp = fopen(in->files[f].path, "rb");
    if (!fp) {
        TR_ERROR(ctx, "%s: %s", in->files[f].path, strerror(errno));
        return TR_EXIT_INPUT;
    }
    char *line = NULL, err[512];
    size_t cap = 0;
    ssize_t n = next_line(fp, &line, &cap);
    int rc = TR_EXIT_OK;
    struct tr_header_map map;
    if (n >= 0) {
        const char *h = line;
        if (n >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0) h += 3, n -= 3; /* a UTF-8 BOM */
        if (tr_header_map(schema, h, (size_t)n, &map, err, sizeof err)) {
            TR_ERROR(ctx, "%s: %s", in->files[f].path, err);
            rc = TR_EXIT_INPUT;
        }
    }
    struct tr_parse_ctx pc = {.kh = kh,
                              .antennas = t == TR_T_ANTENNAS ? NULL : &in->antenna_index,
                              .regions = &in->regions,
                              .ids = &in->ids,
                              .stats = &in->file_stats[f],
                              .out = &in->table[t]};
    const int64_t limit = t == TR_T_ANTENNAS ? INT64_MAX : max_lines;
    for (int64_t k = 0; !rc && k < limit && (n = next_line(fp, &line, &cap)) >= 0; k++) {
        in->file_stats[f].lines++;
        const enum tr_reason r =
            (size_t)n > TR_MAX_LINE
                ? TR_R_LINE_TOO_LONG
                : tr_parse_line(&pc, schema, &map, line, (size_t)n, tr_order(f, (uint64_t)k + 2));
        if (r != TR_ACCEPT) in->file_stats[f].rejected++, in->file_stats[f].by_reason[r]++;
    }
    free(line);
    fclose(fp);
    return rc;
}

int tr_ingest_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, int64_t max_lines, struct tr_ingest *in)
{
    if (cfg->inputs.columnar[0]) return tr_columnar_check(ctx, cfg, kh, in);
    int rc = start_ingest(ctx, cfg, in);
    if (rc) return rc;
    for (int f = 0; f < in->n_files && ctx->rank == 0; f++) {
        const int t = table_of(&in->files[f]);
        if (t != TR_T_ANTENNAS && in->antenna_index.slot == NULL) number_regions(in);
        rc |= check_one(ctx, in, f, max_lines, kh);
    }
    if (in->antenna_index.slot == NULL) number_regions(in);
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
