/* Records on their way to their owners (partition/partition.h): staged as they are read, sent at
 * the end of each round (collectively, one all-to-all), appended to the owner's table on arrival.
 * Only a round's records wait, so a rank never holds more than its own share plus a round. */
#ifndef TELRISK_RECORDS_ROUTE_H
#define TELRISK_RECORDS_ROUTE_H

#include "core/log.h"
#include "partition/partition.h"
#include "records/tables.h"

struct tr_route {
    const struct tr_partition *owners;
    struct tr_array staged; /* this round's records, each starting with its subscriber's key */
    char *send;             /* staged records grouped by owner */
    size_t send_cap;        /* bytes */
    int *count;             /* [4 P]: sent to, their displacements, received from, theirs */
    /* The runs received (first record, how many, from which rank), for the caller to number
     * (ingest: line numbers count from the sender's first line, known when a file is read). */
    struct tr_route_run {
        size_t first, n;
        int from;
    } * runs;
    size_t n_runs, cap_runs;
};

void tr_route_init(struct tr_route *r, const struct tr_partition *owners, int ranks);
void tr_route_free(struct tr_route *r);
/* Empties the staged records and sets their size (bytes per record of the next table). */
void tr_route_stage(struct tr_route *r, size_t record_size);
/* Collective: the staged records to their owners, appended to table (same record size). */
void tr_route_round(const struct tr_ctx *ctx, struct tr_route *r, struct tr_array *table);

#endif
