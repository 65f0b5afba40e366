#ifndef TELRISK_CORE_FS_H
#define TELRISK_CORE_FS_H

/* mkdir -p: every missing folder of path. 0, or -1 with errno set. */
int tr_mkdir_p(const char *path);
/* mkdir -p of the folder that holds file (nothing to do for a bare file name). */
int tr_mkdir_parent(const char *file);

#endif
