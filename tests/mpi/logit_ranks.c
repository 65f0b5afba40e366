/* telrisk's distributed logistic regression against R's glm (mtcars, am ~ hp + wt), with the rows
 * spread over the ranks: coefficients, standard errors, z, p-values and deviance within 1e-6
 * relative of R, and the same bits at any rank count (rank 0 prints them for the shell to
 * compare). Also: a penalty pulls toward its prior; separation and a singular design are named.
 * usage: mpiexec -n N logit_ranks REFDIR */
#include "core/error.h"
#include "core/rng.h"
#include "model/logit.h"

#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 32

static int failures = 0;

static void check(int rank, int ok, const char *what, double got, double want)
{
    if (ok) return;
    failures++;
    if (rank == 0) fprintf(stderr, "FAIL %s: telrisk %.12g, R %.12g\n", what, got, want);
}

static int close_rel(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fmax(fabs(b), 1e-300);
}

static int read_data(const char *dir, double *x, double *y)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/mtcars.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    int n = 0;
    if (!fgets(line, sizeof line, f)) return 1; /* header */
    while (n < ROWS && fgets(line, sizeof line, f)) {
        double am, hp, wt;
        if (sscanf(line, "%lf,%lf,%lf", &am, &hp, &wt) != 3) return 1;
        y[n] = am;
        x[3 * n] = 1, x[3 * n + 1] = hp, x[3 * n + 2] = wt;
        n++;
    }
    fclose(f);
    return n != ROWS;
}

