/* precbench tests: the 16-lane steps of the low-precision accumulator
 * kernels (kernels/simd/gemm_lowp.h) against the scalar model, one step at
 * a time.  The GEMM tests cannot reach a tie of the SR random word with the
 * first 32 bits of the fraction (probability 2^-32 a step): here the word
 * is set to that value and to its neighbours.  For bf16 and fp16
 * accumulators, inputs bf16 or fp16 (every product exact in binary32, as
 * the kernels require), accumulators from random, cancelling, power-of-two,
 * subnormal, near-overflow and infinite values:
 *   rn      the step equals pb_format_round(add_odd(s, a*b), RNE);
 *   sr      with w = f - 1, f, f + 1 (f: the model's first fraction word):
 *           w == f is left to the scalar model (the lane is flagged), and
 *           otherwise the step goes away from zero exactly when w < f;
 *           flagged lanes are only ties and the documented rare sums;
 *   pass    the first-pass steps give the same bits wherever they do not
 *           report a rare lane, and report every lane flagged above.
 * Skipped (and said so) on a CPU without AVX-512. */
#include <math.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "format/format_internal.h"
#include "harness.h"

/* Everything up to pop_options may use AVX-512; test_steps calls into it
 * only after checking the CPU. */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,f16c,fma")
#include "simd/gemm_lowp.h"

static uint64_t rng_state;
static uint64_t rng_next(void) { return pbt_xorshift(&rng_state); }

static uint32_t bits_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static bool same(float x, float y) { return (isnan(x) && isnan(y)) || bits_of(x) == bits_of(y); }

/* A random finite value of bf16 (fmt 0) or fp16 (fmt 1), half of them with
 * exponents near 1. */
static float value_of(int fmt)
{
    uint16_t h = (uint16_t)rng_next();
    const bool near1 = rng_next() & 1;
    if (fmt == 0) {
        if (near1) h = (uint16_t)((h & 0x807f) | ((127 - 20 + rng_next() % 40) << 7));
        if (((h >> 7) & 0xff) == 0xff) h ^= 0x4000;
        return float_of((uint32_t)h << 16);
    }
    if ((h & 0x7c00) == 0x7c00) h ^= 0x4000;
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_set1_epi16((short)h)));
}

/* Condition P of gemm_lowp.h for one product. */
static bool product_ok(float a, float b, int acc)
{
    if (a == 0 || b == 0) return true;
    const double p = (double)a * (double)b;
    if ((double)(float)p != p || fabs(p) >= 0x1p127) return false;
    int low = 0;
    for (int w = 0; w < 2; w++) {
        const float x = w ? b : a;
        const int e = ilogbf(x);
        const uint32_t m = (bits_of(x) & 0x7fffff) | (e >= -126 ? 0x800000 : 0);
        low += (e < -126 ? -149 : e - 23) + __builtin_ctz(m);
    }
    return low >= (acc == 1 ? -56 : -149);
}

/* The model's first fraction word of v (finite, nonzero) in format f, and
 * whether the fraction is nonzero. */
static uint32_t first_word(const pb_format *f, double v, bool *nonzero)
{
    uint64_t M;
    int e;
    pb_double_split(pb_double_bits(v) & ~PB_DBL_SIGN, &M, &e);
    const int qe = e < f->emin ? f->emin : e, shift = 52 - f->spec.man_bits + (qe - e);
    const uint64_t rem = shift < 64 ? M & ((UINT64_C(1) << shift) - 1) : M;
    *nonzero = rem != 0;
    return pb_frac_word(rem, shift, 0);
}

typedef struct lane {
    float s, p, a, b;
    double v; /* add_odd(s, a*b) */
} lane;

static lane lane_make(int acc, int in, const pb_format *f)
{
    lane l;
    do {
        l.a = value_of(in);
        l.b = value_of(in);
    } while (!product_ok(l.a, l.b, acc));
    l.p = l.a * l.b;
    double sv;
    const double top = ldexp(1.0, f->emax + 1); /* where F overflows */
    switch (rng_next() % 7) {
    case 0: sv = value_of(acc); break;
    case 1: sv = -(double)l.p * (1 + ldexp((double)((int)(rng_next() % 64) - 32), -(int)(rng_next() % 30))); break;
    case 2: sv = ldexp(1.0, (int)(rng_next() % 60) - 30) - (double)l.p; break;
    case 3: sv = ldexp((double)((int)(rng_next() % 2048) - 1024), (int)(rng_next() % 50) - 40); break;
    case 4: sv = (rng_next() & 1 ? 1 : -1) * f->max_finite * (1 - ldexp((double)(rng_next() % 8), -9)); break;
    case 5: /* s + p just below, at or just above the overflow threshold */
        sv = copysign(top * (1 + ldexp((double)((int)(rng_next() % 64) - 32), -12)), (double)l.p) - (double)l.p;
        break;
    default: sv = rng_next() % 16 ? value_of(acc) * ldexp(1.0, (int)(rng_next() % 10)) : INFINITY;
    }
    pb_rounding rn = pb_rounding_default();
    rn.overflow = PB_OVERFLOW_INF;
    l.s = (float)pb_format_round(f, sv, &rn, 0);
    l.v = pb_accum_add_odd((double)l.s, (double)l.p);
    return l;
}

