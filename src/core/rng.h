/* Keyed random streams. Every stream is named by what it is for (a subscriber, an edge of the
 * contact graph, a block, a Monte Carlo path), never by the rank that happens to draw it, so
 * results do not depend on how the work is split. tr_rng_type plugs a xoshiro256** generator,
 * seeded from a 64-bit key in a few instructions, into GSL so GSL's distributions can use it. */
#ifndef TELRISK_CORE_RNG_H
#define TELRISK_CORE_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* SplitMix64's finaliser: a bijective 64-bit mix. */
static inline uint64_t tr_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A key from a seed and up to three identifiers (purpose, object, sub-object). */
static inline uint64_t tr_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    return tr_mix64(tr_mix64(tr_mix64(seed ^ tr_mix64(a)) ^ b) ^
                    tr_mix64(c + 0x632be59bd9b4e019ULL));
}

/* A uniform double in [0, 1) from the top 53 bits of a hash. */
static inline double tr_unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1.0p-53;
}

/* One step of xoshiro256** (Blackman & Vigna) on state s; exposed for its test vectors. */
uint64_t tr_xoshiro_next(uint64_t s[4]);

extern const gsl_rng_type *tr_rng_type;

/* A generator of tr_rng_type; restart it on any key with gsl_rng_set(r, key). */
gsl_rng *tr_rng_alloc(void);

#endif
