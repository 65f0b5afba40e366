#include "records/inputs.h"

#include "core/error.h"
#include "io/reader.h"

#include <errno.h>

#include <dirent.h>
#include <glob.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *configured(const struct tr_config *cfg, enum tr_table_id t)
{
    switch (t) {
    case TR_T_ANTENNAS:
        return cfg->inputs.antennas;
    case TR_T_SUBSCRIBERS:
        return cfg->inputs.subscribers;
    case TR_T_CDR:
        return cfg->inputs.cdr;
    case TR_T_RECHARGES:
        return cfg->inputs.recharges;
    case TR_T_MOBILEMONEY:
        return cfg->inputs.mobilemoney;
    case TR_T_MOBILEDATA:
        return cfg->inputs.mobiledata;
    case TR_T_LOANS:
        return cfg->inputs.loans;
    case TR_T_REPAYMENTS:
        return cfg->inputs.repayments;
    default:
        return cfg->inputs.sim_swaps;
    }
}

static void add(struct tr_input_files *in, enum tr_table_id t, const char *path)
{
    in->path[t] = TR_REALLOC(in->path[t], sizeof(char *) * (size_t)(in->n[t] + 1));
    in->path[t][in->n[t]++] = TR_STRDUP(path);
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *tail)
{
    const size_t n = strlen(s), k = strlen(tail);
    return n > k && strcmp(s + n - k, tail) == 0;
}

/* The folder rule (docs/formats.md): in a table's folder, *.csv and *.csv.gz files are read, a
 * name starting with '.' or '_' is ignored (Hadoop's and Spark's _SUCCESS and .crc files), and
 * anything else is an error: a file nobody reads must not pass unnoticed. */
enum entry { ENTRY_READ, ENTRY_IGNORED, ENTRY_REFUSED };

static enum entry folder_rule(const char *path, const char *name)
{
    if (name[0] == '.' || name[0] == '_') return ENTRY_IGNORED;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return ENTRY_REFUSED;
    return ends_with(name, ".csv") || ends_with(name, ".csv.gz") ? ENTRY_READ : ENTRY_REFUSED;
}

/* Rank 0: a name of a table's folder the rule refuses, said with what it is. */
static void refuse(const struct tr_ctx *ctx, enum tr_table_id t, const char *path)
{
    struct stat st;
    const int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    const int is_file = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    TR_ERROR(ctx,
             "%s: %s in the %s table's folder, neither read (*.csv, *.csv.gz) nor ignored (a name "
             "starting with '.' or '_'): move it out of the folder",
             path,
             is_dir    ? "a folder"
             : is_file ? "a file"
                       : "not a regular file",
             tr_table_names[t]);
}

/* Adds a folder's *.csv and *.csv.gz files, sorted by name, the ignored ones said (notes);
 * returns how many, or -1 when the folder holds anything else (said). */
