/* Tests of Strassen and Strassen-Winograd (reference/strassen.c,
 * precbench/alg.h):
 *   - with exact leaves on small integers both reproduce the exact product
 *     bit for bit, square, rectangular and odd sizes (padding);
 *   - with fp32 leaves the max error stays within Higham's bound
 *     (Theorems 23.2 and 23.3: f u max|A| max|B|, f = (N/N0)^log2(12)
 *     (N0^2 + 5 N0) - 5N for Strassen, (N/N0)^log2(18) (N0^2 + 6 N0) - 6N
 *     for Winograd) and the normwise error grows with the depth;
 *   - the number of leaf calls is pb_alg_cost_of's, a cut-off at or above
 *     the sizes is the classical pb_gemm bit for bit, and the result does
 *     not depend on threads or leading dimensions;
 *   - names parse and print back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "precbench/alg.h"
#include "precbench/exact.h"
#include "precbench/generate.h"
#include "precbench/scheme.h"

static const pb_alg_kind kinds[] = {PB_ALG_STRASSEN, PB_ALG_WINOGRAD};
static const char *kind_name(pb_alg_kind k) { return k == PB_ALG_STRASSEN ? "strassen" : "winograd"; }

static pb_alg make_alg(pb_alg_kind kind, size_t cutoff)
{
    pb_alg a = {.kind = kind, .cutoff = cutoff};
    return a;
}

/* Integers uniform in [lo, hi] as floats. */
static void int_matrix(uint32_t stream, size_t count, int lo, int hi, float *x)
{
    int32_t *t = malloc(count * sizeof *t);
    pb_generate_i32(pbt_seed(), stream, 0, lo, hi, t, count);
    for (size_t i = 0; i < count; i++) x[i] = (float)t[i];
    free(t);
}

/* C_ref = A B exactly, rounded to double. */
static void exact_ref(size_t m, size_t n, size_t k, const float *a, const float *b, double *ref)
{
    pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
}

