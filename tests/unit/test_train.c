/* model/train: screening reasons, the national fit and the regional fits shrunk toward it against
 * R's glm and a penalised Newton in R on planted rows; the hold-out, out-of-time and unlabelled
 * rows left out (bit for bit); the minimum regional defaults and repaid loans; scoring; the WoE
 * transform on a binary feature (worked by hand); a population without outcomes; the reference
 * population's grades and score bands. One process (MPI_COMM_WORLD at 1 rank is enough). */
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

/* ------------------------------------------------------------------ the planted rows */

#define N 800
#define F 6
enum { X, CONSTANT, TWIN, WEAK, PARTIAL, EMPTY };
static const char *const names[F] = {"x", "constant", "twin", "weak", "partial", "empty"};

struct planted {
    uint64_t key[N];
    int32_t region[N];
    int8_t label[N], sample[N];
    double values[N * F];
    struct tr_model_rows rows;
};

/* Row i (the same formulas, in Python, wrote the CSV that R fitted; see the reference below):
 *   x = (37 i mod 100) / 10 - 5,  z = (53 i mod 100) / 20 - 2.5,  u = ((7919 i + 13) mod 1000 +
 *   0.5) / 1000; region -1 when i mod 19 = 0, else 2 when x >= 3.5 (risky: few repaid loans), else
 *   i mod 2; logit p = -0.5 + 0.9 x + 0.4 z + 0.8 [region 1]; sample hold-out when floor(i / 7)
 *   mod 5 = 2, else out of time when floor(i / 7) mod 11 = 3, else training; label = u < p in
 *   training, u < 1 - p (the opposite relation) elsewhere, and -1 (unlabelled) when i mod 23 = 0.
 * Features: x; a constant; twin = 2x + 1 (the same information as x); weak, a binary feature
 * that splits the training defaults and the training repaid loans each into halves (no
 * information); partial = z, missing when i mod 4 = 1; empty, always missing. */
static double planted_label(int i, double x, double z, int region, int sample)
{
    const double u = ((i * 7919 + 13) % 1000 + 0.5) / 1000.0;
    const double eta = -0.5 + 0.9 * x + 0.4 * z + (region == 1 ? 0.8 : 0.0);
    const double p = 1.0 / (1.0 + exp(-eta));
    return sample == TR_TRAINING ? u < p : u < 1 - p;
}

static void plant(struct planted *d)
{
    int halves[2] = {0, 0}; /* training repaid, defaults so far: weak alternates within each */
    for (int i = 0; i < N; i++) {
        const double x = (double)((i * 37) % 100) / 10.0 - 5.0;
        const double z = (double)((i * 53) % 100) / 20.0 - 2.5;
        d->key[i] = (uint64_t)i + 1;
        d->region[i] = i % 19 == 0 ? -1 : x >= 3.5 ? 2 : i % 2;
        d->sample[i] = (i / 7) % 5 == 2 ? TR_HOLDOUT : (i / 7) % 11 == 3 ? TR_OUT_OF_TIME : 0;
        const int y = (int)planted_label(i, x, z, d->region[i], d->sample[i]);
        d->label[i] = i % 23 == 0 ? TR_UNLABELLED : (int8_t)y;
        double *v = d->values + (size_t)i * F;
        v[X] = x, v[CONSTANT] = 3.0, v[TWIN] = 2 * x + 1;
        const int training = d->sample[i] == TR_TRAINING && d->label[i] >= 0;
        v[WEAK] = training ? halves[y]++ % 2 : i % 2;
        v[PARTIAL] = i % 4 == 1 ? NAN : z;
        v[EMPTY] = NAN;
    }
    d->rows = (struct tr_model_rows){N,        F,         names,     d->key, d->region,
                                     d->label, d->sample, d->values, NULL};
}

