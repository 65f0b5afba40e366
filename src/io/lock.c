#define _DEFAULT_SOURCE /* gethostname */
#include "io/lock.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HOLDER_BYTES 512

/* Who we are, as the lock file records it: "host=H pid=P job=J started=T". */
static void holder_text(char *out, size_t cap)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "unknown");
    const char *job = getenv("SLURM_JOB_ID");
    snprintf(out, cap, "host=%s pid=%ld job=%s started=%lld\n", host, (long)getpid(),
             job && job[0] ? job : "-", (long long)time(NULL));
}

/* The whole file write-locked without waiting: 0, or the errno (EAGAIN/EACCES: held). */
static int lock_whole(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    return fcntl(fd, F_SETLK, &fl) == 0 ? 0 : errno;
}

/* The holder's text (its first line), or "" when the file is empty. */
static void read_holder(int fd, char *text, size_t cap)
{
    const ssize_t n = pread(fd, text, cap - 1, 0);
    text[n > 0 ? n : 0] = 0;
    text[strcspn(text, "\n")] = 0;
}

/* Whether fd is still the file at path (a releasing run may have removed it in between). */
static int still_there(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* Ours: the holder text written over whatever a dead run left. 0, or the errno. */
static int write_holder(int fd)
{
    char text[HOLDER_BYTES];
    holder_text(text, sizeof text);
    const size_t n = strlen(text);
    if (ftruncate(fd, 0) != 0) return errno;
    return pwrite(fd, text, n, 0) == (ssize_t)n ? 0 : (errno ? errno : EIO);
}

/* One try: TAKEN, HELD, ERROR, or -1 to try again (the file went away under us). */
static int try_take(struct tr_lock *lock, int *stale, char *err, size_t errlen, const char *path)
{
    const int fd = open(lock->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create the lock %s: %s", lock->path, strerror(errno));
        return TR_LOCK_ERROR;
    }
    char holder[HOLDER_BYTES];
    const int e = lock_whole(fd);
    read_holder(fd, holder, sizeof holder);
    if (e == EAGAIN || e == EACCES) {
        snprintf(err, errlen,
                 "output.path %s is in use by another run (%s holds %s); wait for it to end", path,
                 holder[0] ? holder : "a run starting", lock->path);
        close(fd);
        return TR_LOCK_HELD;
    }
    if (e || !still_there(fd, lock->path)) {
        close(fd);
        if (!e) return -1;
        snprintf(err, errlen, "cannot lock %s: %s", lock->path, strerror(e));
        return TR_LOCK_ERROR;
    }
    *stale = holder[0] != 0; /* a run that ended without giving it back */
    const int w = write_holder(fd);
    if (w) {
        snprintf(err, errlen, "cannot write the lock %s: %s", lock->path, strerror(w));
        close(fd);
        return TR_LOCK_ERROR;
    }
    lock->fd = fd;
    return TR_LOCK_TAKEN;
}

enum tr_lock_result tr_lock_take(const char *path, struct tr_lock *lock, int *stale, char *err,
                                 size_t errlen)
{
    *stale = 0;
    lock->fd = -1;
    lock->path = TR_MALLOC(strlen(path) + 8);
    sprintf(lock->path, "%s.lock", path);
    int rc = -1;
    for (int attempt = 0; rc < 0 && attempt < 5; attempt++)
        rc = try_take(lock, stale, err, errlen, path);
    if (rc < 0) {
        snprintf(err, errlen, "cannot hold the lock %s: it keeps being removed", lock->path);
        rc = TR_LOCK_ERROR;
    }
    if (rc != TR_LOCK_TAKEN) free(lock->path), lock->path = NULL;
    return (enum tr_lock_result)rc;
}

void tr_lock_release(struct tr_lock *lock)
{
    if (lock->fd >= 0) {
        unlink(lock->path); /* while still held: a run waiting on it sees a new file */
        close(lock->fd);
    }
    free(lock->path);
    lock->fd = -1, lock->path = NULL;
}
