/* Planted data defects: exact duplicate records, malformed lines and references to unknown
 * antennas, each decided by a hash of the record's identity and recorded in truth/defects.csv
 * with its table and line. Malformed lines are extra lines (the record itself stays intact), so
 * a reader that rejects exactly them recovers every record. */
#ifndef TELRISK_GENERATE_DEFECTS_H
#define TELRISK_GENERATE_DEFECTS_H

#include "generate/sink.h"
#include "generate/world.h"

/* The longest line a reader must accept, in bytes without the newline (docs/formats.md). */
#define TR_MAX_LINE_BYTES 4096

enum tr_malformed {
    TR_BAD_MISSING_FIELD,
    TR_BAD_EXTRA_FIELD,
    TR_BAD_NUMBER,
    TR_BAD_TIMESTAMP,
    TR_BAD_NEGATIVE,
    TR_BAD_TXN_TYPE,
    TR_BAD_STRAY_QUOTE,
    TR_BAD_NUL_BYTE,
    TR_BAD_LINE_TOO_LONG,
    TR_BAD_COUNT
};
extern const char *const tr_malformed_names[TR_BAD_COUNT];

/* Appends one record (line without newline) of `table` and whatever is planted after it.
 * may_copy = 0 for a record that already carries a planted defect: one defect per record. */
void tr_emit_record(const struct tr_world *w, struct tr_sink *s, int table, const char *line,
                    size_t len, uint64_t record_key, const char *subscriber_id, int may_copy);

/* Whether this CDR names an unknown antenna (decided by its key), and which id to use. */
int tr_plant_unknown_antenna(const struct tr_world *w, uint64_t record_key, int32_t *fake_id);

#endif
