/* The typed, in-memory tables that ingest produces and later stages consume. Subscriber ids are
 * already keyed hashes; money is in hundredths (cents); times are seconds since 1970-01-01 UTC.
 * `order` is a record's input position, (file index << 40) | line number: unique,
 * the same whatever the rank count, so it breaks ties in sorts and traces a record to its line.
 * `line` is a 64-bit hash of the raw line: records with the same key, time and line hash are
 * exact duplicates (byte-identical lines). */
#ifndef TELRISK_RECORDS_TABLES_H
#define TELRISK_RECORDS_TABLES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TR_NO_ANTENNA      (-1) /* field empty */
#define TR_UNKNOWN_ANTENNA (-2) /* an id absent from the antennas table */
#define TR_NO_BALANCE      INT64_MIN

enum tr_table_id {
    TR_T_ANTENNAS,
    TR_T_SUBSCRIBERS,
    TR_T_CDR,
    TR_T_RECHARGES,
    TR_T_MOBILEMONEY,
    TR_T_MOBILEDATA,
    TR_T_LOANS,
    TR_T_SIM_SWAPS,
    TR_T_REPAYMENTS, /* the loans' ledger: joined to its loans after the read */
    TR_T_COUNT
};
extern const char *const tr_table_names[TR_T_COUNT];

/* A fast 64-bit hash of a line's bytes (not keyed: it never leaves the process). */
uint64_t tr_line_hash(const char *line, size_t len);

/* A record's place in the inputs: its file (index into the run's inputs) and its line number in
 * that file (1-based, the header is line 1). Orders records as the files list them; the cross-
 * checks quote it as file and line. */
static inline uint64_t tr_order(int file, int64_t line)
{
    return ((uint64_t)file << 40) | (uint64_t)line;
}
static inline int tr_order_file(uint64_t order)
{
    return (int)(order >> 40);
}
static inline int64_t tr_order_line(uint64_t order)
{
    return (int64_t)(order & (((uint64_t)1 << 40) - 1));
}

/* A call or text as one party sees it: each CDR is held twice, once by its caller's owner
 * (outgoing = 1) and once by its recipient's (outgoing = 0), each with that party's antenna. 40
 * bytes, since a country's CDRs are most of a run's memory: time and antenna share a word, and the
 * line hash keeps 29 bits (duplicates must match in every other field as well). */
#define TR_ANTENNA_MAX ((1 << 23) - 1) /* antenna indices fit the record's 24 bits */
struct tr_cdr {
    uint64_t self, other;
    uint64_t order;
    int64_t t : 40;            /* seconds since 1970 (years 0000-9999 fit) */
    int64_t antenna_self : 24; /* this party's antenna, TR_NO_ANTENNA or TR_UNKNOWN_ANTENNA */
    int32_t duration;          /* seconds; -1 for a text without one */
    uint32_t line : 29;        /* tr_line_hash of the raw line, low bits */
    uint32_t text : 1, international : 1, outgoing : 1;
};
#define TR_CDR_LINE_MASK ((1u << 29) - 1)
/* A CDR's two records: the caller's copy (out[0]) and the recipient's (out[1]). */
void tr_cdr_pair(struct tr_cdr out[2], uint64_t caller, uint64_t recipient, uint64_t order,
                 int64_t t, int32_t duration, int32_t caller_antenna, int32_t recipient_antenna,
                 uint32_t line, int text, int international);

enum tr_txn_type {
    TR_P2P,
    TR_CASHIN,
    TR_CASHOUT,
    TR_BILLPAY,
    TR_MERCHANT,
    TR_LOAN_DISBURSEMENT,
    TR_LOAN_REPAYMENT,
    TR_TXN_TYPES
};
extern const char *const tr_txn_type_names[TR_TXN_TYPES + 1]; /* NULL-terminated */

/* A mobile-money record as one party sees it (outgoing = 1: this party is the caller, the one
 * whose money leaves). Balances are this party's side. */