static void compare_with_r(int rank, const char *dir, const struct tr_logit_fit *fit)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/glm_coefficients.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f)) {
        failures++;
        return;
    }
    for (int j = 0; j < 3 && fgets(line, sizeof line, f); j++) {
        double est, se, z, pv;
        char *c = strchr(line, ',');
        if (!c || sscanf(c + 1, "%lf,%lf,%lf,%lf", &est, &se, &z, &pv) != 4) {
            failures++;
            continue;
        }
        check(rank, close_rel(fit->beta[j], est, 1e-6), "coefficient", fit->beta[j], est);
        check(rank, close_rel(fit->std_error[j], se, 1e-6), "standard error", fit->std_error[j],
              se);
        check(rank, close_rel(fit->z[j], z, 1e-6), "z", fit->z[j], z);
        check(rank, close_rel(fit->p_value[j], pv, 1e-6), "p-value", fit->p_value[j], pv);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/glm_deviance.csv", dir);
    f = fopen(path, "r");
    double dev, null_dev, aic;
    if (!f || fscanf(f, "%lf,%lf,%lf", &dev, &null_dev, &aic) != 3) {
        failures++;
        return;
    }
    fclose(f);
    check(rank, close_rel(fit->deviance, dev, 1e-6), "deviance", fit->deviance, dev);
    check(rank, close_rel(fit->null_deviance, null_dev, 1e-6), "null deviance", fit->null_deviance,
          null_dev);
    check(rank, close_rel(fit->aic, aic, 1e-6), "AIC", fit->aic, aic);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    tr_gsl_init(); /* as telrisk_main does: GSL reports, never aborts */
    double x[3 * ROWS], y[ROWS];
    if (argc < 2 || read_data(argv[1], x, y)) {
        fprintf(stderr, "logit_ranks: cannot read %s/mtcars.csv\n", argc > 1 ? argv[1] : "?");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    size_t lo = (size_t)ROWS * (size_t)ctx.rank / (size_t)ctx.size;
    size_t hi = (size_t)ROWS * (size_t)(ctx.rank + 1) / (size_t)ctx.size;
    struct tr_logit_data d = {hi - lo, 3, x + 3 * lo, y + lo, NULL};
    struct tr_logit_options o = {0};
    struct tr_logit_fit fit;
    int singular = tr_logit(&ctx, &d, &o, &fit);
    check(ctx.rank, !singular && fit.converged && !fit.problem[0], "converged", fit.iterations, 0);
    compare_with_r(ctx.rank, argv[1], &fit);
    if (ctx.rank == 0)
        printf("bits %a %a %a %a %a %a %a\n", fit.beta[0], fit.beta[1], fit.beta[2],
               fit.std_error[0], fit.std_error[1], fit.std_error[2], fit.deviance);

    /* A penalty toward a prior: the stronger, the closer (intercept free). */
    double prior[3] = {0, 0.01, -2}, last = INFINITY;
    for (double lambda = 0.01; lambda < 1e10; lambda *= 10) { /* hp^2 sums to ~1e5 */
        struct tr_logit_options po = {.lambda = lambda, .prior = prior};
        struct tr_logit_fit pf;
        tr_logit(&ctx, &d, &po, &pf);
        double dist = hypot(pf.beta[1] - prior[1], pf.beta[2] - prior[2]);
        check(ctx.rank, dist < last, "penalised distance to the prior shrinks", dist, last);
        last = dist;
        tr_logit_fit_free(&pf);
    }
    check(ctx.rank, last < 1e-3, "a very strong penalty lands on the prior", last, 0);

    /* Separation: am predicted perfectly by a threshold on a made-up column. */
    double xs[3 * ROWS];
    memcpy(xs, x, sizeof xs);
    for (int i = 0; i < ROWS; i++)
        xs[3 * i + 2] = y[i] > 0.5 ? 1.0 + 0.01 * i : -1.0 - 0.01 * i;
    struct tr_logit_data ds = {hi - lo, 3, xs + 3 * lo, y + lo, NULL};
    struct tr_logit_fit sf;
    tr_logit(&ctx, &ds, &o, &sf);
    check(ctx.rank, sf.problem[0] != 0, "separation is named", 0, 1);
    /* A column equal to another: singular. */
    double xd[3 * ROWS];
    memcpy(xd, x, sizeof xd);
    for (int i = 0; i < ROWS; i++)
        xd[3 * i + 2] = xd[3 * i + 1];
    struct tr_logit_data dd = {hi - lo, 3, xd + 3 * lo, y + lo, NULL};
    struct tr_logit_fit df;
    check(ctx.rank, tr_logit(&ctx, &dd, &o, &df) == 1 && strstr(df.problem, "singular"),
          "singular is named", 0, 1);
    /* 20,011 rows: many blocks, some straddling ranks; the bits must not depend on the split. */
    enum { BIG = 20011 };
    double *xb = malloc(sizeof(double) * 3 * BIG), *yb = malloc(sizeof(double) * BIG);
    for (int i = 0; i < BIG; i++) {
        double u = tr_unit(tr_mix64((uint64_t)i)), v = tr_unit(tr_mix64((uint64_t)i + BIG));
        xb[3 * i] = 1, xb[3 * i + 1] = 4 * u - 2, xb[3 * i + 2] = v * v;
        yb[i] = tr_unit(tr_mix64((uint64_t)i + 2 * BIG)) <
                1 / (1 + exp(-(0.5 + 1.5 * xb[3 * i + 1] - xb[3 * i + 2])));
    }
    size_t blo = (size_t)BIG * (size_t)ctx.rank / (size_t)ctx.size,
           bhi = (size_t)BIG * (size_t)(ctx.rank + 1) / (size_t)ctx.size;
    struct tr_logit_data db = {bhi - blo, 3, xb + 3 * blo, yb + blo, NULL};
    struct tr_logit_fit bf;
    tr_logit(&ctx, &db, &o, &bf);
    check(ctx.rank, bf.converged && fabs(bf.beta[1] - 1.5) < 0.1, "recovers the slope", bf.beta[1],
          1.5);
    if (ctx.rank == 0)
        printf("bits %a %a %a %a\n", bf.beta[0], bf.beta[1], bf.beta[2], bf.deviance);
    tr_logit_fit_free(&bf);
    free(xb);
    free(yb);
    if (ctx.rank == 0)
        printf("logit_ranks: %d ranks: %s (R: %s)\n", ctx.size, failures ? "FAILED" : "ok",
               argv[1]);
    tr_logit_fit_free(&fit);
    tr_logit_fit_free(&sf);
    tr_logit_fit_free(&df);
    MPI_Finalize();
    return failures ? 1 : 0;
}
