#include "cli/cli.h"

#include "cli/commands.h"

#include <string.h>

enum option_bit {
    OPT_CONFIG = 1u << 0,
    OPT_OUT = 1u << 1,
    OPT_SET = 1u << 2,
    OPT_QUIET = 1u << 3,
    OPT_VERBOSE = 1u << 4,
    OPT_HELP = 1u << 5,
    OPT_ANTENNAS = 1u << 6,
    OPT_RECHARGES = 1u << 7,
    OPT_GROUPBY = 1u << 8,
    OPT_SUMMARY = 1u << 9,
    OPT_SPLIT_WEEK = 1u << 10,
    OPT_SPLIT_DAY = 1u << 11,
    OPT_MODEL = 1u << 12,
    OPT_PD = 1u << 13,
    OPT_LGD = 1u << 14,
    OPT_CLASS = 1u << 15,
    OPT_MATURITY = 1u << 16,
    OPT_RUN = 1u << 17,
    OPT_SCENARIOS = 1u << 18,
    OPT_SCENARIO = 1u << 19,
    OPT_RESUME = 1u << 20,
    OPT_CHECK = 1u << 21,
    OPT_KEY_FILE = 1u << 22,
    OPT_NO_VERIFY = 1u << 23,
    OPT_KEY = 1u << 24,
    OPT_ID = 1u << 25,
    OPT_FORCE = 1u << 26,
    OPT_COMPARE = 1u << 27,
    OPT_PREVIOUS = 1u << 28,
};
#define OPT_COMMON (OPT_SET | OPT_QUIET | OPT_VERBOSE | OPT_HELP)

struct option_spec {
    enum option_bit bit;
    const char *name;
    const char *metavar; /* NULL: a flag without a value */
    const char *help;
};