struct tr_money {
    uint64_t self, other;
    int64_t t;
    uint64_t order;
    int64_t amount;                        /* cents */
    int64_t balance_before, balance_after; /* cents, TR_NO_BALANCE when not given */
    int64_t other_before, other_after;     /* the other party's side */
    uint64_t txn;                          /* keyed hash of txn_id */
    uint64_t line;
    int32_t antenna;
    uint8_t type, outgoing, pad[2];
};

/* The recipient's copy of a payment from the caller's: parties and balances swapped. */
void tr_money_recipient(const struct tr_money *caller, struct tr_money *out);

/* The one-party event tables share their first four fields: key, time, order, line. */
struct tr_recharge {
    uint64_t self;
    int64_t t;
    uint64_t order;
    uint64_t line;
    int64_t amount; /* cents */
};

struct tr_data {
    uint64_t self;
    int64_t t;
    uint64_t order;
    uint64_t line;
    int64_t volume; /* kB (volume in MB x 1000) */
};

struct tr_swap {
    uint64_t self;
    int64_t t;
    uint64_t order;
    uint64_t line;
};

enum tr_plan { TR_PREPAID, TR_POSTPAID };

/* The register tables share their first three fields: key, order, line. */
struct tr_subscriber {
    uint64_t self;
    uint64_t order;
    uint64_t line;
    int32_t region;     /* index into the run's regions; -1 when the register leaves it empty */
    int32_t activation; /* days since 1970-01-01 */
    uint8_t plan;
    uint8_t holdout; /* 1: drawn into the hold-out at ingest (tr_holdout_drawn), 0 not */
    uint8_t pad[6];
};

enum tr_product { TR_MICRO, TR_REVOLVE, TR_MORTGAGE_LOAN };
/* written_off and restructured come last so that the older statuses keep their numbers (the
 * generator writes them, columnar inputs store them). */
enum tr_status { TR_ST_REPAID, TR_ST_DEFAULT, TR_ST_OPEN, TR_ST_WRITTEN_OFF, TR_ST_RESTRUCTURED };
/* The loans table's words for them, in enum order, NULL-terminated (the generator writes
 * them too). */
extern const char *const tr_product_names[4];
extern const char *const tr_status_names[6];
/* Whether the lender's status says the loan defaulted: default, and the other unlikeliness-to-pay
 * events (docs/credit.md section 1), a write-off and a distressed restructuring. Every stage that
 * asks "did it default" asks this, never TR_ST_DEFAULT alone. */
static inline int tr_status_defaulted(int status)
{
    return status == TR_ST_DEFAULT || status == TR_ST_WRITTEN_OFF || status == TR_ST_RESTRUCTURED;
}

struct tr_loan_rec {
    uint64_t self;
    uint64_t order;
    uint64_t line;
    uint64_t loan;               /* keyed hash of loan_id */
    int32_t issued, due;         /* days since 1970-01-01 */
    int64_t amount, outstanding; /* cents */
    double lgd;                  /* NaN when not given */
    double pd;                   /* the optional pd column; NaN when absent or empty */
    uint8_t product, status, pad[2];
    int32_t installments;  /* of the schedule; 1 (a bullet loan) when absent or empty */
    double rate;           /* effective annual interest rate; NaN when absent or empty */
    int64_t limit;         /* cents: a revolving loan's credit limit; -1 when absent or empty */
    double origination_pd; /* the 12-month PD when it was issued (IFRS 9); NaN absent or empty */
};
/* Records are exchanged and checkpointed byte for byte: no tail padding to leave uninitialised. */
_Static_assert(sizeof(struct tr_loan_rec) % 8 == 0, "tr_loan_rec: a multiple of 8 bytes");

/* A payment received on a loan (docs/credit.md section 1). Read, it has no subscriber: until the
 * join (partition/ledger.h) self holds its loan's key, which places it at its loan's directory
 * rank; joined, self is its borrower's key. Its time is no event of the observation window
 * (tr_time_offset leaves it out: the window neither counts nor filters it). */
struct tr_repayment {
    uint64_t self;
    uint64_t loan; /* keyed hash of loan_id, as tr_loan_rec's */
    int64_t t;
    int64_t amount; /* cents, > 0 */
    uint64_t order;
    uint64_t line;
};

