#include "core/exact.h"

#include "core/error.h"

#include <math.h>

void tr_exact_add(tr_exact *sum, double x)
{
    if (!isfinite(x) || fabs(x) >= 0x1p62)
        TR_DIE(TR_EXIT_INTERNAL, "exact sum: addend %g out of range (|x| < 2^62)", x);
    /* x * 2^60 is exact in binary; rounding to an integer is the only rounding. The high part
     * (|x| >= 2^3) is split off so nearbyint works within the 53-bit mantissa range. */
    double scaled_hi = trunc(ldexp(x, -3)); /* integer part of x / 8 */
    double low = x - ldexp(scaled_hi, 3);   /* |low| < 8, exact */
    __int128 hi = (__int128)(int64_t)scaled_hi * ((__int128)1 << (TR_EXACT_FRACTION_BITS + 3));
    __int128 lo = (__int128)llrint(ldexp(low, TR_EXACT_FRACTION_BITS)); /* |.| < 2^63 */
    sum->fixed += hi + lo;
}

double tr_exact_value(const tr_exact *sum)
{
    /* Two 64-bit halves, each scaled; the same integer always gives the same double, within a
     * unit in the last place of the exact value. */
    __int128 v = sum->fixed;
    int negative = v < 0;
    unsigned __int128 mag = negative ? -(unsigned __int128)v : (unsigned __int128)v;
    double high = ldexp((double)(uint64_t)(mag >> 64), 64 - TR_EXACT_FRACTION_BITS);
    double low = ldexp((double)(uint64_t)mag, -TR_EXACT_FRACTION_BITS);
    double r = high + low;
    return negative ? -r : r;
}

static void add_op(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    const tr_exact *a = in;
    tr_exact *b = inout;
    for (int k = 0; k < *len; k++)
        b[k].fixed += a[k].fixed;
}

void tr_exact_allreduce(const struct tr_ctx *ctx, tr_exact *sums, size_t n)
{
    static MPI_Datatype type = MPI_DATATYPE_NULL;
    static MPI_Op op = MPI_OP_NULL;
    if (type == MPI_DATATYPE_NULL) {
        MPI_CHECK(MPI_Type_contiguous((int)sizeof(tr_exact), MPI_BYTE, &type));
        MPI_CHECK(MPI_Type_commit(&type));
        MPI_CHECK(MPI_Op_create(add_op, 1, &op));
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, sums, (int)n, type, op, ctx->comm));
}
