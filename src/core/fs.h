#ifndef TELRISK_CORE_FS_H
#define TELRISK_CORE_FS_H

#include <stddef.h>

/* mkdir -p: every missing folder of path. 0, or -1 with errno set. */
int tr_mkdir_p(const char *path);
/* mkdir -p of the folder that holds file (nothing to do for a bare file name). */
int tr_mkdir_parent(const char *file);
/* Whether path names a folder: an existing one, or a name ending in '/' (a run file path must
 * name a file: HDF5's create on a folder fails late, with a library trace, after hours of work). */
int tr_path_is_folder(const char *path);
/* A byte copy of the file from into to (created or truncated). 0, or 1 with err saying why. */
int tr_copy_file(const char *from, const char *to, char *err, size_t errlen);

#endif
