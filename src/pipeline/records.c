/* The stages that read the input records: read, partition, indicators, cross-checks, and the
 * loan book as the loans table gives it; their results go to the records checkpoint
 * (output/checkpoint.h) and the records are freed. */
#include "pipeline/records.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/progress.h"
#include "crosscheck/crosscheck.h"
#include "output/checkpoint.h"
#include "partition/exchange.h"

#include <malloc.h>
#include <math.h>
#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Sorts every table (ingest has put each record at its owner: the pass's, when there is one),
 * drops exact duplicates (counted per file, added to dups), and counts key collisions when
 * asked. */
static int64_t partition_tables(const struct tr_ctx *ctx, struct tr_ingest *in,
                                const struct tr_pass *pass, int64_t *dups, int64_t *collisions)
{
    (void)pass; /* ingest has put each record at its owner: the sorts are local */
    if (collisions) *collisions = tr_key_collisions(ctx, in);
    if (collisions && *collisions && ctx->rank == 0)
        TR_WARN(ctx,
                "%lld subscriber keys are shared by different ids (64-bit key collisions):"
                " their records are merged; recorded in /subscribers/key/key_collisions",
                (long long)*collisions);
    int64_t *mine = TR_CALLOC((size_t)in->n_files + 1, sizeof(int64_t));
    int64_t records = 0;
    tr_progress_begin(ctx, "partition", TR_T_COUNT - TR_T_SUBSCRIBERS, "tables");
    for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++) {
        tr_progress_add(1);
        struct tr_array *a = &in->table[t];
        records += (int64_t)a->n;
        switch (t) {
        case TR_T_CDR:
            tr_sort_cdr(a), tr_dedupe_cdr(a, mine);
            break;
        case TR_T_MOBILEMONEY:
            tr_sort_money(a), tr_dedupe_money(a, mine);
            break;
        case TR_T_SUBSCRIBERS:
        case TR_T_LOANS:
            tr_sort_keyed(a), tr_dedupe_keyed(a, mine);
            break;
        default:
            tr_sort_timed(a), tr_dedupe_timed(a, mine);
            break;
        }
    }
    tr_progress_end();
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, mine, in->n_files, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int f = 0; f < in->n_files; f++)
        dups[f] += mine[f];
    free(mine);
    return records;
}

/* Whether any input file belongs to this table. */
static int has_table(const struct tr_ingest *in, const char *table)
{
    for (int f = 0; f < in->n_files; f++)
        if (strcmp(in->files[f].table, table) == 0) return 1;
    return 0;
}

/* The observation window: from midnight before the first event (call, payment, top-up, data
 * session, swap) of any subscriber to midnight after the last (over every accepted record, so
 * every pass of a run in passes sees the same). */
static void observation_window(const struct tr_ingest *in, int64_t *start, int64_t *end)
{
    if (in->t_first == INT64_MAX) {
        *start = *end = 0;
        return;
    }
    *start = tr_day_of(in->t_first) * 86400;
    *end = (tr_day_of(in->t_last) + 1) * 86400;
}

/* model.oot_date in days since 1970, INT64_MAX when it is empty (validated with the config). */
static int64_t oot_day(const struct tr_config *cfg)
{
    int64_t day = INT64_MAX;
    if (cfg->model.oot_date[0]) tr_parse_date(cfg->model.oot_date, &day);
    return day;
}

