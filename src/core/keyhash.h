/* Pseudonymous subscriber keys: SipHash-2-4 (libsodium's crypto_shorthash) of the raw id with
 * the run's secret key. The raw id never leaves ingest. A second, independently keyed hash is a
 * fingerprint that tells two ids apart when their keys collide. */
#ifndef TELRISK_CORE_KEYHASH_H
#define TELRISK_CORE_KEYHASH_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

struct tr_keyhash {
    unsigned char key[crypto_shorthash_KEYBYTES];
    unsigned char fingerprint_key[crypto_shorthash_KEYBYTES];
    int from_file; /* 0: derived from the seed (not secret: demos and tests) */
};

/* The key from key_file (privacy.key_file: 32 hex digits), else (NULL or empty) derived from the
 * seed (run.seed). 0 = ok; else err says why (unreadable file, wrong format). */
int tr_keyhash_init(struct tr_keyhash *kh, const char *key_file, uint64_t seed, char *err,
                    size_t errlen);

static inline uint64_t tr_keyhash_bytes(const unsigned char *key, const char *id, size_t n)
{
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)id, n, key);
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = (v << 8) | out[k]; /* little-endian, as SipHash defines */
    return v;
}

static inline uint64_t tr_keyhash(const struct tr_keyhash *kh, const char *id, size_t n)
{
    return tr_keyhash_bytes(kh->key, id, n);
}

static inline uint64_t tr_keyhash_fingerprint(const struct tr_keyhash *kh, const char *id, size_t n)
{
    return tr_keyhash_bytes(kh->fingerprint_key, id, n);
}

#endif
