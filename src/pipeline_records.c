/* The stages that read the input records: read, partition, indicators, cross-checks, and the
 * loan book as the loans table gives it; their results go to the records checkpoint
 * (output/checkpoint.h) and the records are freed. */
#include "pipeline_records.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/progress.h"
#include "crosscheck/crosscheck.h"
#include "output/checkpoint.h"
#include "partition/partition.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* All-to-all: at most this much sent per rank per round. */
#define ROUND_BYTES ((size_t)256 << 20)

/* Each two-party record is held by both parties' owners: add the recipient's copy. */
static void add_recipient_copies(struct tr_array *cdr, struct tr_array *money)
{
    size_t n = cdr->n;
    tr_array_reserve(cdr, 2 * n);
    for (size_t i = 0; i < n; i++) {
        struct tr_cdr c = *(struct tr_cdr *)tr_array_at(cdr, i);
        struct tr_cdr *r = tr_array_push(cdr);
        *r = c;
        r->self = c.other, r->other = c.self;
        r->antenna_self = c.antenna_other, r->antenna_other = c.antenna_self;
        r->outgoing = 0;
    }
    n = money->n;
    tr_array_reserve(money, 2 * n);
    for (size_t i = 0; i < n; i++) {
        struct tr_money m = *(struct tr_money *)tr_array_at(money, i);
        struct tr_money *r = tr_array_push(money);
        *r = m;
        r->self = m.other, r->other = m.self;
        r->balance_before = m.other_before, r->balance_after = m.other_after;
        r->other_before = m.balance_before, r->other_after = m.balance_after;
        r->outgoing = 0;
    }
}

/* The cut of the key space, from a sample of every table's record keys. */
static void plan(const struct tr_ctx *ctx, const struct tr_ingest *in, struct tr_partition *p)
{
    size_t n = 0;
    for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++)
        n += in->table[t].n;
    uint64_t *keys = TR_MALLOC(sizeof(uint64_t) * (n + 1)),
             *orders = TR_MALLOC(sizeof(uint64_t) * (n + 1));
    size_t k = 0;
    for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++) {
        const struct tr_array *a = &in->table[t];
        /* Every record type starts with its key. */
        const size_t order_at = tr_order_offset(t);
        for (size_t i = 0; i < a->n; i++, k++) {
            memcpy(&keys[k], tr_array_at(a, i), 8);
            memcpy(&orders[k], (char *)tr_array_at(a, i) + order_at, 8);
            orders[k] ^= (uint64_t)t << 56; /* the two copies of a record are sampled apart */
        }
    }
    tr_partition_plan(ctx, keys, orders, n, p);
    free(keys);
    free(orders);
}

/* Keys that two different ids share: every rank sends each distinct (key, fingerprint) it saw
 * to the key's owner, which counts keys with more than one fingerprint. */
static int64_t count_collisions(const struct tr_ctx *ctx, const struct tr_partition *p,
                                const struct tr_keyhash *kh, const struct tr_id_book *ids)
{
    struct tr_array pairs;
    tr_array_init(&pairs, 2 * sizeof(uint64_t));
    tr_array_reserve(&pairs, ids->n_used + 1);
    for (size_t k = 0; k < ids->n_slots; k++) {
        if (!ids->slot[k].used) continue;
        uint64_t *pair = tr_array_push(&pairs);
        pair[0] = ids->slot[k].key;
        pair[1] = tr_id_book_fingerprint(kh, &ids->slot[k]);
    }
    for (size_t k = 0; k < ids->n_extra; k++) {
        uint64_t *pair = tr_array_push(&pairs);
        pair[0] = ids->extra[k][0];
        pair[1] = ids->extra[k][1];
    }
    tr_partition_shuffle(ctx, p, &pairs, ROUND_BYTES);
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
    return shared;
}

