/* A subscriber of the generated country: latent traits, what is planted on them, and where they
 * live and work. A pure function of (seed, index), so any rank can rebuild anyone's profile:
 * a caller's block needs its contacts' whereabouts and a payer's block its payee's ledger. */
#ifndef TELRISK_GENERATE_PERSON_H
#define TELRISK_GENERATE_PERSON_H

#include "generate/world.h"

#include <stdint.h>

enum tr_kind {
    TR_KIND_NORMAL = 0,
    TR_KIND_SIMBOX,      /* SIM box: many short outgoing calls, nothing back, one antenna */
    TR_KIND_TAKEOVER,    /* SIM swap, then a cash-out of most of the balance */
    TR_KIND_FAR_PAYMENT, /* a payment far from where a call just placed them */
    TR_KIND_BURST,       /* a burst of merchant payments */
    TR_KIND_DORMANT,     /* silent for weeks, then wakes with cash-outs */
    TR_KIND_COUNT
};
extern const char *const tr_kind_names[TR_KIND_COUNT];

struct tr_person {
    int64_t index;
    int32_t region;
    /* Latent traits (standard normal) and what they mean in the country's terms. They drive
     * default risk and, through noisy channels, the observable behaviour. */
    double z_income, z_stability, z_regularity;
    double income;      /* monthly income, currency units */
    double stability;   /* 0..1: fewer trips, more time at home, longer tenure */
    double regularity;  /* 0..1: steadier rhythms, bills paid on a fixed day */
    double pd;          /* true probability of default of a loan */
    double sociability; /* scales the chance of each potential contact edge */
    double activity;    /* mean outgoing calls and texts per day */
    double text_share;
    double money_activity; /* scales mobile-money event rates */
    int wallet;            /* has a mobile-money account */
    int postpaid;
    enum tr_kind kind;
    int ledger_break;      /* the account's ledger has one planted break */
    int legit_swap;        /* a legitimate SIM swap */
    int64_t dormant_until; /* first active day (window-relative); 0 unless dormant */
    int64_t event_day;     /* day of the planted event (takeover, far payment, burst) */
    int32_t home, work;
    int32_t other[2]; /* occasional places near home */
};

/* Cheap parts, used when enumerating potential contacts. */
enum tr_kind tr_person_kind(const struct tr_world *w, int64_t i);
/* The earliest day a dormant account wakes on: 60% of the window, but not before
 * fraud.dormant_days (the rule's own threshold). */
int64_t tr_dormant_first_day(const struct tr_world *w);
/* Whether the window leaves a day to wake on (else no dormant_then_active case is planted). */
int tr_dormant_fits(const struct tr_world *w);
double tr_person_sociability(const struct tr_world *w, int64_t i);
int tr_person_has_wallet(const struct tr_world *w, int64_t i);
int64_t tr_person_dormant_until(const struct tr_world *w, int64_t i);

/* The whole profile. */
void tr_person_make(const struct tr_world *w, int64_t i, struct tr_person *p);

/* The subscriber's MSISDN, 12 digits, written into out (13 bytes). A bijection of the index. */
void tr_msisdn(int64_t i, char out[13]);

#endif
