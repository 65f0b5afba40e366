/* The one exchange of records between ranks: records staged as they are read (or taken from a
 * table) are sent to their owners (partition/partition.h) in rounds, each round one all-to-all,
 * and appended to the owner's table on arrival. Only a round's records wait, so a rank never holds
 * more than its own share plus a round. The read stage reaches it through records' router
 * interface (tr_pass_router); the id book's collision count through tr_partition_shuffle. */
#ifndef TELRISK_PARTITION_EXCHANGE_H
#define TELRISK_PARTITION_EXCHANGE_H

#include "core/log.h"
#include "partition/partition.h"
#include "records/ingest.h"
#include "records/tables.h"

struct tr_exchange {
    const struct tr_partition *owners;
    char *send;      /* staged records grouped by owner */
    size_t send_cap; /* bytes */
    int *count;      /* [4 P]: sent to, their displacements, received from, theirs */
};

void tr_exchange_init(struct tr_exchange *x, const struct tr_partition *owners, int ranks);
void tr_exchange_free(struct tr_exchange *x);

/* Collective: the staged records (each starting with its subscriber's key) to their owners,
 * appended to table (same record size); staged emptied; the runs received added to got (NULL:
 * not wanted). */
void tr_exchange_round(const struct tr_ctx *ctx, struct tr_exchange *x, struct tr_array *staged,
                       struct tr_array *table, struct tr_received *got);

/* Collective. Sends every record of a to its owner under p, in rounds of at most round_bytes
 * sent per rank, and replaces a's contents with the records this rank owns (unsorted). a's
 * memory is given back round by round as it is sent (a mapped array's), and nothing moves when
 * every record is at its owner already. */
void tr_partition_shuffle(const struct tr_ctx *ctx, const struct tr_partition *p,
                          struct tr_array *a, size_t round_bytes);

/* A read's router (records/ingest.h) for one pass of a run (NULL: a run in one pass): each record
 * to its subscriber's owner, and only the pass's subscribers kept. */
struct tr_pass_router {
    struct tr_pass pass;
    struct tr_partition owners;
    struct tr_exchange exchange;
    struct tr_router router;
};
void tr_pass_router_init(struct tr_pass_router *r, const struct tr_ctx *ctx,
                         const struct tr_pass *pass);
void tr_pass_router_free(struct tr_pass_router *r);

/* Collective: keys that different ids share, over every rank's id book (each distinct (key,
 * fingerprint) goes to the key's owner, which counts keys with more than one); a columnar read's
 * count as it was converted. */
int64_t tr_key_collisions(const struct tr_ctx *ctx, const struct tr_ingest *in);

#endif
