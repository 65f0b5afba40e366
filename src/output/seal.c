#include "output/seal.h"
#include "output/history.h"
#include "output/groups.h"

#include "core/error.h"
#include "core/log.h"
#include "io/h5.h"

#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIGEST_BYTES  crypto_generichash_BYTES /* 32: BLAKE2b-256 */
#define CHECKSUM_ATTR "checksum"
#define MANIFEST_ATTR "manifest" /* the root's: every other object, its kind and checksum */
#define CHECKSUM_TEXT (sizeof TR_CHECKSUM_PREFIX - 1 + 2 * DIGEST_BYTES)
#define SLAB_BYTES    ((size_t)16 << 20) /* a dataset is hashed this much at a time */

struct digest {
    crypto_generichash_state state;
    int64_t bytes; /* hashed so far */
};

static void feed(struct digest *d, const void *p, size_t n)
{
    crypto_generichash_update(&d->state, p, n);
    d->bytes += (int64_t)n;
}

/* Little-endian, so the digest does not depend on the machine that computes it. */
static void feed_u64(struct digest *d, uint64_t v)
{
    unsigned char b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(v >> (8 * k));
    feed(d, b, sizeof b);
}

/* n values read with the object's own file type (no conversion: the bytes as stored). Variable-
 * length strings come as pointers: their lengths and bytes are hashed. Other variable-length
 * types are not written by telrisk: -1. The calls on the file's objects below return -1 where
 * they fail (a file to verify may come from anywhere: the object is then "cannot be read");
 * those that do not depend on the file (closing, memory spaces, selections within the shape
 * read) are H5_CHECKed. */
static int feed_values(struct digest *d, hid_t type, const void *buf, size_t n)
{
    if (H5Tis_variable_str(type) > 0) {
        const char *const *s = buf;
        for (size_t i = 0; i < n; i++) {
            size_t len = s[i] ? strlen(s[i]) : 0;
            feed_u64(d, len);
            if (len) feed(d, s[i], len);
        }
        return 0;
    }
    const size_t size = H5Tget_size(type); /* 0: HDF5 cannot tell */
    if (H5Tdetect_class(type, H5T_VLEN) != 0 || H5Tdetect_class(type, H5T_REFERENCE) != 0 ||
        size == 0)
        return -1;
    feed(d, buf, n * size);
    return 0;
}

/* The type's class and size and the space's shape: a reshaped or retyped object differs even when
 * its bytes do not. A variable-length string's size (every text attribute telrisk writes) is a
 * pointer's, which depends on the machine: it counts as 0, a size no fixed-length type has. So
 * the checksum is over the type as stored: the same text in a fixed-length string (an attribute
 * of a file written before they became variable-length) has another one. */
static int feed_shape(struct digest *d, hid_t type, hid_t space, hssize_t *points)
{
    int rank = H5Sget_simple_extent_ndims(space);
    *points = H5Sget_simple_extent_npoints(space);
    if (rank < 0 || *points < 0) return -1;
    hsize_t dims[H5S_MAX_RANK];
    if (H5Sget_simple_extent_dims(space, dims, NULL) < 0) return -1;
    const H5T_class_t cls = H5Tget_class(type);
    const size_t size = H5Tget_size(type);
    if (cls == H5T_NO_CLASS || size == 0) return -1; /* HDF5 cannot tell: damaged metadata */
    feed_u64(d, (uint64_t)cls);
    feed_u64(d, H5Tis_variable_str(type) > 0 ? 0 : size);
    feed_u64(d, (uint64_t)rank);
    for (int k = 0; k < rank; k++)
        feed_u64(d, dims[k]);
    return 0;
}

/* Whether values of type hold memory HDF5 allocates on read (variable-length strings or
 * sequences, anywhere in a compound or array): a crafted file may use them where telrisk writes
 * fixed ones, and they must be given back. */
