/* What the read of the inputs found, file by file and line by line: the accounting every run
 * file's /provenance/inputs and /rejects hold (lines = accepted + rejected in every file). */
#ifndef TELRISK_RECORDS_ACCOUNTS_H
#define TELRISK_RECORDS_ACCOUNTS_H

#include <stdint.h>

#define TR_REJECT_REASON_MAX 24
#define TR_EXCERPT_MAX       64
#define TR_TABLE_NAME_MAX    16

/* One input file's accounting. Same on every rank. */
struct tr_input_stat {
    char table[TR_TABLE_NAME_MAX];
    char path[1024];
    int64_t bytes;
    int64_t lines;    /* data lines, header excluded */
    int64_t accepted; /* lines = accepted + rejected */
    int64_t rejected;
    int64_t duplicates;      /* accepted records that repeat an earlier one exactly */
    int64_t unknown_antenna; /* accepted records naming an antenna absent from the antennas table */
};

/* One rejected line. Its excerpt has no id (tr_mask_excerpt). */
struct tr_reject {
    char table[TR_TABLE_NAME_MAX];
    int32_t file; /* index into the inputs */
    int64_t line; /* 1-based, header = 1 */
    char reason[TR_REJECT_REASON_MAX];
    char excerpt[TR_EXCERPT_MAX];
};

#endif
