/* Tests of split precision (reference/splitprec.c) and the Ozaki scheme
 * (reference/ozaki.c):
 *   - bf16x3's normwise error is within a small factor of an fp32 GEMM on
 *     the same data (the factor shrinks with K: its dropped terms are about
 *     2^-17 of each product, fp32's rounding grows with K); bf16x6 and
 *     bf16x9 are at least as good as fp32, and bf16x9 beats bf16x3;
 *   - on data exact in bf16 every split is the plain bf16 GEMM bit for bit;
 *     bf16x3k (Karatsuba) is exact on integers of 14 bits;
 *   - Ozaki with enough slices is correctly rounded to fp64 on well-scaled
 *     inputs: equal to pb_exact_gemm_f64 bit for bit, also with rows and
 *     columns scaled by 2^+-1000 (overflow and subnormal outputs), and its
 *     error falls with every slice; specials follow exact.h;
 *   - the cost model's product counts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "precbench/alg.h"
#include "precbench/exact.h"
#include "precbench/generate.h"
#include "precbench/scheme.h"

static pb_alg alg_of(const char *text)
{
    pb_alg a;
    memset(&a, 0, sizeof a);
    if (pb_alg_parse(text, &a) != PB_OK) a.kind = (pb_alg_kind)-1;
    return a;
}

static double normwise32(size_t len, const float *c, const double *ref)
{
    double e = 0, s = 0;
    for (size_t i = 0; i < len; i++) {
        e += ((double)c[i] - ref[i]) * ((double)c[i] - ref[i]);
        s += ref[i] * ref[i];
    }
    return sqrt(e / s);
}

static double normwise64(size_t len, const double *c, const double *ref)
{
    double e = 0, s = 0;
    for (size_t i = 0; i < len; i++) {
        e += (c[i] - ref[i]) * (c[i] - ref[i]);
        s += ref[i] * ref[i];
    }
    return sqrt(e / s);
}

/* The normwise error of alg (with scheme, NULL: its default) on A, B. */
static double alg_error(const char *alg_text, const char *scheme, size_t m, size_t n, size_t k, const float *a,
                        const float *b, const double *ref, float *c)
{
    pb_alg alg = alg_of(alg_text);
    pb_status st = pb_alg_gemm(&alg, scheme ? pb_scheme_by_name(scheme) : NULL, NULL, m, n, k, a, k, b, n, c, n);
    if (st != PB_OK) return NAN;
    return normwise32(m * n, c, ref);
}

/* bf16x3 within a small factor of fp32; x6, x9 at fp32 level; x9 < x3. */
static void test_split_accuracy(void)
{
    static const struct {
        pb_dist dist;
        size_t k;
        double x3_factor; /* bf16x3 error / fp32 error at most (measured: about half) */
    } cases[] = {
        {PB_DIST_NORMAL, 1024, 12}, {PB_DIST_NORMAL, 4096, 6}, {PB_DIST_UNIFORM, 4096, 6},
        {PB_DIST_UNIFORM01, 1024, 2}, {PB_DIST_LOGNORMAL, 1024, 2},
    };
    const size_t m = 24, n = 20;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const size_t k = cases[t].k;
        float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b), *c = malloc(m * n * sizeof *c);
        double *ref = malloc(m * n * sizeof *ref);
        pb_generate_matrix_f32(cases[t].dist, pbt_seed(), 0, m, k, a, k);
        pb_generate_matrix_f32(cases[t].dist, pbt_seed(), 1, k, n, b, n);
        pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
        const double e32 = alg_error("classical", "fp32", m, n, k, a, b, ref, c);
        const double e16 = alg_error("classical", "bf16", m, n, k, a, b, ref, c);
        const double e3 = alg_error("bf16x3", NULL, m, n, k, a, b, ref, c);
        const double e6 = alg_error("bf16x6", NULL, m, n, k, a, b, ref, c);
        const double e9 = alg_error("bf16x9", NULL, m, n, k, a, b, ref, c);
        const char *dn = pb_dist_name(cases[t].dist);
        PBT_CHECK(e3 <= cases[t].x3_factor * e32, "%s K=%zu: bf16x3 %.3g above %.0f x fp32 %.3g", dn, k, e3,
                  cases[t].x3_factor, e32);
        PBT_CHECK(e3 < e16 / 20, "%s K=%zu: bf16x3 %.3g not far below plain bf16 %.3g", dn, k, e3, e16);
        PBT_CHECK(e6 <= 1.5 * e32 && e9 <= 1.5 * e32, "%s K=%zu: bf16x6 %.3g, bf16x9 %.3g, fp32 %.3g", dn, k, e6,
                  e9, e32);
        PBT_CHECK(e9 <= e3 && e6 <= e3, "%s K=%zu: bf16x9 %.3g / bf16x6 %.3g not below bf16x3 %.3g", dn, k, e9,
                  e6, e3);
        if (cases[t].dist == PB_DIST_NORMAL || cases[t].dist == PB_DIST_UNIFORM)
            PBT_CHECK(e9 < e3 / 3, "%s K=%zu: bf16x9 %.3g not clearly below bf16x3 %.3g", dn, k, e9, e3);
        /* the fixed-point Karatsuba variant: its 14 bits per row make it
         * far worse than bf16x3 at the same cost; on data symmetric about
         * zero it still beats plain bf16, on positive or wide-ranged data
         * it does not (docs/algorithms.md) */
        const double ek = alg_error("bf16x3k", NULL, m, n, k, a, b, ref, c);
        PBT_CHECK(ek > 20 * e3, "%s K=%zu: bf16x3k %.3g not well above bf16x3 %.3g", dn, k, ek, e3);
        if (cases[t].dist == PB_DIST_NORMAL || cases[t].dist == PB_DIST_UNIFORM)
            PBT_CHECK(ek < e16 / 4, "%s K=%zu: bf16x3k %.3g not below bf16 %.3g", dn, k, ek, e16);
        free(a);
        free(b);
        free(c);
        free(ref);
    }
}

