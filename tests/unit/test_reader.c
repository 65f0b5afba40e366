/* io/reader: one rank (MPI_COMM_SELF) reading files through MPI-IO: newlines, CRs, the BOM, a
 * missing final newline, empty and header-only files, line numbers and offsets, long lines, reads
 * that span the reader's chunks, errors, a file cut short or extended while it is read; and
 * tr_reader_range's cover of the data area; gzip files read as a stream (the same lines as the
 * plain file, a truncated or corrupt stream, archives and what is not a regular file refused).
 * tests/mpi/reader_ranks.c does the same files on 1-4 ranks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "io/reader.h"
#include "records/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/telrisk_reader_XXXXXX");
    return mkdtemp(dir) ? 0 : 1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}

static const char *write_bytes(const char *name, const char *data, size_t n)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* ------------------------------------------------------------------ a collecting handler */

struct got_line {
    char *text; /* avail bytes */
    size_t avail, len;
    int64_t offset, index;
};

struct collect {
    int headers_seen; /* on_header calls */
    int lines_before_header;
    int header_rc; /* what on_header returns */
    int has_header;
    char header[256];
    size_t header_len;
    struct got_line *lines;
    size_t n, cap;
};

static int on_header(void *user, const struct tr_read_info *info)
{
    struct collect *c = user;
    c->headers_seen++;
    c->has_header = info->has_header;
    c->header_len = info->header_len;
    size_t keep = info->header_len < sizeof c->header - 1 ? info->header_len : sizeof c->header - 1;
    memcpy(c->header, info->header, keep);
    c->header[keep] = 0;
    /* The header is NUL-terminated for the caller. */
    assert_int_equal(info->header[info->header_len], 0);
    return c->header_rc;
}

static void on_line(void *user, const char *line, size_t avail, size_t len, int64_t offset,
                    int64_t index)
{
    struct collect *c = user;
    if (c->headers_seen == 0) c->lines_before_header++;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->lines = realloc(c->lines, c->cap * sizeof *c->lines);
    }
    struct got_line *g = &c->lines[c->n++];
    g->text = malloc(avail + 1);
    memcpy(g->text, line, avail);
    g->text[avail] = 0;
    g->avail = avail;
    g->len = len;
    g->offset = offset;
    g->index = index;
}

static void collect_free(struct collect *c)
{
    for (size_t k = 0; k < c->n; k++)
        free(c->lines[k].text);
    free(c->lines);
    memset(c, 0, sizeof *c);
}

static char msgbuf[8192];

static int read_path(const char *path, size_t chunk, struct collect *c, struct tr_read_info *info)
{
    FILE *msg = fmemopen(msgbuf, sizeof msgbuf, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_SELF, msg);
    struct tr_line_handler h = {c, on_line, 0, NULL, 0};
    int rc = tr_read_file(&ctx, path, chunk, on_header, &h, info);
    fclose(msg);
    return rc;
}

static struct tr_read_info *new_info(void)
{
    return calloc(1, sizeof(struct tr_read_info)); /* 64 kB of header: not on the stack */
}

static void expect_line(const struct collect *c, size_t k, const char *text, int64_t offset)
{
    assert_true(k < c->n);
    assert_int_equal(c->lines[k].len, strlen(text));
    assert_int_equal(c->lines[k].avail, strlen(text));
    assert_string_equal(c->lines[k].text, text);
    assert_true(c->lines[k].offset == offset);
    assert_true(c->lines[k].index == (int64_t)k);
}

/* ------------------------------------------------------------------ line shapes */

static void test_lf_lines_numbers_offsets(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    const char *path = write_text("lf.csv", "h1,h2\na,b\n\nccc,dddd\nx\n");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_int_equal(c.headers_seen, 1);
    assert_int_equal(c.lines_before_header, 0); /* the header comes before any line */
    assert_true(info->has_header);
    assert_string_equal(c.header, "h1,h2");
    assert_int_equal(info->header_len, 5);
    assert_int_equal(c.n, 4);
    expect_line(&c, 0, "a,b", 6);
    expect_line(&c, 1, "", 10); /* an empty line is a line (the parser rejects it) */
    expect_line(&c, 2, "ccc,dddd", 11);
    expect_line(&c, 3, "x", 20);
    assert_true(info->bytes == 22);
    assert_true(info->local_lines == 4);
    assert_true(info->total_lines == 4);
    assert_true(info->first_line == 2); /* the header is line 1 */
    collect_free(&c);
    free(info);
}