static int holds_vlen(hid_t type)
{
    if (H5Tis_variable_str(type) > 0 || H5Tdetect_class(type, H5T_VLEN) > 0) return 1;
    const H5T_class_t c = H5Tget_class(type);
    if (c != H5T_COMPOUND && c != H5T_ARRAY) return 0;
    const int n = c == H5T_COMPOUND ? H5Tget_nmembers(type) : 1;
    int found = 0;
    for (int k = 0; k < n && !found; k++) {
        hid_t m = c == H5T_COMPOUND ? H5Tget_member_type(type, (unsigned)k) : H5Tget_super(type);
        if (m < 0) continue;
        found = holds_vlen(m);
        H5Tclose(m);
    }
    return found;
}

static int feed_attribute(struct digest *d, hid_t obj, const char *name)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t type = H5Aget_type(a), space = H5Aget_space(a);
    hssize_t points = 0;
    int rc = type < 0 || space < 0 ? -1 : feed_shape(d, type, space, &points);
    void *buf = rc ? NULL : calloc(points ? (size_t)points : 1, H5Tget_size(type));
    if (!rc && !buf) TR_DIE(TR_EXIT_INTERNAL, "out of memory reading attribute %s", name);
    feed(d, name, strlen(name) + 1);
    if (!rc && points > 0) {
        const int read = H5Aread(a, type, buf) >= 0; /* buf zeroed: NULLs where it stops */
        rc = read ? feed_values(d, type, buf, (size_t)points) : -1;
        if (read && holds_vlen(type)) H5_CHECK(H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf));
        if (!read && holds_vlen(type)) H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
    }
    free(buf);
    if (space >= 0) H5_CHECK(H5Sclose(space));
    if (type >= 0) H5_CHECK(H5Tclose(type));
    H5_CHECK(H5Aclose(a));
    return rc;
}

struct attr_walk {
    struct digest *d;
    int failed;
};

static herr_t attribute_cb(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    struct attr_walk *w = data;
    if (strcmp(name, CHECKSUM_ATTR) == 0) return 0;
    if (feed_attribute(w->d, obj, name)) w->failed = 1;
    return w->failed ? 1 : 0;
}

/* Every attribute but the checksum itself, in name order (the same order wherever it is read). */
static int feed_attributes(struct digest *d, hid_t obj)
{
    struct attr_walk w = {d, 0};
    hsize_t at = 0;
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &at, attribute_cb, &w) < 0) return -1;
    return w.failed ? -1 : 0;
}

/* Rows [first, first + n) of the dataset (the first dimension), all of each row. */
static int feed_rows(struct digest *d, hid_t dset, hid_t type, hid_t space, int rank,
                     const hsize_t *dims, hsize_t first, hsize_t n, void *buf)
{
    hsize_t start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];
    memcpy(count, dims, (size_t)rank * sizeof *dims);
    start[0] = first, count[0] = n;
    hid_t mem = H5Screate_simple(rank, count, NULL);
    H5_CHECK(mem);
    H5_CHECK(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL));
    size_t points = 1;
    for (int k = 0; k < rank; k++)
        points *= count[k];
    const int vlen = holds_vlen(type);
    if (vlen) memset(buf, 0, points * H5Tget_size(type)); /* what a failed read leaves: NULLs */
    const int read = H5Dread(dset, type, mem, space, H5P_DEFAULT, buf) >= 0;
    int rc = read ? feed_values(d, type, buf, points) : -1;
    /* A conversion that fails part way (a crafted file) has already allocated some values. */
    if (vlen && read) H5_CHECK(H5Dvlen_reclaim(type, mem, H5P_DEFAULT, buf));
    if (vlen && !read) H5Dvlen_reclaim(type, mem, H5P_DEFAULT, buf);
    H5_CHECK(H5Sclose(mem));
    return rc;
}

/* The chunk shape and filter pipeline of a chunked dataset: a dataset stored otherwise differs
 * even where its chunks' bytes do not. The number of dimensions, or -1. */
