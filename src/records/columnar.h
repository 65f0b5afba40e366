/* Columnar inputs (telrisk convert, then inputs.columnar = FILE): every table's accepted records,
 * as parsed, in chunked, compressed HDF5 columns (one dataset per field, /tables/<table>/<field>),
 * with what the CSV read found: each input file's counts (/files), the rejected lines (/rejects)
 * and the key collisions. Subscriber ids are already keyed hashes there, so a file made with one
 * key is refused under another. A run from it skips CSV parsing and gives the same run file as
 * the run from the CSVs it was made from (outside /provenance's timings). */
#ifndef TELRISK_RECORDS_COLUMNAR_H
#define TELRISK_RECORDS_COLUMNAR_H

#include "records/ingest.h"

#define TR_COLUMNAR_VERSION 1

/* Collective: writes in (from tr_ingest_local: each rank's records in file order) and the key
 * collisions to path. 0, or TR_EXIT_INPUT with the reason printed. */
int tr_columnar_write(const struct tr_ctx *ctx, const struct tr_ingest *in,
                      const struct tr_keyhash *kh, int64_t collisions, const char *path);

/* Collective: what tr_ingest_pass gives from the CSVs, from cfg->inputs.columnar: each rank reads
 * an equal share of every table's rows and sends the records to their owners (the pass's). 0, or
 * TR_EXIT_INPUT (a missing or foreign file, another key, a file over inputs.max_reject_rate). */
int tr_columnar_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                     const struct tr_keyhash *kh, const struct tr_pass *pass, struct tr_ingest *in);

/* Collective, for telrisk run --check: the file's key and version, its input files' counts (as
 * converted: all their lines) and the antennas' regions, no other table. 0 or an exit code. */
int tr_columnar_check(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const struct tr_keyhash *kh, struct tr_ingest *in);
/* The bytes of the CSV files a columnar inputs file was made from (0 when it cannot be read). */
int64_t tr_columnar_csv_bytes(const char *path);

#endif
