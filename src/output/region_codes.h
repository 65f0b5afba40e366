/* Region codes in the run file (docs/output.md, "Conventions"): every `region` column and
 * attribute holds a row of /regions/names, or one of these two sentinels, with one meaning in
 * every table so that readers can join tables on region without a per-table rule. */
#ifndef TELRISK_OUTPUT_REGION_CODES_H
#define TELRISK_OUTPUT_REGION_CODES_H

#define TR_REGION_UNKNOWN (-1) /* a subscriber (or loan) whose home region is not known */
#define TR_REGION_ALL     (-2) /* a row about every region together: a total */

/* What the file's region_name columns say for the sentinels. */
#define TR_REGION_UNKNOWN_NAME "(unknown)"
#define TR_REGION_ALL_NAME     "(all)"

#endif
