/* amax scans on AVX-512 (amax_simd.h).  A lane keeps the largest |x| it has
 * seen with vmaxps, and a mask remembers whether it saw a NaN; the NaN is
 * put back at the end, so the result is the portable scan's. */
#include <immintrin.h>
#include <math.h>

#include "simd/amax_simd.h"

static inline __m512 nan_or(__m512 m, __mmask16 nan)
{
    return _mm512_mask_mov_ps(m, nan, _mm512_set1_ps(NAN));
}

/* max over the lanes, NaN if one is NaN */
static inline float lanes_max(__m512 m, __mmask16 nan)
{
    return nan ? NAN : _mm512_reduce_max_ps(m);
}

float pb_amax_avx512(const float *x, size_t n)
{
    __m512 m0 = _mm512_setzero_ps(), m1 = _mm512_setzero_ps();
    __mmask16 nan = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512 a = _mm512_abs_ps(_mm512_loadu_ps(x + i));
        const __m512 b = _mm512_abs_ps(_mm512_loadu_ps(x + i + 16));
        nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q);
        m0 = _mm512_max_ps(m0, a);
        m1 = _mm512_max_ps(m1, b);
    }
    if (i < n) {
        for (; i < n; i += 16) {
            const size_t left = n - i < 16 ? n - i : 16;
            const __mmask16 k = (__mmask16)((1u << left) - 1u);
            const __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(k, x + i));
            nan |= _mm512_mask_cmp_ps_mask(k, a, a, _CMP_UNORD_Q);
            m0 = _mm512_max_ps(m0, a);
        }
    }
    return lanes_max(_mm512_max_ps(m0, m1), nan);
}

void pb_amax_blocks_avx512(const float *x, size_t k, size_t block, double *out)
{
    for (size_t b = 0, k0 = 0; k0 < k; b++, k0 += block) {
        const size_t len = k - k0 < block ? k - k0 : block;
        out[b] = (double)pb_amax_avx512(x + k0, len);
    }
}

void pb_amax_cols_avx512(const float *x, size_t ld, size_t nk, size_t ncols, float *m)
{
    size_t c = 0;
    for (; c < ncols; c += 16) {
        const size_t left = ncols - c < 16 ? ncols - c : 16;
        const __mmask16 k = (__mmask16)(left == 16 ? 0xffffu : (1u << left) - 1u);
        __m512 acc = _mm512_abs_ps(_mm512_maskz_loadu_ps(k, m + c));
        __mmask16 nan = _mm512_cmp_ps_mask(acc, acc, _CMP_UNORD_Q);
        for (size_t kk = 0; kk < nk; kk++) {
            const __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(k, x + kk * ld + c));
            nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
            acc = _mm512_max_ps(acc, a);
        }
        _mm512_mask_storeu_ps(m + c, k, nan_or(acc, nan));
    }
}