/* The reference (R 4, on the CSV of the rows above, training rows = sample 0 and label >= 0):
 *   551 training rows, 267 defaults; region 0: 220 rows, 82 defaults; region 1: 217, 95;
 *   region 2: 80, 77 (3 repaid); unknown region: 34, 13.
 *   Training means and population sds: x 0.0012704174228675132, 2.8778928035248996; partial
 *   (present values) -0.01973365617433414, 1.4560857266475353. tx, tp: standardised, missing 0.
 *   glm(label ~ tx + tp, binomial, epsilon 1e-14): the national model below; per region the same
 *   on its rows (lambda 0); lambda > 0: Newton's method on the penalised log-likelihood
 *   l(b) - lambda / 2 * sum_{j >= 1} (b_j - national_j)^2 (100 iterations; BFGS agrees to 1e-9). */
static const double mean_x = 0.0012704174228675132, sd_x = 2.8778928035248996;
static const double mean_p = -0.01973365617433414, sd_p = 1.4560857266475353;
static const double national[3] = {-0.14989389133328385, 2.3777446773155786, 0.32369551621770265};
static const double region0_ml[3] = {-0.4313529814705705, 2.3115807483892854, 0.31658102844062952};
static const double region1_ml[3] = {0.17507870839847348, 2.5265303268249002, 0.51666780303488147};
static const double region0_100[3] = {-0.43692568007621024, 2.3717236335717335,
                                      0.32335103967039042};
static const double region1_100[3] = {0.1744065062528192, 2.3902568714162942, 0.34319424922788011};

/* ------------------------------------------------------------------ helpers */

static char text[1 << 14]; /* what the training printed (warnings) */

static struct tr_config config(const char *const *sets, size_t n)
{
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    char err[TR_CONFIG_ERR_MAX];
    for (size_t k = 0; k < n; k++)
        if (tr_config_set(&cfg, sets[k], err)) fail_msg("%s: %s", sets[k], err);
    return cfg;
}

static int train(const struct tr_config *cfg, const struct tr_model_rows *rows, int n_regions,
                 struct tr_models *m)
{
    FILE *msg = fmemopen(text, sizeof text, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, msg);
    const int rc = tr_models_train(&ctx, cfg, rows, n_regions, m);
    fclose(msg);
    return rc;
}

static int train_standardized(const struct planted *d, const char *extra, struct tr_models *m)
{
    const char *sets[] = {"model.transform=standardize", extra ? extra : "model.lambda=100"};
    const struct tr_config cfg = config(sets, 2);
    return train(&cfg, &d->rows, 3, m);
}

static void expect_beta(const struct tr_model *model, const double want[3], double tol)
{
    assert_int_equal(model->fit.p, 3);
    for (int j = 0; j < 3; j++)
        if (fabs(model->fit.beta[j] - want[j]) > tol)
            fail_msg("region %d beta[%d] = %.12g, want %.12g", model->region, j, model->fit.beta[j],
                     want[j]);
}

static void expect_dropped(const struct tr_models *m, int j, const char *reason)
{
    if (strcmp(m->dropped[j], reason) != 0)
        fail_msg("%s dropped for '%s', want '%s'", names[j], m->dropped[j], reason);
}

/* ------------------------------------------------------------------ tests */

/* Screening in the documented order, the transform's moments from the training rows only, and
 * the national model against R's glm. */
