/* The run file's chunks deflated by libdeflate instead of zlib, for the same files.
 *
 * HDF5's deflate filter (H5Z_FILTER_DEFLATE) compresses a chunk with one call, zlib's compress2
 * (libhdf5 imports nothing else of zlib to compress). HDF5 1.10 refuses to register another
 * filter under a predefined id, so telrisk replaces the call instead: this file defines
 * compress2, the executable's definition comes first in the dynamic linker's search, and HDF5's
 * call binds to it. libdeflate writes the same format, zlib streams, which every HDF5 reader
 * inflates (h5py, h5dump, R: the filter's id and level in the file are HDF5's own), 2.3
 * times as fast as zlib at level 1 and a little smaller (docs/performance.md, "Compression").
 * Inflating stays zlib's. The same library makes the same bytes of the same chunk, so runs stay
 * bit-identical at any rank count. tests/unit/test_deflate.c checks both: that a chunk HDF5
 * wrote is libdeflate's stream, and that zlib inflates it to the data. */
#include "io/h5.h"

#include <libdeflate.h>
#include <zlib.h>

/* One compressor per level, kept for the process (allocating one costs more than a chunk);
 * telrisk's ranks are single-threaded processes. */
static struct libdeflate_compressor *compressors[10];

static struct libdeflate_compressor *compressor_of(int level)
{
    if (!compressors[level]) compressors[level] = libdeflate_alloc_compressor(level);
    return compressors[level];
}

/* zlib's contract: source deflated into dest (room *destLen) as a zlib stream, its length in
 * *destLen; Z_OK, Z_BUF_ERROR when it does not fit, Z_MEM_ERROR, Z_STREAM_ERROR (a bad level). */
int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level)
{
    if (level == Z_DEFAULT_COMPRESSION) level = 6;
    if (level < 0 || level > 9) return Z_STREAM_ERROR;
    struct libdeflate_compressor *c = compressor_of(level), *stored = compressor_of(0);
    if (!c || !stored) return Z_MEM_ERROR;
    size_t n = libdeflate_zlib_compress(c, source, sourceLen, dest, *destLen);
    /* Data that does not shrink: stored blocks, as zlib makes it (HDF5 gives zlib's room). */
    if (n == 0) n = libdeflate_zlib_compress(stored, source, sourceLen, dest, *destLen);
    if (n == 0) return Z_BUF_ERROR;
    *destLen = (uLongf)n;
    return Z_OK;
}

const char *tr_h5_deflate_library(void)
{
    return "libdeflate " LIBDEFLATE_VERSION_STRING;
}