static void test_parse(void)
{
    static const struct {
        const char *text, *canon;
    } good[] = {
        {"strassen", "strassen:64"}, {"strassen:8", "strassen:8"}, {"winograd:1", "winograd:1"},
        {"winograd", "winograd:64"}, {"classical", "classical"},   {"bf16x3", "bf16x3"},
        {"bf16x6", "bf16x6"},        {"bf16x9", "bf16x9"},         {"bf16x3k", "bf16x3k"},
        {"ozaki:8", "ozaki:8"},      {"ozaki:9,fp64,full", "ozaki:9,full,fp64"},
        {"ozaki:32,k", "ozaki:32,k"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        pb_alg a, b;
        char buf[64];
        PBT_REQUIRE(pb_alg_parse(good[i].text, &a) == PB_OK, "'%s' does not parse", good[i].text);
        PBT_CHECK(strcmp(pb_alg_name(&a, buf, sizeof buf), good[i].canon) == 0,
                  "'%s' prints as '%s', expected '%s'", good[i].text, buf, good[i].canon);
        PBT_CHECK(pb_alg_parse(buf, &b) == PB_OK && memcmp(&a, &b, sizeof a) == 0,
                  "'%s' does not parse back to the same algorithm", buf);
    }
    static const struct {
        const char *text;
        pb_status st;
    } bad[] = {
        {"strassen:0", PB_ERR_PARSE}, {"strassen:", PB_ERR_PARSE},   {"strassen:x", PB_ERR_PARSE},
        {"strassen:-4", PB_ERR_PARSE}, {"ozaki", PB_ERR_PARSE},      {"ozaki:0", PB_ERR_PARSE},
        {"ozaki:33", PB_ERR_PARSE},   {"ozaki:8,foo", PB_ERR_PARSE}, {"ozaki:8,k,k", PB_ERR_PARSE},
        {"ozaki:8,", PB_ERR_PARSE},   {"bogus", PB_ERR_UNKNOWN_SCHEME}, {"bf16x4", PB_ERR_UNKNOWN_SCHEME},
        {"Strassen", PB_ERR_UNKNOWN_SCHEME}, {"", PB_ERR_UNKNOWN_SCHEME},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pb_alg a;
        pb_status st = pb_alg_parse(bad[i].text, &a);
        PBT_CHECK(st == bad[i].st, "'%s': status %d, expected %d", bad[i].text, st, bad[i].st);
    }
}

/* Small integers: every sum and product is exact in fp32, so Strassen and
 * Winograd must give the exact product bit for bit, whatever the padding. */
static void test_exact_integers(void)
{
    static const size_t shapes[][4] = {
        /* M, N, K, cut-off */
        {64, 64, 64, 8}, {37, 23, 51, 4}, {65, 64, 63, 16}, {3, 2, 2, 1},
        {1, 5, 7, 1},    {17, 1, 9, 1},   {40, 70, 30, 6},  {2, 2, 2, 1},
    };
    const char *schemes[] = {"fp32", "fp32-seq"};
    for (size_t sc = 0; sc < 2; sc++)
        for (size_t kk = 0; kk < 2; kk++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
                const size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b), *c = malloc(m * n * sizeof *c);
                double *ref = malloc(m * n * sizeof *ref);
                int_matrix(1, m * k, -4, 4, a);
                int_matrix(2, k * n, -4, 4, b);
                exact_ref(m, n, k, a, b, ref);
                pb_alg alg = make_alg(kinds[kk], shapes[s][3]);
                pb_status st = pb_alg_gemm(&alg, pb_scheme_by_name(schemes[sc]), NULL, m, n, k, a, k, b, n, c, n);
                PBT_CHECK(st == PB_OK, "%s %zux%zux%zu: status %d", kind_name(kinds[kk]), m, n, k, st);
                size_t wrong = 0;
                for (size_t i = 0; i < m * n; i++) wrong += (double)c[i] != ref[i];
                PBT_CHECK(wrong == 0, "%s:%zu over %s, %zux%zux%zu: %zu of %zu outputs differ from the exact product",
                          kind_name(kinds[kk]), shapes[s][3], schemes[sc], m, n, k, wrong, m * n);
                free(a);
                free(b);
                free(c);
                free(ref);
            }
    /* the exact accumulator at the leaves (its scalar model is slow: small) */
    const size_t m = 24, n = 20, k = 28;
    float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b), *c = malloc(m * n * sizeof *c);
    double *ref = malloc(m * n * sizeof *ref);
    int_matrix(3, m * k, -100, 100, a);
    int_matrix(4, k * n, -100, 100, b);
    exact_ref(m, n, k, a, b, ref);
    for (size_t kk = 0; kk < 2; kk++) {
        pb_alg alg = make_alg(kinds[kk], 3);
        PBT_CHECK(pb_alg_gemm(&alg, pb_scheme_by_name("fp32-exact"), NULL, m, n, k, a, k, b, n, c, n) == PB_OK,
                  "fp32-exact leaves");
        size_t wrong = 0;
        for (size_t i = 0; i < m * n; i++) wrong += (double)c[i] != ref[i];
        PBT_CHECK(wrong == 0, "%s over fp32-exact: %zu outputs differ", kind_name(kinds[kk]), wrong);
    }
    free(a);
    free(b);
    free(c);
    free(ref);
}

/* max |C - C_ref| */
static double max_err(size_t len, const float *c, const double *ref)
{
    double e = 0;
    for (size_t i = 0; i < len; i++) {
        double d = fabs((double)c[i] - ref[i]);
        if (!(d <= e)) e = d;
    }
    return e;
}

static double normwise(size_t len, const float *c, const double *ref)
{
    double e = 0, s = 0;
    for (size_t i = 0; i < len; i++) {
        e += ((double)c[i] - ref[i]) * ((double)c[i] - ref[i]);
        s += ref[i] * ref[i];
    }
    return sqrt(e / s);
}

static double max_abs(size_t len, const float *x)
{
    double v = 0;
    for (size_t i = 0; i < len; i++) v = fmax(v, fabs((double)x[i]));
    return v;
}

