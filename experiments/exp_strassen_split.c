/* Experiment strassen_split: fast and split-precision algorithms
 * (precbench/alg.h).
 *
 * strassen.csv  C = A B, N x N, uniform (-1, 1) data, by Strassen and
 *               Strassen-Winograd recursing d levels (leaves of N0 = N / 2^d)
 *               over fp32 and bf16 leaf products.  Error in the norm of
 *               Higham's bound: max|C - AB| / (max|A| max|B|), max over
 *               trials; also the normwise error over |A||B| (median).  The
 *               bound f(N, N0) u (Higham 2002, Theorems 23.2, 23.3) with u the
 *               unit roundoff of the leaf format (2^-24 or 2^-8).
 * split.csv     bf16 split-precision products emulating fp32 (bf16x3, bf16x6,
 *               bf16x9, Karatsuba bf16x3k) beside one bf16, one tf32 and one
 *               fp32 GEMM: normwise error against cost (bf16 GEMMs, and their
 *               flops relative to one GEMM), standard normal data.
 * ozaki.csv     Ozaki-style fp64 emulation with S int8 slices (triangular,
 *               full, Karatsuba, binary64 summation) beside a classical fp64
 *               triple loop: normwise error against the number of int8 slice
 *               products, standard normal and lognormal data (float64).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/alg.h"
#include "precbench/exact.h"
#include "precbench/gemm.h"
#include "precbench/generate.h"
#include "precbench/scheme.h"

static const char *const strassen_header =
    "alg,leaf,n,n0,depth,trials,maxnorm_err,normwise_err,bound,u";
static const char *const split_header =
    "alg,scheme,n,trials,products,flops_ratio,normwise_median,normwise_max";
static const char *const ozaki_header =
    "variant,dist,n,slices,trials,products,normwise_median,normwise_max";

static void abs_product_f32(const float *a, const float *b, size_t n, double *out)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) out[i * n + j] = 0;
        for (size_t k = 0; k < n; k++) {
            double ai = fabs((double)a[i * n + k]);
            for (size_t j = 0; j < n; j++) out[i * n + j] += ai * fabs((double)b[k * n + j]);
        }
    }
}

static void abs_product_f64(const double *a, const double *b, size_t n, double *out)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) out[i * n + j] = 0;
        for (size_t k = 0; k < n; k++) {
            double ai = fabs(a[i * n + k]);
            for (size_t j = 0; j < n; j++) out[i * n + j] += ai * fabs(b[k * n + j]);
        }
    }
}

static double normwise_f(const float *c, const double *ref, const double *absab, size_t nn)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < nn; i++) {
        double d = (double)c[i] - ref[i];
        num += d * d;
        den += absab[i] * absab[i];
    }
    return den > 0 ? sqrt(num / den) : 0.0;
}

static double normwise_d(const double *c, const double *ref, const double *absab, size_t nn)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < nn; i++) {
        double d = c[i] - ref[i];
        num += d * d;
        den += absab[i] * absab[i];
    }
    return den > 0 ? sqrt(num / den) : 0.0;
}

static double maxabs_f(const float *x, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)x[i]));
    return m;
}

/* The largest power of two <= n (n >= 1). */
static size_t pow2_floor(size_t n)
{
    size_t p = 1;
    while (2 * p <= n) p *= 2;
    return p;
}

/* The leaves run on one thread: results do not depend on it, and a tiny
 * leaf GEMM spends more on waking threads than on arithmetic. */
static pb_gemm_ctx one_thread_ctx(void)
{
    pb_gemm_ctx c = pb_gemm_ctx_default();
    c.threads = 1;
    return c;
}

/* ---- Strassen and Winograd vs depth --------------------------------------------- */

