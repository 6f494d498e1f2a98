/* precbench tests: the GEMM API (precbench/gemm.h): transposes, leading
 * dimensions, odd sizes, alpha and beta, beta == 0 never reading C, NaN
 * canonicalisation, statistics, bad arguments, and the fast-kernel hook
 * giving the model's bits. */
#include <math.h>

#include "harness.h"
#include "precbench/gemm.h"
#include "precbench/rng.h"
#include "precbench/scheme.h"

static uint32_t fbits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static float *normal_matrix(size_t n, uint64_t seed, uint32_t stream)
{
    float *x = malloc((n ? n : 1) * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)pb_rng_normal(seed, stream, i);
    return x;
}

/* The fp32 scheme, written out: C(i,j) = fmaf chain over k of op(A)(i,k) op(B)(k,j). */
static float ref_fp32(pb_trans ta, pb_trans tb, const float *a, size_t lda,
                      const float *b, size_t ldb, size_t i, size_t j, size_t k)
{
    float s = 0.0f;
    for (size_t t = 0; t < k; t++) {
        float x = ta ? a[t * lda + i] : a[i * lda + t];
        float y = tb ? b[j * ldb + t] : b[t * ldb + j];
        s = fmaf(x, y, s);
    }
    return s;
}

static void test_transposes_ld_sizes(void)
{
    const pb_scheme *s = pb_scheme_by_name("fp32");
    const size_t sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 1, 33}, {1, 19, 2}, {13, 11, 64}, {8, 9, 0}};
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t m = sizes[z][0], n = sizes[z][1], k = sizes[z][2];
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (size_t pad = 0; pad < 3; pad += 2) {
                    size_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                    size_t arows = ta ? k : m, brows = tb ? n : k;
                    float *a = normal_matrix(arows * lda, pbt_seed() + z, 1);
                    float *b = normal_matrix(brows * ldb, pbt_seed() + z, 2);
                    float *c = normal_matrix(m * ldc, pbt_seed() + z, 3);
                    float *c0 = malloc(m * ldc * sizeof *c0);
                    memcpy(c0, c, m * ldc * sizeof *c);
                    pb_gemm_ctx ctx = pb_gemm_ctx_default();
                    ctx.force_model = (pad == 0);
                    pb_status st = pb_gemm(s, &ctx, (pb_trans)ta, (pb_trans)tb, m, n, k, 1.0f,
                                           a, lda, b, ldb, 0.0f, c, ldc);
                    PBT_CHECK(st == PB_OK, "%zux%zux%zu", m, n, k);
                    for (size_t i = 0; i < m; i++)
                        for (size_t j = 0; j < ldc; j++) {
                            if (j >= n) { /* padding of C is never touched */
                                PBT_CHECK(fbits(c[i * ldc + j]) == fbits(c0[i * ldc + j]),
                                          "padding written at (%zu,%zu)", i, j);
                                continue;
                            }
                            float want = ref_fp32((pb_trans)ta, (pb_trans)tb, a, lda, b, ldb, i, j, k);
                            PBT_CHECK(fbits(c[i * ldc + j]) == fbits(want),
                                      "%zux%zux%zu ta=%d tb=%d pad=%zu (%zu,%zu): %a vs %a", m, n,
                                      k, ta, tb, pad, i, j, (double)c[i * ldc + j], (double)want);
                        }
                    free(a);
                    free(b);
                    free(c);
                    free(c0);
                }
    }
}

