/* The exact GEMM (kernels/accum/exact_gemm.c) against the MPFR oracle's GEMM
 * (reference/mpfr_oracle.c), bit for bit: odd sizes, every transpose, wide
 * leading dimensions (the gaps in C untouched), float32 and float64 inputs,
 * several formats and modes, ill-conditioned and special entries; 1 and 2
 * threads and the portable kernel give the same bits.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "precbench/exact.h"
#include "precbench/format.h"
#include "precbench/reference.h"

static bool same(double a, double b)
{
    if (isnan(a) && isnan(b)) return true;
    return memcmp(&a, &b, sizeof a) == 0;
}

typedef struct test_rng {
    uint64_t state;
} test_rng;

static uint64_t rng_next(test_rng *g)
{
    uint64_t z = (g->state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double rng_centered(test_rng *g)
{
    return (double)(rng_next(g) >> 11) * 0x1p-53 - 0.5;
}

/* One matrix entry of data class cls (0..4). */
static double entry(int cls, test_rng *g)
{
    uint32_t k = (uint32_t)rng_next(g);
    double u = rng_centered(g);
    switch (cls) {
    case 0: return u;                                   /* plain            */
    case 1: return ldexp(u, (int)(k % 41) - 20);         /* wide range       */
    case 2: return (double)((int)(k % 9) - 4);          /* small integers   */
    case 3:                                             /* specials, zeros  */
        switch (k % 61) {
        case 0: return NAN;
        case 1: return INFINITY;
        case 2: return -INFINITY;
        case 3: return -0.0;
        default: return (k % 5) ? u : 0.0;
        }
    default: return ldexp(u, (int)(k % 2000) - 1000);    /* any exponent     */
    }
}

#define GUARD 12345.678

typedef struct gemm_case {
    pb_trans ta, tb;
    size_t m, n, k, lda, ldb, ldc;
    bool f32;
    const pb_format *f;
    pb_rounding r;
} gemm_case;

/* Fill A (stored rows x cols with ld) and B, run both GEMMs, compare every
 * element and the guards in C's gaps.  Returns the number of mismatches. */
static int run_case(const gemm_case *c, int cls, test_rng *g, int threads,
                    uint64_t *fallback)
{
    size_t ar = c->ta ? c->k : c->m, ac = c->ta ? c->m : c->k;
    size_t br = c->tb ? c->n : c->k, bc = c->tb ? c->k : c->n;
    size_t asz = ar * c->lda + 1, bsz = br * c->ldb + 1, csz = c->m * c->ldc + 1;
    double *a = malloc(asz * sizeof(double)), *b = malloc(bsz * sizeof(double));
    float *af = malloc(asz * sizeof(float)), *bf = malloc(bsz * sizeof(float));
    double *ce = malloc(csz * sizeof(double)), *co = malloc(csz * sizeof(double));
    for (size_t i = 0; i < asz; i++) a[i] = NAN; /* gaps: never read */
    for (size_t i = 0; i < bsz; i++) b[i] = NAN;
    for (size_t i = 0; i < ar; i++)
        for (size_t j = 0; j < ac; j++) a[i * c->lda + j] = entry(cls, g);
    for (size_t i = 0; i < br; i++)
        for (size_t j = 0; j < bc; j++) b[i * c->ldb + j] = entry(cls, g);
    for (size_t i = 0; i < asz; i++) af[i] = (float)a[i];
    for (size_t i = 0; i < bsz; i++) bf[i] = (float)b[i];
    for (size_t i = 0; i < csz; i++) ce[i] = co[i] = GUARD;
    pb_status se, so;
    if (c->f32) {
        se = pb_exact_gemm_f32(c->ta, c->tb, c->m, c->n, c->k, af, c->lda, bf, c->ldb,
                               ce, c->ldc, c->f, &c->r, threads);
        *fallback += pb_exact_last_stats().fallback;
        so = pb_mpfr_gemm_f32(c->ta, c->tb, c->m, c->n, c->k, af, c->lda, bf, c->ldb,
                              co, c->ldc, c->f, &c->r, 0);
    } else {
        se = pb_exact_gemm_f64(c->ta, c->tb, c->m, c->n, c->k, a, c->lda, b, c->ldb,
                               ce, c->ldc, c->f, &c->r, threads);
        *fallback += pb_exact_last_stats().fallback;
        so = pb_mpfr_gemm_f64(c->ta, c->tb, c->m, c->n, c->k, a, c->lda, b, c->ldb,
                              co, c->ldc, c->f, &c->r, 0);
    }
    int bad = 0;
    if (se != PB_OK || so != PB_OK) {
        PBT_CHECK(0, "status exact %d oracle %d", se, so);
        bad++;
    } else {
        for (size_t i = 0; i < c->m; i++)
            for (size_t j = 0; j < c->ldc; j++) {
                double e = ce[i * c->ldc + j], o = co[i * c->ldc + j];
                bool ok = j < c->n ? same(e, o) : e == GUARD;
                if (!ok && bad++ < 3)
                    PBT_CHECK(0, "m=%zu n=%zu k=%zu ta=%d tb=%d ld=%zu,%zu,%zu %s %s mode=%d"
                              " C(%zu,%zu): exact %a oracle %a",
                              c->m, c->n, c->k, c->ta, c->tb, c->lda, c->ldb, c->ldc,
                              c->f32 ? "f32" : "f64", c->f->spec.name, c->r.mode, i, j, e, o);
            }
        if (ce[c->m * c->ldc] != GUARD) bad++;
    }
    free(a);
    free(b);
    free(af);
    free(bf);
    free(ce);
    free(co);
    return bad;
}