static void test_crlf(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    const char *path = write_text("crlf.csv", "h1,h2\r\na,b\r\n\r\nc,d\r\nlast\r");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_string_equal(c.header, "h1,h2");
    assert_int_equal(info->header_len, 5);
    assert_int_equal(c.n, 4);
    expect_line(&c, 0, "a,b", 7);
    expect_line(&c, 1, "", 12);
    expect_line(&c, 2, "c,d", 14);
    expect_line(&c, 3, "last", 19); /* no newline, but its CR goes */
    /* Only one trailing CR is removed; a CR inside a line stays. */
    collect_free(&c);
    path = write_text("crcr.csv", "h\r\r\na\rb\r\r\n");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_string_equal(c.header, "h\r");
    assert_int_equal(c.n, 1);
    expect_line(&c, 0, "a\rb\r", 4);
    collect_free(&c);
    free(info);
}

static void test_bom(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    const char *text = "\xEF\xBB\xBF"
                       "caller_id,amount,timestamp\r\nS1,1,2020-01-01 00:00:00\r\n";
    const char *path = write_text("bom.csv", text);
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_string_equal(c.header, "caller_id,amount,timestamp");
    assert_int_equal(info->header_len, 26);
    /* So the header matches the schema by name: the first column is not "\xEF\xBB\xBFcaller_id". */
    struct tr_header_map m;
    char err[512];
    assert_int_equal(
        tr_header_map(&tr_schema_recharges, info->header, info->header_len, &m, err, sizeof err),
        0);
    assert_int_equal(c.n, 1);
    expect_line(&c, 0, "S1,1,2020-01-01 00:00:00", 3 + 26 + 2); /* offsets count the BOM */
    collect_free(&c);
    /* A BOM-like sequence on a data line is data. */
    path = write_text("bom2.csv", "h\n\xEF\xBB\xBFx\n");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_int_equal(c.n, 1);
    expect_line(&c, 0, "\xEF\xBB\xBFx", 2);
    collect_free(&c);
    free(info);
}

static void test_no_final_newline(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    const char *path = write_text("nofinal.csv", "h\nfirst\nlast line");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_int_equal(c.n, 2);
    expect_line(&c, 0, "first", 2);
    expect_line(&c, 1, "last line", 8);
    assert_true(info->total_lines == 2);
    assert_true(info->unterminated); /* ingest warns: the file may have been cut short */
    collect_free(&c);
    free(info);
}

static void test_empty_file(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    const char *path = write_bytes("empty.csv", "", 0);
    assert_int_equal(read_path(path, 0, &c, info), 0);
    /* An empty file: no header (on_header still told so), no lines, and no error. */
    assert_int_equal(c.headers_seen, 1);
    assert_false(c.has_header);
    assert_false(info->has_header);
    assert_int_equal(info->header_len, 0);
    assert_int_equal(c.n, 0);
    assert_true(info->bytes == 0);
    assert_true(info->local_lines == 0);
    assert_true(info->total_lines == 0);
    free(info);
}

static void test_header_only(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    const char *path = write_text("hdr.csv", "a,b,c\n");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_true(info->has_header);
    assert_string_equal(c.header, "a,b,c");
    assert_int_equal(c.n, 0);
    assert_true(info->total_lines == 0);
    /* Without its newline too. */
    path = write_text("hdr2.csv", "a,b,c\r");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_true(info->has_header);
    assert_string_equal(c.header, "a,b,c");
    assert_int_equal(c.n, 0);
    /* A BOM and a newline only: an empty header. */
    path = write_text("hdr3.csv", "\xEF\xBB\xBF\n");
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_true(info->has_header);
    assert_int_equal(info->header_len, 0);
    assert_int_equal(c.n, 0);
    free(info);
}

/* ------------------------------------------------------------------ long lines and chunks */

