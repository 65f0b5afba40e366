/* The stages of `telrisk run`, wired together: read, partition, indicators, cross-checks (with
 * their checkpoint), model (checkpoint), stress (checkpoint), write. */
#ifndef TELRISK_PIPELINE_H
#define TELRISK_PIPELINE_H

#include "config/config.h"
#include "core/log.h"

/* Collective. With resume, goes on from the checkpoints a killed run of the same config left
 * (output/checkpoint.h). Returns an exit code, the same on every rank. */
int tr_pipeline_run(const struct tr_ctx *ctx, const struct tr_config *cfg, int resume);
/* Collective: the run's subscriber key (privacy.key_file, else derived from the seed, with a
 * warning); TR_EXIT_USAGE with the reason printed when the key file is unusable. */
struct tr_keyhash;
int tr_pipeline_key(const struct tr_ctx *ctx, const struct tr_config *cfg, struct tr_keyhash *kh);

#endif
