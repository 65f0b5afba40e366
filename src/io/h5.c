#include "io/h5.h"
#include "io/h5diag.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Rows per collective write are bounded so that all ranks together hand MPI-IO no more than
 * this in one call (MPI counts are int, and collective buffers are allocated per call). */
#define ROUND_BYTES ((size_t)256 << 20)

/* Datasets of at least COMPRESS_MIN_BYTES are chunked (about CHUNK_BYTES a chunk) and deflated:
 * docs/performance.md has the sizes and times. */
#define COMPRESS_MIN_BYTES ((hsize_t)64 << 10)
#define CHUNK_BYTES        ((hsize_t)256 << 10)

static size_t type_size(hid_t type);
static int through_mpio(hid_t dset);

static int deflate_level = 1; /* tr_h5_set_deflate */
static int diagnostics;       /* --verbose: HDF5's own error stacks printed */

void tr_h5_set_deflate(int level)
{
    deflate_level = level < 0 ? 0 : level > 9 ? 9 : level;
}

hid_t tr_h5_str_type(size_t len)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5_CHECK(t);
    H5_CHECK(H5Tset_size(t, len + 1));
    H5_CHECK(H5Tset_strpad(t, H5T_STR_NULLTERM));
    H5_CHECK(H5Tset_cset(t, H5T_CSET_UTF8));
    return t;
}

size_t tr_h5_longest(const char *const *s, size_t n)
{
    size_t longest = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = s[i] ? strlen(s[i]) : 0;
        if (len > longest) longest = len;
    }
    return longest;
}

/* Attributes an object header holds before HDF5 moves them all to dense storage: the most
 * H5Pset_attr_phase_change allows, so that they never move. */
#define MAX_COMPACT_ATTRS 65535

void tr_h5_object_props(hid_t plist)
{
    /* A timestamp would make two runs' files differ in bytes. */
    H5_CHECK(H5Pset_obj_track_times(plist, 0));
    /* HDF5 1.10's H5Ocopy crashes on a variable-length attribute in dense storage (it converts it
     * without a file location: HDFGroup/hdf5 issue 2414, fixed in 1.14.4), and the checkpoints'
     * groups are copied into the run file, text attributes and all. */
    H5_CHECK(H5Pset_attr_phase_change(plist, MAX_COMPACT_ATTRS, MAX_COMPACT_ATTRS));
}

static hid_t untimed(hid_t class_id)
{
    hid_t plist = H5Pcreate(class_id);
    H5_CHECK(plist);
    tr_h5_object_props(plist);
    return plist;
}

hid_t tr_h5_group(hid_t loc, const char *name, const char *description)
{
    /* A group's name may be text from the inputs (a region's, under /models/regions): tagged
     * UTF-8, as every string of the file is, for readers that go by the tag. */
    hid_t gcpl = untimed(H5P_GROUP_CREATE), lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5_CHECK(lcpl);
    H5_CHECK(H5Pset_char_encoding(lcpl, H5T_CSET_UTF8));
    hid_t g = H5Gcreate2(loc, name, lcpl, gcpl, H5P_DEFAULT);
    H5_CHECK(g);
    H5_CHECK(H5Pclose(gcpl));
    H5_CHECK(H5Pclose(lcpl));
    tr_h5_attr_str(g, "description", description);
    return g;
}

/* Rows per chunk of a dataset whose chunks hold chunk_row_bytes a row: about CHUNK_BYTES a chunk,
 * never more rows than the dataset has (HDF5 refuses a chunk larger than a fixed dimension). It
 * depends on the shape and type only, never on the rank count: the same chunks, the same bytes. */
static hsize_t chunk_rows(hsize_t rows, hsize_t chunk_row_bytes)
{
    hsize_t n = chunk_row_bytes ? CHUNK_BYTES / chunk_row_bytes : rows;
    if (n < 1) n = 1;
    return n < rows ? n : rows;
}

/* Large datasets are chunked and deflated; small ones stay contiguous (a chunk index and filters
 * cost more than they save there). A matrix is chunked by column (a feature's values together
 * pack far better than a subscriber's mixed ones: the demo's features 2.9 times against 2.3), a
 * list or table by rows. Integers are shuffled first (bytes of equal significance together: a
 * region code's three zero bytes vanish); floats and tables are not, shuffling made them larger.
 * zlib's fastest level by default: level 6 saved a tenth more for three times the time. */
