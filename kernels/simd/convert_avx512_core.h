/* The AVX-512 conversion core: 16 float32 lanes -> 16 codes of a format.
 *
 * The lane arithmetic of convert_avx512.c, kept apart from its loops;
 * include it only from files compiled with the AVX-512 flags.  It follows
 * the scalar model (kernels/format/round_*.c) on the float32 bits instead of
 * the double bits:
 *
 *   |x| = m * 2^(E1 - 150), m the 24-bit significand (E1 = max(E, 1) for the
 *   float32 biased exponent E, so float32 subnormals need no normalising,
 *   but in E8M0, whose range reaches below float32's normal one);
 *   the grid step of the format near x is 2^(max(E1, Emin) - 127 - man), so
 *   s = max(23 - man, 23 - man + Emin - E1) low bits of m are dropped, the
 *   kept n = m >> s is rounded, and the magnitude code is
 *       n + ((max(E1, Emin) - 128 + bias) << man),
 *   which carries into the exponent field when n rounds up to 2^(man+1).
 *   A magnitude above max_code_finite is an overflow; E = 255 (inf, NaN)
 *   always lands there too, so one rare branch handles all specials.
 *
 * Shifts by a lane count use vpsrlvd/vpsllvd, which give 0 for counts of 32
 * or more.  Outside the stochastic modes every s >= 25 rounds alike (m <
 * 2^24 lies below half a step), so E1 is raised until s <= 31 and the
 * powers of two 2^(s-1) stay in range; the stochastic modes keep the exact
 * s, because the random bits are compared with all of frac = rem / 2^s.
 */
#ifndef PRECBENCH_SIMD_CONVERT_AVX512_CORE_H
#define PRECBENCH_SIMD_CONVERT_AVX512_CORE_H

#include <immintrin.h>
#include <stdbool.h>
#include <stdint.h>

#include "format/format_internal.h"
#include "simd/philox_avx512.h"

#define PB_CV_INLINE static inline __attribute__((always_inline))

/* How a format's codes are computed from float32 bits. */
typedef enum pb_cv_kind {
    PB_CV_FLOAT, /* minifloats up to 16 bits with subnormals, -0, no pad  */
    PB_CV_FLOATX,/* any other float format up to 32 bits: flushing of
                    subnormals, fnuz's single zero, pad bits (tf32)       */
    PB_CV_POW2,  /* E8M0-style powers of two                              */
    PB_CV_INT,   /* integers (int8, int4, ternary)                        */
    PB_CV_FP32,  /* float32 itself: exact but for NaN quieting and `sat`  */
    PB_CV_FP64   /* binary64: every float32 converts exactly              */
} pb_cv_kind;

/* Everything the lanes need, derived once per call from the format and the
 * rounding (plan_make in convert_avx512.c).  Magnitude codes are before the
 * pad shift. */
typedef struct pb_cv_plan {
    const pb_format *f;
    const pb_rounding *r;
    pb_cv_kind kind;
    int man, pad;
    int32_t c1, c2;        /* s = max(c1, c2 - E1)                          */
    int32_t e1_lo;         /* E1 >= e1_lo keeps s <= 31 (not stochastic)    */
    int32_t emin_b;        /* Emin: float32 biased exponent of 2^emin        */
    int32_t gadd, gmax;    /* exponent field = min(max(E1, Emin) + gadd, gmax) */
    uint32_t max_mag;      /* max_code_finite >> pad                         */
    uint32_t min_normal;   /* flush threshold 1 << man, or 0 (no flushing)   */
    uint32_t sign;         /* sign bit of a code                             */
    bool neg_zero;         /* does the format have -0 (not fnuz)?            */
    uint32_t nan_base;     /* NaN magnitude code before the payload          */
    uint32_t nan_pay;      /* payload bits kept (IEEE), else 0               */
    int nan_shift;         /* float32 mantissa >> nan_shift = payload        */
    bool nan_signed;       /* NaN codes carry the input's sign               */
    uint32_t inf_code[2];  /* code of +inf, -inf input        ([0] +, [1] -) */
    uint64_t inf_code64[2];/* the same, binary64 codes                       */
    uint32_t ovf_code[2];  /* code of a finite overflow                      */
    uint32_t low_code;     /* POW2: code of zero and negative inputs         */
    uint32_t nan_code;     /* POW2: code of NaN; FP32: the quiet bit        */
    uint32_t lim[2];       /* INT: magnitude limits for + and -              */
    uint32_t code_mask;    /* INT: two's complement width                    */
    int sr_shift;          /* SR with r bits: 32 - r                         */
    /* Rounded-value output (pb_round_f32): special codes decoded once. */
    float inf_val[2], ovf_val[2], nan_val[2], low_val;
    int32_t dec_add;       /* float32 exponent field = code's + dec_add      */
    float dec_sub;         /* value of the subnormal step 2^(emin - man)     */
} pb_cv_plan;