static int feed_chunk_layout(struct digest *d, hid_t dcpl, hsize_t chunk[H5S_MAX_RANK])
{
    const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk);
    const int filters = H5Pget_nfilters(dcpl);
    if (rank < 1 || filters < 0) return -1;
    feed_u64(d, (uint64_t)rank);
    for (int k = 0; k < rank; k++)
        feed_u64(d, chunk[k]);
    feed_u64(d, (uint64_t)filters);
    for (int i = 0; i < filters; i++) {
        unsigned flags = 0, values[16];
        size_t n_values = sizeof values / sizeof *values;
        const H5Z_filter_t id =
            H5Pget_filter2(dcpl, (unsigned)i, &flags, &n_values, values, 0, NULL, NULL);
        if (id < 0 || n_values > sizeof values / sizeof *values) return -1;
        feed_u64(d, (uint64_t)id);
        feed_u64(d, n_values);
        for (size_t k = 0; k < n_values; k++)
            feed_u64(d, values[k]);
    }
    return rank;
}

/* One chunk as stored (compressed): its offset, filter mask, size and bytes. -1 when it is not
 * there (a crafted extent, or a write cut short) or cannot be read. */
static int feed_chunk(struct digest *d, hid_t dset, int rank, const hsize_t *offset,
                      unsigned char **buf, size_t *cap)
{
    unsigned mask = 0;
    haddr_t addr = HADDR_UNDEF;
    hsize_t size = 0;
    if (H5Dget_chunk_info_by_coord(dset, offset, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF)
        return -1;
    if (size > *cap) {
        unsigned char *bigger = realloc(*buf, size); /* a crafted size: unreadable, not a crash */
        if (!bigger) return -1;
        *buf = bigger, *cap = size;
    }
    if (size > 0 && H5Dread_chunk(dset, H5P_DEFAULT, offset, &mask, *buf) < 0) return -1;
    for (int k = 0; k < rank; k++)
        feed_u64(d, offset[k]);
    feed_u64(d, mask);
    feed_u64(d, size);
    feed(d, *buf, size);
    return 0;
}

/* A chunked dataset's values as stored: its chunk shape and filters, then every chunk in
 * row-major order of its offset, each as the file holds it (compressed). Hashing the stored
 * bytes covers what is on disk without inflating it: a changed value changes its chunk's bytes. */
static int feed_chunks(struct digest *d, hid_t dset, hid_t dcpl, int rank, const hsize_t *dims)
{
    hsize_t chunk[H5S_MAX_RANK], offset[H5S_MAX_RANK] = {0};
    if (feed_chunk_layout(d, dcpl, chunk) != rank) return -1;
    for (int k = 0; k < rank; k++)
        if (chunk[k] == 0) return -1;
    unsigned char *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    while (!rc) {
        rc = feed_chunk(d, dset, rank, offset, &buf, &cap);
        int k = rank - 1; /* the next offset, row-major */
        while (k >= 0 && (offset[k] += chunk[k]) >= dims[k])
            offset[k--] = 0;
        if (k < 0) break;
    }
    free(buf);
    return rc;
}

/* A dataset's layout: H5D_CHUNKED, another, or H5D_LAYOUT_ERROR. */
static H5D_layout_t layout_of(hid_t dset, hid_t *dcpl)
{
    *dcpl = H5Dget_create_plist(dset);
    return *dcpl < 0 ? H5D_LAYOUT_ERROR : H5Pget_layout(*dcpl);
}

/* A dataset's values read back (with its own file type: the bytes as stored), SLAB_BYTES at a
 * time. */
static int feed_read(struct digest *d, hid_t dset, hid_t type, hid_t space, int rank,
                     const hsize_t *dims, hssize_t points)
{
    if (rank == 0) { /* scalar */
        void *buf = calloc(1, H5Tget_size(type));
        if (!buf) TR_DIE(TR_EXIT_INTERNAL, "out of memory");
        const int read = H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
        const int rc = read ? feed_values(d, type, buf, 1) : -1;
        /* what the read allocated, whether it finished or not (buf zeroed: NULLs where not) */
        if (holds_vlen(type)) H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
        free(buf);
        return rc;
    }
    size_t row_bytes = H5Tget_size(type) * (size_t)(points / (hssize_t)dims[0]);
    hsize_t slab = row_bytes >= SLAB_BYTES ? 1 : SLAB_BYTES / row_bytes;
    if (slab > dims[0]) slab = dims[0];
    void *buf = malloc(slab * row_bytes);
    if (!buf) TR_DIE(TR_EXIT_INTERNAL, "out of memory");
    int rc = 0;
    for (hsize_t first = 0; !rc && first < dims[0]; first += slab) {
        hsize_t n = dims[0] - first < slab ? dims[0] - first : slab;
        rc = feed_rows(d, dset, type, space, rank, dims, first, n, buf);
    }
    free(buf);
    return rc;
}

/* Stored bytes can be hashed as they are unless they hold references into the file (variable-
 * length strings: heap addresses), which only their values can stand for. */
static int stored_bytes_are_values(hid_t type)
{
    return H5Tis_variable_str(type) == 0 && H5Tdetect_class(type, H5T_VLEN) == 0 &&
           H5Tdetect_class(type, H5T_REFERENCE) == 0;
}

static int feed_dataset(struct digest *d, hid_t dset)
{
    hid_t type = H5Dget_type(dset), space = H5Dget_space(dset), dcpl = H5I_INVALID_HID;
    hssize_t points = 0;
    int rc = type < 0 || space < 0 ? -1 : feed_shape(d, type, space, &points);
    const int rank = rc ? 0 : H5Sget_simple_extent_ndims(space);
    hsize_t dims[H5S_MAX_RANK] = {1};
    if (!rc && (rank < 0 || (rank > 0 && H5Sget_simple_extent_dims(space, dims, NULL) < 0)))
        rc = -1;
    const H5D_layout_t layout = rc ? H5D_LAYOUT_ERROR : layout_of(dset, &dcpl);
    if (!rc && layout == H5D_LAYOUT_ERROR) rc = -1;
    if (!rc && points > 0 && layout == H5D_CHUNKED && stored_bytes_are_values(type)) {
        rc = feed_chunks(d, dset, dcpl, rank, dims);
    } else if (!rc && points > 0) {
        /* telrisk writes every element it declares: a dataset whose storage is not all there (a
         * crafted extent of 10^15 rows, or a write cut short) is damaged, and reading its fill
         * values would take forever. */
        rc =
            tr_h5_storage_complete(dset) ? feed_read(d, dset, type, space, rank, dims, points) : -1;
    }
    if (dcpl >= 0) H5_CHECK(H5Pclose(dcpl));
    if (space >= 0) H5_CHECK(H5Sclose(space));
    if (type >= 0) H5_CHECK(H5Tclose(type));
    return rc;
}

/* The object's digest as text: TR_CHECKSUM_PREFIX then 64 hex digits. */
static int object_checksum(hid_t obj, int is_dataset, char text[CHECKSUM_TEXT + 1], int64_t *bytes)
{
    struct digest d = {.bytes = 0};
    crypto_generichash_init(&d.state, NULL, 0, DIGEST_BYTES);
    feed(&d, is_dataset ? "dataset" : "group", is_dataset ? 8 : 6);
    int rc = (is_dataset && feed_dataset(&d, obj)) || feed_attributes(&d, obj) ? -1 : 0;
    unsigned char out[DIGEST_BYTES];
    crypto_generichash_final(&d.state, out, sizeof out);
    memcpy(text, TR_CHECKSUM_PREFIX, sizeof TR_CHECKSUM_PREFIX - 1);
    sodium_bin2hex(text + sizeof TR_CHECKSUM_PREFIX - 1, 2 * DIGEST_BYTES + 1, out, sizeof out);
    *bytes += d.bytes;
    return rc;
}

/* Every group and dataset of the file, by path, in name order. */
struct object_list {
    char **paths;
    int *is_dataset;
    size_t n, cap;
};

static herr_t object_cb(hid_t root, const char *name, const H5O_info_t *info, void *data)
{
    (void)root;
    struct object_list *l = data;
    if (info->type != H5O_TYPE_GROUP && info->type != H5O_TYPE_DATASET) return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->paths = TR_REALLOC(l->paths, l->cap * sizeof *l->paths);
        l->is_dataset = TR_REALLOC(l->is_dataset, l->cap * sizeof *l->is_dataset);
    }
    size_t len = strlen(name) + 1;
    l->paths[l->n] = memcpy(TR_MALLOC(len), name, len);
    l->is_dataset[l->n++] = info->type == H5O_TYPE_DATASET;
    return 0;
}

