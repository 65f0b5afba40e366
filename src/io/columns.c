#include "io/columns.h"

#include "core/error.h"
#include "io/h5.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_ROWS  ((hsize_t)1 << 18) /* rows per HDF5 chunk */
#define SEND_PIECE  ((size_t)64 << 20) /* bytes per message to the writing rank */
#define TAG_COLUMNS 7301

struct tr_colfile {
    hid_t file;               /* H5I_INVALID_HID on the ranks that send rows to rank 0 */
    const struct tr_ctx *ctx; /* writing: the ranks whose rows the columns gather; reading: NULL */
};

/* ---- types ---- */

/* The HDF5 type of a column, in memory and in the file (the same: little-endian here). */
static hid_t column_type(const struct tr_col *c)
{
    hid_t t = H5I_INVALID_HID;
    switch (c->kind) {
    case TR_COL_U8:
        t = H5Tcopy(H5T_NATIVE_UINT8);
        break;
    case TR_COL_I32:
        t = H5Tcopy(H5T_NATIVE_INT32);
        break;
    case TR_COL_U32:
        t = H5Tcopy(H5T_NATIVE_UINT32);
        break;
    case TR_COL_I64:
        t = H5Tcopy(H5T_NATIVE_INT64);
        break;
    case TR_COL_U64:
        t = H5Tcopy(H5T_NATIVE_UINT64);
        break;
    case TR_COL_F64:
        t = H5Tcopy(H5T_NATIVE_DOUBLE);
        break;
    case TR_COL_STR:
        return tr_h5_str_type(c->size - 1);
    }
    H5_CHECK(t);
    if (H5Tget_size(t) != c->size) /* a caller's bug: the kind does not fit the member */
        TR_DIE(TR_EXIT_INTERNAL, "column %s: %zu bytes for a kind of %zu", c->name, c->size,
               H5Tget_size(t));
    return t;
}

/* A scalar attribute's types: in the file (little-endian, whatever the platform) and in memory. */
static void scalar_types(enum tr_col_kind kind, hid_t *file_type, hid_t *mem_type)
{
    switch (kind) {
    case TR_COL_U8:
        *file_type = H5T_STD_U8LE, *mem_type = H5T_NATIVE_UINT8;
        return;
    case TR_COL_I32:
        *file_type = H5T_STD_I32LE, *mem_type = H5T_NATIVE_INT32;
        return;
    case TR_COL_U32:
        *file_type = H5T_STD_U32LE, *mem_type = H5T_NATIVE_UINT32;
        return;
    case TR_COL_I64:
        *file_type = H5T_STD_I64LE, *mem_type = H5T_NATIVE_INT64;
        return;
    case TR_COL_U64:
        *file_type = H5T_STD_U64LE, *mem_type = H5T_NATIVE_UINT64;
        return;
    case TR_COL_F64:
        *file_type = H5T_IEEE_F64LE, *mem_type = H5T_NATIVE_DOUBLE;
        return;
    case TR_COL_STR:
        break;
    }
    TR_DIE(TR_EXIT_INTERNAL, "a scalar attribute of kind %d", (int)kind);
}

/* ---- the file ---- */

static struct tr_colfile *handle(hid_t file, const struct tr_ctx *ctx)
{
    struct tr_colfile *f = TR_MALLOC(sizeof *f);
    *f = (struct tr_colfile){.file = file, .ctx = ctx};
    return f;
}

int tr_colfile_create(const struct tr_ctx *ctx, const char *path, struct tr_colfile **f)
{
    hid_t file = H5I_INVALID_HID;
    if (ctx->rank == 0) {
        struct tr_h5_quiet q;
        tr_h5_quiet_begin(&q);
        file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        tr_h5_quiet_end(&q);
    }
    *f = NULL;
    if (tr_agree(ctx, ctx->rank == 0 && file < 0 ? TR_EXIT_INPUT : TR_EXIT_OK))
        return TR_EXIT_INPUT;
    *f = handle(file, ctx);
    return TR_EXIT_OK;
}

