#ifndef TELRISK_CORE_MEMORY_H
#define TELRISK_CORE_MEMORY_H

#include "core/log.h"

/* This process's peak resident memory so far, MiB. */
double tr_peak_rss_mib(void);
/* Collective: the largest peak over the ranks, MiB. */
double tr_peak_rss_mib_max(const struct tr_ctx *ctx);

#endif
