/* A finished run file as the input of another step: `telrisk train` learns from its stored
 * features and `telrisk score` scores them, without reading the CSVs again. Each rank loads a
 * contiguous slice of the subscribers (they stay in key order), and the result is written to a
 * copy of the file that replaces it (or goes to --out) only when complete. */
#ifndef TELRISK_OUTPUT_STORED_H
#define TELRISK_OUTPUT_STORED_H

#include "core/log.h"
#include "model/calibration.h"
#include "output/runfile.h"
#include "features/ledger_days.h"
#include "stress/portfolio.h"

#include <stddef.h>
#include <stdint.h>

struct tr_stored_run {
    uint64_t seed;
    size_t n;              /* this rank's subscribers */
    uint64_t first;        /* global row of the first */
    uint64_t *key;         /* [n] */
    int32_t *region;       /* [n] */
    int8_t *label;         /* [n] */
    int8_t *sample;        /* [n] (/subscribers/holdout) */
    double *values;        /* [n x n_features] */
    double *pd;            /* [n] the file's own PDs, NULL when it has none */
    double *pd_calibrated; /* [n] /subscribers/pd_calibrated, NULL when it has none */
    int n_features;
    char **names; /* [n_features] */
    int n_regions;
    char **region_names;    /* [n_regions] */
    const char *unverified; /* set by the caller: inputs read with --no-verify, or NULL */
    char *config;           /* the root's config (INI text), NULL when it has none */
    int has_cohorts;        /* /ledger/cohorts was read into cohorts */
    struct tr_cohort_counts cohorts;
    /* Set by the caller for tr_stored_run_update: the root config the written file's models were
     * made with (NULL: the file's stays), and whether `sample` was drawn again (then
     * /subscribers/holdout is rewritten from it). */
    const char *new_config;
    int samples_changed;
};

/* Collective: a run file's (or a trained file's) /models, read by every rank (they are small), for
 * telrisk score --model. 0, or TR_EXIT_INPUT with the reason printed once; m to free
 * (tr_models_free) either way. */
struct tr_models;
int tr_stored_models_load(const struct tr_ctx *ctx, const char *path, struct tr_models *m);

/* A previous run's subscribers and their grades (telrisk score --compare), whole on every rank.
 * Collective: 0, or TR_EXIT_INPUT with the reason printed once (g freed). */
struct tr_stored_grades {
    size_t n;
    uint64_t *key; /* [n], increasing */
    int8_t *grade; /* [n] */
};
int tr_stored_grades_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_grades *g);
void tr_stored_grades_free(struct tr_stored_grades *g);

/* Collective. 0, or TR_EXIT_INPUT with the reason printed once. */
int tr_stored_run_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_run *r);
void tr_stored_run_free(struct tr_stored_run *r);

/* Collective: copies `from` (loaded as run) to a temporary name beside `to`, replaces its /models,
 * /subscribers/{pd, score, grade}, /crosschecks/{backtest, drift} and /monitoring with c's
 * (models, scores of run's rows, crosschecks, monitoring; regions and k_min), rejoins the loan
 * book's model PDs, renames it to `to`. Returns an exit code: TR_EXIT_INPUT (said, with the
 * path) when the copy cannot be made or published, or when `from`'s /portfolio/loans cannot be
 * read (then the copy is removed and `to` left as it was). */
int tr_stored_run_update(const struct tr_ctx *ctx, const struct tr_stored_run *run,
                         const char *from, const char *to, const struct tr_run_contents *c);

struct tr_stress_params;
struct tr_stress_result;

/* What `telrisk stress` needs of a run file: its identity, its regions and this rank's even slice
 * of /portfolio/loans. */
struct tr_stored_book {
    uint64_t seed;
    char created[32]; /* created_utc */
    int n_regions;
    char **region_names; /* [n_regions] */
    struct tr_portfolio book;
    char fingerprint[65];   /* the run's content (tr_stored_book_load): what a part must match */
    const char *unverified; /* set by the caller: inputs read with --no-verify, or NULL */
};