static pb_status strassen_part(pb_exp *x, pb_exp_csv *csv)
{
    const size_t n = pow2_floor(pb_exp_sample(x, pb_exp_pick(x, 128, 512), 64));
    const size_t n0_min = 8;
    const size_t trials = pb_exp_sample(x, pb_exp_pick(x, 1, 3), 1);
    pb_exp_param_int(x, "strassen_n", (long long)n);
    pb_exp_param_int(x, "strassen_n0_min", (long long)n0_min);
    pb_exp_param_int(x, "strassen_trials", (long long)trials);
    const char *leaves[] = {"fp32", "bf16"};
    const pb_gemm_ctx one_thread = one_thread_ctx();
    const pb_alg_kind kinds[] = {PB_ALG_STRASSEN, PB_ALG_WINOGRAD};
    float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = malloc(n * n * sizeof *c);
    double *ref = malloc(n * n * sizeof *ref), *absab = malloc(n * n * sizeof *absab);
    double *err = malloc(trials * 2 * sizeof *err);
    pb_status st = (!a || !b || !c || !ref || !absab || !err) ? PB_ERR_NOMEM : PB_OK;

    for (size_t li = 0; st == PB_OK && li < 2; li++) {
        const pb_scheme *leaf = pb_scheme_by_name(leaves[li]);
        if (!leaf) {
            st = PB_ERR_UNKNOWN_SCHEME;
            break;
        }
        double u = pb_exp_unit_roundoff(pb_scheme_format(leaf, 0)->spec.name);
        for (size_t ki = 0; st == PB_OK && ki < 2; ki++)
            for (size_t n0 = n, depth = 0; st == PB_OK && n0 >= n0_min; n0 /= 2, depth++) {
                pb_alg alg = {.kind = kinds[ki], .cutoff = n0 == n ? n : n0};
                char name[48];
                pb_alg_name(&alg, name, sizeof name);
                const char *kname = kinds[ki] == PB_ALG_STRASSEN ? "strassen" : "winograd";
                char key[96];
                snprintf(key, sizeof key, "%s,%s,%zu,%zu,%zu", kname, leaves[li], n, n0, trials);
                double work = (double)n * n * n * trials;
                if (pb_exp_csv_done(csv, key)) {
                    pb_exp_progress_skipped(x, work);
                    continue;
                }
                double *maxn = err, *nw = err + trials;
                for (size_t t = 0; st == PB_OK && t < trials; t++) {
                    uint32_t stream = (uint32_t)(4000000 + 2 * t);
                    st = pb_generate_matrix_f32(PB_DIST_UNIFORM, x->o.seed, stream, n, n, a, n);
                    if (st == PB_OK) st = pb_generate_matrix_f32(PB_DIST_UNIFORM, x->o.seed, stream + 1, n, n, b, n);
                    if (st == PB_OK)
                        st = pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, n, n, n, a, n, b, n, ref, n, NULL, NULL, 0);
                    if (st == PB_OK) st = pb_alg_gemm(&alg, leaf, &one_thread, n, n, n, a, n, b, n, c, n);
                    if (st != PB_OK) break;
                    abs_product_f32(a, b, n, absab);
                    double m = 0;
                    for (size_t i = 0; i < n * n; i++) m = fmax(m, fabs((double)c[i] - ref[i]));
                    maxn[t] = m / (maxabs_f(a, n * n) * maxabs_f(b, n * n));
                    nw[t] = normwise_f(c, ref, absab, n * n);
                }
                if (st != PB_OK) break;
                pb_exp_progress_done(x, work);
                double mx = pb_exp_max(maxn, trials), med = pb_exp_median(nw, trials);
                double bound = pb_alg_strassen_bound(kinds[ki], n, n0) * u;
                st = pb_exp_csv_row(csv, "%s,%s,%zu,%zu,%zu,%zu,%s,%s,%s,%s", kname, leaves[li], n, n0, depth,
                                    trials, pb_exp_g(mx).s, pb_exp_g(med).s, pb_exp_g(bound).s, pb_exp_g(u).s);
                if (st == PB_OK) st = pb_exp_csv_commit(csv);
            }
    }
    free(a);
    free(b);
    free(c);
    free(ref);
    free(absab);
    free(err);
    return st;
}

/* ---- bf16 split precision: error vs cost ------------------------------------------- */

