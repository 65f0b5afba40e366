#include "core/rng.h"

#include "core/error.h"

struct xoshiro_state {
    uint64_t s[4];
};

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t tr_xoshiro_next(uint64_t s[4])
{
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xo_set(void *vstate, unsigned long key)
{
    struct xoshiro_state *st = vstate;
    uint64_t x = (uint64_t)key;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        st->s[i] = tr_mix64(x);
    }
}

static unsigned long xo_get(void *vstate)
{
    return (unsigned long)(tr_xoshiro_next(((struct xoshiro_state *)vstate)->s) >> 32);
}

static double xo_get_double(void *vstate)
{
    return (double)(tr_xoshiro_next(((struct xoshiro_state *)vstate)->s) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "telrisk_xoshiro256ss", 0xffffffffUL, 0, sizeof(struct xoshiro_state), xo_set, xo_get,
    xo_get_double,
};

const gsl_rng_type *tr_rng_type = &xoshiro_type;

gsl_rng *tr_rng_alloc(void)
{
    gsl_rng *r = gsl_rng_alloc(tr_rng_type);
    if (!r) TR_DIE(TR_EXIT_INTERNAL, "out of memory allocating a random stream");
    return r;
}