/* The plan's constants as vectors, built once per loop. */
typedef struct pb_cv_vec {
    __m512i zero, one, c31, c32, abs, mant, impl, expm, inf;
    __m512i c1, c2, e1_lo, emin_b, gadd, gmax, max_mag, min_normal, sign;
    __m512i nan_base, nan_pay, inf_p, inf_n, ovf_p, ovf_n, low, nan;
    __m512i lim_p, lim_n, code_mask, man_mask, dec_add, fsign, pow2_min;
    __m512 dec_sub;
    __m512 inf_vp, inf_vn, ovf_vp, ovf_vn, nan_vp, nan_vn, low_v;
    __m512i int_big;
    __mmask16 negz_m, nan_signed_m;
    __m128i man_cnt, pad_cnt, nan_cnt, sr_cnt, dman_cnt;
} pb_cv_vec;

PB_CV_INLINE __m512i pb_cv_u(uint32_t v) { return _mm512_set1_epi32((int)v); }
PB_CV_INLINE __m128i pb_cv_cnt(int v) { return _mm_cvtsi32_si128(v); }

PB_CV_INLINE void pb_cv_vec_make(const pb_cv_plan *p, pb_cv_vec *v)
{
    v->zero = _mm512_setzero_si512();
    v->one = pb_cv_u(1);
    v->c31 = pb_cv_u(31);
    v->c32 = pb_cv_u(32);
    v->abs = pb_cv_u(0x7FFFFFFFu);
    v->mant = pb_cv_u(0x007FFFFFu);
    v->impl = pb_cv_u(0x00800000u);
    v->expm = pb_cv_u(0x7F800000u);
    v->inf = pb_cv_u(0x7F800000u);
    v->c1 = pb_cv_u((uint32_t)p->c1);
    v->c2 = pb_cv_u((uint32_t)p->c2);
    v->e1_lo = pb_cv_u((uint32_t)p->e1_lo);
    v->emin_b = pb_cv_u((uint32_t)p->emin_b);
    v->gadd = pb_cv_u((uint32_t)p->gadd);
    v->gmax = pb_cv_u((uint32_t)p->gmax);
    v->max_mag = pb_cv_u(p->max_mag);
    v->min_normal = pb_cv_u(p->min_normal);
    v->sign = pb_cv_u(p->sign);
    v->nan_base = pb_cv_u(p->nan_base);
    v->nan_pay = pb_cv_u(p->nan_pay);
    v->inf_p = pb_cv_u(p->inf_code[0]);
    v->inf_n = pb_cv_u(p->inf_code[1]);
    v->ovf_p = pb_cv_u(p->ovf_code[0]);
    v->ovf_n = pb_cv_u(p->ovf_code[1]);
    v->low = pb_cv_u(p->low_code);
    v->nan = pb_cv_u(p->nan_code);
    v->lim_p = pb_cv_u(p->lim[0]);
    v->lim_n = pb_cv_u(p->lim[1]);
    v->code_mask = pb_cv_u(p->code_mask);
    v->man_mask = pb_cv_u((1u << p->man) - 1);
    v->dec_add = pb_cv_u((uint32_t)p->dec_add);
    v->fsign = pb_cv_u(0x80000000u);
    v->pow2_min = pb_cv_u(0x00400000u); /* 2^-127 as a float32 subnormal */
    v->dec_sub = _mm512_set1_ps(p->dec_sub);
    v->inf_vp = _mm512_set1_ps(p->inf_val[0]);
    v->inf_vn = _mm512_set1_ps(p->inf_val[1]);
    v->ovf_vp = _mm512_set1_ps(p->ovf_val[0]);
    v->ovf_vn = _mm512_set1_ps(p->ovf_val[1]);
    v->nan_vp = _mm512_set1_ps(p->nan_val[0]);
    v->nan_vn = _mm512_set1_ps(p->nan_val[1]);
    v->low_v = _mm512_set1_ps(p->low_val);
    v->man_cnt = pb_cv_cnt(p->man);
    v->pad_cnt = pb_cv_cnt(p->pad);
    v->nan_cnt = pb_cv_cnt(p->nan_shift);
    v->sr_cnt = pb_cv_cnt(p->sr_shift);
    v->dman_cnt = pb_cv_cnt(23 - p->man);
    v->int_big = pb_cv_u(127 + 15); /* |x| >= 2^16 */
    v->negz_m = p->neg_zero ? 0xFFFF : 0;
    v->nan_signed_m = p->nan_signed ? 0xFFFF : 0;
}

