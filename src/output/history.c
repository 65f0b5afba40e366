/* /provenance/history (output/history.h): who wrote the file, with what, from what. */
#include "output/history.h"
#include "output/seal.h"

#include "core/error.h"
#include "io/h5.h"

#include <hdf5.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The members of a row, all text (fixed-length strings, as every dataset's in the file). */
static const char *const members[] = {
    "command", "command_line",    "telrisk_version",      "time_utc",
    "config",  "config_checksum", "file_config_checksum", "inputs"};
enum { COMMAND, COMMAND_LINE, VERSION, TIME, CONFIG, CONFIG_SUM, FILE_CONFIG_SUM, INPUTS, MEMBERS };

/* More rows than this in a file is not a history telrisk wrote (a crafted file). */
#define MAX_ROWS 100000

/* The command being run (this process's view). */
static struct {
    char *command_line, *command, *config, *inputs;
} now;

struct rows {
    size_t n;
    char **v; /* [n x MEMBERS] */
};

static void set_text(char **at, const char *text)
{
    free(*at);
    *at = TR_STRDUP(text ? text : "");
}

static void add_text(char **at, const char *piece)
{
    const size_t had = *at ? strlen(*at) : 0, more = strlen(piece);
    *at = TR_REALLOC(*at, had + more + 1);
    memcpy(*at + had, piece, more + 1);
}

/* An argument as a shell would need it to be given again. */
static void add_quoted(char **at, const char *arg)
{
    if (arg[0] && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                              "_./=:,@+-") == strlen(arg)) {
        add_text(at, arg);
        return;
    }
    add_text(at, "'");
    for (const char *c = arg; *c; c++)
        add_text(at, *c == '\'' ? "'\\''" : (char[2]){*c, 0});
    add_text(at, "'");
}

void tr_history_begin(int argc, char *const *argv)
{
    set_text(&now.command_line, "telrisk");
    for (int k = 1; k < argc; k++) {
        add_text(&now.command_line, " ");
        add_quoted(&now.command_line, argv[k]);
    }
    set_text(&now.command, argc > 1 ? argv[1] : "");
    set_text(&now.config, "");
    set_text(&now.inputs, "");
}

void tr_history_config(const char *config_text)
{
    set_text(&now.config, config_text);
}

void tr_history_input(const char *role, const char *path)
{
    char full[PATH_MAX], *sum = NULL;
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    if (f >= 0) sum = tr_h5_attr_text(f, "checksum");
    if (f >= 0) H5Fclose(f);
    /* Tab-separated: paths may hold spaces. */
    add_text(&now.inputs, role);
    add_text(&now.inputs, "\t");
    add_text(&now.inputs, realpath(path, full) ? full : path);
    add_text(&now.inputs, "\t");
    add_text(&now.inputs, sum ? sum : "unsealed");
    add_text(&now.inputs, "\n");
    free(sum);
}

