/* precbench accumulator: the AVX512-BF16 vdpbf16ps instruction as measured
 * on this CPU (docs/cpu_dot_instructions.md), in index order:
 *     s = +0;  for k: s = step(s, a_k, b_k)
 *     step(c, x, y): denormal x, y, c read as zeros of their sign (DAZ);
 *         r = c + x*y exactly, rounded once to nearest even to a 24-bit
 *         significand with unbounded exponent; |r| >= 2^128 -> inf;
 *         |r| < 2^-126 after rounding -> zero of r's sign (FTZ); an exact
 *         zero follows the IEEE sign rule; NaN in, inf*0, inf-inf -> NaN.
 * A kernel that packs element k in the high half of a pair and k+1 in the
 * low half runs exactly this order (pads with (-0, +0): no change). */
#include <float.h>

#include "accum/accum_internal.h"

static float pb_daz(float x)
{
    return (x != 0.0f && fabsf(x) < FLT_MIN) ? copysignf(0.0f, x) : x;
}

static float dpbf16_step(float c, float x, float y)
{
    x = pb_daz(x);
    y = pb_daz(y);
    c = pb_daz(c);
    double p = (double)x * (double)y; /* exact; inf * 0 -> NaN */
    if (isnan(p) || isnan(c)) return NAN;
    if (isinf(p) || isinf(c)) return (float)((double)c + p); /* inf - inf -> NaN */
    /* Fast path: the binary64 sum s; unless s is exactly a midpoint of
     * binary32 (bits below the float's last bit = 1000...0), the exact sum
     * lies on the same side of every midpoint as s, so one conversion of s
     * rounds the exact sum correctly (binary32's normal range). */
    double s = (double)c + p;
    uint64_t sb;
    memcpy(&sb, &s, sizeof sb);
    if (fabs(s) >= 0x1p-126 && (sb & UINT64_C(0x1fffffff)) != UINT64_C(0x10000000))
        return (float)s;
    double r = pb_accum_add_odd((double)c, p);
    if (r == 0.0) return (float)r; /* exact zero: IEEE sign rule */
    /* In binary32's normal range (and above it) one float conversion of
     * the round-to-odd value is the rounding to 24 bits (53 >= 24 + 2),
     * with overflow to inf; only results below 2^-126 need the unbounded
     * exponent, to tell a tiny result (flushed) from one that rounds up
     * to 2^-126. */
    if (fabs(r) >= 0x1p-126) return (float)r;
    double r24 = pb_accum_round_bits(r, 24, true);
    if (fabs(r24) < 0x1p-126) return r24 > 0 ? 0.0f : -0.0f;
    return (float)r24;
}

static double dpbf16_dot(const pb_accum *acc, const float *a, const float *b,
                         size_t n, const pb_accum_env *env)
{
    float s = 0.0f;
    for (size_t k = 0; k < n; k++) s = dpbf16_step(s, a[k], b[k]);
    return s;
}

const pb_accum_model pb_accum_dpbf16 = {
    .name = "dpbf16",
    .description = "vdpbf16ps (AVX512-BF16) on this CPU: fused fp32 steps in index order, DAZ/FTZ",
    .syntax = "",
    .needs_bf16 = true,
    .dot = dpbf16_dot,
};
