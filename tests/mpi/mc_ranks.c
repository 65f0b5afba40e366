/* Monte Carlo portfolio loss at this rank count against a single process (the same bits), and
 * against Vasicek's closed form: a large homogeneous pool (other retail, PD 1%, LGD 45%, the
 * IRB correlation) has VaR 99.9% = 0.041118 of EAD and VaR 99% = LGD x N((G(PD) + sqrt(R)
 * G(0.99)) / sqrt(1 - R)). Two correlated regions: the regions' ES contributions add up to ES. */
#include "core/log.h"
#include "stress/irb.h"
#include "stress/montecarlo.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what, double got, double want)
{
    if (ok) return;
    failures++;
    fprintf(stderr, "FAIL %s: %.10g (want %.10g)\n", what, got, want);
}

static int same(const struct tr_mc_result *a, const struct tr_mc_result *b, int levels, int regions)
{
    return memcmp(&a->el, &b->el, sizeof a->el) == 0 &&
           memcmp(a->el_region, b->el_region, sizeof(double) * (size_t)regions) == 0 &&
           memcmp(a->quantile, b->quantile, sizeof(double) * 1000) == 0 &&
           memcmp(a->var, b->var, sizeof a->var) == 0 && memcmp(a->es, b->es, sizeof a->es) == 0 &&
           memcmp(a->es_region, b->es_region, sizeof(double) * (size_t)(levels * regions)) == 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    struct tr_ctx ctx, self;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    tr_ctx_init(&self, MPI_COMM_SELF, stderr);
    const double pd = 0.01, lgd = 0.45;
    const double r = tr_irb_weight(TR_IRB_OTHER_RETAIL, pd, lgd, 0, 1).r;
    const double levels[2] = {0.99, 0.999};

    /* The rank of a quantile among P ranked losses: ceil(level P) - 1, even where level P is
     * an integer that doubles miss (0.035 x 20000 = 700.0000000000001, 0.999 x 1000 =
     * 998.9999999999999). */
    if (ctx.rank == 0) {
        const struct {
            double level;
            size_t P, want;
        } q[] = {{0.035, 20000, 699}, {0.999, 1000, 998}, {0.99, 400000, 395999},
                 {0.5, 3, 1},         {1.0, 10, 9},       {0.0005, 1000, 0},
                 {0.9991, 1000, 999}, {0.29, 100, 28},    {0.57, 100, 56}};
        for (size_t k = 0; k < sizeof q / sizeof *q; k++)
            check(tr_mc_quantile_index(q[k].level, q[k].P) == q[k].want, "quantile rank",
                  (double)tr_mc_quantile_index(q[k].level, q[k].P), (double)q[k].want);
    }

    /* One homogeneous pool of ten million loans. */
    const struct tr_pool pool = {0, pd, lgd, r, 10000000u, 1.0};
    const double one[1] = {1.0};
    const struct tr_mc_options o = {20201, 400000, 1, one, 2, levels, 1000};
    struct tr_mc_result res, ref;
    tr_mc_loss(&ctx, &pool, 1, &o, &res);
    const double var999 = lgd * tr_vasicek_pd(pd, r, -gsl_cdf_ugaussian_Pinv(0.999));
    const double var99 = lgd * tr_vasicek_pd(pd, r, -gsl_cdf_ugaussian_Pinv(0.99));
    if (ctx.rank == 0) {
        check(fabs(var999 - 0.041118) < 5e-7, "closed form VaR 99.9%", var999, 0.041118);
        check(fabs(res.var[1] / var999 - 1) < 0.03, "VaR 99.9% against Vasicek", res.var[1],
              var999);
        check(fabs(res.var[0] / var99 - 1) < 0.02, "VaR 99% against Vasicek", res.var[0], var99);
        check(fabs(res.el / (pd * lgd) - 1) < 0.01, "EL against PD x LGD", res.el, pd * lgd);
        check(res.es[1] > res.var[1] && res.es[0] > res.var[0], "ES beyond VaR", res.es[1],
              res.var[1]);
        /* The loss distribution's quantiles at 0.99 and 0.999 are the VaRs, and it rises. */
        check(res.quantile[989] == res.var[0], "quantile 0.99 is VaR 99%", res.quantile[989],
              res.var[0]);
        check(res.quantile[998] == res.var[1], "quantile 0.999 is VaR 99.9%", res.quantile[998],
              res.var[1]);
        int rising = 1;
        for (int k = 1; k < 1000; k++)
            rising &= res.quantile[k] >= res.quantile[k - 1];
        check(rising && res.quantile[0] >= 0, "quantiles rise", res.quantile[0], 0);
        check(res.el_region[0] == res.el, "one region: its mean loss is the mean loss",
              res.el_region[0], res.el);
        tr_mc_loss(&self, &pool, 1, &o, &ref);
        check(same(&res, &ref, 2, 1), "the same bits as one process", res.var[1], ref.var[1]);
        printf("homogeneous pool, %lld paths on %d ranks in %.2f s (%.3g paths/s per rank): "
               "VaR 99.9%% %.6f (Vasicek %.6f), VaR 99%% %.6f (%.6f), ES 99.9%% %.6f, EL %.6f\n",
               (long long)o.paths, ctx.size, res.seconds, (double)o.paths / res.seconds / ctx.size,
               res.var[1], var999, res.var[0], var99, res.es[1], res.el);
        tr_mc_result_free(&ref);
    }
    tr_mc_result_free(&res);

    /* Two regions, factor correlation 0.5, three pools. */
    const struct tr_pool pools[3] = {{0, 0.02, 0.6, 0.1, 200000u, 5e6},
                                     {1, 0.05, 0.4, 0.15, 50000u, 2e6},
                                     {0, 0.004, 0.25, 0.15, 1000u, 8e6}};
    const double chol[4] = {1, 0, 0.5, sqrt(0.75)};
    const struct tr_mc_options o2 = {7, 100000, 2, chol, 2, levels, 1000};
    tr_mc_loss(&ctx, pools, 3, &o2, &res);
    if (ctx.rank == 0) {
        for (int l = 0; l < 2; l++) {
            const double sum = res.es_region[2 * l] + res.es_region[2 * l + 1];
            check(fabs(sum / res.es[l] - 1) < 1e-12, "regional ES contributions add up", sum,
                  res.es[l]);
        }
        /* Each region's mean loss against its pools' PD x LGD x EAD (within 2%), and the two
         * add up to the mean loss. */
        const double el0 = 0.02 * 0.6 * 5e6 + 0.004 * 0.25 * 8e6, el1 = 0.05 * 0.4 * 2e6;
        check(fabs(res.el_region[0] / el0 - 1) < 0.02, "region 0 mean loss", res.el_region[0], el0);
        check(fabs(res.el_region[1] / el1 - 1) < 0.02, "region 1 mean loss", res.el_region[1], el1);
        check(fabs((res.el_region[0] + res.el_region[1]) / res.el - 1) < 1e-12,
              "regional mean losses add up", res.el_region[0] + res.el_region[1], res.el);
        tr_mc_loss(&self, pools, 3, &o2, &ref);
        check(same(&res, &ref, 2, 2), "two regions: the same bits as one process", res.es[1],
              ref.es[1]);
        tr_mc_result_free(&ref);
    }
    tr_mc_result_free(&res);
    MPI_Bcast(&failures, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return failures ? 1 : 0;
}
