/* Experiment accum_error: accumulation error against K for every scheme.
 *
 * For K = 2^4 .. 2^16 (quick: .. 2^10), every scheme of the table computes
 * C = A B (A: M x K, B: K x N, float32 data) on standard normal and on
 * uniform (0, 1) data; each trial draws new matrices.  Errors against the
 * exact product (one rounding to binary64), measured against |A||B|, so that
 * the classical bounds apply without a condition number:
 *
 *   normwise       ||C - AB||_F / || |A||B| ||_F
 *   componentwise  max_ij |C - AB|_ij / (|A||B|)_ij
 *
 *   |C - AB| <= gamma_K |A||B|,  gamma_K = K u / (1 - K u)   (always, for
 *                                                  fp32 inputs and fp32 sums)
 *   |C - AB| <~ sqrt(K) u |A||B|                   (with high probability)
 *
 * with u = 2^-24 in the CSV (the plots draw other u as functions).  On
 * uniform (0, 1) data |A||B| = AB, so both are relative errors.
 *
 * results/accum_error/errors.csv, one row per (scheme, dist, K): median and
 * max over trials of both errors; plot_vars.gp: the schemes of each panel.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/accum.h"
#include "precbench/exact.h"
#include "precbench/gemm.h"
#include "precbench/generate.h"
#include "precbench/scale.h"
#include "precbench/scheme.h"

static const char *const header =
    "scheme,group,dist,k,m,n,trials,normwise_median,normwise_max,"
    "componentwise_median,componentwise_max,gamma_k,sqrt_k_u";

/* The panels of the figures, decided by what the scheme is made of. */
static const char *const groups[] = {"fp32", "16bit", "lowacc", "fp8", "block"};
enum { NGROUPS = sizeof groups / sizeof groups[0] };

static const char *scheme_group(const pb_scheme *s)
{
    const char *fmt = pb_scheme_format(s, 0)->spec.name;
    const char *acc = pb_accum_model_name(pb_scheme_accum(s)->model);
    const char *scale = pb_scaling_method_name(pb_scheme_scaling(s, 0)->method);
    bool fp8 = strcmp(fmt, "e4m3") == 0 || strcmp(fmt, "e5m2") == 0;
    if (strcmp(fmt, "fp32") == 0) return "fp32";
    if (fp8 && (strcmp(scale, "tensor") == 0 || strcmp(scale, "delayed") == 0)) return "fp8";
    if (strcmp(fmt, "tf32") == 0 || strcmp(fmt, "bf16") == 0 || strcmp(fmt, "fp16") == 0) {
        bool lowacc = strcmp(acc, "fp16") == 0 || strcmp(acc, "bf16") == 0 ||
                      strcmp(acc, "tensorcore") == 0;
        return lowacc ? "lowacc" : "16bit";
    }
    return "block";
}

/* plot_vars.gp: one string of scheme names per group.  Delayed-scaling
 * variants are left out of the figures: in one GEMM without a history they
 * are the current-scaling scheme (their rows are in the CSV). */
static pb_status write_plot_vars(pb_exp *x)
{
    size_t cap = 8192, len = 0;
    char *text = malloc(cap);
    if (!text) return PB_ERR_NOMEM;
    len += (size_t)snprintf(text + len, cap - len,
                            "# written by `precbench experiment accum_error`: the schemes of each panel\n");
    for (size_t g = 0; g < NGROUPS; g++) {
        len += (size_t)snprintf(text + len, cap - len, "schemes_%s = \"", groups[g]);
        bool first = true;
        for (size_t i = 0; i < pb_scheme_count(); i++) {
            const pb_scheme *s = pb_scheme_at(i);
            if (pb_scheme_uses_delayed(s) || strcmp(scheme_group(s), groups[g]) != 0) continue;
            len += (size_t)snprintf(text + len, cap - len, "%s%s", first ? "" : " ", pb_scheme_name(s));
            first = false;
            if (len + 256 > cap) {
                char *t = realloc(text, cap *= 2);
                if (!t) {
                    free(text);
                    return PB_ERR_NOMEM;
                }
                text = t;
            }
        }
        len += (size_t)snprintf(text + len, cap - len, "\"\n");
    }
    pb_status st = pb_exp_write_text(x, "plot_vars.gp", text);
    free(text);
    return st;
}

