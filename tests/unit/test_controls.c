/* model.include, exclude, trend, bins and special (model/controls.c, config/feature_lists.c) on
 * crafted rows: the grammar's errors name the key; unknown names are refused naming the nearest
 * feature; each control changes the fitted model exactly as docs/models.md says, with the bins'
 * counts and WoE recounted here by brute force from the rows. One process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "features/labels.h"
#include "model/train.h"

#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 3000
#define F 3
enum { CALLS, NOISE, BALANCE };
static const char *const names[F] = {"calls", "noise", "balance"};

static uint64_t key[N];
static int32_t region[N];
static int8_t label[N], sample[N];
static double values[N * F];
static struct tr_model_rows rows;

/* Row i: calls = i mod 100, except -1 ("no data") when i mod 10 = 3 and 999 (a rare code: 1%)
 * when i mod 100 = 7; its default rate falls with calls (0.45 at 0 to 0.05 at 99), 0.6 at -1,
 * 0.3 at 999. balance = (31 i mod 50), default rate rising slightly; noise = i mod 2. Every fifth
 * row is in the hold-out. u is a fixed uniform sequence. */
static void plant(void)
{
    for (int i = 0; i < N; i++) {
        const double u = ((i * 7919 + 13) % 1000 + 0.5) / 1000.0;
        const double calls = i % 10 == 3 ? -1 : i % 100 == 7 ? 999 : i % 100;
        const double balance = (31 * i) % 50;
        const double p = calls == -1 ? 0.6 : calls == 999 ? 0.3 : 0.45 - 0.004 * calls;
        key[i] = (uint64_t)i + 1, region[i] = -1;
        sample[i] = i % 5 == 4 ? TR_HOLDOUT : TR_TRAINING;
        label[i] = (int8_t)(u < p + 0.002 * balance - 0.05);
        double *v = values + (size_t)i * F;
        v[CALLS] = calls, v[NOISE] = i % 2, v[BALANCE] = balance;
    }
    rows = (struct tr_model_rows){N, F, names, key, region, label, sample, values, NULL};
}

static char text[1 << 14];

static int config(const char *const *sets, size_t n, struct tr_config *cfg, char *err)
{
    tr_config_defaults(cfg);
    for (size_t k = 0; k < n; k++)
        if (tr_config_set(cfg, sets[k], err)) return 1;
    return tr_config_validate(cfg, err);
}

static int train(const char *const *sets, size_t n, struct tr_models *m)
{
    struct tr_config cfg;
    char err[TR_CONFIG_ERR_MAX];
    if (config(sets, n, &cfg, err)) fail_msg("%s", err);
    FILE *msg = fmemopen(text, sizeof text, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, msg);
    const int rc = tr_models_train(&ctx, &cfg, &rows, 0, m);
    fclose(msg);
    return rc;
}

static int is_used(const struct tr_models *m, int j)
{
    for (int u = 0; u < m->n_used; u++)
        if (m->used[u] == j) return 1;
    return 0;
}

/* The training rows of feature j that `in` picks, counted and with their defaults. */
static void count_rows(int j, int (*in)(double, const void *), const void *arg, int64_t *count,
                       int64_t *defaults)
{
    *count = *defaults = 0;
    for (int i = 0; i < N; i++)
        if (sample[i] == TR_TRAINING && in(values[(size_t)i * F + (size_t)j], arg))
            ++*count, *defaults += label[i];
}

static int equal_to(double x, const void *arg)
{
    return x == *(const double *)arg;
}

static int within(double x, const void *arg) /* [lo, hi), specials -1 and 999 left out */
{
    const double *r = arg;
    return x != -1 && x != 999 && x >= r[0] && x < r[1];
}

static int any(double x, const void *arg)
{
    (void)x, (void)arg;
    return 1;
}

/* The documented WoE from counts, computed here. */
static double woe(int64_t c, int64_t d, int64_t total, int64_t bad)
{
    return log(((double)(c - d) + 0.5) / ((double)(total - bad) + 0.5)) -
           log(((double)d + 0.5) / ((double)bad + 0.5));
}

/* ------------------------------------------------------------------ grammar and names */

static void expect_config_error(const char *set, const char *want)
{
    struct tr_config cfg;
    char err[TR_CONFIG_ERR_MAX] = "";
    const char *sets[] = {set};
    assert_int_equal(config(sets, 1, &cfg, err), 1);
    if (!strstr(err, want)) fail_msg("%s: '%s' does not say '%s'", set, err, want);
}