/* On values exact in bf16 the pieces beyond the first are zero: every
 * split gives the bf16 GEMM bit for bit (the added zero products change
 * nothing).  bf16x3k is exact on integers below 2^14 when a row holds one
 * of at least 2^13 (K <= 256 keeps the fp32 sums exact). */
static void test_split_exact_cases(void)
{
    const size_t m = 19, n = 23, k = 200;
    float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    float *c = malloc(m * n * sizeof *c), *c0 = malloc(m * n * sizeof *c0);
    pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 0, m, k, a, k);
    pb_generate_matrix_f32(PB_DIST_NORMAL, pbt_seed(), 1, k, n, b, n);
    const pb_format *bf = pb_format_by_name("bf16");
    pb_rounding rne = pb_rounding_default();
    pb_round_f32(bf, a, a, m * k, &rne, 0);
    pb_round_f32(bf, b, b, k * n, &rne, 0);
    const pb_scheme *s = pb_scheme_by_name("bf16");
    PBT_REQUIRE(pb_gemm(s, NULL, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, c0, n) == PB_OK, "bf16");
    const char *names[] = {"bf16x3", "bf16x6", "bf16x9"};
    for (int t = 0; t < 3; t++) {
        pb_alg alg = alg_of(names[t]);
        PBT_REQUIRE(pb_alg_gemm(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "%s", names[t]);
        size_t diff = 0;
        for (size_t i = 0; i < m * n; i++) diff += c[i] != c0[i];
        PBT_CHECK(diff == 0, "%s on bf16 data: %zu outputs differ from the bf16 GEMM", names[t], diff);
    }

    /* bf16x3k on 14-bit integers (K <= 256): every digit and every digit
     * product sum is exact, so the result is the documented combination
     * of the exact integers P0, P1, Ps, computed here independently */
    int32_t *ia = malloc(m * k * sizeof *ia), *ib = malloc(k * n * sizeof *ib);
    pb_generate_i32(pbt_seed(), 5, 0, -16383, 16383, ia, m * k);
    pb_generate_i32(pbt_seed(), 6, 0, -16383, 16383, ib, k * n);
    for (size_t i = 0; i < m; i++) ia[i * k + i % k] = 16383; /* max |row| in [2^13, 2^14) */
    for (size_t j = 0; j < n; j++) ib[(j % k) * n + j] = -16000;
    for (size_t i = 0; i < m * k; i++) a[i] = (float)ia[i];
    for (size_t i = 0; i < k * n; i++) b[i] = (float)ib[i];
    pb_alg alg = alg_of("bf16x3k");
    PBT_REQUIRE(pb_alg_gemm(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "bf16x3k");
    size_t wrong = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            int64_t p0 = 0, p1 = 0, ps = 0;
            for (size_t t = 0; t < k; t++) {
                /* e = 14 for every row and column: d0 = v / 128 toward zero, d1 the rest */
                int32_t x = ia[i * k + t], y = ib[t * n + j];
                int32_t x0 = x / 128, x1 = x - 128 * x0, y0 = y / 128, y1 = y - 128 * y0;
                p0 += (int64_t)x0 * y0;
                p1 += (int64_t)x1 * y1;
                ps += (int64_t)(x0 + x1) * (y0 + y1);
            }
            float cross = ((float)ps - (float)p0) - (float)p1;
            float acc = (float)p1 * 0x1p-7f + cross;
            acc = acc * 0x1p-7f + (float)p0;
            float want = ldexpf(acc, 14 + 14 - 14);
            wrong += c[i * n + j] != want;
        }
    PBT_CHECK(wrong == 0, "bf16x3k on 14-bit integers: %zu of %zu outputs differ from the Karatsuba formula",
              wrong, m * n);

    /* schemes that would change the pieces are refused */
    static const struct {
        const char *scheme;
        pb_status st;
    } sch[] = {{"bf16", PB_OK},
               {"fp32", PB_OK},
               {"tf32", PB_OK},
               {"bf16-h100", PB_OK},
               {"fp16", PB_ERR_UNSUPPORTED},
               {"fp8-e4m3", PB_ERR_UNSUPPORTED},
               {"int8", PB_ERR_UNSUPPORTED}};
    for (size_t t = 0; t < sizeof sch / sizeof sch[0]; t++) {
        const pb_scheme *x = pb_scheme_by_name(sch[t].scheme);
        PBT_REQUIRE(x, "scheme %s missing", sch[t].scheme);
        pb_alg a3 = alg_of("bf16x3");
        PBT_CHECK(pb_alg_check_scheme(&a3, x) == sch[t].st, "bf16x3 over %s: expected status %d", sch[t].scheme,
                  sch[t].st);
        if (sch[t].st != PB_OK)
            PBT_CHECK(pb_alg_gemm(&a3, x, NULL, m, n, k, a, k, b, n, c, n) == sch[t].st, "gemm over %s",
                      sch[t].scheme);
    }
    free(a);
    free(b);
    free(c);
    free(c0);
    free(ia);
    free(ib);
}

