/* The run file's groups, one writer each. tr_runfile_write calls them in order on every rank:
 * creating objects is collective in parallel HDF5, so each writer makes the same HDF5 calls on
 * every rank and only the raw data differ. */
#ifndef TELRISK_OUTPUT_GROUPS_H
#define TELRISK_OUTPUT_GROUPS_H

#include "output/runfile.h"
#include "output/seal.h"

#include "io/h5.h"

#include <hdf5.h>
#include <stddef.h>

/* Members of a compound table, from a struct's members (tr_h5_field). */
#define STR_FIELD(type, member, len, unit)                                                         \
    {                                                                                              \
#member, offsetof(type, member), H5I_INVALID_HID, sizeof(((type *)0)->member), (len),      \
            (unit)                                                                                 \
    }
#define NUM_FIELD(type, member, h5type, unit)                                                      \
    {                                                                                              \
#member, offsetof(type, member), (h5type), 0, 0, (unit)                                    \
    }

/* A table that is the same on every rank: created by all, its rows written by rank 0. */
void tr_rf_small_table(const struct tr_ctx *ctx, hid_t loc, const char *name,
                       const struct tr_h5_field *fields, int n_fields, size_t mem_size,
                       const void *rows, size_t n_rows, const char *description);

/* A table whose rows are spread over the ranks in order: each rank writes its n_local rows
 * after the lower ranks' (collective). */
void tr_rf_rows_table(const struct tr_ctx *ctx, hid_t loc, const char *name,
                      const struct tr_h5_field *fields, int n_fields, size_t mem_size,
                      const void *rows, uint64_t n_local, const char *description);

/* /models/region_reference (output/model_reference.c): written from m->region_reference, read
 * back into it (left NULL when the file has none, or not for these models). */
void tr_rf_write_region_reference(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m,
                                  const char *const *region_names, int64_t k_min);
void tr_rf_read_region_reference(hid_t g, struct tr_models *m);

/* /provenance/inputs and /provenance/stages (rank 0 writes the rows). */
void tr_rf_write_provenance(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_provenance *p);

/* Whether the dataset d is a table these fields can be read from: one column of compound records
 * holding every member, each of its field's class (text: fixed-length UTF-8), rows that fit in
 * memory. A file may come from anywhere: reading it must not fail an HDF5 call. */
int tr_rf_table_readable(hid_t d, const struct tr_h5_field *fields, int n_fields, size_t size);

/* In a table of `rows` rows in the order of its member `subscriber` (a key), the first row whose
 * key is at least key (rows when none): a binary search reading one key a step. */
uint64_t tr_rf_first_row_at(hid_t d, uint64_t rows, uint64_t key);

/* The rows of a compound table, converted to the struct the fields describe (to free); NULL when
 * absent, and when it is not such a table (then *bad is 1; tr_rf_read_table: as absent). */
void *tr_rf_read_table_checked(hid_t loc, const char *name, const struct tr_h5_field *fields,
                               int n_fields, size_t size, size_t *n_rows, int *bad);
void *tr_rf_read_table(hid_t loc, const char *name, const struct tr_h5_field *fields, int n_fields,
                       size_t size, size_t *n_rows);

/* /provenance/stages into the open group (rank 0 writes the rows), and read back (at most max
 * rows; returns how many). */
void tr_rf_write_stages(const struct tr_ctx *ctx, hid_t group, const struct tr_stage_stat *stages,
                        int n);
int tr_rf_read_stages(hid_t file, struct tr_stage_stat *stages, int max);

/* The open /provenance group's ranks and Slurm job attributes, replaced by this process's (one
 * process: the assembly of a resumed run on rank 0). */
void tr_rf_rewrite_job(hid_t provenance, int ranks);

/* /crosschecks/backtest into the open group, when bt (NULL: none) has grades. */
void tr_rf_write_backtest(const struct tr_ctx *ctx, hid_t g, const struct tr_backtest *bt,
                          const struct tr_rf_regions *regions, int64_t k_min);

/* /rejects: all rows are on rank 0; the count is shared first. p: the inputs they index. */
void tr_rf_write_rejects(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_rejects *rejects,
                         const struct tr_rf_provenance *p);

/* /ifrs9 (output/ifrs9.c). */
void tr_rf_write_ifrs9(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_ifrs9 *x,
                       int64_t k_min);

/* /ledger (output/ledger.c). */
struct tr_ledger_table;
void tr_rf_write_ledger(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_ledger *l);
/* /ledger's loans and obligors of the subscribers with keys in [lo, hi] into t (to free): 0, or 1
 * with err when a table is absent, not the table telrisk writes, or holds a row no ledger makes
 * (t then empty). */
int tr_rf_read_ledger_range(hid_t file, uint64_t lo, uint64_t hi, struct tr_ledger_table *t,
                            char *err, size_t errlen);
/* /ledger/cohorts into out; *present 0 when the file has none. 0, or 1 with err (not such a
 * table). */
int tr_rf_read_cohorts(hid_t file, struct tr_cohort_counts *out, int *present, char *err,
                       size_t errlen);

