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

/* The hold-out draw (model.holdout_salt, model.holdout): SipHash of the raw id keyed by the salt
 * alone, not by the privacy key, so that rotating privacy.key_file keeps every subscriber in its
 * sample and the models the same. The salt is no secret and a phone number has about 10^9
 * values: whoever has the salt could reverse such a hash by trying them all. So only its one bit
 * (hold-out or not) is kept, at ingest where the id is at hand; the hash itself is never stored. */
struct tr_holdout_draw {
    unsigned char key[crypto_shorthash_KEYBYTES];
    double share;
};
void tr_holdout_draw_init(struct tr_holdout_draw *d, const char *salt, double share);
/* A value that tells draws apart (salt and share), and nothing about any id: columnar inputs
 * carry the draw of their conversion and a run with another refuses them. */
uint64_t tr_holdout_check(const struct tr_holdout_draw *d);

static inline uint64_t tr_keyhash(const struct tr_keyhash *kh, const char *id, size_t n)
{
    return tr_keyhash_bytes(kh->key, id, n);
}

static inline uint64_t tr_keyhash_fingerprint(const struct tr_keyhash *kh, const char *id, size_t n)
{
    return tr_keyhash_bytes(kh->fingerprint_key, id, n);
}

/* 1 for the hold-out share of ids: the draw's hash as a uniform number in [0, 1), below it. */
static inline int tr_holdout_drawn(const struct tr_holdout_draw *d, const char *id, size_t n)
{
    return (double)(tr_keyhash_bytes(d->key, id, n) >> 11) * 0x1.0p-53 < d->share;
}

#endif