int tr_colfile_open(const char *path, struct tr_colfile **f)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    /* A missing or unreadable file is told from its name alone, before HDF5 tries it. */
    hid_t file = access(path, R_OK) == 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    tr_h5_quiet_end(&q);
    *f = file < 0 ? NULL : handle(file, NULL);
    return file < 0 ? TR_EXIT_INPUT : TR_EXIT_OK;
}

void tr_colfile_close(struct tr_colfile *f)
{
    if (!f) return;
    if (f->file >= 0) H5_CHECK(H5Fclose(f->file));
    free(f);
}

void tr_colfile_group(struct tr_colfile *f, const char *path, const char *description)
{
    if (f->file >= 0) H5_CHECK(H5Gclose(tr_h5_group(f->file, path, description)));
}

/* ---- columns ---- */

/* Chunked (at most CHUNK_ROWS rows a chunk) and filtered by the column's codec; an empty column
 * has no chunks (HDF5 wants a chunk of at least one row), hence no filter. */
static hid_t create_column(hid_t group, const struct tr_col *c, hid_t type, hsize_t rows)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5_CHECK(dcpl);
    H5_CHECK(H5Pset_obj_track_times(dcpl, 0));
    if (rows > 0) {
        const hsize_t chunk = rows < CHUNK_ROWS ? rows : CHUNK_ROWS;
        H5_CHECK(H5Pset_chunk(dcpl, 1, &chunk));
        if (c->codec == TR_COL_PACKED)
            H5_CHECK(H5Pset_scaleoffset(dcpl, H5Z_SO_INT, H5Z_SO_INT_MINBITS_DEFAULT));
        if (c->codec == TR_COL_DEFLATED) H5_CHECK(H5Pset_shuffle(dcpl));
        if (c->codec == TR_COL_DEFLATED) H5_CHECK(H5Pset_deflate(dcpl, 1));
    }
    hid_t space = H5Screate_simple(1, &rows, NULL);
    H5_CHECK(space);
    hid_t d = H5Dcreate2(group, c->name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5_CHECK(d);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Pclose(dcpl));
    return d;
}

/* Rank 0: the column created with every rank's rows (counts: each rank's, in rank order), its
 * own written first, then each other rank's as they arrive, in pieces of at most SEND_PIECE. */
static void gather_column(const struct tr_colfile *f, const char *group, const struct tr_col *c,
                          const void *values, size_t n, const uint64_t *counts)
{
    const struct tr_ctx *ctx = f->ctx;
    const size_t per_piece = SEND_PIECE / c->size;
    uint64_t total = 0;
    for (int q = 0; q < ctx->size; q++)
        total += counts[q];
    hid_t g = H5Gopen2(f->file, group, H5P_DEFAULT);
    H5_CHECK(g);
    hid_t type = column_type(c), d = create_column(g, c, type, total);
    tr_h5_write_slab(d, type, values, 0, n);
    uint64_t first = n;
    char *piece = TR_MALLOC(SEND_PIECE + c->size);
    for (int q = 1; q < ctx->size; q++)
        for (uint64_t at = 0; at < counts[q]; at += per_piece) {
            const size_t k = counts[q] - at < per_piece ? (size_t)(counts[q] - at) : per_piece;
            MPI_CHECK(MPI_Recv(piece, (int)(k * c->size), MPI_BYTE, q, TAG_COLUMNS, ctx->comm,
                               MPI_STATUS_IGNORE));
            tr_h5_write_slab(d, type, piece, first, k);
            first += k;
        }
    free(piece);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(type));
    H5_CHECK(H5Gclose(g));
}