static void test_screening_and_national_fit(void **state)
{
    (void)state;
    struct planted *d = malloc(sizeof *d);
    plant(d);
    struct tr_models m;
    assert_int_equal(train_standardized(d, NULL, &m), TR_EXIT_OK);
    assert_int_equal(m.train_rows, 551);
    assert_int_equal(m.national.train_rows, 551);
    assert_int_equal(m.national.train_defaults, 267);
    expect_dropped(&m, CONSTANT, "constant");
    expect_dropped(&m, EMPTY, "constant where defined");
    expect_dropped(&m, WEAK, "information value under model.min_iv");
    /* twin has x's bins, so x's IV to the bit: the tie goes to the earlier column. */
    assert_true(m.bins[TWIN].iv == m.bins[X].iv);
    expect_dropped(&m, TWIN, "correlated with x");
    expect_dropped(&m, X, "");
    expect_dropped(&m, PARTIAL, "");
    assert_int_equal(m.n_used, 2);
    assert_int_equal(m.used[0], X); /* by decreasing IV */
    assert_int_equal(m.used[1], PARTIAL);
    assert_true(m.bins[X].iv > m.bins[PARTIAL].iv && m.bins[WEAK].iv < 0.02);
    assert_true(fabs(m.mean[X] - mean_x) < 1e-13 && fabs(m.sd[X] / sd_x - 1) < 1e-12);
    assert_true(fabs(m.mean[PARTIAL] - mean_p) < 1e-13 && fabs(m.sd[PARTIAL] / sd_p - 1) < 1e-12);
    assert_true(m.sd[EMPTY] == 0 && m.sd[CONSTANT] == 0);
    /* (x - mean) / sd, and a missing value at the mean. */
    assert_true(fabs(tr_model_transform(&m, X, 2.5) - (2.5 - mean_x) / sd_x) < 1e-12);
    assert_true(tr_model_transform(&m, PARTIAL, NAN) == 0);
    expect_beta(&m.national, national, 1e-8);
    assert_int_equal(m.national.region, -1);
    assert_true(m.national.fitted && m.national.fit.converged);
    tr_models_free(&m);
    free(d);
}

/* Hold-out, out-of-time and unlabelled rows teach nothing: flipping their labels and moving
 * their values leaves every coefficient the same bits (their bins' population changes). */
static void test_only_training_rows_teach(void **state)
{
    (void)state;
    struct planted *d = malloc(sizeof *d);
    plant(d);
    struct tr_models a, b;
    assert_int_equal(train_standardized(d, NULL, &a), TR_EXIT_OK);
    for (int i = 0; i < N; i++) {
        if (d->sample[i] == TR_TRAINING && d->label[i] >= 0) continue;
        if (d->label[i] >= 0) d->label[i] = (int8_t)(1 - d->label[i]);
        d->values[(size_t)i * F + X] += 3;
        d->values[(size_t)i * F + PARTIAL] = -9;
    }
    assert_int_equal(train_standardized(d, NULL, &b), TR_EXIT_OK);
    assert_int_equal(b.n_used, a.n_used);
    for (int g = -1; g < 3; g++) {
        const struct tr_model *ma = g < 0 ? &a.national : &a.regions[g];
        const struct tr_model *mb = g < 0 ? &b.national : &b.regions[g];
        assert_int_equal(ma->fitted, mb->fitted);
        if (ma->fit.beta) assert_memory_equal(ma->fit.beta, mb->fit.beta, 3 * sizeof(double));
    }
    assert_memory_equal(a.mean, b.mean, F * sizeof(double));
    assert_memory_equal(a.bins[X].lower, b.bins[X].lower, sizeof a.bins[X].lower);
    assert_memory_equal(a.bins[X].count, b.bins[X].count, sizeof a.bins[X].count);
    assert_memory_not_equal(a.bins[X].population, b.bins[X].population,
                            sizeof a.bins[X].population);
    tr_models_free(&a);
    tr_models_free(&b);
    free(d);
}

/* sum over the region's training rows of (y - p) t_j: the log-likelihood's gradient. */
static void region_gradient(const struct planted *d, const struct tr_models *m, int g,
                            double grad[3])
{
    const struct tr_model *model = &m->regions[g];
    grad[0] = grad[1] = grad[2] = 0;
    for (int i = 0; i < N; i++) {
        if (d->region[i] != g || d->sample[i] != TR_TRAINING || d->label[i] < 0) continue;
        const double *v = d->values + (size_t)i * F;
        const double t[3] = {1, tr_model_transform(m, X, v[X]),
                             tr_model_transform(m, PARTIAL, v[PARTIAL])};
        const double r = d->label[i] - tr_model_pd(m, model, v);
        for (int j = 0; j < 3; j++)
            grad[j] += r * t[j];
    }
}

/* Regional models: plain ML per region at lambda 0 (R's glm on the region's rows), the penalised
 * optimum at lambda 100 (R's Newton), whose gradient is lambda (b - national) on the slopes and 0
 * on the free intercept; at lambda 1e6 the national slopes with the region's own intercept. */
