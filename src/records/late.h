/* Lines found wrong after the read, when their records are already at their owners: events
 * outside the observation window (records/window.h), and reference rows that conflict with
 * another (partition/conflicts.h). Each is rejected like a line the parser refused: a row in
 * /rejects (file, line, reason, an excerpt without ids) and its file's counts moved from accepted
 * to rejected, so lines = accepted + rejected still holds in every file. */
#ifndef TELRISK_RECORDS_LATE_H
#define TELRISK_RECORDS_LATE_H

#include "config/config.h"
#include "core/log.h"
#include "io/csv.h"
#include "records/accounts.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

struct tr_late_rejects {
    struct tr_reject *row; /* [n], room for cap */
    size_t n, cap;
};

/* One more: the line of order (tables.h: tr_order), rejected for why; excerpt holds no id. */
void tr_late_add(struct tr_late_rejects *l, enum tr_table_id t, uint64_t order, enum tr_reason why,
                 const char *excerpt);
void tr_late_free(struct tr_late_rejects *l);

#endif