typedef struct point_buf {
    size_t kmax;
    double *nw, *cw;      /* [scheme][trial] normwise, componentwise    */
} point_buf;

static void errors_of(const float *c, const double *ref, const double *absab, size_t mn,
                      double *normwise, double *componentwise)
{
    double num = 0, den = 0, cmax = 0;
    for (size_t i = 0; i < mn; i++) {
        double d = fabs((double)c[i] - ref[i]);
        num += d * d;
        den += absab[i] * absab[i];
        double r = absab[i] > 0 ? d / absab[i] : (d > 0 ? INFINITY : 0);
        if (r > cmax || isnan(d)) cmax = isnan(d) ? NAN : r;
    }
    *normwise = den > 0 ? sqrt(num) / sqrt(den) : (num > 0 ? INFINITY : 0);
    *componentwise = cmax;
}

/* One trial: new matrices, the exact product, every scheme (1 thread each:
 * trials run in parallel, and tiny GEMMs gain nothing from threads). */
static pb_status run_trial(pb_exp *x, point_buf *pb, pb_dist dist, int dist_idx, size_t k, int logk,
                           size_t m, size_t n, size_t trials, size_t t)
{
    size_t ns = pb_scheme_count();
    const uint64_t seed = x->o.seed;
    float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b), *c = malloc(m * n * sizeof *c);
    double *ref = malloc(m * n * sizeof *ref), *absab = malloc(m * n * sizeof *absab);
    pb_status st = (!a || !b || !c || !ref || !absab) ? PB_ERR_NOMEM : PB_OK;
    uint32_t stream = (uint32_t)(dist_idx * 1000000 + logk * 10000 + (int)t * 2);
    if (st == PB_OK) st = pb_generate_matrix_f32(dist, seed, stream, m, k, a, k);
    if (st == PB_OK) st = pb_generate_matrix_f32(dist, seed, stream + 1, k, n, b, n);
    if (st == PB_OK)
        st = pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 1);
    if (st == PB_OK) {
        /* |A||B| in binary64: nonnegative terms, relative error <= gamma_K(2^-53). */
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                double s = 0;
                for (size_t kk = 0; kk < k; kk++) s += fabs((double)a[i * k + kk]) * fabs((double)b[kk * n + j]);
                absab[i * n + j] = s;
            }
    }
    for (size_t si = 0; st == PB_OK && si < ns; si++) {
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        ctx.seed = seed + t;
        ctx.threads = 1;
        st = pb_gemm(pb_scheme_at(si), &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        if (st == PB_OK) errors_of(c, ref, absab, m * n, &pb->nw[si * trials + t], &pb->cw[si * trials + t]);
    }
    free(a);
    free(b);
    free(c);
    free(ref);
    free(absab);
    return st;
}

