/* /provenance/history: one row per command that wrote the file (run, train, score, stress,
 * merge, ecl), oldest first, each with its command line, the configuration it applied, telrisk's
 * version, the time, and the files it read with their root checksums (docs/output.md). The command
 * being run says what it is and reads once (the CLI and tr_seal_check_input tell this module), and
 * every writer of a finished file appends the row just before sealing it: so no writer's signature
 * carries it, and no file is published without its row. Per process: only rank 0's is written. */
#ifndef TELRISK_OUTPUT_HISTORY_H
#define TELRISK_OUTPUT_HISTORY_H

#include <stddef.h>
#include <stdio.h>

/* The command being run: its command line (argv[0] is said as "telrisk"). Forgets the config and
 * inputs of any command before. */
void tr_history_begin(int argc, char *const *argv);

/* The configuration the command applies, as INI text ("" or never said: it applies none). */
void tr_history_config(const char *config_text);

/* A file the command read: role ("run file", "champion", "stress part"), its absolute path and
 * root checksum (as stored; "unsealed" when it has none). Rank 0 reads the file. */
void tr_history_input(const char *role, const char *path);

/* Rank 0, on a closed file about to be sealed: /provenance/history (created with /provenance when
 * absent) with this command's row appended. 0, or 1 with err saying why. */
int tr_history_append(const char *path, char *err, size_t errlen);

/* What `telrisk verify` checks besides the seal: every row well formed (a known command, a
 * version, a UTC time, its config_checksum that of its config, each input's checksum a
 * checksum), the first row the command that made the file (run; stress for a part file), and
 * the last row's file_config_checksum that of the root's config as it is. Each problem is named
 * on out. 0 fine, 1 problems; *rows the number of rows (0: no history, said on out, not a
 * problem: a file written before telrisk kept one). */
int tr_history_verify(const char *path, FILE *out, int *rows);

#endif