static void test_alpha_beta(void)
{
    enum { M = 6, N = 7, K = 40 };
    const char *names[] = {"fp32", "bf16", "fp8-e4m3", "fp32-exact", "mxfp4"};
    float *a = normal_matrix(M * K, pbt_seed(), 4);
    float *b = normal_matrix(K * N, pbt_seed(), 5);
    float *c_in = normal_matrix(M * N, pbt_seed(), 6);
    float d[M * N], c[M * N];
    const float alphas[] = {1.0f, -0.5f, 3.0f}, betas[] = {0.0f, 1.0f, -2.5f, 0.1f};
    for (size_t s = 0; s < sizeof names / sizeof names[0]; s++) {
        const pb_scheme *sc = pb_scheme_by_name(names[s]);
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        PBT_REQUIRE(pb_gemm(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, 1.0f, a, K, b, N, 0.0f, d, N) == PB_OK, "D");
        for (size_t ai = 0; ai < 3; ai++)
            for (size_t bi = 0; bi < 4; bi++) {
                float al = alphas[ai], be = betas[bi];
                memcpy(c, c_in, sizeof c);
                PBT_REQUIRE(pb_gemm(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, al, a, K, b, N, be, c, N) == PB_OK, "C");
                for (size_t i = 0; i < M * N; i++) {
                    float t = al == 1.0f ? d[i] : al * d[i];
                    float want = be == 0.0f ? t : t + be * c_in[i];
                    PBT_CHECK(fbits(c[i]) == fbits(want), "%s alpha %g beta %g at %zu: %a vs %a",
                              names[s], al, be, i, (double)c[i], (double)want);
                }
            }
    }
    free(a);
    free(b);
    free(c_in);
}

static void test_beta_zero_never_reads_c(void)
{
    enum { M = 5, N = 4, K = 9 };
    float *a = normal_matrix(M * K, pbt_seed(), 7);
    float *b = normal_matrix(K * N, pbt_seed(), 8);
    float c[M * N];
    for (size_t s = 0; s < pb_scheme_count(); s++) {
        const pb_scheme *sc = pb_scheme_at(s);
        for (size_t i = 0; i < M * N; i++) c[i] = NAN;
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        PBT_REQUIRE(pb_gemm(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, 1.0f, a, K, b, N, 0.0f, c, N) == PB_OK,
                    "%s", pb_scheme_name(sc));
        for (size_t i = 0; i < M * N; i++)
            PBT_CHECK(!isnan(c[i]), "%s: NaN from C at %zu with beta 0", pb_scheme_name(sc), i);
        /* -0 is zero too */
        for (size_t i = 0; i < M * N; i++) c[i] = NAN;
        pb_gemm(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, 2.0f, a, K, b, N, -0.0f, c, N);
        for (size_t i = 0; i < M * N; i++)
            PBT_CHECK(!isnan(c[i]), "%s: beta -0 read C", pb_scheme_name(sc));
    }
    /* beta != 0 does read C: a NaN in C gives the canonical NaN */
    const pb_scheme *f = pb_scheme_by_name("fp32");
    for (size_t i = 0; i < M * N; i++) c[i] = -NAN;
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    pb_gemm(f, &ctx, PB_NO_TRANS, PB_NO_TRANS, M, N, K, 1.0f, a, K, b, N, 1.0f, c, N);
    for (size_t i = 0; i < M * N; i++)
        PBT_CHECK(fbits(c[i]) == 0x7fc00000u, "canonical NaN, got %08x", fbits(c[i]));
    free(a);
    free(b);
}

static void test_specials(void)
{
    float a[2 * 3] = {1, NAN, 2, 3, 4, 5}, b[3 * 2] = {1, 2, 3, 4, 5, 6}, c[4];
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    for (size_t s = 0; s < pb_scheme_count(); s++) {
        const pb_scheme *sc = pb_scheme_at(s);
        PBT_REQUIRE(pb_gemm(sc, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 3, 1.0f, a, 3, b, 2, 0.0f, c, 2) == PB_OK,
                    "%s", pb_scheme_name(sc));
        /* row 0 holds a NaN: every scheme that keeps NaN (not int formats,
         * whose codes have no NaN) gives the canonical NaN; NaN output is
         * always the canonical pattern */
        for (int i = 0; i < 4; i++)
            if (isnan(c[i]))
                PBT_CHECK(fbits(c[i]) == 0x7fc00000u, "%s: NaN pattern %08x", pb_scheme_name(sc), fbits(c[i]));
        PBT_CHECK(!isnan(c[2]) && !isnan(c[3]), "%s: NaN leaked to row 1", pb_scheme_name(sc));
    }
    const pb_scheme *f = pb_scheme_by_name("fp32");
    pb_gemm(f, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 3, 1.0f, a, 3, b, 2, 0.0f, c, 2);
    PBT_CHECK(isnan(c[0]) && isnan(c[1]), "fp32 propagates NaN");
}

