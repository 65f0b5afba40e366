/* io/deflate.c: HDF5's deflate filter compresses through libdeflate, and what it stores is a zlib
 * stream that zlib itself inflates to the data. A chunk written by HDF5 is read back raw
 * (H5Dread_chunk) and compared byte for byte with libdeflate's stream of the same data (so a
 * build whose HDF5 no longer calls compress2 fails here), inflated by zlib's uncompress (the
 * readers' library, independent of libdeflate) and read back through HDF5. Data that does not
 * shrink, and a destination too small, keep zlib's contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/h5.h"

#include <libdeflate.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { ROWS = 65536, CHUNK = 16384 }; /* doubles: 4 chunks of 128 KiB */

/* Money-like values (compressible) or, with noise, bits no compressor can shrink. */
static void fill(double *v, size_t n, int noise)
{
    uint64_t s = 88172645463325252u;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        if (noise)
            memcpy(&v[i], &s, sizeof s);
        else
            v[i] = (double)(i % 977) * 0.25 + (double)(s % 4);
    }
}

/* A chunked, deflated (level 1) dataset of v[ROWS] written by HDF5 into path. */
static void write_deflated(const char *path, const double *v)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    const hsize_t dims[1] = {ROWS}, chunk[1] = {CHUNK};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 1, chunk) >= 0);
    assert_true(H5Pset_deflate(dcpl, 1) >= 0);
    hid_t d = H5Dcreate2(f, "v", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d), H5Pclose(dcpl), H5Sclose(space), H5Fclose(f);
}

/* Chunk k of the dataset as stored: its bytes into raw (room cap), their count. */
static size_t stored_chunk(hid_t d, int k, unsigned char *raw, size_t cap, uint32_t *mask)
{
    const hsize_t at[1] = {(hsize_t)k * CHUNK};
    hsize_t size = 0;
    assert_true(H5Dget_chunk_storage_size(d, at, &size) >= 0);
    assert_true(size <= cap);
    assert_true(H5Dread_chunk(d, H5P_DEFAULT, at, mask, raw) >= 0);
    return (size_t)size;
}

static void check_file(const char *path, const double *v, int expect_libdeflate)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "v", H5P_DEFAULT);
    const size_t cap = 2 * CHUNK * sizeof(double);
    unsigned char *raw = malloc(cap), *mine = malloc(cap), *plain = malloc(cap);
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    for (int k = 0; k < ROWS / CHUNK; k++) {
        uint32_t mask = 1;
        const size_t n = stored_chunk(d, k, raw, cap, &mask);
        assert_int_equal(mask, 0); /* the filter ran: the chunk is deflated */
        uLongf out = cap;
        assert_int_equal(uncompress(plain, &out, raw, n), Z_OK);
        assert_int_equal(out, CHUNK * sizeof(double));
        assert_memory_equal(plain, v + (size_t)k * CHUNK, out);
        const size_t m = libdeflate_zlib_compress(c, v + (size_t)k * CHUNK, out, mine, cap);
        if (expect_libdeflate) { /* libdeflate's stream, byte for byte */
            assert_int_equal(n, m);
            assert_memory_equal(raw, mine, n);
        }
    }
    double *back = malloc(sizeof *back * ROWS);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
    assert_memory_equal(back, v, sizeof *back * ROWS);
    libdeflate_free_compressor(c);
    free(back), free(raw), free(mine), free(plain);
    H5Dclose(d), H5Fclose(f);
}

static void test_chunks_are_libdeflates(void **state)
{
    (void)state;
    assert_string_equal(tr_h5_deflate_library(), "libdeflate " LIBDEFLATE_VERSION_STRING);
    double *v = malloc(sizeof *v * ROWS);
    fill(v, ROWS, 0);
    write_deflated("test_deflate.h5", v);
    check_file("test_deflate.h5", v, 1);
    free(v);
    remove("test_deflate.h5");
}

/* Random bits: stored blocks, still a zlib stream that inflates to the data. */
static void test_incompressible_chunks(void **state)
{
    (void)state;
    double *v = malloc(sizeof *v * ROWS);
    fill(v, ROWS, 1);
    write_deflated("test_deflate_noise.h5", v);
    check_file("test_deflate_noise.h5", v, 0);
    free(v);
    remove("test_deflate_noise.h5");
}

/* zlib's contract, as HDF5 relies on it: Z_BUF_ERROR when the room is short, Z_STREAM_ERROR for
 * a level outside 0-9 (Z_DEFAULT_COMPRESSION is 6), and level 0 stores. */
static void test_compress2_contract(void **state)
{
    (void)state;
    unsigned char src[4096], dst[8192], back[4096];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (unsigned char)(i * 7 % 13);
    uLongf n = 8;
    assert_int_equal(compress2(dst, &n, src, sizeof src, 1), Z_BUF_ERROR);
    n = sizeof dst;
    assert_int_equal(compress2(dst, &n, src, sizeof src, 10), Z_STREAM_ERROR);
    for (int level = -1; level <= 9; level++) {
        n = sizeof dst;
        assert_int_equal(compress2(dst, &n, src, sizeof src, level), Z_OK);
        if (level == 0) assert_true(n > sizeof src); /* stored: the data and its framing */
        uLongf m = sizeof back;
        assert_int_equal(uncompress(back, &m, dst, n), Z_OK);
        assert_int_equal(m, sizeof src);
        assert_memory_equal(back, src, sizeof src);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks_are_libdeflates),
        cmocka_unit_test(test_incompressible_chunks),
        cmocka_unit_test(test_compress2_contract),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
