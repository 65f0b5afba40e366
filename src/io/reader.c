#include "io/reader.h"

#include "core/progress.h"

#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define TR_PATH_MAX_MSG 1200
#include <string.h>

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
        if (*rc == MPI_SUCCESS) {
            char *nl = memchr(info->header, '\n', got);
            size_t len = nl ? (size_t)(nl - info->header) : got;
            if (!nl && (int64_t)got < info->bytes) len = TR_HEADER_MAX; /* too long */
            size_t skip = len >= 3 && memcmp(info->header, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
            meta[0] = len < TR_HEADER_MAX;
            meta[2] = nl ? (int64_t)(nl - info->header) + 1 : (int64_t)got;
            if (meta[0]) {
                len = strip_cr(info->header, len);
                memmove(info->header, info->header + skip, len - skip);
                meta[1] = (int64_t)(len - skip);
            }
        }
    }
    int status = *rc;
    MPI_CHECK(MPI_Bcast(&status, 1, MPI_INT, 0, ctx->comm));
    *rc = status;
    MPI_CHECK(MPI_Bcast(meta, 4, MPI_INT64_T, 0, ctx->comm));
    *ended_at = meta[3];
    info->has_header = (int)meta[0];
    info->header_len = (size_t)meta[1];
    MPI_CHECK(MPI_Bcast(info->header, (int)info->header_len, MPI_CHAR, 0, ctx->comm));
    info->header[info->header_len] = 0;
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
        size_t used = scan_lines(s, buf, kept + got, kept_at);
        if (!s->in_long && used == 0 && kept + got == chunk) { /* a line longer than the buffer */
            s->in_long = 1;
            s->long_start = kept_at;
            s->long_len = chunk;
            s->long_last = buf[chunk - 1];
            memcpy(s->long_head, buf, TR_READER_LONG_LINE < chunk ? TR_READER_LONG_LINE : chunk);
            used = chunk;
        }
        kept = kept + got - used;
        memmove(buf, buf + used, kept);
        kept_at += (int64_t)used;
    }
    if (rc == MPI_SUCCESS && !s->done && s->ended_at < 0) { /* the last line has no newline */
        s->unterminated = s->in_long || kept > 0;
        if (s->in_long)
            emit_long(s);
        else if (kept > 0)
            emit(s, buf, kept, kept, kept_at);
    }
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

int tr_read_file(const struct tr_ctx *ctx, const char *path, size_t chunk_bytes,
                 int (*on_header)(void *user, const struct tr_read_info *info),
                 const struct tr_line_handler *handler, struct tr_read_info *info)
{
    memset(info, 0, sizeof *info);
    /* Each rank first checks it can read the file (inputs on node-local disks, relative paths
     * from different folders): a collective open that fails on some ranks only would hang. */
    char why[TR_PATH_MAX_MSG];
    FILE *probe = fopen(path, "rb");
    int missing = probe == NULL;
    if (missing)
        snprintf(why, sizeof why, "cannot open %s: %s", path, strerror(errno));
    else
        fclose(probe);
    if (tr_fail_agree(ctx, missing ? TR_EXIT_INPUT : TR_EXIT_OK, missing ? why : NULL))
        return TR_EXIT_INPUT;
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
    if (!bad && info->bytes > 0 && !info->has_header && ctx->rank == 0)
        TR_ERROR(ctx, "%s: the header line is longer than %d bytes", path, TR_HEADER_MAX);
    if (!bad && info->bytes > 0 && !info->has_header) bad = TR_EXIT_INPUT;
    if (!bad && on_header) bad = on_header(handler->user, info);
    bad = tr_agree(ctx, bad);
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
    int64_t before = 0;
    MPI_CHECK(MPI_Exscan(&info->local_lines, &before, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    if (ctx->rank == 0) before = 0;
    MPI_CHECK(
        MPI_Allreduce(&info->local_lines, &info->total_lines, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
    info->first_line = 2 + before;
    return TR_EXIT_OK;
}
