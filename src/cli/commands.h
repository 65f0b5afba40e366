/* One function per command; each runs collectively on ctx->comm and returns an exit code. */
#ifndef TELRISK_CLI_COMMANDS_H
#define TELRISK_CLI_COMMANDS_H

#include "cli/cli.h"

#include <stdint.h>
#include <stdio.h>

struct tr_config;

int tr_cmd_generate(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_config(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_run(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_inspect(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_indicators(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_train(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_score(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_irb(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_stress(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_ecl(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_merge(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_convert(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_lookup(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_explain(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_verify(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_report(const struct tr_ctx *ctx, const struct tr_cli_args *args);
int tr_cmd_walk(const struct tr_ctx *ctx, const struct tr_cli_args *args);

/* Rank 0 alone (on a context of its own, whatever ctx's communicator): the PD walk from run file `before` to `after`
 * (present/walk.h), printed to out when it is not NULL and written as CSVs into csv_dir when
 * that is not NULL. Both files' seals are the caller's to check. Returns an exit code, the
 * reason said. */
int tr_walk_files(const struct tr_ctx *ctx, const char *before, const char *after, int64_t k_min,
                  FILE *out, const char *csv_dir);

/* Loads defaults, the --config file and the --set overrides, then validates. Prints the error
 * (rank 0) and returns TR_EXIT_USAGE on any problem; every rank reads the same inputs so every
 * rank reaches the same answer. */
int tr_load_config(const struct tr_ctx *ctx, const struct tr_cli_args *args, struct tr_config *cfg);

/* The same over a base configuration's INI text (a stored run's root config) instead of the
 * defaults alone: defaults, then base, then --config, then --set. */
int tr_load_config_over(const struct tr_ctx *ctx, const struct tr_cli_args *args, const char *base,
                        struct tr_config *cfg);

/* Collective: TR_EXIT_INPUT, said once, when the file a command would write (path) exists and
 * --force was not given: no command writes over a file unasked. 0 otherwise (a folder is left to
 * the writer, which says so). */
int tr_refuse_overwrite(const struct tr_ctx *ctx, const struct tr_cli_args *args, const char *path);

#endif
