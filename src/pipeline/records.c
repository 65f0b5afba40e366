/* The stages that work on the input records, once per pass over key ranges: read, partition,
 * indicators, cross-checks (with the pass's loan book); then the records checkpoint, after which
 * the records are gone. */
#include "pipeline/run.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/timer.h"
#include "core/tz.h"
#include "output/checkpoint.h"
#include "partition/exchange.h"
#include "partition/ledger.h"

#include <malloc.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int has_table(const struct tr_ingest *in, const char *table);

/* The modeller's controls against the features this run will compute (the recharge indicators
 * only with a recharges table). */
static int check_controls(struct tr_run *r)
{
    const struct tr_feature_options fo = {.full = strcmp(r->cfg->features.set, "full") == 0,
                                          .basic = strcmp(r->cfg->features.set, "basic") == 0,
                                          .has_recharges = has_table(&r->in, "recharges")};
    int n = 0;
    const struct tr_feature_info *info = tr_feature_list(&fo, &n);
    const char **names = TR_MALLOC(sizeof(char *) * ((size_t)n + 1));
    for (int j = 0; j < n; j++)
        names[j] = info[j].name;
    const int rc = tr_run_check_controls(r, names, n);
    free(names);
    return rc;
}

/* Pass 1, the window decided: the ledger's days and the definition of default's settings
 * (docs/credit.md sections 2 and 3). A ledger cut before the window's end is a config error when
 * the run has a ledger. */
static int decide_ledger(struct tr_run *r)
{
    const struct tr_config *cfg = r->cfg;
    const int64_t T = r->window_stop / 86400; /* the status rule's day too (features/labels.c) */
    int64_t cut = T - 1;
    const int stated = cfg->credit.ledger_cut[0] != 0;
    if (stated) tr_parse_date(cfg->credit.ledger_cut, &cut); /* validated with the config */
    r->has_ledger = has_table(&r->in, "repayments");
    r->ledger = (struct tr_ledger_settings){
        .observation_day = T,
        .cut_day = cut,
        .cut_from_config = stated,
        .horizon_days = cfg->model.horizon_days,
        .application_days = cfg->model.application_days,
        .default_dpd = cfg->credit.default_dpd,
        .probation_days = cfg->credit.probation_days,
        .materiality_absolute = cfg->credit.materiality_absolute,
        .materiality_relative = cfg->credit.materiality_relative,
        .label_rule = r->has_ledger && stated ? TR_LABEL_LEDGER : TR_LABEL_STATUS};
    if (!r->has_ledger || cut >= T - 1) return TR_EXIT_OK; /* no ledger: nothing to cut */
    if (r->ctx->rank == 0)
        fprintf(r->ctx->msg,
                "telrisk: credit.ledger_cut = %s is before the observation window's last day: "
                "the ledger must cover the window\n",
                cfg->credit.ledger_cut);
    return TR_EXIT_USAGE;
}

/* Pass 1 only: the regions for the later stages, and the scenarios and the modeller's controls
 * checked against them before the long stages. */
static int after_first_read(struct tr_run *r)
{
    r->dups = TR_CALLOC((size_t)r->in.n_files + 1, sizeof(int64_t));
    for (int f = 0; f < r->in.n_files; f++) /* the antennas' repeats, counted as they were read */
        r->dups[f] = r->in.files[f].duplicates;
    r->n_regions = r->in.regions.n;
    r->names = TR_CALLOC((size_t)r->n_regions + 1, sizeof(char *));
    for (int g = 0; g < r->n_regions; g++)
        r->names[g] = TR_STRDUP(r->in.regions.name[g]);
    int rc = decide_ledger(r);
    if (!rc) rc = tr_run_prepare_stress(r);
    if (!rc) rc = tr_run_check_ifrs9(r);
    return rc ? rc : check_controls(r);
}

/* Pass 1: the observation window (every line's day is noted by then) and the loan ids given to
 * different lines; both hold for every pass. */
