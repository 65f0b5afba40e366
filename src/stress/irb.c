#include "stress/irb.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

const char *const tr_irb_class_names[TR_IRB_CLASSES] = {
    [TR_IRB_OTHER_RETAIL] = "other_retail",
    [TR_IRB_QRRE] = "qrre",
    [TR_IRB_MORTGAGE] = "mortgage",
    [TR_IRB_CORPORATE] = "corporate",
};

int tr_irb_class_of(const char *name)
{
    for (int c = 0; c < TR_IRB_CLASSES; c++)
        if (strcmp(name, tr_irb_class_names[c]) == 0) return c;
    return -1;
}

/* Interpolates between the correlation at PD 0 (high) and at high PDs (low) with the
 * exponential weight of the rules: w = (1 - e^(-k PD)) / (1 - e^(-k)). */
static double interpolated(double pd, double k, double low, double high)
{
    const double w = (1 - exp(-k * pd)) / (1 - exp(-k));
    return low * w + high * (1 - w);
}

double tr_vasicek_pd(double pd, double r, double z)
{
    return gsl_cdf_ugaussian_P((gsl_cdf_ugaussian_Pinv(pd) - sqrt(r) * z) / sqrt(1 - r));
}

struct tr_irb tr_irb_weight(enum tr_irb_class c, double pd, double lgd, double maturity,
                            double scaling)
{
    struct tr_irb w = {0};
    switch (c) {
    case TR_IRB_OTHER_RETAIL:
        w.r = interpolated(pd, 35, 0.03, 0.16);
        break;
    case TR_IRB_QRRE:
        w.r = 0.04;
        break;
    case TR_IRB_MORTGAGE:
        w.r = 0.15;
        break;
    case TR_IRB_CORPORATE:
    default:
        w.r = interpolated(pd, 50, 0.12, 0.24);
        w.b = pow(0.11852 - 0.05478 * log(pd), 2);
        break;
    }
    /* The loss rate at the 99.9% quantile of the systematic factor, less the expected loss. */
    const double stressed = tr_vasicek_pd(pd, w.r, -gsl_cdf_ugaussian_Pinv(0.999));
    w.k = lgd * stressed - pd * lgd;
    if (c == TR_IRB_CORPORATE) {
        const double m = maturity < 1 ? 1 : maturity > 5 ? 5 : maturity;
        w.k *= (1 + (m - 2.5) * w.b) / (1 - 1.5 * w.b);
    }
    w.risk_weight = 12.5 * w.k * scaling;
    w.el = pd * lgd;
    return w;
}