static void set_layout(hid_t dcpl, hid_t type, int rank, const hsize_t *dims)
{
    const hsize_t cols = rank == 2 ? dims[1] : 1, row_bytes = cols * type_size(type);
    if (deflate_level == 0 || dims[0] == 0 || dims[0] * row_bytes < COMPRESS_MIN_BYTES) {
        H5_CHECK(H5Pset_layout(dcpl, H5D_CONTIGUOUS));
        H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
        return;
    }
    const hsize_t chunk[2] = {chunk_rows(dims[0], rank == 2 ? type_size(type) : row_bytes), 1};
    H5_CHECK(H5Pset_chunk(dcpl, rank, chunk));
    if (H5Tget_class(type) == H5T_INTEGER && type_size(type) > 1) H5_CHECK(H5Pset_shuffle(dcpl));
    H5_CHECK(H5Pset_deflate(dcpl, (unsigned)deflate_level));
    /* Parallel HDF5 1.10 writes filtered chunks only collectively and allocates them at creation;
     * each is written once, whole (tr_h5_write_rows), so a fill value would only be overwritten. */
    H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
}

hid_t tr_h5_dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                    const char *description, const char *unit)
{
    hid_t dcpl = untimed(H5P_DATASET_CREATE);
    set_layout(dcpl, type, rank, dims);
    /* Parallel HDF5 allocates storage at creation; filling it would write every byte twice, and
     * every element is written by the caller anyway. */
    H5_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
    hid_t space = H5Screate_simple(rank, dims, NULL);
    H5_CHECK(space);
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5_CHECK(d);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Pclose(dcpl));
    tr_h5_attr_str(d, "description", description);
    if (unit) tr_h5_attr_str(d, "unit", unit);
    return d;
}

static void write_attr(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hid_t space,
                       const void *value)
{
    hid_t a = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5_CHECK(a);
    H5_CHECK(H5Awrite(a, mem_type, value));
    H5_CHECK(H5Aclose(a));
}

/* Attributes' strings are variable-length, so h5py gives them as str rather than bytes. Datasets
 * keep fixed-length ones (tr_h5_str_type): parallel HDF5 1.10 cannot write variable-length data
 * collectively, but an attribute is metadata, which every rank writes with the same value. */
static hid_t text_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5_CHECK(t);
    H5_CHECK(H5Tset_size(t, H5T_VARIABLE));
    H5_CHECK(H5Tset_strpad(t, H5T_STR_NULLTERM));
    H5_CHECK(H5Tset_cset(t, H5T_CSET_UTF8));
    return t;
}

void tr_h5_attr_str(hid_t obj, const char *name, const char *value)
{
    const char *text = value ? value : "";
    hid_t type = text_type();
    hid_t space = H5Screate(H5S_SCALAR);
    H5_CHECK(space);
    write_attr(obj, name, type, type, space, &text);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Tclose(type));
}

void tr_h5_attr_strs(hid_t obj, const char *name, const char *const *values, size_t n)
{
    /* NULL as "": HDF5 would store a null pointer as a null string, not every reader's "" */
    const char **text = TR_CALLOC(n ? n : 1, sizeof *text);
    for (size_t i = 0; i < n; i++)
        text[i] = values[i] ? values[i] : "";
    hid_t type = text_type();
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    H5_CHECK(space);
    write_attr(obj, name, type, type, space, text);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Tclose(type));
    free(text);
}

void tr_h5_attr_scalar(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                       const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    H5_CHECK(space);
    write_attr(obj, name, file_type, mem_type, space, value);
    H5_CHECK(H5Sclose(space));
}

void tr_h5_attr_f64s(hid_t obj, const char *name, const double *values, size_t n)
{
    hsize_t dims[1] = {(hsize_t)n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    H5_CHECK(space);
    write_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, values);
    H5_CHECK(H5Sclose(space));
}