void tr_colfile_write_column(struct tr_colfile *f, const char *group, const struct tr_col *c,
                             const void *values, size_t n)
{
    const struct tr_ctx *ctx = f->ctx;
    uint64_t mine = n, *counts = TR_MALLOC(sizeof(uint64_t) * (size_t)ctx->size);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_UINT64_T, counts, 1, MPI_UINT64_T, ctx->comm));
    if (ctx->rank == 0) {
        gather_column(f, group, c, values, n, counts);
    } else {
        const size_t per_piece = SEND_PIECE / c->size;
        for (size_t at = 0; at < n; at += per_piece)
            MPI_CHECK(MPI_Send((const char *)values + at * c->size,
                               (int)((n - at < per_piece ? n - at : per_piece) * c->size), MPI_BYTE,
                               0, TAG_COLUMNS, ctx->comm));
    }
    free(counts);
}

static hid_t open_column(const struct tr_colfile *f, const char *group, const char *name)
{
    hid_t g = H5Gopen2(f->file, group, H5P_DEFAULT);
    H5_CHECK(g);
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    H5_CHECK(d);
    H5_CHECK(H5Gclose(g));
    return d;
}

uint64_t tr_colfile_rows(struct tr_colfile *f, const char *group, const char *name)
{
    hid_t d = open_column(f, group, name);
    const uint64_t rows = tr_h5_rows(d);
    H5_CHECK(H5Dclose(d));
    return rows;
}

void tr_colfile_read(struct tr_colfile *f, const char *group, const struct tr_col *c,
                     uint64_t first, size_t n, void *values)
{
    hid_t d = open_column(f, group, c->name), type = column_type(c);
    tr_h5_read_rows(d, type, values, first, n);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(type));
}

/* ---- attributes ---- */

static hid_t open_object(const struct tr_colfile *f, const char *path)
{
    hid_t obj = H5Oopen(f->file, path, H5P_DEFAULT);
    H5_CHECK(obj);
    return obj;
}

void tr_colfile_attr_write(struct tr_colfile *f, const char *path, const char *name,
                           enum tr_col_kind kind, const void *value)
{
    if (f->file < 0) return;
    hid_t file_type, mem_type, obj = open_object(f, path);
    scalar_types(kind, &file_type, &mem_type);
    tr_h5_attr_scalar(obj, name, file_type, mem_type, value);
    H5_CHECK(H5Oclose(obj));
}

/* The attribute, opened without HDF5's error printing: H5I_INVALID_HID when there is none. */
static hid_t open_attr(const struct tr_colfile *f, const char *path, const char *name)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t a = H5Aexists_by_name(f->file, path, name, H5P_DEFAULT) > 0
                  ? H5Aopen_by_name(f->file, path, name, H5P_DEFAULT, H5P_DEFAULT)
                  : H5I_INVALID_HID;
    tr_h5_quiet_end(&q);
    return a < 0 ? H5I_INVALID_HID : a;
}

int tr_colfile_attr_read(struct tr_colfile *f, const char *path, const char *name,
                         enum tr_col_kind kind, void *value)
{
    hid_t file_type, mem_type, a = open_attr(f, path, name);
    scalar_types(kind, &file_type, &mem_type);
    if (a < 0) return -1;
    /* One number, or the read would run past value. */
    struct tr_h5_shape s;
    tr_h5_shape_of(a, 1, &s);
    int rc = -1;
    if ((s.cls == H5T_INTEGER || s.cls == H5T_FLOAT) && s.points == 1) {
        struct tr_h5_quiet q;
        tr_h5_quiet_begin(&q);
        rc = H5Aread(a, mem_type, value) < 0 ? -1 : 0;
        tr_h5_quiet_end(&q);
    }
    H5_CHECK(H5Aclose(a));
    return rc;
}

void tr_colfile_attr_str(struct tr_colfile *f, const char *path, const char *name,
                         const char *value)
{
    if (f->file < 0) return;
    hid_t obj = open_object(f, path);
    tr_h5_attr_str(obj, name, value);
    H5_CHECK(H5Oclose(obj));
}

void tr_colfile_attr_strs(struct tr_colfile *f, const char *path, const char *name,
                          const char *const *values, size_t n)
{
    if (f->file < 0) return;
    hid_t obj = open_object(f, path);
    tr_h5_attr_strs(obj, name, values, n);
    H5_CHECK(H5Oclose(obj));
}