static void run_steps(void)
{
    rng_state = pbt_seed() | 1u;
    const pb_format *fmts[2] = {pb_format_by_name("bf16"), pb_format_by_name("fp16")};
    uint64_t ties = 0;
    for (int acc = 0; acc < 2; acc++)
        for (int in = 0; in < 2; in++) {
            const pb_format *f = fmts[acc];
            pb_rounding rn = pb_rounding_default(), tz = rn, up = rn, dn = rn;
            rn.overflow = tz.overflow = up.overflow = dn.overflow = PB_OVERFLOW_INF;
            tz.mode = PB_ROUND_RTZ;
            up.mode = PB_ROUND_UP;
            dn.mode = PB_ROUND_DOWN;
            size_t bad = 0;
            for (uint64_t it = 0; it < pbt_count(50000) && bad < 5; it++) {
                lane ln[16];
                float s[16], p[16], out[16];
                uint32_t fw[16];
                bool nz[16];
                for (int l = 0; l < 16; l++) {
                    ln[l] = lane_make(acc, in, f);
                    s[l] = ln[l].s;
                    p[l] = ln[l].p;
                    nz[l] = false;
                    fw[l] = isfinite(ln[l].v) && ln[l].v != 0 ? first_word(f, ln[l].v, &nz[l]) : 0;
                }
                const __m512 S = _mm512_loadu_ps(s), P = _mm512_loadu_ps(p);
                /* rn */
                _mm512_storeu_ps(out, acc ? pb_lowp_rn_fp16(S, P) : pb_lowp_rn_bf16(S, P));
                for (int l = 0; l < 16; l++) {
                    const float want = (float)pb_format_round(f, ln[l].v, &rn, 0);
                    if (!same(out[l], want) && bad++ < 5)
                        PBT_CHECK(false, "%s rn: s=%a p=%a: step %a, model %a", f->spec.name,
                                  s[l], p[l], out[l], want);
                }
                /* sr with w = f - 1, f, f + 1 */
                for (int d = -1; d <= 1; d++) {
                    uint32_t w[16];
                    for (int l = 0; l < 16; l++) w[l] = fw[l] + (uint32_t)d;
                    const __m512i Wv = _mm512_loadu_si512(w);
                    __mmask16 fix;
                    _mm512_storeu_ps(out, acc ? pb_lowp_sr_fp16(S, P, Wv, false, 0, &fix)
                                              : pb_lowp_sr_bf16(S, P, Wv, false, 0, &fix));
                    for (int l = 0; l < 16; l++) {
                        /* one lane at a time: a pass reports per batch */
                        __m512i tie = _mm512_set1_epi32(-1), lo = tie, hi = _mm512_setzero_si512();
                        const __m512 Sl = _mm512_set1_ps(s[l]), Pl = _mm512_set1_ps(p[l]);
                        const __m512i Wl = _mm512_set1_epi32((int)w[l]);
                        const __m512 r = acc ? pb_lowp_sr_fp16_pass(Sl, Pl, Wl, false, 0, &tie, &lo, &hi)
                                             : pb_lowp_sr_bf16_pass(Sl, Pl, Wl, false, 0, &tie);
                        const float pass = _mm512_cvtss_f32(r);
                        const bool rare = _mm_cvtsi128_si32(_mm512_castsi512_si128(tie)) == 0 ||
                                          pb_lowp_pass_rare(acc, r, lo, hi);
                        const bool flagged = (fix >> l) & 1;
                        /* a lane the scalar model must do that the pass
                         * misses, or another result */
                        if (!rare && (flagged || !same(pass, out[l])) && bad++ < 5)
                            PBT_CHECK(false, "%s pass: s=%a p=%a w=%08x: pass %a, step %a%s",
                                      f->spec.name, s[l], p[l], w[l], pass, out[l],
                                      flagged ? " (flagged)" : "");
                    }
                    for (int l = 0; l < 16; l++) {
                        if (!isfinite(ln[l].v) || !nz[l]) continue;
                        const bool flagged = (fix >> l) & 1;
                        const bool big = fabs(ln[l].v) >= (acc ? 65536.0 : 0x1p128);
                        if (d == 0) {
                            ties += flagged;
                            if (!flagged && bad++ < 5)
                                PBT_CHECK(false, "%s sr: tie not flagged: v=%a", f->spec.name, ln[l].v);
                            continue;
                        }
                        if (flagged) {
                            if (!big && bad++ < 5)
                                PBT_CHECK(false, "%s sr: flagged without cause: v=%a", f->spec.name,
                                          ln[l].v);
                            continue;
                        }
                        if ((d < 0 && fw[l] == 0) || (d > 0 && fw[l] == UINT32_MAX)) continue;
                        const pb_rounding *away = ln[l].v < 0 ? &dn : &up;
                        const float want = (float)pb_format_round(f, ln[l].v, d < 0 ? away : &tz, 0);
                        if (!same(out[l], want) && bad++ < 5)
                            PBT_CHECK(false, "%s sr: v=%a w=f%+d: step %a, model %a", f->spec.name,
                                      ln[l].v, d, out[l], want);
                    }
                }
            }
        }
    PBT_CHECK(ties > 0, "no tie was flagged");
    printf("  %llu ties left to the model\n", (unsigned long long)ties);
}
#pragma GCC pop_options

static void test_steps(void)
{
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512vl") || !__builtin_cpu_supports("avx512dq") ||
        !__builtin_cpu_supports("f16c") || !__builtin_cpu_supports("fma")) {
        printf("  no AVX-512 on this CPU: steps not tested\n");
        return;
    }
    run_steps();
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_steps);
    return pbt_finish();
}