static void test_grammar(void **state)
{
    (void)state;
    expect_config_error("model.trend=sideways",
                        "model.trend: 'sideways': expected auto, ascending, descending or none");
    expect_config_error("model.trend=calls:up", "model.trend: 'up': expected");
    expect_config_error("model.trend=auto, descending", "model.trend: two trends for every");
    expect_config_error("model.bins=calls:20|10",
                        "model.bins: calls: '20|10': the values must be increasing");
    expect_config_error("model.bins=calls:1|x",
                        "model.bins: calls: 'x' in '1|x' is not a finite number");
    expect_config_error("model.bins=10|20", "model.bins: '10|20': expected feature:value");
    expect_config_error("model.special=calls:-1|-1",
                        "model.special: calls: '-1|-1': the values must be distinct");
    expect_config_error("model.special=calls:1|2|3|4|5|6|7|8|9", "more than 8 values");
    expect_config_error("model.include=calls:1",
                        "model.include: 'calls:1': expected feature names only");
    expect_config_error("model.exclude=calls,,noise", "model.exclude: '' is not an item");
    struct tr_config cfg;
    char err[TR_CONFIG_ERR_MAX];
    const char *good[] = {"model.trend= none ,calls : descending", "model.bins=calls:1e1| 20",
                          "model.special=calls:-1|999, noise:0", "model.include=calls , noise",
                          "model.exclude="};
    if (config(good, 5, &cfg, err)) fail_msg("%s", err);
    /* A long list goes on over indented lines (inih's lines end at 198 bytes): items added. */
    char path[] = "/tmp/telrisk_controls_XXXXXX";
    const int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("[model]\nexclude = calls\n  noise\ntrend = auto\n  calls:descending\n"
          "  balance:none\nlambda = 3\n",
          f);
    fclose(f);
    tr_config_defaults(&cfg);
    if (tr_config_load(&cfg, path, err)) fail_msg("%s", err);
    unlink(path);
    assert_string_equal(cfg.model.exclude, "calls, noise");
    assert_string_equal(cfg.model.trend, "auto, calls:descending, balance:none");
    assert_true(cfg.model.lambda == 3);
}

static void expect_names_error(const char *const *sets, size_t n, const char *want)
{
    struct tr_config cfg;
    char err[TR_CONFIG_ERR_MAX] = "";
    if (config(sets, n, &cfg, err)) fail_msg("%s", err);
    struct tr_feature_control c[F];
    assert_int_equal(tr_model_controls(&cfg, names, F, c, err, sizeof err), 1);
    if (!strstr(err, want)) fail_msg("'%s' does not say '%s'", err, want);
    struct tr_models m; /* training refuses them too, with the same words (exit 1) */
    assert_int_equal(train(sets, n, &m), TR_EXIT_USAGE);
    assert_non_null(strstr(m.why_none, want));
    tr_models_free(&m);
}

static void test_names(void **state)
{
    (void)state;
    const char *a[] = {"model.exclude=cals"};
    expect_names_error(a, 1, "model.exclude: unknown feature 'cals' (did you mean 'calls'?)");
    const char *b[] = {"model.include=calls, balanse"};
    expect_names_error(b, 1, "model.include: unknown feature 'balanse' (did you mean 'balance'?)");
    const char *c[] = {"model.trend=auto, nois:ascending"};
    expect_names_error(c, 1, "model.trend: unknown feature 'nois' (did you mean 'noise'?)");
    const char *d[] = {"model.bins=Calls:1|2"};
    expect_names_error(d, 1, "model.bins: unknown feature 'Calls' (did you mean 'calls'?)");
    const char *e[] = {"model.special=balanc:0"};
    expect_names_error(e, 1, "model.special: unknown feature 'balanc' (did you mean 'balance'?)");
    const char *f[] = {"model.include=calls", "model.exclude=calls"};
    expect_names_error(f, 2, "model.exclude: feature 'calls' is in model.include too");
    const char *g[] = {"model.bins=calls:10|20", "model.trend=calls:ascending"};
    expect_names_error(g, 2, "model.trend: feature 'calls' has manual edges in model.bins");
    const char *h[] = {"model.special=calls:1, calls:2"};
    expect_names_error(h, 1, "model.special: feature 'calls' given twice");
}

/* ------------------------------------------------------------------ the controls applied */

