/* io/reader on several ranks: run under `mpiexec -n N` (N = 1..4). Rank 0 writes a set of files
 * whose range boundaries (for this N) fall on chosen bytes -- a line start, a newline, the middle
 * of a line, between a CR and its LF, inside a long line -- plus tiny files (fewer bytes than
 * ranks), an empty file, CRLF without a final newline and a few hundred random shapes (and a
 * file cut short, then one extended, while every rank reads it: all must fail). Every rank
 * reads each file with tr_read_file on MPI_COMM_WORLD; rank 0 gathers all lines (offset, global
 * line number = first_line + index, length, bytes) and checks them against its own serial split
 * of the file: every line exactly once, in order. Exit 0 on success; otherwise rank 0 prints the
 * first difference and every rank exits 1. */
#include "core/error.h"
#include "io/reader.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank, nranks;
static char dir[64];

/* ------------------------------------------------------------------ the serial reference */

struct ref_line {
    int64_t offset;
    size_t len;
};

struct reference {
    int has_header;
    char header[256];
    size_t header_len;
    struct ref_line *lines;
    size_t n;
};

/* docs/formats.md, independently of the reader: the first line is the header (BOM skipped),
 * every line ends at '\n' or at the end of the file, one trailing CR is dropped. */
static void split_serial(const char *data, size_t size, struct reference *ref)
{
    memset(ref, 0, sizeof *ref);
    ref->lines = malloc(sizeof *ref->lines * (size + 1));
    if (size == 0) return;
    const char *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - data) : size;
    size_t pos = nl ? hlen + 1 : size;
    size_t skip = hlen >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (hlen > 0 && data[hlen - 1] == '\r') hlen--;
    ref->has_header = 1;
    ref->header_len = hlen - skip;
    memcpy(ref->header, data + skip, ref->header_len);
    while (pos < size) {
        nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        size_t len = end - pos;
        if (len > 0 && data[end - 1] == '\r') len--;
        ref->lines[ref->n++] = (struct ref_line){(int64_t)pos, len};
        pos = end + 1;
    }
}

/* ------------------------------------------------------------------ what a rank reads */

struct wire { /* one line as sent to rank 0, followed by avail bytes */
    int64_t offset, line_no;
    uint64_t len, avail;
};

struct mine {
    char *buf;
    size_t used, cap;
    int64_t index_expected; /* the handler's index must count 0, 1, 2... */
    int bad_index;
    struct tr_read_info *info; /* first_line is known only at the end: numbers fixed then */
};

static void on_line(void *user, const char *line, size_t avail, size_t len, int64_t offset,
                    int64_t index)
{
    struct mine *m = user;
    if (index != m->index_expected++) m->bad_index = 1;
    size_t need = sizeof(struct wire) + avail;
    if (m->used + need > m->cap) {
        m->cap = 2 * (m->used + need);
        m->buf = realloc(m->buf, m->cap);
    }
    struct wire w = {offset, index, (uint64_t)len, (uint64_t)avail};
    memcpy(m->buf + m->used, &w, sizeof w);
    memcpy(m->buf + m->used + sizeof w, line, avail);
    m->used += need;
}