static void insert_field(hid_t mem, hid_t file, size_t file_offset, const struct tr_h5_field *f)
{
    hid_t mt, ft;
    if (f->type == H5I_INVALID_HID) {
        mt = tr_h5_str_type(f->mem_len - 1);
        ft = tr_h5_str_type(f->file_len);
    } else {
        mt = H5Tget_native_type(f->type, H5T_DIR_DEFAULT);
        H5_CHECK(mt);
        ft = H5Tcopy(f->type);
        H5_CHECK(ft);
    }
    H5_CHECK(H5Tinsert(mem, f->name, f->offset, mt));
    H5_CHECK(H5Tinsert(file, f->name, file_offset, ft));
    H5_CHECK(H5Tclose(mt));
    H5_CHECK(H5Tclose(ft));
}

/* H5Tget_size of a type telrisk made: 0 (its failure) is internal. */
static size_t type_size(hid_t type)
{
    const size_t size = H5Tget_size(type);
    if (size == 0) {
        tr_h5_print_stack();
        TR_DIE(TR_EXIT_INTERNAL, "H5Tget_size failed");
    }
    return size;
}

static size_t file_field_size(const struct tr_h5_field *f)
{
    return f->type == H5I_INVALID_HID ? f->file_len + 1 : type_size(f->type);
}

void tr_h5_compound(const struct tr_h5_field *fields, int n, size_t mem_size, hid_t *mem_type,
                    hid_t *file_type)
{
    size_t packed = 0;
    for (int i = 0; i < n; i++)
        packed += file_field_size(&fields[i]);
    *mem_type = H5Tcreate(H5T_COMPOUND, mem_size);
    H5_CHECK(*mem_type);
    /* Packed: no padding bytes in the file, whose content would be whatever memory held. */
    *file_type = H5Tcreate(H5T_COMPOUND, packed);
    H5_CHECK(*file_type);
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        insert_field(*mem_type, *file_type, at, &fields[i]);
        at += file_field_size(&fields[i]);
    }
}

hid_t tr_h5_table(hid_t loc, const char *name, const struct tr_h5_field *fields, int n_fields,
                  hid_t file_type, hsize_t rows, const char *description)
{
    hsize_t dims[1] = {rows};
    hid_t d = tr_h5_dataset(loc, name, file_type, 1, dims, description, NULL);
    const char *units[64];
    if (n_fields > 64) TR_DIE(TR_EXIT_INTERNAL, "table %s has %d fields", name, n_fields);
    for (int i = 0; i < n_fields; i++)
        units[i] = fields[i].unit ? fields[i].unit : "";
    tr_h5_attr_strs(d, "units", units, (size_t)n_fields);
    return d;
}

/* Rows [first, first + n) of the dataset's space (whole rows), and the matching memory space. */
static hsize_t select_rows(hid_t file_space, hsize_t first, hsize_t n, hid_t *mem_space)
{
    hsize_t dims[2] = {0, 1};
    int rank = H5Sget_simple_extent_ndims(file_space);
    H5_CHECK(rank);
    H5_CHECK(H5Sget_simple_extent_dims(file_space, dims, NULL));
    hsize_t start[2] = {first, 0}, count[2] = {n, rank == 2 ? dims[1] : 1};
    if (n == 0) {
        H5_CHECK(H5Sselect_none(file_space));
        hsize_t one[1] = {1};
        *mem_space = H5Screate_simple(1, one, NULL);
        H5_CHECK(*mem_space);
        H5_CHECK(H5Sselect_none(*mem_space));
    } else {
        H5_CHECK(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL));
        *mem_space = H5Screate_simple(rank, count, NULL);
        H5_CHECK(*mem_space);
    }
    return count[1];
}

static void write_part(hid_t dset, hid_t mem_type, hid_t dxpl, const void *buf, hsize_t first,
                       hsize_t n)
{
    static const char nothing[1];
    hid_t file_space = H5Dget_space(dset);
    H5_CHECK(file_space);
    hid_t mem_space;
    select_rows(file_space, first, n, &mem_space);
    H5_CHECK(H5Dwrite(dset, mem_type, mem_space, file_space, dxpl, buf ? buf : nothing));
    H5_CHECK(H5Sclose(mem_space));
    H5_CHECK(H5Sclose(file_space));
}

/* The chunks a dataset of this space and chunk shape has, -1 when HDF5 cannot tell. */
static hssize_t chunks_expected(hid_t space, hid_t dcpl)
{
    hsize_t dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
    const int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    if (rank < 0 || H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk) != rank) return -1;
    double n = 1; /* a crafted extent may overflow an integer */
    for (int k = 0; k < rank; k++)
        n *= chunk[k] ? (double)((dims[k] + chunk[k] - 1) / chunk[k]) : 0;
    return n < 9e18 ? (hssize_t)n : -1;
}

