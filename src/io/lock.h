/* One run per output: `telrisk run` holds PATH.lock for its whole life, so two runs given the same
 * output.path (a requeued Slurm job and its predecessor, overlapping daily runs) never mix their
 * checkpoints or publish one file made of both. The claim is a POSIX record lock (fcntl) on that
 * file, which the kernel (or the cluster file system's lock manager) drops when the holding
 * process ends however it ends, so a lock left by a killed run is free at once; the file's text
 * says who holds it (host, pid, Slurm job, start time), for the message a second run prints. */
#ifndef TELRISK_IO_LOCK_H
#define TELRISK_IO_LOCK_H

#include <stddef.h>

struct tr_lock {
    int fd;     /* -1: not held */
    char *path; /* PATH.lock */
};

enum tr_lock_result {
    TR_LOCK_TAKEN = 0, /* ours now (*stale set when a dead run's lock file was there) */
    TR_LOCK_HELD = 1,  /* another live run holds it: err says which */
    TR_LOCK_ERROR = 2, /* the lock file cannot be made or locked: err says why */
};

/* The lock of output path `path`. Not collective: one process takes it for a run. */
enum tr_lock_result tr_lock_take(const char *path, struct tr_lock *lock, int *stale, char *err,
                                 size_t errlen);
/* Gives it back: the file removed, the lock dropped. */
void tr_lock_release(struct tr_lock *lock);

#endif
