/* precbench tests: the accumulator models (docs/schemes.md, section 4),
 * each checked against an independent statement of its definition: plain
 * C loops for the fp32 family, MPFR for `exact`, hand-made vectors for the
 * low-precision accumulators, vdpbf16ps and the tensor-core presets. */
#include <float.h>
#include <math.h>
#include <mpfr.h>

#include "harness.h"
#include "precbench/accum.h"
#include "precbench/exact.h"
#include "precbench/rng.h"

static pb_accum parse_ok(const char *text)
{
    pb_accum acc;
    memset(&acc, 0, sizeof acc);
    pb_status st = pb_accum_parse(text, &acc);
    PBT_CHECK(st == PB_OK, "parse %s: %s", text, pb_status_message(st));
    return acc;
}

static uint32_t bits_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

/* Same float, NaNs equal to NaNs. */
static bool same(double x, double y)
{
    if (isnan(x) || isnan(y)) return isnan(x) && isnan(y);
    return bits_of((float)x) == bits_of((float)y) && x == y;
}

/* Random float vectors: normal values with a spread of exponents, some
 * zeros of both signs, occasionally an inf or NaN when `specials`. */
static float rand_value(uint64_t seed, uint64_t i, bool specials)
{
    uint32_t w = pb_rng_u32(seed, 7, i, 0);
    double x = pb_rng_normal(seed, 8, i) * ldexp(1.0, (int)(w % 21) - 10);
    switch (w >> 28) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return specials ? ((w & 1) ? INFINITY : NAN) : (float)x;
    default: return (float)x;
    }
}

static void fill(float *a, float *b, size_t n, uint64_t seed, bool specials)
{
    for (size_t i = 0; i < n; i++) {
        a[i] = rand_value(seed, 2 * i, specials);
        b[i] = rand_value(seed, 2 * i + 1, specials);
    }
}

/* fp32 == a plain sequential float loop; fp32fma == an fmaf loop. */
static void test_fp32_loops(void)
{
    pb_accum f32 = parse_ok("fp32"), fma = parse_ok("fp32fma");
    float a[300], b[300];
    for (uint64_t t = 0; t < pbt_count(3000); t++) {
        size_t n = pb_rng_u32(pbt_seed(), 1, t, 0) % 300;
        fill(a, b, n, pbt_seed() + t, t % 7 == 0);
        float s = 0.0f, f = 0.0f;
        for (size_t k = 0; k < n; k++) {
            float p = a[k] * b[k];
            s = s + p;
            f = fmaf(a[k], b[k], f);
        }
        double got = pb_accum_dot(&f32, a, b, n, NULL);
        PBT_CHECK(same(got, s), "fp32 n=%zu: %a vs loop %a", n, got, (double)s);
        got = pb_accum_dot(&fma, a, b, n, NULL);
        PBT_CHECK(same(got, f), "fp32fma n=%zu: %a vs loop %a", n, got, (double)f);
    }
    /* the empty sum is +0 */
    PBT_CHECK(bits_of((float)pb_accum_dot(&f32, a, b, 0, NULL)) == 0, "empty sum");
}

/* fp32lanes:W: lanes in index order, then the halving tree, written out
 * independently (a recursive tree over the lane array). */
static float tree(const float *v, size_t w)
{
    if (w == 1) return v[0];
    float lo[64];
    for (size_t l = 0; l < w / 2; l++) lo[l] = v[l] + v[l + w / 2];
    return tree(lo, w / 2);
}

