/* The low-precision accumulator models (docs/schemes.md: `fp16:MODE`,
 * `bf16:MODE`) on 16 binary32 lanes: one step
 *
 *     s = round_F(s + a*b, mode, (i*N + j)*K + k)      (the sum exact)
 *
 * for 16 outputs at once, bit for bit the scalar model's result
 * (kernels/accum/accum_lowp.c), under a condition the driver checks for
 * each tile from statistics of the rows of A and B (gemm_lowp_avx512.c):
 *
 *   P  every product a*b is exact in binary32: the significands of a and b
 *      together hold at most 24 bits, |a*b| < 2^127, and the lowest set bit
 *      of a*b is at least 2^-149 (2^-56 for fp16 with SR, see below).
 *      Infinite inputs and the quiet NaNs 0x7fc00000 and 0xffc00000 are
 *      allowed: their products are the same specials in binary32 and
 *      binary64, and arithmetic makes no other NaN.
 *
 * Why a binary32 step is exact.  The model rounds the exact sum x = s + p
 * to odd at 53 bits (v), then v into F (8 or 11 bits).
 *
 *   RN: the two binary32 neighbours of x are fl_down(x) and fl_up(x) (one
 *   add each, with embedded rounding); when x is not a float they are
 *   consecutive floats and exactly one of them has an odd last bit, which
 *   is x rounded to odd at 24 bits.  24 >= 11 + 2, so rounding that to F to
 *   nearest even gives F's rounding of x, as the model's 53-bit odd value
 *   does (the odd value is never a midpoint of F and lies on x's side of
 *   every midpoint and grid point).  The binary32 grid is at least 2^13
 *   times finer than F's everywhere F has values (subnormals included:
 *   2^-149 vs bf16's 2^-133).  An exact zero sum takes fl_up's sign, +0
 *   unless both are -0, as binary64 addition to nearest.  A sum at or
 *   beyond 2^128 makes fl_down the largest float, odd, which rounds to inf
 *   in bf16 as x does.  The final rounding: bf16 is the top half of
 *   binary32 (add 0x7fff plus the kept last bit, truncate: RNE, carrying
 *   into the exponent and to inf; the allowed NaNs stay NaN), fp16 by
 *   vcvtps2ph (RNE, subnormals, overflow to inf).
 *
 *   SR: the model compares the first random word w with f = the first 32
 *   bits of frac = (|v| - lower) / ulp_F below the target ulp, and goes up
 *   when w < f; when w == f and frac has more bits it draws further words.
 *   v agrees with x in its top 52 bits, and f holds at most 11 + 32 of
 *   them, so f is computed from x: TwoSum gives x = h + e exactly (h the
 *   binary32 sum, |e| <= ulp(h)/2), and e' = e with h's sign removed gives
 *   |x| = |h| + e'.
 *     bf16: in units of binary32 bit patterns, |x| = H + e'/ulp_x, H the
 *     pattern of |h| and ulp_x the spacing of binary32 values at x (that of
 *     pattern H - 1 when e' < 0: x is below h, in the binade below when h
 *     is a power of two).  A bf16 value is a pattern with 16 zero low bits,
 *     so with G = floor(e' * 2^16 / ulp_x) (|G| <= 2^15; the scaling rounds
 *     down so that a tiny negative e' does not become -0):
 *         f    = ((H << 16) + G) mod 2^32
 *         kept = (H + (G < 0 ? -1 : 0)) >> 16     (the truncated pattern)
 *     and the result is (kept + up) << 16 with h's sign: a carry into the
 *     exponent is the next binade, and kept + 1 == 0x7f80 is inf, as the
 *     model's outward SR overflow.
 *     fp16: lower = |h| truncated to fp16 (vcvtps2ph toward zero), one
 *     step lower when |h| == lower and e' < 0 (x is just below h); u the
 *     fp16 ulp at lower's binade; then f = floor((|h| - lower) * 2^32/u)
 *     + floor(e' * 2^32/u), which is floor((|x| - lower) * 2^32/u) because
 *     the first term is an integer whenever e' != 0 (then ulp(h) >=
 *     2^-56 >= u * 2^-32, which is what P's 2^-56 ensures), and |h| - lower
 *     is 0 after the step down, so the sum is taken mod 2^32.  Where fp16's
 *     grid is 2^13 binary32 patterns (its normal range) the bf16 method
 *     with 13 for 16 holds too; the first-pass steps below use it.
 *   Rare lanes go to the scalar model itself (pb_format_round of
 *   pb_accum_add_odd, the definition): w == f (ties, including the exact
 *   case f == 0 == w), a finite binary32 sum that overflowed (bf16) or
 *   reached 2^16 (fp16: fp16 overflows there), and a finite s meeting a
 *   non-finite product (bf16).  Other non-finite sums keep h: the model
 *   returns inf and NaN unchanged.
 *   r-bit SR compares the top r bits of w and f, with no further words.
 *
 * Include only from *_avx512.c files.
 */