/* Moves every table to its owners, sorts it, drops exact duplicates (counted per file). */
static int64_t partition_tables(const struct tr_ctx *ctx, const struct tr_keyhash *kh,
                                struct tr_ingest *in, int64_t *collisions)
{
    add_recipient_copies(&in->table[TR_T_CDR], &in->table[TR_T_MOBILEMONEY]);
    struct tr_partition p;
    plan(ctx, in, &p);
    *collisions = count_collisions(ctx, &p, kh, &in->ids);
    if (*collisions && ctx->rank == 0)
        TR_WARN(ctx,
                "%lld subscriber keys are shared by different ids (64-bit key collisions):"
                " their records are merged; recorded in /subscribers/key/key_collisions",
                (long long)*collisions);
    int64_t *dups = TR_CALLOC((size_t)in->n_files + 1, sizeof(int64_t));
    int64_t records = 0;
    tr_progress_begin(ctx, "partition", TR_T_COUNT - TR_T_SUBSCRIBERS, "tables");
    for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++) {
        tr_progress_add(1);
        struct tr_array *a = &in->table[t];
        tr_partition_shuffle(ctx, &p, a, ROUND_BYTES);
        records += (int64_t)a->n;
        switch (t) {
        case TR_T_CDR:
            tr_sort_cdr(a), tr_dedupe_cdr(a, dups);
            break;
        case TR_T_MOBILEMONEY:
            tr_sort_money(a), tr_dedupe_money(a, dups);
            break;
        case TR_T_SUBSCRIBERS:
        case TR_T_LOANS:
            tr_sort_keyed(a), tr_dedupe_keyed(a, dups);
            break;
        default:
            tr_sort_timed(a), tr_dedupe_timed(a, dups);
            break;
        }
    }
    tr_progress_end();
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, dups, in->n_files, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int f = 0; f < in->n_files; f++)
        in->files[f].duplicates = dups[f];
    free(dups);
    tr_partition_free(&p);
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
 * session, swap) of any subscriber to midnight after the last. */
static void observation_window(const struct tr_ctx *ctx, const struct tr_ingest *in, int64_t *start,
                               int64_t *end)
{
    int64_t span[2] = {INT64_MAX, INT64_MIN}; /* first, -last: one MPI_MIN for both */
    const int tables[] = {TR_T_CDR, TR_T_MOBILEMONEY, TR_T_RECHARGES, TR_T_MOBILEDATA,
                          TR_T_SIM_SWAPS};
    const size_t t_at[] = {offsetof(struct tr_cdr, t), offsetof(struct tr_money, t),
                           offsetof(struct tr_recharge, t), offsetof(struct tr_data, t),
                           offsetof(struct tr_swap, t)};
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (int k = 0; k < 5; k++) {
        const struct tr_array *a = &in->table[tables[k]];
        for (size_t i = 0; i < a->n; i++) {
            int64_t t;
            memcpy(&t, (const char *)tr_array_at(a, i) + t_at[k], 8);
            if (t > last) last = t;
            if (t < first) first = t;
        }
    }
    span[0] = first, span[1] = last == INT64_MIN ? INT64_MAX : -last;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, span, 2, MPI_INT64_T, MPI_MIN, ctx->comm));
    if (span[0] == INT64_MAX) {
        *start = *end = 0;
        return;
    }
    *start = tr_day_of(span[0]) * 86400;
    *end = (tr_day_of(-span[1]) + 1) * 86400;
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

int tr_records_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, struct tr_stages *stages, struct tr_ingest *in)
{
    tr_stage_begin(stages);
    int rc = tr_ingest(ctx, cfg, kh, in);
    if (rc) return rc;
    int64_t parsed = 0;
    for (int t = 0; t < TR_T_COUNT; t++)
        parsed += t == TR_T_ANTENNAS ? 0 : (int64_t)in->table[t].n;
    tr_stage_end(ctx, stages, "read", parsed, "records");
    return TR_EXIT_OK;
}

