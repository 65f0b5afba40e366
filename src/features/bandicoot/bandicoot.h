/* bandicoot's behavioural indicators (computationalprivacy/bandicoot v0.6.0, MIT), reproduced
 * value for value: the same filters (weekday/weekend, day/night, call/text), the same ISO-week
 * grouping, the same summaries and the same flattened key names, so a subscriber's row can be
 * checked against bandicoot's own output. Definitions, conventions and the oddities kept on
 * purpose: docs/indicators.md, "bandicoot indicators". */
#ifndef TELRISK_FEATURES_BANDICOOT_BANDICOOT_H
#define TELRISK_FEATURES_BANDICOOT_BANDICOOT_H

#include "core/tz.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tr_bc_record {
    int64_t t; /* seconds since 1970-01-01 of the record's local date-time as written */
    uint64_t correspondent; /* any stable id: a keyed hash in the pipeline, an interned index in the
                               CLI */
    int32_t duration;       /* seconds; -1 when none (texts) */
    int32_t antenna;        /* index into the positions, -1 when none */
    uint8_t text;           /* 1: text, 0: call */
    uint8_t outgoing;       /* 1: out, 0: in */
};
struct tr_bc_recharge {
    int64_t t;
    double amount;
};
struct tr_bc_position {
    double lat, lon; /* degrees; NaN when the antenna has no known location */
};
struct tr_bc_user {
    const struct tr_bc_record *records; /* sorted by t; equal t in file order */
    size_t n_records;
    const struct tr_bc_recharge *recharges; /* sorted by t */
    size_t n_recharges;
    const struct tr_bc_position
        *positions; /* antenna index -> position; NULL if no antennas file */
    size_t n_positions;
    int has_recharges; /* a recharges file was given (bandicoot reports differ with/without) */
};
struct tr_bc_options {
    int groupby_week; /* 1: per ISO week then mean/std across weeks (bandicoot's default); 0:
                         groupby None */
    int extended;     /* summary: 0 default (mean, std), 1 extended (+ median, min, max, kurtosis,
                         skewness) */
    int split_week;   /* also weekday/weekend */
    int split_day;    /* also day/night */
    /* The clock night, days, weekends, ISO weeks and 30-minute slots are read on: NULL takes the
     * times as written (bandicoot's local times; the run's UTC); else t is UTC and this zone's
     * local time is used. Gaps between records (interevent times, conversations) stay elapsed
     * seconds either way. */
    const struct tr_tz *zone;
};

/* Working memory for tr_bc_compute, reused from one subscriber to the next: it grows to the
 * largest subscriber seen and is never shrunk, so a warmed-up scratch allocates nothing. The
 * fields are private to src/features/bandicoot/. */
struct tr_bc_scratch {
    size_t cap_records, cap_recharges, cap_table, cap_rows;
    /* per record, prepared once per subscriber */
    int32_t *week, *day, *cid, *aid;
    int64_t *bin;
    uint8_t *flags;
    /* per recharge */
    int32_t *r_week;
    uint8_t *r_flags;
    /* record (or recharge) indices of the current filter, and of one interaction within it */
    uint32_t *sel, *sub;
    /* distributions handed to the summary statistics, and binned positions */
    double *vals, *vals2;
    int64_t *tmp64;
    int32_t *binned;
    /* per dense contact / antenna: counters and conversation state, valid when stamp == gen */
    uint32_t *c_stamp, *a_stamp, gen;
    int32_t *c_count, *c_out, *a_count, *touched, *a_touched;
    int64_t *c_dur, *c_last, *c_prev_t;
    uint8_t *c_conv; /* bit 0: a conversation is open, 1: it began outgoing, 2: it has an outgoing
                        text, 3: the previous text was outgoing */
    double *a_lat, *a_lon, *a_cos, *a_prev, *a_cur;
    /* interning of correspondents and antennas into dense ids (open addressing) */
    uint64_t *h_key;
    int32_t *h_val;
    uint32_t *h_stamp;
    /* one row of indicator values per week */
    double *rows;
};

void tr_bc_scratch_init(struct tr_bc_scratch *s);
void tr_bc_scratch_free(struct tr_bc_scratch *s);

/* The flattened keys for these options, in a fixed order (bandicoot's `flatten` order as in its
 * JSON output), computed once; n_keys returned. The pointers stay valid for the process. The
 * recharge indicators are the last keys, from tr_bc_recharge_keys_start on: bandicoot only
 * reports them for a user with recharges. "name" (bandicoot's first key, a string) is not among
 * them: tr_bc_write_json prints it. */
size_t tr_bc_keys(const struct tr_bc_options *o, const char *const **keys);
size_t tr_bc_recharge_keys_start(const struct tr_bc_options *o);

/* One user's values, in the order of tr_bc_keys; NaN where bandicoot gives None (null).
 * Allocation-free once the scratch has seen a user as large. */
void tr_bc_compute(const struct tr_bc_user *u, const struct tr_bc_options *o,
                   struct tr_bc_scratch *scratch, double *values);

/* bandicoot's flattened JSON for one user: {"name": NAME, "key": value, ...} with null for NaN,
 * numbers in their shortest round-trip form. name NULL prints null. The recharge keys are left
 * out when has_recharges is 0, as bandicoot does. */
void tr_bc_write_json(FILE *out, const char *name, const struct tr_bc_options *o, int has_recharges,
                      const double *values);

#endif
