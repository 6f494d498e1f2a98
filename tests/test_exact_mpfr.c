/* The fast exact path (kernels/accum/exact*.c) against the MPFR oracle
 * (reference/mpfr_oracle.c), bit for bit: random dot products of random
 * lengths and data classes, ill-conditioned ones, subnormal / huge /
 * mixed-sign terms, IEEE specials, every rounding mode, many output formats.
 * Hand-computed cases pin both down independently, and the oracle's
 * rounding into each format is checked against pb_format_round.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <omp.h>

#include "harness.h"
#include "precbench/exact.h"
#include "precbench/format.h"
#include "precbench/reference.h"
#include "precbench/rng.h"

/* ---- helpers --------------------------------------------------------------- */

static bool same(double a, double b)
{
    if (isnan(a) && isnan(b)) return true;
    return memcmp(&a, &b, sizeof a) == 0;
}

static const pb_format *fmt(const char *name)
{
    const pb_format *f = pb_format_by_name(name);
    if (!f) {
        fprintf(stderr, "format %s missing\n", name);
        exit(1);
    }
    return f;
}

static pb_rounding rounding(pb_round_mode mode, pb_overflow ov)
{
    pb_rounding r = pb_rounding_default();
    r.mode = mode;
    r.overflow = ov;
    if (mode == PB_ROUND_SR_BITS) r.sr_bits = 8;
    r.seed = 77;
    return r;
}

static const char *mode_name(pb_round_mode m)
{
    static const char *names[] = {"rne", "rna", "rtz", "up", "down", "sr", "sr:8"};
    return (unsigned)m < 7 ? names[m] : "?";
}

/* Exact and oracle on float64 vectors; false (and a message) on a mismatch. */
static bool agree_f64(size_t n, const double *x, const double *y,
                      const pb_format *f, const pb_rounding *r, double *got)
{
    double e = pb_exact_dot_f64(n, x, 1, y, 1, f, r), o = NAN;
    pb_status st = pb_mpfr_dot_f64(n, x, 1, y, 1, f, r, &o);
    if (got) *got = e;
    return st == PB_OK && same(e, o);
}

static bool agree_f32(size_t n, const float *x, const float *y,
                      const pb_format *f, const pb_rounding *r)
{
    double e = pb_exact_dot_f32(n, x, 1, y, 1, f, r), o = NAN;
    pb_status st = pb_mpfr_dot_f32(n, x, 1, y, 1, f, r, &o);
    return st == PB_OK && same(e, o);
}

/* ---- hand-computed cases ---------------------------------------------------- */

typedef struct hand_case {
    const char *what;
    int n;
    double x[4], y[4];
    const char *format;
    pb_round_mode mode;
    pb_overflow ov;
    double want;
} hand_case;

#define MAXD DBL_MAX
#define TINY 0x1p-1074

