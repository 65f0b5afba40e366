/* Binning of one feature for a scorecard (as in optbinning and the scorecard literature): quantile
 * pre-bins, merged into bins whose default rate rises or falls monotonically with the value
 * (whichever direction keeps more information value), each holding at least a minimum share of the
 * training rows, plus a bin for missing values. Each bin's weight of evidence is
 *   WoE = ln( (repaid in bin + 0.5) / (repaid + 0.5) ) - ln( (defaults in bin + 0.5) / (defaults +
 * 0.5) ), so a higher WoE means a safer bin, and the information value is IV = sum over bins of
 * (repaid share - default share) * WoE. The counts are whole numbers summed over ranks, so the bins
 * are the same at any rank count. */
#ifndef TELRISK_MODEL_BINNING_H
#define TELRISK_MODEL_BINNING_H

#include <stddef.h>
#include <stdint.h>

#define TR_MAX_PREBINS 64                   /* model.prebins at most */
#define TR_MAX_BINS    (TR_MAX_PREBINS + 1) /* numeric bins, then the missing bin */

/* One feature's bins. Numeric bin b holds lower[b] <= x < lower[b + 1] (lower[0] = -inf, the
 * last bin is open above); bin n_numeric holds the missing values (NaN). */
struct tr_bins {
    int n_numeric;
    double lower[TR_MAX_BINS];       /* [n_numeric] */
    int64_t count[TR_MAX_BINS];      /* [n_numeric + 1] training rows */
    int64_t defaults[TR_MAX_BINS];   /* [n_numeric + 1] of which defaulted */
    int64_t population[TR_MAX_BINS]; /* [n_numeric + 1] all subscribers: the reference of PSI */
    double woe[TR_MAX_BINS];         /* [n_numeric + 1] */
    double iv;
    int trend; /* +1 the default rate rises with the value, -1 falls, 0 a single bin */
};

/* The pre-bins' lower bounds from a sample of values (NaN ignored; sorted in place): up to
 * n_prebins quantile cuts, duplicates dropped. Returns the number of pre-bins (>= 1). */
int tr_prebins(double *sample, size_t n, int n_prebins, double lower[TR_MAX_BINS]);

/* Bin of x: binary search of lower[0..n_numeric); n_numeric for NaN. */
int tr_bin_of(const struct tr_bins *b, double x);

/* From the pre-bins' counts (b->lower, count, defaults, population filled, n_numeric pre-bins),
 * merges adjacent bins into a monotonic trend with at least min_share of the training rows each,
 * then sets woe, iv and trend. trend: +1 the default rate must rise with the value, -1 fall, 0
 * whichever keeps more information value (ties: rising). */
void tr_bins_merge(struct tr_bins *b, double min_share, int trend);

/* WoE of a bin from its counts and the totals (the formula above). */
double tr_woe(int64_t count, int64_t defaults, int64_t total, int64_t total_defaults);

#endif