/* Antennas are small and every rank holds all of them, in file order. The line's place, hash and
 * excerpt decide a repeated id (tr_ingest_antenna_repeats) and name the line rejected. */
struct tr_antenna_rec {
    char id[24];
    char tower[24];
    char region_name[32];
    double lat, lon;
    int32_t region; /* index into the run's sorted region names */
    int32_t pad;
    uint64_t order;   /* tr_order(file, line) */
    uint64_t line;    /* hash of the raw line (tr_line_hash) */
    char excerpt[64]; /* as /rejects keeps it (tr_mask_excerpt, TR_EXCERPT_MAX) */
};

/* Where a table's records keep their `order` (bytes from the record's start). */
static inline size_t tr_order_offset(int table)
{
    switch (table) {
    case TR_T_CDR:
        return offsetof(struct tr_cdr, order);
    case TR_T_MOBILEMONEY:
        return offsetof(struct tr_money, order);
    case TR_T_RECHARGES:
        return offsetof(struct tr_recharge, order);
    case TR_T_MOBILEDATA:
        return offsetof(struct tr_data, order);
    case TR_T_SIM_SWAPS:
        return offsetof(struct tr_swap, order);
    case TR_T_SUBSCRIBERS:
        return offsetof(struct tr_subscriber, order);
    case TR_T_LOANS:
        return offsetof(struct tr_loan_rec, order);
    case TR_T_ANTENNAS:
        return offsetof(struct tr_antenna_rec, order);
    case TR_T_REPAYMENTS:
        return offsetof(struct tr_repayment, order);
    default:
        return (size_t)-1;
    }
}

/* Where a table's records keep their time (seconds) and their other party's key (bytes from the
 * record's start); SIZE_MAX where they have none (a CDR's time is a bit-field: tr_record_time). */
static inline size_t tr_time_offset(int table)
{
    switch (table) {
    case TR_T_MOBILEMONEY:
        return offsetof(struct tr_money, t);
    case TR_T_RECHARGES:
        return offsetof(struct tr_recharge, t);
    case TR_T_MOBILEDATA:
        return offsetof(struct tr_data, t);
    case TR_T_SIM_SWAPS:
        return offsetof(struct tr_swap, t);
    default:
        return (size_t)-1;
    }
}
/* A record's time in seconds; INT64_MIN for a table without one. */
static inline int64_t tr_record_time(int table, const void *rec)
{
    if (table == TR_T_CDR) return ((const struct tr_cdr *)rec)->t;
    const size_t at = tr_time_offset(table);
    int64_t t = INT64_MIN;
    if (at != (size_t)-1) memcpy(&t, (const char *)rec + at, sizeof t);
    return t;
}
static inline size_t tr_other_offset(int table)
{
    return table == TR_T_CDR           ? offsetof(struct tr_cdr, other)
           : table == TR_T_MOBILEMONEY ? offsetof(struct tr_money, other)
                                       : (size_t)-1;
}

/* A growable array of fixed-size records. Past TR_ARRAY_MAPPED bytes its memory is mapped
 * (core/memory.h: tr_big_grow), so growing never copies it. */
#define TR_ARRAY_MAPPED ((size_t)32 << 20)
struct tr_array {
    void *data;
    size_t n, cap; /* records */
    size_t size;   /* bytes per record */
    size_t mapped; /* bytes mapped; 0 while data is malloc's */
};

void tr_array_init(struct tr_array *a, size_t size);
void tr_array_free(struct tr_array *a);
void *tr_array_push(struct tr_array *a);
void *tr_array_push2(struct tr_array *a); /* room for two records, side by side */
void tr_array_reserve(struct tr_array *a, size_t n);
/* Room for n records, and the memory of records [a->n, n) faulted in at once. */
void tr_array_reserve_touched(struct tr_array *a, size_t n);
static inline void *tr_array_at(const struct tr_array *a, size_t i)
{
    return (char *)a->data + i * a->size;
}

#endif
