/* bandicoot's CSV inputs, for `telrisk indicators` and the tests: a user's records
 * (interaction,direction,correspondent_id,datetime,call_duration,antenna_id), the antennas
 * (antenna_id,latitude,longitude) and the user's top-ups (datetime,amount,retailer_id). Columns
 * are found by their header names, as bandicoot's csv.DictReader does. Unlike bandicoot, which
 * drops a bad record with a warning, a bad line is an error naming the file and the line. */
#ifndef TELRISK_FEATURES_BANDICOOT_BC_INPUT_H
#define TELRISK_FEATURES_BANDICOOT_BC_INPUT_H

#include "features/bandicoot/bandicoot.h"

#include <stddef.h>

struct bc_strtab; /* string -> dense index */

struct tr_bc_input {
    struct tr_bc_record *records; /* sorted by time, equal times in file order */
    size_t n_records, cap_records;
    struct tr_bc_recharge *recharges; /* sorted by time */
    size_t n_recharges, cap_recharges;
    struct tr_bc_position *positions; /* by antenna index; NaN for an antenna without location */
    size_t n_positions, cap_positions;
    int antennas_given, recharges_given;
    struct bc_strtab *antenna_ids, *contact_ids;
};

void tr_bc_input_init(struct tr_bc_input *in);
void tr_bc_input_free(struct tr_bc_input *in);

/* Each returns 0, or TR_EXIT_INPUT with "FILE:LINE: what" in err. Load the antennas before the
 * records, so the records' antennas find their locations; an antenna the file does not list
 * keeps its id without a location (as bandicoot). */
int tr_bc_load_antennas(struct tr_bc_input *in, const char *path, char *err, size_t errlen);
int tr_bc_load_records(struct tr_bc_input *in, const char *path, char *err, size_t errlen);
/* Dates as bandicoot reads them ("2015-1-13"); a time of day after the date is also taken. A
 * blank amount is 0. */
int tr_bc_load_recharges(struct tr_bc_input *in, const char *path, char *err, size_t errlen);

/* The user as tr_bc_compute wants it; has_recharges as bandicoot's: a file with top-ups. */
void tr_bc_input_user(const struct tr_bc_input *in, struct tr_bc_user *u);

/* "YYYY-M-D H:M:S" as Python's strptime("%Y-%m-%d %H:%M:%S") takes it (4-digit year, 1-2 digit
 * fields, a real date), or the date alone when time_optional. 0 = ok. */
int tr_bc_parse_datetime(const char *s, int time_optional, int64_t *t);

#endif