static pb_status run_point(pb_exp *x, pb_exp_csv *csv, point_buf *pb, pb_dist dist, int dist_idx,
                           size_t k, int logk, size_t m, size_t n, size_t trials)
{
    size_t ns = pb_scheme_count();
    pb_status st = PB_OK;
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t t = 0; t < trials; t++) {
        pb_status ts = run_trial(x, pb, dist, dist_idx, k, logk, m, n, trials, t);
        if (ts != PB_OK) {
#pragma omp critical(accum_error_status)
            st = ts;
        }
    }
    if (st != PB_OK) return st;
    pb_exp_progress_done(x, (double)(m * n * k * ns * trials));
    const double u = ldexp(1.0, -24);
    for (size_t si = 0; si < ns; si++) {
        const pb_scheme *s = pb_scheme_at(si);
        double *nw = &pb->nw[si * trials], *cw = &pb->cw[si * trials];
        double nmax = pb_exp_max(nw, trials), cmax = pb_exp_max(cw, trials);
        st = pb_exp_csv_row(csv, "%s,%s,%s,%zu,%zu,%zu,%zu,%s,%s,%s,%s,%s,%s", pb_scheme_name(s),
                            scheme_group(s), pb_dist_name(dist), k, m, n, trials,
                            pb_exp_g(pb_exp_median(nw, trials)).s, pb_exp_g(nmax).s,
                            pb_exp_g(pb_exp_median(cw, trials)).s, pb_exp_g(cmax).s,
                            pb_exp_g(pb_exp_gamma((double)k, u)).s, pb_exp_g(sqrt((double)k) * u).s);
        if (st != PB_OK) return st;
    }
    return pb_exp_csv_commit(csv);
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;

    const int logk_min = 4, logk_max = (int)pb_exp_pick(&x, 10, 16);
    const size_t m = pb_exp_pick(&x, 8, 16), n = m;
    const size_t trials = pb_exp_sample(&x, pb_exp_pick(&x, 3, 16), 2);
    const pb_dist dists[] = {PB_DIST_NORMAL, PB_DIST_UNIFORM01};
    const size_t ns = pb_scheme_count(), kmax = (size_t)1 << logk_max;

    pb_exp_param_int(&x, "log2_k_min", logk_min);
    pb_exp_param_int(&x, "log2_k_max", logk_max);
    pb_exp_param_int(&x, "m", (long long)m);
    pb_exp_param_int(&x, "n", (long long)n);
    pb_exp_param_int(&x, "trials", (long long)trials);
    pb_exp_param_list(&x, "dists", "normal uniform01");
    pb_exp_param_real(&x, "u_bounds", ldexp(1.0, -24));
    pb_exp_param_str(&x, "reference", "pb_exact_gemm_f32: exact product rounded once to binary64");
    pb_exp_param_str(&x, "stochastic_seed", "trial t uses gemm seed = seed + t, stream 0");
    pb_exp_note(&x, "errors are measured against |A||B|: normwise ||C-AB||_F/|| |A||B| ||_F, "
                    "componentwise max_ij |C-AB|_ij/(|A||B|)_ij");
    pb_exp_note(&x, "delayed-scaling schemes equal current scaling here (one GEMM, no amax history)");

    point_buf pb = {kmax, NULL, NULL};
    pb.nw = malloc(ns * trials * sizeof *pb.nw);
    pb.cw = malloc(ns * trials * sizeof *pb.cw);
    pb_exp_csv *csv = NULL;
    if (!pb.nw || !pb.cw) st = PB_ERR_NOMEM;
    if (st == PB_OK) st = pb_exp_write_meta(&x);
    if (st == PB_OK) st = write_plot_vars(&x);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "errors.csv", header, "dist,k,m,trials", &csv);

    double total = 0;
    for (int lk = logk_min; lk <= logk_max; lk++)
        total += 2.0 * (double)(m * n * ((size_t)1 << lk) * ns * trials);
    pb_exp_progress_total(&x, total);

    for (int d = 0; st == PB_OK && d < 2; d++)
        for (int lk = logk_min; st == PB_OK && lk <= logk_max; lk++) {
            size_t k = (size_t)1 << lk;
            char key[128];
            snprintf(key, sizeof key, "%s,%zu,%zu,%zu", pb_dist_name(dists[d]), k, m, trials);
            if (pb_exp_csv_done(csv, key)) {
                pb_exp_progress_skipped(&x, (double)(m * n * k * ns * trials));
                continue;
            }
            st = run_point(&x, csv, &pb, dists[d], d, k, lk, m, n, trials);
        }

    pb_status cs = pb_exp_csv_close(csv, st);
    if (st == PB_OK) st = cs;
    free(pb.nw);
    free(pb.cw);
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_accum_error = {
    .name = "accum_error",
    .description = "accumulation error vs K (2^4..2^16) of every scheme, normwise and "
                   "componentwise, normal and uniform(0,1) data, with gamma_K u and sqrt(K) u",
    .outputs = "errors.csv",
    .run = run,
};
