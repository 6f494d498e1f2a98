/* Experiment drift: non-associativity.  The same sums in other orders.
 *
 * Dot products (length K, standard normal float32 vectors), each summed by
 * an accumulator ("scheme": fp32, bf16 and fp16 accumulators with rounding
 * to nearest, fp64, exact) in these orders:
 *
 *   index        k = 0, 1, ..., K-1: the reference
 *   reversed     k = K-1, ..., 0
 *   permutation  R random permutations (pooled)
 *   pairwise     recursive halving (split at the largest power of two < n)
 *   lanes:W      W interleaved partial sums (lane l: k = l mod W), then a
 *                halving tree, as a SIMD kernel sums
 *   splitk:S     S contiguous chunks summed separately, then added in order
 *   threads:2    an OpenMP `reduction(+)` loop on 2 threads (fp32, fp64
 *                only: what a naive parallel dot product does; on 1 thread
 *                it is the index order)
 *
 * Every partial result and every combination is rounded as the accumulator
 * rounds (pb_accum_dot on the partials); the exact accumulator keeps its
 * partials exact (long accumulators added together) and rounds once.  The
 * difference to the index order is counted in ulps of the accumulator's
 * format at the index-order result (fp32 for exact, its output).
 *
 * GEMMs: every scheme of the table on M x K times K x N normal data, the
 * project's kernels with 2 threads against 1 (threads:2), the scalar model
 * against the default (fast) kernel (model), and K split into S GEMMs
 * accumulated through beta = 1 (splitk:S) against one GEMM.
 *
 * results/drift/dot_orders.csv, dot_hist.csv, gemm.csv.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/accum.h"
#include "precbench/exact.h"
#include "precbench/format.h"
#include "precbench/gemm.h"
#include "precbench/generate.h"
#include "precbench/metrics.h"
#include "precbench/rng.h"
#include "precbench/scheme.h"

static const char *const orders_header =
    "scheme,order,order_idx,k,samples,identical,frac_identical,ulp_median,ulp_p99,ulp_max,ulp_mean";
static const char *const hist_header =
    "scheme,k,samples,compared,bin,ulp_lo,ulp_hi,count,fraction";
static const char *const gemm_header =
    "scheme,scheme_idx,variant,m,n,k,outputs,identical,frac_identical,ulp_median,ulp_max";

typedef struct dscheme {
    const char *name;   /* in the CSV            */
    const char *accum;  /* pb_accum_parse text   */
    const char *format; /* whose ulps are counted */
} dscheme;

static const dscheme schemes[] = {
    {"fp32", "fp32", "fp32"},
    {"bf16-acc", "bf16:rn", "bf16"},
    {"fp16-acc", "fp16:rn", "fp16"},
    {"fp64", "fp64", "fp64"},
    {"exact", "exact", "fp32"},
};
enum { NSCHEMES = sizeof schemes / sizeof schemes[0] };

typedef enum order_kind {
    ORD_INDEX, ORD_REVERSED, ORD_PERM, ORD_PAIRWISE, ORD_LANES, ORD_SPLITK, ORD_THREADS
} order_kind;

typedef struct order {
    order_kind kind;
    int param;
    char name[24];
} order;

/* ---- one accumulator, any order ------------------------------------------- */

typedef struct summer {
    pb_accum acc;
    bool exact, wide;
    const pb_format *fmt;
} summer;

/* Sum of the parts' values, in order, as the accumulator adds. */
static double combine(const summer *s, const double *v, size_t n)
{
    if (s->wide) {
        double ones[64];
        for (size_t i = 0; i < n; i++) ones[i] = 1.0;
        return pb_accum_dot_wide(&s->acc, v, ones, n, NULL);
    }
    float vf[64], ones[64];
    for (size_t i = 0; i < n; i++) {
        vf[i] = (float)v[i]; /* partials of narrow models are binary32 values */
        ones[i] = 1.0f;
    }
    return pb_accum_dot(&s->acc, vf, ones, n, NULL);
}

/* Pairwise over products: P(n) = P(h) + P(n - h), h the largest power of
 * two below n; leaves are one product as the model rounds it. */
