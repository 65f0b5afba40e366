/* The run-file readers (tr_stored_run_load for telrisk train and score, tr_stored_book_load for
 * telrisk stress), structure-aware: libhdf5 1.10.8 itself crashes on some malformed metadata
 * (not ours to fix), so the input is not a file but a description of one, which this harness
 * writes through the HDF5 API into an in-memory file: each dataset and attribute the readers use
 * present or missing, of the right type or another (another width or class, strings, variable
 * length strings, another character set), of the right shape or not (scalar, another rank,
 * another length, an empty dataspace, a group in its place, an extent of 2^62 rows that was never
 * written), with values that are often edges (NaN, infinities, negative and huge region indices,
 * keys out of order, unknown products). Each reader must then load the file or refuse it with
 * TR_EXIT_INPUT, never crash, abort (an HDF5 call failing in a checked macro ends the job with
 * exit 3) or leak; and what it loads must hold what the later stages index with: regions in
 * [-1, n_regions), labels, samples, strictly increasing keys, one value per feature name.
 * The inputs (corpus, regressions) mean what this decoder makes of them: a change to the order in
 * which it reads the bytes turns every saved one into another file. */
#include "fuzz_common.h"

#include "core/error.h"
#include "output/stored.h"

#include <hdf5.h>
#include <math.h>
#include <string.h>

#define MAX_ROWS 8
#define MAX_COLS 4
#define MAX_REG  4
#define MAX_ELEM 64 /* elements of any one dataset the harness writes */

static struct fz_file file;

/* ------------------------------------------------------------------ shapes */

enum shape {
    S_ABSENT,
    S_OK,
    S_OTHER_TYPE, /* another numeric type (class or width) */
    S_STRING,     /* text where numbers belong */
    S_SCALAR,
    S_RANK,   /* rank 2 for rank 1 and the other way */
    S_LENGTH, /* a row more or fewer */
    S_GROUP,  /* a group of the name */
    S_HUGE,   /* 2^62 rows, chunked, never written */
    S_NULL,   /* an empty (H5S_NULL) dataspace */
};

/* Byte 0 (and the end of the input) decode to what telrisk writes, so an input of zeros is a
 * valid run file and every mutation a step away from one. */
static enum shape pick_shape(struct fz_bytes *b)
{
    static const enum shape table[16] = {
        S_OK,     S_OK,         S_OK,     S_OK,     S_OK,   S_OK,     S_OK,    S_OK,
        S_ABSENT, S_OTHER_TYPE, S_STRING, S_SCALAR, S_RANK, S_LENGTH, S_GROUP, S_HUGE};
    const unsigned k = fz_u8(b);
    return k == 255 ? S_NULL : table[k % 16];
}

static hid_t other_numeric(struct fz_bytes *b, int is_float)
{
    static const hid_t *const ints[] = {&H5T_STD_I8LE_g,  &H5T_STD_U8LE_g,  &H5T_STD_I16BE_g,
                                        &H5T_STD_I32LE_g, &H5T_STD_U32LE_g, &H5T_STD_I64BE_g,
                                        &H5T_STD_U64LE_g, &H5T_STD_I64LE_g};
    const unsigned k = fz_pick(b, 10);
    if (k == 8) return is_float ? H5T_STD_I64LE : H5T_IEEE_F64LE; /* the other class */
    if (k == 9) return is_float ? H5T_IEEE_F32BE : H5T_IEEE_F32LE;
    return *ints[k];
}

