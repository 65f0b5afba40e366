/* Searching a sorted array of keys (subscriber keys, in every rank's rows). */
#ifndef TELRISK_CORE_KEYS_H
#define TELRISK_CORE_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* The first index i of key[0..n) (increasing) with key[i] >= k; n when none. */
static inline size_t tr_lower_bound_u64(const uint64_t *key, size_t n, uint64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (key[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The row of k in key[0..n) (increasing), or -1. */
static inline long tr_row_of_key(const uint64_t *key, size_t n, uint64_t k)
{
    const size_t at = tr_lower_bound_u64(key, n, k);
    return at < n && key[at] == k ? (long)at : -1;
}

#endif
