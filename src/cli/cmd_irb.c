/* telrisk irb: the Basel IRB risk weight of one exposure, for a validator to check figures by
 * hand (stress/irb.h). Rank 0 prints; nothing is read or written. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "stress/irb.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A number in (lo, hi] (or [lo, hi] when closed), else an error naming the option. */
static int number(const char *text, const char *option, double lo, double hi, int closed,
                  double *out, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    *out = text ? strtod(text, &end) : NAN;
    if (!text || end == text || *end || errno || !isfinite(*out) || *out > hi ||
        (closed ? *out < lo : *out <= lo)) {
        snprintf(err, errlen, "irb: %s '%s': expected a number in %c%g, %g]", option,
                 text ? text : "", closed ? '[' : '(', lo, hi);
        return 1;
    }
    return 0;
}

int tr_cmd_irb(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    char err[256] = "";
    double pd, lgd, maturity = 2.5;
    const int cls = tr_irb_class_of(args->exposure_class);
    rc = number(args->pd, "--pd", 0, 1, 0, &pd, err, sizeof err) ||
         number(args->lgd, "--lgd", 0, 1, 0, &lgd, err, sizeof err) ||
         (args->maturity &&
          number(args->maturity, "--maturity", 0, 30, 0, &maturity, err, sizeof err));
    if (!rc && pd >= 1) snprintf(err, sizeof err, "irb: --pd must be under 1"), rc = 1;
    if (!rc && cls < 0)
        snprintf(err, sizeof err,
                 "irb: --class '%s': expected other_retail, qrre, mortgage or corporate",
                 args->exposure_class),
            rc = 1;
    if (rc) {
        if (ctx->rank == 0) fprintf(ctx->msg, "telrisk: %s\n", err);
        return TR_EXIT_USAGE;
    }
    const struct tr_irb w =
        tr_irb_weight((enum tr_irb_class)cls, pd, lgd, maturity, cfg.stress.scaling);
    if (ctx->rank == 0) {
        printf("class        %s\n", tr_irb_class_names[cls]);
        printf("pd           %.10g\nlgd          %.10g\n", pd, lgd);
        if (cls == TR_IRB_CORPORATE)
            printf("maturity     %.10g years (b = %.10f)\n", maturity, w.b);
        printf("scaling      %.10g\n", cfg.stress.scaling);
        printf("correlation  %.10f\n", w.r);
        printf("capital K    %.10f  (per unit of EAD)\n", w.k);
        printf("risk weight  %.10f  (%.2f%%; RWA = risk weight x EAD)\n", w.risk_weight,
               100 * w.risk_weight);
        printf("expected loss %.10f  (PD x LGD, per unit of EAD)\n", w.el);
        fflush(stdout);
    }
    return TR_EXIT_OK;
}
