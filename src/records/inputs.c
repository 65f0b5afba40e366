#include "records/inputs.h"

#include "core/error.h"

#include <dirent.h>
#include <fnmatch.h>
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

/* Adds a directory's *.csv files, sorted by name; returns how many. */
static int add_directory(struct tr_input_files *in, enum tr_table_id t, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (fnmatch("*.csv", e->d_name, 0) != 0) continue;
        names = TR_REALLOC(names, sizeof(char *) * (n + 1));
        names[n] = TR_MALLOC(strlen(dir) + strlen(e->d_name) + 2);
        sprintf(names[n++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_path);
    for (size_t k = 0; k < n; k++)
        add(in, t, names[k]), free(names[k]);
    free(names);
    return (int)n;
}

/* Adds what item names: an existing file as it is, a directory's *.csv, else a glob pattern;
 * returns how many files. */
static int expand(struct tr_input_files *in, enum tr_table_id t, const char *item)
{
    struct stat st;
    if (stat(item, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return add_directory(in, t, item);
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
        for (size_t k = 0; k < g.gl_pathc; k++)
            add(in, t, g.gl_pathv[k]), found++;
        globfree(&g);
    }
    return found;
}

static int resolve_table(const struct tr_ctx *ctx, const struct tr_config *cfg,
                         struct tr_input_files *in, enum tr_table_id t)
{
    const char *list = configured(cfg, t);
    if (list[0]) {
        char *copy = TR_STRDUP(list), *save = NULL;
        int bad = 0;
        for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            while (*item == ' ')
                item++;
            if (expand(in, t, item) == 0) {
                TR_ERROR(ctx, "inputs.%s: '%s' matches no file", tr_table_names[t], item);
                bad = 1;
            }
        }
        free(copy);
        return bad;
    }
    char path[TR_PATH_MAX + 64];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.csv", cfg->inputs.dir, tr_table_names[t]);
    if (stat(path, &st) == 0) return expand(in, t, path) == 0; /* a file: always 1 */
    snprintf(path, sizeof path, "%s/%s", cfg->inputs.dir, tr_table_names[t]);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && add_directory(in, t, path) > 0) return 0;
    if (t == TR_T_ANTENNAS || t == TR_T_CDR) {
        TR_ERROR(ctx, "no %s table: neither %s/%s.csv nor %s/%s/*.csv exists (inputs.dir = %s)",
                 tr_table_names[t], cfg->inputs.dir, tr_table_names[t], cfg->inputs.dir,
                 tr_table_names[t], cfg->inputs.dir);
        return 1;
    }
    TR_WARN(ctx, "no %s table in %s: read as empty", tr_table_names[t], cfg->inputs.dir);
    return 0;
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
                      struct tr_input_files *in)
{
    memset(in, 0, sizeof *in);
    int bad = 0;
    if (ctx->rank == 0)
        for (int t = 0; t < TR_T_COUNT; t++)
            bad |= resolve_table(ctx, cfg, in, (enum tr_table_id)t);
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
