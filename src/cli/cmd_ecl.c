/* telrisk ecl --run RUN.h5 [--scenarios FILE] [--compare PREVIOUS.h5] [--out NEW.h5]: IFRS 9
 * again from a stored run (docs/credit.md section 6), from its ledger (/ledger), its subscribers'
 * calibrated PDs and fraud flags, without the inputs: another weighting of the scenarios, other
 * SICR thresholds, or the stage transfers against last month's run. The config is the run's,
 * with --config and --set over it; the result replaces the run's /ifrs9. */
#include "cli/commands.h"
#include "config/config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stage.h"
#include "ifrs9/ecl.h"
#include "output/seal.h"
#include "output/stored.h"
#include "stress/stress.h"

#include <stdlib.h>

/* The scenarios the weights name: --scenarios, else stress.scenarios; none when no weights. */
static int load_scenarios(const struct tr_ctx *ctx, const struct tr_cli_args *args,
                          const struct tr_config *cfg, struct tr_scenarios **out)
{
    const char *file = args->scenarios_path ? args->scenarios_path : cfg->stress.scenarios;
    *out = NULL;
    if (!file[0] || !cfg->ifrs9.weights[0]) return TR_EXIT_OK; /* through the cycle: none */
    *out = TR_MALLOC(sizeof **out);
    char err[TR_PATH_MAX + 512] = "", why[sizeof err + 32];
    const int bad = tr_scenarios_load(file, *out, err, sizeof err);
    snprintf(why, sizeof why, "ecl: %s", err);
    return tr_fail_agree(ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK, why);
}

/* The ledger's default days were found with its own D: a config of another is refused. */
static int same_default_dpd(const struct tr_ctx *ctx, const struct tr_config *cfg,
                            const struct tr_stored_ecl *e)
{
    char why[160];
    snprintf(why, sizeof why,
             "ecl: credit.default_dpd = %lld, but the run's ledger was judged with %lld: set it "
             "as the run did",
             (long long)cfg->credit.default_dpd, (long long)e->ledger.default_dpd);
    const int bad = cfg->credit.default_dpd != e->ledger.default_dpd;
    return tr_fail_agree(ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK, why);
}

/* The book of e measured (and its transfers against --compare), into r and t. */
static int measure(const struct tr_ctx *ctx, const struct tr_cli_args *args,
                   const struct tr_config *cfg, const struct tr_scenarios *scenarios,
                   const struct tr_stored_ecl *e, struct tr_ifrs9_run *r,
                   struct tr_ifrs9_transfers *t)
{
    char err[1200] = "", why[sizeof err + 16];
    const int bad = tr_ifrs9_params_init(cfg, e->ledger.observation_day, scenarios,
                                         (const char *const *)e->region_names, e->n_regions,
                                         &r->params, err, sizeof err);
    snprintf(why, sizeof why, "ecl: %s", err);
    int rc = tr_fail_agree(ctx, bad ? TR_EXIT_USAGE : TR_EXIT_OK, why);
    if (rc) return rc;
    size_t n = 0;
    struct tr_ifrs9_loan *loans =
        tr_ifrs9_loans_of(&e->ledger.table, e->n, e->key, e->region, e->pd, e->ledger.flags, &n);
    tr_ifrs9_run(ctx, r, &e->ledger.table, e->n, e->key, e->pd, loans, n);
    if (!args->compare_path) return TR_EXIT_OK;
    struct tr_ifrs9_previous prev;
    if ((rc = tr_seal_check_input(ctx, args->compare_path, "previous run", !args->no_verify)) ||
        (rc = tr_stored_ifrs9_previous_load(ctx, args->compare_path, &prev)))
        return rc;
    tr_ifrs9_transfers_of(ctx, &prev, r->loans, r->results, r->n, t);
    tr_ifrs9_previous_free(&prev);
    return TR_EXIT_OK;
}

int tr_cmd_ecl(const struct tr_ctx *ctx, const struct tr_cli_args *args)
{
    int rc = tr_seal_check_input(ctx, args->run_path, "run file", !args->no_verify);
    if (rc) return rc;
    struct tr_stored_ecl e;
    if ((rc = tr_stored_ecl_load(ctx, args->run_path, &e))) return rc;
    struct tr_config cfg;
    struct tr_scenarios *scenarios = NULL;
    rc = tr_load_config_over(ctx, args, e.config, &cfg);
    if (!rc) rc = same_default_dpd(ctx, &cfg, &e);
    if (!rc) rc = load_scenarios(ctx, args, &cfg, &scenarios);
    const char *to = args->out_dir ? args->out_dir : args->run_path;
    if (!rc) rc = tr_refuse_overwrite(ctx, args, to); /* onto itself too: --force */
    struct tr_ifrs9_run r = {0};
    struct tr_ifrs9_transfers t;
    struct tr_stages stages = {0};
    tr_stage_begin(&stages);
    if (!rc) rc = measure(ctx, args, &cfg, scenarios, &e, &r, &t);
    if (!rc) {
        tr_stage_end(ctx, &stages, "ifrs9", (int64_t)r.n, "loans");
        const struct tr_rf_ifrs9 x =
            tr_rf_ifrs9_of(&r, (const char *const *)e.region_names, e.n_grades,
                           e.n_grades ? e.grade_pd : NULL, args->compare_path ? &t : NULL);
        rc = tr_stored_ifrs9_write(ctx, args->run_path, to, e.seed, &x, cfg.privacy.k_min,
                                   args->no_verify ? args->run_path : NULL);
        const size_t all = (size_t)r.summary.n_regions * 3;
        const int64_t *k = &r.summary.loans[all];
        if (!rc) TR_INFO(ctx, "ecl: %lld loans' IFRS 9 in %s", (long long)(k[0] + k[1] + k[2]), to);
    }
    tr_ifrs9_run_free(&r);
    free(scenarios);
    tr_stored_ecl_free(&e);
    return rc;
}