static void test_regions_shrink_toward_national(void **state)
{
    (void)state;
    struct planted *d = malloc(sizeof *d);
    plant(d);
    struct tr_models m;
    assert_int_equal(train_standardized(d, "model.lambda=0", &m), TR_EXIT_OK);
    expect_beta(&m.regions[0], region0_ml, 1e-7);
    expect_beta(&m.regions[1], region1_ml, 1e-7);
    tr_models_free(&m);

    assert_int_equal(train_standardized(d, "model.lambda=100", &m), TR_EXIT_OK);
    assert_true(m.lambda == 100);
    expect_beta(&m.regions[0], region0_100, 1e-7);
    expect_beta(&m.regions[1], region1_100, 1e-7);
    for (int g = 0; g < 2; g++) {
        double grad[3];
        region_gradient(d, &m, g, grad);
        assert_true(fabs(grad[0]) < 1e-8);
        for (int j = 1; j < 3; j++) {
            const double pull = 100 * (m.regions[g].fit.beta[j] - m.national.fit.beta[j]);
            if (fabs(grad[j] - pull) > 1e-7 * fmax(1, fabs(pull)))
                fail_msg("region %d slope %d: gradient %.12g, lambda (b - b_nat) %.12g", g, j,
                         grad[j], pull);
        }
    }
    tr_models_free(&m);

    assert_int_equal(train_standardized(d, "model.lambda=1e6", &m), TR_EXIT_OK);
    for (int j = 1; j < 3; j++)
        assert_true(fabs(m.regions[1].fit.beta[j] - m.national.fit.beta[j]) < 1e-5);
    /* Region 1's planted level of risk is 0.8 higher: its intercept stays its own (R: 0.1747). */
    assert_true(fabs(m.regions[1].fit.beta[0] - 0.17466662998034424) < 1e-6);
    assert_true(fabs(m.regions[0].fit.beta[0] - -0.43749260332141593) < 1e-6);
    tr_models_free(&m);
    free(d);
}

static void expect_region(const struct tr_models *m, int g, int64_t rows, int64_t defaults,
                          int fitted)
{
    const struct tr_model *r = &m->regions[g];
    assert_int_equal(r->region, g);
    assert_int_equal(r->train_rows, rows);
    assert_int_equal(r->train_defaults, defaults);
    if (r->fitted != fitted) fail_msg("region %d fitted %d, want %d", g, r->fitted, fitted);
    assert_ptr_equal(tr_model_for(m, g), fitted ? r : &m->national);
    if (!fitted) assert_null(r->fit.beta); /* skipped, not fitted and rejected */
}

/* A region needs model.min_region_defaults training defaults and as many repaid loans: region 2
 * has 77 defaults but 3 repaid loans. The boundary: region 0's 82 defaults are enough at 82, not
 * at 83. Unknown and out-of-range regions take the national model. */
static void test_min_region_defaults(void **state)
{
    (void)state;
    struct planted *d = malloc(sizeof *d);
    plant(d);
    struct tr_models m;
    assert_int_equal(train_standardized(d, NULL, &m), TR_EXIT_OK); /* default: 30 */
    expect_region(&m, 0, 220, 82, 1);
    expect_region(&m, 1, 217, 95, 1);
    expect_region(&m, 2, 80, 77, 0);
    assert_ptr_equal(tr_model_for(&m, -1), &m.national);
    assert_ptr_equal(tr_model_for(&m, 3), &m.national);
    tr_models_free(&m);
    assert_int_equal(train_standardized(d, "model.min_region_defaults=82", &m), TR_EXIT_OK);
    expect_region(&m, 0, 220, 82, 1);
    expect_region(&m, 1, 217, 95, 1);
    tr_models_free(&m);
    assert_int_equal(train_standardized(d, "model.min_region_defaults=83", &m), TR_EXIT_OK);
    expect_region(&m, 0, 220, 82, 0);
    expect_region(&m, 1, 217, 95, 1);
    tr_models_free(&m);
    free(d);
}

/* Events per variable: 267 training defaults allow 2 features at 133 per feature (267 / 133 = 2),
 * only the strongest at 134. */
