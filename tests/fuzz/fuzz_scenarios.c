/* The stress inputs' parsers: the input is a scenario file (INI, tr_scenarios_load) when its
 * first byte is even, else a correlation matrix (CSV, stress.correlation_file, read by
 * tr_stress_params_init) for the regions Coast, Nairobi and Rift. Besides crashes, undefined
 * behaviour and leaks, it checks that a refusal says why, that an accepted scenario names only
 * the run's regions once checked, and that an accepted matrix is a correlation matrix. */
#include "fuzz_common.h"

#include "config/config.h"
#include "stress/scenario.h"
#include "stress/stress.h"

#include <math.h>
#include <string.h>

static struct fz_file file;
static const char *const regions[3] = {"Coast", "Nairobi", "Rift"};

static void scenarios(void)
{
    struct tr_scenarios *all = malloc(sizeof *all);
    char err[1024] = "";
    if (tr_scenarios_load(file.path, all, err, sizeof err)) {
        FZ_ASSERT(strstr(err, file.path) == err);
    } else {
        FZ_ASSERT(all->n >= 1 && all->n <= TR_SCENARIO_MAX);
        const int ok = tr_scenarios_check_regions(all, regions, 3, err, sizeof err) == 0;
        for (int k = 0; k < all->n; k++) {
            const struct tr_scenario *s = &all->s[k];
            FZ_ASSERT(s->horizon_years >= 1 && s->horizon_years <= 3);
            FZ_ASSERT(tr_scenario_find(all, s->name) == s);
            for (int g = 0; g < 3 && ok; g++)
                (void)tr_scenario_z(all, s, regions[g]);
        }
    }
    free(all);
}

static void correlation(void)
{
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    snprintf(cfg.stress.correlation_file, sizeof cfg.stress.correlation_file, "%s", file.path);
    struct tr_stress_params p;
    char err[1024] = "";
    if (tr_stress_params_init(&cfg, regions, 3, &p, err, sizeof err) == 0) {
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                const double c = p.correlation[a * 3 + b];
                FZ_ASSERT(c == p.correlation[b * 3 + a] && c >= -1 && c <= 1);
                FZ_ASSERT(a != b || c == 1);
                FZ_ASSERT(isfinite(p.chol[a * 3 + b]));
            }
    } else {
        FZ_ASSERT(err[0] != 0);
    }
    tr_stress_params_free(&p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    fz_file_open(&file, "stress-input");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    fz_file_set(&file, data + 1, size - 1);
    if (data[0] % 2 == 0)
        scenarios();
    else
        correlation();
    return 0;
}
