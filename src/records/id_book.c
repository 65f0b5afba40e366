#include "records/id_book.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void tr_id_book_init(struct tr_id_book *b)
{
    memset(b, 0, sizeof *b);
    b->n_slots = 1 << 16;
    b->slot = TR_CALLOC(b->n_slots, sizeof *b->slot);
}

void tr_id_book_free(struct tr_id_book *b)
{
    free(b->extra);
    free(b->slot);
    memset(b, 0, sizeof *b);
}

static void fill(struct tr_id_entry *e, const struct tr_keyhash *kh, uint64_t key, const char *id,
                 size_t n)
{
    e->key = key;
    e->used = 1;
    if (n <= sizeof e->id) {
        e->len = (uint8_t)n;
        memcpy(e->id, id, n);
    } else {
        e->len = 255;
        uint64_t fp = tr_keyhash_fingerprint(kh, id, n);
        memcpy(e->id, &fp, sizeof fp);
    }
}

static int same_id(const struct tr_id_entry *e, const struct tr_keyhash *kh, const char *id,
                   size_t n)
{
    if (e->len != 255) return e->len == n && memcmp(e->id, id, n) == 0;
    if (n <= sizeof e->id) return 0;
    uint64_t fp = tr_keyhash_fingerprint(kh, id, n), kept;
    memcpy(&kept, e->id, sizeof kept);
    return fp == kept;
}

static void grow(struct tr_id_book *b)
{
    struct tr_id_entry *old = b->slot;
    size_t old_n = b->n_slots;
    b->n_slots *= 2;
    b->slot = TR_CALLOC(b->n_slots, sizeof *b->slot);
    for (size_t k = 0; k < old_n; k++) {
        if (!old[k].used) continue;
        size_t s = old[k].key & (b->n_slots - 1);
        while (b->slot[s].used)
            s = (s + 1) & (b->n_slots - 1);
        b->slot[s] = old[k];
    }
    free(old);
}

void tr_id_book_note(struct tr_id_book *b, const struct tr_keyhash *kh, uint64_t key,
                     const char *id, size_t n)
{
    size_t s = key & (b->n_slots - 1);
    for (; b->slot[s].used; s = (s + 1) & (b->n_slots - 1)) {
        if (b->slot[s].key != key) continue;
        if (same_id(&b->slot[s], kh, id, n)) return;
        if (b->collisions++ == 0) b->first_collision_key = key;
        /* Keep the second id's fingerprint (once) for the owner's count across ranks. */
        uint64_t fp = tr_keyhash_fingerprint(kh, id, n);
        for (size_t k = 0; k < b->n_extra; k++)
            if (b->extra[k][0] == key && b->extra[k][1] == fp) return;
        if (b->n_extra == b->cap_extra)
            b->extra =
                TR_REALLOC(b->extra, sizeof *b->extra * (b->cap_extra = 2 * b->cap_extra + 4));
        b->extra[b->n_extra][0] = key;
        b->extra[b->n_extra++][1] = fp;
        return;
    }
    fill(&b->slot[s], kh, key, id, n);
    if (++b->n_used * 2 > b->n_slots) grow(b);
}

uint64_t tr_id_book_fingerprint(const struct tr_keyhash *kh, const struct tr_id_entry *e)
{
    if (e->len != 255) return tr_keyhash_fingerprint(kh, e->id, e->len);
    uint64_t fp;
    memcpy(&fp, e->id, sizeof fp);
    return fp;
}