static double pairwise(const summer *s, const float *a, const float *b, size_t n)
{
    if (n == 1) return pb_accum_dot(&s->acc, a, b, 1, NULL);
    size_t h = 1;
    while (2 * h < n) h *= 2;
    double v[2] = {pairwise(s, a, b, h), pairwise(s, a + h, b + h, n - h)};
    return combine(s, v, 2);
}

static void exact_add(pb_longacc *acc, const float *a, const float *b, size_t n, size_t stride)
{
    for (size_t i = 0; i < n; i += stride) pb_longacc_add_product(acc, a[i], b[i]);
}

static double exact_round(const pb_longacc *acc)
{
    pb_rounding r = pb_rounding_default();
    return pb_longacc_round(acc, pb_format_by_name("fp32"), &r, 0);
}

/* The exact accumulator in a split order: exact partials, added exactly. */
static double exact_split(const float *a, const float *b, size_t k, const order *o)
{
    pb_longacc total, part;
    pb_longacc_init(&total);
    if (o->kind == ORD_LANES) {
        size_t w = (size_t)o->param;
        for (size_t l = 0; l < w; l++) {
            pb_longacc_init(&part);
            exact_add(&part, a + l, b + l, k - l, w);
            pb_longacc_add_acc(&total, &part);
        }
    } else { /* splitk and pairwise: contiguous pieces, the last first */
        size_t parts = o->kind == ORD_SPLITK ? (size_t)o->param : 2;
        size_t chunk = (k + parts - 1) / parts;
        for (size_t p = parts; p-- > 0;) {
            size_t lo = p * chunk, hi = lo + chunk < k ? lo + chunk : k;
            if (lo >= hi) continue;
            pb_longacc_init(&part);
            exact_add(&part, a + lo, b + lo, hi - lo, 1);
            pb_longacc_add_acc(&total, &part);
        }
    }
    return exact_round(&total);
}

/* OpenMP's reduction on `threads` threads (static schedule). */
static double omp_dot(const summer *s, const float *a, const float *b, size_t k, int threads)
{
    if (s->wide) {
        double acc = 0;
#pragma omp parallel for reduction(+ : acc) num_threads(threads) schedule(static)
        for (size_t i = 0; i < k; i++) acc += (double)a[i] * (double)b[i];
        return acc;
    }
    float acc = 0;
#pragma omp parallel for reduction(+ : acc) num_threads(threads) schedule(static)
    for (size_t i = 0; i < k; i++) acc += a[i] * b[i];
    return acc;
}

/* The sum of a . b (length k) in order o; pa, pb scratch of length k. */
static double sum_in_order(const summer *s, const order *o, const float *a, const float *b, size_t k,
                           const uint32_t *perm, float *pa, float *pb)
{
    switch (o->kind) {
    case ORD_INDEX: return pb_accum_dot(&s->acc, a, b, k, NULL);
    case ORD_REVERSED:
    case ORD_PERM:
        for (size_t i = 0; i < k; i++) {
            size_t j = o->kind == ORD_REVERSED ? k - 1 - i : perm[i];
            pa[i] = a[j];
            pb[i] = b[j];
        }
        return pb_accum_dot(&s->acc, pa, pb, k, NULL);
    case ORD_PAIRWISE:
        return s->exact ? exact_split(a, b, k, o) : pairwise(s, a, b, k);
    case ORD_LANES: {
        if (s->exact) return exact_split(a, b, k, o);
        size_t w = (size_t)o->param;
        double lane[64];
        for (size_t l = 0; l < w; l++) {
            size_t n = 0;
            for (size_t i = l; i < k; i += w, n++) {
                pa[n] = a[i];
                pb[n] = b[i];
            }
            lane[l] = pb_accum_dot(&s->acc, pa, pb, n, NULL);
        }
        for (size_t h = w / 2; h >= 1; h /= 2)
            for (size_t l = 0; l < h; l++) {
                double v[2] = {lane[l], lane[l + h]};
                lane[l] = combine(s, v, 2);
            }
        return lane[0];
    }
    case ORD_SPLITK: {
        if (s->exact) return exact_split(a, b, k, o);
        size_t parts = (size_t)o->param, chunk = k / parts;
        double v[64];
        for (size_t p = 0; p < parts; p++)
            v[p] = pb_accum_dot(&s->acc, a + p * chunk, b + p * chunk, chunk, NULL);
        return combine(s, v, parts);
    }
    case ORD_THREADS: return omp_dot(s, a, b, k, o->param);
    }
    return NAN;
}

