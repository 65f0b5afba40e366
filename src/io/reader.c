#include "io/reader.h"

#include "core/progress.h"

#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define TR_PATH_MAX_MSG 1200
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

void tr_reader_range(int64_t data_begin, int64_t size, int rank, int nranks, int64_t *begin,
                     int64_t *end)
{
    int64_t span = size - data_begin;
    *begin = data_begin + (int64_t)((__int128)span * rank / nranks);
    *end = data_begin + (int64_t)((__int128)span * (rank + 1) / nranks);
}

/* collective: every rank saw the same failure, so rank 0 alone reports it. */
static int report_mpi_error(const struct tr_ctx *ctx, int rc, const char *what, const char *path,
                            int collective)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_CHECK(MPI_Error_string(rc, msg, &len));
    if (!collective || ctx->rank == 0) TR_ERROR(ctx, "cannot %s %s: %s", what, path, msg);
    return TR_EXIT_INPUT;
}

/* A read that fails is the input's fault (a file on a failing disk, a directory named as a file):
 * its code goes back to be reported with the path (exit 2), not to MPI_CHECK. */
static int read_at(MPI_File fh, int64_t at, char *buf, size_t want, size_t *got)
{
    MPI_Status st;
    int rc = MPI_File_read_at(fh, (MPI_Offset)at, buf, (int)want, MPI_CHAR, &st);
    if (rc != MPI_SUCCESS) return rc;
    int count = 0;
    MPI_CHECK(MPI_Get_count(&st, MPI_CHAR, &count));
    *got = (size_t)count;
    return MPI_SUCCESS;
}

static size_t strip_cr(const char *line, size_t len)
{
    return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
}

/* The header from the got bytes at the start of info->header (more: the file holds more bytes
 * than these): meta[0] whether there is one (not too long), meta[1] its length without CR or BOM
 * (moved to the start), meta[2] where the data lines begin. */
