#include "generate/generate.h"

#include "core/calendar.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/memory.h"
#include "core/timer.h"
#include "generate/gen.h"
#include "generate/loans.h"
#include "generate/person.h"
#include "io/ordered.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Subscribers per rank per round: bounds each rank's buffers whatever the country's size. */
#define ROUND_SUBSCRIBERS 8192

static int make_out_dirs(const struct tr_ctx *ctx, const char *out_dir)
{
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0) {
        char truth[TR_PATH_MAX + 8];
        snprintf(truth, sizeof truth, "%s/truth", out_dir);
        if (tr_mkdir_p(out_dir) || tr_mkdir_p(truth)) {
            fprintf(ctx->msg, "telrisk: cannot create %s: %s\n", truth, strerror(errno));
            rc = TR_EXIT_INPUT;
        }
    }
    return tr_agree(ctx, rc);
}

static FILE *open_small(const struct tr_ctx *ctx, const char *dir, const char *name)
{
    char path[TR_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) fprintf(ctx->msg, "telrisk: cannot create %s: %s\n", path, strerror(errno));
    return f;
}

/* truth/cycles.csv: each region's planted default cycle in each year a history loan can be
 * issued in (the shift of the log-odds and the odds multiplier it makes). */
static int write_cycles(const struct tr_ctx *ctx, const struct tr_world *w, const char *dir)
{
    FILE *f = open_small(ctx, dir, "truth/cycles.csv");
    if (!f) return 1;
    const int64_t obs = tr_observation_day(w);
    int y0, y1, m, d;
    tr_civil_from_days(obs - w->cfg->generate.history_days, &y0, &m, &d);
    /* careers lend after the observation date too, up to the cut */
    tr_civil_from_days(w->cfg->generate.career_days > 0 ? tr_loan_cut_day(w) - 1 : obs - 1, &y1, &m,
                       &d);
    fprintf(f, "region,year,shift,odds_multiplier\n");
    for (int i = 0; i < w->n_regions; i++)
        for (int y = y0; y <= y1; y++) {
            const double shift = tr_cycle_shift(w, i, y);
            fprintf(f, "%s,%d,%.6f,%.6f\n", w->regions[i].name, y, shift, exp(shift));
        }
    int bad = fclose(f) != 0;
    /* truth/ledger.csv: the dates the loan book is drawn around, for checkers of the ledger. */
    if (!(f = open_small(ctx, dir, "truth/ledger.csv"))) return 1;
    fprintf(f, "window_start,observation_date,cut_date,history_days,career_days\n");
    const int64_t days[3] = {w->start_day, obs, tr_loan_cut_day(w)};
    for (int k = 0; k < 3; k++) {
        tr_civil_from_days(days[k], &y0, &m, &d);
        fprintf(f, "%04d-%02d-%02d,", y0, m, d);
    }
    fprintf(f, "%" PRId64 ",%" PRId64 "\n", w->cfg->generate.history_days,
            w->cfg->generate.career_days);
    return bad | (fclose(f) != 0);
}

/* antennas.csv and truth/regions.csv: small, the same on every rank; rank 0 writes them. */
static int write_world(const struct tr_ctx *ctx, const struct tr_world *w, const char *dir)
{
    if (ctx->rank != 0) return TR_EXIT_OK;
    FILE *f = open_small(ctx, dir, "antennas.csv");
    if (!f) return TR_EXIT_INPUT;
    fprintf(f, "antenna_id,tower_id,latitude,longitude,region\n");
    for (int32_t a = 0; a < w->n_antennas; a++) {
        const struct tr_antenna *an = &w->antennas[a];
        fprintf(f, "A%05d,T%05d,%.6f,%.6f,%s\n", a, an->tower, an->lat, an->lon,
                w->regions[an->region].name);
    }
    int bad = fclose(f) != 0;
    f = open_small(ctx, dir, "truth/regions.csv");
    if (!f) return TR_EXIT_INPUT;
    fprintf(f, "region,subscribers,antennas,latitude,longitude,pd_intercept\n");
    for (int i = 0; i < w->n_regions; i++) {
        const struct tr_region *g = &w->regions[i];
        fprintf(f, "%s,%" PRId64 ",%d,%.6f,%.6f,%.4f\n", g->name, g->subscribers, g->antennas,
                g->lat, g->lon, g->pd_intercept);
    }
    bad |= fclose(f) != 0;
    return bad || write_cycles(ctx, w, dir) ? TR_EXIT_INPUT : TR_EXIT_OK;
}

