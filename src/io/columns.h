/* A file of named columns (HDF5 here; nothing outside io/ sees it): groups of 1-D datasets, one
 * per field, chunked and compressed, with scalar and string-list attributes, a 2-D table of
 * int64 and opaque blobs. It knows no telrisk table: the caller says which columns there are.
 *
 * Writing: the file is open on rank 0 alone, with the serial (POSIX) driver, and the other ranks
 * send it their rows by MPI, so the file does not depend on a parallel file system. The other
 * ranks hold a handle without a file: the metadata calls (groups, attributes, table, blob) do
 * nothing there, and tr_colfile_write_column is collective. Objects are written once: a path
 * already there is an internal error.
 *
 * Reading: every rank opens the file on its own (the serial driver again) and reads the rows it
 * wants; no call is collective. Paths are relative to the root ("." is the root). */
#ifndef TELRISK_IO_COLUMNS_H
#define TELRISK_IO_COLUMNS_H

#include "core/log.h"

#include <stddef.h>
#include <stdint.h>

/* An open file (opaque). */
struct tr_colfile;

/* The type of a column's elements, as in memory (little-endian, like the file). */
enum tr_col_kind {
    TR_COL_U8,
    TR_COL_I32,
    TR_COL_U32,
    TR_COL_I64,
    TR_COL_U64,
    TR_COL_F64,
    TR_COL_STR, /* a fixed-length, NUL-terminated UTF-8 string of tr_col.size bytes */
};

/* How a column is stored. Random bits (keyed hashes) do not compress: raw. Integers of a small
 * range: HDF5's scale-offset filter, as many bits per value as their chunk's range needs, which
 * decodes far faster than deflate. The rest (doubles, strings): shuffled and deflated. */
enum tr_col_codec {
    TR_COL_RAW,
    TR_COL_PACKED, /* integers only */
    TR_COL_DEFLATED,
};

struct tr_col {
    const char *name;
    enum tr_col_kind kind;
    size_t size; /* bytes of one element: the kind's, or a string's char array (NUL included) */
    enum tr_col_codec codec;
};

/* Collective: path created (truncated) on rank 0. TR_EXIT_OK with *f set on every rank, or
 * TR_EXIT_INPUT on every rank when rank 0 could not create it (HDF5's own message suppressed:
 * the caller says why). */
int tr_colfile_create(const struct tr_ctx *ctx, const char *path, struct tr_colfile **f);

/* One rank: path opened read-only. TR_EXIT_OK with *f set, or TR_EXIT_INPUT, quietly, when it is
 * missing, unreadable or not HDF5 (whether it is the caller's kind of file is the caller's to
 * check, by its attributes). */
int tr_colfile_open(const char *path, struct tr_colfile **f);

/* Closes and frees f (NULL: nothing). Not collective. */
void tr_colfile_close(struct tr_colfile *f);

/* A group at path (its parent already there), with a description attribute. */
void tr_colfile_group(struct tr_colfile *f, const char *path, const char *description);

/* Collective: column c of group, every rank's n elements (values: n * c->size bytes) after the
 * lower ranks', in chunks of at most 2^18 rows with c's codec, without timestamps. */
void tr_colfile_write_column(struct tr_colfile *f, const char *group, const struct tr_col *c,
                             const void *values, size_t n);

/* The rows of column `name` of group. */
uint64_t tr_colfile_rows(struct tr_colfile *f, const char *group, const char *name);

/* Rows [first, first + n) of column c of group into values (n * c->size bytes). */
void tr_colfile_read(struct tr_colfile *f, const char *group, const struct tr_col *c,
                     uint64_t first, size_t n, void *values);

/* A scalar attribute of the object at path: kind TR_COL_I32, TR_COL_U64 or TR_COL_I64, value an
 * int32_t, uint64_t or int64_t, stored little-endian. */
void tr_colfile_attr_write(struct tr_colfile *f, const char *path, const char *name,
                           enum tr_col_kind kind, const void *value);

/* The same read back, converted to kind, quietly: 0, or -1 (value untouched) when the attribute
 * is absent or not a number. */
int tr_colfile_attr_read(struct tr_colfile *f, const char *path, const char *name,
                         enum tr_col_kind kind, void *value);

/* A string attribute, and a 1-D string-list attribute of n strings (fixed length: the longest). */
void tr_colfile_attr_str(struct tr_colfile *f, const char *path, const char *name,
                         const char *value);
void tr_colfile_attr_strs(struct tr_colfile *f, const char *path, const char *name,
                          const char *const *values, size_t n);

/* A string or string-list attribute's *n strings (each and the array to free), or NULL (*n = 0)
 * when it is absent or not text, quietly. */
char **tr_colfile_attr_read_strs(struct tr_colfile *f, const char *path, const char *name, int *n);

/* A 2-D table of int64: rows * cols values, row by row. */
void tr_colfile_write_i64s(struct tr_colfile *f, const char *path, const int64_t *values,
                           size_t rows, size_t cols);

/* The table at path read back (rows * cols values, to free; *rows set), or NULL when it is
 * absent or not a table of integers of `cols` columns, quietly. */
int64_t *tr_colfile_read_i64s(struct tr_colfile *f, const char *path, size_t cols, size_t *rows);

/* n opaque items of `size` bytes each (a struct stored as its bytes), tagged with what they are:
 * for the same program on the same platform only. */
void tr_colfile_write_blob(struct tr_colfile *f, const char *path, const char *tag,
                           const void *items, size_t size, size_t n);

/* The items at path (to free; *n set), or NULL when absent or not items of this tag and size,
 * quietly. */
void *tr_colfile_read_blob(struct tr_colfile *f, const char *path, const char *tag, size_t size,
                           size_t *n);

#endif
