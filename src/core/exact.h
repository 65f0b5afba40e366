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

#endif
