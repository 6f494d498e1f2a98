/* precbench: the encoders of the scalar model, one per kind of format.
 *
 * They are static inline so that the bulk loops of convert.c can compile
 * one copy per (kind, rounding mode) with the mode a constant; the public
 * pb_format_encode reaches the same code through round_float.c,
 * round_pow2.c and round_int.c.  `mode` must equal r->mode.
 *
 * FLOAT code layout: sign | biased exponent (exp_bits) | mantissa
 * (man_bits) | pad zero bits (tf32 only).  Biased exponent 0 holds the
 * subnormals and the normal range starts at emin = 1 - bias, so the
 * magnitude code of kept * 2^(max(e, emin) - man_bits) is simply
 *     ((max(e, emin) - emin) << man_bits) + kept,
 * a carry out of the mantissa stepping into the next binade for free.
 * Rounding is on the significand grid with unbounded exponent (subnormal
 * grid below emin); then a magnitude code above max_code_finite is an
 * overflow; then, without subnormals, a result below min_normal becomes 0.
 *
 * POW2 (E8M0) and INT conventions: see round_pow2.c, round_int.c and
 * docs/formats.md.
 */
#ifndef PRECBENCH_FORMAT_ENCODE_IMPL_H
#define PRECBENCH_FORMAT_ENCODE_IMPL_H

#include "format/format_internal.h"

#define PB_ALWAYS_INLINE static inline __attribute__((always_inline))

/* ---- FLOAT ------------------------------------------------------------- */

PB_ALWAYS_INLINE uint64_t pb_float_sign(const pb_format *f, bool neg)
{
    return neg ? UINT64_C(1) << (f->spec.bits - 1) : 0;
}

PB_ALWAYS_INLINE uint64_t pb_float_zero(const pb_format *f, bool neg)
{
    /* fnuz has no -0: 1000...0 is its NaN. */
    return f->spec.specials == PB_SPECIALS_FNUZ ? 0 : pb_float_sign(f, neg);
}

static inline uint64_t pb_float_inf(const pb_format *f, bool neg)
{
    return pb_float_sign(f, neg) |
           ((pb_bits_mask(f->spec.exp_bits) << f->spec.man_bits) << pb_format_pad(f));
}

/* NaN for a NaN input of bits xbits (sign kept where the format has signed
 * NaNs; IEEE: quiet, payload's top bits kept, as hardware converts). */
static inline uint64_t pb_float_nan(const pb_format *f, bool neg, uint64_t xbits)
{
    const int m = f->spec.man_bits, pad = pb_format_pad(f);
    switch (f->spec.specials) {
    case PB_SPECIALS_IEEE: {
        if (m == 52) return xbits; /* fp64 keeps its NaN as it is */
        uint64_t payload = (xbits & PB_DBL_MAN) >> (52 - m);
        uint64_t mag = (pb_bits_mask(f->spec.exp_bits) << m) | payload |
                       (UINT64_C(1) << (m - 1));
        return pb_float_sign(f, neg) | (mag << pad);
    }
    case PB_SPECIALS_FN:
        return pb_float_sign(f, neg) | (pb_bits_mask(f->spec.exp_bits + m) << pad);
    case PB_SPECIALS_FNUZ:
    case PB_SPECIALS_NONE:
        break;
    }
    return f->nan_code;
}

/* An overflow: |rounded| > max_finite, an infinite input in a format without
 * inf, or any infinite input under `sat`. */
static inline uint64_t pb_float_overflow(const pb_format *f, bool neg,
                                         const pb_rounding *r, pb_round_mode mode)
{
    if (r->overflow == PB_OVERFLOW_INF && pb_round_outward(mode, neg)) {
        if (f->has_inf) return pb_float_inf(f, neg);
        if (f->has_nan) return pb_float_nan(f, neg, 0);
    }
    return pb_float_sign(f, neg) | f->max_code_finite;
}