static void test_include_exclude(void **state)
{
    (void)state;
    struct tr_models m;
    const char *loose[] = {"model.min_iv=0", "model.defaults_per_feature=1"};
    assert_int_equal(train(loose, 2, &m), TR_EXIT_OK);
    assert_true(is_used(&m, CALLS) && is_used(&m, BALANCE)); /* both carry information */
    assert_int_equal(m.control[CALLS].candidate, 1);
    tr_models_free(&m);

    const char *ex[] = {"model.min_iv=0", "model.defaults_per_feature=1", "model.exclude=calls"};
    assert_int_equal(train(ex, 3, &m), TR_EXIT_OK);
    assert_false(is_used(&m, CALLS));
    assert_string_equal(m.dropped[CALLS], "in model.exclude");
    assert_true(is_used(&m, BALANCE));
    for (int u = 0; u < m.n_used; u++) /* absent from every model's coefficients */
        assert_int_not_equal(m.used[u], CALLS);
    assert_int_equal(m.national.fit.p, m.n_used + 1);
    tr_models_free(&m);

    const char *in[] = {"model.min_iv=0", "model.defaults_per_feature=1",
                        "model.include=balance, noise"};
    assert_int_equal(train(in, 3, &m), TR_EXIT_OK);
    assert_false(is_used(&m, CALLS));
    assert_string_equal(m.dropped[CALLS], "not in model.include");
    assert_true(m.control[BALANCE].candidate && m.control[NOISE].candidate);
    for (int u = 0; u < m.n_used; u++)
        assert_true(m.used[u] == BALANCE || m.used[u] == NOISE);
    assert_non_null(strstr(m.settings, "include=balance, noise; exclude=;"));
    tr_models_free(&m);
}

/* Exactly the given bins, no merging (a 1-row-wide bin and a bin against the trend kept), with
 * their counts and WoE as recounted from the rows. */
static void test_manual_edges(void **state)
{
    (void)state;
    struct tr_models m;
    const char *sets[] = {"model.bins=calls:10|11|60|70", "model.special=calls:-1|999"};
    assert_int_equal(train(sets, 2, &m), TR_EXIT_OK);
    const struct tr_bins *b = &m.bins[CALLS];
    assert_int_equal(b->n_numeric, 5);
    const double lower[5] = {-INFINITY, 10, 11, 60, 70};
    assert_memory_equal(b->lower, lower, sizeof lower);
    assert_int_equal(m.control[CALLS].n_edges, 4);
    int64_t total, bad;
    count_rows(CALLS, any, NULL, &total, &bad);
    const double bounds[6] = {-INFINITY, 10, 11, 60, 70, INFINITY};
    for (int k = 0; k < 5; k++) {
        int64_t c, d;
        count_rows(CALLS, within, bounds + k, &c, &d);
        assert_int_equal(b->count[k], c);
        assert_int_equal(b->defaults[k], d);
        if (fabs(b->woe[k] - woe(c, d, total, bad)) > 1e-12)
            fail_msg("bin %d: WoE %.17g, want %.17g (%lld rows, %lld defaults)", k, b->woe[k],
                     woe(c, d, total, bad), (long long)c, (long long)d);
    }
    assert_int_equal(b->count[1], 30); /* calls = 10: 30 rows of 3000, all training (i mod 5 0) */
    tr_models_free(&m);
    /* Without them, the same feature is quantile-binned and merged: other bins. */
    assert_int_equal(train(NULL, 0, &m), TR_EXIT_OK);
    assert_int_not_equal(m.bins[CALLS].n_numeric, 5);
    assert_int_equal(m.control[CALLS].n_edges, 0);
    tr_models_free(&m);
}

static void expect_monotonic_woe(const struct tr_bins *b, int direction)
{
    assert_true(b->n_numeric >= 2);
    for (int k = 1; k < b->n_numeric; k++) /* WoE falls where the default rate rises */
        if (direction > 0 ? b->woe[k] > b->woe[k - 1] : b->woe[k] < b->woe[k - 1])
            fail_msg("bin %d: WoE %g after %g is not %s", k, b->woe[k], b->woe[k - 1],
                     direction > 0 ? "falling" : "rising");
}

/* calls:descending (its true direction) and balance:ascending, per feature, with the default for
 * the others; and the opposite, forced: still monotonic, in the stated direction. */
