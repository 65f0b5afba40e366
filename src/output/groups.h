/* The run file's groups, one writer each. tr_runfile_write calls them in order on every rank:
 * creating objects is collective in parallel HDF5, so each writer makes the same HDF5 calls on
 * every rank and only the raw data differ. */
#ifndef TELRISK_OUTPUT_GROUPS_H
#define TELRISK_OUTPUT_GROUPS_H

#include "output/runfile.h"

#include <hdf5.h>

/* /provenance/inputs and /provenance/stages (rank 0 writes the rows). */
void tr_rf_write_provenance(const struct tr_ctx *ctx, hid_t file, const struct tr_run_output *out);

/* /rejects: all rows are on rank 0; the count is shared first. */
void tr_rf_write_rejects(const struct tr_ctx *ctx, hid_t file, const struct tr_run_output *out);

/* /regions/names and /subscribers/{key, region, features}. */
void tr_rf_write_regions(const struct tr_ctx *ctx, hid_t file, const struct tr_run_output *out);
void tr_rf_write_subscribers(const struct tr_ctx *ctx, hid_t file,
                             const struct tr_run_output *out);

#endif