static int64_t tr_agree_sum(const struct tr_ctx *ctx, int64_t mine)
{
    int64_t all = 0;
    MPI_CHECK(MPI_Allreduce(&mine, &all, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    return all;
}

/* One line for the log: ledger breaks and alerts per rule, all regions. */
static void log_crosschecks(const struct tr_ctx *ctx, const struct tr_crosscheck *c, int n_regions)
{
    int64_t breaks = 0, alerts[TR_RULE_COUNT] = {0};
    for (int g = 0; g <= n_regions; g++) {
        breaks += c->recon[g].ledger_breaks[0] + c->recon[g].ledger_breaks[1];
        for (int r = 0; r < TR_RULE_COUNT; r++)
            alerts[r] += c->recon[g].alerts[r];
    }
    char text[256];
    int at = snprintf(text, sizeof text, "%lld ledger breaks; alerts:", (long long)breaks);
    for (int r = 0; r < TR_RULE_COUNT && at > 0 && (size_t)at < sizeof text; r++)
        at += snprintf(text + at, sizeof text - (size_t)at, " %s %lld", tr_rule_names[r],
                       (long long)alerts[r]);
    TR_INFO(ctx, "crosschecks: %s", text);
}

/* A rank's peak memory, modelled from its share b of the input bytes in K passes as
 *   BASE + PER_PASS_BYTE x b / K + KEPT_BYTE x b:
 * the records of a pass (read straight to their owners, sorted in place) and what stays across
 * passes (the features and the ids). Fitted, with a margin, on the benchmark country (1.08 GB of
 * CSV per rank at 2 ranks: 1.87 GB measured in one pass, 0.88 GB in three; the model says 2.03
 * and 0.95). */
#define BASE_BYTES    3e8
#define PER_PASS_BYTE 1.5
#define KEPT_BYTE     0.1
#define MAX_PASSES    64

/* How many passes keep a rank under partition.max_memory_per_rank (1: no limit, or enough). */
static int passes_needed(const struct tr_ctx *ctx, const struct tr_config *cfg)
{
    const double limit = tr_config_bytes(cfg->partition.max_memory_per_rank);
    if (limit <= 0) return 1;
    /* Rank 0's view, for all: every rank must make as many passes. */
    double bytes = tr_input_source_of(cfg)->bytes(ctx, cfg);
    if (tr_agree(ctx, bytes < 0 ? TR_EXIT_INPUT : TR_EXIT_OK)) return 1; /* the read says why */
    MPI_CHECK(MPI_Bcast(&bytes, 1, MPI_DOUBLE, 0, ctx->comm));
    const double b = bytes / ctx->size, room = limit - BASE_BYTES - KEPT_BYTE * b;
    int passes = room > 0 ? (int)ceil(PER_PASS_BYTE * b / room) : MAX_PASSES;
    passes = passes < 1 ? 1 : passes > MAX_PASSES ? MAX_PASSES : passes;
    const double peak = BASE_BYTES + PER_PASS_BYTE * b / passes + KEPT_BYTE * b;
    TR_INFO(ctx,
            "partition.max_memory_per_rank %s: %.3g bytes of input, %.3g per rank: %d pass%s over "
            "key ranges (expected peak %.3g bytes per rank)",
            cfg->partition.max_memory_per_rank, bytes, b, passes, passes > 1 ? "es" : "", peak);
    if (peak > limit && ctx->rank == 0)
        TR_WARN(ctx,
                "partition.max_memory_per_rank %s is below what %d passes need (what stays "
                "across passes alone takes %.3g bytes): use more ranks",
                cfg->partition.max_memory_per_rank, passes, BASE_BYTES + KEPT_BYTE * b);
    return passes;
}

int tr_records_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, struct tr_stages *stages, struct tr_ingest *in,
                    int *passes)
{
    *passes = passes_needed(ctx, cfg);
    const struct tr_pass first = {0, *passes, ctx->size};
    tr_stage_begin(stages);
    struct tr_pass_router router;
    tr_pass_router_init(&router, ctx, *passes > 1 ? &first : NULL);
    int rc = tr_ingest(ctx, cfg, kh, &router.router, in);
    tr_pass_router_free(&router);
    if (rc) return rc;
    /* The figure of merit: accepted lines (in->records counts every rank's). */
    tr_stage_end(ctx, stages, "read", ctx->rank == 0 ? in->records : 0, "records");
    return TR_EXIT_OK;
}

/* The records checkpoint: the run file as far as the records take it. */
static int write_records(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         const char *config_text, const char *fingerprint,
                         const struct tr_ingest *in, const char *const *names,
                         const struct tr_feature_table *ft, const struct tr_crosscheck *checks,
                         const struct tr_portfolio *book, const struct tr_stages *stages,
                         int64_t collisions, int passes)
{
    const struct tr_rf_root root = {.config_text = config_text,
                                    .seed = cfg->run.seed,
                                    .checkpoint = tr_ckpt_stage_names[TR_CKPT_RECORDS],
                                    .fingerprint = fingerprint};
    const struct tr_rf_provenance provenance = {.inputs = in->files,
                                                .n_inputs = in->n_files,
                                                .stages = stages->stat,
                                                .n_stages = stages->n,
                                                .passes = passes};
    const struct tr_rf_rejects rejects = {.rows = in->rejects,
                                          .n = ctx->rank == 0 ? in->n_rejects : 0};
    const struct tr_rf_regions regions = {.names = names, .n = in->regions.n};
    const struct tr_rf_subscribers subscribers = {.n_local = ft->n,
                                                  .key = ft->key,
                                                  .region = ft->region,
                                                  .label = ft->label,
                                                  .holdout = ft->holdout,
                                                  .features = ft->values,
                                                  .n_features = ft->n_features,
                                                  .feature_info = ft->info,
                                                  .key_collisions = collisions,
                                                  .flags = checks->flags};
    const struct tr_rf_crosschecks crosschecks = {.checks = checks};
    const struct tr_run_contents out = {.k_min = cfg->privacy.k_min,
                                        .root = &root,
                                        .provenance = &provenance,
                                        .rejects = &rejects,
                                        .regions = &regions,
                                        .subscribers = &subscribers,
                                        .crosschecks = &crosschecks,
                                        .portfolio = book};
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0 && tr_mkdir_parent(cfg->output.path) != 0) {
        TR_ERROR(ctx, "cannot create the folder of output.path %s: %s", cfg->output.path,
                 strerror(errno));
        rc = TR_EXIT_INPUT;
    }
    rc = tr_agree(ctx, rc);
    if (rc) return rc;
    char *path = tr_ckpt_path(cfg->output.path, TR_CKPT_RECORDS);
    rc = tr_runfile_write(ctx, path, &out);
    free(path);
    return rc;
}