/* Difference in ulps of fmt at ref (0 when bitwise equal). */
static double ulp_diff(const pb_format *fmt, double ref, double v)
{
    if (memcmp(&ref, &v, sizeof ref) == 0) return 0.0;
    return fabs(v - ref) / pb_metrics_ulp(fmt, ref);
}

/* ---- the dot-product part ----------------------------------------------------- */

static size_t make_orders(order *o, bool fp_native)
{
    size_t n = 0;
    o[n++] = (order){ORD_INDEX, 0, "index"};
    o[n++] = (order){ORD_REVERSED, 0, "reversed"};
    o[n++] = (order){ORD_PERM, 0, "permutation"};
    o[n++] = (order){ORD_PAIRWISE, 0, "pairwise"};
    static const int lanes[] = {4, 8, 16, 32, 64};
    for (size_t i = 0; i < 5; i++) {
        o[n] = (order){ORD_LANES, lanes[i], ""};
        snprintf(o[n].name, sizeof o[n].name, "lanes:%d", lanes[i]);
        n++;
    }
    static const int splits[] = {2, 4, 8, 16};
    for (size_t i = 0; i < 4; i++) {
        o[n] = (order){ORD_SPLITK, splits[i], ""};
        snprintf(o[n].name, sizeof o[n].name, "splitk:%d", splits[i]);
        n++;
    }
    if (fp_native) o[n++] = (order){ORD_THREADS, 2, "threads:2"};
    return n;
}

