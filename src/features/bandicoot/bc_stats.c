/* Statistics as bandicoot computes them (helper/maths.py): plain sums in list order, population
 * moments around that mean (0 for n <= 1), Pearson's kurtosis m4/m2^2 and skewness m3/m2^1.5
 * (0 when m2 is 0), the median as the mean of the two middle values. Keeping its order of
 * operations keeps the "variance is exactly 0" cases the same as bandicoot's. */
#include "features/bandicoot/bc_internal.h"

#include <math.h>
#include <stdlib.h>

double bc_mean(const double *v, size_t n)
{
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += v[k];
    return sum / (double)n;
}

double bc_moment(const double *v, size_t n, double mean, int k)
{
    if (n <= 1) return 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double d = v[i] - mean, p = d * d;
        sum += k == 2 ? p : k == 3 ? p * d : p * p;
    }
    return sum / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void bc_sort(double *v, size_t n)
{
    if (n > 24) {
        qsort(v, n, sizeof *v, cmp_double);
        return;
    }
    for (size_t i = 1; i < n; i++) { /* short lists: insertion sort beats qsort's calls */
        double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* bandicoot sorts before summing; the default summary (mean, std) skips the sort, which only
 * changes the last bits of a sum, never whether the variance is 0 (that needs equal values). */
void bc_summary(double *v, size_t n, int extended, double *out)
{
    if (n == 0) {
        for (int s = 0; s < BC_N_STATS; s++)
            out[s] = NAN;
        return;
    }
    if (extended) bc_sort(v, n);
    double mean = bc_mean(v, n);
    double m2 = bc_moment(v, n, mean, 2);
    out[BC_MEAN] = mean;
    out[BC_STD] = sqrt(m2);
    if (!extended) return;
    out[BC_MEDIAN] = (v[n / 2] + v[(n - 1) / 2]) / 2.0;
    out[BC_MIN] = v[0];
    out[BC_MAX] = v[n - 1];
    double m3 = bc_moment(v, n, mean, 3), m4 = bc_moment(v, n, mean, 4);
    double k_den = m2 * m2, s_den = pow(m2, 1.5);
    out[BC_KURTOSIS] = k_den != 0 ? m4 / k_den : 0;
    out[BC_SKEWNESS] = s_den != 0 ? m3 / s_den : 0;
}

static int cmp_i64_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x > y ? -1 : x < y;
}

/* bandicoot pops contacts from the largest count down until the target is reached; ties do not
 * change how many it pops. */
size_t bc_pareto_count(int64_t *counts, size_t n, int64_t target)
{
    if (n > 24) {
        qsort(counts, n, sizeof *counts, cmp_i64_desc);
    } else {
        for (size_t i = 1; i < n; i++) {
            int64_t x = counts[i];
            size_t j = i;
            for (; j > 0 && counts[j - 1] < x; j--)
                counts[j] = counts[j - 1];
            counts[j] = x;
        }
    }
    size_t k = 0;
    while (target > 0 && k < n)
        target -= counts[k++];
    return k;
}

double bc_entropy(const int32_t *count, const int32_t *ids, size_t n, int64_t total)
{
    if (n == 0) return NAN;
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        double p = (double)count[ids[k]] / (double)total;
        sum += p * log(p);
    }
    return -sum;
}
