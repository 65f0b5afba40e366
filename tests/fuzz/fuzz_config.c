/* The config parser: the input as an INI file through tr_config_load (inih, then every key's
 * parser), then tr_config_validate, and each of its lines as a --set override through
 * tr_config_set. Besides crashes, undefined behaviour and leaks, it checks the promises of
 * config.h: a refusal always says why, and a loaded config written out by tr_config_to_ini reads
 * back to the same config (the run file keeps that text). */
#include "fuzz_common.h"

#include "config/config.h"

#include <string.h>

static struct fz_file file, dump;

/* inih's limit (config.c refuses longer lines): a dump with one cannot be read back as is. */
static int short_lines(const char *text)
{
    for (const char *nl; (nl = strchr(text, '\n')); text = nl + 1)
        if (nl - text > 198) return 0;
    return strlen(text) <= 198;
}

/* Leading or trailing blanks, and ';' or '#' (comments), are not kept by an INI value. */
static int ini_safe(const char *v)
{
    const size_t n = strlen(v);
    if (n && (strchr(" \t\r\n\f\v", v[0]) || strchr(" \t\r\n\f\v", v[n - 1]))) return 0;
    return strpbrk(v, ";#\n\r") == NULL;
}

/* Every value of the dump can be written in an INI file (the keys are ours). */
static int dump_is_ini_safe(char *text)
{
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strstr(line, " = ");
        if (eq && !ini_safe(eq + 3)) return 0;
    }
    return 1;
}

/* The config written as INI and read back over the defaults is the same config. */
static void check_round_trip(const struct tr_config *cfg)
{
    char *text = tr_config_to_ini(cfg);
    char *copy = strdup(text);
    if (short_lines(text) && dump_is_ini_safe(copy)) {
        fz_file_set(&dump, text, strlen(text));
        struct tr_config again;
        char err[TR_CONFIG_ERR_MAX] = "";
        tr_config_defaults(&again);
        if (tr_config_load(&again, dump.path, err)) {
            fprintf(stderr, "fuzz: the dump does not read back: %s\n", err);
            FZ_ASSERT(0);
        }
        FZ_ASSERT(memcmp(&again, cfg, sizeof again) == 0);
    }
    free(copy);
    free(text);
}

/* The first lines of the input each as a --set argument, over cfg (eight: an unknown key costs
 * an edit distance to every known one, the slowest thing here). */
static void set_lines(struct tr_config *cfg, const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    int count = 0;
    for (char *line = text, *next; line && count < 8; line = next, count++) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char err[TR_CONFIG_ERR_MAX] = "";
        if (tr_config_set(cfg, line, err)) FZ_ASSERT(err[0] != 0);
    }
    free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    fz_file_open(&file, "config.ini");
    fz_file_open(&dump, "dump.ini");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tr_config cfg;
    char err[TR_CONFIG_ERR_MAX] = "";
    tr_config_defaults(&cfg);
    fz_file_set(&file, data, size);
    if (tr_config_load(&cfg, file.path, err)) {
        FZ_ASSERT(strstr(err, file.path) == err); /* names the file (and the line) */
    } else {
        if (tr_config_validate(&cfg, err)) FZ_ASSERT(err[0] != 0);
        check_round_trip(&cfg);
    }
    tr_config_defaults(&cfg);
    set_lines(&cfg, data, size);
    if (tr_config_validate(&cfg, err)) FZ_ASSERT(err[0] != 0);
    return 0;
}
