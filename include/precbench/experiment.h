/* precbench: experiments behind the paper-style figures (docs/figures.md).
 *
 * An experiment is one file in experiments/ filling a pb_experiment
 * descriptor, registered by one line in experiments/experiment_table.c.
 * It writes CSV files (and a JSON side file, <name>.json, with its
 * parameters, seed, mode and git revision) into its output directory,
 * results/<name>/ unless told otherwise; the gnuplot scripts in plots/ draw
 * the figures from them.  Files are replaced atomically (written beside,
 * then renamed), so a reader never sees half a file.
 *
 * Modes: quick (small sizes, seconds: CI and tests) and full (the sizes of
 * the figures, minutes).  A full run resumes: points already present in its
 * CSV files, computed with the same parameters, are kept and not redone, so
 * an interrupted run continues where it stopped.  A quick run always starts
 * afresh.  Every number is a pure function of the mode, the seed and the
 * library: results do not depend on the thread count.
 */
#ifndef PRECBENCH_EXPERIMENT_H
#define PRECBENCH_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "precbench/status.h"

typedef enum pb_experiment_mode {
    PB_EXPERIMENT_QUICK, /* small sizes: CI, tests                     */
    PB_EXPERIMENT_FULL   /* the figures' sizes; resumes interrupted runs */
} pb_experiment_mode;

typedef struct pb_experiment_opts {
    pb_experiment_mode mode;
    const char *out_dir;  /* NULL: results/<name>                         */
    uint64_t seed;        /* data and stochastic rounding                 */
    unsigned reduce;      /* quick mode only: divide the sample sizes by
                             this (>= 1; each experiment keeps the minimum
                             its checks need).  The tests pass the
                             sanitizer build's divisor here.              */
    FILE *progress;       /* progress lines (carriage-return updated), or
                             NULL for none; the tool passes stderr when it
                             is a terminal                                */
} pb_experiment_opts;

/* Quick mode, results/<name>, seed PB_EXPERIMENT_DEFAULT_SEED, reduce 1,
 * no progress. */
enum { PB_EXPERIMENT_DEFAULT_SEED = 20261123 };
pb_experiment_opts pb_experiment_opts_default(void);

typedef struct pb_experiment pb_experiment;
struct pb_experiment {
    const char *name;        /* stable: directory name, CLI name           */
    const char *description; /* one line                                   */
    const char *outputs;     /* the CSV files it writes, space-separated   */
    pb_status (*run)(const pb_experiment *self, const pb_experiment_opts *opts);
};

/* ---- the table ------------------------------------------------------------ */

size_t pb_experiment_count(void);
const pb_experiment *pb_experiment_at(size_t i);
/* By name; NULL when unknown. */
const pb_experiment *pb_experiment_by_name(const char *name);

/* Run e with opts (NULL: defaults).  PB_ERR_ARG for bad options, PB_ERR_IO
 * when an output cannot be written, or the status of a library call that
 * failed. */
pb_status pb_experiment_run(const pb_experiment *e, const pb_experiment_opts *opts);

#endif