static void test_hand_cases(void)
{
    const hand_case cases[] = {
        {"NaN input", 2, {NAN, 1}, {1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, NAN},
        {"inf * 0", 2, {INFINITY, 1}, {0, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, NAN},
        {"+inf + -inf", 2, {INFINITY, 3}, {1, -INFINITY}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, NAN},
        {"inf wins over finite overflow", 3, {INFINITY, MAXD, MAXD}, {1, 4, 4}, "fp64", PB_ROUND_RTZ, PB_OVERFLOW_INF, INFINITY},
        {"-inf", 2, {INFINITY, 1}, {-0.5, 1}, "fp64", PB_ROUND_UP, PB_OVERFLOW_INF, -INFINITY},
        {"overflow rne", 2, {MAXD, MAXD}, {1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, INFINITY},
        {"overflow rtz", 2, {MAXD, MAXD}, {1, 1}, "fp64", PB_ROUND_RTZ, PB_OVERFLOW_INF, MAXD},
        {"overflow down", 2, {MAXD, MAXD}, {1, 1}, "fp64", PB_ROUND_DOWN, PB_OVERFLOW_INF, MAXD},
        {"overflow up neg", 2, {-MAXD, -MAXD}, {1, 1}, "fp64", PB_ROUND_UP, PB_OVERFLOW_INF, -MAXD},
        {"overflow down neg", 2, {-MAXD, -MAXD}, {1, 1}, "fp64", PB_ROUND_DOWN, PB_OVERFLOW_INF, -INFINITY},
        {"overflow sat", 2, {MAXD, MAXD}, {1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_SAT, MAXD},
        {"intermediate overflow", 3, {MAXD, MAXD, -MAXD}, {1, 1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, MAXD},
        {"just below overflow", 2, {MAXD, 0x1p970}, {1, 0.99}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, MAXD},
        {"overflow at the midpoint", 2, {MAXD, 0x1p970}, {1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, INFINITY},
        {"huge products", 2, {0x1p1000, 0x1p1000}, {0x1p1000, -0x1p1000}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 0.0},
        {"exact zero down", 2, {0x1p1000, 0x1p1000}, {0x1p1000, -0x1p1000}, "fp64", PB_ROUND_DOWN, PB_OVERFLOW_INF, -0.0},
        {"-0 product", 1, {-0.0}, {1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, -0.0},
        {"-0 products", 2, {-0.0, 0.0}, {1, -3}, "fp64", PB_ROUND_UP, PB_OVERFLOW_INF, -0.0},
        {"+0 and -0", 2, {0.0, -0.0}, {1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 0.0},
        {"+0 and -0 down", 2, {0.0, -0.0}, {1, 1}, "fp64", PB_ROUND_DOWN, PB_OVERFLOW_INF, -0.0},
        {"cancel rtz", 2, {1, -1}, {1, 1}, "fp64", PB_ROUND_RTZ, PB_OVERFLOW_INF, 0.0},
        {"empty", 0, {0}, {0}, "fp64", PB_ROUND_DOWN, PB_OVERFLOW_INF, 0.0},
        {"2^-2148 rne", 1, {TINY}, {TINY}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 0.0},
        {"2^-2148 up", 1, {TINY}, {TINY}, "fp64", PB_ROUND_UP, PB_OVERFLOW_INF, TINY},
        {"-2^-2148 down", 1, {-TINY}, {TINY}, "fp64", PB_ROUND_DOWN, PB_OVERFLOW_INF, -TINY},
        {"-2^-2148 rtz", 1, {-TINY}, {TINY}, "fp64", PB_ROUND_RTZ, PB_OVERFLOW_INF, -0.0},
        {"subnormal tie rne", 1, {TINY}, {0.5}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 0.0},
        {"subnormal tie rna", 1, {TINY}, {0.5}, "fp64", PB_ROUND_RNA, PB_OVERFLOW_INF, TINY},
        {"subnormal 3/2 rne", 1, {3 * TINY}, {0.5}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 2 * TINY},
        {"tiny cancels huge", 3, {0x1p1000, TINY, -0x1p1000}, {0x1p23, TINY, 0x1p23}, "fp64", PB_ROUND_UP, PB_OVERFLOW_INF, TINY},
        {"tie rne", 2, {1, 0x1p-53}, {1, 1}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 1.0},
        {"tie rna", 2, {1, 0x1p-53}, {1, 1}, "fp64", PB_ROUND_RNA, PB_OVERFLOW_INF, 1 + 0x1p-52},
        {"above tie", 3, {1, 0x1p-53, 0x1p-1000}, {1, 1, 0x1p-1000}, "fp64", PB_ROUND_RNE, PB_OVERFLOW_INF, 1 + 0x1p-52},
        {"below 1, up", 2, {1, -0x1p-600}, {1, 0x1p-600}, "fp64", PB_ROUND_UP, PB_OVERFLOW_INF, 1.0},
        {"below 1, rtz", 2, {1, -0x1p-600}, {1, 0x1p-600}, "fp64", PB_ROUND_RTZ, PB_OVERFLOW_INF, 1 - 0x1p-53},
        /* Rounding through a double first would land on the fp32 tie. */
        {"no double rounding fp32", 3, {1, 0x1p-24, 0x1p-80}, {1, 1, 1}, "fp32", PB_ROUND_RNE, PB_OVERFLOW_INF, 1 + 0x1p-23},
        {"fp32 tie", 2, {1, 0x1p-24}, {1, 1}, "fp32", PB_ROUND_RNE, PB_OVERFLOW_INF, 1.0},
        {"bf16 tie rna", 2, {1, 0x1p-8}, {1, 1}, "bf16", PB_ROUND_RNA, PB_OVERFLOW_INF, 1 + 0x1p-7},
        {"bf16 just below tie", 3, {1, 0x1p-8, -0x1p-300}, {1, 1, 1}, "bf16", PB_ROUND_RNA, PB_OVERFLOW_INF, 1.0},
        {"e4m3 tie at the top", 2, {448, 16}, {1, 1}, "e4m3", PB_ROUND_RNE, PB_OVERFLOW_INF, 448},
        {"e4m3 overflow", 3, {448, 16, 0x1p-100}, {1, 1, 1}, "e4m3", PB_ROUND_RNE, PB_OVERFLOW_INF, NAN},
        {"e4m3 overflow sat", 2, {448, 17}, {1, 1}, "e4m3", PB_ROUND_RNE, PB_OVERFLOW_SAT, 448},
        {"e4m3 subnormal", 2, {0x1p-9, 0x1p-11}, {1, 1}, "e4m3", PB_ROUND_RNE, PB_OVERFLOW_INF, 0x1p-9},
        {"e4m3 from fp64 overflow", 2, {MAXD, MAXD}, {1, 1}, "e4m3", PB_ROUND_RTZ, PB_OVERFLOW_INF, 448},
        {"int8 rne", 2, {100, 0.5}, {1, 1}, "int8", PB_ROUND_RNE, PB_OVERFLOW_INF, 100},
        {"int8 saturate", 2, {100, 100}, {1, 1}, "int8", PB_ROUND_RNE, PB_OVERFLOW_INF, 127},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const hand_case *c = &cases[i];
        pb_rounding r = rounding(c->mode, c->ov);
        const pb_format *f = fmt(c->format);
        double e = pb_exact_dot_f64((size_t)c->n, c->x, 1, c->y, 1, f, &r), o = -1;
        PBT_CHECK(pb_mpfr_dot_f64((size_t)c->n, c->x, 1, c->y, 1, f, &r, &o) == PB_OK,
                  "%s: oracle failed", c->what);
        PBT_CHECK(same(e, c->want), "%s: exact %a, want %a", c->what, e, c->want);
        PBT_CHECK(same(o, c->want), "%s: oracle %a, want %a", c->what, o, c->want);
        /* The long accumulator on its own says the same. */
        pb_longacc acc;
        pb_longacc_init(&acc);
        for (int k = 0; k < c->n; k++) pb_longacc_add_product(&acc, c->x[k], c->y[k]);
        double l = pb_longacc_round(&acc, f, &r, 0);
        PBT_CHECK(same(l, c->want), "%s: long accumulator %a, want %a", c->what, l, c->want);
    }
}

/* ---- the long accumulator's own API ------------------------------------------ */

static void test_longacc_api(void)
{
    pb_longacc a, b, all;
    pb_longacc_init(&a);
    pb_longacc_init(&b);
    pb_longacc_init(&all);
    uint64_t seed = pbt_seed();
    for (int i = 0; i < 2000; i++) {
        double x = ldexp(pb_rng_uniform(seed, 9, (uint64_t)i, 0) - 0.5,
                         (int)(pb_rng_u32(seed, 9, (uint64_t)i, 2) % 2000) - 1000);
        double y = ldexp(pb_rng_uniform(seed, 9, (uint64_t)i, 3) - 0.5,
                         (int)(pb_rng_u32(seed, 9, (uint64_t)i, 5) % 200) - 100);
        pb_longacc_add_product(i % 2 ? &a : &b, x, y);
        pb_longacc_add_product(&all, x, y);
        pb_longacc_add(&a, x);
        pb_longacc_add(&all, x);
    }
    pb_longacc_add_acc(&a, &b);
    for (int m = PB_ROUND_RNE; m <= PB_ROUND_DOWN; m++)
        PBT_CHECK(same(pb_longacc_round_f64(&a, (pb_round_mode)m),
                       pb_longacc_round_f64(&all, (pb_round_mode)m)),
                  "add_acc differs in mode %d", m);
    PBT_CHECK(pb_longacc_sign(&a) == pb_longacc_sign(&all), "sign differs");
    /* Round to odd: a sum that is not a double gets an odd last bit. */
    pb_longacc_init(&a);
    pb_longacc_add(&a, 1.0);
    pb_longacc_add(&a, 0x1p-60);
    PBT_CHECK(same(pb_longacc_round_odd(&a), 1 + 0x1p-52), "round to odd: %a",
              pb_longacc_round_odd(&a));
    PBT_CHECK(pb_longacc_sign(&a) == 1, "sign of 1 + 2^-60");
    pb_longacc_add(&a, -2.0);
    PBT_CHECK(pb_longacc_sign(&a) == -1, "sign of -1 + 2^-60");
    PBT_CHECK(same(pb_longacc_round_f64(&a, PB_ROUND_DOWN), -1.0), "down");
    PBT_CHECK(same(pb_longacc_round_f64(&a, PB_ROUND_UP), -1 + 0x1p-53), "up");
    /* Cancellation across every digit. */
    pb_longacc_init(&a);
    pb_longacc_add_product(&a, 0x1p1000, 0x1p1000);
    pb_longacc_add_product(&a, TINY, TINY);
    pb_longacc_add_product(&a, -0x1p1000, 0x1p1000);
    PBT_CHECK(same(pb_longacc_round_f64(&a, PB_ROUND_UP), TINY), "2^-2148 survives 2^2000");
    PBT_CHECK(pb_longacc_sign(&a) == 1, "sign of 2^-2148");
    pb_longacc_add(&a, INFINITY);
    PBT_CHECK(pb_longacc_specials(&a) == PB_LONGACC_POS_INF, "inf recorded");
    PBT_CHECK(isinf(pb_longacc_round_f64(&a, PB_ROUND_RNE)), "inf result");
}

/* Past the point (2^29 additions, in the normal run) where the digits are
 * normalised mid-stream, each addition adding nearly 2^32 to a digit: the
 * sum of n copies of x, minus (n - 1) x, must be x. */
static void test_longacc_many_terms(void)
{
    const double x = 0x1.fffffffffffffp+15; /* 53 ones, digit offset 31 */
    const uint64_t n = pbt_count((UINT64_C(1) << 29) + 4099);
    pb_longacc a;
    pb_longacc_init(&a);
    for (uint64_t i = 0; i < n; i++) pb_longacc_add(&a, x);
    pb_longacc_add_product(&a, -x, (double)(n - 1));
    PBT_CHECK(same(pb_longacc_round_f64(&a, PB_ROUND_RNE), x), "%llu terms: %a",
              (unsigned long long)n, pb_longacc_round_f64(&a, PB_ROUND_RNE));
    PBT_CHECK(pb_longacc_sign(&a) == 1, "sign after %llu terms", (unsigned long long)n);
}

/* ---- the oracle's format rounding agrees with pb_format_round --------------- */

/* A random double suited to format f: around its range, on and between its
 * grid points, ties, overflow edges, subnormals. */
static double format_probe(const pb_format *f, uint64_t seed, uint64_t i)
{
    uint32_t k = pb_rng_u32(seed, 11, i, 0);
    double u = pb_rng_uniform(seed, 11, i, 1);
    double sign = (k & 1) ? -1.0 : 1.0;
    int lo, hi, m;
    if (f->spec.kind == PB_FORMAT_KIND_FLOAT || f->spec.kind == PB_FORMAT_KIND_POW2) {
        lo = f->emin - f->spec.man_bits - 2;
        hi = f->emax + 2;
        m = f->spec.man_bits;
    } else {
        lo = -3;
        hi = 9;
        m = 0;
    }
    if (hi > 1023) hi = 1023;
    int e = lo + (int)((k >> 1) % (uint32_t)(hi - lo + 1));
    switch ((k >> 20) % 4) {
    case 0: /* anywhere */
        return sign * ldexp(1 + u, e);
    case 1: /* a grid point plus half a step: a tie */
        return sign * ldexp(floor(ldexp(1 + u, m)) + 0.5, e - m);
    case 2: /* near a tie */
        return sign * ldexp(floor(ldexp(1 + u, m)) + 0.5 + ((k >> 24) % 3 - 1.0) * 0x1p-40, e - m);
    default: /* near the largest value */
        return sign * f->max_finite * (1 + (u - 0.5) * 4 * f->eps);
    }
}

static void test_oracle_matches_format_round(void)
{
    const uint64_t seed = pbt_seed();
    const uint64_t per = pbt_count(1500);
    int bad = 0;
    for (size_t fi = 0; fi < pb_format_count(); fi++) {
        const pb_format *f = pb_format_at(fi);
        if (!pb_exact_format_supported(f)) continue;
        for (int mode = PB_ROUND_RNE; mode <= PB_ROUND_SR_BITS; mode++)
            for (int ov = 0; ov < 2; ov++) {
                pb_rounding r = rounding((pb_round_mode)mode, (pb_overflow)ov);
                for (uint64_t i = 0; i < per; i++) {
                    double x = format_probe(f, seed + fi, i), one = 1.0, o = NAN;
                    double want = pb_format_round(f, x, &r, 0);
                    pb_mpfr_dot_f64(1, &x, 1, &one, 1, f, &r, &o);
                    double e = pb_exact_dot_f64(1, &x, 1, &one, 1, f, &r);
                    if (!same(o, want) || !same(e, want)) {
                        if (bad++ < 10)
                            PBT_CHECK(0, "%s %s ov=%d x=%a: format %a oracle %a exact %a",
                                      f->spec.name, mode_name((pb_round_mode)mode), ov,
                                      x, want, o, e);
                    }
                }
            }
    }
    PBT_CHECK(bad == 0, "%d disagreements with pb_format_round", bad);
}

/* ---- random dot products ------------------------------------------------------ */

enum { CLASS_COUNT = 9 };

/* Test data comes from splitmix64 streams: cheap, so that the sample is
 * spent on the comparison rather than on making numbers. */
typedef struct test_rng {
    uint64_t state;
} test_rng;

static test_rng rng_make(uint64_t seed, uint64_t id)
{
    return (test_rng){seed * 0x9E3779B97F4A7C15u + id * 0xD1B54A32D192ED03u + 1};
}

static uint64_t rng_next(test_rng *g)
{
    uint64_t z = (g->state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [-0.5, 0.5) with 53 bits. */
static double rng_centered(test_rng *g)
{
    return (double)(rng_next(g) >> 11) * 0x1p-53 - 0.5;
}

/* The next element of a random vector of class `cls` (float64, or in the
 * float32 range). */
static double draw(int cls, bool f32, test_rng *g)
{
    uint32_t k = (uint32_t)rng_next(g);
    double u = rng_centered(g);
    const int emax = f32 ? 127 : 1023, esub = f32 ? -149 : -1074;
    switch (cls) {
    case 0: /* bell-shaped (sum of four uniforms) */
        return u + rng_centered(g) + rng_centered(g) + rng_centered(g);
    case 1: /* wide dynamic range */
        return ldexp(u, (int)(k % 61) - 30);
    case 2: /* small integers: exact sums, exact zeros, ties */
        return (double)((int)(k % 17) - 8);
    case 3: /* huge: near the top of the range (overflow) */
        return ldexp(u, emax - (int)(k % 40));
    case 4: /* tiny: subnormals and just above */
        return ldexp(u, esub + (f32 ? 23 : 52) - (int)(k % 80) + 40);
    case 5: /* any exponent at all */
        return ldexp(u, esub + (int)(k % (uint32_t)(emax - esub + 1)));
    case 6: /* a few distinct magnitudes: heavy cancellation between pairs */
        return ldexp((k & 1) ? 1.0 : -1.0, (int)(k >> 1) % 4 * 20) * (1 + floor(u * 8) / 8);
    case 7: /* specials sprinkled into bounded data */
        switch (k % 97) {
        case 0: return NAN;
        case 1: return INFINITY;
        case 2: return -INFINITY;
        case 3: return 0.0;
        case 4: return -0.0;
        default: return u;
        }
    default: /* a coarse grid plus half steps of low-precision formats */
        return ldexp(floor(u * 64), -(int)(k % 12)) + ((k >> 8) % 4 == 0 ? 0x1p-9 : 0);
    }
}

typedef struct dot_tally {
    uint64_t cases, mismatches, proved, fallback;
} dot_tally;

static const char *const formats_random[] = {
    "fp64", "fp32", "bf16", "e4m3", "fp16", "tf32", "e5m2", "e4m3fnuz",
    "e2m1", "e3m2", "int8", "e8m0",
};

static void test_random_dots(void)
{
    const uint64_t seed = pbt_seed();
    const uint64_t count = pbt_count(100000);
    const size_t nf = sizeof formats_random / sizeof formats_random[0];
    dot_tally total = {0, 0, 0, 0};
    int reported = 0;
#pragma omp parallel
    {
        double *x = malloc(10000 * sizeof(double)), *y = malloc(10000 * sizeof(double));
        float *xf = malloc(10000 * sizeof(float)), *yf = malloc(10000 * sizeof(float));
        dot_tally t = {0, 0, 0, 0};
#pragma omp for schedule(dynamic, 16)
        for (uint64_t id = 0; id < count; id++) {
            uint32_t w = pb_rng_u32(seed, 1, id, 0), w2 = pb_rng_u32(seed, 1, id, 1);
            /* Log-uniform length in 1..10^4. */
            size_t n = (size_t)exp(pb_rng_uniform(seed, 1, id, 2) * log(10000.5));
            if (n < 1) n = 1;
            if (n > 10000) n = 10000;
            int cx = (int)(w % CLASS_COUNT), cy = (int)((w >> 4) % CLASS_COUNT);
            if ((w >> 8) % 2) cy = cx;
            bool f32 = (w >> 9) & 1;
            const pb_format *f = fmt(formats_random[(w >> 10) % nf]);
            pb_round_mode mode = (pb_round_mode)((w >> 16) % 5);
            if ((w2 % 16) == 0) mode = (w2 >> 4) % 2 ? PB_ROUND_SR : PB_ROUND_SR_BITS;
            pb_rounding r = rounding(mode, (pb_overflow)((w >> 20) & 1));
            r.seed = seed + id;
            test_rng gx = rng_make(seed, 2 * id + 100), gy = rng_make(seed, 2 * id + 101);
            for (size_t i = 0; i < n; i++) {
                x[i] = draw(cx, f32, &gx);
                y[i] = draw(cy, f32, &gy);
                if (f32) {
                    xf[i] = (float)x[i];
                    yf[i] = (float)y[i];
                }
            }
            bool ok = f32 ? agree_f32(n, xf, yf, f, &r) : agree_f64(n, x, y, f, &r, NULL);
            pb_exact_stats s = pb_exact_last_stats();
            t.cases++;
            t.proved += s.proved;
            t.fallback += s.fallback;
            if (!ok) {
                t.mismatches++;
#pragma omp critical(report)
                if (reported++ < 10) {
                    double e = f32 ? pb_exact_dot_f32(n, xf, 1, yf, 1, f, &r)
                                   : pb_exact_dot_f64(n, x, 1, y, 1, f, &r);
                    double o = NAN;
                    if (f32) pb_mpfr_dot_f32(n, xf, 1, yf, 1, f, &r, &o);
                    else pb_mpfr_dot_f64(n, x, 1, y, 1, f, &r, &o);
                    fprintf(stderr, "  case %llu: n=%zu classes %d,%d %s %s %s ov=%d: exact %a oracle %a\n",
                            (unsigned long long)id, n, cx, cy, f32 ? "f32" : "f64",
                            f->spec.name, mode_name(mode), (int)r.overflow, e, o);
                }
            }
        }
#pragma omp critical(tally)
        {
            total.cases += t.cases;
            total.mismatches += t.mismatches;
            total.proved += t.proved;
            total.fallback += t.fallback;
        }
        free(x);
        free(y);
        free(xf);
        free(yf);
    }
    PBT_CHECK(total.cases == count, "ran %llu of %llu", (unsigned long long)total.cases,
              (unsigned long long)count);
    PBT_CHECK(total.mismatches == 0, "%llu of %llu random dot products differ",
              (unsigned long long)total.mismatches, (unsigned long long)total.cases);
    /* Both paths must have run: the proof on most, the fallback on some. */
    PBT_CHECK(total.proved > total.cases / 3 && total.fallback > total.cases / 100,
              "proved %llu, fallback %llu of %llu", (unsigned long long)total.proved,
              (unsigned long long)total.fallback, (unsigned long long)total.cases);
}

/* ---- ill-conditioned dot products --------------------------------------------- */

static void test_illcond(void)
{
    const uint64_t seed = pbt_seed();
    const char *const formats[] = {"fp64", "fp32", "bf16", "e4m3"};
    const int per = (int)pbt_count(40);
    uint64_t mismatches = 0, fallback = 0, proved = 0, low_cond = 0, total = 0;
    /* Condition numbers 1e5 .. 1e40 in steps of 10^5. */
#pragma omp parallel for schedule(dynamic) collapse(2) reduction(+ : mismatches, fallback, proved, low_cond, total)
    for (int c = 5; c <= 40; c += 5)
        for (int t = 0; t < per; t++) {
            double cond = pow(10.0, c);
            size_t n = 50 + (size_t)(pb_rng_u32(seed, 20, (uint64_t)(c * 1000 + t), 0) % 1950);
            bool f32 = t % 2;
            double x[2000], y[2000], achieved;
            float xf[2000], yf[2000];
            pb_status st = f32 ? pb_gen_illcond_dot_f32(n, cond, seed + (uint64_t)t, (uint32_t)c, xf, yf, &achieved)
                               : pb_gen_illcond_dot_f64(n, cond, seed + (uint64_t)t, (uint32_t)c, x, y, &achieved);
            if (st != PB_OK) {
                mismatches++;
                continue;
            }
            /* The generator's promise: the condition is real, within a few
             * orders of magnitude of the request. */
            if (!(achieved >= cond * 1e-4 && achieved <= cond * 1e4)) low_cond++;
            for (int fi = 0; fi < 4; fi++)
                for (int mode = PB_ROUND_RNE; mode <= PB_ROUND_SR_BITS; mode++) {
                    pb_rounding r = rounding((pb_round_mode)mode, PB_OVERFLOW_INF);
                    r.seed = seed + (uint64_t)(c * 100 + t);
                    bool ok = f32 ? agree_f32(n, xf, yf, fmt(formats[fi]), &r)
                                  : agree_f64(n, x, y, fmt(formats[fi]), &r, NULL);
                    pb_exact_stats s = pb_exact_last_stats();
                    proved += s.proved;
                    fallback += s.fallback;
                    total++;
                    if (!ok) mismatches++;
                }
        }
    PBT_CHECK(mismatches == 0, "%llu ill-conditioned dot products differ",
              (unsigned long long)mismatches);
    PBT_CHECK(low_cond == 0, "%llu generated condition numbers off by more than 1e4",
              (unsigned long long)low_cond);
    /* Beyond 1e32 or so the EFT proof must fail and the fallback answer. */
    PBT_CHECK(fallback > total / 4 && proved > total / 10,
              "ill-conditioned: proved %llu, fallback %llu of %llu",
              (unsigned long long)proved, (unsigned long long)fallback,
              (unsigned long long)total);
}

/* ---- strides ------------------------------------------------------------------- */

static void test_strides(void)
{
    const uint64_t seed = pbt_seed();
    double x[300], y[300], xs[900], ys[900];
    test_rng g = rng_make(seed, 7);
    for (int i = 0; i < 300; i++) {
        x[i] = draw(1, false, &g);
        y[i] = draw(1, false, &g);
    }
    /* x with stride 3, y with stride -2 (BLAS: y's element i is at
     * (n - 1 - i) * 2). */
    for (int i = 0; i < 300; i++) {
        xs[3 * i] = x[i];
        ys[2 * (299 - i)] = y[i];
    }
    pb_rounding r = rounding(PB_ROUND_RNE, PB_OVERFLOW_INF);
    double want = pb_exact_dot_f64(300, x, 1, y, 1, NULL, &r);
    double got = pb_exact_dot_f64(300, xs, 3, ys, -2, NULL, &r), o = NAN;
    PBT_CHECK(same(got, want), "strided exact %a, contiguous %a", got, want);
    pb_mpfr_dot_f64(300, xs, 3, ys, -2, NULL, &r, &o);
    PBT_CHECK(same(o, want), "strided oracle %a, contiguous %a", o, want);
    /* incx == 0 repeats x[0]. */
    double rep = pb_exact_dot_f64(300, x, 0, y, 1, NULL, &r);
    double expect = 0;
    pb_mpfr_dot_f64(300, x, 0, y, 1, NULL, &r, &expect);
    PBT_CHECK(same(rep, expect), "incx 0: exact %a oracle %a", rep, expect);
    /* float32 strides. */
    float xf[600], yf[600];
    for (int i = 0; i < 300; i++) {
        xf[2 * i] = (float)x[i];
        yf[2 * i] = (float)y[i];
    }
    double e32 = pb_exact_dot_f32(300, xf, 2, yf, 2, fmt("bf16"), &r);
    pb_mpfr_dot_f32(300, xf, 2, yf, 2, fmt("bf16"), &r, &o);
    PBT_CHECK(same(e32, o), "float32 strided exact %a oracle %a", e32, o);
}

/* Sums that are exact doubles are proved (through the grid argument), not
 * left to the long accumulator: a big term rounds the running sum for a
 * while, then cancels. */
static void test_exact_sums_proved(void)
{
    test_rng g = rng_make(pbt_seed(), 42);
    for (int t = 0; t < 50; t++) {
        enum { N = 200 };
        double x[N], y[N];
        x[0] = 0x1p60;
        y[0] = 1;
        x[N - 1] = -0x1p60;
        y[N - 1] = 1;
        double want = 0;
        for (int i = 1; i < N - 1; i++) {
            x[i] = ldexp((double)(rng_next(&g) % 1000000), -20);
            y[i] = (double)(rng_next(&g) % 8);
            want += x[i] * y[i]; /* exact: multiples of 2^-20 below 2^38 */
        }
        pb_rounding r = rounding((pb_round_mode)(t % 5), PB_OVERFLOW_INF);
        double got = pb_exact_dot_f64(N, x, 1, y, 1, NULL, &r);
        pb_exact_stats st = pb_exact_last_stats();
        PBT_CHECK(same(got, want), "exact sum %a, want %a", got, want);
        PBT_CHECK(st.proved == 1, "an exact double sum fell back");
    }
}

/* Exact ties hidden under rounding errors: S = 1 + half an ulp of the
 * format exactly, plus terms v and -v that cancel exactly but whose TwoSum
 * errors (some v near 2^-10, some near 2^-60, relative to the ulp) make the
 * EFT's c round, so that s + c lands just beside the tie.  Only a rigorous
 * bound keeps the proof from picking a side.  All the terms go to one EFT
 * lane: GEMM elements are one lane each, and a dot product spreads element
 * i over lane i % 32, so the others get zeros. */
static void test_hidden_ties(void)
{
    test_rng g = rng_make(pbt_seed(), 43);
    const struct {
        const char *format;
        double half; /* half an ulp of 1 */
    } ties[] = {{"fp64", 0x1p-53}, {"fp32", 0x1p-24}, {"bf16", 0x1p-8}, {"e4m3", 0x1p-4}};
    enum { PAIRS = 120, TERMS = 2 + 2 * PAIRS, N = 32 * TERMS };
    static double x[N], y[N], xt[TERMS];
    int bad = 0;
    for (int t = 0; t < (int)pbt_count(300); t++) {
        const int which = t % 4;
        const double scale = ties[which].half * 0x1p53;
        xt[0] = 1;
        xt[1] = ties[which].half;
        for (int i = 0; i < PAIRS; i++) {
            int e = (i % 2) ? -60 : -10;
            double v = ldexp((double)(rng_next(&g) >> 11) * scale, e - 53 - (int)(rng_next(&g) % 4));
            xt[2 + i] = v;
            xt[2 + PAIRS + i] = -v;
        }
        for (int i = TERMS - 1; i > 0; i--) {
            int j = (int)(rng_next(&g) % (uint64_t)(i + 1));
            double tmp = xt[i];
            xt[i] = xt[j];
            xt[j] = tmp;
        }
        for (int i = 0; i < N; i++) {
            x[i] = i % 32 ? 0.0 : xt[i / 32];
            y[i] = 1;
        }
        for (int mode = PB_ROUND_RNE; mode <= PB_ROUND_DOWN; mode++) {
            pb_rounding r = rounding((pb_round_mode)mode, PB_OVERFLOW_INF);
            const pb_format *f = fmt(ties[which].format);
            double want = mode == PB_ROUND_RNE || mode == PB_ROUND_RTZ || mode == PB_ROUND_DOWN
                              ? 1.0 : 1.0 + 2 * ties[which].half;
            double got = pb_exact_dot_f64(N, x, 1, y, 1, f, &r), gg = NAN;
            pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, 1, 1, TERMS, xt, TERMS, y, 1, &gg, 1,
                              f, &r, 1);
            if ((!same(got, want) || !same(gg, want)) && bad++ < 5)
                PBT_CHECK(0, "%s %s: dot %a gemm %a want %a", ties[which].format,
                          mode_name((pb_round_mode)mode), got, gg, want);
        }
    }
    PBT_CHECK(bad == 0, "%d hidden ties rounded wrongly", bad);
}

/* The portable kernels give the same answers as the AVX-512 ones. */
static void test_scalar_backend(void)
{
    const uint64_t seed = pbt_seed();
    bool old = pb_exact_force_scalar(true);
    PBT_CHECK(strcmp(pb_exact_backend(), "scalar") == 0, "forcing the scalar path");
    int bad = 0;
    for (uint64_t id = 0; id < pbt_count(300); id++) {
        size_t n = 1 + pb_rng_u32(seed, 30, id, 0) % 3000;
        double x[3000], y[3000];
        int cls = (int)(id % CLASS_COUNT);
        test_rng g = rng_make(seed, 3 * id + 500);
        for (size_t i = 0; i < n; i++) {
            x[i] = draw(cls, false, &g);
            y[i] = draw(cls, false, &g);
        }
        pb_rounding r = rounding((pb_round_mode)(id % 5), PB_OVERFLOW_INF);
        if (!agree_f64(n, x, y, id % 2 ? fmt("fp32") : NULL, &r, NULL)) bad++;
    }
    pb_exact_force_scalar(old);
    PBT_CHECK(bad == 0, "%d mismatches on the scalar path", bad);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_hand_cases);
    PBT_RUN(test_longacc_api);
    PBT_RUN(test_longacc_many_terms);
    PBT_RUN(test_oracle_matches_format_round);
    PBT_RUN(test_strides);
    PBT_RUN(test_exact_sums_proved);
    PBT_RUN(test_hidden_ties);
    PBT_RUN(test_scalar_backend);
    PBT_RUN(test_illcond);
    PBT_RUN(test_random_dots);
    return pbt_finish();
}