/* A random permutation of 0..k-1 (Fisher-Yates on counter-based words). */
static void make_perm(uint32_t *perm, size_t k, uint64_t seed, uint32_t stream)
{
    for (size_t i = 0; i < k; i++) perm[i] = (uint32_t)i;
    for (size_t i = k - 1; i > 0; i--) {
        size_t j = (size_t)(pb_rng_uniform(seed, stream, i, 0) * (double)(i + 1));
        if (j > i) j = i;
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

static pb_status dot_scheme(pb_exp *x, pb_exp_csv *oc, pb_exp_csv *hc, const dscheme *ds, size_t k,
                            size_t samples, size_t nperm)
{
    summer s = {0};
    pb_status st = pb_accum_parse(ds->accum, &s.acc);
    if (st != PB_OK) return st;
    s.wide = pb_accum_is_wide(&s.acc);
    s.exact = strcmp(ds->accum, "exact") == 0;
    s.fmt = pb_format_by_name(ds->format);
    bool fp_native = strcmp(ds->accum, "fp32") == 0 || strcmp(ds->accum, "fp64") == 0;
    order ord[24];
    size_t nord = make_orders(ord, fp_native);

    /* diff[o][sample * nperm + p]: permutations fill nperm slots, other orders 1. */
    size_t per = samples * nperm;
    double *diff = malloc(nord * per * sizeof *diff);
    uint32_t *perms = malloc(nperm * k * sizeof *perms);
    if (!diff || !perms) {
        free(diff);
        free(perms);
        return PB_ERR_NOMEM;
    }
    for (size_t p = 0; p < nperm; p++) make_perm(perms + p * k, k, x->o.seed, 900000u + (uint32_t)p);

    st = PB_OK;
#pragma omp parallel
    {
        float *a = malloc(4 * k * sizeof *a);
        float *b = a ? a + k : NULL, *pa = a ? a + 2 * k : NULL, *pbuf = a ? a + 3 * k : NULL;
        if (!a) {
#pragma omp atomic write
            st = PB_ERR_NOMEM;
        }
#pragma omp for schedule(dynamic, 4)
        for (size_t smp = 0; smp < samples; smp++) {
            if (!a) continue;
            pb_generate_f32(PB_DIST_NORMAL, x->o.seed, (uint32_t)(2 * smp), 0, a, k);
            pb_generate_f32(PB_DIST_NORMAL, x->o.seed, (uint32_t)(2 * smp + 1), 0, b, k);
            double ref = sum_in_order(&s, &ord[0], a, b, k, NULL, pa, pbuf);
            for (size_t oi = 0; oi < nord; oi++) {
                if (ord[oi].kind == ORD_THREADS) continue; /* below, outside this parallel region */
                size_t reps = ord[oi].kind == ORD_PERM ? nperm : 1;
                for (size_t p = 0; p < reps; p++) {
                    double v = sum_in_order(&s, &ord[oi], a, b, k, perms + p * k, pa, pbuf);
                    diff[oi * per + smp * reps + p] = ulp_diff(s.fmt, ref, v);
                }
            }
        }
        free(a);
    }
    if (st != PB_OK) goto out;
    /* The OpenMP reduction needs its own parallel region: inside the one
     * above it would run on one thread. */
    for (size_t oi = 0; oi < nord; oi++) {
        if (ord[oi].kind != ORD_THREADS) continue;
        float *a = malloc(2 * k * sizeof *a);
        if (!a) {
            st = PB_ERR_NOMEM;
            goto out;
        }
        float *b = a + k;
        for (size_t smp = 0; smp < samples; smp++) {
            pb_generate_f32(PB_DIST_NORMAL, x->o.seed, (uint32_t)(2 * smp), 0, a, k);
            pb_generate_f32(PB_DIST_NORMAL, x->o.seed, (uint32_t)(2 * smp + 1), 0, b, k);
            double ref = sum_in_order(&s, &ord[0], a, b, k, NULL, NULL, NULL);
            diff[oi * per + smp] = ulp_diff(s.fmt, ref, omp_dot(&s, a, b, k, ord[oi].param));
        }
        free(a);
    }

    /* Histogram over every order but the reference: bin 0 = identical, bin
     * j >= 2 = (2^(j-3), 2^(j-2)] ulps, bin 1 = (0, 1/2] (a result in the
     * binade below the reference can differ by half an ulp of it). */
    enum { NBINS = 48 };
    size_t hist[NBINS] = {0}, pooled = 0;
    for (size_t oi = 0; oi < nord; oi++) {
        size_t n = ord[oi].kind == ORD_PERM ? per : samples;
        double *d = diff + oi * per;
        size_t same = 0;
        for (size_t i = 0; i < n; i++) {
            same += d[i] == 0.0;
            if (oi == 0) continue;
            int bin = 0;
            if (d[i] > 0) {
                int e = (int)ceil(log2(d[i]));
                bin = e + 2 < 1 ? 1 : (e + 2 >= NBINS ? NBINS - 1 : e + 2);
            }
            hist[bin]++;
            pooled++;
        }
        double mean = pb_exp_mean(d, n);
        double med = pb_exp_median(d, n), p99 = pb_exp_quantile(d, n, 0.99), mx = pb_exp_max(d, n);
        st = pb_exp_csv_row(oc, "%s,%s,%zu,%zu,%zu,%zu,%s,%s,%s,%s,%s", ds->name, ord[oi].name, oi, k, n, same,
                            pb_exp_g((double)same / (double)n).s, pb_exp_g(med).s, pb_exp_g(p99).s,
                            pb_exp_g(mx).s, pb_exp_g(mean).s);
        if (st != PB_OK) goto out;
    }
    for (int bin = 0; bin < NBINS; bin++) {
        double lo = bin == 0 ? 0.0 : (bin == 1 ? 0.0 : ldexp(1.0, bin - 3));
        double hi = bin == 0 ? 0.0 : ldexp(1.0, bin - 2);
        st = pb_exp_csv_row(hc, "%s,%zu,%zu,%zu,%d,%s,%s,%zu,%s", ds->name, k, samples, pooled, bin,
                            pb_exp_g(lo).s,
                            pb_exp_g(hi).s, hist[bin], pb_exp_g((double)hist[bin] / (double)pooled).s);
        if (st != PB_OK) goto out;
    }
    st = pb_exp_csv_commit(oc);
    if (st == PB_OK) st = pb_exp_csv_commit(hc);
out:
    free(diff);
    free(perms);
    return st;
}

/* ---- the GEMM part --------------------------------------------------------------- */

static pb_status gemm_scheme(pb_exp_csv *gc, const pb_scheme *s, size_t idx, const float *a, const float *b,
                             size_t m, size_t n, size_t k, uint64_t seed, float *ref, float *c)
{
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.seed = seed;
    ctx.threads = 1;
    pb_status st = pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, ref, n);
    if (st != PB_OK) return st;
    const pb_format *out = pb_scheme_out_format(s);
    static const char *const variants[] = {"threads:2", "model", "splitk:2", "splitk:4", "splitk:8"};
    double *d = malloc(m * n * sizeof *d);
    if (!d) return PB_ERR_NOMEM;
    for (size_t v = 0; v < 5; v++) {
        ctx = pb_gemm_ctx_default();
        ctx.seed = seed;
        ctx.threads = 1;
        if (v == 0) ctx.threads = 2;
        if (v == 1) ctx.force_model = true;
        if (v <= 1) {
            st = pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        } else {
            size_t parts = (size_t)1 << (v - 1), chunk = k / parts;
            for (size_t p = 0; st == PB_OK && p < parts; p++)
                st = pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, chunk, 1.0f, a + p * chunk, k,
                             b + p * chunk * n, n, p ? 1.0f : 0.0f, c, n);
        }
        if (st != PB_OK) break;
        size_t same = 0;
        for (size_t i = 0; i < m * n; i++) {
            d[i] = ulp_diff(out, ref[i], c[i]);
            if (memcmp(&ref[i], &c[i], sizeof c[i]) == 0) {
                same++;
                d[i] = 0.0;
            }
        }
        double mx = pb_exp_max(d, m * n), med = pb_exp_median(d, m * n);
        st = pb_exp_csv_row(gc, "%s,%zu,%s,%zu,%zu,%zu,%zu,%zu,%s,%s,%s", pb_scheme_name(s), idx, variants[v], m, n,
                            k, m * n, same, pb_exp_g((double)same / (double)(m * n)).s, pb_exp_g(med).s,
                            pb_exp_g(mx).s);
        if (st != PB_OK) break;
    }
    free(d);
    return st == PB_OK ? pb_exp_csv_commit(gc) : st;
}

