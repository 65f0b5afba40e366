/* A mobile-money account's ledger. An account's events are its own (cash-in and -out at agents,
 * bills, merchants, loans, planted frauds) plus the p2p transfers on its contact edges, which
 * are drawn per edge so both parties see the same transfers. Amounts that others see never
 * depend on a balance, so any rank can rebuild any account's ledger on its own: a payer's block
 * rebuilds the payee's to write the payee's balances. Debits larger than the balance are
 * preceded by an agent cash-in, as a customer tops up before paying. */
#ifndef TELRISK_GENERATE_MONEY_H
#define TELRISK_GENERATE_MONEY_H

#include "generate/person.h"
#include "generate/social.h"

enum tr_txn {
    TR_TXN_P2P,
    TR_TXN_CASHIN,
    TR_TXN_CASHOUT,
    TR_TXN_BILLPAY,
    TR_TXN_MERCHANT,
    TR_TXN_LOAN_DISBURSEMENT,
    TR_TXN_LOAN_REPAYMENT,
    TR_TXN_COUNT
};
extern const char *const tr_txn_names[TR_TXN_COUNT];

enum tr_mark { TR_MARK_NONE, TR_MARK_TAKEOVER, TR_MARK_FAR, TR_MARK_BURST, TR_MARK_WAKE };
enum tr_break { TR_BREAK_NONE, TR_BREAK_CHAIN, TR_BREAK_ARITHMETIC };
extern const char *const tr_break_names[3];

struct tr_money_event {
    int64_t t;             /* epoch seconds */
    uint64_t id;           /* with suffix, the txn_id and the tie-break of equal times */
    uint8_t suffix;        /* 1; 0 for the top-up that precedes the debit with the same id */
    uint8_t type;          /* enum tr_txn */
    int8_t sign;           /* +1 credits this account, -1 debits it */
    uint8_t mark;          /* enum tr_mark */
    int64_t amount;        /* cents */
    double fraction;       /* > 0: a cash-out of this share of the balance (amount set when run) */
    int64_t counterparty;  /* p2p: subscriber index; otherwise agent/merchant/biller number */
    int64_t before, after; /* cents, as recorded */
    uint8_t brk;           /* enum tr_break: a planted break shows at this record */
};

struct tr_ledger {
    struct tr_money_event *ev; /* in ledger order: (t, id, suffix) */
    int n, cap;
    int64_t opening; /* cents */
};

void tr_ledger_init(struct tr_ledger *l);
void tr_ledger_free(struct tr_ledger *l);

/* Builds p's ledger (empty without a wallet). contacts: p's contact list. */
void tr_ledger_build(const struct tr_world *w, const struct tr_person *p,
                     const struct tr_contact *contacts, int n_contacts, struct tr_ledger *l);

/* The record with this (t, id, suffix), or NULL. */
const struct tr_money_event *tr_ledger_find(const struct tr_ledger *l, int64_t t, uint64_t id,
                                            uint8_t suffix);

/* The swap time of a planted account takeover (epoch seconds). */
int64_t tr_takeover_swap_time(const struct tr_world *w, const struct tr_person *p);

#endif