/* What one call of the core produced besides the codes. */
typedef struct pb_cv_out {
    __m512i code;     /* final codes (sign, pad included)                  */
    __m512 val;       /* rounded values, when asked for                    */
    __mmask16 fix;    /* lanes the scalar model must redo (exact SR ties)  */
} pb_cv_out;

/* Round m >> s in `mode`: the kept significand n.  s >= 1 lane-wise, and
 * s <= 31 outside the stochastic modes.  neg: sign lanes; w: the element's
 * first random word (stochastic modes).  *fix gets the exact-SR lanes whose
 * 32 random bits tie with a fraction that has more than 32 bits (they need
 * draws 1, 2, ...). */
PB_CV_INLINE __m512i pb_cv_round(const pb_cv_vec *v, const int mode, __m512i m,
                                 __m512i s, __mmask16 neg, __m512i w,
                                 __mmask16 *fix)
{
    switch (mode) {
    case PB_ROUND_RNE: {
        /* (m + 2^(s-1) - 1 + odd) >> s: ties go to the even n. */
        __m512i h1 = _mm512_sub_epi32(_mm512_sllv_epi32(v->one, _mm512_sub_epi32(s, v->one)), v->one);
        __m512i odd = _mm512_and_si512(_mm512_srlv_epi32(m, s), v->one);
        return _mm512_srlv_epi32(_mm512_add_epi32(_mm512_add_epi32(m, h1), odd), s);
    }
    case PB_ROUND_RNA: {
        __m512i h = _mm512_sllv_epi32(v->one, _mm512_sub_epi32(s, v->one));
        return _mm512_srlv_epi32(_mm512_add_epi32(m, h), s);
    }
    case PB_ROUND_RTZ:
        return _mm512_srlv_epi32(m, s);
    case PB_ROUND_UP:
    case PB_ROUND_DOWN: {
        __mmask16 away = mode == PB_ROUND_UP ? (__mmask16)~neg : neg;
        __m512i step1 = _mm512_sub_epi32(_mm512_sllv_epi32(v->one, s), v->one);
        return _mm512_srlv_epi32(_mm512_mask_add_epi32(m, away, m, step1), s);
    }
    default: { /* PB_ROUND_SR, PB_ROUND_SR_BITS */
        __m512i n0 = _mm512_srlv_epi32(m, _mm512_min_epi32(s, v->c31));
        /* F = floor(frac * 2^32), frac = rem / 2^s, rem = the low s bits
         * of m: m << (32 - s) (the kept bits leave the word) for s <= 32,
         * m >> (s - 32) (losing bits) beyond, where n0 = 0 and rem = m. */
        __m512i F = _mm512_or_si512(_mm512_sllv_epi32(m, _mm512_sub_epi32(v->c32, s)),
                                    _mm512_srlv_epi32(m, _mm512_sub_epi32(s, v->c32)));
        __mmask16 inc;
        if (mode == PB_ROUND_SR) {
            /* 0.w0 w1 ... < frac: w0 < F decides unless w0 == F and frac
             * has bits below 2^-32 (then the scalar model draws more). */
            inc = _mm512_cmplt_epu32_mask(w, F);
            *fix = _mm512_mask_cmpeq_epi32_mask(_mm512_cmpgt_epi32_mask(s, v->c32), w, F);
        } else {
            inc = _mm512_cmplt_epu32_mask(_mm512_srl_epi32(w, v->sr_cnt),
                                          _mm512_srl_epi32(F, v->sr_cnt));
        }
        return _mm512_mask_add_epi32(n0, inc, n0, v->one);
    }
    }
}

