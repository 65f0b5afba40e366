/* Region names as HDF5 link names (output/region_codes.h). */
#include "output/region_codes.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define DOT_LINK "%2E"

char *tr_region_link_name(const char *name)
{
    if (!name[0]) return NULL;
    if (strcmp(name, ".") == 0) return TR_STRDUP(DOT_LINK);
    char *link = TR_MALLOC(3 * strlen(name) + 1), *at = link; /* every byte at most 3 */
    for (const char *p = name; *p; p++) {
        const char *escaped = *p == '%' ? "%25" : *p == '/' ? "%2F" : NULL;
        if (escaped)
            memcpy(at, escaped, 3), at += 3;
        else
            *at++ = *p;
    }
    *at = '\0';
    return link;
}

char *tr_region_link_unescape(const char *link)
{
    if (!link[0] || strcmp(link, ".") == 0) return NULL; /* no name escapes to these */
    if (strcmp(link, DOT_LINK) == 0) return TR_STRDUP(".");
    char *name = TR_MALLOC(strlen(link) + 1), *at = name; /* never longer than its link */
    const char *p = link;
    while (*p && *p != '/') {
        if (*p != '%')
            *at++ = *p++;
        else if (strncmp(p, "%25", 3) == 0 || strncmp(p, "%2F", 3) == 0)
            *at++ = p[2] == '5' ? '%' : '/', p += 3;
        else
            break; /* "%2E" or any other: not a link tr_region_link_name makes */
    }
    *at = '\0';
    if (!*p) return name;
    free(name);
    return NULL;
}
