#include "model/psi.h"

#include <math.h>

double tr_psi(const int64_t *reference, const int64_t *now, int bins)
{
    double ref_total = 0, now_total = 0, psi = 0;
    for (int b = 0; b < bins; b++)
        ref_total += (double)reference[b], now_total += (double)now[b];
    if (ref_total == 0 || now_total == 0) return NAN;
    for (int b = 0; b < bins; b++) {
        const double r = fmax((double)reference[b] / ref_total, 1e-4);
        const double n = fmax((double)now[b] / now_total, 1e-4);
        psi += (n - r) * log(n / r);
    }
    return psi;
}

double tr_psi_pooled(const int64_t *reference, const int64_t *now, int bins, int64_t ref_total)
{
    int64_t ref[TR_PSI_MAX_BINS + 1], cur[TR_PSI_MAX_BINS + 1], published = 0, pooled_now = 0;
    int n = 0, hidden = 0;
    for (int b = 0; b < bins && b < TR_PSI_MAX_BINS; b++) {
        if (reference[b] < 0) {
            hidden = 1, pooled_now += now[b];
            continue;
        }
        ref[n] = reference[b], cur[n++] = now[b];
        published += reference[b];
    }
    /* The hidden bins' reference together is what the published ones leave of the total. */
    if (hidden) ref[n] = ref_total - published, cur[n++] = pooled_now;
    return tr_psi(ref, cur, n);
}

const char *tr_psi_band(double psi)
{
    if (isnan(psi)) return "undefined"; /* no reference population */
    return psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "significant";
}