/* What one pass adds: its subscribers' indicators, their cross-checks and their loans. */
struct pass_out {
    struct tr_feature_table ft;
    struct tr_crosscheck checks;
    struct tr_portfolio book;
};

/* Partition, indicators, cross-checks and the loan book of the records in `in` (one pass). */
static void one_pass(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_ingest *in,
                     const struct tr_pass *pass, int64_t *dups, int64_t *collisions,
                     struct tr_stages *st, struct pass_out *o)
{
    tr_stage_begin(st);
    const int64_t held = partition_tables(ctx, in, pass, dups, collisions);
    tr_stage_end(ctx, st, "partition", held, "records");

    tr_stage_begin(st);
    struct tr_feature_options fo = {.full = strcmp(cfg->features.set, "full") == 0,
                                    .basic = strcmp(cfg->features.set, "basic") == 0,
                                    .has_recharges = has_table(in, "recharges"),
                                    .horizon_days = cfg->model.horizon_days,
                                    .holdout = cfg->model.holdout,
                                    .seed = cfg->run.seed,
                                    .oot_day = oot_day(cfg)};
    int64_t window_start, window_stop;
    observation_window(in, &window_start, &window_stop);
    tr_progress_begin(ctx, "indicators", 0, "subscribers");
    tr_features_compute(in->table, in->table[TR_T_ANTENNAS].data, in->table[TR_T_ANTENNAS].n,
                        window_stop, &fo, &o->ft);
    tr_progress_end();
    /* Its figure of merit: the records it went through (both parties' copies), per second. */
    int64_t consumed = 0;
    for (int t = TR_T_CDR; t < TR_T_COUNT; t++)
        consumed += (int64_t)in->table[t].n;
    tr_stage_end(ctx, st, "indicators", consumed, "records");

