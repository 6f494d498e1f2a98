/* What this CPU's dot-product instructions compute, asserted against the
 * scalar models written down in docs/cpu_dot_instructions.md.
 *
 *   vdpbf16ps (AVX512-BF16): per fp32 lane, two bf16 pairs
 *   vpdpbusd / vpdpbusds (AVX512-VNNI): per int32 lane, four u8 x s8 products
 *
 * The fast GEMM kernels (kernels/simd/) rely on these models being exact, so
 * every claim of the document is a check here: hand-made vectors that separate
 * the candidate models (one rounding or two, which order, denormals, zero
 * signs, NaN choice), a large random comparison, and the GEMM corollary (pairs
 * packed with element k in the high half give the index-order sum).
 *
 * The program is compiled without ISA flags: the intrinsics live in functions
 * with a target attribute and run only when __builtin_cpu_supports says so;
 * otherwise the tests pass with a message that they were skipped.
 */
#include <immintrin.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define PBT_BF16_TARGET __attribute__((target("avx512f,avx512vl,avx512bf16")))
#define PBT_VNNI_TARGET __attribute__((target("avx512f,avx512vl,avx512vnni")))

static bool have_bf16(void) { return __builtin_cpu_supports("avx512bf16"); }
static bool have_vnni(void) { return __builtin_cpu_supports("avx512vnni"); }

