#include "records/late.h"

#include "core/error.h"
#include "records/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tr_late_add(struct tr_late_rejects *l, enum tr_table_id t, uint64_t order, enum tr_reason why,
                 const char *excerpt)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->row = TR_REALLOC(l->row, sizeof *l->row * l->cap);
    }
    struct tr_reject *rj = &l->row[l->n++];
    memset(rj, 0, sizeof *rj);
    snprintf(rj->table, sizeof rj->table, "%s", tr_table_names[t]);
    rj->file = tr_order_file(order);
    rj->line = tr_order_line(order);
    snprintf(rj->reason, sizeof rj->reason, "%s", tr_reason_names[why]);
    snprintf(rj->excerpt, sizeof rj->excerpt, "%s", excerpt);
}

void tr_late_free(struct tr_late_rejects *l)
{
    free(l->row);
    memset(l, 0, sizeof *l);
}

static int by_file_line(const void *pa, const void *pb)
{
    const struct tr_reject *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int reason_of(const char *name)
{
    for (int r = 1; r < TR_R_COUNT; r++)
        if (strcmp(tr_reason_names[r], name) == 0) return r;
    return 0;
}

/* Collective: each file's counts moved from accepted to rejected, by reason, on every rank. */
static void move_counts(const struct tr_ctx *ctx, struct tr_ingest *acct,
                        const struct tr_late_rejects *l)
{
    const size_t per = TR_R_COUNT, n = (size_t)acct->n_files * per;
    int64_t *moved = TR_CALLOC(n + 1, sizeof(int64_t));
    for (size_t k = 0; k < l->n; k++)
        moved[(size_t)l->row[k].file * per + (size_t)reason_of(l->row[k].reason)]++;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, moved, (int)n, MPI_INT64_T, MPI_SUM, ctx->comm));
    for (int f = 0; f < acct->n_files; f++)
        for (size_t r = 1; r < per; r++) {
            const int64_t m = moved[(size_t)f * per + r];
            acct->file_stats[f].rejected += m;
            acct->file_stats[f].by_reason[r] += m;
            acct->files[f].rejected += m;
            acct->files[f].accepted -= m;
            acct->records -= m;
        }
    free(moved);
}

int tr_ingest_add_late(const struct tr_ctx *ctx, const struct tr_config *cfg,
                       struct tr_ingest *acct, struct tr_late_rejects *l)
{
    struct tr_ingest got = {0};
    int rc = tr_ingest_gather_rejects(ctx, &got, l->row, l->n);
    if (rc) return rc;
    move_counts(ctx, acct, l);
    if (ctx->rank == 0 && got.n_rejects > 0) {
        acct->rejects =
            TR_REALLOC(acct->rejects, sizeof *acct->rejects * (acct->n_rejects + got.n_rejects));
        memcpy(acct->rejects + acct->n_rejects, got.rejects, sizeof *got.rejects * got.n_rejects);
        acct->n_rejects += got.n_rejects;
        qsort(acct->rejects, acct->n_rejects, sizeof *acct->rejects, by_file_line);
    }
    free(got.rejects);
    l->n = 0;
    return tr_ingest_check_reject_rates(ctx, cfg, acct);
}
