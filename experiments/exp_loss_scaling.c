/* Experiment loss_scaling: gradient magnitudes against the ranges of fp16,
 * bf16, e4m3 and e5m2, and what a loss scale does to them.
 *
 * The gradients are SYNTHETIC: the training harness (experiments/train/)
 * does not exist yet, so instead of a real backward pass they are drawn from
 * a heavy-tailed distribution with the shape reported for activation
 * gradients in mixed-precision training (Micikevicius et al., "Mixed
 * Precision Training", ICLR 2018, Fig. 3: most magnitudes far below fp16's
 * normal range, a long tail on both sides):
 *
 *     g = s * 2^(mu + sigma * T),   T ~ Student-t with nu = 4, s = +-1
 *     mu = -24, sigma = 4
 *
 * For every loss scale 2^L (L = 0 .. 40) and format: the fraction of the
 * gradients (those not 0 already in float32; `samples` counts all drawn,
 * the side file how many were 0) that round to zero (flushed), to a
 * subnormal, or
 * overflow (inf, or NaN for e4m3, which has no inf), when g * 2^L is rounded
 * to the format (nearest even, overflow to inf as an unscaled cast does).
 *
 * results/loss_scaling/histogram.csv (log2 |g| in bins of one binade),
 * ranges.csv (each format's smallest subnormal, smallest normal, largest
 * value, as log2), flush.csv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/format.h"
#include "precbench/rng.h"

static const char *const hist_header = "log2_lo,log2_hi,count,fraction";
static const char *const range_header = "format,log2_min_subnormal,log2_min_normal,log2_max_finite";
static const char *const flush_header =
    "format,log2_scale,samples,frac_flushed,frac_subnormal,frac_overflow,frac_normal";

static const char *const formats[] = {"fp16", "bf16", "e4m3", "e5m2"};
enum { NFORMATS = 4, LOG2_SCALE_MAX = 40, HIST_LO = -64, HIST_HI = 16 };

static const double mu = -24.0, sigma = 4.0;
static const int nu = 4;

static double gradient(uint64_t seed, uint64_t i)
{
    double chi = 0;
    for (int j = 0; j < nu; j++) {
        double z = pb_rng_normal(seed, 8001, (uint64_t)nu * i + (uint64_t)j);
        chi += z * z;
    }
    double t = pb_rng_normal(seed, 8000, i) / sqrt(chi / nu);
    double sign = pb_rng_u32(seed, 8002, i, 0) & 1 ? -1.0 : 1.0;
    return (double)(float)(sign * exp2(mu + sigma * t)); /* gradients are float32 values */
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;
    const size_t n = pb_exp_sample(&x, pb_exp_pick(&x, (size_t)1 << 16, (size_t)1 << 22), 4096);
    pb_exp_param_str(&x, "gradients", "SYNTHETIC: g = s 2^(mu + sigma T), T ~ Student-t(nu), s = +-1, "
                                       "rounded to float32; not from a backward pass (no training "
                                       "harness yet)");
    pb_exp_param_real(&x, "mu", mu);
    pb_exp_param_real(&x, "sigma", sigma);
    pb_exp_param_int(&x, "nu", nu);
    pb_exp_param_int(&x, "samples", (long long)n);
    pb_exp_param_int(&x, "log2_scale_max", LOG2_SCALE_MAX);
    pb_exp_param_str(&x, "rounding", "rne, overflow to inf (NaN for e4m3)");
    pb_exp_note(&x, "synthetic heavy-tailed gradient distribution standing in for a real backward pass");

    double *g = malloc(n * sizeof *g);
    pb_exp_csv *fc = NULL;
    if (!g) st = PB_ERR_NOMEM;
    if (st == PB_OK) st = pb_exp_csv_open(&x, "flush.csv", flush_header, "format,samples", &fc);
    pb_exp_progress_total(&x, (double)n * (1 + NFORMATS * (LOG2_SCALE_MAX + 1)));
    size_t nz = 0; /* gradients that are not 0 in float32: the ones counted */
    if (st == PB_OK) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) g[i] = gradient(x.o.seed, i);
        for (size_t i = 0; i < n; i++)
            if (g[i] != 0) g[nz++] = g[i];
        pb_exp_progress_done(&x, (double)n);
        pb_exp_param_int(&x, "zero_in_float32", (long long)(n - nz));
        st = pb_exp_write_meta(&x);
    }

    /* The histogram and the ranges are cheap: always rewritten whole. */
    enum { NBINS = HIST_HI - HIST_LO };
    size_t hist[NBINS] = {0};
    for (size_t i = 0; st == PB_OK && i < nz; i++) {
        int b = (int)floor(log2(fabs(g[i]))) - HIST_LO;
        hist[b < 0 ? 0 : (b >= NBINS ? NBINS - 1 : b)]++;
    }
    char text[NBINS * 64 + 256];
    size_t len = (size_t)snprintf(text, sizeof text, "%s\n", hist_header);
    for (int b = 0; b < NBINS; b++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%d,%d,%zu,%s\n", HIST_LO + b, HIST_LO + b + 1,
                                hist[b], pb_exp_g((double)hist[b] / (double)nz).s);
    if (st == PB_OK) st = pb_exp_write_text(&x, "histogram.csv", text);
    len = (size_t)snprintf(text, sizeof text, "%s\n", range_header);
    for (int f = 0; f < NFORMATS; f++) {
        const pb_format *fm = pb_format_by_name(formats[f]);
        len += (size_t)snprintf(text + len, sizeof text - len, "%s,%s,%s,%s\n", formats[f],
                                pb_exp_g(log2(fm->min_subnormal)).s, pb_exp_g(log2(fm->min_normal)).s,
                                pb_exp_g(log2(fm->max_finite)).s);
    }
    if (st == PB_OK) st = pb_exp_write_text(&x, "ranges.csv", text);

    for (int f = 0; st == PB_OK && f < NFORMATS; f++) {
        char key[64];
        snprintf(key, sizeof key, "%s,%zu", formats[f], n);
        double work = (double)n * (LOG2_SCALE_MAX + 1);
        if (pb_exp_csv_done(fc, key)) {
            pb_exp_progress_skipped(&x, work);
            continue;
        }
        const pb_format *fm = pb_format_by_name(formats[f]);
        pb_rounding rn = pb_rounding_default();
        for (int l = 0; st == PB_OK && l <= LOG2_SCALE_MAX; l++) {
            size_t flushed = 0, sub = 0, over = 0, normal = 0;
#pragma omp parallel for reduction(+ : flushed, sub, over, normal) schedule(static)
            for (size_t i = 0; i < nz; i++) {
                double q = fabs(pb_format_round(fm, ldexp(g[i], l), &rn, i));
                if (!isfinite(q)) over++;
                else if (q == 0) flushed++;
                else if (q < fm->min_normal) sub++;
                else normal++;
            }
            double dn = (double)nz;
            st = pb_exp_csv_row(fc, "%s,%d,%zu,%s,%s,%s,%s", formats[f], l, n, pb_exp_g((double)flushed / dn).s,
                                pb_exp_g((double)sub / dn).s, pb_exp_g((double)over / dn).s,
                                pb_exp_g((double)normal / dn).s);
        }
        pb_exp_progress_done(&x, work);
        if (st == PB_OK) st = pb_exp_csv_commit(fc);
    }
    free(g);
    pb_status cs = pb_exp_csv_close(fc, st);
    if (st == PB_OK) st = cs;
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_loss_scaling = {
    .name = "loss_scaling",
    .description = "loss scaling: synthetic heavy-tailed gradient magnitudes against the fp16, bf16, "
                   "e4m3, e5m2 ranges; fraction flushed to zero per loss scale",
    .outputs = "histogram.csv ranges.csv flush.csv",
    .run = run,
};
