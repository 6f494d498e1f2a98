/* precbench tests: the scheme table, the single-string grammar, and the
 * scalar model of every scheme (docs/schemes.md).
 *
 * Every named scheme runs on the standard random test against the fp64
 * product and must meet its table bound, must not depend on the storage
 * layout or the thread count, and must depend on the seed exactly when it
 * is stochastic: the table is walked, so a new row is tested without new
 * code.  A few schemes are recomputed from section 1 of the definition
 * with the public pieces (formats, scales, accumulators). */
#include <math.h>

#include "harness.h"
#include "precbench/exact.h"
#include "precbench/gemm.h"
#include "precbench/rng.h"
#include "precbench/scheme.h"
#include "scheme/scheme_internal.h"

static float *normal_matrix(size_t n, uint64_t seed, uint32_t stream)
{
    float *x = malloc((n ? n : 1) * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)pb_rng_normal(seed, stream, i);
    return x;
}

static uint32_t fbits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static bool same_bits(const float *x, const float *y, size_t n, size_t *where)
{
    for (size_t i = 0; i < n; i++)
        if (fbits(x[i]) != fbits(y[i])) {
            *where = i;
            return false;
        }
    return true;
}

static pb_status run(const pb_scheme *s, const pb_gemm_ctx *ctx, pb_trans ta,
                     pb_trans tb, size_t m, size_t n, size_t k, const float *a,
                     size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
    return pb_gemm(s, ctx, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

static void test_table(void)
{
    PBT_CHECK(pb_scheme_count() == pb_scheme_row_count(),
              "%zu of %zu rows parse", pb_scheme_count(), pb_scheme_row_count());
    for (size_t r = 0; r < pb_scheme_row_count(); r++) {
        const pb_scheme_row *row = pb_scheme_row_at(r);
        pb_scheme *p;
        pb_status st = pb_scheme_parse(row->spec, &p);
        PBT_CHECK(st == PB_OK, "row %s: %s", row->name, pb_status_message(st));
        if (st != PB_OK) continue;
        /* the composition is recognised as the named scheme */
        PBT_CHECK(strcmp(pb_scheme_name(p), row->name) == 0, "%s parses as %s", row->spec,
                  pb_scheme_name(p));
        pb_scheme_free(p);
    }
    for (size_t i = 0; i < pb_scheme_count(); i++) {
        const pb_scheme *s = pb_scheme_at(i);
        const char *name = pb_scheme_name(s);
        pb_scheme *p;
        PBT_CHECK(pb_scheme_parse(name, &p) == PB_OK && p == s, "lookup %s", name);
        for (size_t j = 0; j < i; j++) {
            PBT_CHECK(strcmp(name, pb_scheme_name(pb_scheme_at(j))) != 0, "duplicate name %s", name);
            PBT_CHECK(strcmp(pb_scheme_spec(s), pb_scheme_spec(pb_scheme_at(j))) != 0,
                      "%s and %s are the same scheme", name, pb_scheme_name(pb_scheme_at(j)));
        }
        /* the canonical composition parses back to itself */
        PBT_REQUIRE(pb_scheme_parse(pb_scheme_spec(s), &p) == PB_OK, "spec of %s", name);
        PBT_CHECK(strcmp(pb_scheme_spec(p), pb_scheme_spec(s)) == 0, "canonical %s", name);
        pb_scheme_free(p);
        double bound = pb_scheme_error_bound(s);
        PBT_CHECK(bound > 0 && bound < 2, "%s bound %g", name, bound);
        PBT_CHECK(*pb_scheme_description(s), "%s description", name);
        PBT_CHECK(pb_scheme_format(s, 0) && pb_scheme_format(s, 1) && pb_scheme_out_format(s),
                  "%s formats", name);
    }
    /* the schemes the issue asks for, by name */
    const char *required[] = {"fp32", "tf32", "bf16", "fp16", "fp16-acc16", "fp16-ls",
                              "fp8-e4m3", "fp8-e5m2", "fp8-hybrid", "fp8-e4m3-delayed",
                              "fp8-e4m3-h100fast", "fp8-e4m3-h100", "fp8-hybrid-delayed-h100",
                              "nvfp4", "mxfp4", "mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e2m3",
                              "mxfp6-e3m2", "mxint8", "bf16-accbf16sr", "fp16-acc16sr",
                              "bf16-insr", "bf16-outsr", "ternary"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        PBT_CHECK(pb_scheme_by_name(required[i]), "missing scheme %s", required[i]);
}

/* The standard random test of docs/schemes.md section 7. */
static void test_error_bounds(void)
{
    enum { M = 24, N = 20, K = 256 };
    float *a = normal_matrix(M * K, pbt_seed(), 0);
    float *b = normal_matrix(K * N, pbt_seed(), 1);
    float c[M * N];
    double ref[M * N], absref[M * N];
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double e = 0, ab = 0;
            for (size_t k = 0; k < K; k++) {
                double p = (double)a[i * K + k] * b[k * N + j];
                e += p;
                ab += fabs(p);
            }
            ref[i * N + j] = e;
            absref[i * N + j] = ab;
        }
    for (size_t s = 0; s < pb_scheme_count(); s++) {
        const pb_scheme *sc = pb_scheme_at(s);
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        ctx.force_model = true;
        ctx.seed = pbt_seed();
        pb_status st = run(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        PBT_CHECK(st == PB_OK, "%s: %s", pb_scheme_name(sc), pb_status_message(st));
        double num = 0, den = 0;
        for (size_t i = 0; i < M * N; i++) {
            num += (c[i] - ref[i]) * (c[i] - ref[i]);
            den += absref[i] * absref[i];
        }
        double err = sqrt(num / den);
        PBT_CHECK(err <= pb_scheme_error_bound(sc), "%s: normwise error %.3g above its bound %.3g",
                  pb_scheme_name(sc), err, pb_scheme_error_bound(sc));
        /* a lossy scheme has a nonzero error (the test can see a change) */
        if (strcmp(pb_scheme_format(sc, 0)->spec.name, "fp32") != 0)
            PBT_CHECK(err > 0, "%s: no error at all", pb_scheme_name(sc));
    }
    free(a);
    free(b);
}

/* Layout, threads and seeds, for every scheme, on odd sizes (K crosses
 * block boundaries: 45 = 32 + 13 = 2 * 16 + 13). */
static void test_invariance(void)
{
    enum { M = 7, N = 5, K = 45, PAD = 3 };
    float *a = normal_matrix(M * K, pbt_seed(), 2);
    float *b = normal_matrix(K * N, pbt_seed(), 3);
    /* transposed copies with padded leading dimensions */
    float at[K * (M + PAD)], bt[N * (K + PAD)], ap[M * (K + PAD)];
    for (size_t i = 0; i < M; i++)
        for (size_t k = 0; k < K; k++) {
            at[k * (M + PAD) + i] = a[i * K + k];
            ap[i * (K + PAD) + k] = a[i * K + k];
        }
    for (size_t k = 0; k < K; k++)
        for (size_t j = 0; j < N; j++) bt[j * (K + PAD) + k] = b[k * N + j];
    float c0[M * N], c1[M * N], c2[M * (N + PAD)];
    for (size_t s = 0; s < pb_scheme_count(); s++) {
        const pb_scheme *sc = pb_scheme_at(s);
        const char *name = pb_scheme_name(sc);
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        ctx.force_model = true;
        ctx.seed = pbt_seed();
        ctx.threads = 1;
        size_t where = 0;
        PBT_REQUIRE(run(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c0, N) == PB_OK, "%s", name);
        /* transposed storage with padding gives the same bits */
        PBT_REQUIRE(run(sc, &ctx, PB_TRANS, PB_TRANS, M, N, K, at, M + PAD, bt, K + PAD, c2, N + PAD) == PB_OK, "%s T", name);
        for (size_t i = 0; i < M; i++) memcpy(c1 + i * N, c2 + i * (N + PAD), N * sizeof(float));
        PBT_CHECK(same_bits(c0, c1, M * N, &where), "%s: transposed differs at %zu", name, where);
        PBT_REQUIRE(run(sc, &ctx, PB_NO_TRANS, PB_TRANS, M, N, K, ap, K + PAD, bt, K + PAD, c1, N) == PB_OK, "%s NT", name);
        PBT_CHECK(same_bits(c0, c1, M * N, &where), "%s: padded A differs at %zu", name, where);
        /* two threads */
        ctx.threads = 2;
        PBT_REQUIRE(run(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c1, N) == PB_OK, "%s 2t", name);
        PBT_CHECK(same_bits(c0, c1, M * N, &where), "%s: 2 threads differ at %zu", name, where);
        /* the seed matters exactly for stochastic schemes */
        ctx.seed = pbt_seed() + 1;
        PBT_REQUIRE(run(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c1, N) == PB_OK, "%s seed", name);
        bool equal = same_bits(c0, c1, M * N, &where);
        if (pb_scheme_deterministic(sc))
            PBT_CHECK(equal, "%s is deterministic but depends on the seed", name);
        else
            PBT_CHECK(!equal, "%s is stochastic but ignores the seed", name);
        /* and the stream separates calls */
        ctx.seed = pbt_seed();
        ctx.stream = 5;
        PBT_REQUIRE(run(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c1, N) == PB_OK, "%s stream", name);
        PBT_CHECK(same_bits(c0, c1, M * N, &where) == pb_scheme_deterministic(sc),
                  "%s: stream", name);
    }
    free(a);
    free(b);
}

/* A larger stochastic-accumulator GEMM with 1 and 2 threads. */
static void test_sr_threads(void)
{
    enum { M = 33, N = 29, K = 300 };
    float *a = normal_matrix(M * K, pbt_seed(), 4);
    float *b = normal_matrix(K * N, pbt_seed(), 5);
    float c1[M * N], c2[M * N];
    const char *names[] = {"bf16-accbf16sr", "fp16-acc16sr", "bf16-insr", "bf16-outsr"};
    for (size_t i = 0; i < 4; i++) {
        const pb_scheme *s = pb_scheme_by_name(names[i]);
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        ctx.force_model = true;
        ctx.threads = 1;
        run(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c1, N);
        ctx.threads = 2;
        run(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c2, N);
        size_t where;
        PBT_CHECK(same_bits(c1, c2, M * N, &where), "%s: 1 vs 2 threads at %zu", names[i], where);
    }
    free(a);
    free(b);
}

/* fp32 schemes against plain loops; fp32-exact against exact.h. */
static void test_fp32_models(void)
{
    enum { M = 9, N = 11, K = 77 };
    float *a = normal_matrix(M * K, pbt_seed(), 6);
    float *b = normal_matrix(K * N, pbt_seed(), 7);
    float c[M * N];
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.force_model = true;
    run(pb_scheme_by_name("fp32"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            float s = 0.0f;
            for (size_t k = 0; k < K; k++) s = fmaf(a[i * K + k], b[k * N + j], s);
            PBT_CHECK(fbits(c[i * N + j]) == fbits(s), "fp32 (%zu,%zu)", i, j);
        }
    run(pb_scheme_by_name("fp32-seq"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            float s = 0.0f;
            for (size_t k = 0; k < K; k++) {
                float p = a[i * K + k] * b[k * N + j];
                s = s + p;
            }
            PBT_CHECK(fbits(c[i * N + j]) == fbits(s), "fp32-seq (%zu,%zu)", i, j);
        }
    run(pb_scheme_by_name("fp32-exact"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
    const pb_format *f32 = pb_format_by_name("fp32");
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double e = pb_exact_dot_f32(K, a + i * K, 1, b + j, (ptrdiff_t)N, f32, NULL);
            PBT_CHECK(c[i * N + j] == e, "fp32-exact (%zu,%zu)", i, j);
        }
    free(a);
    free(b);
}

/* Section 1 of the definition, recomputed with the public pieces. */
static void test_definition(void)
{
    enum { M = 5, N = 6, K = 70 };
    float *a = normal_matrix(M * K, pbt_seed(), 8);
    float *b = normal_matrix(K * N, pbt_seed(), 9);
    a[3] = 40.0f; /* an outlier for the scales */
    float c[M * N];
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.force_model = true;
    ctx.seed = pbt_seed();
    pb_rounding sat = pb_rounding_default();
    sat.overflow = PB_OVERFLOW_SAT;

    /* fp8-e4m3: per-tensor current scaling, dpbf16 */
    {
        const pb_format *e4 = pb_format_by_name("e4m3");
        pb_accum dp;
        pb_accum_parse("dpbf16", &dp);
        double amA = pb_scale_amax(a, M * K, 1), amB = pb_scale_amax(b, K * N, 1);
        float encA = (float)(448.0 / amA), encB = (float)(448.0 / amB);
        float decA = (float)(1.0 / encA), decB = (float)(1.0 / encB);
        run(pb_scheme_by_name("fp8-e4m3"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                float qa[K], qb[K];
                for (size_t k = 0; k < K; k++) {
                    qa[k] = (float)pb_format_round(e4, (float)((double)a[i * K + k] * encA), &sat, 0);
                    qb[k] = (float)pb_format_round(e4, (float)((double)b[k * N + j] * encB), &sat, 0);
                }
                float acc = (float)pb_accum_dot(&dp, qa, qb, K, NULL);
                float d = (float)((double)acc * (double)(float)((double)decA * decB));
                PBT_CHECK(fbits(c[i * N + j]) == fbits(d), "fp8-e4m3 (%zu,%zu): %a vs %a", i, j,
                          (double)c[i * N + j], (double)d);
            }
    }
    /* mxfp8-e4m3: blocks of 32 (32, 32, 6), partial from zero, fmaf */
    {
        const pb_format *e4 = pb_format_by_name("e4m3");
        pb_accum dp;
        pb_accum_parse("dpbf16", &dp);
        run(pb_scheme_by_name("mxfp8-e4m3"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                float acc = 0.0f;
                for (size_t k0 = 0; k0 < K; k0 += 32) {
                    size_t len = K - k0 < 32 ? K - k0 : 32;
                    float bcol[32];
                    for (size_t t = 0; t < len; t++) bcol[t] = b[(k0 + t) * N + j];
                    int ea = pb_scale_mx_e8m0(e4, PB_MX_RULE_OCP, a + i * K + k0, len, 1) - 127;
                    int eb = pb_scale_mx_e8m0(e4, PB_MX_RULE_OCP, bcol, len, 1) - 127;
                    float qa[32], qb[32];
                    for (size_t t = 0; t < len; t++) {
                        qa[t] = (float)pb_format_round(e4, ldexp(a[i * K + k0 + t], -ea), &sat, 0);
                        qb[t] = (float)pb_format_round(e4, ldexp(bcol[t], -eb), &sat, 0);
                    }
                    float partial = (float)pb_accum_dot(&dp, qa, qb, len, NULL);
                    acc = fmaf(partial, (float)ldexp(1.0, ea + eb), acc);
                }
                PBT_CHECK(fbits(c[i * N + j]) == fbits(acc), "mxfp8-e4m3 (%zu,%zu)", i, j);
            }
    }
    /* nvfp4: blocks of 16, e4m3 block scales whose products are not powers
     * of two, fp32 tensor scales applied at the end; with e4m3 elements the
     * block partial sums are wide enough that the fmaf matters */
    const char *nv[2][2] = {{"nvfp4", "e2m1"}, {"fmt=e4m3;scale=nvfp4;acc=dpbf16", "e4m3"}};
    for (int v = 0; v < 2; v++) {
        const pb_format *el = pb_format_by_name(nv[v][1]), *e4 = pb_format_by_name("e4m3");
        double fm = el->max_finite;
        pb_scheme *sch;
        PBT_REQUIRE(pb_scheme_parse(nv[v][0], &sch) == PB_OK, "%s", nv[v][0]);
        pb_accum dp;
        pb_accum_parse("dpbf16", &dp);
        double amA = pb_scale_amax(a, M * K, 1), amB = pb_scale_amax(b, K * N, 1);
        float gA = (float)(fm * 448.0 / amA), gB = (float)(fm * 448.0 / amB);
        float tau = (float)((double)(float)(1.0 / gA) * (double)(float)(1.0 / gB));
        run(sch, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                float acc = 0.0f;
                for (size_t k0 = 0; k0 < K; k0 += 16) {
                    size_t len = K - k0 < 16 ? K - k0 : 16;
                    float xa[16], xb[16], qa[16], qb[16];
                    for (size_t t = 0; t < len; t++) {
                        xa[t] = a[i * K + k0 + t];
                        xb[t] = b[(k0 + t) * N + j];
                    }
                    float sA = (float)pb_format_round(
                        e4, (float)((double)(float)(pb_scale_amax(xa, len, 1) / fm) * gA), &sat, 0);
                    float sB = (float)pb_format_round(
                        e4, (float)((double)(float)(pb_scale_amax(xb, len, 1) / fm) * gB), &sat, 0);
                    float eA = sA == 0 ? 0 : (float)((double)gA / sA);
                    float eB = sB == 0 ? 0 : (float)((double)gB / sB);
                    for (size_t t = 0; t < len; t++) {
                        qa[t] = (float)pb_format_round(el, (float)((double)xa[t] * eA), &sat, 0);
                        qb[t] = (float)pb_format_round(el, (float)((double)xb[t] * eB), &sat, 0);
                    }
                    float partial = (float)pb_accum_dot(&dp, qa, qb, len, NULL);
                    acc = fmaf(partial, (float)((double)sA * sB), acc);
                }
                float d = (float)((double)acc * tau);
                PBT_CHECK(fbits(c[i * N + j]) == fbits(d), "%s (%zu,%zu): %a vs %a", nv[v][0], i, j,
                          (double)c[i * N + j], (double)d);
            }
        pb_scheme_free(sch);
    }
    /* ternary: int8 absmax per row of A x absmean ternary B, int32, rescale */
    {
        const pb_format *i8 = pb_format_by_name("int8"), *t3 = pb_format_by_name("ternary");
        double sum = 0;
        for (size_t t = 0; t < K * N; t++) sum += fabs((double)b[t]);
        float gamma = (float)(sum / (K * N));
        float encB = (float)(1.0 / (double)gamma);
        run(pb_scheme_by_name("ternary"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        for (size_t i = 0; i < M; i++) {
            float encA = (float)(127.0 / pb_scale_amax(a + i * K, K, 1));
            float decA = (float)(1.0 / (double)encA);
            for (size_t j = 0; j < N; j++) {
                int64_t s = 0;
                for (size_t k = 0; k < K; k++) {
                    double qa = pb_format_round(i8, (float)((double)a[i * K + k] * encA), &sat, 0);
                    double qb = pb_format_round(t3, (float)((double)b[k * N + j] * encB), &sat, 0);
                    PBT_CHECK(qb == -1 || qb == 0 || qb == 1, "ternary value");
                    s += (int64_t)qa * (int64_t)qb;
                }
                float d = (float)((double)(float)s * (double)(float)((double)decA * gamma));
                PBT_CHECK(fbits(c[i * N + j]) == fbits(d), "ternary (%zu,%zu)", i, j);
            }
        }
    }
    /* bf16-outsr: output SR with index i * N + j and stream 4s + 3 */
    {
        const pb_format *bf = pb_format_by_name("bf16");
        pb_rounding rn = pb_rounding_default();
        pb_accum dp;
        pb_accum_parse("dpbf16", &dp);
        ctx.stream = 2;
        run(pb_scheme_by_name("bf16-outsr"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        pb_rounding sr = pb_rounding_default();
        sr.mode = PB_ROUND_SR;
        sr.seed = ctx.seed;
        sr.stream = 4 * 2 + 3;
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                float qa[K], qb[K];
                for (size_t k = 0; k < K; k++) {
                    qa[k] = (float)pb_format_round(bf, a[i * K + k], &rn, 0);
                    qb[k] = (float)pb_format_round(bf, b[k * N + j], &rn, 0);
                }
                double acc = pb_accum_dot(&dp, qa, qb, K, NULL);
                float d = (float)pb_format_round(bf, acc, &sr, i * N + j);
                PBT_CHECK(fbits(c[i * N + j]) == fbits(d), "bf16-outsr (%zu,%zu)", i, j);
            }
        ctx.stream = 0;
    }
    /* fp16-acc16sr: accumulator SR index (i * N + j) * K + k, stream 4s + 2;
     * inputs quantised with RNE (input index and stream unused) */
    {
        const pb_format *h = pb_format_by_name("fp16");
        pb_rounding rn = pb_rounding_default();
        pb_accum acc;
        pb_accum_parse("fp16:sr", &acc);
        run(pb_scheme_by_name("fp16-acc16sr"), &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, c, N);
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                float qa[K], qb[K];
                for (size_t k = 0; k < K; k++) {
                    qa[k] = (float)pb_format_round(h, a[i * K + k], &rn, 0);
                    qb[k] = (float)pb_format_round(h, b[k * N + j], &rn, 0);
                }
                pb_accum_env env = pb_accum_env_default();
                env.seed = ctx.seed;
                env.stream = 2;
                env.index0 = ((uint64_t)i * N + j) * K;
                float d = (float)pb_accum_dot(&acc, qa, qb, K, &env);
                PBT_CHECK(fbits(c[i * N + j]) == fbits(d), "fp16-acc16sr (%zu,%zu)", i, j);
            }
    }
    free(a);
    free(b);
}

static void test_grammar(void)
{
    struct { const char *text; pb_status want; const char *canonical; } cases[] = {
        {"fmt=e4m3,e5m2;scale=tensor;acc=tensorcore:h100-fp8;out=fp32", PB_OK, "fp8-hybrid-h100fast"},
        {"fmt=e4m3;scale=none;acc=tensorcore:block=32,frac=13,round=trunc,promote=0;out=fp32",
         PB_OK, "fmt=e4m3;acc=tensorcore:h100-fp8"},
        {"acc=fp32fma;fmt=fp32", PB_OK, "fp32"},
        {"fmt=fp32,fp32;in=rne;scale=none,none;acc=fp32fma;out=fp32:rne", PB_OK, "fp32"},
        {"fmt=bf16;acc=dpbf16;out=bf16:sr", PB_OK, "bf16-outsr"},
        {"fmt=bf16;acc=dpbf16;out=bf16:sr:8", PB_OK, "fmt=bf16;acc=dpbf16;out=bf16:sr:8"},
        {"fmt=e4m3;scale=delayed:h=16,margin=1,none;acc=dpbf16", PB_OK,
         "fmt=e4m3;scale=delayed:margin=1,none;acc=dpbf16"},
        {"fmt=e4m3;scale=mx:rule=up;acc=fp32", PB_OK, "fmt=e4m3;scale=mx:rule=up;acc=fp32"},
        {"fmt=e2m1,e4m3;scale=mx,tensor;acc=dpbf16", PB_OK, "fmt=e2m1,e4m3;scale=mx,tensor;acc=dpbf16"},
        {"fmt=fp16;in=sr;acc=fp16:sr;out=fp16:rtz", PB_OK, "fmt=fp16;in=sr;acc=fp16:sr;out=fp16:rtz"},
        {"fp32", PB_OK, "fp32"},
        /* errors */
        {"", PB_ERR_PARSE, NULL},
        {"nosuch", PB_ERR_UNKNOWN_SCHEME, NULL},
        {"fmt=fp32", PB_ERR_PARSE, NULL},
        {"acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=fp32;acc=fp32;", PB_ERR_PARSE, NULL},
        {"fmt=fp32;;acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=fp32;acc=fp32;fmt=bf16", PB_ERR_PARSE, NULL},
        {"fmt=fp32;acc=fp32;colour=red", PB_ERR_PARSE, NULL},
        {"fmt=fp32; acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=;acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=fp32,bf16,e4m3;acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=fp99;acc=fp32", PB_ERR_UNKNOWN_FORMAT, NULL},
        {"fmt=fp32;acc=fp99", PB_ERR_UNKNOWN_SCHEME, NULL},
        {"fmt=fp32;scale=huge;acc=fp32", PB_ERR_UNKNOWN_SCHEME, NULL},
        {"fmt=fp32;in=sideways;acc=fp32", PB_ERR_UNKNOWN_MODE, NULL},
        {"fmt=fp32;acc=fp32;out=bf16:sideways", PB_ERR_UNKNOWN_MODE, NULL},
        {"fmt=fp32;acc=fp32;out=fp77", PB_ERR_UNKNOWN_FORMAT, NULL},
        {"fmt=fp32;scale=tensor,margin=1;acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=fp32:x;acc=fp32", PB_ERR_PARSE, NULL},
        {"fmt=e4m3;acc=int32", PB_ERR_UNSUPPORTED, NULL},
        {"fmt=fp16;acc=dpbf16", PB_ERR_UNSUPPORTED, NULL},
        {"fmt=fp32;acc=fp32;out=fp64", PB_ERR_UNSUPPORTED, NULL},
        {"fmt=e4m3;scale=mx,nvfp4;acc=dpbf16", PB_ERR_UNSUPPORTED, NULL},
        {"fmt=e8m0;scale=tensor;acc=fp32", PB_ERR_UNSUPPORTED, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_scheme *s = (pb_scheme *)1;
        pb_status st = pb_scheme_parse(cases[i].text, &s);
        PBT_CHECK(st == cases[i].want, "\"%s\": %s, want %s", cases[i].text,
                  pb_status_message(st), pb_status_message(cases[i].want));
        if (st != PB_OK) {
            PBT_CHECK(s == NULL, "\"%s\": output not cleared", cases[i].text);
            continue;
        }
        if (cases[i].canonical)
            PBT_CHECK(strcmp(pb_scheme_name(s), cases[i].canonical) == 0,
                      "\"%s\" -> %s, want %s", cases[i].text, pb_scheme_name(s), cases[i].canonical);
        /* the name parses back to the same scheme */
        pb_scheme *back;
        PBT_CHECK(pb_scheme_parse(pb_scheme_name(s), &back) == PB_OK &&
                      strcmp(pb_scheme_spec(back), pb_scheme_spec(s)) == 0,
                  "round trip of %s", pb_scheme_name(s));
        pb_scheme_free(back);
        pb_scheme_free(s);
    }
    /* the command line's parts */
    pb_scheme *s;
    PBT_CHECK(pb_scheme_compose("e4m3", "none", "tensorcore:block=32,frac=13,round=trunc,promote=0",
                                "fp32", NULL, &s) == PB_OK &&
                  strcmp(pb_scheme_name(s), "fmt=e4m3;acc=tensorcore:h100-fp8") == 0,
              "compose");
    pb_scheme_free(s);
    PBT_CHECK(pb_scheme_compose("e4m3,e5m2", "delayed", "dpbf16", NULL, NULL, &s) == PB_OK &&
                  strcmp(pb_scheme_name(s), "fp8-hybrid-delayed") == 0,
              "compose to a named scheme");
    PBT_CHECK(pb_scheme_fast_expected(s) && pb_scheme_uses_delayed(s), "contract carried over");
    pb_scheme_free(s);
    PBT_CHECK(pb_scheme_compose("fp32", NULL, "fp32;out=bf16", NULL, NULL, &s) == PB_ERR_PARSE, "injection");
    PBT_CHECK(pb_scheme_compose(NULL, NULL, "fp32", NULL, NULL, &s) == PB_ERR_ARG, "format required");
    PBT_CHECK(pb_scheme_compose("bf16", NULL, "dpbf16", "bf16:sr", "sr", &s) == PB_OK &&
                  !pb_scheme_deterministic(s) && pb_scheme_in_rounding(s)->mode == PB_ROUND_SR,
              "compose with modes");
    pb_scheme_free(s);
    /* properties */
    const pb_scheme *mx = pb_scheme_by_name("mxfp4");
    PBT_CHECK(pb_scheme_block(mx) == 32 && pb_scheme_block(pb_scheme_by_name("nvfp4")) == 16 &&
                  pb_scheme_block(pb_scheme_by_name("fp32")) == 0,
              "block sizes");
    PBT_CHECK(pb_scheme_deterministic(pb_scheme_by_name("fp32")) &&
                  !pb_scheme_deterministic(pb_scheme_by_name("bf16-accbf16sr")),
              "deterministic flags");
    pb_scheme_free((pb_scheme *)pb_scheme_by_name("fp32")); /* a table entry: no-op */
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_table);
    PBT_RUN(test_error_bounds);
    PBT_RUN(test_invariance);
    PBT_RUN(test_sr_threads);
    PBT_RUN(test_fp32_models);
    PBT_RUN(test_definition);
    PBT_RUN(test_grammar);
    return pbt_finish();
}