#ifndef PRECBENCH_SIMD_GEMM_LOWP_H
#define PRECBENCH_SIMD_GEMM_LOWP_H

#include <immintrin.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gemm/gemm_fast.h"
#include "simd/philox_avx512.h"

/* A tile: PB_LOWP_R_RN (rounding to nearest) or PB_LOWP_R_SR rows x
 * PB_LOWP_V panels of PB_LOWP_W columns (measured best on Zen 5: six rows
 * give the short RN steps more independent chains; four leave the SR
 * steps, which interleave Philox, the registers they need). */
enum { PB_LOWP_R_RN = 6, PB_LOWP_R_SR = 4, PB_LOWP_RMAX = 6 };
enum { PB_LOWP_V = 2, PB_LOWP_W = 16, PB_LOWP_S = PB_LOWP_R_SR * PB_LOWP_V };
/* Steps per batch of random words (a multiple of 4). */
enum { PB_LOWP_KC = 16 };

/* One tile's work for the fast kernels. */
typedef struct pb_lowp_tile {
    const pb_gemm_job *job;
    const pb_format *fmt;          /* the accumulator's format          */
    const pb_rounding *round;      /* mode, sr_bits, seed, stream; inf  */
    const pb_philox_keys *keys;
    size_t i0, j0;                 /* first row, first column           */
    const float *ap;               /* A packed [k][rows], all of K      */
    const float *bp[PB_LOWP_V];    /* panels [k][PB_LOWP_W], all of K   */
    size_t k0, k1;                 /* the steps                         */
    float *out;                    /* [rows][PB_LOWP_V * PB_LOWP_W]     */
    uint32_t *words;               /* scratch: PB_LOWP_WORDS_BYTES      */
} pb_lowp_tile;

/* Bytes of scratch an SR tile needs. */
#define PB_LOWP_WORDS_BYTES \
    ((size_t)PB_LOWP_S * (3 * PB_LOWP_KC + 4) * PB_LOWP_W * sizeof(uint32_t))

void pb_lowp_tile_rn_bf16(const pb_lowp_tile *t);
void pb_lowp_tile_rn_fp16(const pb_lowp_tile *t);
void pb_lowp_tile_sr_bf16(const pb_lowp_tile *t);
void pb_lowp_tile_sr_fp16(const pb_lowp_tile *t);

/* The scalar model's step for the lanes of `lanes`: new[l] =
 * round_F(add_odd(old[l], a * b[l])) with index (i*N + j0 + l)*K + k. */
void pb_lowp_fix_lanes(const pb_lowp_tile *t, const float *old, float *neu, float a,
                       const float *b, size_t i, size_t j0, size_t k, unsigned lanes);

/* ---- one step on 16 lanes ------------------------------------------------ */