static const char *const formats[] = {"fp64", "fp32", "bf16", "e4m3", "fp16"};

static void test_random_shapes(void)
{
    test_rng g = {pbt_seed()};
    uint64_t fallback = 0;
    int bad = 0;
    const uint64_t cases = pbt_count(400);
    for (uint64_t t = 0; t < cases; t++) {
        gemm_case c;
        c.ta = (pb_trans)(t & 1);
        c.tb = (pb_trans)((t >> 1) & 1);
        c.m = 1 + rng_next(&g) % 37;
        c.n = 1 + rng_next(&g) % 41;
        c.k = rng_next(&g) % 50;
        size_t ac = c.ta ? c.m : c.k, bc = c.tb ? c.k : c.n;
        c.lda = (ac ? ac : 1) + (rng_next(&g) % 3 == 0 ? rng_next(&g) % 5 : 0);
        c.ldb = (bc ? bc : 1) + (rng_next(&g) % 3 == 0 ? rng_next(&g) % 5 : 0);
        c.ldc = c.n + (rng_next(&g) % 3 == 0 ? 1 + rng_next(&g) % 4 : 0);
        c.f32 = (t >> 2) & 1;
        c.f = pb_format_by_name(formats[rng_next(&g) % 5]);
        c.r = pb_rounding_default();
        c.r.mode = (pb_round_mode)(rng_next(&g) % 7);
        c.r.sr_bits = 6;
        c.r.seed = t;
        c.r.overflow = (pb_overflow)(rng_next(&g) % 2);
        bad += run_case(&c, (int)(t % 5), &g, 1 + (int)(t % 2), &fallback);
    }
    PBT_CHECK(bad == 0, "%d mismatching elements", bad);
    PBT_CHECK(fallback > 0, "the fallback never ran");
}

/* Ill-conditioned dot products on the diagonal: row i of A and column i of B
 * come from the generator, so C(i, i) needs the fallback. */