static void object_list_free(struct object_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    free(l->is_dataset);
}

static int list_objects(hid_t f, struct object_list *l)
{
    memset(l, 0, sizeof *l);
    return H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, object_cb, l, H5O_INFO_BASIC) < 0 ? -1 : 0;
}

static int write_checksum(hid_t obj, const char *text)
{
    const htri_t sealed = H5Aexists(obj, CHECKSUM_ATTR);
    if (sealed < 0 || (sealed > 0 && H5Adelete(obj, CHECKSUM_ATTR) < 0)) return -1;
    tr_h5_attr_str(obj, CHECKSUM_ATTR, text);
    return 0;
}

/* A manifest line: "<kind> <path> <checksum>", kind "group" or "dataset", path from the root
 * without its leading slash (as H5Ovisit names it). */
static char *manifest_line(const char *path, int is_dataset, const char *checksum)
{
    const size_t len = strlen(path) + CHECKSUM_TEXT + 16;
    char *line = TR_MALLOC(len);
    snprintf(line, len, "%s %s %s", is_dataset ? "dataset" : "group", path, checksum);
    return line;
}

/* The root's manifest replaced by lines[n]. */
static int write_manifest(hid_t root, char **lines, size_t n)
{
    const htri_t there = H5Aexists(root, MANIFEST_ATTR);
    if (there < 0 || (there > 0 && H5Adelete(root, MANIFEST_ATTR) < 0)) return -1;
    tr_h5_attr_strs(root, MANIFEST_ATTR, (const char *const *)lines, n);
    return 0;
}