PB_ALWAYS_INLINE uint64_t pb_float_encode_at(const pb_format *f, double x,
                                             const pb_rounding *r, pb_round_mode mode,
                                             uint64_t index, bool has_w0, uint32_t w0)
{
    const uint64_t xb = pb_double_bits(x);
    const bool neg = xb >> 63;
    const uint64_t ab = xb & ~PB_DBL_SIGN;
    if (__builtin_expect(ab >= PB_DBL_EXP, 0)) {
        if (ab > PB_DBL_EXP) return pb_float_nan(f, neg, xb);
        /* An infinite input is exact where the format has inf. */
        if (f->has_inf && r->overflow == PB_OVERFLOW_INF) return pb_float_inf(f, neg);
        return pb_float_overflow(f, neg, r, mode);
    }
    if (__builtin_expect(ab == 0, 0)) return pb_float_zero(f, neg);

    uint64_t M;
    int e;
    pb_double_split(ab, &M, &e);
    /* |x| >= 2^(emax+1) > max_finite: every mode overflows. */
    if (__builtin_expect(e > f->emax, 0)) return pb_float_overflow(f, neg, r, mode);

    const int m = f->spec.man_bits;
    const int qe = e < f->emin ? f->emin : e; /* binade giving the grid step */
    const int shift = 52 - m + (qe - e);      /* significand bits dropped    */
    uint64_t kept;
    if (shift == 0) {
        kept = M;
    } else {
        uint64_t rem;
        if (__builtin_expect(shift < 64, 1)) {
            kept = M >> shift;
            rem = M & ((UINT64_C(1) << shift) - 1);
        } else {
            kept = 0;
            rem = M;
        }
        kept += pb_round_decide(r, mode, neg, kept, rem, shift, index, has_w0, w0);
    }
    uint64_t mag = ((uint64_t)(qe - f->emin) << m) + kept;
    const int pad = pb_format_pad(f);
    if (__builtin_expect(mag > f->max_code_finite >> pad, 0))
        return pb_float_overflow(f, neg, r, mode);
    if (!f->spec.subnormals && mag < (UINT64_C(1) << m)) mag = 0;
    if (mag == 0) return pb_float_zero(f, neg);
    return pb_float_sign(f, neg) | (mag << pad);
}

/* ---- POW2 (E8M0) ---------------------------------------------------------- */

static inline uint64_t pb_pow2_overflow(const pb_format *f, const pb_rounding *r,
                                        pb_round_mode mode)
{
    if (r->overflow == PB_OVERFLOW_INF && pb_round_outward(mode, false)) return f->nan_code;
    return f->max_code_finite;
}

PB_ALWAYS_INLINE uint64_t pb_pow2_encode_at(const pb_format *f, double x,
                                            const pb_rounding *r, pb_round_mode mode,
                                            uint64_t index, bool has_w0, uint32_t w0)
{
    const uint64_t xb = pb_double_bits(x);
    const uint64_t ab = xb & ~PB_DBL_SIGN;
    if (ab > PB_DBL_EXP) return f->nan_code;
    if ((xb >> 63) || ab == 0) return r->overflow == PB_OVERFLOW_SAT ? 0 : f->nan_code;
    if (ab == PB_DBL_EXP) return pb_pow2_overflow(f, r, mode);

    uint64_t M;
    int e;
    pb_double_split(ab, &M, &e);
    if (e > f->emax) return pb_pow2_overflow(f, r, mode);
    const uint64_t rem = M - PB_DBL_HIDDEN; /* |x| = 2^e (1 + rem 2^-52) */
    const bool nearest = mode == PB_ROUND_RNE || mode == PB_ROUND_RNA;
    if (e < f->emin + 1 && nearest) /* below 2^(emin+1): round_pow2.c */
        return e == f->emin && rem != 0;
    if (e < f->emin) return 0; /* the bottom code is the only neighbour */
    int k = e;
    if (rem) {
        bool up = nearest ? rem >= (UINT64_C(1) << 51) /* ties up */
                          : pb_round_decide(r, mode, false, 0, rem, 52, index, has_w0, w0);
        k += up;
    }
    if (k > f->emax) return pb_pow2_overflow(f, r, mode);
    return (uint64_t)(k + f->spec.bias);
}

/* ---- INT ------------------------------------------------------------------ */

PB_ALWAYS_INLINE uint64_t pb_int_encode_at(const pb_format *f, double x,
                                           const pb_rounding *r, pb_round_mode mode,
                                           uint64_t index, bool has_w0, uint32_t w0)
{
    const uint64_t xb = pb_double_bits(x);
    const bool neg = xb >> 63;
    const uint64_t ab = xb & ~PB_DBL_SIGN;
    const int64_t limit = neg ? -(int64_t)f->spec.int_min : f->spec.int_max;
    if (ab > PB_DBL_EXP || ab == 0) return 0; /* NaN -> 0; one zero */
    uint64_t mag;
    if (ab == PB_DBL_EXP) {
        mag = (uint64_t)limit;
    } else {
        uint64_t M;
        int e;
        pb_double_split(ab, &M, &e);
        if (e >= 62) {
            mag = (uint64_t)limit; /* far beyond any integer format */
        } else if (e >= 52) {
            mag = M << (e - 52);
        } else {
            const int shift = 52 - e;
            uint64_t rem;
            if (shift < 64) {
                mag = M >> shift;
                rem = M & ((UINT64_C(1) << shift) - 1);
            } else {
                mag = 0;
                rem = M;
            }
            mag += pb_round_decide(r, mode, neg, mag, rem, shift, index, has_w0, w0);
        }
        if (mag > (uint64_t)limit) mag = (uint64_t)limit;
    }
    return ((uint64_t)(neg ? -(int64_t)mag : (int64_t)mag)) & pb_bits_mask(f->spec.bits);
}

#endif
