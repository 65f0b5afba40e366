#include "core/keyhash.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_key_file(const char *path, unsigned char key[crypto_shorthash_KEYBYTES], char *err,
                         size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "privacy.key_file %s: %s", path, strerror(errno));
        return 1;
    }
    /* The secret that keeps phone numbers out of the outputs: a file anyone on the machine may
     * read or change is refused (its owner and group only). */
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || (st.st_mode & S_IRWXO)) {
        snprintf(err, errlen,
                 "privacy.key_file %s: readable or writable by others (mode %04o): make it "
                 "private (chmod 600)",
                 path, (unsigned)(st.st_mode & 07777));
        fclose(f);
        return 1;
    }
    char line[128] = "";
    int ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    size_t n = strcspn(line, "\r\n");
    if (!ok || n != 2 * crypto_shorthash_KEYBYTES) {
        snprintf(err, errlen, "privacy.key_file %s: expected %d hex digits on its first line", path,
                 2 * crypto_shorthash_KEYBYTES);
        return 1;
    }
    for (size_t k = 0; k < crypto_shorthash_KEYBYTES; k++) {
        int hi = hex_value(line[2 * k]), lo = hex_value(line[2 * k + 1]);
        if (hi < 0 || lo < 0) {
            snprintf(err, errlen, "privacy.key_file %s: not a hex digit at column %zu", path,
                     2 * k + (hi >= 0) + 1);
            return 1;
        }
        key[k] = (unsigned char)(hi * 16 + lo);
    }
    return 0;
}

int tr_keyhash_init(struct tr_keyhash *kh, const char *key_file, uint64_t seed, char *err,
                    size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return 1;
    }
    kh->from_file = key_file && key_file[0] != 0;
    if (kh->from_file) {
        if (read_key_file(key_file, kh->key, err, errlen)) return 1;
    } else {
        char seed_text[64];
        int n = snprintf(seed_text, sizeof seed_text, "telrisk demo key %llu",
                         (unsigned long long)seed);
        crypto_generichash(kh->key, sizeof kh->key, (const unsigned char *)seed_text, (size_t)n,
                           NULL, 0);
    }
    /* The fingerprint key is derived from the secret one, so it is as secret. */
    crypto_generichash(kh->fingerprint_key, sizeof kh->fingerprint_key, kh->key, sizeof kh->key,
                       (const unsigned char *)"telrisk-fingerprint", 19);
    return 0;
}

void tr_holdout_draw_init(struct tr_holdout_draw *d, const char *salt, double share)
{
    /* A key of its own: a domain tag keeps it apart from the seed-derived subscriber key. */
    crypto_generichash_state st;
    static const char tag[] = "telrisk holdout salt";
    crypto_generichash_init(&st, NULL, 0, sizeof d->key);
    crypto_generichash_update(&st, (const unsigned char *)tag, sizeof tag);
    crypto_generichash_update(&st, (const unsigned char *)salt, strlen(salt));
    crypto_generichash_final(&st, d->key, sizeof d->key);
    d->share = share;
}

uint64_t tr_holdout_check(const struct tr_holdout_draw *d)
{
    char text[64];
    const int n = snprintf(text, sizeof text, "telrisk holdout check %.17g", d->share);
    return tr_keyhash_bytes(d->key, text, (size_t)n);
}
