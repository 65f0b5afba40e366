/* /regions and /subscribers: one row per subscriber, in key order. Each rank writes its own rows
 * at the offset of all lower ranks' rows, so the file is the same at any rank count. */
#include "output/groups.h"

#include "core/calendar.h"
#include "core/error.h"
#include "io/h5.h"
#include "output/reasons.h"

#include <stdlib.h>
#include <string.h>

void tr_rf_write_regions(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_regions *regions)
{
    size_t n = regions->n > 0 ? (size_t)regions->n : 0;
    size_t width = tr_h5_longest(regions->names, n) + 1;
    hid_t g = tr_h5_group(file, "regions", "the country's regions, in the order of their index");
    hid_t type = tr_h5_str_type(width - 1);
    hsize_t dims[1] = {n};
    hid_t d = tr_h5_dataset(g, "names", type, 1, dims,
                            "region names; /subscribers/region and the per-region results index "
                            "this list from 0",
                            "");
    char *packed = TR_CALLOC(n ? n : 1, width); /* zeroed: padding bytes reach the file */
    for (size_t i = 0; ctx->rank == 0 && i < n; i++)
        if (regions->names[i])
            memcpy(packed + i * width, regions->names[i], strlen(regions->names[i]));
    tr_h5_write_rows(ctx, d, type, packed, 0, ctx->rank == 0 ? n : 0);
    free(packed);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Tclose(type));
    H5_CHECK(H5Gclose(g));
}

/* The feature registry's columns as three string attributes of /subscribers/features. */
static void write_feature_info(hid_t d, const struct tr_rf_subscribers *sub)
{
    size_t n = sub->n_features > 0 ? (size_t)sub->n_features : 0;
    const char **text = TR_MALLOC(sizeof *text * 3 * (n ? n : 1));
    for (size_t j = 0; j < n; j++) {
        text[j] = sub->feature_info[j].name;
        text[n + j] = sub->feature_info[j].unit;
        text[2 * n + j] = sub->feature_info[j].description;
    }
    tr_h5_attr_strs(d, "names", text, n);
    tr_h5_attr_strs(d, "units", text + n, n);
    tr_h5_attr_strs(d, "descriptions", text + 2 * n, n);
    free(text);
}

/* Collective: this rank's rows at their global offset, then the dataset is done. */
static void write_and_close(const struct tr_ctx *ctx, hid_t d, hid_t mem_type, const void *rows,
                            uint64_t first, uint64_t n_local)
{
    tr_h5_write_rows(ctx, d, mem_type, rows, first, n_local);
    H5_CHECK(H5Dclose(d));
}

/* The window the indicators cover, as dates: its first and last days, and the observation date
 * (the day after it, from which labels and tenure count). */
static void write_window(hid_t g, const struct tr_rf_subscribers *sub)
{
    const int64_t days[3] = {sub->window_start / 86400, sub->window_end / 86400 - 1,
                             sub->window_end / 86400};
    static const char *const names[3] = {"window_start", "window_end", "observation_date"};
    for (int k = 0; k < 3; k++) {
        int y, m, d;
        char date[16] = "";
        tr_civil_from_days(days[k], &y, &m, &d);
        if (sub->window_end > sub->window_start)
            snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
        tr_h5_attr_str(g, names[k], date);
    }
    tr_h5_attr_str(g, "window_rule", sub->window_rule ? sub->window_rule : "");
}