/* fp64 values whose exponents within a row or column span 4 binades:
 * +-(1 + f) 2^-e, e in 0..3, 52 random fraction bits. */
static void well_scaled(uint32_t stream, size_t count, double *x)
{
    uint32_t *r = malloc(count * sizeof *r);
    pb_generate_f64(PB_DIST_UNIFORM01, pbt_seed(), stream, 0, x, count);
    pb_generate_i32(pbt_seed(), stream + 100, 0, 0, 7, (int32_t *)r, count);
    for (size_t i = 0; i < count; i++)
        x[i] = ldexp(1.0 + x[i], -(int)(r[i] & 3)) * ((r[i] & 4) ? -1 : 1);
    free(r);
}

static size_t count_differences(size_t len, const double *c, const double *ref)
{
    size_t d = 0;
    for (size_t i = 0; i < len; i++) {
        if (isnan(c[i]) && isnan(ref[i])) continue;
        d += memcmp(&c[i], &ref[i], sizeof c[i]) != 0;
    }
    return d;
}

/* With every digit of every input kept, the result is the exact product
 * rounded once: 53 + 3 bits need 8 slices of 7 bits (all 64 products),
 * 15 slices in the triangle (s + t <= 16 holds every pair up to 8), or
 * 10 slices of 6 bits with Karatsuba. */