/* fp32 leaves: within the published bound at every depth, and the
 * normwise error grows with the depth (averaged over seeds). */
static void test_bound_and_growth(void)
{
    enum { N = 128, DEPTHS = 4, SEEDS = 3 };
    float *a = malloc(N * N * sizeof *a), *b = malloc(N * N * sizeof *b), *c = malloc(N * N * sizeof *c);
    double *ref = malloc(N * N * sizeof *ref);
    const double u = 0x1p-24;
    for (size_t kk = 0; kk < 2; kk++) {
        double nw[DEPTHS] = {0};
        for (int s = 0; s < SEEDS; s++) {
            pb_generate_matrix_f32(PB_DIST_UNIFORM, pbt_seed() + (uint64_t)s, 0, N, N, a, N);
            pb_generate_matrix_f32(PB_DIST_UNIFORM, pbt_seed() + (uint64_t)s, 1, N, N, b, N);
            exact_ref(N, N, N, a, b, ref);
            const double scale = u * max_abs(N * N, a) * max_abs(N * N, b);
            for (int d = 0; d < DEPTHS; d++) {
                const size_t n0 = (size_t)N >> d;
                pb_alg alg = make_alg(kinds[kk], n0);
                pb_alg_cost cost;
                PBT_REQUIRE(pb_alg_cost_of(&alg, N, N, N, &cost) == PB_OK && cost.depth == (unsigned)d,
                            "depth %u, expected %d", cost.depth, d);
                PBT_REQUIRE(pb_alg_gemm(&alg, pb_scheme_by_name("fp32"), NULL, N, N, N, a, N, b, N, c, N) == PB_OK,
                            "gemm failed");
                const double f = pb_alg_strassen_bound(kinds[kk], N, n0);
                const double e = max_err(N * N, c, ref);
                PBT_CHECK(e <= f * scale, "%s depth %d: max error %.3g u max|A| max|B| above the bound %.0f",
                          kind_name(kinds[kk]), d, e / scale, f);
                nw[d] += normwise(N * N, c, ref) / SEEDS;
            }
        }
        for (int d = 1; d < DEPTHS; d++)
            PBT_CHECK(nw[d] > 1.15 * nw[d - 1], "%s: normwise error %.3g at depth %d, %.3g at depth %d: no growth",
                      kind_name(kinds[kk]), nw[d], d, nw[d - 1], d - 1);
        PBT_CHECK(nw[DEPTHS - 1] > 2 * nw[0], "%s: depth %d error %.3g not above twice the classical %.3g",
                  kind_name(kinds[kk]), DEPTHS - 1, nw[DEPTHS - 1], nw[0]);
    }
    /* the bound formula at its fixed points */
    PBT_CHECK(pb_alg_strassen_bound(PB_ALG_STRASSEN, 64, 64) == 64.0 * 64.0, "d = 0 is N0^2");
    PBT_CHECK(fabs(pb_alg_strassen_bound(PB_ALG_STRASSEN, 128, 64) - (12.0 * (64 * 64 + 5 * 64) - 5 * 128)) < 1e-6,
              "d = 1 Strassen");
    PBT_CHECK(fabs(pb_alg_strassen_bound(PB_ALG_WINOGRAD, 128, 64) - (18.0 * (64 * 64 + 6 * 64) - 6 * 128)) < 1e-6,
              "d = 1 Winograd");
    PBT_CHECK(isnan(pb_alg_strassen_bound(PB_ALG_STRASSEN, 96, 64)), "N not 2^d N0 gives NaN");
    free(a);
    free(b);
    free(c);
    free(ref);
}

/* Strassen over bf16 is one call: leaves really run the bf16 scheme (the
 * error is bf16's, well above fp32 leaves'), and stays within the bound
 * with bf16's unit roundoff. */