/* BLAKE2b-256 of a text, as the file writes checksums. */
static void text_checksum(const char *text, char out[TR_CHECKSUM_TEXT + 1])
{
    unsigned char sum[32];
    crypto_generichash(sum, sizeof sum, (const unsigned char *)text, strlen(text), NULL, 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    snprintf(out, TR_CHECKSUM_TEXT + 1, "%s%s", TR_CHECKSUM_PREFIX, hex);
}

/* The root config's checksum, "none" when the file has no config (a stress part file). */
static void file_config_checksum(hid_t f, char out[TR_CHECKSUM_TEXT + 1])
{
    char *config = tr_h5_attr_text(f, "config");
    if (config)
        text_checksum(config, out);
    else
        snprintf(out, TR_CHECKSUM_TEXT + 1, "none");
    free(config);
}

/* UTC now, or SOURCE_DATE_EPOCH (seconds since 1970) for reproducible files. */
static void utc_now(char text[32])
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    const long long fixed = epoch ? strtoll(epoch, &end, 10) : 0;
    const time_t t = epoch && end != epoch && *end == 0 ? (time_t)fixed : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(text, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(text, 32, "unknown");
}

static void rows_free(struct rows *r)
{
    for (size_t k = 0; k < r->n * MEMBERS; k++)
        free(r->v[k]);
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* The offset and size of member `name` of a compound of fixed-length strings; 0, or 1. */
static int member_of(hid_t t, const char *name, size_t *offset, size_t *size)
{
    const int k = H5Tget_member_index(t, name);
    if (k < 0) return 1;
    hid_t m = H5Tget_member_type(t, (unsigned)k);
    const int ok = m >= 0 && H5Tget_class(m) == H5T_STRING && H5Tis_variable_str(m) == 0;
    *size = ok ? H5Tget_size(m) : 0;
    *offset = H5Tget_member_offset(t, (unsigned)k);
    if (m >= 0) H5Tclose(m);
    return !ok;
}

/* The rows of d (a compound of fixed-length strings) into r. 0, or 1 with why. */
static int read_table(hid_t d, struct rows *r, const char **why)
{
    hid_t t = H5Dget_type(d);
    struct tr_h5_shape s;
    tr_h5_shape_of(d, 0, &s);
    size_t offset[MEMBERS], size[MEMBERS];
    int bad = t < 0 || H5Tget_class(t) != H5T_COMPOUND || s.rank != 1 || s.dims[0] > MAX_ROWS;
    *why = "is not a table of text rows";
    for (int k = 0; !bad && k < MEMBERS; k++)
        if ((bad = member_of(t, members[k], &offset[k], &size[k]))) *why = "lacks a member";
    const size_t row = bad ? 0 : H5Tget_size(t);
    char *buf = bad ? NULL : TR_CALLOC(s.dims[0] * row + 1, 1);
    if (!bad && s.dims[0] && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        bad = 1, *why = "cannot be read";
    r->n = bad ? 0 : (size_t)s.dims[0];
    r->v = TR_CALLOC(r->n * MEMBERS + 1, sizeof *r->v);
    for (size_t i = 0; i < r->n; i++)
        for (int k = 0; k < MEMBERS; k++)
            r->v[i * MEMBERS + (size_t)k] = strndup(buf + i * row + offset[k], size[k]);
    free(buf);
    if (t >= 0) H5Tclose(t);
    return bad;
}

/* The file's history rows (none when it has no history). 0, or 1 with why. */
static int read_rows(hid_t f, struct rows *r, const char **why)
{
    memset(r, 0, sizeof *r);
    if (!tr_h5_link_exists(f, "provenance") || !tr_h5_link_exists(f, "provenance/history"))
        return 0;
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t d = H5Dopen2(f, "provenance/history", H5P_DEFAULT);
    const int bad = d < 0 ? (*why = "is not a dataset", 1) : read_table(d, r, why);
    if (d >= 0) H5Dclose(d);
    tr_h5_quiet_end(&q);
    return bad;
}

/* This command's row, after r's. */
static void add_row(hid_t f, struct rows *r)
{
    r->v = TR_REALLOC(r->v, sizeof *r->v * (r->n + 1) * MEMBERS);
    char **row = r->v + r->n++ * MEMBERS, time_utc[32], sum[TR_CHECKSUM_TEXT + 1];
    row[COMMAND] = TR_STRDUP(now.command ? now.command : "");
    row[COMMAND_LINE] = TR_STRDUP(now.command_line ? now.command_line : "");
    row[VERSION] = TR_STRDUP(TELRISK_VERSION);
    utc_now(time_utc);
    row[TIME] = TR_STRDUP(time_utc);
    row[CONFIG] = TR_STRDUP(now.config ? now.config : "");
    text_checksum(row[CONFIG], sum);
    row[CONFIG_SUM] = TR_STRDUP(sum);
    file_config_checksum(f, sum);
    row[FILE_CONFIG_SUM] = TR_STRDUP(sum);
    row[INPUTS] = TR_STRDUP(now.inputs ? now.inputs : "");
}

static const char *const description =
    "one row per command that wrote this file, oldest first: command, command_line, "
    "telrisk_version, time_utc, config (the configuration it applied; empty: none), "
    "config_checksum, file_config_checksum (the root config as the command left it), inputs "
    "(one line per file read: role, absolute path, root checksum, tab-separated)";

/* r as /provenance/history (replacing it). */
static void write_rows(hid_t f, const struct rows *r)
{
    size_t width[MEMBERS], offset[MEMBERS], row = 0;
    hid_t t = H5Tcreate(H5T_COMPOUND, 1);
    H5_CHECK(t);
    for (int k = 0; k < MEMBERS; k++) {
        width[k] = 0;
        for (size_t i = 0; i < r->n; i++) {
            const size_t len = strlen(r->v[i * MEMBERS + (size_t)k]);
            if (len > width[k]) width[k] = len;
        }
        offset[k] = row, row += width[k] + 1;
    }
    H5_CHECK(H5Tset_size(t, row));
    for (int k = 0; k < MEMBERS; k++) {
        hid_t s = tr_h5_str_type(width[k]);
        H5_CHECK(H5Tinsert(t, members[k], offset[k], s));
        H5_CHECK(H5Tclose(s));
    }
    char *buf = TR_CALLOC(r->n * row + 1, 1);
    for (size_t i = 0; i < r->n; i++)
        for (int k = 0; k < MEMBERS; k++)
            memcpy(buf + i * row + offset[k], r->v[i * MEMBERS + (size_t)k],
                   strlen(r->v[i * MEMBERS + (size_t)k]));
    hid_t g = tr_h5_link_exists(f, "provenance")
                  ? H5Gopen2(f, "provenance", H5P_DEFAULT)
                  : tr_h5_group(f, "provenance", "who wrote this file, with what, from what");
    H5_CHECK(g);
    if (tr_h5_link_exists(g, "history")) H5_CHECK(H5Ldelete(g, "history", H5P_DEFAULT));
    const hsize_t dims[1] = {r->n};
    hid_t d = tr_h5_dataset(g, "history", t, 1, dims, description, NULL);
    const char *units[MEMBERS] = {"", "", "", "", "", "", "", ""};
    tr_h5_attr_strs(d, "units", units, MEMBERS);
    tr_h5_write_slab(d, t, buf, 0, r->n);
    H5_CHECK(H5Dclose(d));
    H5_CHECK(H5Gclose(g));
    H5_CHECK(H5Tclose(t));
    free(buf);
}

int tr_history_append(const char *path, char *err, size_t errlen)
{
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    if (f < 0) return snprintf(err, errlen, "cannot open %s to add its history", path), 1;
    struct rows r;
    const char *why = "";
    const int bad = read_rows(f, &r, &why);
    if (bad)
        snprintf(err, errlen, "%s: /provenance/history %s: its history cannot be continued", path,
                 why);
    else {
        add_row(f, &r);
        write_rows(f, &r);
    }
    rows_free(&r);
    H5_CHECK(H5Fclose(f));
    return bad;
}

/* Whether text is a checksum as the file writes them. */
static int is_checksum(const char *text)
{
    const size_t p = strlen(TR_CHECKSUM_PREFIX);
    return strlen(text) == TR_CHECKSUM_TEXT && strncmp(text, TR_CHECKSUM_PREFIX, p) == 0 &&
           strspn(text + p, "0123456789abcdef") == 64;
}

/* Each input line: role, path, and a checksum (or "unsealed": read with --no-verify). */
static int inputs_ok(const char *inputs)
{
    for (const char *line = inputs; *line;) {
        const size_t len = strcspn(line, "\n");
        const char *tab1 = memchr(line, '\t', len);
        const char *tab2 = tab1 ? memchr(tab1 + 1, '\t', len - (size_t)(tab1 + 1 - line)) : NULL;
        char sum[TR_CHECKSUM_TEXT + 2] = "";
        if (tab2) snprintf(sum, sizeof sum, "%.*s", (int)(line + len - tab2 - 1), tab2 + 1);
        if (!tab2 || tab1 == line || tab2 == tab1 + 1 ||
            !(is_checksum(sum) || strcmp(sum, "unsealed") == 0))
            return 0;
        line += len + (line[len] == '\n');
    }
    return 1;
}

/* One row's problem, or NULL. */
static const char *row_problem(char *const *row)
{
    static const char *const known[] = {"run", "train", "score", "stress", "merge", "ecl"};
    int command = 0;
    for (size_t k = 0; k < sizeof known / sizeof *known; k++)
        command |= strcmp(row[COMMAND], known[k]) == 0;
    char sum[TR_CHECKSUM_TEXT + 1];
    text_checksum(row[CONFIG], sum);
    struct tm tm;
    const char *end = strptime(row[TIME], "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!command) return "its command is not one that writes run files";
    if (strncmp(row[COMMAND_LINE], "telrisk ", 8) != 0) return "its command_line is not telrisk's";
    if (!row[VERSION][0]) return "it has no telrisk_version";
    if (!end || *end) return "its time_utc is not YYYY-MM-DDTHH:MM:SSZ";
    if (strcmp(sum, row[CONFIG_SUM]) != 0) return "its config_checksum is not its config's";
    if (!is_checksum(row[FILE_CONFIG_SUM]) && strcmp(row[FILE_CONFIG_SUM], "none") != 0)
        return "its file_config_checksum is not a checksum";
    if (!inputs_ok(row[INPUTS])) return "an input is not 'role, path, checksum'";
    return NULL;
}

/* The rows against each other and the file: the first made the file, the last left its config. */
static int file_problems(hid_t f, const struct rows *r, FILE *out)
{
    char *part = tr_h5_attr_text(f, "source_run"), sum[TR_CHECKSUM_TEXT + 1];
    const char *first = part ? "stress" : "run";
    int bad = 0;
    free(part);
    if (strcmp(r->v[COMMAND], first) != 0) {
        fprintf(out, "verify: /provenance/history row 0: the command %s, not %s, made the file\n",
                r->v[COMMAND], first);
        bad = 1;
    }
    file_config_checksum(f, sum);
    if (strcmp(sum, r->v[(r->n - 1) * MEMBERS + FILE_CONFIG_SUM]) != 0) {
        fprintf(out,
                "verify: /provenance/history row %zu: the root config is not the one its "
                "command left (file_config_checksum)\n",
                r->n - 1);
        bad = 1;
    }
    return bad;
}

int tr_history_verify(const char *path, FILE *out, int *rows)
{
    *rows = 0;
    struct tr_h5_quiet q;
    tr_h5_quiet_begin(&q);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    tr_h5_quiet_end(&q);
    if (f < 0) return fprintf(out, "verify: %s: cannot open it\n", path), 1;
    struct rows r;
    const char *why = "";
    int bad = read_rows(f, &r, &why);
    if (bad) fprintf(out, "verify: /provenance/history %s\n", why);
    for (size_t i = 0; !bad && i < r.n; i++) {
        const char *problem = row_problem(r.v + i * MEMBERS);
        if (problem) fprintf(out, "verify: /provenance/history row %zu: %s\n", i, problem);
        bad |= problem != NULL;
    }
    if (!bad && r.n) bad = file_problems(f, &r, out);
    *rows = (int)r.n;
    rows_free(&r);
    H5Fclose(f);
    return bad;
}
