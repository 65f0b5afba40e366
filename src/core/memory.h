#ifndef TELRISK_CORE_MEMORY_H
#define TELRISK_CORE_MEMORY_H

#include "core/log.h"

/* This process's peak resident memory so far, MiB. */
double tr_peak_rss_mib(void);
/* Collective: the largest peak over the ranks, MiB. */
double tr_peak_rss_mib_max(const struct tr_ctx *ctx);

/* Memory for big arrays, mapped straight from the kernel (mmap, grown by mremap: never copied,
 * whatever malloc would do) and backed by transparent huge pages. On these VMs the first touch of
 * a page is what memory costs (about 2 s per GiB, page by page), so a region can be prefaulted
 * in bulk (tr_big_prefault: about half that). */
void *tr_big_grow(void *p, size_t old_bytes, size_t new_bytes);
void tr_big_free(void *p, size_t bytes);
/* Faults in [from, to) bytes of a region from tr_big_grow (advice: failure is harmless). */
void tr_big_prefault(void *p, size_t from, size_t to);
/* Gives back to the kernel the whole pages of [0, to) bytes of a region from tr_big_grow, which
 * will not be read again (they would read as zeros): an array consumed from its start, as a
 * shuffle sends it round by round, stops holding its memory while the next one fills. */
void tr_big_release_prefix(void *p, size_t to);

#endif