static void decide_window(struct tr_run *r)
{
    const struct tr_ctx *ctx = r->ctx;
    tr_window_decide(ctx, r->cfg, &r->in.days, &r->window);
    r->window_start = r->window.start, r->window_stop = r->window.end;
    if (r->window.end > r->window.start && ctx->rank == 0) {
        int y0, m0, d0, y1, m1, d1;
        tr_civil_from_days(r->window.start / 86400, &y0, &m0, &d0);
        tr_civil_from_days(r->window.end / 86400 - 1, &y1, &m1, &d1);
        TR_INFO(ctx, "observation window %04d-%02d-%02d to %04d-%02d-%02d (%lld days), %s", y0, m0,
                d0, y1, m1, d1, (long long)((r->window.end - r->window.start) / 86400),
                r->window.rule);
    }
    if (r->window.days_outside > 0 && ctx->rank == 0)
        TR_WARN(ctx,
                "%lld days of the inputs hold events outside the window: their lines are "
                "rejected (out_of_window, in /rejects)",
                (long long)r->window.days_outside);
    tr_loan_conflicts(ctx, &r->in.loan_notes, &r->late, &r->loan_drop);
}

/* Whether any input file belongs to this table. */
static int has_table(const struct tr_ingest *in, const char *table)
{
    for (int f = 0; f < in->n_files; f++)
        if (strcmp(in->files[f].table, table) == 0) return 1;
    return 0;
}

int tr_stage_read(struct tr_run *r)
{
    const struct tr_ctx *ctx = r->ctx;
    if (r->pass == 0) r->passes = tr_passes_plan(ctx, r->cfg);
    const struct tr_pass pass = {r->pass, r->passes, ctx->size};
    r->cur = r->pass == 0 ? &r->in : &r->later;
    tr_stage_begin(&r->pass_stages);
    struct tr_pass_router router; /* each record to its owner as it is read: the pass's */
    tr_pass_router_init(&router, ctx, r->passes > 1 ? &pass : NULL);
    int rc = tr_ingest(ctx, r->cfg, r->kh, &router.router, r->cur);
    tr_pass_router_free(&router);
    if (rc) return rc;
    if (r->pass == 0) decide_window(r);
    tr_window_filter(&r->window, r->cur->table, &r->late);
    tr_loans_drop(&r->cur->table[TR_T_LOANS], &r->loan_drop);
    /* The figure of merit: accepted lines (records counts every rank's). */
    tr_stage_end(ctx, &r->pass_stages, r->stage, ctx->rank == 0 ? r->cur->records : 0, "records");
    if (r->passes > 1) TR_INFO(ctx, "pass %d of %d over key ranges", r->pass + 1, r->passes);
    return r->pass == 0 ? after_first_read(r) : TR_EXIT_OK;
}

/* Sorts every table (ingest has put each record at its owner), drops exact duplicates (counted
 * per file, added to dups). Returns the records held. */
static int64_t sort_tables(const struct tr_ctx *ctx, struct tr_ingest *in, int64_t *dups)
{
    int64_t *mine = TR_CALLOC((size_t)in->n_files + 1, sizeof(int64_t));
    int64_t records = 0;
    tr_progress_begin(ctx, "partition", TR_T_COUNT - TR_T_SUBSCRIBERS, "tables");
    for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++) {
        tr_progress_add(1);
        struct tr_array *a = &in->table[t];
        records += (int64_t)a->n;
        if (t == TR_T_CDR)
            tr_sort_cdr(a), tr_dedupe_cdr(a, mine);
        else if (t == TR_T_MOBILEMONEY)
            tr_sort_money(a), tr_dedupe_money(a, mine);
        else if (t == TR_T_SUBSCRIBERS || t == TR_T_LOANS)
            tr_sort_keyed(a), tr_dedupe_keyed(a, mine);
        else if (t == TR_T_REPAYMENTS)
            continue; /* keyed by their loans until the join sorts them (tr_repayments_join) */
        else
            tr_sort_timed(a), tr_dedupe_timed(a, mine);
    }
    tr_progress_end();
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, mine, in->n_files, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int f = 0; f < in->n_files; f++)
        dups[f] += mine[f];
    free(mine);
    return records;
}

