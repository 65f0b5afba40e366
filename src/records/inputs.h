/* Which files make up each input table: `[inputs] <table>` (a file, a comma-separated list, a
 * directory of *.csv or a glob), else <dir>/<table>.csv, else the .csv files in <dir>/<table>/.
 * Resolved on rank 0 and shared, so every rank reads the same list in the same (sorted) order. */
#ifndef TELRISK_RECORDS_INPUTS_H
#define TELRISK_RECORDS_INPUTS_H

#include "config/config.h"
#include "core/log.h"
#include "records/tables.h"

struct tr_input_files {
    int n[TR_T_COUNT];
    char **path[TR_T_COUNT]; /* n[t] paths each */
};

/* Collective. 0, or TR_EXIT_INPUT when a configured input matches nothing or a required table
 * (antennas, cdr) has no file; the reason is printed once, and nothing is left to free. */
int tr_inputs_resolve(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      struct tr_input_files *in);
void tr_inputs_free(struct tr_input_files *in);

#endif