/* Every object but the root sealed (l->paths[0] is the root: H5Ovisit's first), each one's
 * manifest line into lines. 0, or 1 with err naming the object. */
static int seal_objects(hid_t f, const char *path, const struct object_list *l, char **lines,
                        char *err, size_t errlen)
{
    int64_t bytes = 0;
    for (size_t i = 1; i < l->n; i++) {
        char text[CHECKSUM_TEXT + 1];
        hid_t obj = H5Oopen(f, l->paths[i], H5P_DEFAULT);
        const int rc = obj < 0 || object_checksum(obj, l->is_dataset[i], text, &bytes) ||
                       write_checksum(obj, text);
        if (obj >= 0) H5_CHECK(H5Oclose(obj));
        if (rc) {
            snprintf(err, errlen, "cannot checksum %s in %s", l->paths[i], path);
            return 1;
        }
        lines[i - 1] = manifest_line(l->paths[i], l->is_dataset[i], text);
    }
    return 0;
}

/* The root last: its manifest, then its checksum, which covers the manifest with its other
 * attributes, so that no object can be deleted, added, renamed or swapped unseen. */
static int seal_root(hid_t f, const char *path, char **lines, size_t n, char *err, size_t errlen)
{
    hid_t root = H5Oopen(f, ".", H5P_DEFAULT);
    char text[CHECKSUM_TEXT + 1];
    int64_t bytes = 0;
    const int rc = root < 0 || write_manifest(root, lines, n) ||
                   object_checksum(root, 0, text, &bytes) || write_checksum(root, text);
    if (root >= 0) H5_CHECK(H5Oclose(root));
    if (rc) snprintf(err, errlen, "cannot write the manifest and root checksum of %s", path);
    return rc;
}