static int add_directory(const struct tr_ctx *ctx, struct tr_input_files *in, enum tr_table_id t,
                         const char *dir, int notes)
{
    DIR *d = opendir(dir);
    if (!d) {
        TR_ERROR(ctx, "cannot read the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    int bad = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *path = TR_MALLOC(strlen(dir) + strlen(e->d_name) + 2);
        sprintf(path, "%s/%s", dir, e->d_name);
        const enum entry rule = folder_rule(path, e->d_name);
        if (rule == ENTRY_READ) {
            names = TR_REALLOC(names, sizeof(char *) * (n + 1));
            names[n++] = path;
            continue;
        }
        if (rule == ENTRY_REFUSED) refuse(ctx, t, path), bad = 1;
        if (rule == ENTRY_IGNORED && notes)
            TR_INFO(ctx, "%s: ignored (a name starting with '.' or '_')", path);
        free(path);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_path);
    for (size_t k = 0; k < n; k++)
        add(in, t, names[k]), free(names[k]);
    free(names);
    return bad ? -1 : (int)n;
}

/* Adds what item names: a regular file as it is, a folder by the folder rule, else a glob
 * pattern; returns how many files, or -1 on an error (said). */
static int expand(const struct tr_ctx *ctx, struct tr_input_files *in, enum tr_table_id t,
                  const char *item, int notes)
{
    struct stat st;
    if (stat(item, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return add_directory(ctx, in, t, item, notes);
        char why[TR_PATH_MAX + 128];
        enum tr_file_kind kind;
        if (tr_file_sniff(item, &kind, why, sizeof why)) { /* a FIFO, a device, an archive */
            TR_ERROR(ctx, "%s", why);
            return -1;
        }
        add(in, t, item);
        return 1;
    }
    if (!strpbrk(item, "*?[")) {
        add(in, t, item); /* a missing plain file: reading it reports it */
        return 1;
    }
    glob_t g;
    int found = 0;
    if (glob(item, 0, NULL, &g) == 0) {
        for (size_t k = 0; k < g.gl_pathc && found >= 0; k++) {
            const int got = expand(ctx, in, t, g.gl_pathv[k], notes);
            found = got < 0 ? -1 : found + got;
        }
        globfree(&g);
    }
    return found;
}

/* A configured list: a value that names an existing file or folder as a whole is taken whole (a
 * path may hold a comma), else it is split at commas. Returns 1 on an error (said). */
static int expand_list(const struct tr_ctx *ctx, struct tr_input_files *in, enum tr_table_id t,
                       const char *list, int notes)
{
    struct stat st;
    if (stat(list, &st) == 0) return expand(ctx, in, t, list, notes) < 0;
    char *copy = TR_STRDUP(list), *save = NULL;
    int bad = 0;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        const int got = expand(ctx, in, t, item, notes);
        if (got == 0) TR_ERROR(ctx, "inputs.%s: '%s' matches no file", tr_table_names[t], item);
        bad |= got <= 0;
    }
    free(copy);
    return bad;
}

/* What a table lacks when it is absent or empty: said with it. */
static const char *without(enum tr_table_id t)
{
    switch (t) {
    case TR_T_LOANS:
        return "no labels: the run has no credit model, no scores and no stress";
    case TR_T_SIM_SWAPS:
        return "the SIM-swap fraud rule has no events to check";
    case TR_T_SUBSCRIBERS:
        return "regions come from home antennas, and no plan is known";
    case TR_T_REPAYMENTS:
        return "the loans' ledger holds no payment received";
    default:
        return "the indicators drawn from it are empty";
    }
}

/* Whether inputs.require names table t. */
static int listed(const struct tr_config *cfg, enum tr_table_id t)
{
    const char *name = tr_table_names[t], *at = cfg->inputs.require;
    const size_t n = strlen(name);
    for (; (at = strstr(at, name)); at += n) /* a whole word of the list */
        if ((at == cfg->inputs.require || strchr(", ", at[-1])) && strchr(", ", at[n])) return 1;
    return 0;
}

int tr_inputs_required(const struct tr_config *cfg, enum tr_table_id t)
{
    return t == TR_T_ANTENNAS || t == TR_T_CDR || listed(cfg, t);
}

int tr_inputs_empty(const struct tr_ctx *ctx, const struct tr_config *cfg, enum tr_table_id t,
                    const char *first, int files, int notes)
{
    const char *name = tr_table_names[t];
    char more[64] = "";
    if (files > 1)
        snprintf(more, sizeof more, " and %d more file%s", files - 1, files > 2 ? "s" : "");
    /* An empty cdr file is a table without records (docs/formats.md), unless required by name;
     * no antenna at all is the read's to say. */
    if (listed(cfg, t) && t != TR_T_ANTENNAS) {
        TR_ERROR(ctx,
                 "the %s table is empty (%s%s: no data line), and the run requires it "
                 "(inputs.require)",
                 name, first, more);
        return 1;
    }
    if (notes && t != TR_T_ANTENNAS)
        TR_WARN(ctx, "the %s table is empty (%s%s: no data line); %s", name, first, more,
                without(t));
    return 0;
}

/* Rank 0: an absent table, said (a required one is an error). Returns 1 on an error. */
static int absent(const struct tr_ctx *ctx, const struct tr_config *cfg, enum tr_table_id t,
                  int notes)
{
    const char *name = tr_table_names[t], *dir = cfg->inputs.dir;
    if (tr_inputs_required(cfg, t)) {
        TR_ERROR(ctx,
                 "no %s table, which the run requires%s: neither %s/%s.csv, %s/%s.csv.gz nor "
                 "a folder %s/%s/ with *.csv or *.csv.gz files",
                 name, t == TR_T_ANTENNAS || t == TR_T_CDR ? "" : " (inputs.require)", dir, name,
                 dir, name, dir, name);
        return 1;
    }
    if (notes)
        TR_WARN(ctx,
                "the %s table is absent (no %s/%s.csv, %s.csv.gz or %s/ with files): read "
                "as empty; %s",
                name, dir, name, name, name, without(t));
    return 0;
}

/* Rank 0: <dir>/<table>.csv, .csv.gz or <table>/ (one of them: two is an error naming both). */
static int resolve_in_dir(const struct tr_ctx *ctx, const struct tr_config *cfg,
                          struct tr_input_files *in, enum tr_table_id t, int notes)
{
    static const char *const forms[] = {"%s/%s.csv", "%s/%s.csv.gz", "%s/%s"};
    char path[3][TR_PATH_MAX + 64];
    int found = -1;
    for (int k = 0; k < 3; k++) {
        struct stat st;
        snprintf(path[k], sizeof path[k], forms[k], cfg->inputs.dir, tr_table_names[t]);
        if (stat(path[k], &st) != 0 || (k == 2 && !S_ISDIR(st.st_mode))) continue;
        if (found >= 0) {
            TR_ERROR(ctx, "the %s table is given twice: %s and %s; keep one", tr_table_names[t],
                     path[found], path[k]);
            return 1;
        }
        found = k;
    }
    const int got = found < 0 ? 0 : expand(ctx, in, t, path[found], notes);
    if (got < 0) return 1;
    return got == 0 ? absent(ctx, cfg, t, notes) : 0;
}

static int resolve_table(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         struct tr_input_files *in, enum tr_table_id t, int notes)
{
    const char *list = configured(cfg, t);
    if (!list[0]) return resolve_in_dir(ctx, cfg, in, t, notes);
    if (expand_list(ctx, in, t, list, notes)) return 1;
    return in->n[t] == 0 ? absent(ctx, cfg, t, notes) : 0;
}

/* Sends rank 0's lists to every rank: counts, then each path. */
static void share(const struct tr_ctx *ctx, struct tr_input_files *in)
{
    MPI_CHECK(MPI_Bcast(in->n, TR_T_COUNT, MPI_INT, 0, ctx->comm));
    for (int t = 0; t < TR_T_COUNT; t++) {
        if (ctx->rank != 0) in->path[t] = TR_CALLOC((size_t)in->n[t] + 1, sizeof(char *));
        for (int k = 0; k < in->n[t]; k++) {
            int len = ctx->rank == 0 ? (int)strlen(in->path[t][k]) + 1 : 0;
            MPI_CHECK(MPI_Bcast(&len, 1, MPI_INT, 0, ctx->comm));
            if (ctx->rank != 0) in->path[t][k] = TR_MALLOC((size_t)len);
            MPI_CHECK(MPI_Bcast(in->path[t][k], len, MPI_CHAR, 0, ctx->comm));
        }
    }
}

int tr_inputs_resolve(const struct tr_ctx *ctx, const struct tr_config *cfg,
                      struct tr_input_files *in, int notes)
{
    memset(in, 0, sizeof *in);
    int bad = 0;
    if (ctx->rank == 0)
        for (int t = 0; t < TR_T_COUNT; t++)
            bad |= resolve_table(ctx, cfg, in, (enum tr_table_id)t, notes);
    bad = tr_agree(ctx, bad ? TR_EXIT_INPUT : TR_EXIT_OK);
    if (bad)
        tr_inputs_free(in); /* rank 0's lists so far: the callers free only what succeeded */
    else
        share(ctx, in);
    return bad;
}

void tr_inputs_free(struct tr_input_files *in)
{
    for (int t = 0; t < TR_T_COUNT; t++) {
        for (int k = 0; k < in->n[t]; k++)
            free(in->path[t][k]);
        free(in->path[t]);
    }
    memset(in, 0, sizeof *in);
}