static void test_long_lines(void **state)
{
    (void)state;
    /* header, a 200,000-byte line (beyond the reader's 128 kB buffer), a short line, a line of
     * 70,000 bytes (between TR_READER_LONG_LINE and the buffer), and a long last line without its
     * newline. */
    const size_t huge = 200000, mid = 70000, tail = 150001;
    size_t n = 2 + huge + 1 + 6 + mid + 1 + tail;
    char *data = malloc(n);
    size_t at = 0;
    memcpy(data + at, "h\n", 2), at += 2;
    for (size_t k = 0; k < huge; k++)
        data[at + k] = (char)('a' + k % 23);
    at += huge;
    data[at++] = '\n';
    memcpy(data + at, "short\n", 6), at += 6;
    memset(data + at, 'm', mid), at += mid;
    data[at++] = '\n';
    memset(data + at, 't', tail), at += tail;
    assert_int_equal(at, n);
    const char *path = write_bytes("long.csv", data, n);

    const size_t chunks[] = {0, 2 * TR_READER_LONG_LINE + 7, 1u << 20};
    for (size_t q = 0; q < sizeof chunks / sizeof *chunks; q++) {
        struct collect c = {0};
        struct tr_read_info *info = new_info();
        assert_int_equal(read_path(path, chunks[q], &c, info), 0);
        assert_int_equal(c.n, 4);
        const struct got_line *g = &c.lines[0];
        /* The length is exact; the bytes given are the line's own, at least the first
         * TR_READER_LONG_LINE of them, and never more than the line. */
        assert_int_equal(g->len, huge);
        assert_true(g->avail >= TR_READER_LONG_LINE && g->avail <= huge);
        assert_memory_equal(g->text, data + 2, g->avail);
        assert_true(g->offset == 2);
        expect_line(&c, 1, "short", (int64_t)(2 + huge + 1));
        g = &c.lines[2];
        assert_int_equal(g->len, mid);
        assert_true(g->avail >= TR_READER_LONG_LINE && g->avail <= mid);
        assert_memory_equal(g->text, data + 2 + huge + 1 + 6, g->avail);
        assert_true(g->index == 2);
        g = &c.lines[3];
        assert_int_equal(g->len, tail);
        assert_true(g->avail >= TR_READER_LONG_LINE && g->avail <= tail);
        assert_true(g->offset == (int64_t)(n - tail));
        assert_true(g->index == 3);
        assert_true(info->total_lines == 4);
        collect_free(&c);
        free(info);
    }
    /* With the smallest buffer (128 kB) the 200,000-byte line cannot be held whole: it comes
     * truncated to TR_READER_LONG_LINE bytes, its length exact. */
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_int_equal(c.lines[0].avail, TR_READER_LONG_LINE);
    assert_int_equal(c.lines[3].avail, TR_READER_LONG_LINE);
    collect_free(&c);
    free(info);
    free(data);
}

/* A long line's CR handling must be the short lines': the trailing CR of a CRLF line is not part
 * of its length. */
static void test_long_line_crlf_length(void **state)
{
    (void)state;
    const size_t huge = 200000;
    size_t n = 3 + huge + 4;
    char *data = malloc(n);
    memcpy(data, "h\r\n", 3);
    memset(data + 3, 'z', huge);
    memcpy(data + 3 + huge, "\r\nx\n", 4);
    const char *path = write_bytes("longcrlf.csv", data, n);
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_int_equal(c.n, 2);
    expect_line(&c, 1, "x", (int64_t)(3 + huge + 2));
    assert_int_equal(c.lines[0].avail, TR_READER_LONG_LINE);
    assert_int_equal(c.lines[0].len, huge); /* 'z' x 200000, without the CR */
    collect_free(&c);
    free(info);
    free(data);
}

/* ...and a CR inside a long line (here the last byte of the kept head) is data, not a trailing
 * CR: the head keeps all TR_READER_LONG_LINE bytes. */