int tr_seal_file(const char *path, char *err, size_t errlen)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5_CHECK(fapl);
    /* The format the run file was written in (output/runfile.c). */
    H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18));
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5_CHECK(H5Pclose(fapl));
    struct object_list l = {0};
    if (f < 0 || list_objects(f, &l) || l.n == 0 || strcmp(l.paths[0], ".") != 0) {
        snprintf(err, errlen, "cannot reopen %s to write its checksums", path);
        object_list_free(&l);
        if (f >= 0) H5_CHECK(H5Fclose(f));
        return 1;
    }
    char **lines = TR_CALLOC(l.n + 1, sizeof *lines);
    int rc = seal_objects(f, path, &l, lines, err, errlen);
    if (!rc) rc = seal_root(f, path, lines, l.n - 1, err, errlen);
    for (size_t i = 0; i < l.n; i++)
        free(lines[i]);
    free(lines);
    object_list_free(&l);
    if (H5Fclose(f) < 0 && !rc) snprintf(err, errlen, "cannot close %s", path), rc = 1;
    return rc;
}

/* tmp replaced by its repacked copy (io/h5.h: tr_h5_repack): the same bytes at any rank count. */
static int repack(const char *tmp, char *err, size_t errlen)
{
    const size_t len = strlen(tmp) + sizeof ".pack";
    char *packed = TR_MALLOC(len);
    snprintf(packed, len, "%s.pack", tmp);
    /* /provenance last: its timings and command lines may differ between runs of the same content
     */
    int rc = tr_h5_repack(tmp, packed, "provenance", err, errlen);
    if (!rc && rename(packed, tmp) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", packed, tmp, strerror(errno));
        unlink(packed);
        rc = 1;
    }
    free(packed);
    return rc;
}

int tr_seal_and_rename(const char *tmp, const char *path, char *err, size_t errlen)
{
    if (repack(tmp, err, errlen) || tr_seal_file(tmp, err, errlen)) return 1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        return 1;
    }
    return 0;
}

/* The stored checksum of obj, or "" when it has none or it is not one (whichever length its
 * string: a file sealed before its attributes became variable-length has fixed ones). */
static void stored_checksum(hid_t obj, char text[CHECKSUM_TEXT + 1])
{
    char *stored = tr_h5_attr_text(obj, CHECKSUM_ATTR);
    snprintf(text, CHECKSUM_TEXT + 1, "%s",
             stored && strlen(stored) == CHECKSUM_TEXT ? stored : "");
    free(stored);
}

/* One object: 0 intact, 1 altered, unsealed or unreadable (said on out). */
static int verify_object(hid_t f, const char *path, int is_dataset, FILE *out,
                         struct tr_verify_report *r)
{
    char want[CHECKSUM_TEXT + 1], got[CHECKSUM_TEXT + 1];
    hid_t obj = H5Oopen(f, path, H5P_DEFAULT);
    const char *problem = NULL;
    if (obj < 0) {
        problem = "cannot be opened";
    } else {
        stored_checksum(obj, want);
        if (object_checksum(obj, is_dataset, got, &r->bytes))
            problem = "cannot be read";
        else if (!want[0])
            problem = "has no checksum";
        else if (strcmp(want, got) != 0)
            problem = "differs from its checksum (altered)";
        H5_CHECK(H5Oclose(obj));
    }
    r->objects++;
    r->datasets += is_dataset;
    if (problem) {
        fprintf(out, "verify: %s %s %s\n", is_dataset ? "dataset" : "group",
                strcmp(path, ".") == 0 ? "/" : path, problem);
        r->bad++;
    }
    return problem != NULL;
}

/* The index of the object at path in l, or -1. */
static long find_object(const struct object_list *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->paths[i], path) == 0) return (long)i;
    return -1;
}