/* x = s + p rounded to odd at 24 bits (see the top of the file). */
static inline __m512i pb_lowp_add_odd(__m512 s, __m512 p)
{
    const __m512i up = _mm512_castps_si512(
        _mm512_add_round_ps(s, p, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC));
    const __m512i dn = _mm512_castps_si512(
        _mm512_add_round_ps(s, p, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
    const __mmask16 dodd = _mm512_test_epi32_mask(dn, _mm512_set1_epi32(1));
    return _mm512_mask_blend_epi32(dodd, up, dn);
}

/* bf16 to nearest even of s + p. */
static inline __m512 pb_lowp_rn_bf16(__m512 s, __m512 p)
{
    const __m512i o = pb_lowp_add_odd(s, p);
    const __m512i last = _mm512_and_si512(_mm512_srli_epi32(o, 16), _mm512_set1_epi32(1));
    const __m512i r = _mm512_add_epi32(_mm512_add_epi32(o, _mm512_set1_epi32(0x7fff)), last);
    return _mm512_castsi512_ps(_mm512_and_si512(r, _mm512_set1_epi32((int)0xffff0000u)));
}

/* fp16 to nearest even of s + p. */
static inline __m512 pb_lowp_rn_fp16(__m512 s, __m512 p)
{
    const __m512 o = _mm512_castsi512_ps(pb_lowp_add_odd(s, p));
    return _mm512_cvtph_ps(_mm512_cvtps_ph(o, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/* TwoSum: h + e == s + p exactly (h finite); h is returned, e in *e. */
static inline __m512 pb_lowp_two_sum(__m512 s, __m512 p, __m512 *e)
{
    const __m512 h = _mm512_add_ps(s, p);
    const __m512 bp = _mm512_sub_ps(h, s);
    *e = _mm512_add_ps(_mm512_sub_ps(s, _mm512_sub_ps(h, bp)), _mm512_sub_ps(p, bp));
    return h;
}

/* The SR decision: up when w < f, or with r random bits (shift = 32 - r,
 * w already shifted) when w < f >> shift. */
static inline __mmask16 pb_lowp_sr_up(__m512i w, __m512i f, bool bits, int shift)
{
    if (bits) return _mm512_cmplt_epu32_mask(w, _mm512_srl_epi32(f, _mm_cvtsi32_si128(shift)));
    return _mm512_cmplt_epu32_mask(w, f);
}

/* The bf16 SR fraction of x = s + p (see the top of the file): returns h
 * (the binary32 sum), with *hi its pattern, *hx the pattern one lower when
 * x is below h (e' < 0), *G = floor(e' * 2^16 / ulp_x) and *f the first 32
 * fraction bits ((pattern << 16) + G, mod 2^32: the sign shifts out). */
static inline __m512 pb_lowp_bf16_fraction(__m512 s, __m512 p, __m512i *hi, __m512i *hx,
                                           __m512i *G, __m512i *f)
{
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512 e;
    const __m512 h = pb_lowp_two_sum(s, p, &e);
    *hi = _mm512_castps_si512(h);
    /* e' = e with h's sign removed: |x| = |h| + e' */
    const __m512 ep = _mm512_castsi512_ps(
        _mm512_ternarylogic_epi32(_mm512_castps_si512(e), *hi, sign, 0x78)); /* A ^ (B & C) */
    const __mmask16 below = _mm512_cmp_ps_mask(ep, _mm512_setzero_ps(), _CMP_LT_OQ);
    *hx = _mm512_mask_sub_epi32(*hi, below, *hi, _mm512_set1_epi32(1));
    /* ulp_x = 2^(max(exp, -126) - 23) (getexp ignores the sign):
     * G = floor(e' * 2^(39 - max(exp, -126))) */
    const __m512 ex = _mm512_max_ps(_mm512_getexp_ps(_mm512_castsi512_ps(*hx)),
                                    _mm512_set1_ps(-126.0f));
    /* rounded down: a tiny negative e' must not underflow to -0 */
    const __m512 g = _mm512_scalef_round_ps(ep, _mm512_sub_ps(_mm512_set1_ps(39.0f), ex),
                                            _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    *G = _mm512_cvt_roundps_epi32(g, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    *f = _mm512_add_epi32(_mm512_slli_epi32(*hi, 16), *G);
    return h;
}

/* bf16 SR of s + p with first words w; *fix gets the lanes the scalar model
 * must redo. */
static inline __m512 pb_lowp_sr_bf16(__m512 s, __m512 p, __m512i w, bool bits, int shift,
                                     __mmask16 *fix)
{
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512i hi, hx, G, f;
    const __m512 h = pb_lowp_bf16_fraction(s, p, &hi, &hx, &G, &f);
    const __m512i H = _mm512_andnot_si512(sign, hi);
    const __m512i kept = _mm512_srli_epi32(_mm512_add_epi32(H, _mm512_srai_epi32(G, 16)), 16);
    const __mmask16 up = pb_lowp_sr_up(w, f, bits, shift);
    __m512i r = _mm512_slli_epi32(_mm512_mask_add_epi32(kept, up, kept, _mm512_set1_epi32(1)), 16);
    r = _mm512_ternarylogic_epi32(r, hi, sign, 0xf8); /* A | (B & C) */
    /* non-finite h: kept as it is; the scalar model where s was finite and
     * the product too (overflow) or not (inf or NaN from the product) */
    const __mmask16 nf = _mm512_cmpge_epu32_mask(H, _mm512_set1_epi32(0x7f800000));
    const __mmask16 snf = _mm512_fpclass_ps_mask(s, 0x99); /* NaN, +-inf */
    *fix = _kor_mask16(_kandn_mask16(snf, nf), bits ? 0 : _mm512_cmpeq_epi32_mask(w, f));
    return _mm512_mask_mov_ps(_mm512_castsi512_ps(r), nf, h);
}

/* fp16 SR of s + p with first words w; *fix as above. */
static inline __m512 pb_lowp_sr_fp16(__m512 s, __m512 p, __m512i w, bool bits, int shift,
                                     __mmask16 *fix)
{
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512 e;
    const __m512 h = pb_lowp_two_sum(s, p, &e);
    const __m512i hi = _mm512_castps_si512(h);
    const __m512i H = _mm512_andnot_si512(sign, hi);
    const __m512 ah = _mm512_castsi512_ps(H);
    const __m512 ep = _mm512_castsi512_ps(
        _mm512_ternarylogic_epi32(_mm512_castps_si512(e), hi, sign, 0x78));
    const __mmask16 below = _mm512_cmp_ps_mask(ep, _mm512_setzero_ps(), _CMP_LT_OQ);
    /* lower: |h| truncated to fp16; one step down when x is just below it */
    const __m256i k16 = _mm512_cvtps_ph(ah, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512 lower = _mm512_cvtph_ps(k16);
    const __mmask16 down = _mm512_mask_cmp_ps_mask(below, lower, ah, _CMP_EQ_OQ);
    const __m256i kept = _mm256_mask_sub_epi16(k16, down, k16, _mm256_set1_epi16(1));
    /* u = 2^(max(exp, -14) - 10) at lower's binade (that of pattern H - 1
     * when x is below h): scale by 2^32 / u */
    const __m512i Hx = _mm512_mask_sub_epi32(H, below, H, _mm512_set1_epi32(1));
    const __m512 ex = _mm512_max_ps(_mm512_getexp_ps(_mm512_castsi512_ps(Hx)),
                                    _mm512_set1_ps(-14.0f));
    const __m512 sc = _mm512_sub_ps(_mm512_set1_ps(42.0f), ex);
    const __m512 da = _mm512_scalef_ps(_mm512_sub_ps(ah, lower), sc);
    const __m512 db = _mm512_scalef_round_ps(ep, sc, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512i f = _mm512_add_epi32(
        _mm512_cvt_roundps_epu32(da, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC),
        _mm512_cvt_roundps_epi32(db, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
    const __mmask16 up = pb_lowp_sr_up(w, f, bits, shift);
    __m512 r = _mm512_cvtph_ps(_mm256_mask_add_epi16(kept, up, kept, _mm256_set1_epi16(1)));
    r = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(r), hi, sign, 0xf8));
    /* |h| in [2^16, inf): the model (fp16 overflows at 2^16 with SR);
     * non-finite h (a non-finite s or product): h as it is */
    const __mmask16 big =
        _mm512_cmplt_epu32_mask(_mm512_sub_epi32(H, _mm512_set1_epi32(0x47800000)),
                                _mm512_set1_epi32(0x7f800000 - 0x47800000));
    const __mmask16 nf = _mm512_cmpge_epu32_mask(H, _mm512_set1_epi32(0x7f800000));
    *fix = _kor_mask16(big, bits ? 0 : _mm512_cmpeq_epi32_mask(w, f));
    return _mm512_mask_mov_ps(r, nf, h);
}

/* The same steps without the rare lanes, for a first pass over a batch of
 * steps: the result is right wherever nothing is left to the scalar model,
 * and the caller redoes the batch with the steps above when, at its end,
 *   *tie (the minimum over the pass of w ^ f) is 0 (exact SR only), or
 *   a rare lane showed (pb_lowp_pass_rare):
 *   bf16: a non-finite h makes the pass's result non-finite (inf or NaN
 *   patterns, plus at most 0x10000, stay so for the canonical NaNs the
 *   driver admits) and every later sum too, so the caller looks at s;
 *   fp16: *lo and *top (below) leave the fp16 normal range.
 * Both work on h's pattern with its sign: with hx = the pattern of h minus
 * 1 when x is below h (e' < 0, so h != 0), the truncated pattern is hx
 * with its low 16 (bf16) or 13 (fp16) bits cleared, G < 0 exactly when
 * e' < 0, and (H << 16) is (pattern << 16).  For fp16 that holds where
 * the fp16 grid is 2^13 binary32 patterns: x in fp16's normal binades,
 * 2^-14 <= |hx| (fp16 has the same spacing just below 2^-14, but binary32
 * patterns do not); and the result stays finite when |hx| < 65504.  So
 * the pass keeps *lo = min(2|hx| - 1) and *top = max(2|hx|) (unsigned: the
 * doubling drops the sign, and h = 0, which the step gets right, moves
 * neither), and the batch is redone if 0 < |hx| < 2^-14 or |hx| >= 65504
 * or h is not finite. */
static inline __m512 pb_lowp_sr_bf16_pass(__m512 s, __m512 p, __m512i w, bool bits, int shift,
                                          __m512i *tie)
{
    __m512i hi, hx, G, f;
    pb_lowp_bf16_fraction(s, p, &hi, &hx, &G, &f);
    const __mmask16 up = pb_lowp_sr_up(w, f, bits, shift);
    const __m512i kept = _mm512_and_si512(hx, _mm512_set1_epi32((int)0xffff0000u));
    if (!bits) *tie = _mm512_min_epu32(*tie, _mm512_xor_si512(w, f));
    return _mm512_castsi512_ps(_mm512_mask_add_epi32(kept, up, kept, _mm512_set1_epi32(0x10000)));
}

/* G = floor(e' * 2^19 / ulp_x) here: 2^32 / u with u = 2^13 ulp_x. */
static inline __m512 pb_lowp_sr_fp16_pass(__m512 s, __m512 p, __m512i w, bool bits, int shift,
                                          __m512i *tie, __m512i *lo, __m512i *top)
{
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512 e;
    const __m512 h = pb_lowp_two_sum(s, p, &e);
    const __m512i hi = _mm512_castps_si512(h);
    const __m512 ep = _mm512_castsi512_ps(
        _mm512_ternarylogic_epi32(_mm512_castps_si512(e), hi, sign, 0x78));
    const __mmask16 below = _mm512_cmp_ps_mask(ep, _mm512_setzero_ps(), _CMP_LT_OQ);
    const __m512i hx = _mm512_mask_sub_epi32(hi, below, hi, _mm512_set1_epi32(1));
    const __m512 ex = _mm512_max_ps(_mm512_getexp_ps(_mm512_castsi512_ps(hx)),
                                    _mm512_set1_ps(-14.0f));
    const __m512 g = _mm512_scalef_round_ps(ep, _mm512_sub_ps(_mm512_set1_ps(42.0f), ex),
                                            _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512i G = _mm512_cvt_roundps_epi32(g, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512i f = _mm512_add_epi32(_mm512_slli_epi32(hi, 19), G);
    const __mmask16 up = pb_lowp_sr_up(w, f, bits, shift);
    const __m512i kept = _mm512_and_si512(hx, _mm512_set1_epi32((int)0xffffe000u));
    const __m512i twice = _mm512_slli_epi32(hx, 1);
    *lo = _mm512_min_epu32(*lo, _mm512_sub_epi32(twice, _mm512_set1_epi32(1)));
    *top = _mm512_max_epu32(*top, twice);
    if (!bits) *tie = _mm512_min_epu32(*tie, _mm512_xor_si512(w, f));
    return _mm512_castsi512_ps(_mm512_mask_add_epi32(kept, up, kept, _mm512_set1_epi32(0x2000)));
}

/* Did a first pass meet a rare lane?  bf16: s, the pass's result; fp16:
 * lo and top as above (their start values: all ones, zero). */
static inline bool pb_lowp_pass_rare(bool fp16, __m512 s, __m512i lo, __m512i top)
{
    if (!fp16) return _mm512_fpclass_ps_mask(s, 0x99) != 0; /* NaN, inf */
    return (_mm512_cmplt_epu32_mask(lo, _mm512_set1_epi32(0x70ffffff)) |     /* 2 * 2^-14 - 1 */
            _mm512_cmpge_epu32_mask(top, _mm512_set1_epi32((int)0x8effc000u))) != 0; /* 2 * 65504 */
}

#endif
