/* precbench: internals of the format module (kernels/format/).
 *
 * The scalar model works on the bits of a double.  A finite nonzero |x| is
 * M * 2^(e - 52) with M in [2^52, 2^53) (double subnormals are normalised
 * first), so rounding to a grid of spacing 2^q keeps M >> shift and looks at
 * the `shift` dropped bits: exact integer work, no frexp/ldexp, no double
 * rounding.  The decision "move one grid step away from zero?" is shared by
 * every kind of format (pb_round_decide below).
 */
#ifndef PRECBENCH_FORMAT_INTERNAL_H
#define PRECBENCH_FORMAT_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "precbench/format.h"
#include "precbench/rng.h"

/* Validate a spec and fill the derived fields of *out (index = -1). */
pb_status pb_format_derive(const pb_format_spec *spec, pb_format *out);

/* Per-kind codecs.  w0 is the first random word of the element
 * (pb_rng_u32(seed, stream, index, 0)) when has_w0, so a bulk loop can
 * generate the words four at a time; otherwise it is drawn on demand. */
uint64_t pb_float_encode(const pb_format *f, double x, const pb_rounding *r,
                         uint64_t index, bool has_w0, uint32_t w0);
double pb_float_decode(const pb_format *f, uint64_t code);
uint64_t pb_pow2_encode(const pb_format *f, double x, const pb_rounding *r,
                        uint64_t index, bool has_w0, uint32_t w0);
double pb_pow2_decode(const pb_format *f, uint64_t code);
uint64_t pb_int_encode(const pb_format *f, double x, const pb_rounding *r,
                       uint64_t index, bool has_w0, uint32_t w0);
double pb_int_decode(const pb_format *f, uint64_t code);

/* Encode through the kind's codec (the body of pb_format_encode). */
uint64_t pb_format_encode_w(const pb_format *f, double x, const pb_rounding *r,
                            uint64_t index, bool has_w0, uint32_t w0);

/* Bits after the format's significant bits (tf32: 13; every other: 0). */
static inline int pb_format_pad(const pb_format *f)
{
    return f->spec.bits - (f->spec.has_sign ? 1 : 0) - f->spec.exp_bits -
           f->spec.man_bits;
}

static inline uint64_t pb_bits_mask(int bits)
{
    return bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
}

static inline uint64_t pb_double_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline double pb_bits_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

#define PB_DBL_SIGN UINT64_C(0x8000000000000000)
#define PB_DBL_EXP UINT64_C(0x7ff0000000000000)
#define PB_DBL_MAN UINT64_C(0x000fffffffffffff)
#define PB_DBL_HIDDEN UINT64_C(0x0010000000000000)

/* |x| = M * 2^(e - 52), M in [2^52, 2^53), for a finite nonzero magnitude
 * given by its bits ab (sign cleared). */
static inline void pb_double_split(uint64_t ab, uint64_t *M, int *e)
{
    int be = (int)(ab >> 52);
    if (be) {
        *M = (ab & PB_DBL_MAN) | PB_DBL_HIDDEN;
        *e = be - 1023;
    } else {
        int lz = __builtin_clzll(ab) - 11; /* bring the top bit to bit 52 */
        *M = ab << lz;
        *e = -1022 - lz;
    }
}

/* sig * 2^k as a double, exactly (the caller guarantees it is a double:
 * sig < 2^53 and the value within the double range, subnormals included). */
static inline double pb_scale_exact(uint64_t sig, int k)
{
    if (sig == 0) return 0.0;
    int p = 63 - __builtin_clzll(sig);  /* top bit */
    int ex = k + p;                     /* exponent of the result */
    if (ex >= -1022)
        return pb_bits_double(((uint64_t)(ex + 1023) << 52) |
                              ((sig << (52 - p)) & PB_DBL_MAN));
    return pb_bits_double(sig << (k + 1074)); /* a double subnormal */
}

/* The k-th 32-bit word after the binary point of frac = rem * 2^-shift. */
static inline uint32_t pb_frac_word(uint64_t rem, int shift, int k)
{
    int t = 32 * (k + 1) - shift; /* frac * 2^(32(k+1)) = rem * 2^t */
    if (t >= 32) return 0;
    if (t >= 0) return (uint32_t)(rem << t);
    if (t <= -64) return 0;
    return (uint32_t)(rem >> -t);
}