static void test_defaults_per_feature(void **state)
{
    (void)state;
    struct planted *d = malloc(sizeof *d);
    plant(d);
    struct tr_models m;
    assert_int_equal(train_standardized(d, "model.defaults_per_feature=133", &m), TR_EXIT_OK);
    assert_int_equal(m.n_used, 2);
    tr_models_free(&m);
    assert_int_equal(train_standardized(d, "model.defaults_per_feature=134", &m), TR_EXIT_OK);
    assert_int_equal(m.n_used, 1);
    assert_int_equal(m.used[0], X);
    expect_dropped(&m, PARTIAL, "beyond model.defaults_per_feature");
    assert_int_equal(m.national.fit.p, 2);
    tr_models_free(&m);
    free(d);
}

/* Every row's PD from R's coefficients by hand: its region's model (lambda 100) for regions 0 and
 * 1, the national one for region 2 and the unknown region; points and grade from the documented
 * scaling (600 at 50:1, 20 to double) and master scale. */
static void test_scores(void **state)
{
    (void)state;
    struct planted *d = malloc(sizeof *d);
    plant(d);
    struct tr_models m;
    assert_int_equal(train_standardized(d, NULL, &m), TR_EXIT_OK);
    double *pd = malloc(N * sizeof *pd), *pdn = malloc(N * sizeof *pdn);
    double *score = malloc(N * sizeof *score);
    int8_t grade[N];
    tr_models_score(&m, &d->rows, pd, pdn, score, grade);
    static const double bounds[] = {0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 1};
    for (int i = 0; i < N; i++) {
        const double *v = d->values + (size_t)i * F;
        const double tx = (v[X] - mean_x) / sd_x;
        const double tp = isnan(v[PARTIAL]) ? 0 : (v[PARTIAL] - mean_p) / sd_p;
        const int g = d->region[i];
        const double *b = g == 0 ? region0_100 : g == 1 ? region1_100 : national;
        const double want = 1 / (1 + exp(-(b[0] + b[1] * tx + b[2] * tp)));
        const double want_nat = 1 / (1 + exp(-(national[0] + national[1] * tx + national[2] * tp)));
        if (fabs(pd[i] - want) > 1e-7) fail_msg("row %d pd %.12g, want %.12g", i, pd[i], want);
        assert_true(fabs(pdn[i] - want_nat) < 1e-7);
        const double points = 600 + 20 / log(2) * log((1 - pd[i]) / pd[i] / 50);
        assert_true(fabs(score[i] - points) < 1e-9);
        int want_grade = 1;
        while (pd[i] > bounds[want_grade - 1])
            want_grade++;
        assert_int_equal(grade[i], want_grade);
    }
    tr_models_score(&m, &d->rows, pd, NULL, score, grade); /* pd_national may be NULL */
    free(pd), free(pdn), free(score);
    tr_models_free(&m);
    free(d);
}

/* ------------------------------------------------------------------ WoE on a binary feature */

/* Training: x = 1 in 50 rows (20 defaults), x = 0 in 150 rows (30 defaults); the hold-out (100
 * rows: 25 at 1, 65 at 0, 10 missing) has the opposite pattern. No regions at all.
 *   WoE(0) = ln(120.5 / 150.5) - ln(30.5 / 50.5) = 0.28193..., WoE(1) = ln(30.5 / 150.5) -
 *   ln(20.5 / 50.5) = -0.69469..., the missing bin (no training row) 0;
 *   IV = (120.5/150.5 - 30.5/50.5) WoE(0) + (30.5/150.5 - 20.5/50.5) WoE(1) = 0.19668...
 *   (python3 -c, from these formulas). Two bins: the logistic regression is saturated, so each
 *   bin's PD is its training default rate: 0.2 and 0.4; a missing value's is sigmoid(b0) with
 *   b1 = (logit 0.4 - logit 0.2) / (WoE(1) - WoE(0)), b0 = logit 0.2 - b1 WoE(0). */