static void test_ozaki_correctly_rounded(void)
{
    const size_t m = 33, n = 29, k = 301;
    double *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    double *c = malloc(m * n * sizeof *c), *ref = malloc(m * n * sizeof *ref);
    well_scaled(1, m * k, a);
    well_scaled(2, k * n, b);
    pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
    const char *names[] = {"ozaki:8,full", "ozaki:15", "ozaki:10,full,k", "ozaki:19,k", "ozaki:12,full"};
    for (int t = 0; t < 5; t++) {
        pb_alg alg = alg_of(names[t]);
        PBT_REQUIRE(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "%s", names[t]);
        size_t d = count_differences(m * n, c, ref);
        PBT_CHECK(d == 0, "%s: %zu of %zu outputs not correctly rounded", names[t], d, m * n);
    }
    /* one slice fewer drops digits: no longer exact everywhere */
    pb_alg alg = alg_of("ozaki:7,full");
    PBT_REQUIRE(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "ozaki:7,full");
    PBT_CHECK(count_differences(m * n, c, ref) > 0, "ozaki:7,full cannot hold 56 bits, yet every output is exact");

    /* rows and columns scaled by powers of two far apart: outputs overflow,
     * are subnormal, or lie beyond the accumulator's direct reach */
    int32_t *ra = malloc(m * sizeof *ra), *cb = malloc(n * sizeof *cb);
    pb_generate_i32(pbt_seed(), 7, 0, -1000, 1000, ra, m);
    pb_generate_i32(pbt_seed(), 8, 0, -1000, 1000, cb, n);
    ra[0] = 1000, cb[0] = 1000;    /* 2^2000: inf, through the exact dot product */
    ra[1] = -1000, cb[1] = -75;    /* subnormal outputs */
    ra[2] = -1000, cb[2] = -20;    /* near the bottom of the normal range */
    ra[3] = 1000, cb[3] = 20;      /* near overflow */
    for (size_t i = 0; i < m; i++)
        for (size_t t = 0; t < k; t++) a[i * k + t] = ldexp(a[i * k + t], ra[i]);
    for (size_t t = 0; t < k; t++)
        for (size_t j = 0; j < n; j++) b[t * n + j] = ldexp(b[t * n + j], cb[j]);
    pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
    size_t special = 0;
    for (size_t i = 0; i < m * n; i++) special += !isfinite(ref[i]) || fabs(ref[i]) < 0x1p-1022;
    PBT_CHECK(special > 0, "the scaled data should reach overflow or subnormal outputs");
    alg = alg_of("ozaki:8,full");
    PBT_REQUIRE(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "scaled");
    size_t d = count_differences(m * n, c, ref);
    PBT_CHECK(d == 0, "rows and columns scaled by 2^+-1000: %zu outputs differ from the exact product", d);
    free(ra);
    free(cb);
    free(a);
    free(b);
    free(c);
    free(ref);
}

/* The error falls with every slice; binary64 summation is close to the
 * exact one but carries its own rounding errors. */
static void test_ozaki_slices(void)
{
    const size_t m = 20, n = 24, k = 256;
    double *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    double *c = malloc(m * n * sizeof *c), *ref = malloc(m * n * sizeof *ref);
    pb_generate_matrix_f64(PB_DIST_NORMAL, pbt_seed(), 0, m, k, a, k);
    pb_generate_matrix_f64(PB_DIST_NORMAL, pbt_seed(), 1, k, n, b, n);
    pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
    double prev = INFINITY;
    for (int s = 2; s <= 8; s++) {
        char name[32];
        snprintf(name, sizeof name, "ozaki:%d", s);
        pb_alg alg = alg_of(name);
        PBT_REQUIRE(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "%s", name);
        double e = normwise64(m * n, c, ref);
        /* each slice adds 7 bits: the error falls by far more than 2^4 */
        PBT_CHECK(e < prev / 16, "%s: error %.3g not well below %.3g with one slice fewer", name, e, prev);
        /* digits below 2^-7S of each row's largest element are dropped */
        PBT_CHECK(e < ldexp(1.0, 10 - 7 * s), "%s: error %.3g above 2^(10-7S)", name, e);
        prev = e;
    }
    /* binary64 summation: within a few ulps */
    pb_alg alg = alg_of("ozaki:12,fp64");
    PBT_REQUIRE(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "fp64 sum");
    double e = normwise64(m * n, c, ref);
    PBT_CHECK(e > 0 && e < 64 * 0x1p-53, "ozaki:12,fp64: normwise %.3g", e);
    /* the float32 entry point: the fp64 result rounded to float */
    float *fa = malloc(m * k * sizeof *fa), *fb = malloc(k * n * sizeof *fb), *fc = malloc(m * n * sizeof *fc);
    pb_generate_matrix_f32(PB_DIST_UNIFORM, pbt_seed(), 0, m, k, fa, k);
    pb_generate_matrix_f32(PB_DIST_UNIFORM, pbt_seed(), 1, k, n, fb, n);
    pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, m, n, k, fa, k, fb, n, ref, n, NULL, NULL, 0);
    alg = alg_of("ozaki:16");
    PBT_REQUIRE(pb_alg_gemm(&alg, NULL, NULL, m, n, k, fa, k, fb, n, fc, n) == PB_OK, "f32 entry");
    size_t wrong = 0;
    for (size_t i = 0; i < m * n; i++) wrong += fc[i] != (float)ref[i];
    PBT_CHECK(wrong == 0, "ozaki:16 through float32: %zu outputs differ", wrong);
    free(fa);
    free(fb);
    free(fc);
    free(a);
    free(b);
    free(c);
    free(ref);
}

