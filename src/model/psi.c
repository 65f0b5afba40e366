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

const char *tr_psi_band(double psi)
{
    if (isnan(psi)) return "undefined"; /* no reference population */
    return psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "significant";
}
