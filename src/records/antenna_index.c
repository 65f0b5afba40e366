#include "records/antenna_index.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* The first 8 bytes of an id, zero padded. */
static uint64_t head_of(const char *s, size_t n)
{
    uint64_t w = 0;
    for (size_t k = 0; k < n && k < 8; k++) /* bytes, not memcpy: no call for a short id */
        w |= (uint64_t)(unsigned char)s[k] << (8 * k);
    return w;
}

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = (head_of(s, n) ^ n) * 0x9E3779B97F4A7C15ull;
    for (size_t k = 8; k < n; k++) /* the bytes past the first 8, if any */
        h = (h ^ (unsigned char)s[k]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

void tr_antenna_index_build(struct tr_antenna_index *ix, const struct tr_antenna_rec *a, size_t n)
{
    ix->n_slots = 16;
    while (ix->n_slots < 2 * n)
        ix->n_slots *= 2;
    ix->slot = TR_CALLOC(ix->n_slots, sizeof *ix->slot);
    ix->antennas = a;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(a[i].id);
        if (tr_antenna_find(ix, a[i].id, len) >= 0) continue; /* first definition wins */
        size_t s = hash_of(a[i].id, len) & (ix->n_slots - 1);
        while (ix->slot[s].index)
            s = (s + 1) & (ix->n_slots - 1);
        ix->slot[s] =
            (struct tr_antenna_slot){(int32_t)i + 1, (uint32_t)len, head_of(a[i].id, len)};
    }
}

void tr_antenna_index_free(struct tr_antenna_index *ix)
{
    free(ix->slot);
    ix->slot = NULL;
}

int32_t tr_antenna_find(const struct tr_antenna_index *ix, const char *id, size_t n)
{
    if (n >= sizeof ix->antennas[0].id) return -1;
    const uint64_t head = head_of(id, n);
    size_t s = hash_of(id, n) & (ix->n_slots - 1);
    for (; ix->slot[s].index; s = (s + 1) & (ix->n_slots - 1)) {
        const struct tr_antenna_slot *c = &ix->slot[s];
        if (c->len != n || c->head != head) continue;
        if (n <= 8 || memcmp(ix->antennas[c->index - 1].id + 8, id + 8, n - 8) == 0)
            return c->index - 1;
    }
    return -1;
}

int32_t tr_region_find(const struct tr_region_list *r, const char *name, size_t n)
{
    if (n >= sizeof r->name[0]) return -1;
    int lo = 0, hi = r->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strncmp(r->name[mid], name, n);
        if (c == 0 && r->name[mid][n] != 0) c = 1;
        if (c == 0) return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}