/* One manifest line against the file: 0, or 1 when its object is gone or another is there
 * (said on out). seen[i] marks the objects the manifest names. */
static int check_manifest_line(hid_t f, const char *line, const struct object_list *l, char *seen,
                               FILE *out)
{
    char kind[16] = "", want[CHECKSUM_TEXT + 1] = "";
    const char *space = strchr(line, ' '), *last = strrchr(line, ' ');
    if (!space || last == space || (size_t)(space - line) >= sizeof kind ||
        strlen(last + 1) != CHECKSUM_TEXT) {
        fprintf(out, "verify: the manifest has a line that is not one: %.80s\n", line);
        return 1;
    }
    memcpy(kind, line, (size_t)(space - line));
    memcpy(want, last + 1, CHECKSUM_TEXT);
    char *path = TR_STRNDUP(space + 1, (size_t)(last - space - 1));
    const long at = find_object(l, path);
    int bad = 0;
    if (at < 0) {
        fprintf(out, "verify: %s %s is in the manifest but absent (deleted or renamed)\n", kind,
                path);
        bad = 1;
    } else {
        seen[at] = 1;
        char got[CHECKSUM_TEXT + 1];
        hid_t obj = H5Oopen(f, path, H5P_DEFAULT);
        if (obj >= 0) {
            stored_checksum(obj, got);
            H5_CHECK(H5Oclose(obj));
        }
        const int same_kind = strcmp(kind, l->is_dataset[at] ? "dataset" : "group") == 0;
        if (obj < 0 || !same_kind || strcmp(got, want) != 0) {
            fprintf(out,
                    "verify: %s %s is not the object the manifest sealed there (swapped or "
                    "replaced)\n",
                    kind, path);
            bad = 1;
        }
    }
    free(path);
    return bad;
}

/* Which objects exist and where: every object the root's manifest names is there, with the
 * checksum it was sealed with, and no other. 0, or 1 (each difference said on out). */
static int verify_manifest(hid_t f, const struct object_list *l, FILE *out,
                           struct tr_verify_report *r)
{
    int n = 0, bad = 0;
    char **lines = tr_h5_attr_texts(f, MANIFEST_ATTR, &n);
    if (!lines) {
        fprintf(out, "verify: the root has no readable manifest: which objects exist cannot be "
                     "checked\n");
        r->bad++;
        return 1;
    }
    char *seen = TR_CALLOC(l->n + 1, 1);
    for (int k = 0; k < n; k++)
        bad += check_manifest_line(f, lines[k], l, seen, out);
    for (size_t i = 1; i < l->n; i++) /* 0: the root, which holds the manifest */
        if (!seen[i])
            fprintf(out, "verify: %s %s is not in the manifest (added or renamed)\n",
                    l->is_dataset[i] ? "dataset" : "group", l->paths[i]),
                bad++;
    tr_h5_free_strings(lines, n);
    free(seen);
    r->bad += bad;
    return bad > 0;
}

int tr_verify_file(const char *path, FILE *out, struct tr_verify_report *r, char *err,
                   size_t errlen)
{
    memset(r, 0, sizeof *r);
    struct tr_h5_quiet quiet;
    tr_h5_quiet_begin(&quiet);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    struct object_list l = {0};
    int rc = 0;
    if (f < 0 || list_objects(f, &l)) {
        object_list_free(&l);
        snprintf(err, errlen,
                 "%s cannot be read as HDF5 (truncated, damaged or not a run file): HDF5 refuses "
                 "to open it or to list its objects",
                 path);
        rc = 2;
    } else if (H5Aexists(f, "telrisk_version") <= 0) { /* some other HDF5 file, or a bare copy */
        object_list_free(&l);
        snprintf(err, errlen, "%s is not a telrisk run file (no telrisk_version attribute)", path);
        rc = 2;
    } else {
        for (size_t i = 0; i < l.n; i++)
            if (verify_object(f, l.paths[i], l.is_dataset[i], out, r)) rc = 1;
        if (verify_manifest(f, &l, out, r)) rc = 1;
        object_list_free(&l);
    }
    if (f >= 0 && H5Fclose(f) < 0 && !rc) snprintf(err, errlen, "cannot close %s", path), rc = 2;
    tr_h5_quiet_end(&quiet);
    return rc;
}

