/* bandicoot's CSV inputs (`telrisk indicators`): the input is up to three files separated by a
 * line "@@": the antennas, the user's records, the user's top-ups, loaded in that order as the
 * command loads them; the first byte chooses the options and which files are given. A loaded
 * user's indicators are then computed, as the command would. Besides crashes, undefined behaviour
 * and leaks, it checks that a refusal says which file and line, and that the loaded records are
 * in time order with valid antenna indices. */
#include "fuzz_common.h"

#include "features/bandicoot/bandicoot.h"
#include "features/bandicoot/bc_input.h"

#include <string.h>

static struct fz_file files[3];
static FILE *null_out;

/* Section k of the input (after the options byte): the bytes between the k-th and (k+1)-th "@@"
 * line. */
static void section(const uint8_t *data, size_t size, int k, const uint8_t **at, size_t *n)
{
    const uint8_t *p = data, *end = data + size;
    for (int s = 0;; s++) {
        const uint8_t *sep = NULL;
        for (const uint8_t *q = p; q + 3 <= end && !sep; q++)
            if (q[0] == '@' && q[1] == '@' && q[2] == '\n' && (q == data || q[-1] == '\n')) sep = q;
        if (s == k) {
            *at = p, *n = (size_t)((sep ? sep : end) - p);
            return;
        }
        if (!sep) {
            *at = end, *n = 0;
            return;
        }
        p = sep + 3;
    }
}

static void check_user(const struct tr_bc_user *u)
{
    for (size_t i = 0; i < u->n_records; i++) {
        FZ_ASSERT(i == 0 || u->records[i - 1].t <= u->records[i].t);
        FZ_ASSERT(u->records[i].antenna >= -1);
        FZ_ASSERT(!u->positions || u->records[i].antenna < (int32_t)u->n_positions);
    }
    for (size_t i = 1; i < u->n_recharges; i++)
        FZ_ASSERT(u->recharges[i - 1].t <= u->recharges[i].t);
}

static void compute(const struct tr_bc_input *in, unsigned options)
{
    const struct tr_bc_options o = {.groupby_week = options & 1,
                                    .extended = (options >> 1) & 1,
                                    .split_week = (options >> 2) & 1,
                                    .split_day = (options >> 3) & 1};
    struct tr_bc_user u;
    tr_bc_input_user(in, &u);
    check_user(&u);
    const char *const *keys;
    double *values = malloc(sizeof *values * tr_bc_keys(&o, &keys));
    struct tr_bc_scratch scratch;
    tr_bc_scratch_init(&scratch);
    tr_bc_compute(&u, &o, &scratch, values);
    tr_bc_write_json(null_out, "user", &o, u.has_recharges, values);
    tr_bc_scratch_free(&scratch);
    free(values);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    const char *names[3] = {"antennas.csv", "records.csv", "recharges.csv"};
    for (int k = 0; k < 3; k++)
        fz_file_open(&files[k], names[k]);
    null_out = fopen("/dev/null", "w");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const unsigned options = data[0];
    const int with_antennas = options & 16, with_recharges = options & 32;
    struct tr_bc_input in;
    tr_bc_input_init(&in);
    char err[512] = "";
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++) {
        const uint8_t *at;
        size_t n;
        section(data + 1, size - 1, k, &at, &n);
        fz_file_set(&files[k], at, n);
        if (k == 0 && with_antennas) rc = tr_bc_load_antennas(&in, files[k].path, err, sizeof err);
        if (k == 1) rc = tr_bc_load_records(&in, files[k].path, err, sizeof err);
        if (k == 2 && with_recharges)
            rc = tr_bc_load_recharges(&in, files[k].path, err, sizeof err);
        if (rc) FZ_ASSERT(strstr(err, files[k].path) == err); /* "FILE:LINE: what" */
    }
    if (!rc) compute(&in, options);
    tr_bc_input_free(&in);
    return 0;
}