/* Infinities, NaN, zeros and signed zeros follow exact.h's rules. */
static void test_ozaki_specials(void)
{
    const size_t m = 6, n = 5, k = 9;
    double a[6 * 9], b[9 * 5], c[6 * 5], ref[6 * 5];
    pb_generate_matrix_f64(PB_DIST_NORMAL, pbt_seed(), 0, m, k, a, k);
    pb_generate_matrix_f64(PB_DIST_NORMAL, pbt_seed(), 1, k, n, b, n);
    a[0 * k + 3] = INFINITY;          /* row 0: inf */
    a[1 * k + 2] = NAN;               /* row 1: NaN */
    for (size_t t = 0; t < k; t++) a[2 * k + t] = -0.0;  /* row 2: -0: products -0 or +0 */
    for (size_t t = 0; t < k; t++) a[3 * k + t] = 0.0;   /* row 3: zeros */
    b[4 * n + 1] = -INFINITY;         /* column 1: -inf */
    for (size_t t = 0; t < k; t++) b[t * n + 4] = fabs(b[t * n + 4]); /* column 4 >= 0 */
    pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
    const char *names[] = {"ozaki:8", "ozaki:8,full,k", "ozaki:3"};
    for (int t = 0; t < 3; t++) {
        pb_alg alg = alg_of(names[t]);
        PBT_REQUIRE(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, k, a, k, b, n, c, n) == PB_OK, "%s", names[t]);
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < n; j++) {
                const double x = c[i * n + j], r = ref[i * n + j];
                PBT_CHECK((isnan(x) && isnan(r)) || memcmp(&x, &r, sizeof x) == 0,
                          "%s: C(%zu,%zu) = %g, exact %g", names[t], i, j, x, r);
            }
    }
    PBT_CHECK(signbit(ref[2 * n + 4]) && ref[2 * n + 4] == 0, "-0 row times a nonnegative column is -0");
    /* K = 0 */
    pb_alg alg = alg_of("ozaki:4");
    for (size_t i = 0; i < m * n; i++) c[i] = 1;
    PBT_CHECK(pb_alg_gemm_f64(&alg, NULL, NULL, m, n, 0, a, 1, b, n, c, n) == PB_OK, "K = 0");
    bool zero = true;
    for (size_t i = 0; i < m * n; i++) zero = zero && c[i] == 0 && !signbit(c[i]);
    PBT_CHECK(zero, "K = 0 gives +0");
}

/* Product counts: triangle S(S+1)/2, full S^2, Karatsuba full S(S+1)/2,
 * Karatsuba triangle: pairs plus every diagonal; bf16xN: N. */
static void test_cost(void)
{
    static const struct {
        const char *name;
        unsigned long long products;
    } cases[] = {
        {"ozaki:1", 1},        {"ozaki:4", 10},      {"ozaki:8", 36},     {"ozaki:8,full", 64},
        {"ozaki:8,full,k", 36}, {"ozaki:4,k", 4 + 4}, {"ozaki:9,k", 20 + 9}, {"bf16x3", 3},
        {"bf16x6", 6},         {"bf16x9", 9},        {"bf16x3k", 3},      {"classical", 1},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        pb_alg alg = alg_of(cases[t].name);
        pb_alg_cost cost;
        PBT_REQUIRE(pb_alg_cost_of(&alg, 100, 80, 60, &cost) == PB_OK, "%s", cases[t].name);
        PBT_CHECK(cost.products == cases[t].products, "%s: %llu products, expected %llu", cases[t].name,
                  (unsigned long long)cost.products, cases[t].products);
        PBT_CHECK(cost.product_flops == (double)cases[t].products * 2 * 100 * 80 * 60 && cost.depth == 0,
                  "%s: product flops", cases[t].name);
        PBT_CHECK(cost.classical_flops == 2.0 * 100 * 80 * 60, "classical flops");
    }
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_split_accuracy);
    PBT_RUN(test_split_exact_cases);
    PBT_RUN(test_ozaki_correctly_rounded);
    PBT_RUN(test_ozaki_slices);
    PBT_RUN(test_ozaki_specials);
    PBT_RUN(test_cost);
    return pbt_finish();
}
