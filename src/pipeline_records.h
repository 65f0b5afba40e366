/* The stages of `telrisk run` that read the input records (src/pipeline_records.c). */
#ifndef TELRISK_PIPELINE_RECORDS_H
#define TELRISK_PIPELINE_RECORDS_H

#include "config/config.h"
#include "core/keyhash.h"
#include "core/log.h"
#include "core/stage.h"
#include "features/features.h"
#include "records/ingest.h"
#include "stress/portfolio.h"

/* Collective: the read stage (every input table parsed; rejects recorded). An exit code. */
int tr_records_read(const struct tr_ctx *ctx, const struct tr_config *cfg,
                    const struct tr_keyhash *kh, struct tr_stages *stages, struct tr_ingest *in);

/* Collective: partition, indicators and cross-checks over the records read, the loan book with
 * the loans' own PDs, and the records checkpoint. ft and book stay for the later stages. An exit
 * code. */
int tr_records_stages(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      const char *config_text, const struct tr_keyhash *kh, struct tr_ingest *in,
                      const char *const *names, struct tr_stages *stages,
                      struct tr_feature_table *ft, struct tr_portfolio *book);

#endif