static uint32_t bits_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float float_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint64_t dbits_of(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double double_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* xorshift64: the test's own stream, keyed by pbt_seed(). */
static uint64_t rng_state;
static uint64_t rng_next(void) { return pbt_xorshift(&rng_state); }
static void rng_seed(uint64_t salt)
{
    rng_state = (pbt_seed() ^ (salt * 0x9E3779B97F4A7C15ull)) | 1u;
    for (int i = 0; i < 8; i++) rng_next();
}

/* ---- the scalar model of vdpbf16ps ---------------------------------------- */

static bool is_nan32(uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }

/* Denormal inputs read as zero of the same sign (DAZ). */
static uint32_t daz32(uint32_t u)
{
    return (u & 0x7f800000u) == 0 ? (u & 0x80000000u) : u;
}

/* One step: acc + a*b (a, b bf16 values widened to fp32 bit patterns).
 * The product is exact; the sum is rounded once, to nearest even, to a 24-bit
 * significand with unbounded exponent; a result below 2^-126 in magnitude
 * after that rounding is flushed to a zero of its own sign; one at or above
 * 2^128 becomes inf.  NaN: a's, else b's, else acc's, quietened; an invalid
 * operation (inf * 0, inf - inf) gives the default NaN 0xffc00000. */
static uint32_t dpbf16_step(uint32_t acc, uint32_t a, uint32_t b)
{
    if (is_nan32(a)) return a | 0x00400000u;
    if (is_nan32(b)) return b | 0x00400000u;
    if (is_nan32(acc)) return acc | 0x00400000u;
    a = daz32(a);
    b = daz32(b);
    acc = daz32(acc);
    double x = float_of(a), y = float_of(b), c = float_of(acc);
    if ((isinf(x) && y == 0) || (isinf(y) && x == 0)) return 0xffc00000u;
    double p = x * y; /* exact: 8-bit by 8-bit significands, in double range */
    if (isinf(p) || isinf(c)) {
        if (isinf(p) && isinf(c) && signbit(p) != signbit(c)) return 0xffc00000u;
        return bits_of((float)(p + c));
    }
    double s = c + p;
    if (s == 0) return bits_of((float)s); /* exact zero: IEEE sign rule */
    /* TwoSum error, then round to odd so the second rounding is correct. */
    double bv = s - c;
    double err = (c - (s - bv)) + (p - bv);
    uint64_t u = dbits_of(s);
    if (err != 0 && !(u & 1)) u += ((err > 0) == (s > 0)) ? 1 : (uint64_t)-1;
    uint64_t sign = u & 0x8000000000000000ull;
    u &= ~sign;
    /* 52 -> 23 fraction bits, nearest even, exponent unbounded. */
    const uint64_t half = 1ull << 28, low_mask = (1ull << 29) - 1;
    uint64_t low = u & low_mask;
    u &= ~low_mask;
    if (low > half || (low == half && (u & (1ull << 29)))) u += 1ull << 29;
    double r = double_of(u);
    uint32_t sbit = sign ? 0x80000000u : 0;
    if (r < 0x1p-126) return sbit;                 /* FTZ after rounding */
    if (r >= 0x1p128) return sbit | 0x7f800000u;   /* overflow */
    return sbit | bits_of((float)r);
}

/* One lane: the pair is the 32-bit word {lo = element 0, hi = element 1};
 * the high (odd) pair is added first. */
static uint32_t dpbf16_model(uint32_t acc, uint32_t a_pair, uint32_t b_pair)
{
    acc = dpbf16_step(acc, a_pair & 0xffff0000u, b_pair & 0xffff0000u);
    return dpbf16_step(acc, a_pair << 16, b_pair << 16);
}

PBT_BF16_TARGET static void dpbf16_hw16(uint32_t *out, const uint32_t *acc,
                                        const uint32_t *a, const uint32_t *b)
{
    __m512 r = _mm512_dpbf16_ps(_mm512_castsi512_ps(_mm512_loadu_si512(acc)),
                                (__m512bh)_mm512_loadu_si512(a),
                                (__m512bh)_mm512_loadu_si512(b));
    _mm512_storeu_si512(out, _mm512_castps_si512(r));
}

static uint32_t dpbf16_hw(uint32_t acc, uint32_t a_pair, uint32_t b_pair)
{
    uint32_t va[16], vb[16], vc[16], out[16];
    for (int l = 0; l < 16; l++) { va[l] = a_pair; vb[l] = b_pair; vc[l] = acc; }
    dpbf16_hw16(out, vc, va, vb);
    return out[0];
}

/* bf16 of an fp32 value that is exact in bf16. */
static uint32_t bf(float f) { return bits_of(f) >> 16; }
static uint32_t pair(uint32_t lo, uint32_t hi) { return lo | (hi << 16); }

typedef struct dp_case {
    const char *what;
    uint32_t acc, a_lo, b_lo, a_hi, b_hi;
    uint32_t expect;
} dp_case;

/* Each case separates the measured model from at least one alternative. */
static void test_dpbf16_hand_made(void)
{
    if (!have_bf16()) { printf("  skipped: CPU lacks avx512_bf16\n"); return; }
    const dp_case cases[] = {
        /* Two roundings, not one: 1 + 2^-24 + 1.5*2^-25 is 1 + 2^-23 rounded
         * once, but 1 + 2^-24 ties back to 1 first. */
        {"1 + 2^-24 + 1.5*2^-25", bits_of(1.0f), bf(0x1p-12f), bf(0x1p-12f),
         bf(0x1.8p-12f), bf(0x1p-13f), 0x3f800000u},
        {"1 + 2^-24 + 2^-24", bits_of(1.0f), bf(0x1p-12f), bf(0x1p-12f),
         bf(0x1p-12f), bf(0x1p-12f), 0x3f800000u},
        /* Order: the high (odd) element first.  acc 1, hi product -1, lo 2^-30. */
        {"high first: (1 - 1) + 2^-30", bits_of(1.0f), bf(0x1p-15f), bf(0x1p-15f),
         bf(-1.0f), bf(1.0f), bits_of(0x1p-30f)},
        {"high first: (1 + 2^-30) - 1", bits_of(1.0f), bf(-1.0f), bf(1.0f),
         bf(0x1p-15f), bf(0x1p-15f), 0},
        {"high first: (2^24 - 2^24) + 2^-30", bits_of(0x1p24f), bf(0x1p-15f), bf(0x1p-15f),
         bf(0x1p12f), bf(-0x1p12f), bits_of(0x1p-30f)},
        /* Round to nearest even, regardless of sign. */
        {"1 + 1.5*2^-24 rounds up", bits_of(1.0f), bf(0x1.8p-12f), bf(0x1p-12f), 0, 0,
         0x3f800001u},
        {"-1 - 1.5*2^-24 rounds away", bits_of(-1.0f), bf(-0x1.8p-12f), bf(0x1p-12f), 0, 0,
         0xbf800001u},
        {"(1+2^-23) + 2^-24 ties to even", 0x3f800001u, bf(0x1p-12f), bf(0x1p-12f), 0, 0,
         0x3f800002u},
        /* The product is exact and fused: 2^128 is out of fp32 range. */
        {"-2^127 + 2^127*2 fused", bits_of(-0x1p127f), 0, 0, bf(0x1p127f), bf(2.0f),
         bits_of(0x1p127f)},
        /* The first step overflows and the second cannot recover. */
        {"0 + 2^128 - 2^128 overflows", 0, bf(0x1p64f), bf(-0x1p64f), bf(0x1p64f),
         bf(0x1p64f), 0x7f800000u},
        /* Denormal bf16 inputs read as zero: 2^-127 * 2^100 would be normal. */
        {"bf16 denormal * 2^100", 0, 0x0040u, bf(0x1p100f), 0, 0, 0},
        /* Denormal accumulator reads as zero: 2^-127 + 2^-126 would be normal. */
        {"denormal acc + 2^-126", 0x00400000u, bf(0x1p-126f), bf(1.0f), 0, 0,
         bits_of(0x1p-126f)},
        /* A negative denormal acc reads as -0 (-0 + -0 + -0 stays -0). */
        {"-denormal acc is -0", 0x80400000u, 0x8000u, 0, 0x8000u, 0, 0x80000000u},
        /* The intermediate sum is flushed too: 1.5*2^-126 - 2^-126 -> 0. */
        {"intermediate flushed", bits_of(0x1.8p-126f), bf(0x1p-126f), bf(1.0f),
         bf(-0x1p-126f), bf(1.0f), bits_of(0x1p-126f)},
        /* Flush keeps the sign of the tiny result. */
        {"tiny negative -> -0", 0, bf(-0x1p-64f), bf(0x1.8p-64f), 0x8000u, 0, 0x80000000u},
        /* ... and -0 + (+0) is +0 under round to nearest. */
        {"-0 then +0 product", bits_of(-0x1.8p-126f), 0, 0, bf(0x1p-126f), bf(1.0f), 0},
        /* Tininess after rounding: 2^-126 - 2^-151 rounds to 2^-126 and stays. */
        {"tie at 2^-126 is not tiny", bits_of(0x1p-126f), 0, 0, bf(-0x1p-76f),
         bf(0x1p-75f), bits_of(0x1p-126f)},
        /* 2^-126 - 1.5*2^-151 rounds (24 bits) below 2^-126: flushed, although
         * rounding on the denormal grid (fmaf) would give 2^-126. */
        {"just below 2^-126 is flushed", bits_of(0x1p-126f), 0, 0, bf(-0x1p-76f),
         bf(0x1.8p-75f), 0},
        /* Signed zeros. */
        {"-0 + (-0) + (-0)", 0x80000000u, 0x8000u, bf(1.0f), 0x8000u, bf(1.0f), 0x80000000u},
        {"+0 + (-0) + (-0)", 0, 0x8000u, bf(1.0f), 0x8000u, bf(1.0f), 0},
        {"-0 + (+0) + (+0)", 0x80000000u, 0, bf(1.0f), 0, bf(1.0f), 0},
        /* Specials. */
        {"inf * 0 -> default NaN", 0, bf(INFINITY), 0, 0, 0, 0xffc00000u},
        {"inf * denormal -> default NaN", 0, bf(INFINITY), 0x0001u, 0, 0, 0xffc00000u},
        {"inf - inf -> default NaN", 0, bf(INFINITY), bf(1.0f), bf(-INFINITY), bf(1.0f),
         0xffc00000u},
        {"acc NaN kept, quietened", 0x7f812345u, bf(1.0f), bf(1.0f), 0, 0, 0x7fc12345u},
        {"a NaN beats acc NaN", 0x7fc12345u, 0x7fc1u, bf(1.0f), 0, 0, 0x7fc10000u},
        {"a NaN beats b NaN", 0, 0, 0, 0x7fc1u, 0x7fc2u, 0x7fc10000u},
        {"later product NaN wins", 0, bf(1.0f), 0x7fc5u, 0x7fc1u, bf(1.0f), 0x7fc50000u},
        {"negative NaN sign kept", 0, 0xffc3u, bf(1.0f), 0, 0, 0xffc30000u},
        {"overflow to -inf", 0, bf(-0x1p100f), bf(0x1p100f), 0, 0, 0xff800000u},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dp_case *t = &cases[i];
        uint32_t ap = pair(t->a_lo, t->a_hi), bp = pair(t->b_lo, t->b_hi);
        uint32_t hw = dpbf16_hw(t->acc, ap, bp);
        uint32_t model = dpbf16_model(t->acc, ap, bp);
        PBT_CHECK(hw == t->expect, "%s: hardware %08x, expected %08x", t->what, hw, t->expect);
        PBT_CHECK(model == t->expect, "%s: model %08x, expected %08x", t->what, model,
                  t->expect);
    }
}

/* The rounding mode and the FTZ/DAZ bits of MXCSR do not matter. */
static void test_dpbf16_ignores_mxcsr(void)
{
    if (!have_bf16()) { printf("  skipped: CPU lacks avx512_bf16\n"); return; }
    const unsigned saved = _mm_getcsr();
    const uint32_t a = pair(bf(0x1.8p-12f), 0), b = pair(bf(0x1p-12f), 0);
    const uint32_t den_a = pair(0x0040u, 0), den_b = pair(bf(0x1p100f), 0);
    for (unsigned rc = 0; rc < 4; rc++) {
        for (unsigned ftz_daz = 0; ftz_daz < 2; ftz_daz++) {
            unsigned csr = (saved & ~0xE040u) | (rc << 13) | (ftz_daz ? 0x8040u : 0);
            _mm_setcsr(csr);
            uint32_t up = dpbf16_hw(bits_of(1.0f), a, b);
            uint32_t down = dpbf16_hw(bits_of(-1.0f), a ^ 0x8000u, b);
            uint32_t den = dpbf16_hw(0, den_a, den_b);
            _mm_setcsr(saved);
            PBT_CHECK(up == 0x3f800001u && down == 0xbf800001u,
                      "RC=%u FTZ/DAZ=%u: %08x %08x, want nearest", rc, ftz_daz, up, down);
            PBT_CHECK(den == 0, "RC=%u FTZ/DAZ=%u: denormal input gave %08x", rc, ftz_daz,
                      den);
        }
    }
}

static uint32_t rand_bf16_near(int e_lo, int e_hi)
{
    int e = e_lo + (int)(rng_next() % (uint64_t)(e_hi - e_lo + 1));
    uint32_t sign = (uint32_t)(rng_next() & 1) << 15, frac = rng_next() & 0x7f;
    if (e < -126) return sign | ((rng_next() & 3) ? frac : 0); /* denormal or zero */
    if (e > 127) return sign | 0x7f80u;
    return sign | ((uint32_t)(e + 127) << 7) | frac;
}

static uint32_t rand_f32_near(int e_lo, int e_hi)
{
    int e = e_lo + (int)(rng_next() % (uint64_t)(e_hi - e_lo + 1));
    uint32_t sign = (uint32_t)(rng_next() & 1) << 31, frac = rng_next() & 0x7fffff;
    if (e < -126) return sign | frac;
    if (e > 127) return sign | 0x7f800000u | ((rng_next() & 1) ? 0 : frac);
    return sign | ((uint32_t)(e + 127) << 23) | frac;
}

/* Random lanes, biased to where the candidate models differ: products close
 * to the accumulator in size (rounding, order), cancellation, the underflow
 * threshold, and raw bit patterns (specials, NaN payloads). */
static void test_dpbf16_random(void)
{
    if (!have_bf16()) { printf("  skipped: CPU lacks avx512_bf16\n"); return; }
    rng_seed(1);
    const uint64_t lanes = pbt_count(4000000);
    uint64_t mismatches = 0;
    for (uint64_t it = 0; it < lanes; it += 16) {
        uint32_t acc[16], a[16], b[16], out[16];
        int mode = (int)(rng_next() % 6);
        for (int l = 0; l < 16; l++) {
            if (mode == 0) {
                a[l] = (uint32_t)rng_next();
                b[l] = (uint32_t)rng_next();
                acc[l] = (uint32_t)rng_next();
                continue;
            }
            static const int widths[] = {0, 2, 10, 30, 4, 1};
            int w = widths[mode];
            int c = (mode == 5) ? -128 + (int)(rng_next() % 8) : (int)(rng_next() % 300) - 150;
            int ea = c / 2 + (int)(rng_next() % 5) - 2;
            uint32_t a0 = rand_bf16_near(ea - w, ea + w), b0 = rand_bf16_near(c - ea - w, c - ea + w);
            uint32_t a1 = rand_bf16_near(ea - w, ea + w), b1 = rand_bf16_near(c - ea - w, c - ea + w);
            a[l] = pair(a0, a1);
            b[l] = pair(b0, b1);
            acc[l] = rand_f32_near(c - w, c + w);
            if (mode == 4 && (rng_next() & 1)) /* acc close to minus the first product */
                acc[l] = bits_of(-(float_of(a1 << 16) * float_of(b1 << 16))) ^
                         (uint32_t)(rng_next() & 3);
        }
        dpbf16_hw16(out, acc, a, b);
        for (int l = 0; l < 16; l++) {
            uint32_t model = dpbf16_model(acc[l], a[l], b[l]);
            if (model != out[l]) {
                mismatches++;
                PBT_CHECK(false, "acc %08x a %08x b %08x: hardware %08x, model %08x", acc[l],
                          a[l], b[l], out[l], model);
            }
        }
    }
    PBT_CHECK(mismatches == 0, "%" PRIu64 " of %" PRIu64 " lanes differ", mismatches, lanes);
}

/* The GEMM corollary: with element k in the high half of each pair and k+1 in
 * the low half (and an odd tail padded with -0 * +0), a run of vdpbf16ps over
 * K computes acc = step(...step(step(acc, a0, b0), a1, b1)..., a(K-1), b(K-1)),
 * the index-order fused sum. */
PBT_BF16_TARGET static void dpbf16_dot16(uint32_t *out, const uint32_t *a_pairs,
                                         const uint32_t *b_pairs, size_t npairs)
{
    __m512 acc = _mm512_castsi512_ps(_mm512_set1_epi32((int)0x80000000u));
    for (size_t p = 0; p < npairs; p++)
        acc = _mm512_dpbf16_ps(acc, (__m512bh)_mm512_loadu_si512(a_pairs + 16 * p),
                               (__m512bh)_mm512_loadu_si512(b_pairs + 16 * p));
    _mm512_storeu_si512(out, _mm512_castps_si512(acc));
}

static void test_dpbf16_index_order_packing(void)
{
    if (!have_bf16()) { printf("  skipped: CPU lacks avx512_bf16\n"); return; }
    rng_seed(2);
    enum { KMAX = 67 };
    uint16_t a[16][KMAX], b[16][KMAX];
    uint32_t ap[16 * ((KMAX + 1) / 2)], bp[16 * ((KMAX + 1) / 2)], out[16];
    const uint64_t trials = pbt_count(3000);
    for (uint64_t t = 0; t < trials; t++) {
        size_t k = 1 + rng_next() % KMAX, npairs = (k + 1) / 2;
        int spread = (int)(rng_next() % 40);
        for (int l = 0; l < 16; l++)
            for (size_t i = 0; i < k; i++) {
                a[l][i] = (uint16_t)rand_bf16_near(-spread / 2, spread / 2);
                b[l][i] = (uint16_t)rand_bf16_near(-spread / 2, spread / 2);
            }
        for (size_t p = 0; p < npairs; p++)
            for (int l = 0; l < 16; l++) {
                size_t i = 2 * p;
                uint32_t a_hi = a[l][i], b_hi = b[l][i];
                uint32_t a_lo = (i + 1 < k) ? a[l][i + 1] : 0x8000u; /* -0 */
                uint32_t b_lo = (i + 1 < k) ? b[l][i + 1] : 0;
                ap[16 * p + l] = pair(a_lo, a_hi);
                bp[16 * p + l] = pair(b_lo, b_hi);
            }
        dpbf16_dot16(out, ap, bp, npairs);
        for (int l = 0; l < 16; l++) {
            uint32_t acc = 0x80000000u;
            for (size_t i = 0; i < k; i++)
                acc = dpbf16_step(acc, (uint32_t)a[l][i] << 16, (uint32_t)b[l][i] << 16);
            PBT_CHECK(acc == out[l], "K=%zu lane %d: hardware %08x, index-order model %08x", k,
                      l, out[l], acc);
        }
    }
}

/* ---- vpdpbusd / vpdpbusds ------------------------------------------------ */

static int64_t busd_exact(int32_t acc, uint32_t a, uint32_t b)
{
    int64_t s = acc;
    for (int j = 0; j < 4; j++)
        s += (int64_t)(uint8_t)(a >> (8 * j)) * (int8_t)(uint8_t)(b >> (8 * j));
    return s;
}

PBT_VNNI_TARGET static void busd_hw16(int32_t *wrap, int32_t *sat, const int32_t *acc,
                                      const uint32_t *a, const uint32_t *b)
{
    __m512i c = _mm512_loadu_si512(acc), va = _mm512_loadu_si512(a), vb = _mm512_loadu_si512(b);
    _mm512_storeu_si512(wrap, _mm512_dpbusd_epi32(c, va, vb));
    _mm512_storeu_si512(sat, _mm512_dpbusds_epi32(c, va, vb));
}

static void test_vnni_wrap_and_saturate(void)
{
    if (!have_vnni()) { printf("  skipped: CPU lacks avx512_vnni\n"); return; }
    rng_seed(3);
    const uint64_t lanes = pbt_count(2000000);
    uint64_t overflowed = 0;
    for (uint64_t it = 0; it < lanes; it += 16) {
        int32_t acc[16], wrap[16], sat[16];
        uint32_t a[16], b[16];
        for (int l = 0; l < 16; l++) {
            a[l] = (uint32_t)rng_next();
            b[l] = (uint32_t)rng_next();
            switch (rng_next() % 4) {
            case 0: acc[l] = INT32_MAX - (int32_t)(rng_next() % 200000); break;
            case 1: acc[l] = INT32_MIN + (int32_t)(rng_next() % 200000); break;
            default: acc[l] = (int32_t)(uint32_t)rng_next(); break;
            }
            if (rng_next() % 4 == 0) { /* extreme products: 255 * 127, 255 * -128 */
                a[l] = 0xffffffffu;
                b[l] = (rng_next() & 1) ? 0x7f7f7f7fu : 0x80808080u;
            }
        }
        busd_hw16(wrap, sat, acc, a, b);
        for (int l = 0; l < 16; l++) {
            int64_t e = busd_exact(acc[l], a[l], b[l]);
            int32_t w = (int32_t)(uint32_t)(uint64_t)e;
            int32_t s = e > INT32_MAX ? INT32_MAX : e < INT32_MIN ? INT32_MIN : (int32_t)e;
            overflowed += (e != w);
            PBT_CHECK(wrap[l] == w, "vpdpbusd acc %d a %08x b %08x: %d, want %d", acc[l], a[l],
                      b[l], wrap[l], w);
            PBT_CHECK(sat[l] == s, "vpdpbusds acc %d a %08x b %08x: %d, want %d", acc[l], a[l],
                      b[l], sat[l], s);
        }
    }
    /* The sample must really reach the int32 limits for the test to mean anything. */
    PBT_CHECK(overflowed > lanes / 20, "only %" PRIu64 " lanes overflowed", overflowed);

    /* Hand-made: the four products are summed exactly, then added to acc once. */
    int32_t acc[16], wrap[16], sat[16];
    uint32_t a[16], b[16];
    for (int l = 0; l < 16; l++) { acc[l] = INT32_MAX; a[l] = 0xffffffffu; b[l] = 0x7f7f7f80u; }
    /* 255 * (127 + 127 + 127 - 128) = 64515 */
    busd_hw16(wrap, sat, acc, a, b);
    PBT_CHECK(wrap[0] == (int32_t)(uint32_t)((uint64_t)INT32_MAX + 64515u), "wrap %d", wrap[0]);
    PBT_CHECK(sat[0] == INT32_MAX, "saturate %d", sat[0]);
    for (int l = 0; l < 16; l++) { acc[l] = INT32_MAX - 64515; }
    busd_hw16(wrap, sat, acc, a, b);
    PBT_CHECK(wrap[0] == INT32_MAX && sat[0] == INT32_MAX, "exact fit: %d %d", wrap[0], sat[0]);
    for (int l = 0; l < 16; l++) { acc[l] = INT32_MIN; b[l] = 0x80808080u; }
    busd_hw16(wrap, sat, acc, a, b);
    PBT_CHECK(sat[0] == INT32_MIN, "saturate low %d", sat[0]);
    PBT_CHECK(wrap[0] == (int32_t)(uint32_t)((uint64_t)(uint32_t)INT32_MIN - 130560u),
              "wrap low %d", wrap[0]);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_dpbf16_hand_made);
    PBT_RUN(test_dpbf16_ignores_mxcsr);
    PBT_RUN(test_dpbf16_random);
    PBT_RUN(test_dpbf16_index_order_packing);
    PBT_RUN(test_vnni_wrap_and_saturate);
    return pbt_finish();
}