    tr_stage_begin(st);
    const struct tr_crosscheck_input ci = {in->table,
                                           in->table[TR_T_ANTENNAS].data,
                                           in->table[TR_T_ANTENNAS].n,
                                           in->regions.n,
                                           o->ft.n,
                                           o->ft.key,
                                           o->ft.region,
                                           window_start,
                                           window_stop};
    tr_progress_begin(ctx, "crosschecks", (double)o->ft.n, "subscribers");
    tr_crosscheck_run(ctx, cfg, &ci, &o->checks);
    tr_progress_end();
    tr_stage_end(ctx, st, "crosschecks", consumed, "records");
    /* The loan book with the loans' own PDs; the model's join it later. */
    tr_portfolio_build(ctx, &in->table[TR_T_LOANS], o->ft.n, o->ft.key, o->ft.region, NULL,
                       &o->book);
}

int tr_records_stages(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const char *config_text, const char *fingerprint, const struct tr_keyhash *kh,
                      struct tr_ingest *in, int passes, const char *const *names,
                      struct tr_stages *stages, struct tr_feature_table *ft,
                      struct tr_portfolio *book)
{
    memset(ft, 0, sizeof *ft);
    memset(book, 0, sizeof *book);
    struct tr_crosscheck checks;
    memset(&checks, 0, sizeof checks);
    int64_t *dups = TR_CALLOC((size_t)in->n_files + 1, sizeof(int64_t)), collisions = 0;
    int rc = TR_EXIT_OK;
    for (int k = 0; k < passes && !rc; k++) {
        const struct tr_pass pass = {k, passes, ctx->size};
        struct tr_stages st = {0};
        struct tr_ingest later, *cur = in;
        if (k > 0) { /* the inputs again, keeping this pass's records (accounted for in pass 1) */
            tr_stage_begin(&st);
            struct tr_pass_router router;
            tr_pass_router_init(&router, ctx, &pass);
            rc = tr_ingest(ctx, cfg, kh, &router.router, &later);
            tr_pass_router_free(&router);
            if (rc) {
                tr_ingest_free(&later);
                break;
            }
            tr_stage_end(ctx, &st, "read", ctx->rank == 0 ? later.records : 0, "records");
            cur = &later;
        }
        if (passes > 1) TR_INFO(ctx, "pass %d of %d over key ranges", k + 1, passes);
        struct pass_out o;
        memset(&o, 0, sizeof o);
        one_pass(ctx, cfg, cur, passes > 1 ? &pass : NULL, dups, k == 0 ? &collisions : NULL, &st,
                 &o);
        tr_crosscheck_append(&checks, &o.checks, ft->n, o.ft.n, in->regions.n);
        tr_feature_table_append(ft, &o.ft);
        tr_portfolio_append(book, &o.book);
        tr_crosscheck_free(&o.checks);
        tr_feature_table_free(&o.ft);
        tr_portfolio_free(&o.book);
        if (k > 0) {
            tr_ingest_free(&later);
        } else { /* pass 1's records go; its accounting (files, rejects, regions) stays */
            for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++)
                tr_array_free(&in->table[t]);
        }
        tr_stages_merge(stages, &st);
        /* main keeps freed memory for reuse; a run in passes gives it back between passes, so
         * that the next pass's records (laid out anew) do not come on top of it. */
        if (passes > 1) malloc_trim(0);
    }
    if (!rc) {
        for (int f = 0; f < in->n_files; f++)
            in->files[f].duplicates = dups[f];
        TR_INFO(ctx, "indicators: %lld subscribers, %d features each",
                (long long)tr_agree_sum(ctx, (int64_t)ft->n), ft->n_features);
        log_crosschecks(ctx, &checks, in->regions.n);
        uint64_t n = book->n, before = 0;
        MPI_CHECK(MPI_Exscan(&n, &before, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
        book->first = ctx->rank == 0 ? 0 : before;
        tr_stage_begin(stages);
        rc = write_records(ctx, cfg, config_text, fingerprint, in, names, ft, &checks, book, stages,
                           collisions, passes);
        tr_stage_end(ctx, stages, "checkpoint.records", (int64_t)ft->n, "subscribers");
    }
    tr_crosscheck_free(&checks);
    free(dups);
    return rc;
}