static void test_trend(void **state)
{
    (void)state;
    struct tr_models m;
    const char *sets[] = {"model.trend=auto, calls:descending, balance:ascending",
                          "model.special=calls:-1|999"};
    assert_int_equal(train(sets, 2, &m), TR_EXIT_OK);
    assert_int_equal(m.bins[CALLS].trend, -1);
    expect_monotonic_woe(&m.bins[CALLS], -1);
    assert_int_equal(m.bins[BALANCE].trend, 1);
    expect_monotonic_woe(&m.bins[BALANCE], 1);
    assert_int_equal(m.control[CALLS].trend, TR_TREND_DESCENDING);
    assert_int_equal(m.control[NOISE].trend, TR_TREND_AUTO);
    const int descending_bins = m.bins[CALLS].n_numeric;
    tr_models_free(&m);
    const char *against[] = {"model.trend=calls:ascending", "model.special=calls:-1|999"};
    assert_int_equal(train(against, 2, &m), TR_EXIT_OK);
    if (m.bins[CALLS].n_numeric > 1) expect_monotonic_woe(&m.bins[CALLS], 1);
    assert_true(m.bins[CALLS].n_numeric < descending_bins); /* pooled against the data */
    tr_models_free(&m);
    /* none: no pooling to a trend, only the minimum share: at least as many bins as either. */
    const char *none[] = {"model.trend=none", "model.special=calls:-1|999"};
    assert_int_equal(train(none, 2, &m), TR_EXIT_OK);
    assert_true(m.bins[CALLS].n_numeric >= descending_bins);
    assert_int_equal(m.control[BALANCE].trend, TR_TREND_NONE);
    tr_models_free(&m);
}

/* -1 and 999 each a bin of their own after the missing bin, with their own counts and WoE, kept
 * although 999 holds 1% of the rows (under model.min_bin_share); no numeric bin holds them. */
static void test_special(void **state)
{
    (void)state;
    struct tr_models m;
    const char *sets[] = {"model.special=calls:-1|999"};
    assert_int_equal(train(sets, 1, &m), TR_EXIT_OK);
    const struct tr_bins *b = &m.bins[CALLS];
    assert_int_equal(b->n_special, 2);
    assert_int_equal(tr_bins_count(b), b->n_numeric + 3);
    int64_t total, bad;
    count_rows(CALLS, any, NULL, &total, &bad);
    const double specials[2] = {-1, 999};
    /* 300 and 30 of 3000, all training (i mod 5 is 3 and 2; the hold-out is 4) */
    const int64_t want_rows[2] = {300, 30};
    for (int s = 0; s < 2; s++) {
        const int k = b->n_numeric + 1 + s;
        int64_t c, d;
        count_rows(CALLS, equal_to, &specials[s], &c, &d);
        assert_int_equal(c, want_rows[s]);
        assert_int_equal(b->count[k], c);
        assert_int_equal(b->defaults[k], d);
        assert_int_equal(b->population[k], want_rows[s]);
        assert_true(fabs(b->woe[k] - woe(c, d, total, bad)) < 1e-12);
        assert_int_equal(tr_bin_of(b, specials[s]), k);
        assert_true(tr_model_transform(&m, CALLS, specials[s]) == b->woe[k]);
    }
    assert_true(b->woe[b->n_numeric + 1] < 0); /* -1 is the riskiest: 0.6 default rate */
    int64_t numeric = 0;
    for (int k = 0; k < b->n_numeric; k++)
        numeric += b->count[k];
    assert_int_equal(numeric + b->count[b->n_numeric], total - 330);
    assert_true(b->lower[1] > 0); /* the quantile cuts see 0..99 only */
    tr_models_free(&m);
    /* Standardised, a special value is a code, not a number: the training mean (0), and the
     * moments leave it out. */
    const char *std[] = {"model.special=calls:-1|999", "model.transform=standardize"};
    assert_int_equal(train(std, 2, &m), TR_EXIT_OK);
    assert_true(tr_model_transform(&m, CALLS, 999) == 0);
    double sum = 0, n = 0;
    for (int i = 0; i < N; i++) {
        const double x = values[(size_t)i * F + CALLS];
        if (sample[i] == TR_TRAINING && x != -1 && x != 999) sum += x, n++;
    }
    assert_true(fabs(m.mean[CALLS] - sum / n) < 1e-12 * sum / n);
    tr_models_free(&m);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    plant();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grammar),         cmocka_unit_test(test_names),
        cmocka_unit_test(test_include_exclude), cmocka_unit_test(test_manual_edges),
        cmocka_unit_test(test_trend),           cmocka_unit_test(test_special),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