static const struct option_spec options[] = {
    {OPT_CONFIG, "--config", "FILE", "INI configuration; keys it leaves out keep their defaults"},
    {OPT_OUT, "--out", "PATH",
     "generate: folder to write into (created if missing); train, score, merge: the run file to "
     "write (default: RUN.h5 itself); stress: a part file for telrisk merge (default: into "
     "RUN.h5); convert: the columnar inputs file"},
    {OPT_RUN, "--run", "RUN.h5",
     "the run file (stress: whose loan book is stressed; ecl: whose ledger is staged; lookup: "
     "whose keys and seed are used)"},
    {OPT_SCENARIOS, "--scenarios", "FILE",
     "stress scenarios (inputs/scenarios/*.ini; default: stress.scenarios)"},
    {OPT_SCENARIO, "--scenario", "NAME", "only this scenario of the file"},
    {OPT_RESUME, "--resume", NULL,
     "go on from the last stage a killed run of the same config saved (output.path.ckpt-*.h5); "
     "without one, start from the inputs"},
    {OPT_CHECK, "--check", NULL,
     "check the config, key file, every input's header and first 1,000 lines, the scenarios and "
     "the output path in seconds, and stop (nothing written)"},
    {OPT_KEY_FILE, "--key-file", "K",
     "the secret key file (32 hex digits, mode 600) the run was made with: privacy.key_file"},
    {OPT_KEY, "--key", "K", "explain: the subscriber's key, as /subscribers/key holds it"},
    {OPT_ID, "--id", "MSISDN", "explain: the subscriber's id, keyed with --key-file"},
    {OPT_NO_VERIFY, "--no-verify", NULL,
     "read the run files given without checking their checksums first (forensics on a damaged "
     "file; a warning, and a file written records its unverified inputs)"},
    {OPT_FORCE, "--force", NULL,
     "write over the output file when it exists (without it: exit 2, nothing written)"},
    {OPT_MODEL, "--model", "TRAINED.h5", "a run file whose /models score this run (the champion)"},
    {OPT_COMPARE, "--compare", "PREVIOUS.h5",
     "a previous run file: score: its subscribers' grades against this run's (the grade "
     "migration matrix, /monitoring/migration); ecl: its loans' IFRS 9 stages against this "
     "run's (/ifrs9/transfers)"},
    {OPT_PREVIOUS, "--previous", "PREV.h5",
     "report: an earlier run file, or a folder of them (repeatable, oldest first): the trends "
     "over months, and the PD walk from the last one"},
    {OPT_PD, "--pd", "P", "probability of default, 0 < P < 1"},
    {OPT_LGD, "--lgd", "L", "loss given default, 0 < L <= 1"},
    {OPT_CLASS, "--class", "C", "exposure class: other_retail, qrre, mortgage or corporate"},
    {OPT_MATURITY, "--maturity", "M", "effective maturity in years (corporate; default 2.5)"},
    {OPT_SET, "--set", "SECTION.KEY=VALUE", "override one config key (repeatable)"},
    {OPT_QUIET, "--quiet", NULL, "only warnings and errors"},
    {OPT_VERBOSE, "--verbose", NULL, "debug messages too"},
    {OPT_HELP, "--help", NULL, "this help"},
    {OPT_ANTENNAS, "--antennas", "FILE", "antenna positions: antenna_id,latitude,longitude"},
    {OPT_RECHARGES, "--recharges", "FILE", "the user's top-ups: datetime,amount,retailer_id"},
    {OPT_GROUPBY, "--groupby", "week|none",
     "per ISO week then mean and std across weeks (default), or the whole period"},
    {OPT_SUMMARY, "--summary", "default|extended",
     "distribution summaries: mean and std, or also median, min, max, skewness, kurtosis"},
    {OPT_SPLIT_WEEK, "--split-week", NULL, "also weekday and weekend"},
    {OPT_SPLIT_DAY, "--split-day", NULL, "also day and night"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static const struct tr_command commands[] = {
    {"generate", "--config FILE --out DIR",
     "synthetic nationwide data with planted, known truth (tables + DIR/truth/)",
     OPT_CONFIG | OPT_OUT | OPT_COMMON, OPT_CONFIG | OPT_OUT, 0, 0, tr_cmd_generate},
    {"run", "--config FILE [--resume] [--check] [--force]",
     "the whole pipeline into one HDF5 run file (output.path)",
     OPT_CONFIG | OPT_RESUME | OPT_CHECK | OPT_FORCE | OPT_COMMON, OPT_CONFIG, 0, 0, tr_cmd_run},
    {"inspect", "RUN.h5 [--no-verify]", "per-region summary of a run file, for people",
     OPT_NO_VERIFY | OPT_COMMON, 0, 1, 1, tr_cmd_inspect},
    {"indicators",
     "USER.csv --antennas A.csv [--recharges R.csv] [--groupby week|none] "
     "[--summary default|extended] [--split-week] [--split-day]",
     "one user's bandicoot indicators as JSON, with bandicoot's flattened keys",
     OPT_ANTENNAS | OPT_RECHARGES | OPT_GROUPBY | OPT_SUMMARY | OPT_SPLIT_WEEK | OPT_SPLIT_DAY |
         OPT_COMMON,
     OPT_ANTENNAS, 1, 1, tr_cmd_indicators},
    {"train", "RUN.h5 [--config FILE] [--out NEW.h5] [--force] [--no-verify]",
     "learn the credit models again from a run file's stored features (no CSV read)",
     OPT_CONFIG | OPT_OUT | OPT_FORCE | OPT_NO_VERIFY | OPT_COMMON, 0, 1, 1, tr_cmd_train},
    {"score",
     "RUN.h5 --model TRAINED.h5 [--compare PREVIOUS.h5] [--out NEW.h5] [--force] [--no-verify]",
     "score a run's subscribers with stored models; PSI drift and champion/challenger",
     OPT_MODEL | OPT_COMPARE | OPT_OUT | OPT_FORCE | OPT_NO_VERIFY | OPT_COMMON, OPT_MODEL, 1, 1,
     tr_cmd_score},
    {"irb", "--pd P --lgd L --class C [--maturity M] [--set stress.scaling=1.06]",
     "Basel IRB calculator: asset correlation, capital K and risk weight of one exposure",
     OPT_PD | OPT_LGD | OPT_CLASS | OPT_MATURITY | OPT_CONFIG | OPT_COMMON,
     OPT_PD | OPT_LGD | OPT_CLASS, 0, 0, tr_cmd_irb},
    {"stress",
     "--run RUN.h5 [--scenarios FILE] [--scenario NAME] [--out PART.h5] [--config FILE] "
     "[--force] [--no-verify]",
     "stress a run's loan book again: IRB capital, stressed PDs, Monte Carlo loss per scenario",
     OPT_RUN | OPT_SCENARIOS | OPT_SCENARIO | OPT_OUT | OPT_CONFIG | OPT_FORCE | OPT_NO_VERIFY |
         OPT_COMMON,
     OPT_RUN, 0, 0, tr_cmd_stress},
    {"ecl",
     "--run RUN.h5 [--scenarios FILE] [--compare PREVIOUS.h5] [--out NEW.h5] [--config FILE] "
     "[--force] [--no-verify]",
     "IFRS 9 again from a stored run: stages, PD term structures, expected credit loss",
     OPT_RUN | OPT_SCENARIOS | OPT_COMPARE | OPT_OUT | OPT_CONFIG | OPT_FORCE | OPT_NO_VERIFY |
         OPT_COMMON,
     OPT_RUN, 0, 0, tr_cmd_ecl},
    {"merge", "RUN.h5 PART.h5... [--out NEW.h5] [--force] [--no-verify]",
     "gather per-scenario stress part files into the run file they came from",
     OPT_OUT | OPT_FORCE | OPT_NO_VERIFY | OPT_COMMON, 0, 2, TR_CLI_MAX_POSITIONAL, tr_cmd_merge},
    {"convert", "--config FILE --out INPUTS.h5 [--force]",
     "the input tables, parsed once, as compressed HDF5 columns: later runs set inputs.columnar "
     "and skip CSV parsing",
     OPT_CONFIG | OPT_OUT | OPT_FORCE | OPT_COMMON, OPT_CONFIG | OPT_OUT, 0, 0, tr_cmd_convert},
    {"lookup", "--key-file K [--run RUN.h5] [MSISDN... | -]",
     "the pseudonymous key of each subscriber id (the arguments, or one a line on standard input), "
     "as /subscribers/key holds it (for an authorised analyst)",
     OPT_KEY_FILE | OPT_RUN | OPT_NO_VERIFY | OPT_CONFIG | OPT_COMMON, OPT_KEY_FILE, 0,
     TR_CLI_MAX_POSITIONAL, tr_cmd_lookup},
    {"explain", "RUN.h5 (--key K | --id MSISDN --key-file K) [--no-verify]",
     "one subscriber's score, grade, PD, the reasons stored for it and the nearest bins that "
     "would raise its score",
     OPT_KEY | OPT_ID | OPT_KEY_FILE | OPT_NO_VERIFY | OPT_COMMON, 0, 1, 1, tr_cmd_explain},
    {"verify", "RUN.h5",
     "check every dataset of a run file against the checksum written with it: exit 0 intact, 2 "
     "altered, truncated or unreadable",
     OPT_COMMON, 0, 1, 1, tr_cmd_verify},
    {"report", "RUN.h5 [--previous PREV.h5 ...] --out DIR [--force] [--no-verify]",
     "the validation and monitoring report: one self-contained HTML page with its plots (SVG "
     "and PNG) and tables (CSV) in DIR",
     OPT_PREVIOUS | OPT_OUT | OPT_FORCE | OPT_NO_VERIFY | OPT_COMMON, OPT_OUT, 1, 1, tr_cmd_report},
    {"walk", "PREV.h5 RUN.h5 [--out DIR] [--no-verify]",
     "why each region's mean PD moved between two runs: population mix, behaviour (by feature), "
     "model and overlay; with --out, as DIR/walk.csv and DIR/walk_features.csv",
     OPT_OUT | OPT_NO_VERIFY | OPT_COMMON, 0, 2, 2, tr_cmd_walk},
    {"config", "[--config FILE]", "print the effective configuration, every key, as INI",
     OPT_CONFIG | OPT_COMMON, 0, 0, 0, tr_cmd_config},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct option_spec *find_option(const char *arg, size_t name_len)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strlen(options[i].name) == name_len && strncmp(options[i].name, arg, name_len) == 0)
            return &options[i];
    return NULL;
}

/* Where an option that takes a value keeps it; NULL for the others. */
static const char **value_slot(struct tr_cli_args *args, enum option_bit bit)
{
    switch (bit) {
    case OPT_CONFIG:
        return &args->config_path;
    case OPT_OUT:
        return &args->out_dir;
    case OPT_ANTENNAS:
        return &args->antennas_path;
    case OPT_RECHARGES:
        return &args->recharges_path;
    case OPT_GROUPBY:
        return &args->groupby;
    case OPT_SUMMARY:
        return &args->summary;
    case OPT_PD:
        return &args->pd;
    case OPT_LGD:
        return &args->lgd;
    case OPT_CLASS:
        return &args->exposure_class;
    case OPT_MATURITY:
        return &args->maturity;
    case OPT_MODEL:
        return &args->model_path;
    case OPT_COMPARE:
        return &args->compare_path;
    case OPT_RUN:
        return &args->run_path;
    case OPT_SCENARIOS:
        return &args->scenarios_path;
    case OPT_SCENARIO:
        return &args->scenario;
    case OPT_KEY_FILE:
        return &args->key_file;
    case OPT_KEY:
        return &args->key;
    case OPT_ID:
        return &args->id;
    default:
        return NULL;
    }
}

/* Where a flag (an option without a value) is set; NULL for the others. */
static int *flag_slot(struct tr_cli_args *args, enum option_bit bit)
{
    switch (bit) {
    case OPT_QUIET:
        return &args->quiet;
    case OPT_VERBOSE:
        return &args->verbose;
    case OPT_HELP:
        return &args->help;
    case OPT_SPLIT_WEEK:
        return &args->split_week;
    case OPT_SPLIT_DAY:
        return &args->split_day;
    case OPT_RESUME:
        return &args->resume;
    case OPT_CHECK:
        return &args->check;
    case OPT_NO_VERIFY:
        return &args->no_verify;
    case OPT_FORCE:
        return &args->force;
    default:
        return NULL;
    }
}

static int store(struct tr_cli_args *args, enum option_bit bit, const char *value, char *err,
                 size_t errlen)
{
    if (bit == OPT_PREVIOUS) { /* repeatable, in order */
        if (args->n_previous == TR_CLI_MAX_POSITIONAL) {
            snprintf(err, errlen, "more than %d --previous options", TR_CLI_MAX_POSITIONAL);
            return 1;
        }
        args->previous[args->n_previous++] = value;
        return 0;
    }
    if (bit == OPT_SET) { /* repeatable: each overrides one key */
        if (args->n_sets == TR_CLI_MAX_SETS) {
            snprintf(err, errlen, "more than %d --set options", TR_CLI_MAX_SETS);
            return 1;
        }
        args->sets[args->n_sets++] = value;
        return 0;
    }
    const char **slot = value_slot(args, bit);
    int *flag = flag_slot(args, bit);
    if (slot) *slot = value;
    if (flag) *flag = 1;
    return 0;
}

int tr_cli_parse(int argc, char **argv, struct tr_cli_args *args, char *err, size_t errlen)
{
    memset(args, 0, sizeof *args);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        args->help = 1;
        if (argc >= 3) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) args->command = &commands[i];
        }
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0) args->command = &commands[i];
    if (!args->command) {
        snprintf(err, errlen, "unknown command '%s' (see 'telrisk --help')", argv[1]);
        return 1;
    }
    for (int a = 2; a < argc; a++) {
        const char *arg = argv[a];
        if (strncmp(arg, "--", 2) != 0) {
            if (args->n_positional == (int)(sizeof args->positional / sizeof *args->positional)) {
                snprintf(err, errlen, "%s: too many arguments", args->command->name);
                return 1;
            }
            args->positional[args->n_positional++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq && strncmp(arg, "--", 2) == 0 ? (size_t)(eq - arg) : strlen(arg);
        const struct option_spec *opt = find_option(arg, name_len);
        if (!opt || !(args->command->options & opt->bit)) {
            snprintf(err, errlen, "%s: unknown option '%.*s' (see 'telrisk %s --help')",
                     args->command->name, (int)name_len, arg, args->command->name);
            return 1;
        }
        const char *value = NULL;
        if (opt->metavar) {
            if (name_len < strlen(arg))
                value = arg + name_len + 1;
            else if (a + 1 < argc)
                value = argv[++a];
            else {
                snprintf(err, errlen, "%s: option %s needs a value %s", args->command->name,
                         opt->name, opt->metavar);
                return 1;
            }
        } else if (name_len < strlen(arg)) {
            snprintf(err, errlen, "%s: option %s takes no value", args->command->name, opt->name);
            return 1;
        }
        if (store(args, opt->bit, value, err, errlen)) return 1;
    }
    return 0;
}

int tr_cli_validate(const struct tr_cli_args *args, char *err, size_t errlen)
{
    if (args->help) return 0;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_spec *opt = &options[i];
        if (!(args->command->required & opt->bit)) continue;
        int given = (opt->bit == OPT_CONFIG && args->config_path) ||
                    (opt->bit == OPT_OUT && args->out_dir) ||
                    (opt->bit == OPT_ANTENNAS && args->antennas_path) ||
                    (opt->bit == OPT_MODEL && args->model_path) ||
                    (opt->bit == OPT_RUN && args->run_path) || (opt->bit == OPT_PD && args->pd) ||
                    (opt->bit == OPT_LGD && args->lgd) ||
                    (opt->bit == OPT_CLASS && args->exposure_class) ||
                    (opt->bit == OPT_KEY_FILE && args->key_file);
        if (!given) {
            snprintf(err, errlen, "%s: %s %s is required (usage: telrisk %s %s)",
                     args->command->name, opt->name, opt->metavar, args->command->name,
                     args->command->usage);
            return 1;
        }
    }
    if (args->n_positional < args->command->min_positional ||
        args->n_positional > args->command->max_positional) {
        snprintf(err, errlen, "%s: %s (usage: telrisk %s %s)", args->command->name,
                 args->n_positional < args->command->min_positional ? "missing argument"
                                                                    : "unexpected argument",
                 args->command->name, args->command->usage);
        return 1;
    }
    if (args->groupby && strcmp(args->groupby, "week") != 0 && strcmp(args->groupby, "none") != 0) {
        snprintf(err, errlen, "%s: --groupby '%s': expected week or none", args->command->name,
                 args->groupby);
        return 1;
    }
    if (args->summary && strcmp(args->summary, "default") != 0 &&
        strcmp(args->summary, "extended") != 0) {
        snprintf(err, errlen, "%s: --summary '%s': expected default or extended",
                 args->command->name, args->summary);
        return 1;
    }
    if (args->quiet && args->verbose) {
        snprintf(err, errlen, "%s: --quiet and --verbose exclude each other", args->command->name);
        return 1;
    }
    return 0;
}

void tr_cli_print_help(FILE *out, const struct tr_command *command)
{
    if (!command) {
        fprintf(out,
                "telrisk %s: credit-risk and fraud intelligence from call-detail and "
                "payment records (MPI)\n\nusage: telrisk COMMAND [OPTIONS]\n\ncommands:\n",
                TELRISK_VERSION);
        for (size_t i = 0; i < N_COMMANDS; i++)
            fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
        fprintf(out, "\n'telrisk COMMAND --help' lists a command's options. Exit codes: 0 ok, "
                     "1 usage or config error,\n2 input error, 3 internal error.\n");
        return;
    }
    fprintf(out, "usage: telrisk %s %s\n\n%s\n\noptions:\n", command->name, command->usage,
            command->summary);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_spec *opt = &options[i];
        if (!(command->options & opt->bit)) continue;
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", opt->name, opt->metavar ? " " : "",
                 opt->metavar ? opt->metavar : "");
        fprintf(out, "  %-28s %s%s\n", left, opt->help,
                (command->required & opt->bit) ? " (required)" : "");
    }
}