static void test_illcond_diagonal(void)
{
    enum { N = 24, K = 160 };
    static double a[N * K], b[K * N], ce[N * N], co[N * N];
    static float af[N * K], bf[K * N];
    for (int i = 0; i < N; i++) {
        double x[K], y[K];
        pb_status st = pb_gen_illcond_dot_f64(K, pow(10.0, 5 + i), pbt_seed() + (uint64_t)i,
                                              3, x, y, NULL);
        PBT_REQUIRE(st == PB_OK, "generator failed");
        for (int k = 0; k < K; k++) {
            a[i * K + k] = x[k];
            b[k * N + i] = y[k];
        }
    }
    for (int i = 0; i < N * K; i++) af[i] = (float)a[i];
    for (int i = 0; i < N * K; i++) bf[i] = (float)b[i];
    const char *const fmts[] = {"fp64", "fp32", "bf16", "e4m3"};
    for (int fi = 0; fi < 4; fi++)
        for (int mode = PB_ROUND_RNE; mode <= PB_ROUND_DOWN; mode++)
            for (int f32 = 0; f32 < 2; f32++) {
                pb_rounding r = pb_rounding_default();
                r.mode = (pb_round_mode)mode;
                const pb_format *f = pb_format_by_name(fmts[fi]);
                pb_status s1 = f32 ? pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, N, N, K, af, K, bf, N, ce, N, f, &r, 2)
                                   : pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, N, N, K, a, K, b, N, ce, N, f, &r, 2);
                pb_exact_stats s = pb_exact_last_stats();
                pb_status s2 = f32 ? pb_mpfr_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, N, N, K, af, K, bf, N, co, N, f, &r, 0)
                                   : pb_mpfr_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, N, N, K, a, K, b, N, co, N, f, &r, 0);
                PBT_REQUIRE(s1 == PB_OK && s2 == PB_OK, "status %d %d", s1, s2);
                int bad = 0;
                for (int i = 0; i < N * N; i++) bad += !same(ce[i], co[i]);
                PBT_CHECK(bad == 0, "%s mode %d f32=%d: %d elements differ", fmts[fi], mode, f32, bad);
                /* The float64 diagonal (conditions up to 1e28) needs the long
                 * accumulator for the worst ones; every element is counted. */
                PBT_CHECK(s.proved + s.fallback == N * N, "counted %llu",
                          (unsigned long long)(s.proved + s.fallback));
                if (!f32) PBT_CHECK(s.fallback >= 3, "fallback ran %llu times",
                                    (unsigned long long)s.fallback);
            }
}

/* A size with many tiles: 1 and 2 threads and the portable kernel agree,
 * and a sample of elements matches the oracle. */
static void test_threads_and_backends(void)
{
    enum { M = 133, N = 70, K = 517 };
    static float a[K * M], b[N * K];
    static double c1[M * N], c2[M * N], c3[M * N];
    test_rng g = {pbt_seed() + 5};
    for (int i = 0; i < K * M; i++) a[i] = (float)entry(i % 7 == 0 ? 1 : 0, &g);
    for (int i = 0; i < N * K; i++) b[i] = (float)entry(2, &g);
    pb_rounding r = pb_rounding_default();
    const pb_format *bf16 = pb_format_by_name("bf16");
    /* A transposed (stored K x M), B transposed (stored N x K). */
    PBT_REQUIRE(pb_exact_gemm_f32(PB_TRANS, PB_TRANS, M, N, K, a, M, b, K, c1, N, bf16, &r, 1) == PB_OK, "1 thread");
    PBT_REQUIRE(pb_exact_gemm_f32(PB_TRANS, PB_TRANS, M, N, K, a, M, b, K, c2, N, bf16, &r, 2) == PB_OK, "2 threads");
    bool old = pb_exact_force_scalar(true);
    PBT_REQUIRE(pb_exact_gemm_f32(PB_TRANS, PB_TRANS, M, N, K, a, M, b, K, c3, N, bf16, &r, 2) == PB_OK, "scalar");
    pb_exact_force_scalar(old);
    PBT_CHECK(memcmp(c1, c2, sizeof c1) == 0, "1 and 2 threads differ");
    PBT_CHECK(memcmp(c1, c3, sizeof c1) == 0, "scalar and vector kernels differ");
    int bad = 0;
    for (int s = 0; s < 300; s++) {
        int i = (int)(rng_next(&g) % M), j = (int)(rng_next(&g) % N);
        double o = NAN;
        /* Row i of op(A) is column i of the stored K x M matrix. */
        pb_mpfr_dot_f32(K, a + i, M, b + (size_t)j * K, 1, bf16, &r, &o);
        bad += !same(o, c1[i * N + j]);
    }
    PBT_CHECK(bad == 0, "%d sampled elements differ from the oracle", bad);
}

