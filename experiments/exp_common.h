/* precbench experiments: what every experiment shares.
 *
 *   pb_exp       one running experiment: its output directory, its mode,
 *                the parameters recorded in the JSON side file, progress
 *   pb_exp_csv   one CSV file built point by point: rows of a point are
 *                committed together, the file is replaced atomically, and a
 *                full run keeps (and skips) the points an earlier run left
 *
 * A *point* is the unit of resumption: the rows that one piece of work
 * produces, identified by the values of the key columns (which include
 * every parameter that changes its numbers, e.g. the trial count).  An
 * experiment asks pb_exp_csv_done(csv, key) before computing a point; in a
 * full run whose CSV already holds that point, the old rows are kept and
 * the answer is true.
 *
 * Private to experiments/ (not installed).
 */
#ifndef PRECBENCH_EXP_COMMON_H
#define PRECBENCH_EXP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "precbench/experiment.h"
#include "precbench/status.h"

enum { PB_EXP_PATH_MAX = 4096 };

typedef struct pb_exp {
    const pb_experiment *e;
    pb_experiment_opts o;
    bool full;                    /* mode == PB_EXPERIMENT_FULL            */
    bool resumable;               /* full, and the directory holds an
                                     earlier full run with the same seed  */
    char dir[PB_EXP_PATH_MAX];    /* output directory (created)            */
    json_t *params;               /* "parameters" of the side file         */
    json_t *notes;                /* "notes": strings                      */
    double t0;                    /* wall clock at the start               */
    /* progress */
    double work_total, work_done, work_skipped, last_print;
} pb_exp;

/* Create the output directory, record the start time, write the side file
 * with status "running".  On error nothing needs finishing. */
pb_status pb_exp_begin(pb_exp *x, const pb_experiment *e,
                       const pb_experiment_opts *o);
/* Write the side file (status "complete" when st is PB_OK, else
 * "interrupted" with the status message), end the progress line, release;
 * returns st, or PB_ERR_IO if st was PB_OK and the side file failed. */
pb_status pb_exp_finish(pb_exp *x, pb_status st);

/* A size by mode: quick or full. */
size_t pb_exp_pick(const pb_exp *x, size_t quick, size_t full);
/* A quick-mode sample size divided by opts.reduce, never below min; in full
 * mode n itself. */
size_t pb_exp_sample(const pb_exp *x, size_t n, size_t min);

/* Parameters recorded in the side file (written at once, so an interrupted
 * run's file says what it was doing). */
void pb_exp_param_int(pb_exp *x, const char *key, long long v);
void pb_exp_param_real(pb_exp *x, const char *key, double v);
void pb_exp_param_str(pb_exp *x, const char *key, const char *v);
/* "a b c" -> ["a", "b", "c"]; "1 2 4" stays strings too. */
void pb_exp_param_list(pb_exp *x, const char *key, const char *words);
void pb_exp_note(pb_exp *x, const char *text);
/* Rewrite the side file now (status "running"). */
pb_status pb_exp_write_meta(pb_exp *x);

/* dir/file into buf; false when it does not fit. */
bool pb_exp_path(const pb_exp *x, const char *file, char *buf, size_t size);
/* Replace dir/file with text, atomically. */
pb_status pb_exp_write_text(const pb_exp *x, const char *file, const char *text);

/* ---- progress --------------------------------------------------------------
 * Work is counted in any unit the experiment likes (multiply-adds, terms).
 * Points kept from an earlier run count as skipped: they advance the bar but
 * not the rate behind the time estimate. */
void pb_exp_progress_total(pb_exp *x, double total);
void pb_exp_progress_done(pb_exp *x, double work);
void pb_exp_progress_skipped(pb_exp *x, double work);

/* ---- CSV files -------------------------------------------------------------- */

typedef struct pb_exp_csv pb_exp_csv;

/* header: the column names, comma-separated; key_columns: the names of the
 * columns that identify a point (a subset of header, any order).  In a full
 * run an existing file with the same header is loaded for resumption. */
pb_status pb_exp_csv_open(pb_exp *x, const char *file, const char *header,
                          const char *key_columns, pb_exp_csv **out);
/* key: the point's key column values, comma-separated, in key_columns'
 * order.  True when the point was kept from an earlier run (full mode). */
bool pb_exp_csv_done(pb_exp_csv *c, const char *key);
/* The same for a point written to several files at once: true (and the old
 * rows kept) only when every file has it; otherwise whatever part of it
 * one file has is discarded, to be recomputed. */
bool pb_exp_csv_done_all(pb_exp_csv *const *cs, size_t n, const char *key);
/* Add one row (printf-style, no newline) to the point being built. */
pb_status pb_exp_csv_row(pb_exp_csv *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The point's rows are complete: they may be written (at most once a
 * second; always at close). */
pb_status pb_exp_csv_commit(pb_exp_csv *c);
/* Write what is committed and release (NULL is fine); rows added after the
 * last commit are dropped.  run: the experiment's status; when it is PB_OK
 * the loaded rows of points this run did not ask for are dropped too (they
 * belong to other parameters), otherwise they are kept for the next run. */
pb_status pb_exp_csv_close(pb_exp_csv *c, pb_status run);

/* ---- numbers ----------------------------------------------------------------- */

/* A double as CSV text: %.9g, with "NaN", "inf", "-inf". */
typedef struct pb_exp_num { char s[40]; } pb_exp_num;
pb_exp_num pb_exp_g(double v);

/* Order statistics of v[0..n) (v is sorted in place): the median (mean of
 * the middle two) and the q-quantile by nearest rank; NaN for n == 0. */
double pb_exp_median(double *v, size_t n);
double pb_exp_quantile(double *v, size_t n, double q);
double pb_exp_max(const double *v, size_t n);
double pb_exp_mean(const double *v, size_t n);

/* Unit roundoff of a format: 2^-(man_bits + 1). */
double pb_exp_unit_roundoff(const char *format);
/* gamma_n = n u / (1 - n u), inf when n u >= 1. */
double pb_exp_gamma(double n, double u);

/* Wall-clock seconds (monotonic). */
double pb_exp_now(void);

#endif