int tr_h5_storage_complete(hid_t dset)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t dcpl = H5Dget_create_plist(dset), space = H5Dget_space(dset);
    const H5D_layout_t layout = dcpl < 0 ? H5D_LAYOUT_ERROR : H5Pget_layout(dcpl);
    H5D_space_status_t stored = H5D_SPACE_STATUS_ERROR;
    hsize_t have = 0;
    int complete = 0;
    if (layout == H5D_CHUNKED && space >= 0) {
        const hssize_t want = chunks_expected(space, dcpl);
        complete = want >= 0 && H5Dget_num_chunks(dset, space, &have) >= 0 && have == (hsize_t)want;
    } else if (layout >= 0) {
        complete = H5Dget_space_status(dset, &stored) >= 0 && stored == H5D_SPACE_STATUS_ALLOCATED;
    }
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    tr_h5_quiet_end(&q);
    return complete;
}

hsize_t tr_h5_chunk_rows(hid_t dset)
{
    hid_t dcpl = H5Dget_create_plist(dset);
    H5_CHECK(dcpl);
    const H5D_layout_t layout = H5Pget_layout(dcpl);
    H5_CHECK(layout);
    hsize_t chunk[2] = {0, 0};
    if (layout == H5D_CHUNKED) H5_CHECK(H5Pget_chunk(dcpl, 2, chunk));
    H5_CHECK(H5Pclose(dcpl));
    return chunk[0];
}

void tr_h5_write_slab(hid_t dset, hid_t mem_type, const void *buf, hsize_t first, hsize_t n)
{
    /* Parallel HDF5 writes filtered chunks collectively only: a large dataset of a file open on
     * every rank is written with tr_h5_write_rows (rank 0's rows and the others' none, for a
     * table rank 0 holds). A file one process opened alone takes independent writes. */
    if (tr_h5_chunk_rows(dset) > 0 && through_mpio(dset))
        TR_DIE(TR_EXIT_INTERNAL, "a chunked dataset written independently");
    if (n > 0) write_part(dset, mem_type, H5P_DEFAULT, buf, first, n);
}

/* Bytes in one row of the dataset in memory; 0 for a dataset with no columns. */
static size_t row_bytes(hid_t dset, hid_t mem_type)
{
    hid_t space = H5Dget_space(dset);
    H5_CHECK(space);
    hid_t none;
    hsize_t cols = select_rows(space, 0, 0, &none);
    H5_CHECK(H5Sclose(none));
    H5_CHECK(H5Sclose(space));
    return (size_t)cols * type_size(mem_type);
}

/* Rows per round: a whole number of chunks, from the dataset's shape alone. Every chunk is then
 * written whole in one collective call, compressed once and placed in chunk order, whatever the
 * number of ranks and wherever their rows begin: the same bytes at any rank count. */
static uint64_t round_rows(hid_t dset, size_t bytes)
{
    uint64_t rows = ROUND_BYTES / bytes ? ROUND_BYTES / bytes : 1;
    const uint64_t chunk = tr_h5_chunk_rows(dset);
    if (chunk > 0) rows = rows > chunk ? rows / chunk * chunk : chunk;
    return rows;
}

/* The file type of dset when writing from mem_type needs a conversion (a table's padded struct,
 * a wider string): H5I_INVALID_HID when it needs none. Parallel HDF5 falls back to independent
 * I/O for a conversion, which it refuses for filtered chunks, so tr_h5_write_rows converts first.
 */
static hid_t converted_type(hid_t dset, hid_t mem_type)
{
    hid_t file_type = H5Dget_type(dset);
    H5_CHECK(file_type);
    const htri_t same = H5Tequal(file_type, mem_type);
    H5_CHECK(same);
    if (!same && tr_h5_chunk_rows(dset) > 0) return file_type;
    H5_CHECK(H5Tclose(file_type));
    return H5I_INVALID_HID;
}

