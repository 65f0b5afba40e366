#include "model/binning.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
    const double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

int tr_prebins(double *sample, size_t n, int n_prebins, double lower[TR_MAX_BINS])
{
    size_t m = 0; /* the non-missing values, sorted */
    for (size_t i = 0; i < n; i++)
        if (!isnan(sample[i])) sample[m++] = sample[i];
    qsort(sample, m, sizeof *sample, cmp_double);
    int k = 0;
    lower[k++] = -INFINITY;
    if (n_prebins > TR_MAX_PREBINS) n_prebins = TR_MAX_PREBINS;
    for (int j = 1; j < n_prebins && m > 0; j++) {
        const double cut = sample[(size_t)((double)j * (double)m / (double)n_prebins)];
        /* A cut at the smallest value would leave the first bin empty. */
        if (cut > lower[k - 1] && cut > sample[0]) lower[k++] = cut;
    }
    return k;
}

int tr_bin_of(const struct tr_bins *b, double x)
{
    if (isnan(x)) return b->n_numeric;
    for (int s = 0; s < b->n_special; s++)
        if (x == b->special[s]) return b->n_numeric + 1 + s;
    int lo = 0, hi = b->n_numeric - 1; /* the last bin whose lower bound is <= x */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (b->lower[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

double tr_woe(int64_t count, int64_t defaults, int64_t total, int64_t total_defaults)
{
    const double good = (double)(count - defaults) + 0.5, bad = (double)defaults + 0.5;
    return log(good / ((double)(total - total_defaults) + 0.5)) -
           log(bad / ((double)total_defaults + 0.5));
}

/* Bin b absorbs bin b + 1. */
static void merge_next(struct tr_bins *b, int at)
{
    b->count[at] += b->count[at + 1];
    b->defaults[at] += b->defaults[at + 1];
    b->population[at] += b->population[at + 1];
    const int tail = b->n_numeric - at - 2; /* numeric bins after at + 1 */
    memmove(&b->lower[at + 1], &b->lower[at + 2], sizeof(double) * (size_t)tail);
    /* The counts move with the missing and special bins, which follow the numeric ones. */
    const size_t moved = (size_t)(tail + 1 + b->n_special);
    memmove(&b->count[at + 1], &b->count[at + 2], sizeof(int64_t) * moved);
    memmove(&b->defaults[at + 1], &b->defaults[at + 2], sizeof(int64_t) * moved);
    memmove(&b->population[at + 1], &b->population[at + 2], sizeof(int64_t) * moved);
    b->n_numeric--;
}

/* sign of rate(a) - rate(b), exactly. */
static int rate_cmp(const struct tr_bins *b, int a, int c)
{
    const __int128 l = (__int128)b->defaults[a] * b->count[c],
                   r = (__int128)b->defaults[c] * b->count[a];
    return l < r ? -1 : l > r;
}

/* Pool adjacent violators: merge neighbours until the rate never moves against the trend. */
static void make_monotonic(struct tr_bins *b, int trend)
{
    for (int at = 0; at + 1 < b->n_numeric;) {
        if (rate_cmp(b, at + 1, at) * trend < 0) {
            merge_next(b, at);
            if (at > 0) at--; /* the pooled bin may now violate with the one before */
        } else {
            at++;
        }
    }
}

/* Merge bins under the minimum size into the neighbour whose rate is closer (merging neighbours
 * of a monotonic sequence keeps it monotonic). Empty bins go first. */
static void enforce_min_size(struct tr_bins *b, int64_t min_count)
{
    while (b->n_numeric > 1) {
        int small = -1;
        for (int i = 0; i < b->n_numeric; i++)
            if (b->count[i] < min_count && (small < 0 || b->count[i] < b->count[small])) small = i;
        if (small < 0) return;
        int with_next;
        if (small == 0)
            with_next = 1;
        else if (small == b->n_numeric - 1)
            with_next = 0;
        else {
            const double r = (double)b->defaults[small] / fmax(1, (double)b->count[small]);
            const double rp = (double)b->defaults[small - 1] / fmax(1, (double)b->count[small - 1]);
            const double rn = (double)b->defaults[small + 1] / fmax(1, (double)b->count[small + 1]);
            with_next = fabs(rn - r) < fabs(rp - r);
        }
        merge_next(b, with_next ? small : small - 1);
    }
}

static void set_woe(struct tr_bins *b)
{
    int64_t total = 0, bad = 0;
    const int all = tr_bins_count(b);
    for (int i = 0; i < all; i++)
        total += b->count[i], bad += b->defaults[i];
    b->iv = 0;
    for (int i = 0; i < all; i++) {
        if (b->count[i] == 0) {
            b->woe[i] = 0; /* nothing learnt: neutral */
            continue;
        }
        b->woe[i] = tr_woe(b->count[i], b->defaults[i], total, bad);
        const double good_share =
            ((double)(b->count[i] - b->defaults[i]) + 0.5) / ((double)(total - bad) + 0.5);
        const double bad_share = ((double)b->defaults[i] + 0.5) / ((double)bad + 0.5);
        b->iv += (good_share - bad_share) * b->woe[i];
    }
}

/* The direction the numeric bins' default rates take (empty bins aside): +1 never falling, -1
 * never rising (+1 when both), 0 neither or a single bin. */
static int observed_trend(const struct tr_bins *b)
{
    int up = 1, down = 1, prev = -1, seen = 0;
    for (int i = 0; i < b->n_numeric; i++) {
        if (b->count[i] == 0) continue;
        if (prev >= 0) up &= rate_cmp(b, i, prev) >= 0, down &= rate_cmp(b, i, prev) <= 0;
        prev = i, seen++;
    }
    return b->n_numeric < 2 || seen < 2 ? 0 : up ? 1 : down ? -1 : 0;
}

void tr_bins_keep(struct tr_bins *b)
{
    set_woe(b);
    b->trend = observed_trend(b);
}

void tr_bins_merge(struct tr_bins *b, double min_share, int want)
{
    int64_t total = 0; /* the share is of all training rows, missing and special too */
    for (int i = 0; i < tr_bins_count(b); i++)
        total += b->count[i];
    const int64_t min_count = (int64_t)ceil(min_share * (double)total);
    if (want == TR_TREND_NONE) {
        enforce_min_size(b, 1);
        enforce_min_size(b, min_count);
        tr_bins_keep(b);
        return;
    }
    struct tr_bins best = *b;
    int have = 0;
    for (int trend = 1; trend >= -1; trend -= 2) {
        if (want && trend != want) continue;
        struct tr_bins t = *b;
        enforce_min_size(&t, 1); /* empty pre-bins first: they have no rate */
        make_monotonic(&t, trend);
        enforce_min_size(&t, min_count);
        set_woe(&t);
        t.trend = t.n_numeric > 1 ? trend : 0;
        if (!have || t.iv > best.iv) best = t, have = 1;
    }
    *b = best;
}
