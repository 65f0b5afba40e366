/* Run-file integrity: every dataset and group carries an attribute `checksum`, the BLAKE2b-256
 * digest of its contents (shape, type, values) and of its other attributes, written once the file
 * is complete; `telrisk verify` recomputes them. HDF5's own metadata checksums (1.8 format) guard
 * the structure; these guard the values, which HDF5 does not checksum. Serial: one process reads
 * the finished file. */
#ifndef TELRISK_OUTPUT_SEAL_H
#define TELRISK_OUTPUT_SEAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TR_CHECKSUM_PREFIX "blake2b-256:"
#define TR_CHECKSUM_TEXT   (sizeof TR_CHECKSUM_PREFIX - 1 + 64) /* the prefix, 64 hex digits */

struct tr_ctx;

/* Writes the checksum attributes into a closed HDF5 file at path (replacing earlier ones). 0, or
 * 1 with err saying why. */
int tr_seal_file(const char *path, char *err, size_t errlen);

/* Repacks tmp (io/h5.h, tr_h5_repack: the same bytes at any rank count), seals it, then renames
 * it to path: how every finished run file appears (rank 0 only). 0, or 1 with err saying why
 * (tmp is left for the caller to remove). */
int tr_seal_and_rename(const char *tmp, const char *path, char *err, size_t errlen);

struct tr_verify_report {
    int64_t objects;  /* datasets and groups checked */
    int64_t datasets; /* of which datasets */
    int64_t bytes;    /* data and attribute bytes hashed */
    int64_t bad;      /* objects whose checksum differs or is missing */
};

/* Checks every object's checksum, naming each one that fails on out. 0: all intact; 1: some
 * object altered or unsealed; 2: the file cannot be opened or read (err says why). */
int tr_verify_file(const char *path, FILE *out, struct tr_verify_report *r, char *err,
                   size_t errlen);

/* Collective: what every command that reads a run file (or --resume a checkpoint) does first.
 * Rank 0 verifies path (role: how the message names it, "run file", "--model", "checkpoint");
 * 0 when intact, else TR_EXIT_INPUT on every rank with one message naming the file and its first
 * damaged object. verify 0 (--no-verify): a warning, and 0. */
int tr_seal_check_input(const struct tr_ctx *ctx, const char *path, const char *role, int verify);

#endif
