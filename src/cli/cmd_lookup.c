/* telrisk lookup: the pseudonymous key of a subscriber id, so an analyst authorised to hold the
 * secret can find one person's rows (/subscribers/key, alerts, loans) without the run file ever
 * holding a phone number. The ids come from the command line or, one a line, from standard input
 * (any number of them). Rank 0 reads and prints; the others only agree on the exit code.
 *
 * Ingest keys an id as its bytes, exactly as the input has them: it does not normalise, because
 * that would re-key every run and could merge ids an operator's files keep apart. People's ids,
 * pasted from elsewhere, come as "+255738324210" or " 255738324210 ", so lookup normalises (see
 * normalise) and says so on standard error for each id it changed, naming the id by its place,
 * never by its digits. With --run RUN.h5 the keys are checked against the run's /subscribers/key:
 * an id normalised that matches no row but matches as given (the inputs wrote the '+') gets the
 * key as given; an id that matches neither way is reported. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/keyhash.h"
#include "core/keys.h"
#include "core/log.h"
#include "output/reasons.h"
#include "output/seal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAID_ONE_BY_ONE 10 /* normalised ids warned of singly; beyond, counted */

struct ids {
    char **v;
    size_t n, cap;
};

static void ids_add(struct ids *ids, const char *id, size_t len)
{
    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? 2 * ids->cap : 64;
        ids->v = TR_REALLOC(ids->v, sizeof *ids->v * ids->cap);
    }
    char *copy = TR_MALLOC(len + 1);
    memcpy(copy, id, len);
    copy[len] = '\0';
    ids->v[ids->n++] = copy;
}

static void ids_free(struct ids *ids)
{
    for (size_t k = 0; k < ids->n; k++) {
        sodium_memzero(ids->v[k], strlen(ids->v[k]));
        free(ids->v[k]);
    }
    free(ids->v);
}

/* Every line of standard input an id, its newline dropped (a last line without one counts). */
static void read_stdin(struct ids *ids)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') len--;
        ids_add(ids, line, (size_t)len);
    }
    if (line) sodium_memzero(line, cap);
    free(line);
}

/* The ids in order: each argument, "-" standing for standard input, which is also read when no
 * id is given at all. */
static void collect(const struct tr_cli_args *args, struct ids *ids)
{
    if (args->n_positional == 0) read_stdin(ids);
    for (int i = 0; i < args->n_positional; i++) {
        if (strcmp(args->positional[i], "-") == 0)
            read_stdin(ids);
        else
            ids_add(ids, args->positional[i], strlen(args->positional[i]));
    }
}

/* The rule (README, docs/output.md): spaces, tabs and carriage returns around the id are
 * dropped, then one leading '+'. Returns the start; *len its length; *changed whether it did. */
static const char *normalise(const char *id, size_t *len, int *changed)
{
    const char *p = id, *end = id + strlen(id);
    while (p < end && strchr(" \t\r", *p))
        p++;
    while (end > p && strchr(" \t\r", end[-1]))
        end--;
    if (p < end && *p == '+') p++;
    *len = (size_t)(end - p);
    *changed = *len != strlen(id);
    return p;
}

static int known(const uint64_t *keys, size_t n, uint64_t key)
{
    return tr_row_of_key(keys, n, key) >= 0;
}

/* What lookup works with: the key, and the run's keys when --run gave them (else NULL). */
struct book {
    struct tr_keyhash kh;
    uint64_t *keys;
    size_t n_keys;
    const char *run;
    size_t normalised, unknown;
};

/* One id's key on stdout, what was done to it on msg. 0, or 1 for an empty id (said). */
static int look_up(const struct tr_ctx *ctx, struct book *b, const char *id, size_t at)
{
    size_t len;
    int changed;
    const char *p = normalise(id, &len, &changed);
    if (len == 0) {
        fprintf(ctx->msg, "telrisk: lookup: id %zu is empty (after spaces and '+')\n", at);
        return 1;
    }
    uint64_t key = tr_keyhash(&b->kh, p, len);
    const char *how = "normalised";
    if (b->keys && changed && !known(b->keys, b->n_keys, key)) {
        const uint64_t as_given = tr_keyhash(&b->kh, id, strlen(id));
        if (known(b->keys, b->n_keys, as_given)) key = as_given, how = "kept as given";
    }
    if (changed && ++b->normalised <= SAID_ONE_BY_ONE)
        TR_WARN(ctx,
                "lookup: id %zu: %s (spaces around it and a leading '+' are dropped; ingest "
                "keys ids as their bytes: an input that writes them so has another key)%s",
                at, how, b->keys ? "" : "; give --run RUN.h5 to check the key");
    if (b->keys && !known(b->keys, b->n_keys, key)) {
        b->unknown++;
        fprintf(ctx->msg,
                "telrisk: lookup: id %zu: key %" PRIu64 " matches no /subscribers/key "
                "row of %s\n",
                at, key, b->run);
    }
    printf("%" PRIu64 "\n", key);
    return 0;
}

/* Rank 0's work: the keys of every id, in order. An exit code. */
static int look_up_all(const struct tr_ctx *ctx, const struct tr_cli_args *args, struct book *b)
{
    struct ids ids = {0};
    collect(args, &ids);
    int rc = TR_EXIT_OK;
    for (size_t k = 0; k < ids.n && !rc; k++)
        rc = look_up(ctx, b, ids.v[k], k + 1) ? TR_EXIT_USAGE : TR_EXIT_OK;
    fflush(stdout);
    if (b->normalised > SAID_ONE_BY_ONE)
        TR_WARN(ctx, "lookup: %zu ids normalised in all (the first %d said above)", b->normalised,
                SAID_ONE_BY_ONE);
    if (b->unknown)
        fprintf(ctx->msg, "telrisk: lookup: %zu of %zu ids match no subscriber of %s\n", b->unknown,
                ids.n, b->run);
    ids_free(&ids);
    return rc;
}

/* The seed that keys the ids (the run's with --run, else the config's) and the run's keys. */
static int open_book(const struct tr_cli_args *args, uint64_t seed, struct book *b, char *err,
                     size_t errlen)
{
    char why[512] = "";
    b->run = args->run_path;
    if (b->run && (tr_rf_read_seed(b->run, &seed, why, sizeof why) ||
                   tr_rf_read_keys(b->run, &b->keys, &b->n_keys, why, sizeof why))) {
        snprintf(err, errlen, "lookup: %s: %s", b->run, why);
        return TR_EXIT_INPUT;
    }
    if (tr_keyhash_init(&b->kh, args->key_file, seed, why, sizeof why)) {
        snprintf(err, errlen, "lookup: %s", why);
        return TR_EXIT_USAGE;
    }
    return TR_EXIT_OK;
}

int tr_cmd_lookup(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    struct tr_config cfg;
    int rc = tr_load_config(ctx, args, &cfg);
    if (rc) return rc;
    if (args->run_path &&
        (rc = tr_seal_check_input(ctx, args->run_path, "run file", !args->no_verify)))
        return rc;
    struct book b = {0};
    if (ctx->rank == 0) {
        char err[1024] = "";
        rc = open_book(args, cfg.run.seed, &b, err, sizeof err);
        if (rc)
            fprintf(ctx->msg, "telrisk: %s\n", err);
        else
            rc = look_up_all(ctx, args, &b);
        sodium_memzero(&b.kh, sizeof b.kh);
        free(b.keys);
    }
    return tr_agree(ctx, rc);
}