/* n rows of buf (mem_type) written at row `at`: as they are, or converted to file_type first. */
static void write_round(hid_t dset, hid_t mem_type, hid_t file_type, hid_t dxpl, const char *buf,
                        uint64_t at, uint64_t n, size_t bytes)
{
    if (file_type < 0 || n == 0) {
        write_part(dset, file_type < 0 ? mem_type : file_type, dxpl, buf, at, n);
        return;
    }
    const size_t cols = bytes / type_size(mem_type), file_bytes = cols * type_size(file_type);
    const size_t wide = bytes > file_bytes ? bytes : file_bytes; /* conversion is in place */
    char *converted = TR_CALLOC(n, wide), *background = TR_CALLOC(n, wide); /* tables need one */
    memcpy(converted, buf, n * bytes);
    H5_CHECK(H5Tconvert(mem_type, file_type, n * cols, converted, background, H5P_DEFAULT));
    write_part(dset, file_type, dxpl, converted, at, n);
    free(background);
    free(converted);
}

/* Whether the dataset's file is open through the MPI-IO driver (rank 0 alone assembles the run
 * file from the checkpoints through the default one, and writes /provenance/stages there). */
static int through_mpio(hid_t dset)
{
    hid_t file = H5Iget_file_id(dset);
    H5_CHECK(file);
    hid_t fapl = H5Fget_access_plist(file);
    H5_CHECK(fapl);
    const hid_t driver = H5Pget_driver(fapl);
    H5_CHECK(driver);
    H5_CHECK(H5Pclose(fapl));
    H5_CHECK(H5Fclose(file));
    return driver == H5FD_MPIO;
}

void tr_h5_write_rows(const struct tr_ctx *ctx, hid_t dset, hid_t mem_type, const void *buf,
                      uint64_t first, uint64_t n_local)
{
    (void)ctx; /* the file's communicator: the rounds follow from the dataset alone */
    size_t bytes = row_bytes(dset, mem_type);
    if (bytes == 0) return; /* same answer on every rank: the dataset's shape is global */
    const uint64_t per_round = round_rows(dset, bytes), total = tr_h5_rows(dset);
    const uint64_t end = first + n_local;
    const hid_t file_type = converted_type(dset, mem_type);
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5_CHECK(dxpl);
    if (through_mpio(dset)) H5_CHECK(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
    /* Rounds over the global rows, the same on every rank: each writes its part of the round's
     * rows (maybe none). */
    for (uint64_t lo = 0; lo < total; lo += per_round) {
        const uint64_t hi = total - lo < per_round ? total : lo + per_round;
        const uint64_t from = first > lo ? first : lo, to = end < hi ? end : hi;
        const uint64_t n = to > from ? to - from : 0;
        const char *part = n ? (const char *)buf + (from - first) * bytes : NULL;
        write_round(dset, mem_type, file_type, dxpl, part, n ? from : 0, n, bytes);
    }
    if (file_type >= 0) H5_CHECK(H5Tclose(file_type));
    H5_CHECK(H5Pclose(dxpl));
}

/* A read of stored values failed: the file's data is damaged (a compressed chunk that no longer
 * inflates, a truncated file) and was read without verifying it. An input error, with the
 * dataset and file named; HDF5's stack with --verbose only. */
static _Noreturn void damaged_read(hid_t dset)
{
    char name[512] = "?", file[4096] = "?";
    if (H5Iget_name(dset, name, sizeof name) < 0) snprintf(name, sizeof name, "?");
    if (H5Fget_name(dset, file, sizeof file) < 0) snprintf(file, sizeof file, "?");
    if (diagnostics) tr_h5_print_stack();
    tr_die_input("cannot read %s of %s: its stored data is damaged (telrisk verify names what "
                 "differs)",
                 name, file);
}

void tr_h5_read_rows(hid_t dset, hid_t mem_type, void *buf, hsize_t first, hsize_t n)
{
    static char nothing[1];
    hid_t file_space = H5Dget_space(dset), mem_space;
    H5_CHECK(file_space);
    select_rows(file_space, first, n, &mem_space);
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    const herr_t read =
        H5Dread(dset, mem_type, mem_space, file_space, H5P_DEFAULT, n ? buf : nothing);
    tr_h5_quiet_end(&q);
    if (read < 0) damaged_read(dset);
    H5_CHECK(H5Sclose(mem_space));
    H5_CHECK(H5Sclose(file_space));
}

void tr_h5_quiet_begin(struct tr_h5_quiet *q)
{
    H5_CHECK(H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data));
    H5_CHECK(H5Eset_auto2(H5E_DEFAULT, NULL, NULL));
}

