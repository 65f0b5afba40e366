#include "io/h5.h"
#include "io/h5diag.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Rows per collective write are bounded so no rank hands MPI-IO more than this in one call
 * (MPI counts are int, and collective buffers are allocated per call). */
#define ROUND_BYTES ((size_t)64 << 20)

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

/* Object headers without access/modification times: a timestamp would make two runs' files
 * differ in bytes. */
static hid_t untimed(hid_t class_id)
{
    hid_t plist = H5Pcreate(class_id);
    H5_CHECK(plist);
    H5_CHECK(H5Pset_obj_track_times(plist, 0));
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

hid_t tr_h5_dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                    const char *description, const char *unit)
{
    hid_t dcpl = untimed(H5P_DATASET_CREATE);
    H5_CHECK(H5Pset_layout(dcpl, H5D_CONTIGUOUS));
    /* Parallel HDF5 allocates contiguous storage at creation; filling it would write every byte
     * twice, and every element is written by the caller anyway. */
    H5_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
    H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
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

void tr_h5_attr_str(hid_t obj, const char *name, const char *value)
{
    const char *text = value ? value : "";
    hid_t type = tr_h5_str_type(strlen(text));
    hid_t space = H5Screate(H5S_SCALAR);
    H5_CHECK(space);
    write_attr(obj, name, type, type, space, text);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Tclose(type));
}

void tr_h5_attr_strs(hid_t obj, const char *name, const char *const *values, size_t n)
{
    size_t width = tr_h5_longest(values, n) + 1;
    /* Zeroed: the bytes after each string's NUL reach the file too. */
    char *packed = TR_CALLOC(n ? n : 1, width);
    for (size_t i = 0; i < n; i++)
        if (values[i]) memcpy(packed + i * width, values[i], strlen(values[i]));
    hid_t type = tr_h5_str_type(width - 1);
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    H5_CHECK(space);
    write_attr(obj, name, type, type, space, packed);
    H5_CHECK(H5Sclose(space));
    H5_CHECK(H5Tclose(type));
    free(packed);
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

void tr_h5_write_slab(hid_t dset, hid_t mem_type, const void *buf, hsize_t first, hsize_t n)
{
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

void tr_h5_write_rows(const struct tr_ctx *ctx, hid_t dset, hid_t mem_type, const void *buf,
                      uint64_t first, uint64_t n_local)
{
    size_t bytes = row_bytes(dset, mem_type);
    if (bytes == 0) return; /* same answer on every rank: the dataset's shape is global */
    uint64_t per_round = ROUND_BYTES / bytes ? ROUND_BYTES / bytes : 1;
    uint64_t rounds = (n_local + per_round - 1) / per_round, max_rounds = 0;
    MPI_CHECK(MPI_Allreduce(&rounds, &max_rounds, 1, MPI_UINT64_T, MPI_MAX, ctx->comm));
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5_CHECK(dxpl);
    H5_CHECK(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
    for (uint64_t r = 0; r < max_rounds; r++) {
        uint64_t done = r * per_round < n_local ? r * per_round : n_local;
        uint64_t n = n_local - done < per_round ? n_local - done : per_round;
        const char *part = n ? (const char *)buf + done * bytes : NULL;
        write_part(dset, mem_type, dxpl, part, first + done, n);
    }
    H5_CHECK(H5Pclose(dxpl));
}

void tr_h5_read_rows(hid_t dset, hid_t mem_type, void *buf, hsize_t first, hsize_t n)
{
    static char nothing[1];
    hid_t file_space = H5Dget_space(dset), mem_space;
    H5_CHECK(file_space);
    select_rows(file_space, first, n, &mem_space);
    H5_CHECK(H5Dread(dset, mem_type, mem_space, file_space, H5P_DEFAULT, n ? buf : nothing));
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

char **tr_h5_read_strings(hid_t obj, int is_attr, int *n)
{
    hsize_t points = 0;
    *n = 0;
    if (tr_h5_strings_problem(obj, is_attr, &points)) return NULL;
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t ftype = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    H5_CHECK(space);
    H5_CHECK(ftype);
    *n = (int)points;
    char **out = TR_MALLOC(sizeof(char *) * ((size_t)*n + 1));
    hid_t mtype = H5Tcopy(H5T_C_S1);
    H5_CHECK(mtype);
    H5_CHECK(H5Tset_cset(mtype, H5Tget_cset(ftype))); /* HDF5 converts no character sets */
    const int variable = H5Tis_variable_str(ftype) > 0;
    const size_t width = variable ? sizeof(char *) : H5Tget_size(ftype) + 1;
    H5_CHECK(H5Tset_size(mtype, variable ? H5T_VARIABLE : width));
    char *buf = TR_CALLOC((size_t)*n + 1, width);
    if (*n)
        H5_CHECK(is_attr ? H5Aread(obj, mtype, buf)
                         : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
    for (int i = 0; i < *n; i++) {
        const char *v = variable ? ((char **)buf)[i] : buf + (size_t)i * width;
        out[i] = variable ? TR_STRDUP(v ? v : "") : TR_STRNDUP(v, width - 1);
    }
    if (variable && *n) H5_CHECK(H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf));
    free(buf);
    H5_CHECK(H5Tclose(mtype));
    H5_CHECK(H5Tclose(ftype));
    H5_CHECK(H5Sclose(space));
    return out;
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

static int diagnostics;                            /* --verbose */
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

char *tr_h5_attr_text(hid_t obj, const char *name)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t a = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : H5I_INVALID_HID;
    tr_h5_quiet_end(&q);
    if (a < 0) return NULL;
    int n = 0;
    char **v = tr_h5_read_strings(a, 1, &n);
    H5_CHECK(H5Aclose(a));
    char *text = n ? v[0] : NULL;
    for (int k = 1; k < n; k++)
        free(v[k]);
    free(v);
    return text;
}