void tr_rf_write_subscribers(const struct tr_ctx *ctx, hid_t file,
                             const struct tr_rf_subscribers *sub, const struct tr_rf_scores *scores)
{
    uint64_t n_local = sub->n_local, first = 0, total = 0;
    MPI_CHECK(MPI_Exscan(&n_local, &first, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    if (ctx->rank == 0) first = 0; /* MPI_Exscan leaves rank 0's result undefined */
    MPI_CHECK(MPI_Allreduce(&n_local, &total, 1, MPI_UINT64_T, MPI_SUM, ctx->comm));
    hsize_t dims[2] = {total, sub->n_features > 0 ? (hsize_t)sub->n_features : 0};
    hid_t g = tr_h5_group(file, "subscribers", "one row per subscriber, in key order");
    write_window(g, sub);
    hid_t d = tr_h5_dataset(g, "key", H5T_STD_U64LE, 1, dims,
                            "pseudonymous subscriber key: SipHash-2-4 of the subscriber id "
                            "(MSISDN) with the run's secret key; strictly increasing",
                            "");
    tr_h5_attr_scalar(d, "key_collisions", H5T_STD_I64LE, H5T_NATIVE_INT64, &sub->key_collisions);
    write_and_close(ctx, d, H5T_NATIVE_UINT64, sub->key, first, n_local);
    d = tr_h5_dataset(g, "region", H5T_STD_I32LE, 1, dims,
                      "home region: row of /regions/names, -1 when unknown (-2, all "
                      "regions, is in tables only)",
                      "");
    write_and_close(ctx, d, H5T_NATIVE_INT32, sub->region, first, n_local);
    d = tr_h5_dataset(g, "label", H5T_STD_I8LE, 1, dims,
                      "outcome of the first loan issued within model.horizon_days after the "
                      "observation window, as the book stands at its cut: 1 default, 0 repaid, "
                      "-1 unlabelled (no such loan, or still open)",
                      "");
    write_and_close(ctx, d, H5T_NATIVE_INT8, sub->label, first, n_local);
    d = tr_h5_dataset(g, "holdout", H5T_STD_I8LE, 1, dims,
                      "the sample a labelled subscriber belongs to: 0 training, 1 validation "
                      "hold-out (keyed hash of the key, model.holdout of subscribers), 2 "
                      "out-of-time (labelling loan issued on or after model.oot_date)",
                      "");
    write_and_close(ctx, d, H5T_NATIVE_INT8, sub->holdout, first, n_local);
    d = tr_h5_dataset(g, "features", H5T_IEEE_F64LE, 2, dims,
                      "behavioural indicators, one column per feature (attributes names, units, "
                      "descriptions); NaN where a feature is undefined for the subscriber",
                      NULL);
    write_feature_info(d, sub);
    /* rows: /subscribers/key; columns: the attribute names (docs/output.md, "Matrices") */
    tr_h5_attr_strs(d, "axes", (const char *const[]){"key", "names"}, 2);
    write_and_close(ctx, d, H5T_NATIVE_DOUBLE, sub->features, first, n_local);
    if (scores) tr_rf_write_scores(ctx, g, scores, first, total);
    if (sub->flags) {
        d = tr_h5_dataset(g, "flags", H5T_STD_U8LE, 1, dims,
                          "fraud alerts raised for the subscriber, one bit per rule: 1 "
                          "account_takeover, 2 impossible_travel, 4 simbox, 8 velocity, 16 "
                          "dormant_then_active (/crosschecks/alerts has each alert)",
                          "");
        write_and_close(ctx, d, H5T_NATIVE_UINT8, sub->flags, first, n_local);
    }
    H5_CHECK(H5Gclose(g));
}

void tr_rf_write_scores(const struct tr_ctx *ctx, hid_t g, const struct tr_rf_scores *sc,
                        uint64_t first, uint64_t total)
{
    hsize_t dims[1] = {total};
    const uint64_t n_local = sc->n_local;
    hid_t d;
    d = tr_h5_dataset(g, "pd", H5T_IEEE_F64LE, 1, dims,
                      "probability of default within model.horizon_days, from the subscriber's "
                      "region's model (or the national one: /models/summary own_model)",
                      "probability");
    write_and_close(ctx, d, H5T_NATIVE_DOUBLE, sc->pd, first, n_local);
    d = tr_h5_dataset(g, "score", H5T_IEEE_F64LE, 1, dims,
                      "scorecard points: base_points + pdo / ln 2 x ln(odds / base_odds), odds "
                      "= (1 - pd) / pd (/models attributes)",
                      "points");
    write_and_close(ctx, d, H5T_NATIVE_DOUBLE, sc->score, first, n_local);
    d = tr_h5_dataset(g, "grade", H5T_STD_I8LE, 1, dims,
                      "rating grade on the master scale (/models master_scale: grade g holds "
                      "PDs up to its bound), 1 the safest",
                      "");
    write_and_close(ctx, d, H5T_NATIVE_INT8, sc->grade, first, n_local);
    if (sc->pd_calibrated) {
        d = tr_h5_dataset(g, "pd_calibrated", H5T_IEEE_F64LE, 1, dims,
                          "the subscriber's grade's PD calibrated to the ledger's long-run average "
                          "default rate, with the margins of conservatism and the floor "
                          "(/models/calibration; docs/credit.md section 4): what the stress "
                          "stage uses; the model's own PD when there is no calibration",
                          "probability");
        write_and_close(ctx, d, H5T_NATIVE_DOUBLE, sc->pd_calibrated, first, n_local);
    }
    tr_rf_write_reason_rows(ctx, g, sc, first, total);
}