static void take_header(struct tr_read_info *info, size_t got, int more, int64_t meta[3])
{
    char *nl = memchr(info->header, '\n', got);
    size_t len = nl ? (size_t)(nl - info->header) : got;
    if (!nl && more) len = TR_HEADER_MAX; /* too long */
    size_t skip = len >= 3 && memcmp(info->header, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    meta[0] = len < TR_HEADER_MAX;
    meta[2] = nl ? (int64_t)(nl - info->header) + 1 : (int64_t)got;
    if (meta[0]) {
        len = strip_cr(info->header, len);
        memmove(info->header, info->header + skip, len - skip);
        meta[1] = (int64_t)(len - skip);
    }
}

/* Every rank gets root's header (meta as take_header's, meta[3] as share_header's). */
static void bcast_header(const struct tr_ctx *ctx, int root, struct tr_read_info *info,
                         int64_t meta[4])
{
    MPI_CHECK(MPI_Bcast(meta, 4, MPI_INT64_T, root, ctx->comm));
    info->has_header = (int)meta[0];
    info->header_len = (size_t)meta[1];
    MPI_CHECK(MPI_Bcast(info->header, (int)info->header_len, MPI_CHAR, root, ctx->comm));
    info->header[info->header_len] = 0;
}

/* Rank 0 reads the first line and sends it to every rank. Returns the offset after it; *ended_at
 * is where the file ended when that is before the size it had at open (else -1). */
static int64_t share_header(const struct tr_ctx *ctx, MPI_File fh, struct tr_read_info *info,
                            int *rc, int64_t *ended_at)
{
    /* has_header, header_len, data_begin, and where the file ended if before its size (-1) */
    int64_t meta[4] = {0, 0, 0, -1};
    if (ctx->rank == 0 && info->bytes > 0) {
        size_t got = 0;
        size_t want = info->bytes < TR_HEADER_MAX ? (size_t)info->bytes : TR_HEADER_MAX;
        *rc = read_at(fh, 0, info->header, want, &got);
        if (*rc == MPI_SUCCESS && got < want) meta[3] = (int64_t)got; /* it shrank since */
        if (*rc == MPI_SUCCESS) take_header(info, got, (int64_t)got < info->bytes, meta);
    }
    int status = *rc;
    MPI_CHECK(MPI_Bcast(&status, 1, MPI_INT, 0, ctx->comm));
    *rc = status;
    bcast_header(ctx, 0, info, meta);
    *ended_at = meta[3];
    return meta[2];
}

struct scan {
    const struct tr_line_handler *h;
    int64_t end;   /* lines starting at or after this offset belong to the next rank */
    int64_t count; /* lines handed out */
    int done;
    /* a line longer than the buffer keeps: its start, first bytes and length so far */
    int in_long;
    int64_t long_start;
    size_t long_len;
    char long_last; /* its last byte so far: a CR before its newline is not part of it */
    char *long_head;
    /* rounds still to end (handler->on_round calls still owed) and where the next one starts */
    int64_t rounds_left, cut, step;
    int64_t ended_at; /* where a read found the file's end before its size at open, or -1 */
    int unterminated; /* the last line had no newline */
};

static void emit(struct scan *s, const char *line, size_t avail, size_t len, int64_t offset)
{
    if (offset >= s->end) {
        s->done = 1;
        return;
    }
    for (; s->rounds_left > 1 && offset >= s->cut; s->rounds_left--, s->cut += s->step)
        s->h->on_round(s->h->user);
    if (avail == len) avail = len = strip_cr(line, len);
    s->h->on_line(s->h->user, line, avail, len, offset, s->count++);
}

/* A long line ends: its CR, if any, is the last byte seen, not the last byte kept. */
static void emit_long(struct scan *s)
{
    size_t len = s->long_len - (s->long_len > 0 && s->long_last == '\r');
    emit(s, s->long_head, TR_READER_LONG_LINE < len ? TR_READER_LONG_LINE : len, len,
         s->long_start);
    s->in_long = 0;
}

/* Hands out the complete lines in buf (which starts at file offset at); returns bytes used. */
static size_t scan_lines(struct scan *s, const char *buf, size_t n, int64_t at)
{
    size_t pos = 0;
    while (pos < n && !s->done) {
        const char *nl = memchr(buf + pos, '\n', n - pos);
        if (s->in_long) {
            size_t piece = nl ? (size_t)(nl - (buf + pos)) : n - pos;
            s->long_len += piece;
            if (piece > 0) s->long_last = buf[pos + piece - 1];
            if (!nl) return n;
            emit_long(s);
            pos += piece + 1;
            continue;
        }
        if (!nl) break;
        emit(s, buf + pos, (size_t)(nl - (buf + pos)), (size_t)(nl - (buf + pos)),
             at + (int64_t)pos);
        pos = (size_t)(nl - buf) + 1;
    }
    return pos;
}

/* Hands out the lines of buf's n bytes (file offset *kept_at), a line longer than the buffer
 * (n == chunk and no newline) followed as a long line; returns the bytes left (an unfinished
 * line), moved to buf's start, and moves *kept_at with them. */
static size_t take_chunk(struct scan *s, char *buf, size_t n, size_t chunk, int64_t *kept_at)
{
    size_t used = scan_lines(s, buf, n, *kept_at);
    if (!s->in_long && used == 0 && n == chunk) { /* a line longer than the buffer */
        s->in_long = 1;
        s->long_start = *kept_at;
        s->long_len = chunk;
        s->long_last = buf[chunk - 1];
        memcpy(s->long_head, buf, TR_READER_LONG_LINE < chunk ? TR_READER_LONG_LINE : chunk);
        used = chunk;
    }
    memmove(buf, buf + used, n - used);
    *kept_at += (int64_t)used;
    return n - used;
}

/* The file's end: its last line, if it has no newline. */
static void scan_end(struct scan *s, const char *buf, size_t kept, int64_t kept_at)
{
    s->unterminated = s->in_long || kept > 0;
    if (s->in_long)
        emit_long(s);
    else if (kept > 0)
        emit(s, buf, kept, kept, kept_at);
}

/* Reads [begin, ...) until the first line starting at or after end has been seen. */
static int scan_range(MPI_File fh, int64_t size, int64_t begin, size_t chunk, struct scan *s)
{
    char *buf = TR_MALLOC(chunk + 1);
    s->long_head = TR_MALLOC(TR_READER_LONG_LINE);
    size_t kept = 0; /* bytes of an unfinished line carried at the start of buf */
    int64_t at = begin, kept_at = begin;
    int rc = MPI_SUCCESS;
    while (!s->done && at < size) {
        size_t want = chunk - kept, got = 0;
        if ((int64_t)want > size - at) want = (size_t)(size - at);
        rc = read_at(fh, at, buf + kept, want, &got);
        if (rc != MPI_SUCCESS) break;
        if (got < want) { /* the file shrank: what was read of its last line is not a line */
            s->ended_at = at + (int64_t)got;
            break;
        }
        at += (int64_t)got;
        tr_progress_add((double)got);
        kept = take_chunk(s, buf, kept + got, chunk, &kept_at);
    }
    if (rc == MPI_SUCCESS && !s->done && s->ended_at < 0) scan_end(s, buf, kept, kept_at);
    free(s->long_head);
    free(buf);
    return rc;
}

/* Rank 0 says a file changed size while it was read (every rank knows it): its lines cannot all
 * be accounted for, so the read fails rather than give some of them. */
static int report_changed(const struct tr_ctx *ctx, const char *path, int64_t bytes, int64_t now)
{
    if (ctx->rank == 0)
        TR_ERROR(ctx,
                 "%s %s from %lld to %lld bytes while it was read: was it still being written or"
                 " cut short? Rerun once the file is complete",
                 path, now < bytes ? "shrank" : "grew", (long long)bytes, (long long)now);
    return TR_EXIT_INPUT;
}

/* Collective, after every rank has read its range: the file's size must be the one it had at
 * open on every rank (a shrink seen as a short read, a growth as a larger size: a writer still
 * appending, whose last line may have been read half-written). Also agrees on whether the last
 * line lacked its newline. */
static int same_size(const struct tr_ctx *ctx, MPI_File fh, const char *path, int64_t bytes,
                     const struct scan *s, int *unterminated)
{
    int64_t now = s->ended_at;
    int sized = MPI_SUCCESS;
    if (now < 0) {
        /* Unchecked on purpose: a file that cannot be sized any more (gone from a network disk)
         * is reported with its path below, after the collective step. */
        MPI_Offset size = bytes;
        sized = MPI_File_get_size(fh, &size);
        now = sized == MPI_SUCCESS ? (int64_t)size : bytes;
    }
    int64_t v[3] = {-now, now, s->unterminated}; /* max of -now: the least size seen */
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_INT64_T, MPI_MAX, ctx->comm));
    *unterminated = (int)v[2];
    if (sized != MPI_SUCCESS) return report_mpi_error(ctx, sized, "size", path, 0);
    if (-v[0] == bytes && v[1] == bytes) return TR_EXIT_OK;
    return report_changed(ctx, path, bytes, -v[0] < bytes ? -v[0] : v[1]);
}