void tr_h5_quiet_end(const struct tr_h5_quiet *q)
{
    H5_CHECK(H5Eset_auto2(H5E_DEFAULT, q->func, q->data));
}

void tr_h5_shape_of(hid_t obj, int is_attr, struct tr_h5_shape *s)
{
    /* Damaged metadata (an unknown dataspace class...) fails these calls: an object of no class
     * and no rank, which every reader refuses, rather than a failed check (exit 3). */
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    memset(s, 0, sizeof *s);
    s->cls = H5T_NO_CLASS;
    s->rank = -2;
    hid_t type = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hsize_t dims[H5S_MAX_RANK]; /* whatever the rank: a file may hold up to 32 dimensions */
    const int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    /* points < 0 also for more than 2^63 elements: then "too many", not "unreadable" */
    const hssize_t points = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    if (type >= 0 && rank >= 0 && H5Sget_simple_extent_dims(space, dims, NULL) >= 0) {
        s->cls = H5Tget_class(type);
        s->variable = s->cls == H5T_STRING && H5Tis_variable_str(type) > 0;
        s->rank = H5Sget_simple_extent_type(space) == H5S_NULL ? -1 : rank;
        for (int k = 0; k < rank && k < 2; k++)
            s->dims[k] = dims[k];
        s->points = points < 0 ? (hsize_t)-1 : (hsize_t)points;
    }
    if (space >= 0) H5_CHECK(H5Sclose(space));
    if (type >= 0) H5_CHECK(H5Tclose(type));
    tr_h5_quiet_end(&q);
}

const char *tr_h5_strings_problem(hid_t obj, int is_attr, hsize_t *n)
{
    struct tr_h5_shape s;
    tr_h5_shape_of(obj, is_attr, &s);
    *n = s.points;
    if (s.cls != H5T_STRING) return "does not hold text";
    /* the count is an int, and the array of pointers must not overflow */
    if (s.points > INT32_MAX / 2) return "holds too many strings";
    return NULL;
}

/* The n strings HDF5 read into buf (pointers when variable, else width bytes each, NUL-ended),
 * each copied into memory of our own. */
static char **copy_strings(const char *buf, int n, int variable, size_t width)
{
    char **out = TR_MALLOC(sizeof(char *) * ((size_t)n + 1));
    for (int i = 0; i < n; i++) {
        const char *v = variable ? ((char *const *)buf)[i] : buf + (size_t)i * width;
        out[i] = variable ? TR_STRDUP(v ? v : "") : TR_STRNDUP(v, width - 1);
    }
    return out;
}

char **tr_h5_read_strings(hid_t obj, int is_attr, int *n)
{
    hsize_t points = 0;
    *n = 0;
    if (tr_h5_strings_problem(obj, is_attr, &points)) return NULL;
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t ftype = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    H5_CHECK(space);
    H5_CHECK(ftype);
    hid_t mtype = H5Tcopy(H5T_C_S1);
    H5_CHECK(mtype);
    H5_CHECK(H5Tset_cset(mtype, H5Tget_cset(ftype))); /* HDF5 converts no character sets */
    const int variable = H5Tis_variable_str(ftype) > 0;
    const size_t width = variable ? sizeof(char *) : H5Tget_size(ftype) + 1;
    H5_CHECK(H5Tset_size(mtype, variable ? H5T_VARIABLE : width));
    /* Zeroed: a variable-length read that stops part way leaves NULLs, which reclaiming skips. */
    char *buf = TR_CALLOC((size_t)points + 1, width);
    struct tr_h5_quiet q; /* damaged storage is the file's problem, said by the caller */
    tr_h5_quiet_begin(&q);
    const herr_t rc = points == 0 ? 0
                      : is_attr   ? H5Aread(obj, mtype, buf)
                                  : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    tr_h5_quiet_end(&q);
    char **out = rc >= 0 ? copy_strings(buf, (int)points, variable, width) : NULL;
    /* HDF5 allocated every variable-length string it read: given back however the read ended */
    if (variable && points) H5_CHECK(H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf));
    free(buf);
    H5_CHECK(H5Tclose(mtype));
    H5_CHECK(H5Tclose(ftype));
    H5_CHECK(H5Sclose(space));
    *n = out ? (int)points : 0;
    return out;
}

