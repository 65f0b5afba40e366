/* What every input source shares: the tables, the antennas' regions, the counts summed over the
 * ranks, the reject rates, and the choice of source. */
#include "records/ingest.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The run's regions: the antennas' region names, sorted; each antenna gets its index. */
void tr_ingest_number_regions(struct tr_ingest *in)
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

/* The rows of an id, the one to keep first: smallest line hash, then content, then place (so
 * byte-identical lines keep the earliest). */
static int cmp_antenna_rows(const void *pa, const void *pb)
{
    const struct tr_antenna_rec *a = *(const struct tr_antenna_rec *const *)pa,
                                *b = *(const struct tr_antenna_rec *const *)pb;
    int c = strcmp(a->id, b->id);
    if (c == 0 && a->line != b->line) c = a->line < b->line ? -1 : 1;
    if (c == 0) c = strcmp(a->tower, b->tower);
    if (c == 0) c = strcmp(a->region_name, b->region_name);
    if (c == 0 && a->lat != b->lat) c = a->lat < b->lat ? -1 : 1;
    if (c == 0 && a->lon != b->lon) c = a->lon < b->lon ? -1 : 1;
    if (c == 0 && a->order != b->order) c = a->order < b->order ? -1 : 1;
    return c;
}

static int same_antenna(const struct tr_antenna_rec *a, const struct tr_antenna_rec *b)
{
    return strcmp(a->tower, b->tower) == 0 && strcmp(a->region_name, b->region_name) == 0 &&
           a->lat == b->lat && a->lon == b->lon;
}

/* Rank 0's account of a row not kept: a repeat (duplicates) or a reject with its line. */
static void account_dropped(const struct tr_antenna_rec *r, int conflicting,
                            struct tr_file_stats *stats, struct tr_reject *rj)
{
    struct tr_file_stats *st = &stats[tr_order_file(r->order)];
    if (!conflicting) {
        st->duplicates++;
        return;
    }
    st->rejected++, st->by_reason[TR_R_CONFLICTING_DUPLICATE]++;
    memset(rj, 0, sizeof *rj);
    snprintf(rj->table, sizeof rj->table, "%s", tr_table_names[TR_T_ANTENNAS]);
    rj->file = tr_order_file(r->order);
    rj->line = tr_order_line(r->order);
    snprintf(rj->reason, sizeof rj->reason, "%s", tr_reason_names[TR_R_CONFLICTING_DUPLICATE]);
    memcpy(rj->excerpt, r->excerpt, sizeof rj->excerpt);
}

size_t tr_ingest_antenna_repeats(const struct tr_ctx *ctx, struct tr_ingest *in,
                                 struct tr_reject **rejects)
{
    struct tr_array *a = &in->table[TR_T_ANTENNAS];
    struct tr_antenna_rec *all = (struct tr_antenna_rec *)a->data;
    const struct tr_antenna_rec **by_id = TR_MALLOC(sizeof *by_id * (a->n + 1));
    uint8_t *drop = TR_CALLOC(a->n + 1, 1);
    for (size_t k = 0; k < a->n; k++)
        by_id[k] = &all[k];
    qsort(by_id, a->n, sizeof *by_id, cmp_antenna_rows);
    size_t n = 0;
    *rejects = NULL;
    for (size_t k = 1, kept = 0; k < a->n; k++) {
        const struct tr_antenna_rec *r = by_id[k], *keep = by_id[kept];
        if (strcmp(r->id, keep->id) != 0) {
            kept = k;
            continue;
        }
        drop[r - all] = 1;
        const int conflicting = !same_antenna(r, keep);
        if (ctx->rank != 0) continue;
        if (conflicting) *rejects = TR_REALLOC(*rejects, sizeof **rejects * (n + 1));
        account_dropped(r, conflicting, in->file_stats, conflicting ? &(*rejects)[n++] : NULL);
    }
    size_t left = 0; /* the rows kept, in file order */
    for (size_t k = 0; k < a->n; k++)
        if (!drop[k]) all[left++] = all[k];
    a->n = left;
    free(drop);
    free(by_id);
    return n;
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
    tr_ingest_number_regions(in);
    return TR_EXIT_OK;
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
        in->files[f].duplicates = sum[f].duplicates; /* the antennas' (tr_ingest_antenna_repeats) */
        in->records += in->files[f].accepted;
    }
    free(in->file_stats);
    in->file_stats = sum;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &in->bytes, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
}

/* Stops the run when a file's reject rate is over the limit, naming its commonest reason. */
static int reject_rates_over(const struct tr_ctx *ctx, const struct tr_config *cfg,
                             const struct tr_ingest *in)
{
    int bad = 0;
    for (int f = 0; f < in->n_files; f++) {
        const struct tr_input_stat *s = &in->files[f];
        /* A line outside the window is well formed: the window's choice, not the file's fault
         * (the records checkpoint warns of files mostly outside it). */
        const int64_t faulty = s->rejected - in->file_stats[f].by_reason[TR_R_OUT_OF_WINDOW];
        if (s->lines == 0 || (double)faulty <= cfg->inputs.max_reject_rate * (double)s->lines)
            continue;
        int top = 1;
        for (int r = 1; r < TR_R_COUNT; r++)
            if (r != TR_R_OUT_OF_WINDOW &&
                in->file_stats[f].by_reason[r] > in->file_stats[f].by_reason[top])
                top = r;
        if (ctx->rank == 0)
            TR_ERROR(ctx,
                     "%s: %lld of %lld lines rejected (%.2f%%, over inputs.max_reject_rate = %g);"
                     " commonest reason: %s (%lld lines)",
                     s->path, (long long)faulty, (long long)s->lines,
                     100.0 * (double)faulty / (double)s->lines, cfg->inputs.max_reject_rate,
                     tr_reason_names[top], (long long)in->file_stats[f].by_reason[top]);
        bad = TR_EXIT_INPUT;
    }
    return bad;
}

