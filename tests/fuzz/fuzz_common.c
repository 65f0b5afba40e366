#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include "core/error.h"

#include <math.h>
#include <mpi.h>
#include <sanitizer/lsan_interface.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>

/* Open MPI installs its own handlers of the crash signals at MPI_Init: libFuzzer's (which save
 * the input) are put back (restore 1) as they were before it (restore 0). */
static void keep_fuzzer_handlers(int restore)
{
    static const int signals[] = {SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV};
    static struct sigaction saved[sizeof signals / sizeof *signals];
    for (size_t k = 0; k < sizeof signals / sizeof *signals; k++)
        FZ_ASSERT(sigaction(signals[k], restore ? &saved[k] : NULL, restore ? NULL : &saved[k]) ==
                  0);
}

const struct tr_ctx *fz_init(void)
{
    static struct tr_ctx ctx;
    static int started;
    if (!started) {
        /* One process on its own (a singleton): the readers' collectives are then local. What
         * Open MPI allocates to start (and never frees) is its own, not a leak of ours. */
        __lsan_disable();
        keep_fuzzer_handlers(0);
        MPI_Init(NULL, NULL);
        keep_fuzzer_handlers(1);
        __lsan_enable();
        tr_ctx_init(&ctx, MPI_COMM_WORLD, fopen("/dev/null", "w"));
        tr_gsl_init(); /* as telrisk_main: GSL reports errors to its callers, never aborts */
        started = 1;
    }
    return &ctx;
}

/* The checked-call macros (core/error.h) end the job with MPI_Abort, which in a singleton kills
 * the process before libFuzzer can save the input: this definition, the executable's, wins over
 * libmpi's, and aborts as an assertion would (a reader must refuse a bad file, not end the job). */
int MPI_Abort(MPI_Comm comm, int code)
{
    (void)comm;
    fprintf(stderr, "fuzz: MPI_Abort with exit code %d: the job would end here\n", code);
    abort();
}

void fz_file_open(struct fz_file *f, const char *name)
{
    f->fd = memfd_create(name, 0);
    FZ_ASSERT(f->fd >= 0);
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

static char named[1024];

static void remove_named(void)
{
    if (!getenv("FZ_KEEP")) unlink(named); /* FZ_KEEP=1: kept, e.g. as a seed of runfile_raw */
}

void fz_file_open_named(struct fz_file *f, const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(f->path, sizeof f->path, "%s/%s-%d", dir && dir[0] ? dir : "/tmp", name,
             (int)getpid());
    f->fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    FZ_ASSERT(f->fd >= 0 && !named[0]);
    snprintf(named, sizeof named, "%s", f->path);
    atexit(remove_named);
}

void fz_file_set(struct fz_file *f, const void *data, size_t n)
{
    FZ_ASSERT(ftruncate(f->fd, 0) == 0);
    for (size_t done = 0; done < n;) {
        ssize_t k = pwrite(f->fd, (const char *)data + done, n - done, (off_t)done);
        FZ_ASSERT(k > 0);
        done += (size_t)k;
    }
}

void fz_file_close(struct fz_file *f)
{
    close(f->fd);
    f->fd = -1;
}

uint8_t fz_u8(struct fz_bytes *b)
{
    if (b->n == 0) return 0;
    b->n--;
    return *b->p++;
}

uint32_t fz_u32(struct fz_bytes *b)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++)
        v = v << 8 | fz_u8(b);
    return v;
}

uint64_t fz_u64(struct fz_bytes *b)
{
    return (uint64_t)fz_u32(b) << 32 | fz_u32(b);
}

unsigned fz_pick(struct fz_bytes *b, unsigned n)
{
    return fz_u8(b) % n;
}

double fz_double(struct fz_bytes *b)
{
    static const double edges[] = {0.5,       -0.0,   0.0,    1.0,   -1.0,      0.25,
                                   0.999,     1e-300, 5e-324, 1e300, -1e300,    INFINITY,
                                   -INFINITY, NAN,    2.5,    0.05,  1.0000001, -0.5};
    const unsigned k = fz_u8(b);
    if (k < sizeof edges / sizeof *edges) return edges[k];
    uint64_t bits = fz_u64(b);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

int64_t fz_int(struct fz_bytes *b, int64_t limit)
{
    const unsigned k = fz_u8(b);
    const int64_t edges[7] = {
        0, -1, 1, limit, limit - 1, k & 8 ? INT64_MIN : INT64_MAX, k & 8 ? INT32_MIN : INT32_MAX};
    return k % 8 < 7 ? edges[k % 8] : (int64_t)fz_u64(b);
}

size_t fz_text(struct fz_bytes *b, char *out, size_t max)
{
    size_t n = fz_u8(b) % (max + 1);
    for (size_t k = 0; k < n; k++)
        out[k] = (char)fz_u8(b);
    out[n] = 0;
    return n;
}
