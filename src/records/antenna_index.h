/* Antenna ids to their index in the antennas table, and the run's regions (sorted names). */
#ifndef TELRISK_RECORDS_ANTENNA_INDEX_H
#define TELRISK_RECORDS_ANTENNA_INDEX_H

#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

struct tr_antenna_index {
    size_t n_slots; /* a power of two */
    /* Per slot: antenna index + 1 (0 = empty), and the id's length and first 8 bytes (zero
     * padded), so that an id of up to 8 bytes is found with one comparison of a word. */
    struct tr_antenna_slot {
        int32_t index;
        uint32_t len;
        uint64_t head;
    } * slot;
    const struct tr_antenna_rec *antennas;
};

struct tr_region_list {
    int n;
    char (*name)[32]; /* sorted */
};

void tr_antenna_index_build(struct tr_antenna_index *ix, const struct tr_antenna_rec *a, size_t n);
void tr_antenna_index_free(struct tr_antenna_index *ix);
/* The index of the antenna with this id, or -1. */
int32_t tr_antenna_find(const struct tr_antenna_index *ix, const char *id, size_t n);

/* The region of this name, or -1. */
int32_t tr_region_find(const struct tr_region_list *r, const char *name, size_t n);

#endif
