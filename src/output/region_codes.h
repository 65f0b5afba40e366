/* Region codes in the run file (docs/output.md, "Conventions"): every `region` column and
 * attribute holds a row of /regions/names, or one of these two sentinels, with one meaning in
 * every table so that readers can join tables on region without a per-table rule. A region's
 * own group (/models/regions/<name>) is named by its name, escaped into a link name. */
#ifndef TELRISK_OUTPUT_REGION_CODES_H
#define TELRISK_OUTPUT_REGION_CODES_H

#define TR_REGION_UNKNOWN (-1) /* a subscriber (or loan) whose home region is not known */
#define TR_REGION_ALL     (-2) /* a row about every region together: a total */

/* What the file's region_name columns say for the sentinels. */
#define TR_REGION_UNKNOWN_NAME "(unknown)"
#define TR_REGION_ALL_NAME     "(all)"

/* The group of every region's model, under /models. */
#define TR_REGION_GROUPS "regions"

/* A region's name as the name of its group's link (a new string: free it), or NULL for the empty
 * name, which no region has (ingest refuses an antenna without a region; train and score refuse
 * a /regions/names holding one) and no link can carry. HDF5 splits a path at '/' and reads a
 * component "." as the group itself, so '/' becomes "%2F" and the name "." becomes "%2E"; '%'
 * becomes "%25", so that a name already holding "%2F" keeps a link of its own. Every other byte
 * stays as it is: a plain name is its own link. */
char *tr_region_link_name(const char *name);

/* The inverse: the name a link stands for (a new string), or NULL when no name escapes to
 * exactly this link (empty, a '/', a '%' not starting "%25" or "%2F", or "%2E" within a longer
 * link), so that a name and its link go one to one. */
char *tr_region_link_unescape(const char *link);

#endif