/* Prints (rank 0) the first difference; returns 1 if there is one. */
static int fail(const char *file, size_t chunk, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(const char *file, size_t chunk, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "reader_ranks -n %d, %s, chunk %zu: ", nranks, file, chunk);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* Reads one file on every rank and checks it. Returns 0 on every rank, or 1 on every rank. */
static int check_file(const char *name, size_t chunk)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    /* Every rank reads the file's bytes for the reference (small files; the long one is ~1 MB). */
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rank %d: cannot open %s\n", rank, path);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    fseek(f, 0, SEEK_END);
    size_t size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(size + 1);
    if (fread(data, 1, size, f) != size) MPI_Abort(MPI_COMM_WORLD, 1);
    fclose(f);
    struct reference ref;
    split_serial(data, size, &ref);

    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
    struct tr_read_info *info = calloc(1, sizeof *info);
    struct mine m = {.info = info};
    struct tr_line_handler h = {&m, on_line, 0, NULL, 0};
    int rc = tr_read_file(&ctx, path, chunk, NULL, &h, info);

    /* Local checks, every rank: the header, the counts, the index sequence. */
    int bad = 0;
    char why[256] = "";
    if (rc != 0)
        bad = 1, snprintf(why, sizeof why, "rank %d: tr_read_file returned %d", rank, rc);
    else if (info->has_header != ref.has_header || info->header_len != ref.header_len ||
             memcmp(info->header, ref.header, ref.header_len) != 0)
        bad = 1, snprintf(why, sizeof why, "rank %d: header (%d, %zu bytes) differs from (%d, %zu)",
                          rank, info->has_header, info->header_len, ref.has_header, ref.header_len);
    else if (info->total_lines != (int64_t)ref.n)
        bad = 1, snprintf(why, sizeof why, "rank %d: total_lines %lld, want %zu", rank,
                          (long long)info->total_lines, ref.n);
    else if (info->bytes != (int64_t)size)
        bad = 1, snprintf(why, sizeof why, "rank %d: bytes %lld, want %zu", rank,
                          (long long)info->bytes, size);
    else if (m.bad_index || m.index_expected != info->local_lines)
        bad = 1, snprintf(why, sizeof why, "rank %d: indexes not 0..%lld", rank,
                          (long long)info->local_lines - 1);
    /* Global line numbers: first_line + index. */
    for (size_t at = 0; at < m.used;) {
        struct wire w;
        memcpy(&w, m.buf + at, sizeof w);
        w.line_no += info->first_line;
        memcpy(m.buf + at, &w, sizeof w);
        at += sizeof w + w.avail;
    }

    /* Everything to rank 0, in rank order. */
    int bytes = (int)m.used;
    int *counts = malloc(sizeof(int) * (size_t)nranks),
        *displs = malloc(sizeof(int) * (size_t)nranks);
    MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int total = 0;
    if (rank == 0)
        for (int r = 0; r < nranks; r++)
            displs[r] = total, total += counts[r];
    char *all = malloc((size_t)total + 1);
    MPI_Gatherv(m.buf, bytes, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);

    /* The first local failure, by rank. */
    int first_bad = bad ? rank : nranks;
    int worst = nranks;
    MPI_Allreduce(&first_bad, &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (worst < nranks) {
        if (rank == worst) fail(name, chunk, "%s", why);
        bad = 1;
    } else if (rank == 0) {
        size_t k = 0;
        for (size_t at = 0; at < (size_t)total && !bad; k++) {
            struct wire w;
            memcpy(&w, all + at, sizeof w);
            const char *text = all + at + sizeof w;
            at += sizeof w + w.avail;
            if (k >= ref.n) {
                bad = fail(name, chunk, "extra line %zu at offset %lld (the file has %zu lines)", k,
                           (long long)w.offset, ref.n);
                break;
            }
            const struct ref_line *e = &ref.lines[k];
            size_t want_avail_min = e->len < TR_READER_LONG_LINE ? e->len : TR_READER_LONG_LINE;
            if (w.offset != e->offset)
                bad = fail(name, chunk, "line %zu: offset %lld, want %lld (a line lost or doubled)",
                           k, (long long)w.offset, (long long)e->offset);
            else if (w.line_no != (int64_t)k + 2)
                bad = fail(name, chunk, "line at offset %lld: number %lld, want %zu",
                           (long long)w.offset, (long long)w.line_no, k + 2);
            else if (w.len != e->len)
                bad = fail(name, chunk, "line %zu: length %llu, want %zu", k,
                           (unsigned long long)w.len, e->len);
            else if (w.avail < want_avail_min || w.avail > w.len)
                bad = fail(name, chunk, "line %zu: %llu bytes given of %zu", k,
                           (unsigned long long)w.avail, e->len);
            else if (memcmp(text, data + e->offset, w.avail) != 0)
                bad = fail(name, chunk, "line %zu: bytes differ from the file's", k);
        }
        if (!bad && k != ref.n)
            bad = fail(name, chunk, "%zu lines delivered, the file has %zu", k, ref.n);
    }
    MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);

    free(all);
    free(displs);
    free(counts);
    free(m.buf);
    free(info);
    free(ref.lines);
    free(data);
    return any;
}

/* ------------------------------------------------------------------ the files (rank 0) */

static void write_file(const char *name, const char *data, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) {
        fprintf(stderr, "cannot write %s\n", path);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    fclose(f);
}

