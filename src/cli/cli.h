/* Command line: commands and options are declared once in tables (cli.c) that also generate
 * --help. Parsing fills a tr_cli_args; checking what a command needs is done in
 * tr_cli_validate, apart from parsing. */
#ifndef TELRISK_CLI_CLI_H
#define TELRISK_CLI_CLI_H

#include <stdio.h>

#define TR_CLI_MAX_SETS       64
#define TR_CLI_MAX_POSITIONAL 64

struct tr_ctx;

struct tr_cli_args {
    const struct tr_command *command;
    const char *config_path;
    const char *out_dir;
    const char *sets[TR_CLI_MAX_SETS]; /* "section.key=value", in command-line order */
    int n_sets;
    const char *antennas_path;  /* indicators: --antennas */
    const char *recharges_path; /* indicators: --recharges */
    const char *groupby;        /* indicators: week (default) or none */
    const char *summary;        /* indicators: default or extended */
    int split_week;
    int split_day;
    const char *model_path;                      /* score: --model */
    const char *compare_path;                    /* score: --compare */
    const char *previous[TR_CLI_MAX_POSITIONAL]; /* report: --previous, in order */
    int n_previous;
    const char *pd, *lgd, *exposure_class, *maturity; /* irb */
    const char *run_path;                             /* stress: --run */
    const char *scenarios_path;                       /* stress: --scenarios */
    const char *scenario;                             /* stress: --scenario */
    int resume;                                       /* run: --resume */
    int check;                                        /* run: --check */
    const char *key_file;                             /* lookup, explain: --key-file */
    const char *key, *id;                             /* explain: --key, --id */
    int no_verify; /* --no-verify: read run files without checking their seal first */
    int force;     /* --force: write over an existing output file */
    const char *positional[TR_CLI_MAX_POSITIONAL]; /* arguments that are not options, in order */
    int n_positional;
    int quiet;
    int verbose;
    int help;
};

struct tr_command {
    const char *name;
    const char *usage;                  /* arguments after the command name */
    const char *summary;                /* one line for the command list */
    unsigned options;                   /* bit mask of accepted options (enum in cli.c) */
    unsigned required;                  /* of those, the ones it cannot run without */
    int min_positional, max_positional; /* how many plain arguments it takes */
    int (*run)(const struct tr_ctx *ctx, const struct tr_cli_args *args);
};

/* Parses argv (argv[0] is the program). Returns 0, or 1 with a message in err. */
int tr_cli_parse(int argc, char **argv, struct tr_cli_args *args, char *err, size_t errlen);

/* Checks that the command has what it needs. Returns 0, or 1 with a message in err. */
int tr_cli_validate(const struct tr_cli_args *args, char *err, size_t errlen);

/* Help generated from the tables: the command list, or one command's options. */
void tr_cli_print_help(FILE *out, const struct tr_command *command);

#endif