static pb_status split_part(pb_exp *x, pb_exp_csv *csv)
{
    const size_t n = pb_exp_sample(x, pb_exp_pick(x, 64, 256), 32);
    const size_t trials = pb_exp_sample(x, pb_exp_pick(x, 2, 4), 1);
    pb_exp_param_int(x, "split_n", (long long)n);
    pb_exp_param_int(x, "split_trials", (long long)trials);
    static const struct {
        const char *alg, *scheme;
    } runs[] = {
        {"classical", "bf16"}, {"classical", "tf32"}, {"bf16x3", "bf16"}, {"bf16x3k", "bf16"},
        {"bf16x6", "bf16"},    {"bf16x9", "bf16"},    {"classical", "fp32"},
    };
    enum { NRUNS = sizeof runs / sizeof runs[0] };
    const pb_gemm_ctx one_thread = one_thread_ctx();
    float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = malloc(n * n * sizeof *c);
    double *ref = malloc(trials * n * n * sizeof *ref), *absab = malloc(trials * n * n * sizeof *absab);
    double *e = malloc(trials * sizeof *e);
    pb_status st = (!a || !b || !c || !ref || !absab || !e) ? PB_ERR_NOMEM : PB_OK;
    bool refs_ready = false;
    for (size_t r = 0; st == PB_OK && r < NRUNS; r++) {
        char key[96];
        snprintf(key, sizeof key, "%s,%s,%zu,%zu", runs[r].alg, runs[r].scheme, n, trials);
        double work = (double)n * n * n * trials;
        if (pb_exp_csv_done(csv, key)) {
            pb_exp_progress_skipped(x, work);
            continue;
        }
        pb_alg alg;
        st = pb_alg_parse(runs[r].alg, &alg);
        const pb_scheme *s = pb_scheme_by_name(runs[r].scheme);
        if (st == PB_OK && !s) st = PB_ERR_UNKNOWN_SCHEME;
        pb_alg_cost cost;
        if (st == PB_OK) st = pb_alg_cost_of(&alg, n, n, n, &cost);
        for (size_t t = 0; st == PB_OK && t < trials; t++) {
            uint32_t stream = (uint32_t)(5000000 + 2 * t);
            st = pb_generate_matrix_f32(PB_DIST_NORMAL, x->o.seed, stream, n, n, a, n);
            if (st == PB_OK) st = pb_generate_matrix_f32(PB_DIST_NORMAL, x->o.seed, stream + 1, n, n, b, n);
            if (st == PB_OK && !refs_ready) {
                st = pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, n, n, n, a, n, b, n, ref + t * n * n, n, NULL,
                                       NULL, 0);
                abs_product_f32(a, b, n, absab + t * n * n);
            }
            if (st == PB_OK) st = pb_alg_gemm(&alg, s, &one_thread, n, n, n, a, n, b, n, c, n);
            if (st == PB_OK) e[t] = normwise_f(c, ref + t * n * n, absab + t * n * n, n * n);
        }
        if (st != PB_OK) break;
        refs_ready = true;
        pb_exp_progress_done(x, work);
        double mx = pb_exp_max(e, trials), med = pb_exp_median(e, trials);
        st = pb_exp_csv_row(csv, "%s,%s,%zu,%zu,%llu,%s,%s,%s", runs[r].alg, runs[r].scheme, n, trials,
                            (unsigned long long)cost.products,
                            pb_exp_g(cost.product_flops / cost.classical_flops).s, pb_exp_g(med).s, pb_exp_g(mx).s);
        if (st == PB_OK) st = pb_exp_csv_commit(csv);
    }
    free(a);
    free(b);
    free(c);
    free(ref);
    free(absab);
    free(e);
    return st;
}

/* ---- Ozaki slices: error vs products ----------------------------------------------- */