static void test_bad_arguments(void)
{
    const pb_scheme *s = pb_scheme_by_name("fp32");
    float a[16] = {0}, b[16] = {0}, c[16];
    for (int i = 0; i < 16; i++) c[i] = 7.0f;
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
#define CALL(S, CTX, TA, TB, M, N, K, A, LDA, B, LDB, C, LDC) \
    pb_gemm(S, CTX, TA, TB, M, N, K, 1.0f, A, LDA, B, LDB, 0.0f, C, LDC)
    PBT_CHECK(CALL(NULL, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2) == PB_ERR_ARG, "NULL scheme");
    PBT_CHECK(CALL(s, &ctx, (pb_trans)2, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2) == PB_ERR_ARG, "bad trans_a");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, (pb_trans)-1, 2, 2, 2, a, 2, b, 2, c, 2) == PB_ERR_ARG, "bad trans_b");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 3, a, 2, b, 2, c, 2) == PB_ERR_ARG, "lda < K");
    PBT_CHECK(CALL(s, &ctx, PB_TRANS, PB_NO_TRANS, 3, 2, 2, a, 2, b, 2, c, 2) == PB_ERR_ARG, "lda < M (T)");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 3, 2, a, 2, b, 2, c, 3) == PB_ERR_ARG, "ldb < N");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_TRANS, 2, 2, 3, a, 3, b, 2, c, 2) == PB_ERR_ARG, "ldb < K (T)");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 3, 2, a, 2, b, 3, c, 2) == PB_ERR_ARG, "ldc < N");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, NULL, 2, b, 2, c, 2) == PB_ERR_ARG, "NULL A");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, NULL, 2, c, 2) == PB_ERR_ARG, "NULL B");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, NULL, 2) == PB_ERR_ARG, "NULL C");
    pb_gemm_ctx neg = ctx;
    neg.threads = -1;
    PBT_CHECK(CALL(s, &neg, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2) == PB_ERR_ARG, "threads < 0");
    size_t huge = (size_t)1 << 40;
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, huge, huge, huge, a, huge, b, huge, c, huge) == PB_ERR_NOMEM,
              "too large");
    for (int i = 0; i < 16; i++) PBT_CHECK(c[i] == 7.0f, "C written by a failed call");
    /* empty products are fine and do not touch C (M or N zero) */
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 0, 2, 2, NULL, 2, b, 2, NULL, 2) == PB_OK, "M = 0");
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 0, 2, a, 2, NULL, 0, c, 0) == PB_OK, "N = 0");
    for (int i = 0; i < 16; i++) PBT_CHECK(c[i] == 7.0f, "C written with an empty product");
    /* K = 0: C = beta * C; with beta 0, +0 */
    PBT_CHECK(CALL(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 0, NULL, 0, NULL, 2, c, 2) == PB_OK, "K = 0");
    for (int i = 0; i < 4; i++) PBT_CHECK(fbits(c[i]) == 0, "K = 0 gives +0");
    c[0] = 3.0f;
    pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 1, 1, 0, 1.0f, NULL, 0, NULL, 1, 2.0f, c, 1);
    PBT_CHECK(c[0] == 6.0f, "K = 0, beta 2");
    /* a NULL context is the default one */
    PBT_CHECK(CALL(s, NULL, PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2) == PB_OK, "NULL ctx");
#undef CALL
}