/* Collective. 0, or TR_EXIT_INPUT with the reason printed once. */
int tr_stored_book_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_book *b);
void tr_stored_book_free(struct tr_stored_book *b);

/* Collective: the stress results into the run file itself (part NULL: a copy with the /stress
 * groups replaced, renamed over it) or into a new part file holding only /stress and the run's
 * identity (for telrisk merge). Returns an exit code. */
int tr_stored_stress_write(const struct tr_ctx *ctx, const char *run, const char *part,
                           const struct tr_stored_book *b, const struct tr_stress_params *p,
                           const struct tr_stress_result *results, int n);

/* Collective (rank 0 works): `to` becomes `run` with every part's /stress groups. A part is
 * matched to the run by content, not time: its source_fingerprint must be the run's content
 * fingerprint (its seed, its config without [stress], its /provenance/inputs, /regions/names and
 * /portfolio/loans), so a part of another run is refused. unverified: inputs read with
 * --no-verify (recorded in `to`), or NULL. Returns an exit code, the reason printed. */
int tr_stored_stress_merge(const struct tr_ctx *ctx, const char *run, const char *to,
                           const char *const *parts, int n_parts, const char *unverified);

/* What IFRS 9 needs of a run file beyond its subscribers' rows (resuming, and telrisk ecl): its
 * reporting date, the ledger rows of a slice's subscribers and their flags. */
struct tr_stored_ledger {
    int present;                  /* the file has /ledger */
    int64_t observation_day;      /* /ledger's */
    int64_t default_dpd;          /* /ledger's D: the one its default days were found with */
    struct tr_ledger_table table; /* the loans and obligors of the slice's subscribers */
    uint8_t *flags;               /* [n] the slice's /subscribers/flags; NULL: none */
};
/* Collective: the part of rows [first, first + n) (keys key[0..n), increasing). 0, or
 * TR_EXIT_INPUT with the reason printed once. */
int tr_stored_ledger_load(const struct tr_ctx *ctx, const char *path, size_t n, uint64_t first,
                          const uint64_t *key, struct tr_stored_ledger *out);
void tr_stored_ledger_free(struct tr_stored_ledger *l);

/* What telrisk ecl needs of a run file: its identity, regions, this rank's even cut of the
 * subscribers with their calibrated PDs, their ledger part and the grades' calibrated PDs. */
struct tr_stored_ecl {
    uint64_t seed;
    char created[32];
    char *config; /* the root's (INI text), NULL none */
    int n_regions;
    char **region_names;
    int rank, ranks;
    uint64_t first;
    size_t n;
    uint64_t *key;   /* [n] */
    int32_t *region; /* [n] */
    double *pd;      /* [n]: /subscribers/pd_calibrated, else pd, else NaN */
    struct tr_stored_ledger ledger;
    int n_grades; /* 0: no calibration */
    double grade_pd[TR_MAX_GRADES];
};
/* Collective. 0, or TR_EXIT_INPUT with the reason printed once. */
int tr_stored_ecl_load(const struct tr_ctx *ctx, const char *path, struct tr_stored_ecl *e);
void tr_stored_ecl_free(struct tr_stored_ecl *e);

/* Collective: a previous run's /ifrs9/loans (telrisk ecl --compare), whole on every rank. 0, or
 * TR_EXIT_INPUT with the reason printed once. */
struct tr_ifrs9_previous;
int tr_stored_ifrs9_previous_load(const struct tr_ctx *ctx, const char *path,
                                  struct tr_ifrs9_previous *p);

/* Collective: `run` copied to `to` (they may be the same) with its /ifrs9 replaced by x's, the
 * history's row added, sealed. Returns an exit code. */
int tr_stored_ifrs9_write(const struct tr_ctx *ctx, const char *run, const char *to, uint64_t seed,
                          const struct tr_rf_ifrs9 *x, int64_t k_min, const char *unverified);

#endif