/* Where this rank's first line starts: begin itself if a line starts there, else after the next
 * newline (which may lie beyond the range: then the rank owns no line). *ended_at: as in
 * struct scan. */
static int first_line_start(MPI_File fh, int64_t data_begin, int64_t begin, int64_t size,
                            int64_t *start, int64_t *ended_at)
{
    *start = begin;
    if (begin == data_begin) return MPI_SUCCESS;
    char buf[65536];
    int64_t at = begin - 1;
    while (at < size) {
        size_t got = 0;
        const size_t want = size - at < (int64_t)sizeof buf ? (size_t)(size - at) : sizeof buf;
        int rc = read_at(fh, at, buf, want, &got);
        if (rc != MPI_SUCCESS) return rc;
        if (got < want) { /* the file shrank: this rank cannot tell where its lines start */
            *ended_at = at + (int64_t)got;
            *start = size;
            return MPI_SUCCESS;
        }
        char *nl = memchr(buf, '\n', got);
        if (nl) {
            *start = at + (nl - buf) + 1;
            return MPI_SUCCESS;
        }
        at += (int64_t)got;
    }
    *start = size;
    return MPI_SUCCESS;
}

/* Collective: each rank's first line number and the file's total, from the lines each owns. */
static void number_from(const struct tr_ctx *ctx, struct tr_read_info *info)
{
    int64_t before = 0;
    MPI_CHECK(MPI_Exscan(&info->local_lines, &before, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    if (ctx->rank == 0) before = 0;
    MPI_CHECK(
        MPI_Allreduce(&info->local_lines, &info->total_lines, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    info->first_line = 2 + before;
}

/* Collective: root's failure (why, "" for none), printed once by rank 0: 0 or TR_EXIT_INPUT on
 * every rank. */
static int root_failure(const struct tr_ctx *ctx, int root, char *why, size_t cap)
{
    MPI_CHECK(MPI_Bcast(why, (int)cap, MPI_CHAR, root, ctx->comm));
    if (!why[0]) return TR_EXIT_OK;
    if (ctx->rank == 0) TR_ERROR(ctx, "%s", why);
    return TR_EXIT_INPUT;
}

/* Collective, once the header is shared: too long, or refused by on_header (nonempty: the file
 * holds a byte). */
static int judge_header(const struct tr_ctx *ctx, const char *path, struct tr_read_info *info,
                        int nonempty, int (*on_header)(void *, const struct tr_read_info *),
                        void *user, int bad)
{
    if (!bad && nonempty && !info->has_header && ctx->rank == 0)
        TR_ERROR(ctx, "%s: the header line is longer than %d bytes", path, TR_HEADER_MAX);
    if (!bad && nonempty && !info->has_header) bad = TR_EXIT_INPUT;
    if (!bad && on_header) bad = on_header(user, info);
    return tr_agree(ctx, bad);
}

/* The stream rank's side of a gzip read: the decompressed bytes not yet handed out. */
struct gz_in {
    gzFile gz;
    const char *path;
    char *buf; /* chunk bytes */
    size_t kept;
    char why[TR_PATH_MAX_MSG]; /* "" or why the read failed */
};

/* zlib's reason for a gzip file's failure, without the path it puts first. */
static const char *zlib_reason(gzFile gz, const char *path, int *err)
{
    const char *msg = gzerror(gz, err);
    const size_t n = strlen(path);
    return strncmp(msg, path, n) == 0 && strncmp(msg + n, ": ", 2) == 0 ? msg + n + 2 : msg;
}

/* zlib's word after a read that gave nothing: the stream's end, or a failure (into why). */
static int gz_failed(struct gz_in *g)
{
    int err = Z_OK;
    const char *msg = zlib_reason(g->gz, g->path, &err);
    if (err == Z_OK) return 0;
    snprintf(g->why, sizeof g->why, "cannot read %s: gzip: %s%s", g->path,
             err == Z_ERRNO ? strerror(errno) : msg,
             err == Z_BUF_ERROR ? " (the file is cut short: truncated, or still being written?)"
                                : " (a corrupt gzip file)");
    return 1;
}

/* Decompresses into buf until it holds want bytes or the stream ends (or fails: why). */
static void gz_fill(struct gz_in *g, size_t want)
{
    while (g->kept < want) {
        const int n = gzread(g->gz, g->buf + g->kept, (unsigned)(want - g->kept));
        if (n <= 0) { /* the end, or a failure */
            gz_failed(g);
            return;
        }
        g->kept += (size_t)n;
    }
}

/* Stream rank: opens the file and takes its header (meta as share_header's; meta[3]: the stream
 * holds a byte); buf keeps the bytes after it. */
static void gz_start(struct gz_in *g, size_t chunk, struct tr_read_info *info, int64_t meta[4])
{
    struct stat st;
    info->bytes = stat(g->path, &st) == 0 ? (int64_t)st.st_size : 0;
    g->gz = gzopen(g->path, "rb");
    if (!g->gz) {
        snprintf(g->why, sizeof g->why, "cannot open %s: %s", g->path, strerror(errno));
        return;
    }
    gzbuffer(g->gz, 1u << 18);
    g->buf = TR_MALLOC(chunk + 1);
    gz_fill(g, TR_HEADER_MAX + 1);
    if (g->kept == 0) return; /* an empty text: no header, as an empty file has none */
    const size_t got = g->kept < TR_HEADER_MAX ? g->kept : TR_HEADER_MAX;
    memcpy(info->header, g->buf, got);
    take_header(info, got, g->kept > got, meta);
    meta[3] = g->kept > 0;
    if (!meta[0]) return;
    g->kept -= (size_t)meta[2];
    memmove(g->buf, g->buf + meta[2], g->kept);
}

/* Collective: a round's end (more: another follows), on_round on every rank. */
static void gz_round(const struct tr_ctx *ctx, int root, const struct tr_line_handler *h, int more)
{
    MPI_CHECK(MPI_Bcast(&more, 1, MPI_INT, root, ctx->comm));
    h->on_round(h->user);
}

/* Stream rank: every line, a round ended after each round_bytes of text. */
static void gz_scan(const struct tr_ctx *ctx, int root, struct gz_in *g, size_t chunk,
                    int64_t data_begin, struct scan *s)
{
    s->long_head = TR_MALLOC(TR_READER_LONG_LINE);
    int64_t kept_at = data_begin;
    z_off_t read_before = gzoffset(g->gz);
    size_t since = 0; /* text bytes since the last round */
    for (int at_end = 0; !at_end && !g->why[0];) {
        const size_t before = g->kept;
        gz_fill(g, chunk);
        at_end = g->kept < chunk;
        if (g->why[0]) break;
        const z_off_t read_now = gzoffset(g->gz);
        tr_progress_add((double)(read_now - read_before));
        read_before = read_now;
        since += g->kept - before;
        g->kept = take_chunk(s, g->buf, g->kept, chunk, &kept_at);
        if (at_end) scan_end(s, g->buf, g->kept, kept_at);
        if (!at_end && s->h->round_bytes > 0 && since >= s->h->round_bytes)
            gz_round(ctx, root, s->h, 1), since = 0;
    }
    free(s->long_head);
}

/* Stream rank: the file's size now against its size at open (a writer still at work). */
static void gz_same_size(struct gz_in *g, int64_t bytes)
{
    struct stat st;
    const int64_t now = stat(g->path, &st) == 0 ? (int64_t)st.st_size : -1;
    if (g->why[0] || now == bytes) return;
    snprintf(g->why, sizeof g->why,
             "%s %s from %lld to %lld bytes while it was read: was it still being written or"
             " cut short? Rerun once the file is complete",
             g->path, now < bytes ? "shrank" : "grew", (long long)bytes, (long long)now);
}

/* The read of a gzip file: decompressed as a stream by one rank, which owns all its lines; the
 * others take part in the header and in every round. */
static int read_gzip(const struct tr_ctx *ctx, const char *path, size_t chunk,
                     int (*on_header)(void *user, const struct tr_read_info *info),
                     const struct tr_line_handler *handler, struct tr_read_info *info)
{
    const int root = (handler->stream_rank % ctx->size + ctx->size) % ctx->size;
    struct gz_in g = {.path = path};
    int64_t meta[4] = {0, 0, 0, 0};
    if (ctx->rank == root) gz_start(&g, chunk, info, meta);
    int bad = root_failure(ctx, root, g.why, sizeof g.why);
    MPI_CHECK(MPI_Bcast(&info->bytes, 1, MPI_INT64_T, root, ctx->comm));
    bcast_header(ctx, root, info, meta);
    bad = judge_header(ctx, path, info, (int)meta[3], on_header, handler->user, bad);
    if (!bad) {
        struct scan s = {.h = handler, .end = INT64_MAX, .ended_at = -1};
        if (ctx->rank == root) {
            gz_scan(ctx, root, &g, chunk, meta[2], &s);
            if (handler->round_bytes > 0) gz_round(ctx, root, handler, 0);
            gz_same_size(&g, info->bytes);
        } else if (handler->round_bytes > 0) {
            int more = 1;
            while (more) {
                MPI_CHECK(MPI_Bcast(&more, 1, MPI_INT, root, ctx->comm));
                handler->on_round(handler->user);
            }
        }
        info->local_lines = s.count;
        info->unterminated = s.unterminated;
        MPI_CHECK(MPI_Bcast(&info->unterminated, 1, MPI_INT, root, ctx->comm));
        bad = root_failure(ctx, root, g.why, sizeof g.why);
    }
    if (g.gz) gzclose(g.gz);
    free(g.buf);
    if (bad) return bad;
    number_from(ctx, info);
    return TR_EXIT_OK;
}
const char *tr_file_kind_name(enum tr_file_kind kind)
{
    static const char *const names[] = {"text", "gzip", "zip", "bzip2", "xz", "zstd"};
    return names[kind];
}

static enum tr_file_kind kind_of(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) return TR_FILE_GZIP;
    if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) return TR_FILE_ZIP;
    if (n >= 3 && memcmp(b, "BZh", 3) == 0) return TR_FILE_BZIP2;
    if (n >= 6 && memcmp(b,
                         "\xFD"
                         "7zXZ\x00",
                         6) == 0)
        return TR_FILE_XZ;
    if (n >= 4 && memcmp(b, "\x28\xB5\x2F\xFD", 4) == 0) return TR_FILE_ZSTD;
    return TR_FILE_TEXT;
}

int tr_file_sniff(const char *path, enum tr_file_kind *kind, char *why, size_t cap)
{
    struct stat st;
    *kind = TR_FILE_TEXT;
    if (stat(path, &st) != 0) {
        snprintf(why, cap, "cannot open %s: %s", path, strerror(errno));
        return TR_EXIT_INPUT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, cap, "%s is not a regular file (%s): telrisk reads files only", path,
                 S_ISDIR(st.st_mode)    ? "a folder"
                 : S_ISFIFO(st.st_mode) ? "a FIFO"
                 : S_ISCHR(st.st_mode)  ? "a character device"
                 : S_ISSOCK(st.st_mode) ? "a socket"
                                        : "a device");
        return TR_EXIT_INPUT;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "cannot open %s: %s", path, strerror(errno));
        return TR_EXIT_INPUT;
    }
    unsigned char magic[6];
    *kind = kind_of(magic, fread(magic, 1, sizeof magic, f));
    fclose(f);
    if (*kind == TR_FILE_TEXT || *kind == TR_FILE_GZIP) return TR_EXIT_OK;
    snprintf(why, cap, "%s is a %s archive, not read: telrisk reads CSV and gzip-compressed CSV",
             path, tr_file_kind_name(*kind));
    return TR_EXIT_INPUT;
}