static void test_stats(void)
{
    pb_gemm_stats stats = {0};
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.stats = &stats;
    const pb_scheme *h = pb_scheme_by_name("fp16");
    /* 1e5 overflows fp16 (to inf), 1e-9 underflows, 0 is not an underflow */
    float a[2 * 3] = {1e5f, 1.0f, 1e-9f, 0.0f, 2.0f, 3.0f}, b[3 * 1] = {1.0f, 1.0f, 1.0f}, c[2];
    PBT_REQUIRE(pb_gemm(h, &ctx, PB_NO_TRANS, PB_NO_TRANS, 2, 1, 3, 1.0f, a, 3, b, 1, 0.0f, c, 1) == PB_OK, "fp16");
    PBT_CHECK(stats.inputs_overflowed == 1, "overflowed %llu", (unsigned long long)stats.inputs_overflowed);
    PBT_CHECK(stats.inputs_underflowed == 1, "underflowed %llu", (unsigned long long)stats.inputs_underflowed);
    PBT_CHECK(stats.outputs_nonfinite == 1 && isinf(c[0]) && c[1] == 5.0f, "outputs %llu",
              (unsigned long long)stats.outputs_nonfinite);
    PBT_CHECK(stats.calls == 1, "calls");
    /* saturation under scaling counts as overflow: delayed scaling with an
     * empty history (enc = 1) saturates 1000 in e4m3 */
    pb_scheme *d;
    PBT_REQUIRE(pb_scheme_parse("fmt=e4m3;scale=delayed;acc=fp32", &d) == PB_OK, "scheme");
    pb_scaling_state *st;
    PBT_REQUIRE(pb_scheme_state_create(d, 0, &st) == PB_OK, "state");
    ctx.delayed_a = st;
    float a2[2] = {1000.0f, 1.0f}, b2[2] = {1.0f, 1.0f};
    PBT_REQUIRE(pb_gemm(d, &ctx, PB_NO_TRANS, PB_NO_TRANS, 1, 1, 2, 1.0f, a2, 2, b2, 1, 0.0f, c, 1) == PB_OK, "e4m3");
    PBT_CHECK(stats.inputs_overflowed == 2 && stats.calls == 2, "saturation counted");
    /* the same with a transposed, padded operand */
    float at[2 * 3] = {1e5f, 0, 0, 1e-9f, 0, 0};
    const pb_scheme *h2 = pb_scheme_by_name("fp16");
    memset(&stats, 0, sizeof stats);
    ctx.delayed_a = NULL;
    pb_gemm(h2, &ctx, PB_TRANS, PB_NO_TRANS, 1, 1, 2, 1.0f, at, 3, b2, 1, 0.0f, c, 1);
    PBT_CHECK(stats.inputs_overflowed == 1 && stats.inputs_underflowed == 1, "transposed stats");
    pb_scaling_state_destroy(st);
    pb_scheme_free(d);
}

/* Whatever backend runs, it gives the model's bits (the fast-kernel tests
 * do this exhaustively; here one case per scheme guards the hook). */
static void test_backend_matches_model(void)
{
    enum { M = 19, N = 23, K = 70 };
    float *a = normal_matrix(M * K, pbt_seed(), 9);
    float *b = normal_matrix(K * N, pbt_seed(), 10);
    float c0[M * N], c1[M * N];
    for (size_t s = 0; s < pb_scheme_count(); s++) {
        const pb_scheme *sc = pb_scheme_at(s);
        const char *be = pb_gemm_backend(sc);
        PBT_CHECK(be && *be, "backend name");
        if (pb_accum_is_wide(pb_scheme_accum(sc)))
            PBT_CHECK(strcmp(be, "model") == 0, "%s: wide accumulators run the model", pb_scheme_name(sc));
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        ctx.force_model = true;
        pb_gemm(sc, &ctx, PB_TRANS, PB_NO_TRANS, M, N, K, 0.5f, a, M, b, N, 0.0f, c0, N);
        ctx.force_model = false;
        pb_gemm(sc, &ctx, PB_TRANS, PB_NO_TRANS, M, N, K, 0.5f, a, M, b, N, 0.0f, c1, N);
        for (size_t i = 0; i < M * N; i++)
            if (fbits(c0[i]) != fbits(c1[i])) {
                PBT_CHECK(false, "%s (%s) differs from the model at %zu: %a vs %a", pb_scheme_name(sc),
                          be, i, (double)c1[i], (double)c0[i]);
                break;
            }
    }
    free(a);
    free(b);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_transposes_ld_sizes);
    PBT_RUN(test_alpha_beta);
    PBT_RUN(test_beta_zero_never_reads_c);
    PBT_RUN(test_specials);
    PBT_RUN(test_bad_arguments);
    PBT_RUN(test_stats);
    PBT_RUN(test_backend_matches_model);
    return pbt_finish();
}