struct totals {
    int64_t lines[TR_F_TABLES], records[TR_F_TABLES], malformed[TR_F_TABLES],
        duplicates[TR_F_TABLES], unknown_antenna[TR_F_TABLES], ledger_breaks[TR_F_TABLES];
    int64_t fraud[8];
};

static int write_summary(const struct tr_ctx *ctx, const struct tr_world *w, const char *dir,
                         const struct totals *t)
{
    if (ctx->rank != 0) return TR_EXIT_OK;
    FILE *f = open_small(ctx, dir, "truth/summary.csv");
    if (!f) return TR_EXIT_INPUT;
    fprintf(f, "table,lines,records,malformed,duplicates,unknown_antenna,ledger_breaks\n");
    fprintf(f, "antennas,%d,%d,0,0,0,0\n", w->n_antennas, w->n_antennas);
    for (int k = 0; k < TR_F_TABLES; k++) {
        const char *p = tr_gen_files[k].path;
        fprintf(f, "%.*s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
                (int)strcspn(p, "."), p, t->lines[k], t->records[k], t->malformed[k],
                t->duplicates[k], t->unknown_antenna[k], t->ledger_breaks[k]);
    }
    int bad = fclose(f) != 0;
    f = open_small(ctx, dir, "truth/planted.csv");
    if (!f) return TR_EXIT_INPUT;
    fprintf(f, "rule,cases\n");
    for (int k = 1; k < TR_KIND_COUNT; k++)
        fprintf(f, "%s,%" PRId64 "\n", tr_kind_names[k], t->fraud[k]);
    bad |= fclose(f) != 0;
    return bad ? TR_EXIT_INPUT : TR_EXIT_OK;
}

/* One round: this rank's blocks of subscribers into the sink, then everyone writes. */
static void run_round(const struct tr_ctx *ctx, struct tr_gen *g, int64_t first, int64_t last,
                      struct tr_ordered_file *files)
{
    for (int64_t i = first; i < last; i++)
        tr_gen_person(g, i);
    struct tr_ordered_file *fp[TR_F_COUNT];
    struct tr_textbuf *bp[TR_F_COUNT];
    int64_t lines[TR_F_COUNT], first_line[TR_F_COUNT];
    for (int f = 0; f < TR_F_COUNT; f++) {
        fp[f] = &files[f];
        bp[f] = &g->sink->buf[f];
        lines[f] = g->sink->buf[f].lines;
    }
    tr_ordered_first_lines(ctx, TR_F_COUNT, fp, lines, first_line);
    tr_sink_resolve(g->sink, first_line);
    tr_ordered_write(ctx, TR_F_COUNT, fp, bp);
    tr_sink_clear_round(g->sink);
}