/* The MPI-IO read of a plain text file, once every rank can open it. */
static int read_plain(const struct tr_ctx *ctx, const char *path, size_t chunk_bytes,
                      int (*on_header)(void *user, const struct tr_read_info *info),
                      const struct tr_line_handler *handler, struct tr_read_info *info)
{
    MPI_File fh;
    /* Unchecked on purpose: a file MPI-IO cannot open is an input error, reported with its path. */
    int rc = MPI_File_open(ctx->comm, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
    if (rc != MPI_SUCCESS) return report_mpi_error(ctx, rc, "open", path, 1);
    MPI_Offset size = 0;
    MPI_CHECK(MPI_File_get_size(fh, &size));
    info->bytes = (int64_t)size;
    rc = MPI_SUCCESS;
    int64_t header_end = -1;
    int64_t data_begin = share_header(ctx, fh, info, &rc, &header_end);
    int bad = rc != MPI_SUCCESS ? report_mpi_error(ctx, rc, "read", path, 1) : 0;
    if (!bad && header_end >= 0) bad = report_changed(ctx, path, info->bytes, header_end);
    bad = judge_header(ctx, path, info, info->bytes > 0, on_header, handler->user, bad);
    if (!bad) {
        int64_t begin, end, start;
        tr_reader_range(data_begin, info->bytes, ctx->rank, ctx->size, &begin, &end);
        struct scan s = {.h = handler, .end = end, .ended_at = -1};
        if (handler->round_bytes > 0) { /* R from the file's size: the same on every rank */
            const int64_t per_rank = (info->bytes - data_begin) / ctx->size;
            s.rounds_left = per_rank / (int64_t)handler->round_bytes + 1;
            s.step = (end - begin + s.rounds_left - 1) / s.rounds_left + 1;
            s.cut = begin + s.step;
        }
        rc = first_line_start(fh, data_begin, begin, info->bytes, &start, &s.ended_at);
        if (rc == MPI_SUCCESS && start < end && s.ended_at < 0)
            rc = scan_range(
                fh, info->bytes, start,
                chunk_bytes < 2 * TR_READER_LONG_LINE ? 2 * TR_READER_LONG_LINE : chunk_bytes, &s);
        for (; s.rounds_left > 0; s.rounds_left--) /* the last round, and any a failure cut */
            handler->on_round(handler->user);
        if (rc != MPI_SUCCESS) bad = report_mpi_error(ctx, rc, "read", path, 0);
        info->local_lines = s.count;
        const int changed = same_size(ctx, fh, path, info->bytes, &s, &info->unterminated);
        bad = tr_agree(ctx, bad ? bad : changed);
    }
    MPI_CHECK(MPI_File_close(&fh));
    if (bad) return bad;
    number_from(ctx, info);
    return TR_EXIT_OK;
}

int tr_read_file(const struct tr_ctx *ctx, const char *path, size_t chunk_bytes,
                 int (*on_header)(void *user, const struct tr_read_info *info),
                 const struct tr_line_handler *handler, struct tr_read_info *info)
{
    memset(info, 0, sizeof *info);
    /* Each rank first checks it can read the file (inputs on node-local disks, relative paths
     * from different folders): a collective open that fails on some ranks only would hang. What
     * is not a regular file is refused before anything opens it. */
    char why[TR_PATH_MAX_MSG];
    enum tr_file_kind kind = TR_FILE_TEXT;
    const int bad = tr_file_sniff(path, &kind, why, sizeof why);
    if (tr_fail_agree(ctx, bad, bad ? why : NULL)) return TR_EXIT_INPUT;
    int k = (int)kind; /* rank 0's word: every rank reads the file the same way */
    MPI_CHECK(MPI_Bcast(&k, 1, MPI_INT, 0, ctx->comm));
    const size_t chunk =
        chunk_bytes < 2 * TR_READER_LONG_LINE ? 2 * TR_READER_LONG_LINE : chunk_bytes;
    if (k == TR_FILE_GZIP) return read_gzip(ctx, path, chunk, on_header, handler, info);
    return read_plain(ctx, path, chunk, on_header, handler, info);
}

struct tr_text_in {
    gzFile gz; /* reads a plain file as it is */
    char *path;
    char buf[1 << 16];
    size_t pos, n;
    int eof;
};

struct tr_text_in *tr_text_open(const char *path, char *why, size_t cap)
{
    enum tr_file_kind kind;
    if (tr_file_sniff(path, &kind, why, cap)) return NULL;
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        snprintf(why, cap, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct tr_text_in *t = TR_CALLOC(1, sizeof *t);
    t->gz = gz;
    t->path = TR_STRDUP(path);
    return t;
}

/* Appends n bytes to the line being gathered. */
static void line_put(char **line, size_t *cap, size_t len, const char *from, size_t n)
{
    if (len + n + 1 > *cap) {
        *cap = 2 * (len + n + 1);
        *line = TR_REALLOC(*line, *cap);
    }
    memcpy(*line + len, from, n);
}

long tr_text_line(struct tr_text_in *t, char **line, size_t *cap)
{
    size_t len = 0;
    int any = 0, ended = 0;
    while (!ended) {
        if (t->pos == t->n) {
            const int got = t->eof ? 0 : gzread(t->gz, t->buf, sizeof t->buf);
            if (got < 0) return -2;
            if (got == 0) t->eof = 1;
            if (got == 0) break;
            t->pos = 0, t->n = (size_t)got;
        }
        const char *from = t->buf + t->pos, *nl = memchr(from, '\n', t->n - t->pos);
        const size_t take = nl ? (size_t)(nl - from) : t->n - t->pos;
        line_put(line, cap, len, from, take);
        len += take, any = 1, ended = nl != NULL;
        t->pos += take + (nl != NULL);
    }
    if (!any) return -1;
    len = strip_cr(*line, len);
    (*line)[len] = 0;
    return (long)len;
}

int tr_text_close(struct tr_text_in *t, char *why, size_t cap)
{
    int err = Z_OK;
    const char *msg = zlib_reason(t->gz, t->path, &err);
    int rc = TR_EXIT_OK;
    if (err != Z_OK) {
        snprintf(why, cap, "cannot read %s: gzip: %s", t->path, msg);
        rc = TR_EXIT_INPUT;
    }
    gzclose(t->gz);
    free(t->path);
    free(t);
    return rc;
}
