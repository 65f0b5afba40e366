#include "records/tables.h"

#include "core/error.h"

#include <stdlib.h>

const char *const tr_table_names[TR_T_COUNT] = {
    "antennas", "subscribers", "cdr", "recharges", "mobilemoney", "mobiledata", "loans", "sim_swaps",
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
    while (cap < n) cap *= 2;
    a->data = TR_REALLOC(a->data, cap * a->size);
    a->cap = cap;
}

void *tr_array_push(struct tr_array *a)
{
    if (a->n == a->cap) tr_array_reserve(a, a->n + 1);
    return tr_array_at(a, a->n++);
}