static void test_bf16_leaves(void)
{
    enum { N = 64 };
    float *a = malloc(N * N * sizeof *a), *b = malloc(N * N * sizeof *b), *c = malloc(N * N * sizeof *c);
    double *ref = malloc(N * N * sizeof *ref);
    pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 0, N, N, a, N);
    pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 1, N, N, b, N);
    exact_ref(N, N, N, a, b, ref);
    for (size_t kk = 0; kk < 2; kk++) {
        pb_alg alg = make_alg(kinds[kk], 16);
        PBT_REQUIRE(pb_alg_gemm(&alg, pb_scheme_by_name("bf16"), NULL, N, N, N, a, N, b, N, c, N) == PB_OK, "bf16");
        double e16 = normwise(N * N, c, ref);
        double m16 = max_err(N * N, c, ref);
        PBT_REQUIRE(pb_alg_gemm(&alg, pb_scheme_by_name("fp32"), NULL, N, N, N, a, N, b, N, c, N) == PB_OK, "fp32");
        double e32 = normwise(N * N, c, ref);
        PBT_CHECK(e16 > 1000 * e32 && e16 < 0.05, "%s: bf16 leaves %.3g, fp32 leaves %.3g", kind_name(kinds[kk]),
                  e16, e32);
        double f = pb_alg_strassen_bound(kinds[kk], N, 16);
        PBT_CHECK(m16 <= f * 0x1p-8 * max_abs(N * N, a) * max_abs(N * N, b), "%s over bf16 above the bound",
                  kind_name(kinds[kk]));
    }
    free(a);
    free(b);
    free(c);
    free(ref);
}

/* Leaf calls counted by the statistics equal pb_alg_cost_of's count; a
 * cut-off at or above min(M, N, K) is the classical product. */
static void test_cost_and_cutoff(void)
{
    static const size_t shapes[][4] = {{64, 64, 64, 8}, {37, 23, 51, 4}, {100, 3, 90, 2}, {33, 33, 33, 16}};
    for (size_t kk = 0; kk < 2; kk++)
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            const size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
            float *c = malloc(m * n * sizeof *c), *c2 = malloc(m * n * sizeof *c2);
            pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 0, m, k, a, k);
            pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 1, k, n, b, n);
            pb_gemm_stats stats = {0};
            pb_gemm_ctx ctx = pb_gemm_ctx_default();
            ctx.stats = &stats;
            pb_alg alg = make_alg(kinds[kk], shapes[s][3]);
            pb_alg_cost cost;
            PBT_REQUIRE(pb_alg_cost_of(&alg, m, n, k, &cost) == PB_OK, "cost");
            PBT_REQUIRE(pb_alg_gemm(&alg, NULL, &ctx, m, n, k, a, k, b, n, c, n) == PB_OK, "gemm");
            PBT_CHECK(stats.calls == cost.products, "%s %zux%zux%zu: %llu leaf calls, cost says %llu",
                      kind_name(kinds[kk]), m, n, k, (unsigned long long)stats.calls,
                      (unsigned long long)cost.products);
            double pow7 = 1;
            for (unsigned d = 0; d < cost.depth; d++) pow7 *= 7;
            PBT_CHECK((double)cost.products == pow7 && cost.depth >= 1, "products %llu for depth %u",
                      (unsigned long long)cost.products, cost.depth);
            PBT_CHECK(cost.product_flops < cost.classical_flops * 1.2 && cost.extra_flops > 0, "flop counts");

            size_t big = m < n ? (m < k ? m : k) : (n < k ? n : k);
            alg = make_alg(kinds[kk], big);
            PBT_REQUIRE(pb_alg_gemm(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "gemm");
            PBT_REQUIRE(pb_gemm(pb_scheme_by_name("fp32"), NULL, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n,
                                0.0f, c2, n) == PB_OK,
                        "pb_gemm");
            PBT_CHECK(memcmp(c, c2, m * n * sizeof *c) == 0, "cut-off %zu is not the classical product", big);
            free(a);
            free(b);
            free(c);
            free(c2);
        }
}