static pb_status ozaki_part(pb_exp *x, pb_exp_csv *csv)
{
    const size_t n = pb_exp_sample(x, pb_exp_pick(x, 64, 256), 32);
    const int smax = (int)pb_exp_pick(x, 7, 9);
    const size_t trials = pb_exp_sample(x, pb_exp_pick(x, 1, 3), 1);
    pb_exp_param_int(x, "ozaki_n", (long long)n);
    pb_exp_param_int(x, "ozaki_slices_max", smax);
    pb_exp_param_int(x, "ozaki_trials", (long long)trials);
    static const char *const variants[] = {"", ",full", ",k", ",fp64"};
    static const char *const vnames[] = {"triangular", "full", "karatsuba", "fp64-sum"};
    const pb_dist dists[] = {PB_DIST_NORMAL, PB_DIST_LOGNORMAL};
    double *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = malloc(n * n * sizeof *c);
    double *ref = malloc(trials * n * n * sizeof *ref), *absab = malloc(trials * n * n * sizeof *absab);
    double *e = malloc(trials * sizeof *e);
    pb_status st = (!a || !b || !c || !ref || !absab || !e) ? PB_ERR_NOMEM : PB_OK;
    for (int d = 0; st == PB_OK && d < 2; d++) {
        /* The data and exact products of this distribution, once. */
        for (size_t t = 0; st == PB_OK && t < trials; t++) {
            uint32_t stream = (uint32_t)(6000000 + 1000 * d + 2 * t);
            st = pb_generate_matrix_f64(dists[d], x->o.seed, stream, n, n, a, n);
            if (st == PB_OK) st = pb_generate_matrix_f64(dists[d], x->o.seed, stream + 1, n, n, b, n);
            if (st == PB_OK)
                st = pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, n, n, n, a, n, b, n, ref + t * n * n, n, NULL, NULL, 0);
            abs_product_f64(a, b, n, absab + t * n * n);
        }
        /* row 0: the classical fp64 triple loop (index order, no FMA) */
        for (int s = 0; st == PB_OK && s <= smax; s++)
            for (size_t v = 0; st == PB_OK && v < (s == 0 ? 1 : 4); v++) {
                char key[96], spec[48];
                const char *vname = s == 0 ? "fp64-classical" : vnames[v];
                snprintf(key, sizeof key, "%s,%s,%zu,%d,%zu", vname, pb_dist_name(dists[d]), n, s, trials);
                double work = (double)n * n * n * trials;
                if (pb_exp_csv_done(csv, key)) {
                    pb_exp_progress_skipped(x, work);
                    continue;
                }
                pb_alg alg;
                pb_alg_cost cost = {0};
                if (s > 0) {
                    snprintf(spec, sizeof spec, "ozaki:%d%s", s, variants[v]);
                    st = pb_alg_parse(spec, &alg);
                    if (st == PB_OK) st = pb_alg_cost_of(&alg, n, n, n, &cost);
                }
                for (size_t t = 0; st == PB_OK && t < trials; t++) {
                    uint32_t stream = (uint32_t)(6000000 + 1000 * d + 2 * t);
                    st = pb_generate_matrix_f64(dists[d], x->o.seed, stream, n, n, a, n);
                    if (st == PB_OK) st = pb_generate_matrix_f64(dists[d], x->o.seed, stream + 1, n, n, b, n);
                    if (st != PB_OK) break;
                    if (s > 0) {
                        st = pb_alg_gemm_f64(&alg, NULL, NULL, n, n, n, a, n, b, n, c, n);
                    } else {
#pragma omp parallel for schedule(static)
                        for (size_t i = 0; i < n; i++)
                            for (size_t j = 0; j < n; j++) {
                                double acc = 0;
                                for (size_t k = 0; k < n; k++) acc += a[i * n + k] * b[k * n + j];
                                c[i * n + j] = acc;
                            }
                    }
                    if (st == PB_OK) e[t] = normwise_d(c, ref + t * n * n, absab + t * n * n, n * n);
                }
                if (st != PB_OK) break;
                pb_exp_progress_done(x, work);
                st = pb_exp_csv_row(csv, "%s,%s,%zu,%d,%zu,%llu,%s,%s", vname, pb_dist_name(dists[d]), n,
                                    s, trials, (unsigned long long)cost.products,
                                    pb_exp_g(pb_exp_median(e, trials)).s, pb_exp_g(pb_exp_max(e, trials)).s);
                if (st == PB_OK) st = pb_exp_csv_commit(csv);
            }
    }
    free(a);
    free(b);
    free(c);
    free(ref);
    free(absab);
    free(e);
    return st;
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;
    pb_exp_note(&x, "errors against the exact product (pb_exact_gemm_f32/_f64); normwise = "
                    "||C - AB||_F / || |A||B| ||_F; maxnorm = max|C - AB| / (max|A| max|B|)");
    pb_exp_csv *sc = NULL, *pc = NULL, *oc = NULL;
    st = pb_exp_csv_open(&x, "strassen.csv", strassen_header, "alg,leaf,n,n0,trials", &sc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "split.csv", split_header, "alg,scheme,n,trials", &pc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "ozaki.csv", ozaki_header, "variant,dist,n,slices,trials", &oc);
    /* Work in multiply-adds of the leaves, roughly. */
    double ns = (double)pb_exp_pick(&x, 128, 512), np = (double)pb_exp_pick(&x, 64, 256);
    double depths = log2(ns / 8.0) + 1;
    pb_exp_progress_total(&x, 8 * depths * ns * ns * ns * (double)pb_exp_pick(&x, 1, 3) +
                                  7 * np * np * np * (double)pb_exp_pick(&x, 2, 4) +
                                  2 * 37 * np * np * np * (double)pb_exp_pick(&x, 1, 3));
    if (st == PB_OK) st = strassen_part(&x, sc);
    if (st == PB_OK) st = split_part(&x, pc);
    if (st == PB_OK) st = ozaki_part(&x, oc);
    pb_exp_csv *all[3] = {sc, pc, oc};
    for (int i = 0; i < 3; i++) {
        pb_status cs = pb_exp_csv_close(all[i], st);
        if (st == PB_OK) st = cs;
    }
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_strassen_split = {
    .name = "strassen_split",
    .description = "Strassen and Winograd error vs recursion depth over fp32 and bf16 leaves with "
                   "the bound; bf16x3/x6/x9 and Ozaki slices: error vs cost",
    .outputs = "strassen.csv split.csv ozaki.csv",
    .run = run,
};