static void sum_totals(const struct tr_ctx *ctx, const struct tr_sink *s,
                       struct tr_ordered_file *files, struct totals *t)
{
    struct totals local;
    memset(&local, 0, sizeof local);
    for (int k = 0; k < TR_F_TABLES; k++) {
        local.records[k] = s->records[k];
        local.malformed[k] = s->malformed[k];
        local.duplicates[k] = s->duplicates[k];
        local.unknown_antenna[k] = s->unknown_antenna[k];
        local.ledger_breaks[k] = s->ledger_breaks[k];
    }
    memcpy(local.fraud, s->fraud, sizeof local.fraud);
    MPI_CHECK(
        MPI_Allreduce(&local, t, sizeof local / sizeof(int64_t), MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int k = 0; k < TR_F_TABLES; k++)
        t->lines[k] = files[k].lines_before - 1; /* header */
}

static void start_files(struct tr_sink *s)
{
    for (int f = 0; f < TR_F_COUNT; f++) {
        tr_put_str(&s->buf[f], tr_gen_files[f].header);
        tr_put_eol(&s->buf[f]);
    }
}

/* generate.shift must name a region of this country: exit 1, said once, when it names none. */
static int shift_problem(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         const struct tr_world *w)
{
    if (!cfg->generate.shift[0] || w->shift_region >= 0) return TR_EXIT_OK;
    if (ctx->rank == 0)
        TR_ERROR(ctx,
                 "generate.shift = %s names no region of this country (its regions: "
                 "truth/regions.csv of a country generated without the shift)",
                 cfg->generate.shift);
    return TR_EXIT_USAGE;
}

int tr_generate(const struct tr_ctx *ctx, const struct tr_config *cfg, const char *out_dir)
{
    double t0 = tr_now();
    int rc = make_out_dirs(ctx, out_dir);
    if (rc) return rc;
    struct tr_world w;
    tr_world_build(&w, cfg);
    if ((rc = shift_problem(ctx, cfg, &w))) {
        tr_world_free(&w);
        return rc;
    }
    rc = tr_agree(ctx, write_world(ctx, &w, out_dir));
    struct tr_ordered_file files[TR_F_COUNT];
    for (int f = 0; !rc && f < TR_F_COUNT; f++) {
        char path[TR_PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", out_dir, tr_gen_files[f].path);
        rc = tr_ordered_open(ctx, path, &files[f]);
    }
    if (rc) {
        tr_world_free(&w);
        return rc;
    }
    TR_INFO(ctx,
            "generating %" PRId64 " subscribers in %d regions (%d antennas), %" PRId64
            " days from %s, on %d rank(s)",
            w.subscribers, w.n_regions, w.n_antennas, w.days, cfg->generate.start, ctx->size);
    if (cfg->generate.dormant_rate > 0 && !tr_dormant_fits(&w))
        TR_WARN_ONCE(
            ctx,
            "no dormant_then_active case planted: a window of %" PRId64
            " days leaves no day to wake on after fraud.dormant_days = %g (truth/planted.csv"
            " says 0)",
            w.days, cfg->fraud.dormant_days);

    struct tr_sink sink;
    tr_sink_init(&sink);
    struct tr_gen g;
    tr_gen_init(&g, &w, &sink);
    if (ctx->rank == 0) start_files(&sink);
    /* Blocks are the unit of work and fix the output: block b holds subscribers
     * [b*bs, (b+1)*bs) and its bytes follow block b-1's whichever rank made them. */
    const int64_t bs = cfg->generate.block_subscribers;
    const int64_t n_blocks = (w.subscribers + bs - 1) / bs;
    const int64_t per_round = (ROUND_SUBSCRIBERS + bs - 1) / bs;
    const int64_t rounds = (n_blocks + per_round * ctx->size - 1) / (per_round * ctx->size);
    for (int64_t k = 0; k < rounds; k++) {
        int64_t b0 = (k * ctx->size + ctx->rank) * per_round;
        int64_t first = b0 * bs, last = (b0 + per_round) * bs;
        if (first > w.subscribers) first = w.subscribers;
        if (last > w.subscribers) last = w.subscribers;
        run_round(ctx, &g, first, last, files);
        if (ctx->rank == 0 && (k + 1) % 16 == 0)
            TR_DEBUG(ctx, "generate: %" PRId64 " of %" PRId64 " subscribers", last, w.subscribers);
    }
    struct totals t;
    sum_totals(ctx, &sink, files, &t);
    rc = tr_agree(ctx, write_summary(ctx, &w, out_dir, &t));
    double seconds = tr_now() - t0, peak = tr_peak_rss_mib_max(ctx);
    int64_t records = 0, bytes = 0;
    for (int k = 0; k < TR_F_TABLES; k++)
        records += t.records[k];
    for (int f = 0; f < TR_F_COUNT; f++)
        bytes += files[f].bytes_before;
    TR_INFO(ctx,
            "generated %" PRId64 " records (%" PRId64 " CDRs, %" PRId64 " payments, %.1f MB)"
            " in %.2f s: %.3g records/s, %.3g per rank; peak memory %.0f MiB per rank;"
            " tables in %s",
            records, t.records[TR_F_CDR], t.records[TR_F_MOBILEMONEY], (double)bytes / 1e6, seconds,
            (double)records / seconds, (double)records / seconds / ctx->size, peak, out_dir);
    for (int f = 0; f < TR_F_COUNT; f++)
        tr_ordered_close(&files[f]);
    tr_gen_free(&g);
    tr_sink_free(&sink);
    tr_world_free(&w);
    return rc;
}
