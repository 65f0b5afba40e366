/* The loan book the stress stage measures: every open loan with money outstanding, with its
 * borrower's region and the PD and LGD it carries. A loan's own `pd` and `lgd` columns win; else
 * its borrower's model PD, and the product's LGD from the config. Floors and product LGDs are
 * applied when the book is stressed (stress/stress.h), so a stored book can be stressed again
 * under another config. Exposures are kept in borrower key order, then file order. */
#ifndef TELRISK_STRESS_PORTFOLIO_H
#define TELRISK_STRESS_PORTFOLIO_H

#include "core/log.h"
#include "records/tables.h"

#include <stddef.h>
#include <stdint.h>

enum tr_pd_source {
    TR_PD_LOAN,  /* the loan's own pd column */
    TR_PD_MODEL, /* the borrower's model PD */
    TR_PD_NONE,  /* neither: the loan is unrated and left out of IRB and Monte Carlo (counted) */
};
extern const char *const tr_pd_source_names[3];

struct tr_exposure {
    uint64_t subscriber; /* borrower's key */
    uint64_t loan;       /* keyed hash of loan_id */
    int32_t region;      /* borrower's region, -1 unknown */
    int8_t product;      /* enum tr_product */
    int8_t pd_source;    /* enum tr_pd_source */
    int8_t pad[2];
    double ead; /* exposure at default: the outstanding amount (a line: and the CCF's share of its
                   undrawn limit), currency units */
    double pd;  /* one-year PD (NaN when unrated) */
    double lgd; /* the loan's own LGD, NaN: the product's */
};

struct tr_portfolio {
    double ccf_revolving;  /* the CCF its revolving lines' EADs carry (credit.ccf_revolving) */
    size_t n;              /* this rank's exposures */
    uint64_t first;        /* global index of the first */
    struct tr_exposure *e; /* [n] */
};

/* This rank's exposures: its loans (sorted by borrower key) joined with its subscribers' rows
 * (sorted keys; region, and the model PD unless pd is NULL: then only loans with their own PD
 * are rated, until tr_portfolio_join_pd). A revolving line's EAD is what is drawn and ccf
 * (credit.ccf_revolving) of its undrawn limit. Collective (the global offsets). */
void tr_portfolio_build(const struct tr_ctx *ctx, const struct tr_array *loans, size_t n_subs,
                        const uint64_t *key, const int32_t *region, const double *pd, double ccf,
                        struct tr_portfolio *out);
/* The borrowers' model PDs into the exposures that have no PD of their own; key and pd are the
 * rows of the subscribers whose keys span this rank's exposures (sorted keys). */
void tr_portfolio_join_pd(struct tr_portfolio *book, size_t n_subs, const uint64_t *key,
                          const double *pd);
/* src's exposures after dst's (a later pass; dst may be zeroed). */
void tr_portfolio_append(struct tr_portfolio *dst, const struct tr_portfolio *src);
void tr_portfolio_free(struct tr_portfolio *p);

#endif
