/* Basel IRB risk weights (Basel II/III, CRR art. 153-154): the asset correlation of an exposure
 * class, the capital requirement K per unit of exposure at the 99.9% quantile of the one-factor
 * Vasicek model, and the risk weight 12.5 K (times 1.06 where the scaling factor applies). A
 * validator's calculator: `telrisk irb`. */
#ifndef TELRISK_STRESS_IRB_H
#define TELRISK_STRESS_IRB_H

enum tr_irb_class {
    TR_IRB_OTHER_RETAIL, /* microloans */
    TR_IRB_QRRE,         /* qualifying revolving retail */
    TR_IRB_MORTGAGE,     /* residential mortgage */
    TR_IRB_CORPORATE,    /* with the maturity adjustment */
    TR_IRB_CLASSES
};
extern const char *const tr_irb_class_names[TR_IRB_CLASSES]; /* "other_retail", ... */

/* The class named by text, or -1. */
int tr_irb_class_of(const char *name);

struct tr_irb {
    double r;           /* asset correlation */
    double b;           /* maturity adjustment's b (corporate), else 0 */
    double k;           /* capital per unit of EAD */
    double risk_weight; /* 12.5 K x scaling */
    double el;          /* expected loss per unit of EAD: PD x LGD */
};

/* pd and lgd in (0, 1); maturity in years (corporate only; clamped to 1-5 as the rules say);
 * scaling 1 or 1.06. */
struct tr_irb tr_irb_weight(enum tr_irb_class c, double pd, double lgd, double maturity,
                            double scaling);

/* Vasicek's conditional PD given the systematic factor z (z < 0 is a downturn):
 * N((G(pd) - sqrt(r) z) / sqrt(1 - r)). At z = -G(0.999) it is the PD that IRB capital covers. */
double tr_vasicek_pd(double pd, double r, double z);

#endif
