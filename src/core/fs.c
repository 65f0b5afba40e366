#include "core/fs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int tr_mkdir_p(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != 0) continue;
        char c = *p;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        if (c == 0) return 0;
        *p = c;
    }
}

int tr_path_is_folder(const char *path)
{
    struct stat st;
    const size_t n = strlen(path);
    return (n > 0 && path[n - 1] == '/') || (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

int tr_mkdir_parent(const char *file)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", file);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return 0;
    *slash = 0;
    return tr_mkdir_p(buf);
}

int tr_copy_file(const char *from, const char *to, char *err, size_t errlen)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    if (!in || !out) {
        snprintf(err, errlen, "cannot copy %s to %s: %s", from, to, strerror(errno));
        if (in) fclose(in);
        return 1;
    }
    char buf[1 << 16];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) rc = 1;
    rc |= ferror(in) != 0;
    rc |= fclose(out) != 0;
    fclose(in);
    if (rc) snprintf(err, errlen, "cannot copy %s to %s: %s", from, to, strerror(errno));
    return rc;
}