/* The records checkpoint: the run file as far as the records take it. */
static int write_records(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         const char *config_text, const struct tr_ingest *in,
                         const char *const *names, const struct tr_feature_table *ft,
                         const struct tr_crosscheck *checks, const struct tr_portfolio *book,
                         const struct tr_stages *stages, int64_t collisions)
{
    struct tr_run_output out = {
        .checkpoint = tr_ckpt_stage_names[TR_CKPT_RECORDS],
        .config_text = config_text,
        .seed = cfg->run.seed,
        .inputs = in->files,
        .n_inputs = in->n_files,
        .stages = stages->stat,
        .n_stages = stages->n,
        .rejects = in->rejects,
        .n_rejects = ctx->rank == 0 ? in->n_rejects : 0,
        .region_names = names,
        .n_regions = in->regions.n,
        .n_local = ft->n,
        .key = ft->key,
        .region = ft->region,
        .label = ft->label,
        .holdout = ft->holdout,
        .features = ft->values,
        .n_features = ft->n_features,
        .feature_info = ft->info,
        .key_collisions = collisions,
        .crosschecks = checks,
        .flags = checks->flags,
        .portfolio = book,
    };
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

int tr_records_stages(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const char *config_text, const struct tr_keyhash *kh, struct tr_ingest *in,
                      const char *const *names, struct tr_stages *stages,
                      struct tr_feature_table *ft, struct tr_portfolio *book)
{
    tr_stage_begin(stages);
    int64_t collisions = 0;
    int64_t held = partition_tables(ctx, kh, in, &collisions);
    tr_stage_end(ctx, stages, "partition", held, "records");

    tr_stage_begin(stages);
    struct tr_feature_options fo = {.full = strcmp(cfg->features.set, "full") == 0,
                                    .has_recharges = has_table(in, "recharges"),
                                    .horizon_days = cfg->model.horizon_days,
                                    .holdout = cfg->model.holdout,
                                    .seed = cfg->run.seed,
                                    .oot_day = oot_day(cfg)};
    int64_t window_start, window_stop;
    observation_window(ctx, in, &window_start, &window_stop);
    tr_progress_begin(ctx, "indicators", 0, "subscribers");
    tr_features_compute(in->table, in->table[TR_T_ANTENNAS].data, in->table[TR_T_ANTENNAS].n,
                        window_stop, &fo, ft);
    tr_progress_end();
    /* Its figure of merit: the records it went through (both parties' copies), per second. */
    int64_t consumed = 0;
    for (int t = TR_T_CDR; t < TR_T_COUNT; t++)
        consumed += (int64_t)in->table[t].n;
    tr_stage_end(ctx, stages, "indicators", consumed, "records");
    TR_INFO(ctx, "indicators: %lld subscribers, %d features each",
            (long long)tr_agree_sum(ctx, (int64_t)ft->n), ft->n_features);

    tr_stage_begin(stages);
    struct tr_crosscheck checks;
    const struct tr_crosscheck_input ci = {in->table,
                                           in->table[TR_T_ANTENNAS].data,
                                           in->table[TR_T_ANTENNAS].n,
                                           in->regions.n,
                                           ft->n,
                                           ft->key,
                                           ft->region,
                                           window_start,
                                           window_stop};
    tr_progress_begin(ctx, "crosschecks", (double)ft->n, "subscribers");
    tr_crosscheck_run(ctx, cfg, &ci, &checks);
    tr_progress_end();
    tr_stage_end(ctx, stages, "crosschecks", consumed, "records");
    log_crosschecks(ctx, &checks, in->regions.n);

    /* The loan book with the loans' own PDs; the model's join it later. */
    tr_portfolio_build(ctx, &in->table[TR_T_LOANS], ft->n, ft->key, ft->region, NULL, book);
    tr_stage_begin(stages);
    const int rc =
        write_records(ctx, cfg, config_text, in, names, ft, &checks, book, stages, collisions);
    tr_stage_end(ctx, stages, "checkpoint.records", (int64_t)ft->n, "subscribers");
    tr_crosscheck_free(&checks);
    return rc;
}