/* float64 inputs whose TwoProduct would underflow take the fallback. */
static void test_tiny_f64(void)
{
    enum { M = 9, N = 17, K = 40 };
    double a[M * K], b[K * N], ce[M * N], co[M * N];
    test_rng g = {pbt_seed() + 9};
    for (int i = 0; i < M * K; i++) a[i] = ldexp(rng_centered(&g), -500 - (int)(rng_next(&g) % 40));
    for (int i = 0; i < K * N; i++) b[i] = ldexp(rng_centered(&g), -500 - (int)(rng_next(&g) % 40));
    for (int mode = PB_ROUND_RNE; mode <= PB_ROUND_DOWN; mode++) {
        pb_rounding r = pb_rounding_default();
        r.mode = (pb_round_mode)mode;
        PBT_REQUIRE(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, ce, N, NULL, &r, 0) == PB_OK, "exact");
        PBT_CHECK(pb_exact_last_stats().fallback == M * N, "products near 2^-1000 must not be proved");
        PBT_REQUIRE(pb_mpfr_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, co, N, NULL, &r, 0) == PB_OK, "oracle");
        int bad = 0;
        for (int i = 0; i < M * N; i++) bad += !same(ce[i], co[i]);
        PBT_CHECK(bad == 0, "mode %d: %d elements differ", mode, bad);
    }
}

static void test_arguments(void)
{
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4];
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 1, b, 2, c, 2, NULL, NULL, 0) == PB_ERR_ARG, "lda < k");
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 1, NULL, NULL, 0) == PB_ERR_ARG, "ldc < n");
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, NULL, 2, b, 2, c, 2, NULL, NULL, 0) == PB_ERR_ARG, "NULL A");
    PBT_CHECK(pb_exact_gemm_f64((pb_trans)7, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2, NULL, NULL, 0) == PB_ERR_ARG, "bad trans");
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 0, 2, 2, a, 2, b, 2, NULL, 2, NULL, NULL, 0) == PB_OK, "m = 0");
    pb_rounding bad = pb_rounding_default();
    bad.mode = (pb_round_mode)99;
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2, NULL, &bad, 0) == PB_ERR_ARG, "bad mode");
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2, NULL, NULL, 0) == PB_OK, "identity");
    PBT_CHECK(c[0] == 1 && c[1] == 2 && c[2] == 3 && c[3] == 4, "A * I = A");
    /* K = 0: empty sums, +0 even rounding down. */
    pb_rounding down = pb_rounding_default();
    down.mode = PB_ROUND_DOWN;
    c[0] = 5;
    PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 0, a, 1, b, 2, c, 2, NULL, &down, 0) == PB_OK, "k = 0");
    PBT_CHECK(same(c[0], 0.0) && same(c[3], 0.0), "k = 0 gives +0");
    double o = 0;
    PBT_CHECK(pb_mpfr_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 1, 1, 0, a, 1, b, 1, &o, 1, NULL, &down, 0) == PB_OK && same(o, 0.0), "oracle k = 0");
    /* A format the exact path cannot round into (51 fraction bits, fp64's
     * exponent): unsupported, not a wrong answer. */
    pb_format wide;
    if (pb_format_parse("fp:e=11,m=51", &wide) == PB_OK) {
        PBT_CHECK(!pb_exact_format_supported(&wide), "m = 51 is not supported");
        PBT_CHECK(pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 2, 2, 2, a, 2, b, 2, c, 2, &wide, NULL, 0) == PB_ERR_UNSUPPORTED, "unsupported");
        PBT_CHECK(isnan(pb_exact_dot_f64(2, a, 1, b, 1, &wide, NULL)), "unsupported dot is NaN");
    }
    for (size_t i = 0; i < pb_format_count(); i++)
        PBT_CHECK(pb_exact_format_supported(pb_format_at(i)), "%s unsupported",
                  pb_format_at(i)->spec.name);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_arguments);
    PBT_RUN(test_random_shapes);
    PBT_RUN(test_illcond_diagonal);
    PBT_RUN(test_threads_and_backends);
    PBT_RUN(test_tiny_f64);
    return pbt_finish();
}
