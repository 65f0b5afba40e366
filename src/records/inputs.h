/* Which files make up each input table: `[inputs] <table>` (a file, a comma-separated list, a
 * folder or a glob; a value naming an existing path as a whole is taken whole), else one of
 * <dir>/<table>.csv, <dir>/<table>.csv.gz or the folder <dir>/<table>/ (two of them: an error).
 * A folder is read by the folder rule: *.csv and *.csv.gz read, names starting with '.' or '_'
 * ignored, anything else an error. Resolved on rank 0 and shared, so every rank reads the same
 * list in the same (sorted) order. */
#ifndef TELRISK_RECORDS_INPUTS_H
#define TELRISK_RECORDS_INPUTS_H

#include "config/config.h"
#include "core/log.h"
#include "records/tables.h"

struct tr_input_files {
    int n[TR_T_COUNT];
    char **path[TR_T_COUNT]; /* n[t] paths each */
};

/* Collective. 0, or TR_EXIT_INPUT when a configured input matches nothing, a table is given
 * twice, a folder holds a file the folder rule refuses, an input is not a regular file or is an
 * archive telrisk does not read, or a required table (antennas, cdr, inputs.require) has no file;
 * the reason is printed once, and nothing is left to free. notes: also say the files ignored and
 * the tables absent (once per run, not for every resolve). */
int tr_inputs_resolve(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      struct tr_input_files *in, int notes);
/* Whether the run requires table t: antennas and cdr always, others when inputs.require names
 * them. */
int tr_inputs_required(const struct tr_config *cfg, enum tr_table_id t);
/* Rank 0, after the read: table t's files (files of them, the first named first) hold no data
 * line. Said (notes), and 1 when inputs.require names the table (said as an error), else 0. */
int tr_inputs_empty(const struct tr_ctx *ctx, const struct tr_config *cfg, enum tr_table_id t,
                    const char *first, int files, int notes);
void tr_inputs_free(struct tr_input_files *in);

#endif