#define NB 300
struct binary {
    uint64_t key[NB];
    int32_t region[NB];
    int8_t label[NB], sample[NB];
    double x[NB];
    struct tr_model_rows rows;
};

static void binary_rows(struct binary *b)
{
    static const char *const xname[1] = {"x"};
    for (int i = 0; i < NB; i++) {
        const int holdout = i >= 200, k = holdout ? i - 200 : i;
        b->key[i] = (uint64_t)i + 1;
        b->region[i] = -1;
        b->sample[i] = holdout ? TR_HOLDOUT : TR_TRAINING;
        if (!holdout) {
            b->x[i] = k % 4 == 0;                                   /* 50 ones */
            b->label[i] = b->x[i] == 1 ? k % 20 < 8 : k % 20 >= 16; /* 20 of 50; 30 of 150 */
        } else {
            b->x[i] = k < 25 ? 1 : k < 90 ? 0 : NAN;
            b->label[i] = b->x[i] == 1 ? k % 2 : 1;
        }
    }
    b->rows =
        (struct tr_model_rows){NB, 1, xname, b->key, b->region, b->label, b->sample, b->x, NULL};
}

static double logit(double p)
{
    return log(p / (1 - p));
}

static void test_woe_binary_feature(void **state)
{
    (void)state;
    static struct binary b;
    binary_rows(&b);
    const struct tr_config cfg = config(NULL, 0); /* woe, the defaults */
    struct tr_models m;
    assert_int_equal(train(&cfg, &b.rows, 0, &m), TR_EXIT_OK);
    const struct tr_bins *bins = &m.bins[0];
    assert_int_equal(bins->n_numeric, 2);
    assert_true(bins->lower[1] == 1.0 && bins->trend == 1);
    const int64_t count[3] = {150, 50, 0}, defaults[3] = {30, 20, 0}, population[3] = {215, 75, 10};
    assert_memory_equal(bins->count, count, sizeof count);
    assert_memory_equal(bins->defaults, defaults, sizeof defaults);
    assert_memory_equal(bins->population, population, sizeof population);
    const double w0 = 0.2819333214097275, w1 = -0.6946879504386129, iv = 0.19667553027008317;
    assert_true(fabs(tr_model_transform(&m, 0, 0.0) - w0) < 1e-12);
    assert_true(fabs(tr_model_transform(&m, 0, -7.0) - w0) < 1e-12);
    assert_true(fabs(tr_model_transform(&m, 0, 1.0) - w1) < 1e-12);
    assert_true(fabs(tr_model_transform(&m, 0, 9.0) - w1) < 1e-12); /* the last bin: open above */
    assert_true(tr_model_transform(&m, 0, NAN) == 0);
    assert_true(fabs(bins->iv - iv) < 1e-12);
    assert_int_equal(m.n_used, 1);
    const double zero = 0, one = 1, missing = NAN;
    assert_true(fabs(tr_model_pd(&m, &m.national, &zero) - 0.2) < 1e-9);
    assert_true(fabs(tr_model_pd(&m, &m.national, &one) - 0.4) < 1e-9);
    const double b1 = (logit(0.4) - logit(0.2)) / (w1 - w0), b0 = logit(0.2) - b1 * w0;
    assert_true(fabs(tr_model_pd(&m, &m.national, &missing) - 1 / (1 + exp(-b0))) < 1e-9);
    tr_models_free(&m);
}

/* A descending trend, forced on a feature whose default rate rises: one bin, dropped; the
 * intercept alone fits the training default rate, 50 / 200. */
static void test_woe_forced_trend(void **state)
{
    (void)state;
    static struct binary b;
    binary_rows(&b);
    const char *sets[] = {"model.trend=descending"};
    const struct tr_config cfg = config(sets, 1);
    struct tr_models m;
    assert_int_equal(train(&cfg, &b.rows, 0, &m), TR_EXIT_OK);
    assert_int_equal(m.bins[0].n_numeric, 1);
    assert_int_equal(m.n_used, 0);
    assert_string_equal(m.dropped[0], "constant");
    const double one = 1;
    assert_true(fabs(tr_model_pd(&m, &m.national, &one) - 0.25) < 1e-10);
    tr_models_free(&m);
}