static void test_long_line_inner_cr(void **state)
{
    (void)state;
    const size_t huge = 200000;
    size_t n = 2 + huge + 1;
    char *data = malloc(n);
    memcpy(data, "h\n", 2);
    memset(data + 2, 'z', huge);
    data[2 + TR_READER_LONG_LINE - 1] = '\r';
    data[n - 1] = '\n';
    const char *path = write_bytes("longcr.csv", data, n);
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    assert_int_equal(read_path(path, 0, &c, info), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.lines[0].len, huge);
    assert_int_equal(c.lines[0].avail, TR_READER_LONG_LINE);
    assert_memory_equal(c.lines[0].text, data + 2, TR_READER_LONG_LINE);
    collect_free(&c);
    free(info);
    free(data);
}

/* Lines of every length from 0 up over several reader buffers: whatever the chunk, every line
 * comes out once, whole, at its offset. */
static void test_chunk_boundaries(void **state)
{
    (void)state;
    size_t cap = 1 << 21, n = 0, count = 0;
    char *data = malloc(cap);
    int64_t *starts = malloc(sizeof(int64_t) * 20000);
    size_t *lens = malloc(sizeof(size_t) * 20000);
    n += (size_t)sprintf(data, "col_a,col_b\n");
    uint64_t x = 12345;
    while (n < 600000) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t len = (size_t)(x >> 33) % 300;
        if (count % 97 == 0) len = 3000 + (size_t)(x >> 20) % 5000;
        starts[count] = (int64_t)n;
        lens[count] = len;
        for (size_t k = 0; k < len; k++)
            data[n + k] = (char)('A' + (count + k) % 26);
        n += len;
        if (count % 5 == 0) data[n++] = '\r';
        data[n++] = '\n';
        count++;
    }
    const char *path = write_bytes("chunks.csv", data, n);
    const size_t chunks[] = {0, 131073, 200001, 1u << 22};
    for (size_t q = 0; q < sizeof chunks / sizeof *chunks; q++) {
        struct collect c = {0};
        struct tr_read_info *info = new_info();
        assert_int_equal(read_path(path, chunks[q], &c, info), 0);
        assert_int_equal(c.n, count);
        for (size_t k = 0; k < count; k++) {
            const struct got_line *g = &c.lines[k];
            if (g->len != lens[k] || g->avail != lens[k] || g->offset != starts[k] ||
                g->index != (int64_t)k || memcmp(g->text, data + starts[k], lens[k]) != 0)
                fail_msg("chunk %zu, line %zu: len %zu/%zu avail %zu offset %lld/%lld", chunks[q],
                         k, g->len, lens[k], g->avail, (long long)g->offset, (long long)starts[k]);
        }
        collect_free(&c);
        free(info);
    }
    free(lens);
    free(starts);
    free(data);
}

/* ------------------------------------------------------------------ errors */

static void test_errors(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    char path[160];
    snprintf(path, sizeof path, "%s/no_such_file.csv", dir);
    assert_int_equal(read_path(path, 0, &c, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "no_such_file.csv"));
    assert_int_equal(c.headers_seen, 0);

    /* A header longer than TR_HEADER_MAX is an error, not a truncated header. */
    size_t n = TR_HEADER_MAX + 10;
    char *data = malloc(n);
    memset(data, 'h', n);
    data[n - 3] = '\n';
    const char *p = write_bytes("longheader.csv", data, n);
    assert_int_equal(read_path(p, 0, &c, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "longheader.csv"));
    assert_int_equal(c.n, 0);
    free(data);

    /* on_header's refusal stops the read before any line, and is returned. */
    c.header_rc = TR_EXIT_INPUT;
    p = write_text("refused.csv", "h\na\nb\n");
    assert_int_equal(read_path(p, 0, &c, info), TR_EXIT_INPUT);
    assert_int_equal(c.headers_seen, 1);
    assert_int_equal(c.n, 0);
    collect_free(&c);
    free(info);
}

/* ------------------------------------------------------------------ a file that changes */

/* A writer still at work, or a file cut short by another process, while the run reads it: the
 * handler's round callback (which ingest uses to send records) truncates or extends the file. */
struct changer {
    struct collect c; /* first: on_line takes the same pointer */
    const char *path;
    int rounds;
    long truncate_to; /* >= 0: truncate to this size at the first round; -1: append a line */
};