void tr_h5_free_strings(char **s, int n)
{
    for (int i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

int tr_h5_link_exists(hid_t loc, const char *path)
{
    const htri_t yes = H5Lexists(loc, path, H5P_DEFAULT);
    H5_CHECK(yes);
    return yes > 0;
}

int tr_h5_attr_exists(hid_t obj, const char *name)
{
    const htri_t yes = H5Aexists(obj, name);
    H5_CHECK(yes);
    return yes > 0;
}

hid_t tr_h5_open_dataset(hid_t loc, const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t d = H5Lexists(loc, path, H5P_DEFAULT) > 0 ? H5Dopen2(loc, path, H5P_DEFAULT) : -1;
    tr_h5_quiet_end(&q);
    return d < 0 ? H5I_INVALID_HID : d;
}

hsize_t tr_h5_rows(hid_t dset)
{
    hid_t space = H5Dget_space(dset);
    H5_CHECK(space);
    hsize_t dims[2] = {0, 0};
    H5_CHECK(H5Sget_simple_extent_dims(space, dims, NULL));
    H5_CHECK(H5Sclose(space));
    return dims[0];
}

void tr_h5_print_stack(void)
{
    H5Eprint2(H5E_DEFAULT, stderr);
}

static char writing_path[4096], writing_tmp[4096]; /* "": nothing being written */

void tr_h5_diagnostics(int on)
{
    diagnostics = on;
    H5_CHECK(H5Eset_auto2(H5E_DEFAULT, on ? (H5E_auto2_t)H5Eprint2 : NULL, on ? stderr : NULL));
}

void tr_h5_writing(const char *path, const char *tmp)
{
    snprintf(writing_path, sizeof writing_path, "%s", tmp ? path : "");
    snprintf(writing_tmp, sizeof writing_tmp, "%s", tmp ? tmp : "");
}

/* The text between `after` and the next quote in s, into out: how HDF5 quotes the system's
 * reason ("errno = 28, error message = 'No space left on device'", "MPI error string is '...'"). */
static int quoted_after(const char *s, const char *after, char *out, size_t len)
{
    const char *at = s ? strstr(s, after) : NULL;
    if (!at) return 0;
    at += strlen(after);
    const size_t n = strcspn(at, "'");
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), at);
    return n > 0;
}

struct reason {
    int io;         /* a low-level I/O or file driver failure is on the stack */
    char text[256]; /* the system's words, when HDF5 quoted them */
};

static herr_t reason_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    struct reason *r = data;
    if (e->maj_num == H5E_IO || e->maj_num == H5E_VFL) r->io = 1;
    if (!r->text[0] && !quoted_after(e->desc, "error message = '", r->text, sizeof r->text))
        quoted_after(e->desc, "error string is '", r->text, sizeof r->text);
    return 0;
}

/* The system's reason for a failed write into out (256 bytes): the words HDF5 quoted, errno's,
 * or, when the MPI-IO driver kept neither (it says only "file write failed"), what the file
 * system shows: no space left on it. 0 when the failure is not the file system's. */
static int system_reason(int saved_errno, char out[256])
{
    struct reason r = {0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, reason_cb, &r);
    const int system = saved_errno == ENOSPC || saved_errno == EDQUOT || saved_errno == EIO ||
                       saved_errno == EFBIG || saved_errno == EROFS;
    struct statvfs st;
    if (r.text[0])
        snprintf(out, 256, "%s", r.text);
    else if (system)
        snprintf(out, 256, "%s", strerror(saved_errno));
    else if (r.io && statvfs(writing_tmp, &st) == 0 &&
             st.f_bavail * st.f_frsize < ((uint64_t)1 << 20))
        snprintf(out, 256, "%s", strerror(ENOSPC));
    else if (r.io)
        snprintf(out, 256,
                 "the file system refused a write (HDF5's MPI-IO driver gives no reason)");
    else
        return 0;
    return 1;
}

