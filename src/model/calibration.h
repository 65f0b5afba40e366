/* Calibration of the model's PDs to the long-run average default rate (docs/credit.md section
 * 4): the history's yearly cohorts (features/ledger_days.h) give the long-run average (LRA), the
 * arithmetic mean of their one-year default rates; one shift of the log-odds of every grade's
 * mean model PD makes the population's mean PD that average (the model keeps its ranking); each
 * grade's PD is then its shifted mean plus the margins of conservatism (EBA categories A, B, C),
 * at least the regulatory floor. Every subscriber of a grade gets the grade's PD, as an IRB
 * rating system assigns it; the model's own PD stays beside it. */
#ifndef TELRISK_MODEL_CALIBRATION_H
#define TELRISK_MODEL_CALIBRATION_H

#include "config/config.h"
#include "core/log.h"
#include "features/ledger_days.h"
#include "model/scorecard.h"

#include <stddef.h>
#include <stdint.h>

/* The history's cohorts over all ranks: what the LRA is taken from. */
struct tr_cohort_counts {
    int64_t day[TR_LEDGER_COHORTS];      /* T_k, days since 1970 */
    int64_t obligors[TR_LEDGER_COHORTS]; /* in its population, its outcome known */
    int64_t defaults[TR_LEDGER_COHORTS]; /* of them, defaulted within the horizon */
    int8_t used[TR_LEDGER_COHORTS]; /* 1: with obligors, and the ledger holds its year before */
    int64_t first_issue_day;        /* the ledger's first loan (issued by C); INT64_MAX none */
};

/* Whether cohort k enters the long-run average: it has obligors and the ledger reaches a year
 * before its day, so that every exposure then of a loan of a year or less is in the ledger. */
int tr_cohort_used(int64_t day, int64_t obligors, int64_t first_issue_day);

/* Collective: the cohorts of every rank's obligors (t), with the settings' days. */
void tr_cohort_counts_of(const struct tr_ctx *ctx, const struct tr_ledger_settings *s,
                         const struct tr_ledger_table *t, struct tr_cohort_counts *out);

struct tr_pd_calibration {
    int present;      /* 0: no cohort had a known outcome (the PDs stay the model's) */
    int n_grades;     /* the master scale's */
    int cohorts_used; /* cohorts with obligors */
    double lra;       /* the long-run average default rate */
    double shift;     /* added to every grade's log-odds */
    double moc_a, moc_b, moc_c, floor;
    char reason_a[256], reason_b[256], reason_c[256];
    int64_t obligors[TR_MAX_GRADES]; /* the population's (labelled rows) per grade */
    int64_t defaults[TR_MAX_GRADES];
    double model_pd[TR_MAX_GRADES];   /* the grade's mean model PD */
    double best[TR_MAX_GRADES];       /* the calibrated best estimate */
    double pd[TR_MAX_GRADES];         /* with the margins and the floor: what is used */
    double jeffreys_p[TR_MAX_GRADES]; /* of the population's defaults against pd (NaN: none) */
    /* Read back from a file (a champion's): its rows' suppression as stored, their hidden
     * counts -1, written again as they are. */
    int from_file;
    int8_t suppressed[TR_MAX_GRADES];
};

/* Collective: the calibration of these rows' PDs and grades (rows: n labels; pd, grade: [n]). */
void tr_calibrate(const struct tr_ctx *ctx, const struct tr_config *cfg,
                  const struct tr_scorecard *card, const struct tr_cohort_counts *cohorts, size_t n,
                  const int8_t *label, const double *pd, const int8_t *grade,
                  struct tr_pd_calibration *out);

/* Each row's calibrated PD (its grade's; the model's PD when c is not present). */
void tr_calibrated_pds(const struct tr_pd_calibration *c, size_t n, const double *pd,
                       const int8_t *grade, double *out);

#endif
