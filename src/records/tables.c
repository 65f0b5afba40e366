#include "records/tables.h"

#include "core/error.h"
#include "core/rng.h"

#include <stdlib.h>
#include <string.h>

uint64_t tr_line_hash(const char *line, size_t len)
{
    uint64_t h = 0x243f6a8885a308d3ULL ^ len;
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t w;
        memcpy(&w, line + k, 8);
        h = tr_mix64(h ^ w);
    }
    uint64_t tail = 0;
    memcpy(&tail, line + k, len - k);
    return tr_mix64(h ^ tail ^ 0xff51afd7ed558ccdULL);
}

const char *const tr_table_names[TR_T_COUNT] = {
    "antennas",    "subscribers", "cdr",   "recharges",
    "mobilemoney", "mobiledata",  "loans", "sim_swaps",
};

const char *const tr_txn_type_names[TR_TXN_TYPES + 1] = {
    "p2p", "cashin", "cashout", "billpay", "merchant", "loan_disbursement", "loan_repayment", NULL,
};

void tr_array_init(struct tr_array *a, size_t size)
{
    a->data = NULL;
    a->n = a->cap = 0;
    a->size = size;
}

void tr_array_free(struct tr_array *a)
{
    free(a->data);
    a->data = NULL;
    a->n = a->cap = 0;
}

void tr_array_reserve(struct tr_array *a, size_t n)
{
    if (n <= a->cap) return;
    size_t cap = a->cap ? a->cap : 1024;
    while (cap < n)
        cap *= 2;
    a->data = TR_REALLOC(a->data, cap * a->size);
    a->cap = cap;
}

void *tr_array_push(struct tr_array *a)
{
    if (a->n == a->cap) tr_array_reserve(a, a->n + 1);
    return tr_array_at(a, a->n++);
}