static void change_on_round(void *user)
{
    struct changer *ch = user;
    if (ch->rounds++ > 0) return;
    if (ch->truncate_to >= 0) {
        assert_int_equal(truncate(ch->path, ch->truncate_to), 0);
    } else {
        FILE *f = fopen(ch->path, "ab");
        assert_non_null(f);
        fputs("appended,late\n", f);
        fclose(f);
    }
}

/* 60,000 lines of 10 bytes after a 2-byte header: read in 7 rounds of at most 100,000 bytes. */
static const char *write_numbered(const char *name)
{
    static char data[2 + 600000];
    memcpy(data, "h\n", 2);
    for (int k = 0; k < 60000; k++) {
        char line[11];
        snprintf(line, sizeof line, "line%05d\n", k);
        memcpy(data + 2 + 10 * k, line, 10);
    }
    return write_bytes(name, data, sizeof data);
}

static int read_changing(const char *path, long truncate_to, struct changer *ch,
                         struct tr_read_info *info)
{
    memset(ch, 0, sizeof *ch);
    ch->path = path;
    ch->truncate_to = truncate_to;
    FILE *msg = fmemopen(msgbuf, sizeof msgbuf, "w");
    struct tr_ctx ctx;
    tr_ctx_init(&ctx, MPI_COMM_SELF, msg);
    struct tr_line_handler h = {ch, on_line, 100000, change_on_round, 0};
    int rc = tr_read_file(&ctx, path, 0, NULL, &h, info);
    fclose(msg);
    return rc;
}

static void test_file_changes_while_read(void **state)
{
    (void)state;
    struct tr_read_info *info = new_info();
    struct changer ch;
    /* Cut at a line boundary after the first round: the reader must not hand out the 30,000
     * lines left as if they were the file (before, it did, and returned 0). */
    const long cuts[] = {300002, 150005, 2, 0};
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        const char *path = write_numbered("shrinks.csv");
        assert_int_equal(read_changing(path, cuts[k], &ch, info), TR_EXIT_INPUT);
        assert_non_null(strstr(msgbuf, "shrinks.csv shrank from 600002 to"));
        /* Every round still ends (ingest's are collective), and no line is a cut one. */
        assert_int_equal(ch.rounds, 7);
        for (size_t q = 0; q < ch.c.n; q++)
            assert_int_equal(ch.c.lines[q].len, 9);
        collect_free(&ch.c);
    }
    /* A line appended while the file is read: the size read is not the file's any more. */
    const char *path = write_numbered("grows.csv");
    assert_int_equal(read_changing(path, -1, &ch, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "grows.csv grew from 600002 to 600016 bytes"));
    assert_int_equal(ch.rounds, 7);
    collect_free(&ch.c);
    /* Unchanged, the same reads succeed: 60,000 lines, the last one with its newline. */
    path = write_numbered("same.csv");
    assert_int_equal(read_changing(path, 600002, &ch, info), 0);
    assert_int_equal(ch.c.n, 60000);
    assert_false(info->unterminated);
    collect_free(&ch.c);
    free(info);
}

/* ------------------------------------------------------------------ tr_reader_range */

static void check_cover(int64_t data_begin, int64_t size, int nranks)
{
    int64_t prev_end = data_begin;
    const int64_t span = size - data_begin;
    for (int r = 0; r < nranks; r++) {
        int64_t b, e;
        tr_reader_range(data_begin, size, r, nranks, &b, &e);
        /* Contiguous: each range starts where the previous one ended, and none is inverted. */
        if (b != prev_end || e < b)
            fail_msg("begin %lld size %lld ranks %d: rank %d has [%lld, %lld), previous end %lld",
                     (long long)data_begin, (long long)size, nranks, r, (long long)b, (long long)e,
                     (long long)prev_end);
        /* Even: floor or ceiling of the share. */
        int64_t lo = span / nranks, hi = lo + (span % nranks != 0);
        if (e - b < lo || e - b > hi)
            fail_msg("uneven share %lld of %lld over %d", (long long)(e - b), (long long)span,
                     nranks);
        prev_end = e;
    }
    if (prev_end != size)
        fail_msg("ranges end at %lld, not %lld", (long long)prev_end, (long long)size);
}