static void test_fp32_lanes(void)
{
    float a[200], b[200];
    const int widths[] = {1, 2, 4, 8, 16, 64};
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        char text[32];
        snprintf(text, sizeof text, "fp32lanes:%d", widths[wi]);
        pb_accum acc = parse_ok(text);
        size_t W = (size_t)widths[wi];
        for (uint64_t t = 0; t < pbt_count(500); t++) {
            size_t n = pb_rng_u32(pbt_seed(), 2, t, 0) % 200;
            fill(a, b, n, pbt_seed() + 1000 + t, false);
            float lane[64] = {0};
            for (size_t k = 0; k < n; k++)
                lane[k % W] = fmaf(a[k], b[k], lane[k % W]);
            float want = tree(lane, W);
            double got = pb_accum_dot(&acc, a, b, n, NULL);
            PBT_CHECK(same(got, want), "%s n=%zu: %a vs %a", text, n, got, (double)want);
        }
    }
    /* one lane is the fp32fma order */
    pb_accum one = parse_ok("fp32lanes:1"), fma = parse_ok("fp32fma");
    fill(a, b, 200, pbt_seed() + 77, false);
    PBT_CHECK(same(pb_accum_dot(&one, a, b, 200, NULL), pb_accum_dot(&fma, a, b, 200, NULL)),
              "fp32lanes:1 != fp32fma");
    /* the tree is visible: 16 lanes, a 1 in lane 0 and 2^-24 in lanes 1..15:
     * sequentially 1 + 2^-24 + ... stays 1; the halving tree first adds the
     * small values pairwise and so keeps them */
    pb_accum l16 = parse_ok("fp32lanes:16");
    float x[16], y[16];
    for (int i = 0; i < 16; i++) {
        x[i] = i == 0 ? 1.0f : 0x1p-24f;
        y[i] = 1.0f;
    }
    double r = pb_accum_dot(&l16, x, y, 16, NULL);
    /* tree: lane0+lane8 = 1 (tie to even), lanes 1..7 + 9..15 = 2^-23 each,
     * then 2^-22, 2^-21 ...: final 1 + 2^-23 + 2^-22 + 2^-21 rounded */
    PBT_CHECK(r > 1.0, "16-lane tree lost the small terms: %a", r);
    PBT_CHECK(pb_accum_dot(&fma, x, y, 16, NULL) == 1.0, "sequential keeps 1");
}

