/* What the libFuzzer harnesses share: MPI started once (one process, MPI_COMM_WORLD), a context
 * whose messages go nowhere, inputs handed to the readers as in-memory files (memfd: nothing is
 * left behind when a run is killed), a checked assertion that survives NDEBUG, and a reader of
 * the fuzz input's bytes for the structure-aware harnesses. */
#ifndef TELRISK_FUZZ_COMMON_H
#define TELRISK_FUZZ_COMMON_H

#include "core/log.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Starts MPI (once) and returns the context every harness uses. */
const struct tr_ctx *fz_init(void);

/* An in-memory file the readers open by name. */
struct fz_file {
    int fd;
    char path[1024]; /* /proc/self/fd/N */
};
void fz_file_open(struct fz_file *f, const char *name);
/* The same as a named file in $TMPDIR (libhdf5 resolves a file's real path, which a memfd lacks),
 * removed at exit (unless FZ_KEEP is set). */
void fz_file_open_named(struct fz_file *f, const char *name);
/* Replaces the file's content. */
void fz_file_set(struct fz_file *f, const void *data, size_t n);
void fz_file_close(struct fz_file *f);

/* A property the code under test promises (docs/formats.md, the headers): a failure is a
 * finding, so it aborts, which libFuzzer reports with the input that caused it. */
#define FZ_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: broken promise: %s (%s:%d)\n", #cond, __FILE__, __LINE__);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The fuzz input read front to back; past its end every read gives zeros, so any input decodes. */
struct fz_bytes {
    const uint8_t *p;
    size_t n;
};
uint8_t fz_u8(struct fz_bytes *b);
uint32_t fz_u32(struct fz_bytes *b);
uint64_t fz_u64(struct fz_bytes *b);
/* A number in [0, n) (n > 0). */
unsigned fz_pick(struct fz_bytes *b, unsigned n);
/* A double that is often a troublesome one: NaN, infinities, 0, -0, huge, tiny, 0.5, 1. */
double fz_double(struct fz_bytes *b);
/* An integer that is often an edge: 0, -1, 1, the type's extremes, or near limit. */
int64_t fz_int(struct fz_bytes *b, int64_t limit);
/* Up to max bytes of text (NUL-terminated into out[max + 1]); returns its length. */
size_t fz_text(struct fz_bytes *b, char *out, size_t max);

#endif
