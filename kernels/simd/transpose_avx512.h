/* 16 x 16 transposes of 32-bit words in AVX-512 registers (include from
 * *_avx512*.c files only): the operand gather of the quantisation pass and
 * the packing of micro-panels. */
#ifndef PRECBENCH_SIMD_TRANSPOSE_AVX512_H
#define PRECBENCH_SIMD_TRANSPOSE_AVX512_H

#include <immintrin.h>
#include <stddef.h>

/* r[0..15] (rows of 16 words) -> their transpose, in place: afterwards
 * r[u] holds word u of every input row, row t in lane t. */
static inline void pb_simd_transpose16_regs(__m512 r[16])
{
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);     /* per lane: a0 b0 a1 b1 */
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]); /*           a2 b2 a3 b3 */
    }
    for (int i = 0; i < 16; i += 4) {
        u[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);     /* a0 b0 c0 d0 */
        u[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE); /* a1 b1 c1 d1 */
        u[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    /* u[c] (c < 4) holds, in 128-bit lane L, column 4L + c of rows 0-3;
     * u[4 + c] of rows 4-7, u[8 + c] of rows 8-11, u[12 + c] of rows 12-15. */
    for (int c = 0; c < 4; c++) {
        __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88);
        __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
        __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
        __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
        r[c] = _mm512_shuffle_f32x4(v0, w0, 0x88);
        r[c + 8] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
        r[c + 4] = _mm512_shuffle_f32x4(v1, w1, 0x88);
        r[c + 12] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
    }
}

/* 16 x 16 floats: dst[u*ldd + t] = src[t*lds + u]. */
static inline void pb_simd_transpose16(const float *src, size_t lds, float *dst, size_t ldd)
{
    __m512 r[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + (size_t)i * lds);
    pb_simd_transpose16_regs(r);
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t)i * ldd, r[i]);
}

#endif