static void test_reader_range_cover(void **state)
{
    (void)state;
    for (int64_t db = 0; db <= 6; db += 3)
        for (int64_t size = db; size < db + 70; size++)
            for (int nranks = 1; nranks <= 17; nranks++)
                check_cover(db, size, nranks);
    /* Sizes smaller than the rank count: some ranks get empty ranges, still in place. */
    check_cover(10, 13, 64);
    check_cover(0, 0, 4);
    /* Large files and rank counts: no overflow in span * rank. */
    const int64_t big[] = {(int64_t)1 << 40, ((int64_t)1 << 62) + 12345, INT64_MAX - 1};
    for (size_t k = 0; k < sizeof big / sizeof *big; k++) {
        check_cover(57, big[k], 1);
        check_cover(57, big[k], 7);
        check_cover(57, big[k], 4096);
    }
    int64_t b, e;
    tr_reader_range(100, 100, 0, 1, &b, &e);
    assert_true(b == 100 && e == 100);
}

/* ------------------------------------------------------------------ gzip */

/* data gzipped into dir/name. */
static const char *write_gzip(const char *name, const char *data, size_t n)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    gzFile gz = gzopen(path, "wb6");
    assert_non_null(gz);
    if (n > 0) assert_int_equal(gzwrite(gz, data, (unsigned)n), (int)n);
    assert_int_equal(gzclose(gz), Z_OK);
    return path;
}

/* The same lines (text, lengths, offsets in the text, indexes), header and info but the size. */
static void expect_same(const struct collect *a, const struct tr_read_info *ia,
                        const struct collect *b, const struct tr_read_info *ib)
{
    assert_int_equal(a->has_header, b->has_header);
    assert_string_equal(a->header, b->header);
    assert_int_equal(a->n, b->n);
    for (size_t k = 0; k < a->n; k++) {
        assert_int_equal(a->lines[k].avail, b->lines[k].avail);
        assert_int_equal(a->lines[k].len, b->lines[k].len);
        assert_int_equal(a->lines[k].offset, b->lines[k].offset);
        assert_int_equal(a->lines[k].index, b->lines[k].index);
        assert_memory_equal(a->lines[k].text, b->lines[k].text, a->lines[k].avail);
    }
    assert_int_equal(ia->total_lines, ib->total_lines);
    assert_int_equal(ia->first_line, ib->first_line);
    assert_int_equal(ia->unterminated, ib->unterminated);
}

static void test_gzip_same_lines(void **state)
{
    (void)state;
    /* BOM, CRLF, an empty line, a NUL byte, a lone CR, no final newline; a long line (beyond the
     * 128 kB buffer); an empty file; a header alone. */
    static const char small[] = "\xEF\xBB\xBFh1,h2\r\na,b\r\n\nx\0y,z\nc\rd\nlast";
    const size_t huge = 300000;
    char *big = malloc(huge + 16);
    memcpy(big, "h\nab\n", 5);
    memset(big + 5, 'q', huge);
    memcpy(big + 5 + huge, "\r\nend\n", 6);
    const struct {
        const char *data;
        size_t n;
    } cases[] = {{small, sizeof small - 1}, {big, huge + 11}, {"", 0}, {"h\n", 2}, {"h", 1}};
    for (size_t q = 0; q < sizeof cases / sizeof *cases; q++) {
        struct collect a = {0}, b = {0};
        struct tr_read_info *ia = new_info(), *ib = new_info();
        const char *plain = write_bytes("same.csv", cases[q].data, cases[q].n);
        assert_int_equal(read_path(plain, 0, &a, ia), 0);
        const char *gz = write_gzip("same.csv.gz", cases[q].data, cases[q].n);
        assert_int_equal(read_path(gz, 0, &b, ib), 0);
        struct stat st;
        assert_int_equal(stat(gz, &st), 0);
        assert_int_equal(ib->bytes, st.st_size); /* the size on disk */
        assert_int_equal(b.headers_seen, 1);
        expect_same(&a, ia, &b, ib);
        collect_free(&a), collect_free(&b);
        free(ia), free(ib);
    }
    free(big);
}