static void write_text(const char *name, const char *text)
{
    write_file(name, text, strlen(text));
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A file whose range boundaries for nranks ranks fall on chosen bytes. The data area is
 * SHARE * nranks bytes after a 6-byte header, so rank r's range starts at 6 + SHARE * r. Boundary
 * r gets shape (r - 1 + variant) % 5. */
enum { SHARE = 64 };
enum { AT_LINE_START, ON_NEWLINE, MID_LINE, BETWEEN_CR_LF, AFTER_EMPTY_LINE, SHAPES };

static void write_boundaries(const char *name, int variant, int final_newline)
{
    const size_t head = 6, span = (size_t)SHARE * (size_t)nranks;
    char *d = malloc(head + span + 1);
    memcpy(d, "h1,h2\n", head);
    char *a = d + head;
    /* 0 = free, 1 = fixed by a boundary's shape */
    char *fixed = calloc(span + 1, 1);
    for (size_t k = 0; k < span; k++)
        a[k] = (char)('a' + k % 26);
    for (int r = 1; r < nranks; r++) {
        size_t q = (size_t)SHARE * (size_t)r;
        int shape = (r - 1 + variant) % SHAPES;
        switch (shape) {
        case AT_LINE_START: /* the previous byte ends a line: rank r owns the line at q */
            a[q - 1] = '\n', a[q] = 'S', fixed[q - 1] = fixed[q] = 1;
            break;
        case ON_NEWLINE: /* rank r's range begins on a newline: the line after it is r's */
            a[q - 1] = 'x', a[q] = '\n', a[q + 1] = 'N';
            fixed[q - 1] = fixed[q] = fixed[q + 1] = 1;
            break;
        case MID_LINE: /* no newline near q: the line is rank r - 1's */
            for (size_t k = q - 4; k <= q + 4; k++)
                a[k] = 'M', fixed[k] = 1;
            break;
        case BETWEEN_CR_LF: /* a CRLF cut in two */
            a[q - 1] = '\r', a[q] = '\n', a[q + 1] = 'C';
            fixed[q - 1] = fixed[q] = fixed[q + 1] = 1;
            break;
        case AFTER_EMPTY_LINE: /* an empty line just before q, another starting at q */
            a[q - 2] = '\n', a[q - 1] = '\n', a[q] = '\n', a[q + 1] = 'E';
            fixed[q - 2] = fixed[q - 1] = fixed[q] = fixed[q + 1] = 1;
            break;
        }
    }
    /* Newlines elsewhere every few bytes, never next to a fixed byte. */
    for (size_t k = 1; k + 1 < span; k++) {
        if (fixed[k - 1] || fixed[k] || fixed[k + 1]) continue;
        if (next() % 7 == 0) a[k] = '\n';
    }
    size_t n = head + span;
    if (final_newline) {
        a[span - 1] = '\n';
    } else if (a[span - 1] == '\n') {
        a[span - 1] = 'z';
    }
    write_file(name, d, n);
    free(fixed);
    free(d);
}

/* Long lines (over TR_READER_LONG_LINE and over the reader's buffer) that the boundaries cut. */
static void write_long(const char *name)
{
    const size_t lens[] = {70000, 5, 150000, 0, 200000, 3, 131072, 131071, 65536, 100000};
    size_t n = 0;
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++)
        n += lens[k] + 1;
    char *d = malloc(n + 16);
    size_t at = (size_t)sprintf(d, "long,header\n");
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        for (size_t j = 0; j < lens[k]; j++)
            d[at + j] = (char)('A' + (j * 7 + k) % 26);
        at += lens[k];
        if (k + 1 < sizeof lens / sizeof *lens) d[at++] = '\n'; /* the last has no newline */
    }
    write_file(name, d, at);
    free(d);
}

/* Small random files: 0-12 lines of 0-40 bytes, CRLF or not, with or without a final newline,
 * sometimes a BOM; many are smaller than the rank count's shares. */
static void write_random(const char *name)
{
    char d[1024];
    size_t n = 0;
    if (next() % 5 == 0) memcpy(d, "\xEF\xBB\xBF", 3), n = 3;
    int lines = (int)(next() % 13), crlf = next() % 3 == 0;
    for (int k = 0; k < lines; k++) {
        size_t len = next() % 4 == 0 ? 0 : (size_t)(next() % 41);
        for (size_t j = 0; j < len; j++)
            d[n++] = (char)('a' + next() % 26);
        if (k + 1 < lines || next() % 2) {
            if (crlf) d[n++] = '\r';
            d[n++] = '\n';
        }
    }
    write_file(name, d, n);
}

#define N_RANDOM 300

static void write_all(void)
{
    for (int v = 0; v < SHAPES; v++) {
        char name[64];
        snprintf(name, sizeof name, "bounds_%d.csv", v);
        write_boundaries(name, v, 1);
        snprintf(name, sizeof name, "bounds_%d_nofinal.csv", v);
        write_boundaries(name, v, 0);
    }
    write_long("long.csv");
    write_text("three.csv", "a,b\n1,2\n3,4\n5,6\n"); /* 3 lines: fewer bytes per line than ranks */
    write_text("tiny.csv", "h\nx");                  /* 3 bytes */
    write_text("empty.csv", "");
    write_text("header_only.csv", "a,b\r\n");
    write_text("crlf_nofinal.csv", "\xEF\xBB\xBF"
                                   "c1,c2\r\nA,1\r\nBB,22\r\n\r\nCCC,333");
    write_text("empty_lines.csv", "h\n\n\n\n\n\n");
    for (int k = 0; k < N_RANDOM; k++) {
        char name[64];
        snprintf(name, sizeof name, "random_%03d.csv", k);
        write_random(name);
    }
}