int tr_stage_partition(struct tr_run *r)
{
    const struct tr_ctx *ctx = r->ctx;
    tr_stage_begin(&r->pass_stages);
    if (r->pass == 0) { /* the id book holds every id after pass 1 */
        r->collisions = tr_key_collisions(ctx, r->cur);
        if (r->collisions && ctx->rank == 0)
            TR_WARN(ctx,
                    "%lld subscriber keys are shared by different ids (64-bit key collisions):"
                    " their records are merged; recorded in /subscribers/key/key_collisions",
                    (long long)r->collisions);
    }
    const int64_t held = sort_tables(ctx, r->cur, r->dups);
    tr_subscriber_conflicts(&r->cur->table[TR_T_SUBSCRIBERS], &r->late);
    /* The loans are final here (conflicts dropped at the read, repeats now): the ledger joins
     * the pass's to every repayment (a run in passes reads them all in each). */
    const struct tr_pass pass = {r->pass, r->passes > 1 ? r->passes : 1, ctx->size};
    const int64_t cut_end = /* repayments from this second on are after the ledger's cut */
        r->ledger.cut_from_config ? (r->ledger.cut_day + 1) * 86400 : INT64_MAX;
    if (r->has_ledger) { /* without repayments there is nothing to join, nor a ledger */
        const double started = tr_now();
        tr_repayments_join(ctx, &pass, &r->cur->table[TR_T_LOANS], &r->cur->table[TR_T_REPAYMENTS],
                           cut_end, &r->late, r->in.n_files, r->dups, &r->ledger_passes);
        tr_clock_add(TR_CLOCK_LEDGER_JOIN, tr_now() - started,
                     (int64_t)r->cur->table[TR_T_REPAYMENTS].n);
    }
    /* The pass's late rejects join the run's accounting, which pass 1 holds. */
    const int rc = tr_ingest_add_late(ctx, r->cfg, &r->in, &r->late);
    tr_stage_end(ctx, &r->pass_stages, r->stage, held, "records");
    return rc;
}

/* model.oot_date in days since 1970, INT64_MAX when it is empty (validated with the config). */
static int64_t oot_day(const struct tr_config *cfg)
{
    int64_t day = INT64_MAX;
    if (cfg->model.oot_date[0]) tr_parse_date(cfg->model.oot_date, &day);
    return day;
}

/* The records a stage went through: both parties' copies of every event table. */
static int64_t records_held(const struct tr_ingest *in)
{
    int64_t held = 0;
    for (int t = TR_T_CDR; t < TR_T_COUNT; t++)
        held += (int64_t)in->table[t].n;
    return held;
}

int tr_stage_indicators(struct tr_run *r)
{
    const struct tr_config *cfg = r->cfg;
    struct tr_ingest *in = r->cur;
    tr_stage_begin(&r->pass_stages);
    struct tr_tz zone;
    char why[256];
    /* The config's validation loaded it already: failing now is no config error. */
    if (tr_tz_load(&zone, cfg->run.timezone, why, sizeof why))
        TR_DIE(TR_EXIT_INTERNAL, "run.timezone: %s", why);
    const struct tr_feature_options fo = {.full = strcmp(cfg->features.set, "full") == 0,
                                          .basic = strcmp(cfg->features.set, "basic") == 0,
                                          .has_recharges = has_table(in, "recharges"),
                                          .horizon_days = cfg->model.horizon_days,
                                          .oot_day = oot_day(cfg),
                                          .zone = &zone,
                                          .ledger = r->has_ledger ? &r->ledger : NULL};
    tr_progress_begin(r->ctx, "indicators", 0, "subscribers");
    tr_features_compute(in->table, in->table[TR_T_ANTENNAS].data, in->table[TR_T_ANTENNAS].n,
                        r->window_stop, &fo, &r->pass_ft);
    tr_progress_end();
    tr_tz_free(&zone);
    tr_stage_end(r->ctx, &r->pass_stages, r->stage, records_held(in), "records");
    /* The ledger's walk was the repayments' only reader: their memory goes back now, to the
     * stages after (the crosschecks read the other tables). */
    tr_array_free(&in->table[TR_T_REPAYMENTS]);
    return TR_EXIT_OK;
}

