/* HDF5 helpers for the run file. Everything they create has a fixed size, chunks (of a large
 * dataset) that follow from its shape alone and no timestamps, so the same content gives the same
 * values whatever the number of ranks that wrote it, and, once repacked (tr_h5_repack), the same
 * bytes (docs/architecture.md, "Reproducibility"). Datasets hold fixed-length strings, attributes
 * variable-length ones (docs/output.md, "Conventions"). Creating objects and attributes is
 * collective in parallel HDF5: every rank makes the same calls with the same values.
 */
#ifndef TELRISK_IO_H5_H
#define TELRISK_IO_H5_H

#include "core/error.h"
#include "core/log.h"

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* H5_CHECK: HDF5 calls return a negative value on failure. While a file is being written
 * (tr_h5_writing) and the failure is the file system's (no space, quota, I/O error: the system's
 * reason is on HDF5's error stack), the job ends with exit 2 and one message naming the file and
 * the reason, the temporary file removed; any other failure is internal: the HDF5 error stack is
 * printed and the job ends with exit 3. */
#define H5_CHECK(call)                                                                             \
    do {                                                                                           \
        if ((call) < 0) tr_h5_fail(#call, __FILE__, __LINE__);                                     \
    } while (0)
_Noreturn void tr_h5_fail(const char *call, const char *file, int line);
void tr_h5_print_stack(void);

/* This process is writing `path` under the temporary name tmp (the file a failure removes);
 * tmp NULL: no longer. Per process: each rank says so for the file it writes. */
void tr_h5_writing(const char *path, const char *tmp);

/* A fixed-length, NUL-terminated UTF-8 string type of len characters (plus the NUL): datasets'
 * strings, which parallel HDF5 1.10 can write collectively, as it cannot variable-length ones. */
hid_t tr_h5_str_type(size_t len);

/* The longest of n strings (NULL counts as empty). */
size_t tr_h5_longest(const char *const *s, size_t n);

/* What every object telrisk creates has (set on its creation property list, the file's for the
 * root): no timestamps, and attributes kept in its header however many (io/h5.c says why). */
void tr_h5_object_props(hid_t plist);

hid_t tr_h5_group(hid_t loc, const char *name, const char *description);

/* The deflate level for the datasets of 64 KiB or more that this process creates from now on: 1
 * (fastest, the default) to 9 (smallest), 0 for none (every dataset contiguous). Every rank sets
 * the same (output.compression); docs/performance.md measures it. */
void tr_h5_set_deflate(int level);
/* What deflates the chunks this process writes (io/deflate.c: libdeflate behind HDF5's deflate
 * filter), with its version: "libdeflate 1.14". The chunks' bytes are that library's. */
const char *tr_h5_deflate_library(void);

/* A dataset of rank 1 or 2, allocated at creation and never filled: every element is written
 * afterwards. One of 64 KiB or more is chunked (a matrix by column, about 256 KiB a chunk) and
 * deflated (tr_h5_set_deflate), and must then be written with tr_h5_write_rows; a smaller one is
 * contiguous. unit: "" for keys and codes; NULL (no unit attribute) only where a `units` attribute
 * gives one per column. */
hid_t tr_h5_dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                    const char *description, const char *unit);

/* A text attribute, a scalar or n strings (NULL written as ""): variable-length, NUL-terminated,
 * UTF-8, which h5py reads as str. */
void tr_h5_attr_str(hid_t obj, const char *name, const char *value);
void tr_h5_attr_strs(hid_t obj, const char *name, const char *const *values, size_t n);
void tr_h5_attr_f64s(hid_t obj, const char *name, const double *values, size_t n);
void tr_h5_attr_scalar(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                       const void *value);

/* One member of a table stored as a compound dataset, described once for both the in-memory
 * struct and the packed file record. */
struct tr_h5_field {
    const char *name;
    size_t offset;   /* in the memory struct (offsetof) */
    hid_t type;      /* file type of a number (H5T_STD_I64LE, ...); H5I_INVALID_HID: a string */
    size_t mem_len;  /* string: bytes in the memory struct */
    size_t file_len; /* string: characters kept in the file */
    const char *unit;
};

/* Memory type (the struct's layout) and packed file type of a table. */
void tr_h5_compound(const struct tr_h5_field *fields, int n, size_t mem_size, hid_t *mem_type,
                    hid_t *file_type);

/* A rank-1 compound dataset of n rows with a description and a `units` attribute (one string per
 * member, empty where a member has none). */
hid_t tr_h5_table(hid_t loc, const char *name, const struct tr_h5_field *fields, int n_fields,
                  hid_t file_type, hsize_t rows, const char *description);

/* Independent: rows [first, first + n) of a rank-1 or rank-2 contiguous dataset from buf (whole
 * rows); a chunked one is an internal error (parallel HDF5 filters only collective writes). */
