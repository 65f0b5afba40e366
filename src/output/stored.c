#include "output/stored.h"

#include "core/error.h"
#include "io/h5.h"
#include "model/psi.h"
#include "output/groups.h"

#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every rank opens the file read-only on its own (the POSIX driver): a few independent reads of
 * its slice, no collective step. */
static hid_t open_read(const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    return f;
}

static int has(hid_t loc, const char *path)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    int yes = H5Lexists(loc, path, H5P_DEFAULT) > 0;
    tr_h5_quiet_end(&q);
    return yes;
}

static void read_slice(hid_t f, const char *name, hid_t mem_type, void *buf, uint64_t first,
                       size_t n)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    H5_CHECK(d);
    tr_h5_read_rows(d, mem_type, buf, first, n);
    H5_CHECK(H5Dclose(d));
}

/* The strings of a 1-D string attribute (is_attr) or dataset, fixed or variable length. */
static char **read_strings(hid_t obj, int is_attr, int *n)
{
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t ftype = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    H5_CHECK(space);
    H5_CHECK(ftype);
    *n = (int)H5Sget_simple_extent_npoints(space);
    char **out = TR_MALLOC(sizeof(char *) * ((size_t)*n + 1));
    hid_t mtype = H5Tcopy(H5T_C_S1);
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
        out[i] = variable ? strdup(v ? v : "") : strndup(v, width - 1);
    }
    if (variable && *n) H5_CHECK(H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf));
    free(buf);
    H5_CHECK(H5Tclose(mtype));
    H5_CHECK(H5Tclose(ftype));
    H5_CHECK(H5Sclose(space));
    return out;
}

int tr_stored_run_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_run *r)
{
    memset(r, 0, sizeof *r);
    hid_t f = open_read(path);
    int ok = f >= 0 && has(f, "subscribers/features") && has(f, "subscribers/label") &&
             has(f, "regions/names");
    char why[1100];
    snprintf(why, sizeof why, "telrisk: %s: %s", path,
             f < 0 ? "cannot open it as an HDF5 file"
                   : "not a telrisk run file with features (no /subscribers/features)");
    int rc = tr_fail_agree(ctx, ok ? TR_EXIT_OK : TR_EXIT_INPUT, why);
    if (rc) {
        if (f >= 0) H5Fclose(f);
        return rc;
    }
    hid_t d = H5Dopen2(f, "subscribers/features", H5P_DEFAULT);
    H5_CHECK(d);
    hid_t space = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    H5_CHECK(H5Sget_simple_extent_dims(space, dims, NULL));
    H5_CHECK(H5Sclose(space));
    hid_t a = H5Aopen(d, "names", H5P_DEFAULT);
    H5_CHECK(a);
    r->names = read_strings(a, 1, &r->n_features);
    H5_CHECK(H5Aclose(a));
    H5_CHECK(H5Dclose(d));
    d = H5Dopen2(f, "regions/names", H5P_DEFAULT);
    H5_CHECK(d);
    r->region_names = read_strings(d, 0, &r->n_regions);
    H5_CHECK(H5Dclose(d));
    a = H5Aopen(f, "seed", H5P_DEFAULT);
    H5_CHECK(a);
    H5_CHECK(H5Aread(a, H5T_NATIVE_UINT64, &r->seed));
    H5_CHECK(H5Aclose(a));
    /* An even cut of the rows: any cut gives the same results (sums are by global row). */
    const uint64_t total = dims[0];
    r->first = total * (uint64_t)ctx->rank / (uint64_t)ctx->size;
    r->n = (size_t)(total * (uint64_t)(ctx->rank + 1) / (uint64_t)ctx->size - r->first);
    r->key = TR_MALLOC(sizeof *r->key * (r->n + 1));
    r->region = TR_MALLOC(sizeof *r->region * (r->n + 1));
    r->label = TR_MALLOC(r->n + 1);
    r->sample = TR_MALLOC(r->n + 1);
    r->values = TR_MALLOC(sizeof(double) * (r->n * (size_t)r->n_features + 1));
    read_slice(f, "subscribers/key", H5T_NATIVE_UINT64, r->key, r->first, r->n);
    read_slice(f, "subscribers/region", H5T_NATIVE_INT32, r->region, r->first, r->n);
    read_slice(f, "subscribers/label", H5T_NATIVE_INT8, r->label, r->first, r->n);
    read_slice(f, "subscribers/holdout", H5T_NATIVE_INT8, r->sample, r->first, r->n);
    read_slice(f, "subscribers/features", H5T_NATIVE_DOUBLE, r->values, r->first, r->n);
    if (has(f, "subscribers/pd")) {
        r->pd = TR_MALLOC(sizeof(double) * (r->n + 1));
        read_slice(f, "subscribers/pd", H5T_NATIVE_DOUBLE, r->pd, r->first, r->n);
    }
    H5_CHECK(H5Fclose(f));
    return TR_EXIT_OK;
}