/* Are there nonzero bits of frac after its k-th word? */
static inline bool pb_frac_rest(uint64_t rem, int shift, int k)
{
    int t = 32 * (k + 1) - shift;
    if (t >= 0) return false;
    if (t <= -64) return rem != 0;
    return (rem & ((UINT64_C(1) << -t) - 1)) != 0;
}

/* Exact stochastic rounding: away from the lower neighbour iff U < frac,
 * U = 0.w0 w1 w2 ... with w_k = pb_rng_u32(seed, stream, index, k), compared
 * word by word (exact).  The first word decides unless it equals frac's
 * first 32 bits (probability 2^-32); the rest is pb_sr_exact_tail. */
bool pb_sr_exact_tail(const pb_rounding *r, uint64_t index, uint64_t rem, int shift);

static inline bool pb_sr_exact_up(const pb_rounding *r, uint64_t index,
                                  bool has_w0, uint32_t w0, uint64_t rem,
                                  int shift)
{
    uint32_t w = has_w0 ? w0 : pb_rng_u32(r->seed, r->stream, index, 0);
    uint32_t fw = pb_frac_word(rem, shift, 0);
    if (__builtin_expect(w == fw, 0)) return pb_sr_exact_tail(r, index, rem, shift);
    return w < fw;
}

/* floor(frac * 2^rb) for frac = rem * 2^-shift < 1, 1 <= rb <= 32. */
static inline uint64_t pb_frac_top(uint64_t rem, int shift, int rb)
{
    if (shift >= rb) return shift - rb >= 64 ? 0 : rem >> (shift - rb);
    return rem << (rb - shift);
}

/* Clamp of the random-bit count (pb_rounding_check rejects bad values; the
 * model still must not shift by an out-of-range amount). */
static inline int pb_sr_bits_of(const pb_rounding *r)
{
    return r->sr_bits < 1 ? 1 : r->sr_bits > 24 ? 24 : r->sr_bits;
}

/* Move one grid step away from zero?  The magnitude was cut to `kept` grid
 * steps, dropping frac = rem * 2^-shift of a step (shift >= 1; rem == 0
 * means exact, never away; for shift > 64, rem is the whole significand,
 * far below half a step).  `mode` is r->mode, passed apart so that a bulk
 * loop can make it a compile-time constant; the nearest and directed
 * decisions are plain comparisons, free of branches. */
static inline bool pb_round_decide(const pb_rounding *r, pb_round_mode mode,
                                   bool neg, uint64_t kept, uint64_t rem,
                                   int shift, uint64_t index, bool has_w0,
                                   uint32_t w0)
{
    /* shift > 64: frac < 2^-11, below any half. */
    const uint64_t half = shift > 64 ? ~UINT64_C(0) : UINT64_C(1) << (shift - 1);
    switch (mode) {
    case PB_ROUND_RNE: return rem + (kept & 1) > half; /* a tie goes to even */
    case PB_ROUND_RNA: return rem >= half;
    case PB_ROUND_RTZ: return false;
    case PB_ROUND_UP: return (rem != 0) & !neg;
    case PB_ROUND_DOWN: return (rem != 0) & neg;
    case PB_ROUND_SR:
        return rem != 0 && pb_sr_exact_up(r, index, has_w0, w0, rem, shift);
    case PB_ROUND_SR_BITS: {
        if (rem == 0) return false;
        int rb = pb_sr_bits_of(r);
        uint32_t w = has_w0 ? w0 : pb_rng_u32(r->seed, r->stream, index, 0);
        return (uint64_t)(w >> (32 - rb)) < pb_frac_top(rem, shift, rb);
    }
    }
    return false;
}

/* Does the mode push an overflowing magnitude outward (to inf / NaN under
 * PB_OVERFLOW_INF) rather than inward to max (RTZ and the inward directed
 * mode, as in IEEE 754)? */
static inline bool pb_round_outward(pb_round_mode mode, bool neg)
{
    switch (mode) {
    case PB_ROUND_RTZ: return false;
    case PB_ROUND_UP: return !neg;
    case PB_ROUND_DOWN: return neg;
    default: return true;
    }
}

#endif