/* A dataspace for `rows` rows (and cols columns when rank 2) bent by the shape. */
static hid_t make_space(enum shape s, int rank, hsize_t rows, hsize_t cols, struct fz_bytes *b,
                        hsize_t *n_elem)
{
    hsize_t dims[3] = {rows, cols, 2};
    if (s == S_SCALAR) {
        *n_elem = 1;
        return H5Screate(H5S_SCALAR);
    }
    if (s == S_NULL) {
        *n_elem = 0;
        return H5Screate(H5S_NULL);
    }
    if (s == S_RANK) { /* 1 <-> 2, or 3 dimensions */
        rank = fz_u8(b) & 1 ? 3 : 3 - rank;
        dims[1] = 1 + fz_pick(b, 3);
    }
    if (s == S_LENGTH) dims[0] = rows == 0 || fz_u8(b) & 1 ? rows + 1 : rows - 1;
    if (s == S_HUGE) {
        dims[0] = (hsize_t)1 << 62;
        *n_elem = 0;
        hsize_t max[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
        return H5Screate_simple(rank, dims, max);
    }
    *n_elem = dims[0] * (rank >= 2 ? dims[1] : 1) * (rank == 3 ? dims[2] : 1);
    return H5Screate_simple(rank, dims, NULL);
}

/* A fixed-length string type of 1-16 bytes (often UTF-8, NUL-terminated: what telrisk writes),
 * or a variable-length one. */
static hid_t string_type(struct fz_bytes *b, int *variable)
{
    const unsigned k = fz_u8(b);
    hid_t t = H5Tcopy(H5T_C_S1);
    *variable = (k & 7) == 7;
    FZ_ASSERT(H5Tset_size(t, *variable ? H5T_VARIABLE : 16 - (k >> 4)) >= 0);
    FZ_ASSERT(H5Tset_cset(t, k & 8 ? H5T_CSET_ASCII : H5T_CSET_UTF8) >= 0);
    FZ_ASSERT(H5Tset_strpad(t, (k & 3) == 3 ? H5T_STR_NULLPAD : H5T_STR_NULLTERM) >= 0);
    return t;
}

/* n strings of type t written by H5Dwrite or H5Awrite. */
static void write_strings(hid_t obj, int is_attr, hid_t t, int variable, hsize_t n,
                          struct fz_bytes *b)
{
    static char text[MAX_ELEM][24];
    static const char *ptr[MAX_ELEM];
    const size_t width = variable ? sizeof(char *) : H5Tget_size(t);
    char *buf = calloc(n + 1, width);
    for (hsize_t i = 0; i < n; i++) {
        fz_text(b, text[i], sizeof text[i] - 1);
        ptr[i] = text[i];
        if (!variable) memcpy(buf + i * width, text[i], strnlen(text[i], width));
    }
    const void *data = variable ? (const void *)ptr : buf;
    FZ_ASSERT((is_attr ? H5Awrite(obj, t, data)
                       : H5Dwrite(obj, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data)) >= 0);
    free(buf);
}

/* ------------------------------------------------------------------ values */

enum values { V_KEY, V_REGION, V_SMALL, V_DOUBLE };

/* n values of a kind, as int64 and as double (the one the file type's class wants). */
static void make_values(enum values kind, hsize_t n, struct fz_bytes *b, int64_t *iv, double *dv)
{
    const int sorted = fz_u8(b) < 200;
    uint64_t key = fz_u64(b) >> 8;
    for (hsize_t i = 0; i < n; i++) {
        switch (kind) {
        case V_KEY:
            key = sorted ? key + 1 + fz_pick(b, 255) : fz_u64(b);
            iv[i] = (int64_t)key;
            dv[i] = (double)key;
            break;
        case V_REGION:
            iv[i] = fz_int(b, MAX_REG);
            dv[i] = fz_double(b);
            break;
        case V_SMALL: /* mostly -1..2: labels and samples, valid or just out of range */
            iv[i] = fz_u8(b) < 220 ? (int64_t)((fz_u8(b) + 1) % 4) - 1 : fz_int(b, 127);
            dv[i] = (double)iv[i];
            break;
        case V_DOUBLE:
            dv[i] = fz_double(b);
            iv[i] = (int64_t)fz_u64(b);
            break;
        }
    }
}

/* A numeric dataset of rows (x cols when rank 2) of file type ftype, bent by the input. */
static void put_numeric(hid_t loc, const char *name, hid_t ftype, int rank, hsize_t rows,
                        hsize_t cols, enum values kind, struct fz_bytes *b)
{
    const enum shape s = pick_shape(b);
    if (s == S_ABSENT) return;
    if (s == S_GROUP) {
        FZ_ASSERT(H5Gclose(H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0);
        return;
    }
    int variable = 0;
    const hid_t type = s == S_STRING       ? string_type(b, &variable)
                       : s == S_OTHER_TYPE ? H5Tcopy(other_numeric(b, kind == V_DOUBLE))
                                           : H5Tcopy(ftype);
    hsize_t n = 0;
    const hid_t space = make_space(s, rank, rows, cols, b, &n);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (s == S_HUGE) {
        const hsize_t chunk[3] = {1, 1, 1};
        FZ_ASSERT(H5Pset_chunk(dcpl, H5Sget_simple_extent_ndims(space), chunk) >= 0);
    }
    const hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    FZ_ASSERT(d >= 0 && n <= MAX_ELEM);
    if (n > 0 && s == S_STRING) {
        write_strings(d, 0, type, variable, n, b);
    } else if (n > 0) {
        int64_t iv[MAX_ELEM];
        double dv[MAX_ELEM];
        make_values(kind, n, b, iv, dv);
        const int is_float = H5Tget_class(type) == H5T_FLOAT;
        FZ_ASSERT(H5Dwrite(d, is_float ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, H5S_ALL, H5S_ALL,
                           H5P_DEFAULT, is_float ? (void *)dv : (void *)iv) >= 0);
    }
    H5Dclose(d), H5Pclose(dcpl), H5Sclose(space), H5Tclose(type);
}

/* n strings as a dataset (is_attr 0) or an attribute of loc, bent by the input. */
static void put_strings(hid_t loc, const char *name, int is_attr, hsize_t n, struct fz_bytes *b)
{
    enum shape s = pick_shape(b);
    if (s == S_ABSENT) return;
    if (s == S_GROUP && !is_attr) {
        FZ_ASSERT(H5Gclose(H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0);
        return;
    }
    if (s == S_GROUP || (is_attr && s == S_HUGE)) s = S_LENGTH;
    int variable = 0;
    const hid_t type = s == S_STRING || s == S_OTHER_TYPE ? H5Tcopy(other_numeric(b, 0))
                                                          : string_type(b, &variable);
    hsize_t count = 0;
    const hid_t space = make_space(s, 1, n, 1, b, &count);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (s == S_HUGE) {
        const hsize_t chunk[3] = {1, 1, 1};
        FZ_ASSERT(H5Pset_chunk(dcpl, H5Sget_simple_extent_ndims(space), chunk) >= 0);
    }
    const hid_t obj = is_attr ? H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT)
                              : H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    FZ_ASSERT(obj >= 0 && count <= MAX_ELEM);
    if (count > 0 && H5Tget_class(type) == H5T_STRING) {
        write_strings(obj, is_attr, type, variable, count, b);
    } else if (count > 0) {
        int64_t iv[MAX_ELEM];
        double dv[MAX_ELEM];
        make_values(V_SMALL, count, b, iv, dv);
        FZ_ASSERT((is_attr
                       ? H5Awrite(obj, H5T_NATIVE_INT64, iv)
                       : H5Dwrite(obj, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, iv)) >= 0);
    }
    is_attr ? H5Aclose(obj) : H5Dclose(obj);
    H5Pclose(dcpl), H5Sclose(space), H5Tclose(type);
}

/* The root's seed attribute: a u64 scalar, or not. */
static void put_seed(hid_t f, struct fz_bytes *b)
{
    const enum shape s = pick_shape(b);
    if (s == S_ABSENT) return;
    if (s == S_STRING) {
        put_strings(f, "seed", 1, 1, b);
        return;
    }
    const hid_t type = s == S_OTHER_TYPE ? other_numeric(b, 0) : H5T_STD_U64LE;
    const hid_t space = s == S_RANK   ? H5Screate_simple(1, (hsize_t[]){2}, NULL)
                        : s == S_NULL ? H5Screate(H5S_NULL)
                                      : H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, "seed", type, space, H5P_DEFAULT, H5P_DEFAULT);
    FZ_ASSERT(a >= 0);
    const uint64_t v[2] = {fz_u64(b), fz_u64(b)};
    if (s != S_NULL) FZ_ASSERT(H5Awrite(a, H5T_NATIVE_UINT64, v) >= 0);
    H5Aclose(a), H5Sclose(space);
}

/* ------------------------------------------------------------------ the loan book */

struct member {
    const char *name;
    int kind; /* 0 integer, 1 float, 2 string */
    enum values values;
};

static const struct member loan_members[] = {
    {"subscriber", 0, V_KEY}, {"loan", 0, V_DOUBLE},     {"region", 0, V_REGION},
    {"product", 2, V_SMALL},  {"pd_source", 2, V_SMALL}, {"ead", 1, V_DOUBLE},
    {"pd", 1, V_DOUBLE},      {"lgd", 1, V_DOUBLE},
};
#define N_MEMBERS (sizeof loan_members / sizeof *loan_members)

/* A string member's value: one of the words the reader knows, often. */
static void loan_word(const struct member *m, struct fz_bytes *b, char *out, size_t width)
{
    static const char *const products[] = {"microloan", "revolving", "mortgage"};
    static const char *const sources[] = {"loan", "model", "none"};
    const unsigned k = fz_pick(b, 4);
    const char *const *words = strcmp(m->name, "product") == 0 ? products : sources;
    char text[24];
    if (k < 3)
        snprintf(text, sizeof text, "%s", words[k]);
    else
        fz_text(b, text, sizeof text - 1);
    memset(out, 0, width);
    memcpy(out, text, strnlen(text, width));
}

/* The compound type of /portfolio/loans, each member as written (usually) or bent: left out,
 * another numeric type, text for a number, a number for text, a variable-length string. Types
 * and member offsets go to types[] and at[] (type -1: left out). */
static hid_t loan_type(struct fz_bytes *b, hid_t types[N_MEMBERS], size_t at[N_MEMBERS],
                       int variable[N_MEMBERS])
{
    size_t size = 0;
    for (size_t m = 0; m < N_MEMBERS; m++) {
        const struct member *mb = &loan_members[m];
        const unsigned k = fz_u8(b) % 16; /* 0-11: as telrisk writes it */
        variable[m] = 0;
        at[m] = size;
        if (k == 15) {
            types[m] = -1;
            continue;
        }
        if (k == 14 || (k == 13 && mb->kind == 2)) {
            types[m] = H5Tcopy(other_numeric(b, mb->kind == 1));
        } else if (mb->kind == 2 && k < 12) { /* text as telrisk writes it */
            types[m] = H5Tcopy(H5T_C_S1);
            FZ_ASSERT(H5Tset_size(types[m], m == 3 ? 12 : 8) >= 0);
            FZ_ASSERT(H5Tset_cset(types[m], H5T_CSET_UTF8) >= 0);
        } else if (mb->kind == 2 || k == 13) {
            types[m] = string_type(b, &variable[m]);
        } else {
            types[m] = H5Tcopy(mb->kind == 1 ? H5T_IEEE_F64LE
                               : m == 2      ? H5T_STD_I32LE
                                             : H5T_STD_U64LE);
        }
        size += H5Tget_size(types[m]);
    }
    const hid_t t = H5Tcreate(H5T_COMPOUND, size ? size : 1);
    for (size_t m = 0; m < N_MEMBERS; m++)
        if (types[m] >= 0) FZ_ASSERT(H5Tinsert(t, loan_members[m].name, at[m], types[m]) >= 0);
    return t;
}

/* One member's value in a row of the packed buffer, in the member's own type. */
static void loan_value(size_t m, hid_t type, int variable, char *at, struct fz_bytes *b,
                       int64_t key, char (*text)[24])
{
    const struct member *mb = &loan_members[m];
    const size_t width = H5Tget_size(type);
    if (H5Tget_class(type) == H5T_STRING) {
        loan_word(mb, b, *text, variable ? sizeof *text - 1 : width);
        if (variable)
            memcpy(at, &(const char *){*text}, sizeof(char *));
        else
            memcpy(at, *text, width);
        return;
    }
    int64_t iv;
    double dv;
    make_values(mb->values, 1, b, &iv, &dv);
    if (m == 0) iv = key, dv = (double)key; /* the borrowers, sorted or not */
    const hid_t mem = H5Tget_class(type) == H5T_FLOAT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    char buf[16];
    memcpy(buf, mem == H5T_NATIVE_DOUBLE ? (void *)&dv : (void *)&iv, 8);
    FZ_ASSERT(H5Tconvert(mem, type, 1, buf, NULL, H5P_DEFAULT) >= 0);
    memcpy(at, buf, width);
}

static hsize_t loan_rows; /* as written (when it is one column) */

static void put_loans(hid_t f, hsize_t rows, struct fz_bytes *b)
{
    loan_rows = 0;
    const unsigned where = fz_pick(b, 8);
    if (where == 7) return; /* no /portfolio */
    if (where == 6) {       /* a dataset where the group belongs */
        put_numeric(f, "portfolio", H5T_STD_I32LE, 1, rows, 1, V_SMALL, b);
        return;
    }
    const hid_t g = H5Gcreate2(f, "portfolio", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    FZ_ASSERT(g >= 0);
    hid_t types[N_MEMBERS];
    size_t at[N_MEMBERS];
    int variable[N_MEMBERS];
    const hid_t t = loan_type(b, types, at, variable);
    const enum shape s = pick_shape(b);
    hsize_t n = 0;
    const hid_t space = make_space(s == S_OTHER_TYPE || s == S_STRING || s == S_GROUP ? S_OK : s, 1,
                                   rows, 1, b, &n);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (s == S_HUGE) FZ_ASSERT(H5Pset_chunk(dcpl, 1, (hsize_t[]){1}) >= 0);
    const hid_t d =
        s == S_ABSENT ? -1 : H5Dcreate2(g, "loans", t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    FZ_ASSERT(s == S_ABSENT || H5Tget_nmembers(t) == 0 || (d >= 0 && n <= MAX_ELEM));
    loan_rows = n;
    if (d >= 0 && n > 0) {
        const size_t size = H5Tget_size(t);
        char *buf = calloc(n, size);
        static char text[MAX_ELEM][N_MEMBERS][24];
        int64_t key = (int64_t)(fz_u64(b) >> 8);
        const int sorted = fz_u8(b) < 200;
        for (hsize_t i = 0; i < n; i++) {
            key = sorted ? key + fz_pick(b, 3) : (int64_t)fz_u64(b); /* repeats: several loans */
            for (size_t m = 0; m < N_MEMBERS; m++)
                if (types[m] >= 0)
                    loan_value(m, types[m], variable[m], buf + i * size + at[m], b, key,
                               &text[i][m]);
        }
        FZ_ASSERT(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
        free(buf);
    }
    if (d >= 0) H5Dclose(d);
    for (size_t m = 0; m < N_MEMBERS; m++)
        if (types[m] >= 0) H5Tclose(types[m]);
    H5Tclose(t), H5Pclose(dcpl), H5Sclose(space), H5Gclose(g);
}

/* ------------------------------------------------------------------ the file */

static void put_subscribers(hid_t f, hsize_t rows, hsize_t cols, struct fz_bytes *b)
{
    if (fz_pick(b, 16) == 15) return;
    const hid_t g = H5Gcreate2(f, "subscribers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    FZ_ASSERT(g >= 0);
    put_numeric(g, "key", H5T_STD_U64LE, 1, rows, 1, V_KEY, b);
    put_numeric(g, "region", H5T_STD_I32LE, 1, rows, 1, V_REGION, b);
    put_numeric(g, "label", H5T_STD_I8LE, 1, rows, 1, V_SMALL, b);
    put_numeric(g, "holdout", H5T_STD_I8LE, 1, rows, 1, V_SMALL, b);
    put_numeric(g, "features", H5T_IEEE_F64LE, 2, rows, cols, V_DOUBLE, b);
    if (fz_u8(b) & 1) put_numeric(g, "pd", H5T_IEEE_F64LE, 1, rows, 1, V_DOUBLE, b);
    if (H5Lexists(g, "features", H5P_DEFAULT) > 0 &&
        H5Oexists_by_name(g, "features", H5P_DEFAULT) > 0) {
        const hid_t d = H5Oopen(g, "features", H5P_DEFAULT);
        FZ_ASSERT(d >= 0);
        const hsize_t names = fz_u8(b) < 220 ? cols : fz_pick(b, MAX_COLS + 2);
        put_strings(d, "names", 1, names, b);
        H5Oclose(d);
    }
    H5Gclose(g);
}

/* Writes the file the input describes. */
static void write_file(struct fz_bytes *b)
{
    const hsize_t rows = (fz_u8(b) + 3) % (MAX_ROWS + 1);
    const hsize_t cols = (fz_u8(b) + 2) % (MAX_COLS + 1);
    const hsize_t regions = (fz_u8(b) + 3) % (MAX_REG + 1);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    FZ_ASSERT(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0);
    const hid_t f = H5Fcreate(file.path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    FZ_ASSERT(f >= 0);
    put_seed(f, b);
    put_strings(f, "created_utc", 1, 1, b);
    if (fz_pick(b, 16) != 15) {
        const hid_t g = H5Gcreate2(f, "regions", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        put_strings(g, "names", 0, regions, b);
        H5Gclose(g);
    }
    put_subscribers(f, rows, cols, b);
    put_loans(f, rows, b);
    H5Fclose(f), H5Pclose(fapl);
}

/* ------------------------------------------------------------------ the readers */

static void check_run(const struct tr_stored_run *r)
{
    FZ_ASSERT(r->n_features >= 0 && r->n_regions >= 0);
    for (int j = 0; j < r->n_features; j++)
        FZ_ASSERT(r->names[j] != NULL);
    for (int g = 0; g < r->n_regions; g++)
        FZ_ASSERT(r->region_names[g] != NULL);
    for (size_t i = 0; i < r->n; i++) {
        FZ_ASSERT(r->region[i] >= -1 && r->region[i] < r->n_regions);
        FZ_ASSERT(r->label[i] >= -1 && r->label[i] <= 1);
        FZ_ASSERT(r->sample[i] >= 0 && r->sample[i] <= 2);
        FZ_ASSERT(i == 0 || r->key[i - 1] < r->key[i]);
        FZ_ASSERT(!r->pd || isnan(r->pd[i]) || (r->pd[i] >= 0 && r->pd[i] <= 1));
        for (int j = 0; j < r->n_features; j++) /* every value there: ASan reads it */
            (void)isnan(r->values[i * (size_t)r->n_features + (size_t)j]);
    }
}

static void check_book(const struct tr_stored_book *bk)
{
    FZ_ASSERT(memchr(bk->created, 0, sizeof bk->created));
    for (int g = 0; g < bk->n_regions; g++)
        FZ_ASSERT(bk->region_names[g] != NULL);
    for (size_t i = 0; i < bk->book.n; i++) {
        const struct tr_exposure *e = &bk->book.e[i];
        FZ_ASSERT(e->region >= -1 && e->region < bk->n_regions);
        FZ_ASSERT(e->product >= 0 && e->product <= 2 && e->pd_source >= 0 && e->pd_source <= 2);
        FZ_ASSERT(e->ead >= 0);
        FZ_ASSERT(e->pd_source == TR_PD_NONE || (e->pd > 0 && e->pd <= 1));
        FZ_ASSERT(i == 0 || bk->book.e[i - 1].subscriber <= e->subscriber);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* the harness's own writes are checked */
    fz_file_open_named(&file, "fuzz-run.h5");
    return 0;
}

/* The rows of /subscribers/features as written (the harness's own file: no surprise). */
static hsize_t feature_rows(void)
{
    const hid_t f = H5Fopen(file.path, H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, "subscribers/features", H5P_DEFAULT);
    const hid_t space = H5Dget_space(d);
    hsize_t dims[H5S_MAX_RANK] = {0};
    FZ_ASSERT(H5Sget_simple_extent_dims(space, dims, NULL) >= 0);
    H5Sclose(space), H5Dclose(d), H5Fclose(f);
    return dims[0];
}

/* A reader that returns leaves no HDF5 object open (the next run's H5Fcreate would fail). */
static void check_closed(void)
{
    FZ_ASSERT(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* FZ_VERBOSE=1: what each reader answers, and why it refuses (for building seeds). */
    static struct tr_ctx loud;
    const int verbose = getenv("FZ_VERBOSE") != NULL;
    if (verbose) tr_ctx_init(&loud, MPI_COMM_WORLD, stderr);
    const struct tr_ctx *ctx = verbose ? &loud : fz_init();
    struct fz_bytes b = {data, size};
    write_file(&b);
    struct tr_stored_run r;
    int rc = tr_stored_run_load(ctx, file.path, &r);
    FZ_ASSERT(rc == TR_EXIT_OK || rc == TR_EXIT_INPUT);
    check_closed();
    if (rc == TR_EXIT_OK) {
        FZ_ASSERT(r.n == feature_rows() && r.first == 0);
        check_run(&r);
        tr_stored_run_free(&r);
    }
    if (verbose) fprintf(stderr, "fuzz: tr_stored_run_load: %d\n", rc);
    struct tr_stored_book bk;
    rc = tr_stored_book_load(ctx, file.path, &bk);
    if (verbose) fprintf(stderr, "fuzz: tr_stored_book_load: %d\n", rc);
    FZ_ASSERT(rc == TR_EXIT_OK || rc == TR_EXIT_INPUT);
    check_closed();
    if (rc == TR_EXIT_OK) {
        FZ_ASSERT(bk.book.n == loan_rows);
        check_book(&bk);
        tr_stored_book_free(&bk);
    }
    return 0;
}