void tr_h5_write_slab(hid_t dset, hid_t mem_type, const void *buf, hsize_t first, hsize_t n);

/* Collective over ctx->comm: every rank writes its n_local whole rows starting at row `first`,
 * with collective MPI-IO, in rounds of bounded size over the global rows (whole chunks each);
 * ranks with no rows in a round take part with an empty selection. A table only rank 0 holds:
 * n_local = its rows on rank 0, 0 elsewhere. */
void tr_h5_write_rows(const struct tr_ctx *ctx, hid_t dset, hid_t mem_type, const void *buf,
                      uint64_t first, uint64_t n_local);

/* 1 when every element of the dataset has storage in the file: a contiguous one allocated, a
 * chunked one with every chunk there (HDF5's space status says "partly" for any compressed
 * dataset, its storage being smaller than its values); 0 otherwise or when HDF5 cannot tell (a
 * file may come from anywhere). Quiet. */
int tr_h5_storage_complete(hid_t dset);

/* Rows per chunk of a chunked dataset; 0 for a contiguous one. */
hsize_t tr_h5_chunk_rows(hid_t dset);

/* Single process: the file `from` copied object by object into a new file `to` (root attributes,
 * then every object under the root, each in name order, as stored: compressed chunks are not
 * recompressed; the object named `last`, if there is one, after all others). Parallel HDF5
 * places the chunks of a collective write in an order that depends on which ranks compressed
 * them; the copy's layout follows from the content alone, so a file is the same bytes at any
 * rank count, and space freed by replaced objects is left behind. An object whose size may vary
 * between runs of the same content (`/provenance`: timings, command lines) goes last, so that
 * nothing else moves. 0, or 1 with err (`to` removed). */
int tr_h5_repack(const char *from, const char *to, const char *last, char *err, size_t errlen);

/* The number of rows (the first dimension) of a rank-1 or rank-2 dataset. */
hsize_t tr_h5_rows(hid_t dset);

/* Rows [first, first + n) of a rank-1 or rank-2 dataset into buf (whole rows), independently. */
void tr_h5_read_rows(hid_t dset, hid_t mem_type, void *buf, hsize_t first, hsize_t n);

/* Turns HDF5's automatic error printing off (for calls whose failure is checked and reported by
 * the caller) and back on. */
struct tr_h5_quiet {
    H5E_auto2_t func;
    void *data;
};
void tr_h5_quiet_begin(struct tr_h5_quiet *q);
void tr_h5_quiet_end(const struct tr_h5_quiet *q);

/* What a reader checks of a dataset or attribute before it reads it (a file may come from
 * anywhere): its type's class and its dataspace (H5T_NO_CLASS and rank -2 when HDF5 cannot tell:
 * damaged metadata). */
struct tr_h5_shape {
    H5T_class_t cls;
    int variable;    /* a variable-length string */
    int rank;        /* -1: an empty (null) dataspace; 0: a scalar; -2: unreadable */
    hsize_t dims[2]; /* the first two dimensions, 0 beyond the rank */
    hsize_t points;  /* elements */
};
void tr_h5_shape_of(hid_t obj, int is_attr, struct tr_h5_shape *s);

/* NULL when obj (an attribute when is_attr, else a dataset) holds strings tr_h5_read_strings
 * can read, *n of them (fixed or variable length, a scalar or 1-D); else the problem, to follow
 * the object's name in a message. */
const char *tr_h5_strings_problem(hid_t obj, int is_attr, hsize_t *n);

/* The strings of a string attribute (is_attr) or dataset, fixed or variable length: *n of them,
 * each and the array to free (tr_h5_free_strings); NULL (*n = 0) when tr_h5_strings_problem finds
 * a problem or HDF5 cannot read them (a file may come from anywhere). */
char **tr_h5_read_strings(hid_t obj, int is_attr, int *n);
void tr_h5_free_strings(char **s, int n);

/* The readers of obj's text attribute name, whichever length its strings have (telrisk writes
 * variable-length ones; older files, and files from elsewhere, may hold fixed ones): all its
 * strings (*n, to free with tr_h5_free_strings), or the first one (to free). NULL when it is
 * absent, not text or unreadable: probed quietly, for files from anywhere. */
char **tr_h5_attr_texts(hid_t obj, const char *name, int *n);
char *tr_h5_attr_text(hid_t obj, const char *name);

/* H5Lexists and H5Aexists for a file telrisk itself is writing, where a failure is internal
 * (H5_CHECK): 1 or 0. A file from elsewhere is probed quietly instead (tr_h5_open_dataset). */
int tr_h5_link_exists(hid_t loc, const char *path);
int tr_h5_attr_exists(hid_t obj, const char *name);

/* The dataset at path, opened without HDF5's error printing: H5I_INVALID_HID when there is none
 * (nothing of that name, or a group). */
hid_t tr_h5_open_dataset(hid_t loc, const char *path);

#endif