/* ------------------------------------------------------------------ a file that changes */

/* Rank 0 cuts the file to half its size (or appends a line) at its first round, while every rank
 * is reading; the rounds hold a barrier, as ingest's hold collectives. Every rank must return
 * TR_EXIT_INPUT (none may wait for the others, none may hand out a partial read as the file),
 * and rank 0 alone says why, naming the file. */
struct changing {
    const char *path;
    long cut; /* -1: append */
    int rounds;
};

static void drop_line(void *user, const char *line, size_t avail, size_t len, int64_t offset,
                      int64_t index)
{
    (void)user, (void)line, (void)avail, (void)len, (void)offset, (void)index;
}

static void change_on_round(void *user)
{
    struct changing *ch = user;
    if (ch->rounds++ == 0 && rank == 0) {
        FILE *f = fopen(ch->path, ch->cut >= 0 ? "r+b" : "ab");
        if (!f ||
            (ch->cut >= 0 ? ftruncate(fileno(f), ch->cut) != 0 : fputs("appended,late\n", f) < 0))
            MPI_Abort(MPI_COMM_WORLD, 1);
        fclose(f);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

static int check_changing(long cut, const char *want)
{
    char path[128];
    snprintf(path, sizeof path, "%s/changing.csv", dir);
    if (rank == 0) {
        char *data = malloc(2 + 600000);
        memcpy(data, "h\n", 2);
        for (int k = 0; k < 60000; k++) {
            char line[11];
            snprintf(line, sizeof line, "line%05d\n", k);
            memcpy(data + 2 + 10 * k, line, 10);
        }
        write_file("changing.csv", data, 2 + 600000);
        free(data);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    static char msg[4096];
    memset(msg, 0, sizeof msg);
    FILE *out = fmemopen(msg, sizeof msg, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_WORLD, out);
    struct tr_read_info *info = calloc(1, sizeof *info);
    struct changing ch = {path, cut, 0};
    struct tr_line_handler h = {&ch, drop_line, 20000, change_on_round, 0};
    const int rc = tr_read_file(&ctx, path, 0, NULL, &h, info);
    fclose(out);
    free(info);
    int bad = rc != TR_EXIT_INPUT || (rank == 0) != (strstr(msg, want) != NULL);
    if (bad)
        fail("changing.csv", 0, "rank %d: returned %d, said '%s' (want %d and '%s' on rank 0)",
             rank, rc, msg, TR_EXIT_INPUT, want);
    int any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (rank == 0) {
        strcpy(dir, "/tmp/telrisk_reader_ranks_XXXXXX");
        if (!mkdtemp(dir)) MPI_Abort(MPI_COMM_WORLD, 1);
        write_all();
    }
    MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);

    const char *fixed_names[] = {"long.csv",       "three.csv",       "tiny.csv",
                                 "empty.csv",      "header_only.csv", "crlf_nofinal.csv",
                                 "empty_lines.csv"};
    int bad = 0;
    const size_t chunks[] = {0, 3u << 20};
    for (size_t c = 0; c < 2 && !bad; c++) {
        for (int v = 0; v < SHAPES && !bad; v++) {
            char name[64];
            snprintf(name, sizeof name, "bounds_%d.csv", v);
            bad = check_file(name, chunks[c]);
            snprintf(name, sizeof name, "bounds_%d_nofinal.csv", v);
            if (!bad) bad = check_file(name, chunks[c]);
        }
        for (size_t k = 0; k < sizeof fixed_names / sizeof *fixed_names && !bad; k++)
            bad = check_file(fixed_names[k], chunks[c]);
    }
    for (int k = 0; k < N_RANDOM && !bad; k++) {
        char name[64];
        snprintf(name, sizeof name, "random_%03d.csv", k);
        bad = check_file(name, 0);
    }

    if (!bad) bad = check_changing(300001, "changing.csv shrank from 600002 to 300001 bytes");
    if (!bad) bad = check_changing(-1, "changing.csv grew from 600002 to 600016 bytes");

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
        if (!bad) printf("reader_ranks -n %d: all files read identically\n", nranks);
    }
    MPI_Finalize();
    return bad;
}