int tr_stage_crosschecks(struct tr_run *r)
{
    struct tr_ingest *in = r->cur;
    const struct tr_feature_table *ft = &r->pass_ft;
    tr_stage_begin(&r->pass_stages);
    const struct tr_crosscheck_input ci = {.tables = in->table,
                                           .antennas = in->table[TR_T_ANTENNAS].data,
                                           .n_antennas = in->table[TR_T_ANTENNAS].n,
                                           .n_regions = in->regions.n,
                                           .n_registered = ft->n,
                                           .registered_key = ft->key,
                                           .registered_region = ft->region,
                                           .window_start = r->window_start,
                                           .window_end = r->window_stop};
    tr_progress_begin(r->ctx, "crosschecks", (double)ft->n, "subscribers");
    tr_crosscheck_run(r->ctx, r->cfg, &ci, &r->pass_checks);
    tr_progress_end();
    tr_stage_end(r->ctx, &r->pass_stages, r->stage, records_held(in), "records");
    /* The loan book with the loans' own PDs; the model's join it later. */
    tr_portfolio_build(r->ctx, &in->table[TR_T_LOANS], ft->n, ft->key, ft->region, NULL,
                       r->cfg->credit.ccf_revolving, &r->pass_book);
    return TR_EXIT_OK;
}

void tr_run_end_pass(struct tr_run *r)
{
    tr_crosscheck_append(&r->checks, &r->pass_checks, r->ft.n, r->pass_ft.n, r->in.regions.n);
    tr_feature_table_append(&r->ft, &r->pass_ft);
    tr_portfolio_append(&r->book, &r->pass_book);
    tr_crosscheck_free(&r->pass_checks);
    tr_feature_table_free(&r->pass_ft);
    tr_portfolio_free(&r->pass_book);
    if (r->pass > 0) {
        tr_ingest_free(&r->later);
    } else { /* pass 1's records go; its accounting (files, rejects, regions) stays */
        for (int t = TR_T_SUBSCRIBERS; t < TR_T_COUNT; t++)
            tr_array_free(&r->in.table[t]);
    }
    tr_stages_merge(&r->stages, &r->pass_stages);
    r->pass_stages = (struct tr_stages){0};
    /* main keeps freed memory for reuse; a run in passes gives it back between passes, so that
     * the next pass's records (laid out anew) do not come on top of it. */
    if (r->passes > 1) malloc_trim(0);
}

/* One line for the log: ledger breaks and alerts per rule, all regions. */
static void log_crosschecks(const struct tr_ctx *ctx, const struct tr_crosscheck *c, int n_regions)
{
    int64_t breaks = 0, alerts[TR_RULE_COUNT] = {0};
    for (int g = 0; g <= n_regions; g++) {
        breaks += c->recon[g].ledger_breaks[0] + c->recon[g].ledger_breaks[1];
        for (int k = 0; k < TR_RULE_COUNT; k++)
            alerts[k] += c->recon[g].alerts[k];
    }
    char text[256];
    int at = snprintf(text, sizeof text, "%lld ledger breaks; alerts:", (long long)breaks);
    for (int k = 0; k < TR_RULE_COUNT && at > 0 && (size_t)at < sizeof text; k++)
        at += snprintf(text + at, sizeof text - (size_t)at, " %s %lld", tr_rule_names[k],
                       (long long)alerts[k]);
    TR_INFO(ctx, "crosschecks: %s", text);
}