/* The arithmetic value of finite FLOAT magnitude codes (before pad), with
 * the sign lanes sgn: the body of pb_float_decode for codes <= max. */
PB_CV_INLINE __m512 pb_cv_float_value(const pb_cv_vec *v, __m512i mag, __mmask16 sgn)
{
    __m512i ef = _mm512_srl_epi32(mag, v->man_cnt);
    __m512i mf = _mm512_and_si512(mag, v->man_mask);
    __m512i bits = _mm512_or_si512(_mm512_slli_epi32(_mm512_add_epi32(ef, v->dec_add), 23),
                                   _mm512_sll_epi32(mf, v->dman_cnt));
    __mmask16 sub = _mm512_cmpeq_epi32_mask(ef, v->zero);
    __m512 val = _mm512_castsi512_ps(bits);
    if (sub) /* exact: the product is a float32 (subnormal at worst) */
        val = _mm512_mask_mul_ps(val, sub, _mm512_cvtepi32_ps(mf), v->dec_sub);
    return _mm512_castsi512_ps(_mm512_mask_or_epi32(_mm512_castps_si512(val), sgn,
                                                    _mm512_castps_si512(val), v->fsign));
}

/* 16 lanes of float32 bits u -> codes (and values when want_val).
 * w: the lanes' first random words (stochastic modes only). */