char **tr_colfile_attr_read_strs(struct tr_colfile *f, const char *path, const char *name, int *n)
{
    *n = 0;
    hid_t a = open_attr(f, path, name);
    if (a < 0) return NULL;
    char **s = tr_h5_read_strings(a, 1, n);
    H5_CHECK(H5Aclose(a));
    return s;
}

/* ---- a table of int64, and blobs: contiguous, created with HDF5's defaults ---- */

void tr_colfile_write_i64s(struct tr_colfile *f, const char *path, const int64_t *values,
                           size_t rows, size_t cols)
{
    if (f->file < 0) return;
    const hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(2, dims, NULL);
    H5_CHECK(space);
    hid_t d =
        H5Dcreate2(f->file, path, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5_CHECK(d);
    if (rows * cols > 0)
        H5_CHECK(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values));
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Sclose(space));
}

int64_t *tr_colfile_read_i64s(struct tr_colfile *f, const char *path, size_t cols, size_t *rows)
{
    *rows = 0;
    hid_t d = tr_h5_open_dataset(f->file, path);
    if (d < 0) return NULL;
    struct tr_h5_shape s;
    tr_h5_shape_of(d, 0, &s);
    int64_t *values = NULL;
    /* Only what fits memory is allocated (plain calloc: a crafted size is a refusal, not an
     * abort), and only a table of the caller's width is read into it. */
    if (s.cls == H5T_INTEGER && s.rank == 2 && s.dims[1] == cols && cols > 0 &&
        s.dims[0] < SIZE_MAX / sizeof(int64_t) / cols)
        values = calloc((size_t)s.dims[0] * cols + 1, sizeof(int64_t));
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    if (values && s.dims[0] > 0 &&
        H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        free(values), values = NULL;
    tr_h5_quiet_end(&q);
    H5_CHECK(H5Dclose(d));
    if (values) *rows = (size_t)s.dims[0];
    return values;
}

void tr_colfile_write_blob(struct tr_colfile *f, const char *path, const char *tag,
                           const void *items, size_t size, size_t n)
{
    if (f->file < 0) return;
    const hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    H5_CHECK(space);
    hid_t raw = H5Tcreate(H5T_OPAQUE, size);
    H5_CHECK(raw);
    H5_CHECK(H5Tset_tag(raw, tag));
    hid_t d = H5Dcreate2(f->file, path, raw, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5_CHECK(d);
    if (n) H5_CHECK(H5Dwrite(d, raw, H5S_ALL, H5S_ALL, H5P_DEFAULT, items));
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(raw));
    H5_CHECK(H5Sclose(space));
}

/* 1 when type is an opaque type of this tag and size. */
static int opaque_of(hid_t type, const char *tag, size_t size)
{
    if (H5Tget_class(type) != H5T_OPAQUE || H5Tget_size(type) != size) return 0;
    char *its = H5Tget_tag(type);
    const int same = its && strcmp(its, tag) == 0;
    H5_CHECK(H5free_memory(its));
    return same;
}

void *tr_colfile_read_blob(struct tr_colfile *f, const char *path, const char *tag, size_t size,
                           size_t *n)
{
    *n = 0;
    hid_t d = tr_h5_open_dataset(f->file, path);
    if (d < 0) return NULL;
    struct tr_h5_shape s;
    tr_h5_shape_of(d, 0, &s);
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t raw = H5Dget_type(d);
    char *items = NULL;
    if (raw >= 0 && opaque_of(raw, tag, size) && s.rank == 1 && s.points < SIZE_MAX / size)
        items = malloc(size * ((size_t)s.points + 1));
    if (items && s.points && H5Dread(d, raw, H5S_ALL, H5S_ALL, H5P_DEFAULT, items) < 0)
        free(items), items = NULL;
    if (raw >= 0) H5_CHECK(H5Tclose(raw));
    tr_h5_quiet_end(&q);
    H5_CHECK(H5Dclose(d));
    if (items) *n = (size_t)s.points;
    return items;
}
