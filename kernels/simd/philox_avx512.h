/* Philox4x32-10 on 16 lanes (AVX-512F): 16 independent Philox calls at once.
 *
 * The same function as Random123's philox4x32_10 (include/precbench/rng.h
 * gives the counter layout precbench uses), written with vector intrinsics so
 * that stochastic rounding costs a few instructions per element.  Lane l of
 * the four output vectors holds the four words of the call whose counter is
 * lane l of the inputs.
 *
 * Include only from files compiled with the AVX-512 flags (*_avx512.c).
 */
#ifndef PRECBENCH_SIMD_PHILOX_AVX512_H
#define PRECBENCH_SIMD_PHILOX_AVX512_H

#include <immintrin.h>
#include <stdint.h>

/* Random123's multipliers and Weyl key increments for Philox4x32. */
#define PB_PHILOX_M0 0xD2511F53u
#define PB_PHILOX_M1 0xCD9E8D57u
#define PB_PHILOX_W0 0x9E3779B9u
#define PB_PHILOX_W1 0xBB67AE85u

/* The ten round keys of one Philox key: key r = key + r * W. */
typedef struct pb_philox_keys {
    uint32_t k0[10], k1[10];
} pb_philox_keys;

static inline pb_philox_keys pb_philox_keys_make(uint64_t seed)
{
    pb_philox_keys k;
    uint32_t a = (uint32_t)seed, b = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++) {
        k.k0[r] = a;
        k.k1[r] = b;
        a += PB_PHILOX_W0;
        b += PB_PHILOX_W1;
    }
    return k;
}

/* 32 x 32 -> 64-bit products of every lane of a with m: *hi and *lo get the
 * high and low halves.  vpmuludq multiplies the even lanes; the odd lanes are
 * moved down first, and two masked in-pair swaps put the halves back. */
static inline void pb_philox_mulhilo16(__m512i a, __m512i m, __m512i *hi,
                                       __m512i *lo)
{
    __m512i pe = _mm512_mul_epu32(a, m);
    __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
    *hi = _mm512_mask_shuffle_epi32(po, 0x5555, pe, _MM_PERM_CDAB);
    *lo = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB);
}

/* Ten rounds on counters (c0, c1, c2, c3); the result replaces them. */
static inline void pb_philox16(__m512i *c0, __m512i *c1, __m512i *c2,
                               __m512i *c3, const pb_philox_keys *k)
{
    const __m512i m0 = _mm512_set1_epi64(PB_PHILOX_M0);
    const __m512i m1 = _mm512_set1_epi64(PB_PHILOX_M1);
    __m512i x0 = *c0, x1 = *c1, x2 = *c2, x3 = *c3;
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
        __m512i hi0, lo0, hi1, lo1;
        pb_philox_mulhilo16(x0, m0, &hi0, &lo0);
        pb_philox_mulhilo16(x2, m1, &hi1, &lo1);
        /* 0x96: three-way exclusive or. */
        __m512i y0 = _mm512_ternarylogic_epi32(hi1, x1, _mm512_set1_epi32((int)k->k0[r]), 0x96);
        __m512i y2 = _mm512_ternarylogic_epi32(hi0, x3, _mm512_set1_epi32((int)k->k1[r]), 0x96);
        x0 = y0;
        x1 = lo1;
        x2 = y2;
        x3 = lo0;
    }
    *c0 = x0;
    *c1 = x1;
    *c2 = x2;
    *c3 = x3;
}

/* The random words of the 64 consecutive element indices first .. first+63
 * (first a multiple of 4), in element order: out[v] holds the words of
 * indices first + 16v .. first + 16v + 15.  Index i uses word (i & 3) of
 * philox4x32_10({(i >> 2) lo32, i >> 34, stream, draw}, {seed lo32, hi32}),
 * so lane l here computes the block (first >> 2) + l and the 4 x 16 words
 * are transposed into element order. */
static inline void pb_philox16_words64(uint64_t first, uint32_t stream,
                                       uint32_t draw, const pb_philox_keys *k,
                                       __m512i out[4])
{
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                           11, 12, 13, 14, 15);
    uint64_t block = first >> 2;
    __m512i lo_base = _mm512_set1_epi32((int)(uint32_t)block);
    __m512i c0 = _mm512_add_epi32(lo_base, lane);
    /* The 64-bit block number may carry out of its low word inside the 16. */
    __mmask16 carry = _mm512_cmplt_epu32_mask(c0, lo_base);
    __m512i c1 = _mm512_mask_add_epi32(_mm512_set1_epi32((int)(uint32_t)(block >> 32)),
                                       carry, _mm512_set1_epi32((int)(uint32_t)(block >> 32)),
                                       _mm512_set1_epi32(1));
    /* Indices wrap modulo 2^64, so the block number wraps modulo 2^62. */
    c1 = _mm512_and_si512(c1, _mm512_set1_epi32(0x3FFFFFFF));
    __m512i c2 = _mm512_set1_epi32((int)stream);
    __m512i c3 = _mm512_set1_epi32((int)draw);
    pb_philox16(&c0, &c1, &c2, &c3, k);
    /* c_w lane l = word w of block l, i.e. element 4l + w.  Interleave the
     * words inside each 128-bit quarter q: u_j quarter q = elements of block
     * 4q + j, then gather quarter q of u_0..u_3 into out[q]. */
    __m512i t0 = _mm512_unpacklo_epi32(c0, c1);
    __m512i t1 = _mm512_unpacklo_epi32(c2, c3);
    __m512i t2 = _mm512_unpackhi_epi32(c0, c1);
    __m512i t3 = _mm512_unpackhi_epi32(c2, c3);
    __m512i u0 = _mm512_unpacklo_epi64(t0, t1);
    __m512i u1 = _mm512_unpackhi_epi64(t0, t1);
    __m512i u2 = _mm512_unpacklo_epi64(t2, t3);
    __m512i u3 = _mm512_unpackhi_epi64(t2, t3);
    /* 4 x 4 transpose of 128-bit quarters. */
    __m512i v0 = _mm512_shuffle_i32x4(u0, u1, _MM_SHUFFLE(2, 0, 2, 0)); /* u0q0 u0q2 u1q0 u1q2 */
    __m512i v1 = _mm512_shuffle_i32x4(u2, u3, _MM_SHUFFLE(2, 0, 2, 0)); /* u2q0 u2q2 u3q0 u3q2 */
    __m512i v2 = _mm512_shuffle_i32x4(u0, u1, _MM_SHUFFLE(3, 1, 3, 1)); /* u0q1 u0q3 u1q1 u1q3 */
    __m512i v3 = _mm512_shuffle_i32x4(u2, u3, _MM_SHUFFLE(3, 1, 3, 1)); /* u2q1 u2q3 u3q1 u3q3 */
    out[0] = _mm512_shuffle_i32x4(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));     /* u0q0 u1q0 u2q0 u3q0 */
    out[1] = _mm512_shuffle_i32x4(v2, v3, _MM_SHUFFLE(2, 0, 2, 0));     /* u0q1 u1q1 u2q1 u3q1 */
    out[2] = _mm512_shuffle_i32x4(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));     /* u0q2 ... */
    out[3] = _mm512_shuffle_i32x4(v2, v3, _MM_SHUFFLE(3, 1, 3, 1));     /* u0q3 ... */
}

#endif
