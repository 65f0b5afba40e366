/* Reading one text file in parallel: each rank reads its byte range through MPI-IO and owns the
 * lines that start in it, so a line split across two ranges is read whole by the rank where it
 * starts. A gzip-compressed file (known by its magic bytes, whatever its name) cannot be cut into
 * byte ranges: one rank decompresses it as a stream and owns all its lines. The header (first
 * line) goes to every rank. Lines come out without their newline, a trailing CR or the file's BOM;
 * the last line may lack a newline; an empty file has no header. */
#ifndef TELRISK_IO_READER_H
#define TELRISK_IO_READER_H

#include "core/log.h"

#include <stddef.h>
#include <stdint.h>

#define TR_HEADER_MAX 65536 /* bytes */

struct tr_line_handler {
    void *user;
    /* A data line this rank owns, in file order. len: its length; avail: the bytes given, less
     * than len only for a line longer than the read buffer (at least 2 x TR_READER_LONG_LINE
     * bytes), of which the first TR_READER_LONG_LINE are given. offset: byte offset of the
     * line's start; index: 0-based among this rank's data lines. */
    void (*on_line)(void *user, const char *line, size_t avail, size_t len, int64_t offset,
                    int64_t index);
    /* Rounds (round_bytes > 0): each rank's range is cut into R pieces of at most about
     * round_bytes, R the same on every rank, and on_round is called on every rank exactly R times:
     * after the lines of each piece (the last call after the last line, or after a read error),
     * so it may be collective: ingest sends each round's records to their owners there. */
    size_t round_bytes;
    void (*on_round)(void *user);
    /* The rank that decompresses a gzip file (taken modulo the ranks): spread over a folder's
     * parts so that no one rank holds every unrouted record. */
    int stream_rank;
};

#define TR_READER_LONG_LINE 65536 /* bytes kept of a line longer than the read buffer */

struct tr_read_info {
    int64_t bytes; /* file size on disk (compressed, for a gzip file) */
    int has_header;
    char header[TR_HEADER_MAX];
    size_t header_len;
    int64_t local_lines; /* data lines this rank owns */
    int64_t first_line;  /* 1-based line number of this rank's first data line (header = 1) */
    int64_t total_lines; /* data lines in the file, all ranks */
    int unterminated;    /* its last line has no newline (all ranks know) */
};

/* What a file's first bytes say it is. Only TEXT and GZIP are read. */
enum tr_file_kind {
    TR_FILE_TEXT,
    TR_FILE_GZIP,
    TR_FILE_ZIP,
    TR_FILE_BZIP2,
    TR_FILE_XZ,
    TR_FILE_ZSTD
};

/* "zip", "bzip2", ... ("text" and "gzip" too). */
const char *tr_file_kind_name(enum tr_file_kind kind);

/* Local. Whether path can be read, and what it holds, decided without opening anything that is not
 * a regular file (a FIFO's open waits for a writer; a device never ends). 0 and *kind, or
 * TR_EXIT_INPUT with the reason, naming path, in why: missing, not a regular file, or an archive
 * telrisk does not read (zip, bzip2, xz, zstd). */
int tr_file_sniff(const char *path, enum tr_file_kind *kind, char *why, size_t cap);

/* Local: a text file read line by line on one rank, gzip-compressed or not (telrisk run --check).
 * Lines as tr_read_file gives them, whole (however long), without newline or CR. */
struct tr_text_in;
/* NULL with the reason in why when it cannot be opened or is no file telrisk reads. */
struct tr_text_in *tr_text_open(const char *path, char *why, size_t cap);
/* The next line's length (*line NUL-terminated), -1 at the end, -2 on a read error. */
long tr_text_line(struct tr_text_in *t, char **line, size_t *cap);
/* 0, or TR_EXIT_INPUT with the reason in why (a read error, a gzip stream cut short). */
int tr_text_close(struct tr_text_in *t, char *why, size_t cap);

/* Collective. Reads path, calling on_header (every rank, before any line; may be NULL) and then
 * handler->on_line for each line this rank owns. Returns 0, or TR_EXIT_INPUT on every rank when
 * the file cannot be opened or read (not a regular file, an archive other than gzip, a corrupt or
 * truncated gzip stream), or changes size while it is read (shrinks or grows: the reason printed
 * once), or on_header returns non-zero. */
int tr_read_file(const struct tr_ctx *ctx, const char *path, size_t chunk_bytes,
                 int (*on_header)(void *user, const struct tr_read_info *info),
                 const struct tr_line_handler *handler, struct tr_read_info *info);

/* The byte range [*begin, *end) of the data area [data_begin, size) that rank owns of nranks. */
void tr_reader_range(int64_t data_begin, int64_t size, int rank, int nranks, int64_t *begin,
                     int64_t *end);

#endif