static void test_gzip_errors(void **state)
{
    (void)state;
    struct collect c = {0};
    struct tr_read_info *info = new_info();
    /* Cut short: every byte but the last 30 (its end and part of the deflate stream). */
    char text[4096];
    size_t n = 0;
    for (int k = 0; k < 200; k++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,%d\n", k, k * 7);
    const char *gz = write_gzip("cut.csv.gz", text, n);
    assert_int_equal(truncate(gz, 40), 0);
    assert_int_equal(read_path(gz, 0, &c, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "cut.csv.gz: gzip: unexpected end of file"));
    collect_free(&c);

    /* A flipped byte in the stream: zlib's reason (a bad CRC or bad deflate data). */
    gz = write_gzip("corrupt.csv.gz", text, n);
    FILE *f = fopen(gz, "r+b");
    fseek(f, 30, SEEK_SET);
    fputc(0xff, f);
    fclose(f);
    assert_int_equal(read_path(gz, 0, &c, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "corrupt.csv.gz: gzip: "));
    assert_non_null(strstr(msgbuf, "(a corrupt gzip file)"));
    collect_free(&c);

    /* Archives telrisk does not read, whatever their name. */
    /* each at least the 10 bytes written */
    const char *const magic[] = {"PK\x03\x04restrest", "BZh91AYrest", "\xFD\x37zXZ\x00rest",
                                 "\x28\xB5\x2F\xFDrestrest"};
    const char *const kind[] = {"zip", "bzip2", "xz", "zstd"};
    for (int k = 0; k < 4; k++) {
        const char *p = write_bytes("archive.csv", magic[k], 10);
        assert_int_equal(read_path(p, 0, &c, info), TR_EXIT_INPUT);
        char want[128];
        snprintf(want, sizeof want, "archive.csv is a %s archive, not read: telrisk reads CSV",
                 kind[k]);
        assert_non_null(strstr(msgbuf, want));
        assert_int_equal(c.headers_seen, 0);
    }

    /* A FIFO is refused before it is opened (an open would wait for a writer: a hang). */
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/fifo.csv", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(read_path(fifo, 0, &c, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "fifo.csv is not a regular file (a FIFO)"));
    assert_int_equal(read_path("/dev/zero", 0, &c, info), TR_EXIT_INPUT);
    assert_non_null(strstr(msgbuf, "/dev/zero is not a regular file (a character device)"));
    collect_free(&c);
    free(info);
}

/* tr_text_*: the lines of a plain and a gzip file, as --check reads them. */
static void test_text_stream(void **state)
{
    (void)state;
    static const char data[] = "h\r\na\n\nb\0c\nlast";
    const char *paths[2];
    char keep[160];
    snprintf(keep, sizeof keep, "%s", write_bytes("t.csv", data, sizeof data - 1));
    paths[0] = keep;
    paths[1] = write_gzip("t.csv.gz", data, sizeof data - 1);
    for (int k = 0; k < 2; k++) {
        char why[256] = "", *line = NULL;
        size_t cap = 0;
        struct tr_text_in *t = tr_text_open(paths[k], why, sizeof why);
        assert_non_null(t);
        assert_int_equal(tr_text_line(t, &line, &cap), 1);
        assert_string_equal(line, "h");
        assert_int_equal(tr_text_line(t, &line, &cap), 1);
        assert_int_equal(tr_text_line(t, &line, &cap), 0);
        assert_int_equal(tr_text_line(t, &line, &cap), 3);
        assert_memory_equal(line, "b\0c", 3);
        assert_int_equal(tr_text_line(t, &line, &cap), 4);
        assert_string_equal(line, "last");
        assert_int_equal(tr_text_line(t, &line, &cap), -1);
        assert_int_equal(tr_text_close(t, why, sizeof why), 0);
        free(line);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lf_lines_numbers_offsets),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_long_line_crlf_length),
        cmocka_unit_test(test_long_line_inner_cr),
        cmocka_unit_test(test_chunk_boundaries),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_file_changes_while_read),
        cmocka_unit_test(test_reader_range_cover),
        cmocka_unit_test(test_gzip_same_lines),
        cmocka_unit_test(test_gzip_errors),
        cmocka_unit_test(test_text_stream),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    MPI_Finalize();
    return failed;
}
