/* The subscriber ids a rank has seen, by key: two different ids with one key are a collision.
 * Ids of up to 23 bytes are compared byte for byte; longer ones by an independent fingerprint. */
#ifndef TELRISK_RECORDS_ID_BOOK_H
#define TELRISK_RECORDS_ID_BOOK_H

#include "core/keyhash.h"

#include <stddef.h>
#include <stdint.h>

struct tr_id_entry {
    uint64_t key;
    uint8_t used, len; /* len: bytes of the id, 255 when only the fingerprint is kept */
    char id[22];       /* the id, or its fingerprint in the first 8 bytes */
};

struct tr_id_book {
    struct tr_id_entry *slot;
    size_t n_slots, n_used;
    int64_t collisions; /* occurrences of an id whose key a different id already had */
    uint64_t first_collision_key;
    uint64_t (*extra)[2]; /* (key, fingerprint) of each distinct id that collided here */
    size_t n_extra, cap_extra;
};

void tr_id_book_init(struct tr_id_book *b);
void tr_id_book_free(struct tr_id_book *b);
/* Brings the book's place for key into the cache (before noting it). */
static inline void tr_id_book_prefetch(const struct tr_id_book *b, uint64_t key)
{
    __builtin_prefetch(&b->slot[key & (b->n_slots - 1)]);
}
/* Notes that id has this key. */
void tr_id_book_note(struct tr_id_book *b, const struct tr_keyhash *kh, uint64_t key,
                     const char *id, size_t n);
/* The fingerprint kept or computable for an entry (for the cross-rank check). */
uint64_t tr_id_book_fingerprint(const struct tr_keyhash *kh, const struct tr_id_entry *e);

#endif
