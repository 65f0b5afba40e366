/* Columnar inputs (telrisk convert, then inputs.columnar = FILE): every table's accepted records,
 * as parsed, in chunked, compressed HDF5 columns (one dataset per field, /tables/<table>/<field>),
 * with what the CSV read found: each input file's counts (/files), the rejected lines (/rejects)
 * and the key collisions. Subscriber ids are already keyed hashes there, so a file made with one
 * key is refused under another. A run from it skips CSV parsing and gives the same run file as
 * the run from the CSVs it was made from (outside /provenance's timings). */
#ifndef TELRISK_RECORDS_COLUMNAR_H
#define TELRISK_RECORDS_COLUMNAR_H

#include "records/ingest.h"

/* 2: the reject reasons found after the read (out_of_window, ...); 3: the subscribers' hold-out
 * draw (model.holdout_salt, model.holdout); 4: the loan ledger (loans' installments, rate and
 * limit; the bad_schedule reason, which moves every file's counts by reason; the repayments);
 * 5: the loans' origination_pd (IFRS 9) */
#define TR_COLUMNAR_VERSION 5

/* Collective: writes in (from tr_ingest with no router: each rank's records in file order) and the
 * key collisions to path. 0, or TR_EXIT_INPUT with the reason printed. */
int tr_columnar_write(const struct tr_ctx *ctx, const struct tr_ingest *in,
                      const struct tr_keyhash *kh, int64_t collisions, const char *path);

/* The source that reads it (records/ingest.h: tr_columnar_source) gives what the CSV source gives
 * from the CSVs: each rank reads an equal share of every table's rows and routes the records.
 * Refused (TR_EXIT_INPUT): a missing or foreign file, another key, a file over
 * inputs.max_reject_rate. */

#endif
