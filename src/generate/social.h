/* The contact graph: undirected, weighted, defined pair by pair by keyed hashes so that either
 * end can enumerate it alone (and so reciprocity comes from the structure, not by chance).
 * Local edges join people close in index within a region (the region's neighbourhoods); a few
 * long-range edges join index i to i XOR mask, mostly in other regions. SIM boxes have none. */
#ifndef TELRISK_GENERATE_SOCIAL_H
#define TELRISK_GENERATE_SOCIAL_H

#include "generate/world.h"

#include <stdint.h>

#define TR_LOCAL_REACH  24 /* potential local contacts on each side in index order */
#define TR_MAX_CONTACTS (2 * TR_LOCAL_REACH + 3)

struct tr_contact {
    int64_t index;
    double weight; /* symmetric: how much of each party's traffic goes over this edge */
};

/* i's contacts, in a fixed order; returns how many (at most TR_MAX_CONTACTS). */
int tr_contacts(const struct tr_world *w, int64_t i, struct tr_contact out[TR_MAX_CONTACTS]);

#endif
