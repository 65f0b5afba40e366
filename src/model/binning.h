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

#define TR_MAX_PREBINS 64 /* model.prebins at most */
#define TR_MAX_SPECIAL 8  /* model.special: values per feature */
/* numeric bins, then the missing bin, then one bin per special value */
#define TR_MAX_BINS (TR_MAX_PREBINS + 1 + TR_MAX_SPECIAL)

/* model.trend's words (config/feature_lists.h): the default rate must rise or fall with the
 * value, either (the direction that keeps more information value), or no constraint. */
enum { TR_TREND_DESCENDING = -1, TR_TREND_AUTO = 0, TR_TREND_ASCENDING = 1, TR_TREND_NONE = 2 };

/* One feature's bins. Numeric bin b holds lower[b] <= x < lower[b + 1] (lower[0] = -inf, the
 * last bin is open above); bin n_numeric holds the missing values (NaN); bin n_numeric + 1 + s
 * holds the value special[s] exactly (model.special: kept apart, never merged). Counts, WoE and
 * population run over all tr_bins_count(b) bins. */
struct tr_bins {
    int n_numeric;
    double lower[TR_MAX_BINS];       /* [n_numeric] */
    int64_t count[TR_MAX_BINS];      /* training rows */
    int64_t defaults[TR_MAX_BINS];   /* of which defaulted */
    int64_t population[TR_MAX_BINS]; /* all subscribers: the reference of PSI */
    double woe[TR_MAX_BINS];
    double iv;
    /* +1 the default rate rises with the value over the numeric bins, -1 falls, 0 neither (a
     * single bin, or bins not constrained: model.trend none or model.bins) */
    int trend;
    int n_special;
    double special[TR_MAX_SPECIAL];
};

/* 1 when x is one of b's special values. */
static inline int tr_bins_special(const struct tr_bins *b, double x)
{
    for (int s = 0; s < b->n_special; s++)
        if (x == b->special[s]) return 1;
    return 0;
}

/* All bins: numeric, missing, special. */
static inline int tr_bins_count(const struct tr_bins *b)
{
    return b->n_numeric + 1 + b->n_special;
}

/* The pre-bins' lower bounds from a sample of values (NaN ignored; sorted in place): up to
 * n_prebins quantile cuts, duplicates dropped. Returns the number of pre-bins (>= 1). */
int tr_prebins(double *sample, size_t n, int n_prebins, double lower[TR_MAX_BINS]);

/* Bin of x: a special value's bin, n_numeric for NaN, else a binary search of
 * lower[0..n_numeric). */
int tr_bin_of(const struct tr_bins *b, double x);

/* From the pre-bins' counts (b->lower, count, defaults, population filled, n_numeric pre-bins),
 * merges adjacent numeric bins into a monotonic trend with at least min_share of the training
 * rows each, then sets woe, iv and trend. trend: TR_TREND_ASCENDING the default rate must rise
 * with the value, DESCENDING fall, AUTO whichever keeps more information value (ties: rising),
 * NONE no monotonic merge (the minimum share still holds). The missing and special bins are never
 * merged. */
void tr_bins_merge(struct tr_bins *b, double min_share, int trend);

/* Bins taken as they are (model.bins): woe, iv and the trend the rates show, no merging. */
void tr_bins_keep(struct tr_bins *b);

/* WoE of a bin from its counts and the totals (the formula above). */
double tr_woe(int64_t count, int64_t defaults, int64_t total, int64_t total_defaults);

#endif
