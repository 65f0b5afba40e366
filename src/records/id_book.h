/* The subscriber ids a rank has seen, by key: two different ids with one key are a collision.
 * Ids are told apart by a 64-bit fingerprint of their bytes (a second, independent hash: two ids
 * would need equal SipHash keys and equal fingerprints to pass for one). Notes are batched: the
 * book is bigger than the caches, so a batch's places are fetched ahead, many at a time, instead
 * of one cache miss per id while the line is parsed. */
#ifndef TELRISK_RECORDS_ID_BOOK_H
#define TELRISK_RECORDS_ID_BOOK_H

#include <stddef.h>
#include <stdint.h>

#define TR_ID_BATCH 4096 /* notes per batch */

struct tr_id_entry {
    uint64_t key;
    uint64_t fingerprint; /* odd; 0 = an empty slot */
};

struct tr_id_book {
    struct tr_id_entry *slot;
    size_t n_slots, n_used;
    int64_t collisions; /* occurrences of an id whose key a different id already had */
    uint64_t first_collision_key;
    uint64_t (*extra)[2]; /* (key, fingerprint) of each distinct id that collided here */
    size_t n_extra, cap_extra;
    struct tr_id_entry *batch; /* [TR_ID_BATCH]: notes not yet in the book */
    size_t n_batch;
};

void tr_id_book_init(struct tr_id_book *b);
void tr_id_book_free(struct tr_id_book *b);
/* The fingerprint of an id's bytes (never 0). */
uint64_t tr_id_fingerprint(const char *id, size_t n);
/* Notes that id has this key (in the book by the next tr_id_book_flush at the latest). */
void tr_id_book_note(struct tr_id_book *b, uint64_t key, const char *id, size_t n);
/* Puts every note into the book: before its entries or counts are read. */
void tr_id_book_flush(struct tr_id_book *b);

#endif