/* plot_vars.gp: the tic labels of the figures (order and scheme names at
 * their index columns), so that the scripts need not know the lists. */
static pb_status write_plot_vars(pb_exp *x)
{
    size_t cap = 16384, len = 0;
    char *t = malloc(cap);
    if (!t) return PB_ERR_NOMEM;
    order ord[24];
    size_t nord = make_orders(ord, true);
    len += (size_t)snprintf(t + len, cap - len,
                            "# written by `precbench experiment drift`: tic labels of the figures\n"
                            "order_tics = \"set xtics (");
    for (size_t i = 1; i < nord; i++)
        len += (size_t)snprintf(t + len, cap - len, "%s'%s' %zu", i > 1 ? ", " : "", ord[i].name, i);
    len += (size_t)snprintf(t + len, cap - len, ")\"\nscheme_tics = \"set xtics (");
    for (size_t i = 0; i < pb_scheme_count() && len + 128 < cap; i++)
        len += (size_t)snprintf(t + len, cap - len, "%s'%s' %zu", i ? ", " : "", pb_scheme_name(pb_scheme_at(i)), i);
    len += (size_t)snprintf(t + len, cap - len, ")\"\n");
    pb_status st = pb_exp_write_text(x, "plot_vars.gp", t);
    free(t);
    return st;
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;

    const size_t k = pb_exp_pick(&x, 1024, 4096);
    const size_t samples = pb_exp_sample(&x, pb_exp_pick(&x, 64, 1000), 8);
    const size_t nperm = pb_exp_sample(&x, pb_exp_pick(&x, 4, 16), 2);
    const size_t gm = pb_exp_pick(&x, 16, 32), gk = pb_exp_pick(&x, 256, 512);
    pb_exp_param_int(&x, "dot_k", (long long)k);
    pb_exp_param_int(&x, "dot_samples", (long long)samples);
    pb_exp_param_int(&x, "dot_permutations", (long long)nperm);
    pb_exp_param_str(&x, "dot_data", "standard normal float32, vectors of sample s: streams 2s, 2s+1");
    pb_exp_param_list(&x, "dot_lanes", "4 8 16 32 64");
    pb_exp_param_list(&x, "dot_splitk", "2 4 8 16");
    pb_exp_param_int(&x, "gemm_m", (long long)gm);
    pb_exp_param_int(&x, "gemm_n", (long long)gm);
    pb_exp_param_int(&x, "gemm_k", (long long)gk);
    pb_exp_param_str(&x, "gemm_reference", "pb_gemm with 1 thread, default kernel, gemm seed = seed");
    pb_exp_note(&x, "ulp differences are to the index-order result (dot) or the 1-thread default "
                    "kernel (gemm), in ulps of the accumulator's format (dot; fp32 for exact) or "
                    "the scheme's output format (gemm)");

    pb_exp_csv *oc = NULL, *hc = NULL, *gc = NULL;
    st = write_plot_vars(&x);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "dot_orders.csv", orders_header, "scheme,k,samples", &oc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "dot_hist.csv", hist_header, "scheme,k,samples", &hc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "gemm.csv", gemm_header, "scheme,m,n,k", &gc);
    const size_t ns = pb_scheme_count();
    double dot_work = (double)(k * samples * (nperm + 14)), gemm_work = (double)(gm * gm * gk * 7);
    pb_exp_progress_total(&x, NSCHEMES * dot_work + (double)ns * gemm_work);

    for (size_t i = 0; st == PB_OK && i < NSCHEMES; i++) {
        char key[128];
        snprintf(key, sizeof key, "%s,%zu,%zu", schemes[i].name, k, samples);
        pb_exp_csv *both[2] = {oc, hc};
        if (pb_exp_csv_done_all(both, 2, key)) {
            pb_exp_progress_skipped(&x, dot_work);
            continue;
        }
        st = dot_scheme(&x, oc, hc, &schemes[i], k, samples, nperm);
        pb_exp_progress_done(&x, dot_work);
    }

    float *a = malloc(gm * gk * sizeof *a), *b = malloc(gk * gm * sizeof *b);
    float *ref = malloc(gm * gm * sizeof *ref), *c = malloc(gm * gm * sizeof *c);
    if (st == PB_OK && (!a || !b || !ref || !c)) st = PB_ERR_NOMEM;
    if (st == PB_OK) st = pb_generate_matrix_f32(PB_DIST_NORMAL, x.o.seed, 500000, gm, gk, a, gk);
    if (st == PB_OK) st = pb_generate_matrix_f32(PB_DIST_NORMAL, x.o.seed, 500001, gk, gm, b, gm);
    for (size_t i = 0; st == PB_OK && i < ns; i++) {
        const pb_scheme *s = pb_scheme_at(i);
        char key[160];
        snprintf(key, sizeof key, "%s,%zu,%zu,%zu", pb_scheme_name(s), gm, gm, gk);
        if (pb_exp_csv_done(gc, key)) {
            pb_exp_progress_skipped(&x, gemm_work);
            continue;
        }
        st = gemm_scheme(gc, s, i, a, b, gm, gm, gk, x.o.seed, ref, c);
        pb_exp_progress_done(&x, gemm_work);
    }
    free(a);
    free(b);
    free(ref);
    free(c);

    pb_status c1 = pb_exp_csv_close(oc, st), c2 = pb_exp_csv_close(hc, st), c3 = pb_exp_csv_close(gc, st);
    if (st == PB_OK) st = c1 != PB_OK ? c1 : (c2 != PB_OK ? c2 : c3);
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_drift = {
    .name = "drift",
    .description = "non-associativity: dot products and GEMMs in other summation orders, split-K "
                   "and thread counts; ulp differences and bitwise-identical fractions",
    .outputs = "dot_orders.csv dot_hist.csv gemm.csv",
    .run = run,
};
