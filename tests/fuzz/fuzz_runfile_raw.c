/* The run-file readers on raw bytes: the input is the file itself, mutated byte by byte from a
 * real run file (tests/fuzz/corpus/runfile_raw/). Not in scripts/fuzz.sh's default list (run it
 * with --target runfile_raw): libhdf5 1.10.8 crashes on some damaged metadata, which is not ours
 * to fix, and our readers' checked HDF5 calls end the job (exit 3) on damage HDF5 reports only
 * once it reads the object. What it found is in docs/hardening.md ("Fuzzing"). */
#include "fuzz_common.h"

#include "core/error.h"
#include "output/stored.h"

#include <hdf5.h>

static struct fz_file file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    fz_file_open_named(&file, "fuzz-raw.h5");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct tr_ctx *ctx = fz_init();
    fz_file_set(&file, data, size);
    struct tr_stored_run r;
    int rc = tr_stored_run_load(ctx, file.path, &r);
    FZ_ASSERT(rc == TR_EXIT_OK || rc == TR_EXIT_INPUT);
    if (rc == TR_EXIT_OK) tr_stored_run_free(&r);
    struct tr_stored_book b;
    rc = tr_stored_book_load(ctx, file.path, &b);
    FZ_ASSERT(rc == TR_EXIT_OK || rc == TR_EXIT_INPUT);
    if (rc == TR_EXIT_OK) tr_stored_book_free(&b);
    return 0;
}
