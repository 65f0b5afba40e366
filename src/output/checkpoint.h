/* Stage checkpoints of `telrisk run` (docs/output.md, "Checkpoints and restart"). Beside
 * output.path, each finished stage leaves a file, written under a temporary name and renamed when
 * complete:
 *   PATH.ckpt-records.h5  all that the input records give (the run file without models and stress:
 *                         provenance, rejects, regions, subscribers' features, cross-checks, the
 *                         loan book with the loans' own PDs)
 *   PATH.ckpt-model.h5    /models, /subscribers/{pd, score, grade}, /crosschecks/backtest, /ifrs9 and the
 *                         loan book with the model PDs
 *   PATH.ckpt-stress.h5   /stress
 * The run file is always assembled from them (rank 0 copies the records file and copies the other
 * files' groups into it), so a run resumed with --resume after a kill writes what an uninterrupted
 * run writes; then they are removed. Each carries the config it was made with, and --resume refuses
 * a checkpoint made with another. */
#ifndef TELRISK_OUTPUT_CHECKPOINT_H
#define TELRISK_OUTPUT_CHECKPOINT_H

#include "config/config.h"
#include "core/log.h"
#include "core/stage.h"
#include "output/runfile.h"
#include "stress/portfolio.h"

enum tr_ckpt_stage { TR_CKPT_NONE, TR_CKPT_RECORDS, TR_CKPT_MODEL, TR_CKPT_STRESS };
extern const char *const tr_ckpt_stage_names[4]; /* "", "records", "model", "stress" */

/* Hex digits of the run's fingerprint in a checkpoint's name. */
#define TR_CKPT_PRINT_NAME 16

/* PATH.ckpt-<the run's fingerprint, 16 hex digits>-<stage>.h5 (to free): one run's checkpoints
 * are never another's (other inputs, config, seed or telrisk). */
char *tr_ckpt_path(const char *output, const char *run, enum tr_ckpt_stage stage);

/* The run's fingerprint (hex): of telrisk's version, the inputs' fingerprint (tr_ckpt_fingerprint)
 * and the config text (which holds the seed). */
void tr_ckpt_run_fingerprint(const char *inputs, const char *config_text, char out[65]);

/* Collective. *done = the last stage whose checkpoint of this run (and each earlier one's) exists,
 * each verified against its seal. Returns 0; TR_EXIT_USAGE (printed) when there is none of this
 * run but another run's are there (another config, telrisk version or inputs: said, and left as
 * they are), or one under this run's name was made otherwise; TR_EXIT_INPUT (printed, naming it
 * and its first damaged object) when one is damaged. */
int tr_ckpt_find(const struct tr_ctx *ctx, const char *output, const char *run,
                 const char *config_text, const char *fingerprint, int *done);

/* Collective (rank 0 says it): a warning naming the files beside output that are another run's
 * checkpoints, which this run neither reads nor removes. */
void tr_ckpt_report_foreign(const struct tr_ctx *ctx, const char *output, const char *run);

/* Collective: a digest (hex) of what the run reads besides its config: every input file's path,
 * size and modification time, and the key, scenario and correlation files'. */
void tr_ckpt_fingerprint(const struct tr_ctx *ctx, const struct tr_config *cfg, char out[65]);

/* Collective: removes this run's checkpoints of output (rank 0), never another run's, and the
 * temporary files that a kill while one (seed) or the run file was being written left. */
void tr_ckpt_remove(const struct tr_ctx *ctx, const char *output, const char *run, uint64_t seed);

/* What each checkpoint holds, by run-file group (output/runfile.h), besides the root (with its
 * checkpoint and fingerprint attributes) and the provenance's stages so far:
 *   records: provenance (inputs, passes), rejects, regions, subscribers (with flags),
 *            crosschecks (checks), portfolio: written by tr_runfile_write;
 *   model:   models, scores, crosschecks (backtest), ifrs9, portfolio (with the model PDs), regions and
 *            k_min for their labels and suppression: tr_ckpt_write_model;
 *   stress:  stress: tr_ckpt_write_stress.
 * Collective; each returns an exit code. */
int tr_ckpt_write_model(const struct tr_ctx *ctx, const char *output,
                        const struct tr_run_contents *c);
int tr_ckpt_write_stress(const struct tr_ctx *ctx, const char *output,
                         const struct tr_run_contents *c);

/* The stages so far, as the checkpoint of stage recorded them. */
void tr_ckpt_load_stages(const char *output, const char *run, enum tr_ckpt_stage stage,
                         struct tr_stages *stages);
/* Collective: this rank's exposures from a checkpoint's loan book: those of its n subscribers
 * (sorted keys; ranks in key order), or with key NULL an even cut of them. An exit code, agreed. */
int tr_ckpt_load_book(const struct tr_ctx *ctx, const char *path, size_t n, const uint64_t *key,
                      struct tr_portfolio *book);

/* Collective (rank 0 works): output.path from the checkpoints up to `done`, its
 * /provenance/stages replaced by the n given and resumed_after (a stage name, or "") recorded.
 * Returns an exit code. */
int tr_ckpt_assemble(const struct tr_ctx *ctx, const char *output, const char *run, int done,
                     const struct tr_stage_stat *stages, int n_stages, const char *resumed_after);

#endif
