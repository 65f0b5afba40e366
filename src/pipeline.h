/* The stages of `telrisk run`, wired together: read, partition, indicators, write. */
#ifndef TELRISK_PIPELINE_H
#define TELRISK_PIPELINE_H

#include "config/config.h"
#include "core/log.h"

/* Collective. Returns an exit code, the same on every rank. */
int tr_pipeline_run(const struct tr_ctx *ctx, const struct tr_config *cfg);

#endif