/* ------------------------------------------------------------------ no model, reference */

/* No rows; no training default (the hold-out's do not count); every training row a default. */
static void test_no_outcomes(void **state)
{
    (void)state;
    static struct binary b;
    binary_rows(&b);
    const struct tr_config cfg = config(NULL, 0);
    struct tr_models m;
    struct tr_model_rows none = b.rows;
    none.n = 0;
    assert_int_equal(train(&cfg, &none, 0, &m), TR_EXIT_INPUT);
    assert_non_null(strstr(m.why_none, "has 0 labelled subscribers of which 0 defaulted"));
    tr_models_free(&m);
    for (int i = 0; i < 200; i++)
        b.label[i] = 0;
    assert_int_equal(train(&cfg, &b.rows, 0, &m), TR_EXIT_INPUT);
    assert_non_null(strstr(m.why_none, "has 200 labelled subscribers of which 0 defaulted"));
    tr_models_free(&m);
    for (int i = 0; i < 200; i++)
        b.label[i] = i < 150 ? 1 : TR_UNLABELLED;
    assert_int_equal(train(&cfg, &b.rows, 0, &m), TR_EXIT_INPUT);
    assert_non_null(strstr(m.why_none, "has 150 labelled subscribers of which 150 defaulted"));
    tr_models_free(&m);
}

/* Grades 1..3 in turn over 100 rows (34, 33, 33; others not counted), and scores a permutation
 * of 0.5 .. 99.5: ten bands of ten, cut at 10.5, 20.5, ... 90.5. With 50 scores tied at 7 and
 * 50 at 50.5 .. 99.5, the tie is one band (cuts at 7 are dropped): 50 rows, then five of ten. */
static void test_reference_population(void **state)
{
    (void)state;
    uint64_t key[100];
    int32_t region[100];
    double score[100];
    int8_t grade[100];
    for (int i = 0; i < 100; i++)
        key[i] = (uint64_t)i + 1, region[i] = 0, score[i] = (i * 37) % 100 + 0.5,
        grade[i] = (int8_t)(1 + i % 3);
    const struct tr_model_rows rows = {.n = 100, .key = key, .region = region};
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    struct tr_models m;
    memset(&m, 0, sizeof m);
    tr_models_reference(&ctx, &rows, score, grade, 42, &m);
    assert_true(m.grade_population[0] == 34 && m.grade_population[1] == 33 &&
                m.grade_population[2] == 33 && m.grade_population[3] == 0);
    assert_int_equal(m.score_bands.n_numeric, 10);
    for (int b = 0; b < 10; b++) {
        assert_int_equal(m.score_bands.population[b], 10);
        if (b) assert_true(m.score_bands.lower[b] == 10 * b + 0.5);
    }
    for (int i = 0; i < 100; i++)
        score[i] = i < 50 ? 7 : i + 0.5;
    grade[0] = 0, grade[1] = -1; /* not grades: rows 0 (grade 1) and 1 (grade 2) leave */
    tr_models_reference(&ctx, &rows, score, grade, 42, &m);
    assert_true(m.grade_population[0] == 33 && m.grade_population[1] == 32 &&
                m.grade_population[2] == 33);
    assert_int_equal(m.score_bands.n_numeric, 6);
    assert_int_equal(m.score_bands.population[0], 50);
    for (int b = 1; b < 6; b++)
        assert_int_equal(m.score_bands.population[b], 10);
    free(m.region_reference); /* the population per region, counted too (model/reference.h) */
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screening_and_national_fit),
        cmocka_unit_test(test_only_training_rows_teach),
        cmocka_unit_test(test_regions_shrink_toward_national),
        cmocka_unit_test(test_min_region_defaults),
        cmocka_unit_test(test_defaults_per_feature),
        cmocka_unit_test(test_scores),
        cmocka_unit_test(test_woe_binary_feature),
        cmocka_unit_test(test_woe_forced_trend),
        cmocka_unit_test(test_no_outcomes),
        cmocka_unit_test(test_reference_population),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
