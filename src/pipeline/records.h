/* The stages of `telrisk run` that read the input records (pipeline/records.c). */
#ifndef TELRISK_PIPELINE_RECORDS_H
#define TELRISK_PIPELINE_RECORDS_H

#include "config/config.h"
#include "core/keyhash.h"
#include "core/log.h"
#include "core/stage.h"
#include "features/features.h"
#include "records/ingest.h"
#include "stress/portfolio.h"

/* Collective: the read stage (every input table parsed; rejects recorded). With
 * partition.max_memory_per_rank smaller than the input needs, the records are processed in
 * *passes over key ranges, and this reads the first pass's. An exit code. */
int tr_records_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, struct tr_stages *stages, struct tr_ingest *in,
                    int *passes);

/* Collective: partition, indicators and cross-checks over the records read (then over each later
 * pass's, read again), the loan book with the loans' own PDs, and the records checkpoint. ft and
 * book stay for the later stages; in keeps its accounting, not its records. An exit code. */
int tr_records_stages(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const char *config_text, const char *fingerprint, const struct tr_keyhash *kh,
                      struct tr_ingest *in, int passes, const char *const *names,
                      struct tr_stages *stages, struct tr_feature_table *ft,
                      struct tr_portfolio *book);

#endif
