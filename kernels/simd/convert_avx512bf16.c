/* bf16 round-to-nearest-even with AVX512-BF16 (vcvtne2ps2bf16).
 *
 * The instruction rounds to nearest even, gives inf on overflow and quiets
 * NaNs keeping the payload's top bits, as the model does; but it treats
 * float32 subnormal inputs as zero.  Those lanes (rare) are redone with the
 * integer form of the same rounding, (u + 0x7FFF + odd) >> 16, which is
 * exact for every finite input.
 */
#include <immintrin.h>

#include "format/format_internal.h"
#include "simd/convert_simd.h"

bool pb_convert_avx512bf16_takes(const pb_format *f, const pb_rounding *r)
{
    const pb_format_spec *s = &f->spec;
    return pb_simd_level_detect() == PB_SIMD_AVX512BF16 &&
           s->kind == PB_FORMAT_KIND_FLOAT && s->bits == 16 && s->exp_bits == 8 &&
           s->man_bits == 7 && s->bias == 127 && s->specials == PB_SPECIALS_IEEE &&
           s->subnormals && r->mode == PB_ROUND_RNE && r->overflow == PB_OVERFLOW_INF;
}

/* Lanes holding a float32 subnormal: |u| - 1 < 0x7FFFFF (unsigned). */
static inline __mmask16 subnormal_lanes(__m512i u)
{
    __m512i a = _mm512_and_si512(u, _mm512_set1_epi32(0x7FFFFFFF));
    return _mm512_cmplt_epu32_mask(_mm512_sub_epi32(a, _mm512_set1_epi32(1)),
                                   _mm512_set1_epi32(0x007FFFFF));
}

static inline __m256i bf16_rne_int(__m512i u)
{
    __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i t = _mm512_add_epi32(u, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), odd));
    return _mm512_cvtepi32_epi16(_mm512_srli_epi32(t, 16));
}

static inline __m256i bf16_rne16(__m512i u)
{
    __m256i h = (__m256i)_mm512_cvtneps_pbh(_mm512_castsi512_ps(u));
    __mmask16 sub = subnormal_lanes(u);
    if (sub) h = _mm256_mask_mov_epi16(h, sub, bf16_rne_int(u));
    return h;
}

void pb_convert_bf16_avx512bf16(const float *x, uint16_t *codes, size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512i lo = _mm512_loadu_si512(x + i), hi = _mm512_loadu_si512(x + i + 16);
        __m512i h = (__m512i)_mm512_cvtne2ps_pbh(_mm512_castsi512_ps(hi),
                                                 _mm512_castsi512_ps(lo));
        __mmask16 slo = subnormal_lanes(lo), shi = subnormal_lanes(hi);
        if (slo | shi) {
            __m512i fix = _mm512_inserti64x4(_mm512_castsi256_si512(bf16_rne_int(lo)),
                                             bf16_rne_int(hi), 1);
            h = _mm512_mask_mov_epi16(h, (__mmask32)slo | ((__mmask32)shi << 16), fix);
        }
        _mm512_storeu_si512(codes + i, h);
    }
    for (; i < n; i += 16) {
        size_t left = n - i;
        __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m256i h = bf16_rne16(_mm512_maskz_loadu_epi32(m, x + i));
        _mm256_mask_storeu_epi16(codes + i, m, h);
    }
}