/* Threads and leading dimensions change nothing. */
static void test_threads_and_ld(void)
{
    const size_t m = 70, n = 50, k = 90, lda = k + 3, ldb = n + 5, ldc = n + 7;
    float *a = calloc(m * lda, sizeof *a), *b = calloc(k * ldb, sizeof *b);
    float *a0 = malloc(m * k * sizeof *a0), *b0 = malloc(k * n * sizeof *b0);
    float *c1 = malloc(m * n * sizeof *c1), *c2 = malloc(m * n * sizeof *c2), *c3 = malloc(m * ldc * sizeof *c3);
    pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 0, m, k, a0, k);
    pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 1, k, n, b0, n);
    for (size_t i = 0; i < m; i++) memcpy(a + i * lda, a0 + i * k, k * sizeof *a);
    for (size_t i = 0; i < k; i++) memcpy(b + i * ldb, b0 + i * n, n * sizeof *b);
    for (size_t kk = 0; kk < 2; kk++) {
        pb_alg alg = make_alg(kinds[kk], 8);
        pb_gemm_ctx ctx = pb_gemm_ctx_default();
        ctx.threads = 1;
        PBT_REQUIRE(pb_alg_gemm(&alg, NULL, &ctx, m, n, k, a0, k, b0, n, c1, n) == PB_OK, "1 thread");
        ctx.threads = 2;
        PBT_REQUIRE(pb_alg_gemm(&alg, NULL, &ctx, m, n, k, a0, k, b0, n, c2, n) == PB_OK, "2 threads");
        PBT_CHECK(memcmp(c1, c2, m * n * sizeof *c1) == 0, "%s: 1 and 2 threads differ", kind_name(kinds[kk]));
        for (size_t i = 0; i < m * ldc; i++) c3[i] = -7.0f;
        PBT_REQUIRE(pb_alg_gemm(&alg, NULL, NULL, m, n, k, a, lda, b, ldb, c3, ldc) == PB_OK, "ld");
        bool same = true, untouched = true;
        for (size_t i = 0; i < m; i++) {
            same = same && memcmp(c3 + i * ldc, c1 + i * n, n * sizeof *c1) == 0;
            for (size_t j = n; j < ldc; j++) untouched = untouched && c3[i * ldc + j] == -7.0f;
        }
        PBT_CHECK(same, "%s: leading dimensions change the result", kind_name(kinds[kk]));
        PBT_CHECK(untouched, "%s: wrote outside C's columns", kind_name(kinds[kk]));
    }
    /* arguments */
    pb_alg alg = make_alg(PB_ALG_STRASSEN, 8);
    PBT_CHECK(pb_alg_gemm(&alg, NULL, NULL, m, n, k, a0, k - 1, b0, n, c1, n) == PB_ERR_ARG, "lda < K");
    PBT_CHECK(pb_alg_gemm(&alg, NULL, NULL, m, n, k, NULL, k, b0, n, c1, n) == PB_ERR_ARG, "NULL A");
    alg.cutoff = 0;
    PBT_CHECK(pb_alg_gemm(&alg, NULL, NULL, m, n, k, a0, k, b0, n, c1, n) == PB_ERR_ARG, "cut-off 0");
    alg.cutoff = 8;
    PBT_CHECK(pb_alg_gemm(&alg, NULL, NULL, 0, n, k, a0, k, b0, n, c1, n) == PB_OK, "M = 0");
    for (size_t i = 0; i < m * n; i++) c1[i] = 5.0f;
    PBT_CHECK(pb_alg_gemm(&alg, NULL, NULL, m, n, 0, a0, 1, b0, n, c1, n) == PB_OK, "K = 0");
    bool zero = true;
    for (size_t i = 0; i < m * n; i++) zero = zero && c1[i] == 0.0f;
    PBT_CHECK(zero, "K = 0 gives C = 0");
    free(a);
    free(b);
    free(a0);
    free(b0);
    free(c1);
    free(c2);
    free(c3);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_parse);
    PBT_RUN(test_exact_integers);
    PBT_RUN(test_bound_and_growth);
    PBT_RUN(test_bf16_leaves);
    PBT_RUN(test_cost_and_cutoff);
    PBT_RUN(test_threads_and_ld);
    return pbt_finish();
}
