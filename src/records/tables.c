#include "records/tables.h"

#include "core/error.h"
#include "core/memory.h"
#include "core/rng.h"

#include <stdlib.h>
#include <string.h>

uint64_t tr_line_hash(const char *line, size_t len)
{
    /* One multiply and rotation per word (a short dependency chain: this runs for every line),
     * a full mix at the end. Only equal lines need equal hashes; duplicates are confirmed on
     * their fields as well. */
    uint64_t h = 0x243f6a8885a308d3ULL ^ len;
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t w;
        memcpy(&w, line + k, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h = (h << 31) | (h >> 33);
    }
    uint64_t tail = 0;
    memcpy(&tail, line + k, len - k);
    return tr_mix64(h ^ tail ^ 0xff51afd7ed558ccdULL);
}

const char *const tr_table_names[TR_T_COUNT] = {
    "antennas",   "subscribers", "cdr",       "recharges",  "mobilemoney",
    "mobiledata", "loans",       "sim_swaps", "repayments",
};

const char *const tr_txn_type_names[TR_TXN_TYPES + 1] = {
    "p2p", "cashin", "cashout", "billpay", "merchant", "loan_disbursement", "loan_repayment", NULL,
};

void tr_array_init(struct tr_array *a, size_t size)
{
    a->data = NULL;
    a->n = a->cap = 0;
    a->size = size;
    a->mapped = 0;
}

void tr_array_free(struct tr_array *a)
{
    if (a->mapped)
        tr_big_free(a->data, a->mapped);
    else
        free(a->data);
    a->data = NULL;
    a->n = a->cap = a->mapped = 0;
}

void tr_array_reserve(struct tr_array *a, size_t n)
{
    if (n <= a->cap) return;
    size_t cap = a->cap ? a->cap : 1024;
    while (cap < n)
        cap *= 2;
    const size_t bytes = cap * a->size;
    if (a->mapped) {
        a->data = tr_big_grow(a->data, a->mapped, bytes);
        a->mapped = bytes;
    } else if (bytes >= TR_ARRAY_MAPPED) { /* from malloc's memory to a mapping */
        void *q = tr_big_grow(NULL, 0, bytes);
        if (a->n) memcpy(q, a->data, a->n * a->size);
        free(a->data);
        a->data = q;
        a->mapped = bytes;
    } else {
        a->data = TR_REALLOC(a->data, bytes);
    }
    a->cap = cap;
}

void tr_array_reserve_touched(struct tr_array *a, size_t n)
{
    tr_array_reserve(a, n);
    if (a->mapped && n > a->n) tr_big_prefault(a->data, a->n * a->size, n * a->size);
}

void *tr_array_push(struct tr_array *a)
{
    if (a->n == a->cap) tr_array_reserve(a, a->n + 1);
    return tr_array_at(a, a->n++);
}

void *tr_array_push2(struct tr_array *a)
{
    if (a->n + 2 > a->cap) tr_array_reserve(a, a->n + 2);
    a->n += 2;
    return tr_array_at(a, a->n - 2);
}