/* /regions/names and /subscribers/{key, region, features}. */
void tr_rf_write_regions(const struct tr_ctx *ctx, hid_t file, const struct tr_rf_regions *regions);
/* With scores (NULL: none) among them. */
void tr_rf_write_subscribers(const struct tr_ctx *ctx, hid_t file,
                             const struct tr_rf_subscribers *sub,
                             const struct tr_rf_scores *scores);

/* /models: binning, screening, coefficients and validation (output/models.c), when c->models,
 * with c's regions and k_min. */
void tr_rf_write_models(const struct tr_ctx *ctx, hid_t file, const struct tr_run_contents *c);

/* /models/controls into the open /models group (output/model_controls.c), when m has them; read
 * back into m->control (left NULL when the file has none). */
void tr_rf_write_controls(const struct tr_ctx *ctx, hid_t g, const struct tr_models *m);
void tr_rf_read_controls(hid_t g, struct tr_models *m);

/* /models/calibration into the open /models group when m has one (output/calibration.c), and
 * read back into m->calibration (not present when the file has none). 0, or 1 with err. */
void tr_rf_write_calibration(const struct tr_ctx *ctx, hid_t models, const struct tr_models *m,
                             int64_t k_min);
int tr_rf_read_calibration(hid_t models, struct tr_models *m, char *err, size_t errlen);

/* The champion's development AUCs from the open /models group's summary into
 * m->development_auc (left NULL without one; output/monitoring.c); /monitoring/auc_test into the
 * open /monitoring group when mon has tests. */
void tr_rf_read_development_auc(hid_t models, struct tr_models *m);
struct tr_monitoring;
void tr_rf_write_auc_tests(const struct tr_ctx *ctx, hid_t monitoring,
                           const struct tr_monitoring *mon, const char *const *names,
                           int64_t k_min);
/* /monitoring/region_drift into the open /monitoring group when mon has rows per region. */
void tr_rf_write_region_drift(const struct tr_ctx *ctx, hid_t monitoring,
                              const struct tr_monitoring *mon, const char *const *names);
/* /monitoring/migration into the open /monitoring group when m has counts. */
struct tr_migration;
void tr_rf_write_migration(const struct tr_ctx *ctx, hid_t monitoring, const struct tr_migration *m,
                           const char *const *names, int64_t k_min);

/* Reads /models back into m (names, bins, coefficients; not the validation). 0, or 1 with err. */
int tr_rf_read_models(hid_t file, struct tr_models *m, char *err, size_t errlen);

struct tr_monitoring;
/* /monitoring: PSI and champion/challenger (telrisk score --model). */
void tr_rf_write_monitoring(const struct tr_ctx *ctx, hid_t file,
                            const struct tr_rf_monitoring *monitoring);

/* /crosschecks/drift: the monitoring's PSI rows, into the open /crosschecks group. */
void tr_rf_write_drift(const struct tr_ctx *ctx, hid_t crosschecks,
                       const struct tr_monitoring *mon);

/* /subscribers/{pd, score, grade} into the open /subscribers group: rows [first, first +
 * scores->n_local) of total. */
void tr_rf_write_scores(const struct tr_ctx *ctx, hid_t subscribers,
                        const struct tr_rf_scores *scores, uint64_t first, uint64_t total);

/* /crosschecks (output/crosschecks.c), when c->crosschecks has checks: with c's provenance (the
 * inputs' accounting), regions and k_min. */
void tr_rf_write_crosschecks(const struct tr_ctx *ctx, hid_t file, const struct tr_run_contents *c);

struct tr_portfolio;
struct tr_stress_params;
struct tr_stress_result;
/* /portfolio/loans (output/stress.c), when book; every rank writes its exposures in order. */
void tr_rf_write_portfolio(const struct tr_ctx *ctx, hid_t file, const struct tr_portfolio *book);
/* The rows of /portfolio/loans whose borrower key is in [lo, hi) (found by binary search), on
 * this rank alone. 0, or 1 with err. */
int tr_rf_read_portfolio_keys(hid_t file, uint64_t lo, uint64_t hi, struct tr_portfolio *book,
                              char *err, size_t errlen);
/* Collective: the exposures of this rank's n subscribers (sorted keys; ranks in key order). 0,
 * or 1 with err (this rank's). */
int tr_rf_read_portfolio_aligned(const struct tr_ctx *ctx, hid_t file, size_t n,
                                 const uint64_t *key, struct tr_portfolio *book, char *err,
                                 size_t errlen);
/* This rank's even slice of /portfolio/loans. 0, or 1 with err. */
int tr_rf_read_portfolio(const struct tr_ctx *ctx, hid_t file, struct tr_portfolio *book, char *err,
                         size_t errlen);
/* /stress/<scenario> for each result, replacing a group of the same name. */
void tr_rf_write_stress(const struct tr_ctx *ctx, hid_t file, const struct tr_stress_params *p,
                        const struct tr_stress_result *results, int n);

/* The checksum the seal (output/seal.c) gives the object at path of the open file f, computed
 * from its values and attributes whatever its stored checksum says: 0, or -1 ("" in text) when it
 * cannot be read. */
int tr_seal_digest_of(hid_t f, const char *path, char text[TR_CHECKSUM_TEXT + 1]);

#endif