void tr_ingest_init(struct tr_ingest *in)
{
    memset(in, 0, sizeof *in);
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_init(&in->table[t], tr_schema_of((enum tr_table_id)t)->record_size);
    tr_id_book_init(&in->ids);
    in->key_collisions = -1;
    tr_day_counts_init(&in->days);
    tr_array_init(&in->loan_notes, sizeof(struct tr_loan_note));
}

int tr_ingest_finish(const struct tr_ctx *ctx, const struct tr_config *cfg, int later_pass,
                     int64_t t_first, int64_t t_last, struct tr_ingest *in)
{
    total_stats(ctx, in);
    int64_t span[2] = {t_first, t_last == INT64_MIN ? INT64_MAX : -t_last};
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, span, 2, MPI_INT64_T, MPI_MIN, ctx->comm));
    in->t_first = span[0], in->t_last = span[1] == INT64_MAX ? INT64_MIN : -span[1];
    /* A later pass parses the same lines: its rejects and rates are the first pass's. */
    return later_pass ? TR_EXIT_OK : tr_ingest_check_reject_rates(ctx, cfg, in);
}

int tr_ingest_check_reject_rates(const struct tr_ctx *ctx, const struct tr_config *cfg,
                                 const struct tr_ingest *in)
{
    return tr_agree(ctx, reject_rates_over(ctx, cfg, in));
}

static int table_of(const struct tr_input_stat *s)
{
    for (int t = 0; t < TR_T_COUNT; t++)
        if (strcmp(s->table, tr_table_names[t]) == 0) return t;
    return -1;
}

/* Rank 0: a table required by name that the columnar inputs lack (converted without it). */
static int absent_required(const struct tr_ctx *ctx, const struct tr_config *cfg, int t)
{
    if (!tr_inputs_required(cfg, (enum tr_table_id)t)) return 0;
    TR_ERROR(ctx,
             "the %s table is absent from the columnar inputs %s (converted without it), and "
             "the run requires it",
             tr_table_names[t], cfg->inputs.columnar);
    return 1;
}

int tr_ingest_table_states(const struct tr_ctx *ctx, const struct tr_config *cfg,
                           const struct tr_ingest *in, int later, int check_absent)
{
    int bad = 0;
    for (int t = 0; t < TR_T_COUNT && ctx->rank == 0; t++) {
        int files = 0, first = -1;
        int64_t lines = 0;
        for (int f = 0; f < in->n_files; f++)
            if (table_of(&in->files[f]) == t) {
                first = first < 0 ? f : first;
                files++;
                lines += in->file_stats[f].lines;
            }
        if (files == 0 && check_absent) bad |= absent_required(ctx, cfg, t);
        if (files > 0 && lines == 0)
            bad |= tr_inputs_empty(ctx, cfg, (enum tr_table_id)t, in->files[first].path, files,
                                   !later);
    }
    return tr_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK);
}

void tr_ingest_note_line(struct tr_ingest *in, int table, const void *rec)
{
    const int64_t when = tr_record_time(table, rec);
    if (when != INT64_MIN) tr_day_counts_add(&in->days, when);
    if (table != TR_T_LOANS) return;
    const struct tr_loan_rec *loan = rec;
    struct tr_loan_note *note = tr_array_push(&in->loan_notes);
    *note = (struct tr_loan_note){.loan = loan->loan, .line = loan->line, .order = loan->order};
}

void tr_ingest_free(struct tr_ingest *in)
{
    for (int t = 0; t < TR_T_COUNT; t++)
        tr_array_free(&in->table[t]);
    tr_antenna_index_free(&in->antenna_index);
    tr_id_book_free(&in->ids);
    tr_day_counts_free(&in->days);
    tr_array_free(&in->loan_notes);
    free(in->regions.name);
    free(in->files);
    free(in->file_stats);
    free(in->rejects);
    memset(in, 0, sizeof *in);
}

const struct tr_input_source *tr_input_source_of(const struct tr_config *cfg)
{
    return cfg->inputs.columnar[0] ? &tr_columnar_source : &tr_csv_source;
}

int tr_ingest(const struct tr_ctx *ctx, const struct tr_config *cfg, const struct tr_keyhash *kh,
              const struct tr_router *router, struct tr_ingest *in)
{
    return tr_input_source_of(cfg)->read(ctx, cfg, kh, router, in);
}

int tr_ingest_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, int64_t max_lines, struct tr_ingest *in)
{
    return tr_input_source_of(cfg)->check(ctx, cfg, kh, max_lines, in);
}