PB_CV_INLINE pb_cv_out pb_cv_core(const pb_cv_vec *v, const pb_cv_kind kind,
                                  const int mode, const bool want_val,
                                  __m512i u, __m512i w)
{
    pb_cv_out o;
    o.fix = 0;
    o.val = _mm512_setzero_ps();
    const __m512i a = _mm512_and_si512(u, v->abs);
    const __mmask16 neg = _mm512_movepi32_mask(u);
    const bool sr = mode == PB_ROUND_SR || mode == PB_ROUND_SR_BITS;

    if (kind == PB_CV_FP32) {
        o.code = u;
        o.val = _mm512_castsi512_ps(u);
        __mmask16 spec = _mm512_cmpge_epu32_mask(a, v->inf);
        if (spec) {
            __mmask16 nan = _mm512_cmpgt_epu32_mask(a, v->inf);
            __mmask16 inf = spec & (__mmask16)~nan;
            o.code = _mm512_mask_mov_epi32(o.code, inf & (__mmask16)~neg, v->inf_p);
            o.code = _mm512_mask_mov_epi32(o.code, inf & neg, v->inf_n);
            o.code = _mm512_mask_or_epi32(o.code, nan, u, v->nan); /* quiet bit */
            if (want_val) {
                o.val = _mm512_mask_mov_ps(o.val, inf & (__mmask16)~neg, v->inf_vp);
                o.val = _mm512_mask_mov_ps(o.val, inf & neg, v->inf_vn);
                o.val = _mm512_mask_mov_ps(o.val, nan & (__mmask16)~neg, v->nan_vp);
                o.val = _mm512_mask_mov_ps(o.val, nan & neg, v->nan_vn);
            }
        }
        return o;
    }

    const __m512i E = _mm512_srli_epi32(a, 23);
    const __m512i mant = _mm512_and_si512(a, v->mant);
    __m512i m, E1;
    if (kind == PB_CV_POW2) {
        /* Normalise float32 subnormals one step (E = 0, implicit bit at
         * 2^22 of a): E8M0 reaches 2^-127 and its nearest rule looks at it. */
        __mmask16 sub = _mm512_cmpeq_epi32_mask(E, v->zero);
        m = _mm512_mask_slli_epi32(_mm512_or_si512(mant, v->impl), sub, a, 1);
        E1 = E;
    } else {
        m = _mm512_mask_or_epi32(mant, _mm512_test_epi32_mask(a, v->expm), mant, v->impl);
        E1 = _mm512_max_epi32(E, sr ? v->one : v->e1_lo);
    }
    /* POW2: the step is 2^e itself, s = 23 (c1). */
    const __m512i s = kind == PB_CV_POW2 ? v->c1 : _mm512_max_epi32(v->c1, _mm512_sub_epi32(v->c2, E1));
    __m512i n = pb_cv_round(v, mode, m, s, neg, w, &o.fix);

    if (kind == PB_CV_FLOAT || kind == PB_CV_FLOATX) {
        const bool x = kind == PB_CV_FLOATX;
        __m512i G = _mm512_min_epi32(_mm512_add_epi32(_mm512_max_epi32(E1, v->emin_b), v->gadd), v->gmax);
        __m512i mag = _mm512_add_epi32(n, _mm512_sll_epi32(G, v->man_cnt));
        __mmask16 ovf = _mm512_cmpgt_epu32_mask(mag, v->max_mag);
        __mmask16 sgn = neg;
        __m512i code = mag;
        if (x) {
            /* Without subnormals, results below min_normal become zero. */
            mag = _mm512_maskz_mov_epi32(_mm512_cmpge_epu32_mask(mag, v->min_normal), mag);
            /* fnuz has no -0: a zero result takes the plus sign. */
            sgn = neg & (v->negz_m | _mm512_test_epi32_mask(mag, mag));
            code = _mm512_sll_epi32(mag, v->pad_cnt);
        }
        o.code = _mm512_mask_or_epi32(code, sgn, code, v->sign);
        if (want_val) o.val = pb_cv_float_value(v, mag, sgn);
        if (ovf) {
            __mmask16 op = ovf & (__mmask16)~neg, on = ovf & neg;
            __mmask16 inf = _mm512_cmpeq_epi32_mask(a, v->inf);
            __mmask16 nan = _mm512_cmpgt_epu32_mask(a, v->inf);
            o.code = _mm512_mask_mov_epi32(o.code, op, v->ovf_p);
            o.code = _mm512_mask_mov_epi32(o.code, on, v->ovf_n);
            o.code = _mm512_mask_mov_epi32(o.code, inf & (__mmask16)~neg, v->inf_p);
            o.code = _mm512_mask_mov_epi32(o.code, inf & neg, v->inf_n);
            /* NaN: the format's NaN; IEEE ones quiet with the payload's top
             * bits, signed where the format's NaNs have a sign. */
            __m512i nanc = _mm512_or_si512(
                v->nan_base, _mm512_and_si512(_mm512_srl_epi32(mant, v->nan_cnt), v->nan_pay));
            if (x) nanc = _mm512_sll_epi32(nanc, v->pad_cnt);
            nanc = _mm512_mask_or_epi32(nanc, v->nan_signed_m & neg, nanc, v->sign);
            o.code = _mm512_mask_mov_epi32(o.code, nan, nanc);
            if (want_val) {
                o.val = _mm512_mask_mov_ps(o.val, op, v->ovf_vp);
                o.val = _mm512_mask_mov_ps(o.val, on, v->ovf_vn);
                o.val = _mm512_mask_mov_ps(o.val, inf & (__mmask16)~neg, v->inf_vp);
                o.val = _mm512_mask_mov_ps(o.val, inf & neg, v->inf_vn);
                o.val = _mm512_mask_mov_ps(o.val, nan & (__mmask16)~neg, v->nan_vp);
                o.val = _mm512_mask_mov_ps(o.val, nan & neg, v->nan_vn);
            }
        }
        return o;
    }

    if (kind == PB_CV_POW2) {
        /* Nearest modes: 1.5 * 2^k goes up (ties away), and in the bottom
         * binade [2^emin, 2^(emin+1)) anything above 2^emin goes up (the
         * model's rule for float32 subnormal inputs), as does anything below
         * it (it ends on the bottom code either way). */
        if (mode == PB_ROUND_RNE || mode == PB_ROUND_RNA) {
            __mmask16 bottom = _mm512_cmple_epi32_mask(E, v->emin_b);
            if (bottom) {
                __m512i n0 = _mm512_srl_epi32(m, v->dman_cnt); /* s = 23 */
                __mmask16 inexact = _mm512_test_epi32_mask(m, v->mant);
                n = _mm512_mask_mov_epi32(n, bottom, _mm512_mask_add_epi32(n0, inexact, n0, v->one));
            }
        }
        /* code = k + bias, k = E - 127 + (n - 1); below 2^emin the bottom
         * code 0 (there is no zero). */
        __m512i code = _mm512_max_epi32(_mm512_add_epi32(n, _mm512_add_epi32(E, v->gadd)), v->zero);
        __mmask16 ovf = _mm512_cmpgt_epi32_mask(code, v->max_mag);
        /* Zero and negative inputs (-0 included: u <= 0 as a signed int). */
        __mmask16 low = _mm512_cmple_epi32_mask(u, v->zero);
        code = _mm512_mask_mov_epi32(code, low, v->low);
        if (want_val) {
            /* 2^(code - bias): a normal float32, or 2^-127 (a subnormal). */
            __m512i f = _mm512_add_epi32(code, v->dec_add);
            __mmask16 pos = _mm512_cmpgt_epi32_mask(f, v->zero);
            o.val = _mm512_castsi512_ps(_mm512_mask_slli_epi32(v->pow2_min, pos, f, 23));
            o.val = _mm512_mask_mov_ps(o.val, low, v->low_v);
        }
        if (ovf) { /* overflow, inf and NaN (E = 255 lands here) */
            __mmask16 op = ovf & (__mmask16)~low;
            __mmask16 inf = _mm512_cmpeq_epi32_mask(u, v->inf);
            __mmask16 nan = _mm512_cmpgt_epu32_mask(a, v->inf);
            code = _mm512_mask_mov_epi32(code, op, v->ovf_p);
            code = _mm512_mask_mov_epi32(code, inf, v->inf_p);
            code = _mm512_mask_mov_epi32(code, nan, v->nan);
            if (want_val) {
                o.val = _mm512_mask_mov_ps(o.val, op, v->ovf_vp);
                o.val = _mm512_mask_mov_ps(o.val, inf, v->inf_vp);
                o.val = _mm512_mask_mov_ps(o.val, nan, v->nan_vp);
            }
        }
        o.code = code;
        return o;
    }

    /* PB_CV_INT: n is |x| rounded to an integer for |x| < 2^16; beyond (inf
     * included) and above the limit of the sign, saturate. */
    __m512i lim = _mm512_mask_mov_epi32(v->lim_p, neg, v->lim_n);
    __m512i mag = _mm512_min_epu32(n, lim);
    __mmask16 big = _mm512_cmpgt_epi32_mask(E1, v->int_big);
    __m512i val;
    if (big) {
        mag = _mm512_mask_mov_epi32(mag, big, lim);
        /* NaN becomes 0. */
        mag = _mm512_mask_mov_epi32(mag, _mm512_cmpgt_epu32_mask(a, v->inf), v->zero);
    }
    val = _mm512_mask_sub_epi32(mag, neg, v->zero, mag);
    o.code = _mm512_and_si512(val, v->code_mask);
    if (want_val) o.val = _mm512_cvtepi32_ps(val);
    return o;
}

#endif
