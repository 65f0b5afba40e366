/* telrisk generate: a synthetic country's tables and the truth planted in them. */
#ifndef TELRISK_GENERATE_GENERATE_H
#define TELRISK_GENERATE_GENERATE_H

#include "config/config.h"
#include "core/log.h"

/* Collective. Writes every table into out_dir and the truth files into out_dir/truth.
 * Returns an exit code (the same on every rank). */
int tr_generate(const struct tr_ctx *ctx, const struct tr_config *cfg, const char *out_dir);

#endif