void tr_stored_run_free(struct tr_stored_run *r)
{
    for (int j = 0; j < r->n_features; j++)
        free(r->names[j]);
    for (int g = 0; g < r->n_regions; g++)
        free(r->region_names[g]);
    free(r->names);
    free(r->region_names);
    free(r->key);
    free(r->region);
    free(r->label);
    free(r->sample);
    free(r->values);
    free(r->pd);
    memset(r, 0, sizeof *r);
}

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    if (!in || !out) {
        snprintf(err, errlen, "cannot copy %s to %s: %s", from, to, strerror(errno));
        if (in) fclose(in);
        return 1;
    }
    char buf[1 << 16];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) rc = 1;
    rc |= ferror(in) != 0;
    rc |= fclose(out) != 0;
    fclose(in);
    if (rc) snprintf(err, errlen, "cannot copy %s to %s: %s", from, to, strerror(errno));
    return rc;
}

static void unlink_if(hid_t f, const char *path)
{
    if (has(f, path)) H5_CHECK(H5Ldelete(f, path, H5P_DEFAULT));
}

int tr_stored_run_update(const struct tr_ctx *ctx, const char *from, const char *to,
                         const struct tr_run_output *out, uint64_t first)
{
    size_t len = strlen(to) + 32;
    char *tmp = TR_MALLOC(len), err[1200] = "";
    snprintf(tmp, len, "%s.tmp-%016" PRIx64, to, out->seed);
    int rc = TR_EXIT_OK;
    if (ctx->rank == 0 && copy_file(from, tmp, err, sizeof err)) {
        fprintf(ctx->msg, "telrisk: %s\n", err);
        rc = TR_EXIT_INPUT;
    }
    if ((rc = tr_agree(ctx, rc))) {
        free(tmp);
        return rc;
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5_CHECK(fapl);
    H5_CHECK(H5Pset_fapl_mpio(fapl, ctx->comm, MPI_INFO_NULL));
    H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18));
    hid_t f = H5Fopen(tmp, H5F_ACC_RDWR, fapl);
    H5_CHECK(f);
    H5_CHECK(H5Pclose(fapl));
    unlink_if(f, "models");
    unlink_if(f, "monitoring");
    unlink_if(f, "subscribers/pd");
    unlink_if(f, "subscribers/score");
    unlink_if(f, "subscribers/grade");
    uint64_t total = out->n_local;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    hid_t g = H5Gopen2(f, "subscribers", H5P_DEFAULT);
    H5_CHECK(g);
    tr_rf_write_scores(ctx, g, out, first, total);
    H5_CHECK(H5Gclose(g));
    tr_rf_write_models(ctx, f, out);
    if (out->monitoring) tr_rf_write_monitoring(ctx, f, out->monitoring, out->monitoring_model);
    unlink_if(f, "crosschecks/drift");
    if (out->monitoring && has(f, "crosschecks")) {
        hid_t cc = H5Gopen2(f, "crosschecks", H5P_DEFAULT);
        H5_CHECK(cc);
        tr_rf_write_drift(ctx, cc, out->monitoring);
        H5_CHECK(H5Gclose(cc));
    }
    H5_CHECK(H5Fclose(f));
    if (ctx->rank == 0 && rename(tmp, to) != 0) {
        fprintf(ctx->msg, "telrisk: cannot rename %s to %s: %s\n", tmp, to, strerror(errno));
        rc = TR_EXIT_INPUT;
    }
    free(tmp);
    return tr_agree(ctx, rc);
}