_Noreturn void tr_h5_fail(const char *call, const char *file, int line)
{
    const int saved_errno = errno;
    char reason[256];
    if (writing_tmp[0] && system_reason(saved_errno, reason)) {
        if (diagnostics) tr_h5_print_stack();
        unlink(writing_tmp); /* never a half-written file left behind */
        tr_die_input("cannot write %s: %s (the temporary file %s is removed)", writing_path, reason,
                     writing_tmp);
    }
    tr_h5_print_stack();
    tr_die(file, line, TR_EXIT_INTERNAL, "%s failed", call);
}

char **tr_h5_attr_texts(hid_t obj, const char *name, int *n)
{
    *n = 0;
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t a = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : H5I_INVALID_HID;
    tr_h5_quiet_end(&q);
    if (a < 0) return NULL;
    char **v = tr_h5_read_strings(a, 1, n);
    H5_CHECK(H5Aclose(a));
    return v;
}

char *tr_h5_attr_text(hid_t obj, const char *name)
{
    int n = 0;
    char **v = tr_h5_attr_texts(obj, name, &n);
    char *text = n ? v[0] : NULL;
    if (n) v[0] = NULL; /* kept: the caller's */
    tr_h5_free_strings(v, n);
    return text;
}

/* Root attributes of src copied to dst as stored (their own file types, no conversion). */
static herr_t copy_root_attr(hid_t src, const char *name, const H5A_info_t *info, void *dst_p)
{
    (void)info;
    const hid_t dst = *(const hid_t *)dst_p;
    hid_t a = H5Aopen(src, name, H5P_DEFAULT);
    hid_t type = a < 0 ? a : H5Aget_type(a), space = a < 0 ? a : H5Aget_space(a);
    const hssize_t points = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    const size_t size = type < 0 ? 0 : H5Tget_size(type);
    int rc = a < 0 || type < 0 || space < 0 || points < 0 || size == 0 ? -1 : 0;
    void *buf = rc ? NULL : calloc((size_t)points + 1, size);
    if (!rc && (!buf || H5Aread(a, type, buf) < 0)) rc = -1;
    if (!rc) {
        hid_t b = H5Acreate2(dst, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        rc = b < 0 || H5Awrite(b, type, buf) < 0 ? -1 : 0;
        if (b >= 0 && H5Aclose(b) < 0) rc = -1;
        if (H5Tis_variable_str(type) > 0) H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
    }
    free(buf);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (a >= 0) H5Aclose(a);
    return rc;
}

struct repack {
    hid_t dst;
    const char *last; /* copied after every other object (tr_h5_repack) */
    int last_seen;
};

/* Every object under the root of src copied to dst, as stored (a compressed chunk is copied, not
 * inflated and deflated again), but the one to copy last. */
static herr_t copy_root_link(hid_t src, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    struct repack *r = data;
    if (r->last && strcmp(name, r->last) == 0) return r->last_seen = 1, 0;
    return H5Ocopy(src, name, r->dst, name, H5P_DEFAULT, H5P_DEFAULT);
}

int tr_h5_repack(const char *from, const char *to, const char *last, char *err, size_t errlen)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5_CHECK(fapl);
    H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18));
    hid_t src = H5Fopen(from, H5F_ACC_RDONLY, fapl);
    hid_t fcpl = src < 0 ? src : H5Fget_create_plist(src); /* the same file settings */
    hid_t dst = fcpl < 0 ? fcpl : H5Fcreate(to, H5F_ACC_TRUNC, fcpl, fapl);
    struct repack r = {.dst = dst, .last = last};
    int rc = dst < 0 ? -1 : 0;
    /* In name order, one object after another: where each lands in the file follows from the
     * content alone, never from the ranks that wrote it. */
    if (!rc) rc = H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_root_attr, &dst) < 0;
    if (!rc) rc = H5Literate(src, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_root_link, &r) < 0;
    if (!rc && r.last_seen) rc = H5Ocopy(src, last, dst, last, H5P_DEFAULT, H5P_DEFAULT) < 0;
    if (dst >= 0 && H5Fclose(dst) < 0) rc = 1;
    if (fcpl >= 0) H5Pclose(fcpl);
    if (src >= 0) H5Fclose(src);
    H5_CHECK(H5Pclose(fapl));
    tr_h5_quiet_end(&q);
    if (rc) {
        if (diagnostics) tr_h5_print_stack();
        snprintf(err, errlen, "cannot copy %s into %s (full disk, or a damaged file)", from, to);
        unlink(to);
    }
    return rc;
}
