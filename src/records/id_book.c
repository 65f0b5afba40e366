#include "records/id_book.h"

#include "core/error.h"
#include "records/tables.h"

#include <stdlib.h>
#include <string.h>

#define PREFETCH_AHEAD 16 /* notes whose slots are being fetched while one is placed */

void tr_id_book_init(struct tr_id_book *b)
{
    memset(b, 0, sizeof *b);
    b->n_slots = 1 << 16;
    b->slot = TR_CALLOC(b->n_slots, sizeof *b->slot);
    b->batch = TR_MALLOC(sizeof *b->batch * TR_ID_BATCH);
}

void tr_id_book_free(struct tr_id_book *b)
{
    free(b->extra);
    free(b->slot);
    free(b->batch);
    memset(b, 0, sizeof *b);
}

uint64_t tr_id_fingerprint(const char *id, size_t n)
{
    return tr_line_hash(id, n) | 1;
}

static size_t home(const struct tr_id_book *b, uint64_t key)
{
    return key & (b->n_slots - 1);
}

static void grow(struct tr_id_book *b)
{
    struct tr_id_entry *old = b->slot;
    size_t old_n = b->n_slots;
    b->n_slots *= 2;
    b->slot = TR_CALLOC(b->n_slots, sizeof *b->slot);
    for (size_t k = 0; k < old_n; k++) {
        if (!old[k].fingerprint) continue;
        size_t s = home(b, old[k].key);
        while (b->slot[s].fingerprint)
            s = (s + 1) & (b->n_slots - 1);
        b->slot[s] = old[k];
    }
    free(old);
}

/* A second id for a key the book holds: counted, and its fingerprint kept once for the owner's
 * count across ranks. */
static void collided(struct tr_id_book *b, const struct tr_id_entry *e)
{
    if (b->collisions++ == 0) b->first_collision_key = e->key;
    for (size_t k = 0; k < b->n_extra; k++)
        if (b->extra[k][0] == e->key && b->extra[k][1] == e->fingerprint) return;
    if (b->n_extra == b->cap_extra)
        b->extra = TR_REALLOC(b->extra, sizeof *b->extra * (b->cap_extra = 2 * b->cap_extra + 4));
    b->extra[b->n_extra][0] = e->key;
    b->extra[b->n_extra++][1] = e->fingerprint;
}

static void place(struct tr_id_book *b, const struct tr_id_entry *e)
{
    size_t s = home(b, e->key);
    for (; b->slot[s].fingerprint; s = (s + 1) & (b->n_slots - 1)) {
        if (b->slot[s].key != e->key) continue;
        if (b->slot[s].fingerprint != e->fingerprint) collided(b, e);
        return;
    }
    b->slot[s] = *e;
    if (++b->n_used * 2 > b->n_slots) grow(b);
}

void tr_id_book_flush(struct tr_id_book *b)
{
    for (size_t k = 0; k < b->n_batch; k++) {
        if (k + PREFETCH_AHEAD < b->n_batch)
            __builtin_prefetch(&b->slot[home(b, b->batch[k + PREFETCH_AHEAD].key)]);
        place(b, &b->batch[k]);
    }
    b->n_batch = 0;
}

void tr_id_book_note(struct tr_id_book *b, uint64_t key, const char *id, size_t n)
{
    b->batch[b->n_batch++] = (struct tr_id_entry){key, tr_id_fingerprint(id, n)};
    if (b->n_batch == TR_ID_BATCH) tr_id_book_flush(b);
}