/* The records checkpoint: the run file as far as the records take it. */
static int write_records(const struct tr_run *r)
{
    const struct tr_rf_root root = {.config_text = r->config_text,
                                    .seed = r->cfg->run.seed,
                                    .currency = r->cfg->run.currency,
                                    .checkpoint = tr_ckpt_stage_names[TR_CKPT_RECORDS],
                                    .fingerprint = r->fingerprint,
                                    .run_fingerprint = r->run_print};
    const struct tr_rf_provenance provenance = {.inputs = r->in.files,
                                                .n_inputs = r->in.n_files,
                                                .stages = r->stages.stat,
                                                .n_stages = r->stages.n,
                                                .passes = r->passes};
    const struct tr_rf_rejects rejects = {.rows = r->in.rejects,
                                          .n = r->ctx->rank == 0 ? r->in.n_rejects : 0};
    const struct tr_rf_regions regions = {.names = (const char *const *)r->names,
                                          .n = r->n_regions};
    const struct tr_feature_table *ft = &r->ft;
    const struct tr_rf_subscribers subscribers = {.n_local = ft->n,
                                                  .key = ft->key,
                                                  .region = ft->region,
                                                  .label = ft->label,
                                                  .holdout = ft->holdout,
                                                  .features = ft->values,
                                                  .n_features = ft->n_features,
                                                  .feature_info = ft->info,
                                                  .key_collisions = r->collisions,
                                                  .flags = r->checks.flags,
                                                  .window_start = r->window.start,
                                                  .window_end = r->window.end,
                                                  .window_rule = r->window.rule};
    const struct tr_rf_crosschecks crosschecks = {.checks = &r->checks};
    const struct tr_rf_ledger ledger = {
        .settings = &r->ledger, .table = &ft->ledger, .cohorts = &r->cohorts};
    const struct tr_run_contents out = {.k_min = r->cfg->privacy.k_min,
                                        .root = &root,
                                        .provenance = &provenance,
                                        .rejects = &rejects,
                                        .regions = &regions,
                                        .subscribers = &subscribers,
                                        .crosschecks = &crosschecks,
                                        .ledger = r->has_ledger ? &ledger : NULL,
                                        .portfolio = &r->book};
    char *path = tr_ckpt_path(r->cfg->output.path, r->run_print, TR_CKPT_RECORDS);
    const int rc = tr_runfile_write(r->ctx, path, &out);
    free(path);
    return rc;
}

/* Rank 0: out_of_window lines do not stop a run (they are well formed), but a file mostly
 * outside the window is likely another period's, and is named. */
static void warn_outside(const struct tr_run *r)
{
    for (int f = 0; f < r->in.n_files && r->ctx->rank == 0; f++) {
        const int64_t out = r->in.file_stats[f].by_reason[TR_R_OUT_OF_WINDOW];
        const int64_t lines = r->in.files[f].lines;
        if (out > 0 && (double)out > r->cfg->inputs.max_reject_rate * (double)lines)
            TR_WARN(r->ctx, "%s: %lld of %lld lines are outside the observation window (%s)",
                    r->in.files[f].path, (long long)out, (long long)lines, r->window.rule);
    }
}

int tr_stage_records_checkpoint(struct tr_run *r)
{
    const struct tr_ctx *ctx = r->ctx;
    warn_outside(r);
    for (int f = 0; f < r->in.n_files; f++)
        r->in.files[f].duplicates = r->dups[f];
    int64_t subscribers = (int64_t)r->ft.n;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &subscribers, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    TR_INFO(ctx, "indicators: %lld subscribers, %d features each", (long long)subscribers,
            r->ft.n_features);
    log_crosschecks(ctx, &r->checks, r->in.regions.n);
    uint64_t n = r->book.n, before = 0;
    MPI_CHECK(MPI_Exscan(&n, &before, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    r->book.first = ctx->rank == 0 ? 0 : before;
    if (r->has_ledger) tr_cohort_counts_of(ctx, &r->ledger, &r->ft.ledger, &r->cohorts);
    tr_stage_begin(&r->stages);
    const int rc = write_records(r); /* its folder: made as the run claimed output.path */
    tr_stage_end(ctx, &r->stages, r->stage, (int64_t)r->ft.n, "subscribers");
    tr_ingest_free(&r->in); /* the accounting is in the checkpoint now */
    if (!rc) tr_run_rows_from_features(r);
    return rc;
}