static void test_pairwise_kahan(void)
{
    pb_accum pw = parse_ok("pairwise"), kh = parse_ok("kahan");
    /* hand-made trees: n = 3: (p0 + p1) + p2; n = 6: (p0+p1+p2+p3) + (p4+p5) */
    float a[8] = {1.0f, 0x1p-24f, 0x1p-24f, 1.0f, 0x1p-24f, 0x1p-24f, 3.0f, 5.0f};
    float one[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    float want3 = (1.0f + 0x1p-24f) + 0x1p-24f;
    PBT_CHECK(same(pb_accum_dot(&pw, a, one, 3, NULL), want3), "pairwise n=3");
    float want6 = ((a[0] + a[1]) + (a[2] + a[3])) + (a[4] + a[5]);
    PBT_CHECK(same(pb_accum_dot(&pw, a, one, 6, NULL), want6), "pairwise n=6");
    /* powers of two against a bottom-up level-by-level reduction */
    float x[256], y[256], p[256];
    for (uint64_t t = 0; t < pbt_count(200); t++) {
        size_t n = (size_t)1 << (pb_rng_u32(pbt_seed(), 3, t, 0) % 9);
        fill(x, y, n, pbt_seed() + 2000 + t, false);
        for (size_t i = 0; i < n; i++) p[i] = x[i] * y[i];
        for (size_t w = n; w > 1; w /= 2)
            for (size_t i = 0; i < w / 2; i++) p[i] = p[2 * i] + p[2 * i + 1];
        double got = pb_accum_dot(&pw, x, y, n, NULL);
        PBT_CHECK(same(got, n ? p[0] : 0.0f), "pairwise n=%zu", n);
    }
    /* Kahan keeps what fp32 loses: 1 + 1000 * 2^-25 */
    float k1[1001], k2[1001];
    k1[0] = 1.0f;
    k2[0] = 1.0f;
    for (int i = 1; i <= 1000; i++) {
        k1[i] = 0x1p-25f;
        k2[i] = 1.0f;
    }
    pb_accum f32 = parse_ok("fp32");
    PBT_CHECK(pb_accum_dot(&f32, k1, k2, 1001, NULL) == 1.0, "fp32 stagnates");
    double want = (double)(float)(1.0 + 1000 * 0x1p-25);
    double got = pb_accum_dot(&kh, k1, k2, 1001, NULL);
    PBT_CHECK(fabs(got - want) <= 0x1p-23, "kahan: %a vs %a", got, want);
    /* and the recurrence itself */
    float s = 0.0f, c = 0.0f;
    fill(x, y, 256, pbt_seed() + 99, false);
    for (int i = 0; i < 256; i++) {
        float pr = x[i] * y[i];
        float yy = pr - c;
        float tt = s + yy;
        c = (tt - s) - yy;
        s = tt;
    }
    PBT_CHECK(same(pb_accum_dot(&kh, x, y, 256, NULL), s), "kahan recurrence");
}

/* The exact sum of exact products through MPFR, rounded to float. */
static double mpfr_dot_f32(const float *a, const float *b, size_t n)
{
    mpfr_t s, p;
    mpfr_init2(s, 1400); /* floats' products span 2^-298 .. 2^256 */
    mpfr_init2(p, 64);
    mpfr_set_zero(s, 1);
    bool nan = false, pinf = false, ninf = false;
    for (size_t k = 0; k < n; k++) {
        double pr = (double)a[k] * (double)b[k];
        if (isnan(pr)) nan = true;
        else if (isinf(pr)) (pr > 0 ? (pinf = true) : (ninf = true));
        else {
            mpfr_set_d(p, pr, MPFR_RNDN); /* exact: 48 bits */
            mpfr_add(s, s, p, MPFR_RNDN); /* exact at 1400 bits */
        }
    }
    double r;
    if (nan || (pinf && ninf)) r = NAN;
    else if (pinf) r = INFINITY;
    else if (ninf) r = -INFINITY;
    else {
        mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
        mpfr_set_emin(-148);
        mpfr_set_emax(128);
        mpfr_t f;
        mpfr_init2(f, 24);
        int t = mpfr_set(f, s, MPFR_RNDN);
        t = mpfr_check_range(f, t, MPFR_RNDN);
        mpfr_subnormalize(f, t, MPFR_RNDN);
        r = (double)mpfr_get_flt(f, MPFR_RNDN);
        mpfr_clear(f);
        mpfr_set_emin(emin);
        mpfr_set_emax(emax);
    }
    mpfr_clear(s);
    mpfr_clear(p);
    return r;
}

static void test_exact(void)
{
    pb_accum ex = parse_ok("exact"), f64 = parse_ok("fp64");
    PBT_CHECK(pb_accum_is_wide(&ex) && pb_accum_is_wide(&f64), "wide models");
    float a[260], b[260];
    for (uint64_t t = 0; t < pbt_count(2000); t++) {
        size_t n = pb_rng_u32(pbt_seed(), 4, t, 0) % 260;
        fill(a, b, n, pbt_seed() + 5000 + t, t % 11 == 0);
        if (t % 3 == 0 && n >= 3) { /* cancellation: big, small, -big */
            a[0] = 0x1p100f;
            b[0] = 1.0f;
            a[n - 1] = -0x1p100f;
            b[n - 1] = 1.0f;
        }
        double want = mpfr_dot_f32(a, b, n);
        double got = pb_accum_dot(&ex, a, b, n, NULL);
        PBT_CHECK(same(got, want) || (want == 0 && got == 0), "exact n=%zu: %a vs mpfr %a", n, got, want);
        /* the wide entry point on the same values */
        double da[260], db[260];
        for (size_t k = 0; k < n; k++) {
            da[k] = a[k];
            db[k] = b[k];
        }
        double gw = pb_accum_dot_wide(&ex, da, db, n, NULL);
        PBT_CHECK(same(gw, want) || (want == 0 && gw == 0), "exact wide n=%zu", n);
        /* fp64: the binary64 loop */
        double s = 0.0;
        for (size_t k = 0; k < n; k++) {
            double p = da[k] * db[k];
            s = s + p;
        }
        double g64 = pb_accum_dot_wide(&f64, da, db, n, NULL);
        PBT_CHECK((isnan(s) && isnan(g64)) || s == g64, "fp64 n=%zu", n);
    }
    /* one rounding: 1 + 2^-24 + 2^-60 rounds up in fp32 exactly once */
    float x[3] = {1.0f, 0x1p-24f, 0x1p-60f}, y[3] = {1, 1, 1};
    PBT_CHECK(pb_accum_dot(&ex, x, y, 3, NULL) == 1.0 + 0x1p-23, "exact tie broken by a tiny term");
    /* the output target: bf16 under RTZ */
    pb_accum_env env = pb_accum_env_default();
    env.out = pb_format_by_name("bf16");
    env.out_round.mode = PB_ROUND_RTZ;
    float z[2] = {1.0f, 0x1.fcp-8f};
    PBT_CHECK(pb_accum_dot(&ex, z, y, 2, &env) == 1.0, "exact into bf16 rtz");
}

/* Low-precision accumulators stagnate; SR does not. */
static void test_lowp(void)
{
    enum { N = 5000 };
    static float ones[N];
    for (int i = 0; i < N; i++) ones[i] = 1.0f;
    pb_accum h = parse_ok("fp16:rn"), b = parse_ok("bf16:rn"), hs = parse_ok("fp16:sr");
    PBT_CHECK(pb_accum_dot(&h, ones, ones, N, NULL) == 2048.0, "fp16 rn sum of ones");
    PBT_CHECK(pb_accum_dot(&b, ones, ones, N, NULL) == 256.0, "bf16 rn sum of ones");
    pb_accum h2 = parse_ok("fp16");
    PBT_CHECK(pb_accum_equal(&h, &h2), "fp16 alone is fp16:rn");
    /* SR: unbiased, so the sum of ones keeps growing near N */
    double mean = 0;
    int runs = (int)pbt_count(20);
    for (int r = 0; r < runs; r++) {
        pb_accum_env env = pb_accum_env_default();
        env.seed = pbt_seed() + (uint64_t)r;
        double s = pb_accum_dot(&hs, ones, ones, N, &env);
        PBT_CHECK(s > 2048.0, "fp16 sr stagnated at %g", s);
        mean += s / runs;
    }
    PBT_CHECK(fabs(mean - N) < 0.05 * N, "fp16 sr mean %g, want about %d", mean, N);
    /* one SR step lands on a neighbour of the exact value, with the right
     * frequency: 1 + 0.25 ulp (fp16 ulp at 1 is 2^-10) */
    float x[2] = {1.0f, 0x1p-12f}, y[2] = {1.0f, 1.0f};
    int up = 0, trials = (int)pbt_count(4000);
    for (int t = 0; t < trials; t++) {
        pb_accum_env env = pb_accum_env_default();
        env.seed = pbt_seed();
        env.index0 = 2 * (uint64_t)t;
        double s = pb_accum_dot(&hs, x, y, 2, &env);
        PBT_CHECK(s == 1.0 || s == 1.0 + 0x1p-10, "sr step gave %a", s);
        up += s > 1.0;
    }
    double p = 0.25, sd = sqrt(trials * p * (1 - p));
    PBT_CHECK(fabs(up - trials * p) < 5 * sd + 1, "sr frequency %d of %d", up, trials);
    /* one rounding per fused step: 1 + 2^-11 + 2^-30 rounds up in fp16 (a
     * separately rounded product or a binary32 sum would tie to 1) */
    float u[2] = {1.0f, 0x1p-11f + 0x1p-30f}, v[2] = {1.0f, 1.0f};
    PBT_CHECK(pb_accum_dot(&h, u, v, 2, NULL) == 1.0 + 0x1p-10, "fused fp16 step");
    /* overflow to inf */
    float big[2] = {60000.0f, 60000.0f};
    PBT_CHECK(isinf(pb_accum_dot(&h, big, ones, 2, NULL)), "fp16 overflow");
    PBT_CHECK(pb_accum_is_stochastic(&hs) && !pb_accum_is_stochastic(&h), "stochastic flag");
}

/* vdpbf16ps hand-made vectors from docs/cpu_dot_instructions.md. */
static void test_dpbf16(void)
{
    pb_accum d = parse_ok("dpbf16");
    float one[4] = {1, 1, 1, 1};
    /* two roundings per pair, not one: 1 + 2^-24 + 1.5*2^-25 gives 1 */
    float v1[3] = {1.0f, 0x1p-24f, 0x1.8p-25f};
    PBT_CHECK(pb_accum_dot(&d, v1, one, 3, NULL) == 1.0, "two roundings");
    /* index order: 1, -1, 2^-30 gives 2^-30 */
    float v2[3] = {1.0f, -1.0f, 0x1p-30f};
    PBT_CHECK(pb_accum_dot(&d, v2, one, 3, NULL) == 0x1p-30, "index order");
    /* DAZ on a denormal input */
    float v3[1] = {0x1p-127f}, w3[1] = {0x1p100f};
    PBT_CHECK(pb_accum_dot(&d, v3, w3, 1, NULL) == 0.0, "DAZ input");
    /* FTZ after every step: 1.5*2^-126 - 2^-126 + 2^-126 gives 2^-126 */
    float v4[3] = {0x1.8p-126f, -0x1p-126f, 0x1p-126f};
    PBT_CHECK(pb_accum_dot(&d, v4, one, 3, NULL) == 0x1p-126, "FTZ intermediate");
    /* a flushed negative result is -0 */
    float v5[1] = {-0x1.8p-64f}, w5[1] = {0x1p-64f}; /* product -1.5*2^-128 */
    double r5 = pb_accum_dot(&d, v5, w5, 1, NULL);
    PBT_CHECK(r5 == 0.0 && signbit(r5), "flushed result keeps its sign");
    /* tininess after rounding: 2^-126 - 2^-151 gives 2^-126 */
    float v6[2] = {0x1p-126f, -0x1p-126f}, w6[2] = {1.0f, 0x1p-25f};
    PBT_CHECK(pb_accum_dot(&d, v6, w6, 2, NULL) == 0x1p-126, "tininess after rounding");
    /* unbounded product exponent: -2^127 + 2^127 * 2 = 2^127 */
    float v7[2] = {-0x1p127f, 0x1p127f}, w7[2] = {1.0f, 2.0f};
    PBT_CHECK(pb_accum_dot(&d, v7, w7, 2, NULL) == 0x1p127, "unbounded product");
    /* round to nearest even, not truncation: 1 + 1.5*2^-24 gives 1 + 2^-23 */
    float v8[2] = {1.0f, 0x1.8p-24f};
    PBT_CHECK(pb_accum_dot(&d, v8, one, 2, NULL) == 1.0 + 0x1p-23, "nearest even");
    /* NaN and inf * 0 */
    float v9[2] = {INFINITY, 1.0f}, w9[2] = {0.0f, 1.0f};
    PBT_CHECK(isnan(pb_accum_dot(&d, v9, w9, 2, NULL)), "inf * 0");
    /* on bf16 values with no tiny partial sums it equals fp32fma */
    pb_accum fma = parse_ok("fp32fma");
    const pb_format *bf = pb_format_by_name("bf16");
    pb_rounding rn = pb_rounding_default();
    float a[100], b[100];
    for (uint64_t t = 0; t < pbt_count(1000); t++) {
        size_t n = 1 + pb_rng_u32(pbt_seed(), 5, t, 0) % 100;
        for (size_t k = 0; k < n; k++) {
            a[k] = (float)pb_format_round(bf, pb_rng_normal(pbt_seed() + t, 1, k), &rn, 0);
            b[k] = (float)pb_format_round(bf, pb_rng_normal(pbt_seed() + t, 2, k), &rn, 0);
        }
        PBT_CHECK(same(pb_accum_dot(&d, a, b, n, NULL), pb_accum_dot(&fma, a, b, n, NULL)),
                  "dpbf16 != fp32fma on normal bf16 values, n=%zu", n);
    }
}

static void test_int32(void)
{
    pb_accum acc = parse_ok("int32");
    PBT_CHECK(pb_accum_needs_integers(&acc), "needs integers");
    float a[4] = {127, -128, 3, 0}, b[4] = {127, 127, -5, 9};
    PBT_CHECK(pb_accum_dot(&acc, a, b, 4, NULL) == 127.0 * 127 - 128 * 127 - 15, "small sum");
    /* wrap-around beyond int32, as vpdpbusd */
    enum { N = 140000 };
    static float x[N], y[N];
    for (int i = 0; i < N; i++) x[i] = y[i] = 127.0f;
    int64_t s = (int64_t)N * 127 * 127;
    int32_t w = (int32_t)(uint32_t)(uint64_t)s;
    PBT_CHECK(pb_accum_dot(&acc, x, y, N, NULL) == (double)(float)w, "wrap: %g vs %d",
              pb_accum_dot(&acc, x, y, N, NULL), w);
    /* the int32 result is rounded to fp32 with RNE: 2^24 + 1 -> 2^24 */
    float p[2] = {4096, 1}, q[2] = {4096, 1};
    PBT_CHECK(pb_accum_dot(&acc, p, q, 2, NULL) == 0x1p24, "rne to fp32");
}

/* The tensor-core model against the published probes. */
static void test_tensorcore_h100_fp8(void)
{
    pb_accum tc = parse_ok("tensorcore:h100-fp8");
    pb_accum_env env = pb_accum_env_default();
    env.emin_a = env.emin_b = -6; /* e4m3 inputs */
    /* within one block: 1 + 2^-13 survives, 1 + 2^-14 does not */
    float a[2] = {1.0f, 0x1p-7f}, b13[2] = {1.0f, 0x1p-6f}, b14[2] = {1.0f, 0x1p-7f};
    PBT_CHECK(pb_accum_dot(&tc, a, b13, 2, &env) == 1.0 + 0x1p-13, "1 + 2^-13 survives");
    PBT_CHECK(pb_accum_dot(&tc, a, b14, 2, &env) == 1.0, "1 + 2^-14 is lost");
    /* truncation, not rounding: 1 + 0.75 * 2^-13 gives 1; with round=rne
     * it would give 1 + 2^-13 */
    float t[2] = {1.0f, 0x1.8p-7f};
    PBT_CHECK(pb_accum_dot(&tc, t, b14, 2, &env) == 1.0, "truncation");
    pb_accum tr = parse_ok("tensorcore:block=32,frac=13,round=rne,norm=rz");
    PBT_CHECK(pb_accum_dot(&tr, t, b14, 2, &env) == 1.0 + 0x1p-13, "rne alignment differs");
    /* toward zero for negative terms too: 1 - 0.75 * 2^-13 gives 1 */
    float tn[2] = {1.0f, -0x1.8p-7f};
    PBT_CHECK(pb_accum_dot(&tc, tn, b14, 2, &env) == 1.0, "truncation toward zero");
    /* the accumulator joins the alignment: 1 from an earlier block, then
     * 2^-14 in the next block, is lost without promotion; promotion after
     * every block keeps it in fp32 */
    float x[33], y[33];
    for (int i = 0; i < 33; i++) x[i] = y[i] = 0.0f;
    x[0] = y[0] = 1.0f;
    x[32] = y[32] = 0x1p-7f;
    PBT_CHECK(pb_accum_dot(&tc, x, y, 33, &env) == 1.0, "accumulator joins the alignment");
    pb_accum p1 = parse_ok("tensorcore:h100-fp8,promote=1");
    PBT_CHECK(pb_accum_dot(&p1, x, y, 33, &env) == 1.0 + 0x1p-14, "promotion keeps it");
    /* DeepSeek-V3's recipe, promotion every 4 blocks (128 elements): 1 then
     * 2^-14 in each of the next 127 products: fast accumulation keeps 1,
     * the promoted one adds the 96 small ones of blocks 2..4 exactly
     * (aligned to their own exponent inside a fresh accumulator) */
    float xs[128], ys[128];
    for (int i = 0; i < 128; i++) {
        xs[i] = i == 0 ? 1.0f : 0x1p-7f;
        ys[i] = i == 0 ? 1.0f : 0x1p-7f;
    }
    pb_accum p4 = parse_ok("tensorcore:h100-fp8,promote=4");
    PBT_CHECK(pb_accum_dot(&tc, xs, ys, 128, &env) == 1.0, "fast accumulation stagnates");
    double got = pb_accum_dot(&p4, xs, ys, 128, &env);
    /* block 1: 1 (its 31 small terms are cut); blocks 2..4 start from c = 1
     * too (no promotion inside 4 blocks) ... so all are lost until the
     * promotion at 128: result 1.  With promote=1 the 96 terms survive. */
    PBT_CHECK(got == 1.0, "promote=4 inside one group: %a", got);
    got = pb_accum_dot(&p1, xs, ys, 128, &env);
    PBT_CHECK(got == 1.0 + 96 * 0x1p-14, "promote=1 keeps blocks 2..4: %a", got);
    /* specials */
    float n1[2] = {NAN, 1.0f}, i1[2] = {INFINITY, -INFINITY}, o1[2] = {1.0f, 1.0f};
    PBT_CHECK(isnan(pb_accum_dot(&tc, n1, o1, 2, &env)), "NaN");
    PBT_CHECK(isnan(pb_accum_dot(&tc, i1, o1, 2, &env)), "inf - inf");
    PBT_CHECK(pb_accum_dot(&tc, i1, o1, 1, &env) == INFINITY, "inf");
}

static void test_tensorcore_presets(void)
{
    PBT_CHECK(pb_tensorcore_preset_count() >= 6, "presets");
    for (size_t i = 0; i < pb_tensorcore_preset_count(); i++) {
        const char *name = pb_tensorcore_preset_name(i);
        char text[64], buf[128];
        snprintf(text, sizeof text, "tensorcore:%s", name);
        pb_accum acc = parse_ok(text);
        pb_accum_name(&acc, buf, sizeof buf);
        /* the canonical name parses back to the same parameters */
        pb_accum back = parse_ok(buf);
        PBT_CHECK(memcmp(&back.tc, &acc.tc, sizeof acc.tc) == 0, "%s round trip via %s", text, buf);
        PBT_CHECK(pb_tensorcore_preset_source(i) && *pb_tensorcore_preset_source(i), "%s source", name);
    }
    /* V100 (F = 23, 4-term): 1 + 2^-24 is cut in the alignment */
    pb_accum v = parse_ok("tensorcore:v100");
    float a[2] = {1.0f, 0x1p-12f}, b[2] = {1.0f, 0x1p-12f};
    PBT_CHECK(pb_accum_dot(&v, a, b, 2, NULL) == 1.0, "v100 drops 2^-24");
    /* H100 fp16 (F = 25): 2^-24 enters the sum, the normalisation toward
     * zero then drops it: 1 + 2^-23 + 2^-24 gives 1 + 2^-23, not the tie
     * to even 1 + 2^-22 */
    pb_accum h = parse_ok("tensorcore:h100");
    float c[3] = {1.0f, 0x1p-12f, 0x1p-12f}, d[3] = {1.0f, 0x1p-11f, 0x1p-12f};
    PBT_CHECK(pb_accum_dot(&h, c, d, 3, NULL) == 1.0 + 0x1p-23, "h100 normalises toward zero");
    pb_accum hn = parse_ok("tensorcore:h100,promote=0");
    PBT_CHECK(pb_accum_equal(&h, &hn), "promote=0 is the preset");
    /* truncation bounds the error: positive terms never exceed the exact sum */
    pb_accum ex = parse_ok("exact");
    pb_accum_env env = pb_accum_env_default();
    env.out = pb_format_by_name("fp64");
    float x[300], y[300];
    for (uint64_t t = 0; t < pbt_count(300); t++) {
        size_t n = 1 + pb_rng_u32(pbt_seed(), 6, t, 0) % 300;
        for (size_t k = 0; k < n; k++) {
            x[k] = fabsf(rand_value(pbt_seed() + t, k, false));
            y[k] = fabsf(rand_value(pbt_seed() + t, 1000 + k, false));
        }
        pb_accum f8 = parse_ok("tensorcore:h100-fp8");
        double e = pb_accum_dot(&ex, x, y, n, &env);
        double g = pb_accum_dot(&f8, x, y, n, NULL);
        PBT_CHECK(g <= e, "truncated sum above the exact one: %a > %a", g, e);
        PBT_CHECK(g >= e * (1 - (double)n * 0x1p-12), "error too large: %a vs %a", g, e);
    }
}

static void test_parse(void)
{
    pb_accum acc;
    struct { const char *text; pb_status want; } cases[] = {
        {"fp32", PB_OK}, {"fp32fma", PB_OK}, {"fp32lanes:16", PB_OK},
        {"pairwise", PB_OK}, {"kahan", PB_OK}, {"fp64", PB_OK}, {"exact", PB_OK},
        {"fp16:rn", PB_OK}, {"fp16:sr", PB_OK}, {"bf16:sr:8", PB_OK}, {"dpbf16", PB_OK},
        {"int32", PB_OK}, {"tensorcore:h100-fp8", PB_OK},
        {"tensorcore:block=32,frac=13,round=trunc,promote=0", PB_OK},
        {"tensorcore:h100-fp8,promote=4", PB_OK},
        {"fp33", PB_ERR_UNKNOWN_SCHEME}, {"", PB_ERR_PARSE}, {"fp32:", PB_ERR_PARSE},
        {"fp32:x=1", PB_ERR_PARSE}, {"fp32lanes", PB_ERR_PARSE}, {"fp32lanes:3", PB_ERR_PARSE},
        {"fp32lanes:128", PB_ERR_PARSE}, {"fp16:rtz", PB_ERR_UNKNOWN_MODE},
        {"fp16:bogus", PB_ERR_UNKNOWN_MODE}, {"tensorcore", PB_ERR_PARSE},
        {"tensorcore:h999", PB_ERR_UNKNOWN_SCHEME}, {"tensorcore:block=32", PB_ERR_PARSE},
        {"tensorcore:block=0,frac=3", PB_ERR_PARSE}, {"tensorcore:block=32,frac=99", PB_ERR_PARSE},
        {"tensorcore:block=32,frac=13,round=up", PB_ERR_PARSE},
        {"tensorcore:block=32,frac=13,", PB_ERR_PARSE},
        {"tensorcore:promote=4,h100-fp8", PB_ERR_PARSE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_status st = pb_accum_parse(cases[i].text, &acc);
        PBT_CHECK(st == cases[i].want, "parse \"%s\": %s, want %s", cases[i].text,
                  pb_status_message(st), pb_status_message(cases[i].want));
    }
    /* canonical names round trip, for every model */
    const char *texts[] = {"fp32", "fp32lanes:8", "fp16:sr", "bf16:sr:12", "bf16:rn",
                           "tensorcore:h100-fp8,promote=4",
                           "tensorcore:block=8,frac=20,outfrac=20,round=rne,norm=rne,promote=2"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        acc = parse_ok(texts[i]);
        char buf[128];
        pb_accum_name(&acc, buf, sizeof buf);
        PBT_CHECK(strcmp(buf, texts[i]) == 0, "canonical %s -> %s", texts[i], buf);
    }
    acc = parse_ok("tensorcore:block=32,frac=13,round=trunc,promote=0");
    char buf[128];
    PBT_CHECK(strcmp(pb_accum_name(&acc, buf, sizeof buf), "tensorcore:h100-fp8") == 0,
              "the published parameters are the h100-fp8 preset: %s", buf);
    for (size_t i = 0; i < pb_accum_model_count(); i++) {
        const pb_accum_model *m = pb_accum_model_at(i);
        PBT_CHECK(pb_accum_model_by_name(pb_accum_model_name(m)) == m, "lookup %zu", i);
        PBT_CHECK(*pb_accum_model_description(m), "description %zu", i);
    }
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_fp32_loops);
    PBT_RUN(test_fp32_lanes);
    PBT_RUN(test_pairwise_kahan);
    PBT_RUN(test_exact);
    PBT_RUN(test_lowp);
    PBT_RUN(test_dpbf16);
    PBT_RUN(test_int32);
    PBT_RUN(test_tensorcore_h100_fp8);
    PBT_RUN(test_tensorcore_presets);
    PBT_RUN(test_parse);
    return pbt_finish();
}
