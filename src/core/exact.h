/* Exact, order-independent sums of doubles: each addend is rounded once to a fixed-point number
 * with 60 fractional bits held in a 128-bit integer, and integers add exactly in any order. So a
 * sum over ranks is bit-identical whatever the rank count and the reduction order
 * (docs/architecture.md, "Reproducibility"). Range: |addend| < 2^62, |sum| < 2^66; resolution 2^-60
 * (about 8.7e-19). */
#ifndef TELRISK_CORE_EXACT_H
#define TELRISK_CORE_EXACT_H

#include "core/log.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    __int128 fixed; /* value x 2^60 */
} tr_exact;

#define TR_EXACT_FRACTION_BITS 60

/* Adds x (rounded to the nearest multiple of 2^-60). Ends the job on a non-finite or too large x.
 */
void tr_exact_add(tr_exact *sum, double x);
/* The sum as a double (deterministic: the same sum always gives the same bits). */
double tr_exact_value(const tr_exact *sum);
/* Collective: element-wise sum of n accumulators over the communicator, in place. */
void tr_exact_allreduce(const struct tr_ctx *ctx, tr_exact *sums, size_t n);

/* An exact sum of integers (cents) kept in two int64 words that add word by word, so that a struct
 * of such sums may still be summed over ranks as int64 words (MPI_SUM) or added word by word: an
 * addend v is split into v >> 24 and its low 24 bits, each word's sum is held exactly, and the
 * total is hi * 2^24 + lo in 128 bits. Range: |addend| < 2^62; 2^39 addends of up to 2^47 (10^12
 * currency units in cents) before a word could overflow, where one int64 of cents overflows after
 * 92,000 of them. */
typedef struct {
    int64_t hi, lo;
} tr_isum;

static inline void tr_isum_add(tr_isum *s, int64_t v)
{
    s->hi += v >> 24; /* floor: v = hi * 2^24 + lo with 0 <= lo < 2^24, negatives included */
    s->lo += v & 0xFFFFFF;
}
static inline __int128 tr_isum_value(const tr_isum *s)
{
    return (__int128)s->hi * (1 << 24) + s->lo;
}
/* The sum of cents in currency units, as a double: the nearest one while the cents fit a double's
 * 53 bits (as the cents' int64 gave before), within an ulp beyond. */
static inline double tr_isum_units(const tr_isum *s)
{
    return (double)tr_isum_value(s) / 100;
}

#endif
