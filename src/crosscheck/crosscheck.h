/* The cross-checks stage (docs/crosschecks.md): after partitioning, each rank walks every
 * subscriber key it owns (registered or not) over its sorted records and
 *  - checks the mobile-money ledger of that account (arithmetic and chain, to the cent),
 *  - counts what reconciliation needs (records per region, payments without calls, control
 *    totals per region and transaction type),
 *  - runs the fraud rules that cross calls, SIM swaps and payments, each alert with its rule,
 *    severity and evidence.
 * Everything is per subscriber, so the findings do not depend on how the keys are cut into ranks;
 * the counts are integers summed exactly. */
#ifndef TELRISK_CROSSCHECK_CROSSCHECK_H
#define TELRISK_CROSSCHECK_CROSSCHECK_H

#include "config/config.h"
#include "core/exact.h"
#include "core/log.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

enum tr_rule {
    TR_RULE_TAKEOVER,
    TR_RULE_TRAVEL,
    TR_RULE_SIMBOX,
    TR_RULE_VELOCITY,
    TR_RULE_DORMANT,
    TR_RULE_COUNT
};
extern const char *const tr_rule_names[TR_RULE_COUNT];

#define TR_EVIDENCE_MAX 128

/* One alert: what fired, on which record, on what evidence. */
struct tr_alert {
    uint64_t key;     /* subscriber */
    int64_t t;        /* time of the record that fired (s since 1970) */
    int32_t rule;     /* enum tr_rule */
    int32_t severity; /* 1 low, 2 medium, 3 high */
    int32_t file;     /* the record: input file (row of /provenance/inputs) and line */
    int64_t line;
    double measure; /* the rule's main figure (docs/crosschecks.md) */
    char evidence[TR_EVIDENCE_MAX];
};

enum tr_ledger_kind { TR_LEDGER_ARITHMETIC, TR_LEDGER_CHAIN };

/* A record where an account's ledger does not hold. */
struct tr_ledger_break {
    uint64_t key;
    int64_t t;
    int32_t kind; /* enum tr_ledger_kind */
    int32_t file;
    int64_t line;
    int64_t expected, found; /* cents: balance_after (arithmetic) or balance_before (chain) */
};

/* Per-region counters (index region + 1: 0 is "unknown region"). */
struct tr_recon {
    int64_t records[TR_T_COUNT];        /* records involving the region's subscribers */
    int64_t payers_without_calls;       /* subscribers with payments and no CDR at all */
    tr_isum payers_without_calls_cents; /* what they paid out (exact: core/exact.h) */
    int64_t ledger_checked;             /* records with a balance on the account's side */
    int64_t ledger_breaks[2];           /* by enum tr_ledger_kind */
    int64_t txn_count[TR_TXN_TYPES];    /* control totals: each record once, on the side of */
    tr_isum txn_cents[TR_TXN_TYPES];    /* its subscriber (the sender's for p2p); exact */
    int64_t unregistered_keys;          /* keys in the records absent from the register */
    int64_t alerts[TR_RULE_COUNT];
};

struct tr_crosscheck_input {
    const struct tr_array *tables; /* this rank's partitioned, sorted tables */
    const struct tr_antenna_rec *antennas;
    size_t n_antennas;
    int n_regions;
    /* the register's view (features/features.h), key order: region of each registered key */
    size_t n_registered;
    const uint64_t *registered_key;
    const int32_t *registered_region;
    int64_t window_start, window_end; /* seconds */
};

struct tr_crosscheck {
    struct tr_alert *alerts; /* this rank's, in key then time order */
    size_t n_alerts;
    struct tr_ledger_break *breaks;
    size_t n_breaks;
    uint8_t *flags;         /* [n_registered]: bit r for an alert of rule r */
    struct tr_recon *recon; /* [n_regions + 1], summed over all ranks */
};

/* Collective (the counters are summed). */
void tr_crosscheck_run(const struct tr_ctx *ctx, const struct tr_config *cfg,
                       const struct tr_crosscheck_input *in, struct tr_crosscheck *out);
void tr_crosscheck_free(struct tr_crosscheck *c);
/* A later pass's findings after dst's (dst may be zeroed): n_dst and n_src registered rows
 * (flags), counters added. */
void tr_crosscheck_append(struct tr_crosscheck *dst, const struct tr_crosscheck *src, size_t n_dst,
                          size_t n_src, int n_regions);

#endif
