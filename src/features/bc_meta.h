/* Units and one-line descriptions of bandicoot's flattened keys, for the run file's feature
 * attributes: built from the indicator's name and the key's filter and summary parts. */
#ifndef TELRISK_FEATURES_BC_META_H
#define TELRISK_FEATURES_BC_META_H

#include "features/registry.h"

#include <stddef.h>

/* info[k] for keys[k]; the strings live for the process. */
void tr_bc_feature_info(const char *const *keys, size_t n, struct tr_feature_info *info);

#endif
