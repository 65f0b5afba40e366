#include "records/antenna_index.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)s[k]) * 1099511628211ULL;
    return h;
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
        size_t s = fnv1a(a[i].id, len) & (ix->n_slots - 1);
        while (ix->slot[s])
            s = (s + 1) & (ix->n_slots - 1);
        ix->slot[s] = (int32_t)i + 1;
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
    size_t s = fnv1a(id, n) & (ix->n_slots - 1);
    for (; ix->slot[s]; s = (s + 1) & (ix->n_slots - 1)) {
        const char *cand = ix->antennas[ix->slot[s] - 1].id; /* NUL-terminated, n < its size */
        if (cand[n] == 0 && memcmp(cand, id, n) == 0) return ix->slot[s] - 1;
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