/* The first line verify wrote (its first finding), without its "verify: " and newline. */
static void first_finding(const char *text, char *out, size_t len)
{
    const char *from = strncmp(text, "verify: ", 8) == 0 ? text + 8 : text;
    const size_t n = strcspn(from, "\n");
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), from);
}

/* Rank 0: 0 when path is intact, else 1 with why naming the file and its first damaged object. */
static int check_one(const char *path, const char *role, char *why, size_t len)
{
    char *text = NULL, err[2200] = "", first[512] = "";
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (!mem) TR_DIE(TR_EXIT_INTERNAL, "out of memory verifying %s", path);
    struct tr_verify_report r;
    struct stat st;
    /* A file that is not there is said as such, not as a file HDF5 cannot read. */
    const char *absent = stat(path, &st) != 0   ? strerror(errno)
                         : !S_ISREG(st.st_mode) ? "not a regular file"
                                                : NULL;
    if (absent) {
        fclose(mem);
        free(text);
        snprintf(why, len, "%s %s: cannot open it: %s", role, path, absent);
        return 1;
    }
    const int found = tr_verify_file(path, mem, &r, err, sizeof err);
    fclose(mem);
    first_finding(text ? text : "", first, sizeof first);
    free(text);
    if (found == 2)
        snprintf(why, len, "%s %s: %s", role, path, err);
    else if (found)
        snprintf(why, len,
                 "%s %s is damaged or altered: %s (%" PRId64 " of %" PRId64
                 " objects fail; telrisk verify %s lists them; %s)",
                 role, path, first, r.bad, r.objects, path,
                 strcmp(role, "checkpoint") == 0
                     ? "a run without --resume starts over from the inputs"
                     : "--no-verify reads it anyway");
    return found != 0;
}

int tr_seal_check_input(const struct tr_ctx *ctx, const char *path, const char *role, int verify)
{
    /* Every file a command reads passes here: its history row names it (a checkpoint is the
     * run's own, not an input). */
    if (ctx->rank == 0 && strcmp(role, "checkpoint") != 0)
        tr_history_input(strcmp(role, "--model") == 0 ? "champion" : role, path);
    if (!verify) {
        if (ctx->rank == 0)
            TR_WARN(ctx, "--no-verify: %s %s is read without checking its checksums", role, path);
        return TR_EXIT_OK;
    }
    char why[3000] = "";
    int bad = ctx->rank == 0 && check_one(path, role, why, sizeof why);
    MPI_CHECK(MPI_Bcast(&bad, 1, MPI_INT, 0, ctx->comm)); /* rank 0's finding is everyone's */
    if (bad && ctx->rank == 0) TR_ERROR(ctx, "%s", why);
    return bad ? TR_EXIT_INPUT : TR_EXIT_OK;
}

int tr_seal_digest_of(hid_t f, const char *path, char text[TR_CHECKSUM_TEXT + 1])
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t obj = H5Lexists(f, path, H5P_DEFAULT) > 0 ? H5Oopen(f, path, H5P_DEFAULT) : -1;
    H5O_info_t info;
    int rc = obj < 0 || H5Oget_info2(obj, &info, H5O_INFO_BASIC) < 0 ? -1 : 0;
    int64_t bytes = 0;
    if (!rc) rc = object_checksum(obj, info.type == H5O_TYPE_DATASET, text, &bytes);
    if (obj >= 0) H5Oclose(obj);
    tr_h5_quiet_end(&q);
    if (rc) memset(text, 0, TR_CHECKSUM_TEXT + 1);
    return rc;
}
