// Peak probes, AVX-512: long chains of independent vector instructions with
// no memory traffic, so the figure is the core's issue rate.  Compiled with
// the SIMD flags; called only after runtime CPU detection (bench_peak.cc).
//
// Each probe runs `iters` rounds of PB_PEAK_CHAINS_AVX512 (16) independent
// accumulators, written out one variable each so that they live in
// registers (an array would be kept in memory, and its store-to-load
// latency would be measured instead), and returns a value that depends on
// every chain so the compiler keeps the work.
#include <cstdint>
#include <immintrin.h>

#include "peak.h"

static_assert(PB_PEAK_CHAINS_AVX512 == 16, "the probes below write out 16 chains");

// Apply OP to the 16 accumulators a0..a15.
#define PB_PEAK_16(OP)                                                          \
    OP(a0); OP(a1); OP(a2); OP(a3); OP(a4); OP(a5); OP(a6); OP(a7);             \
    OP(a8); OP(a9); OP(a10); OP(a11); OP(a12); OP(a13); OP(a14); OP(a15)

namespace {

double sum_lanes_ps(__m512 s)
{
    float lanes[16];
    _mm512_storeu_ps(lanes, s);
    double sum = 0;
    for (float v : lanes) sum += v;
    return sum;
}

} // namespace

// 16 lanes x (multiply + add) per FMA.
double pb_bench_peak_fp32_fma_avx512(uint64_t iters)
{
    // x <- x * 0.9999999 + 1e-7 stays near 1: no overflow, no denormals.
    const __m512 mul = _mm512_set1_ps(0.9999999f), add = _mm512_set1_ps(1e-7f);
    __m512 a0 = _mm512_set1_ps(1.00f), a1 = _mm512_set1_ps(1.01f), a2 = _mm512_set1_ps(1.02f),
           a3 = _mm512_set1_ps(1.03f), a4 = _mm512_set1_ps(1.04f), a5 = _mm512_set1_ps(1.05f),
           a6 = _mm512_set1_ps(1.06f), a7 = _mm512_set1_ps(1.07f), a8 = _mm512_set1_ps(1.08f),
           a9 = _mm512_set1_ps(1.09f), a10 = _mm512_set1_ps(1.10f), a11 = _mm512_set1_ps(1.11f),
           a12 = _mm512_set1_ps(1.12f), a13 = _mm512_set1_ps(1.13f), a14 = _mm512_set1_ps(1.14f),
           a15 = _mm512_set1_ps(1.15f);
#define PB_FMA(x) x = _mm512_fmadd_ps(x, mul, add)
    for (uint64_t i = 0; i < iters; i++) {
        PB_PEAK_16(PB_FMA);
    }
#undef PB_FMA
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)),
                                       _mm512_add_ps(_mm512_add_ps(a12, a13), _mm512_add_ps(a14, a15))));
    return sum_lanes_ps(s);
}

// vdpbf16ps: 16 lanes x 2 bf16 products x (multiply + add).
double pb_bench_peak_bf16_dot_avx512(uint64_t iters)
{
    const __m512bh x = (__m512bh)_mm512_set1_epi16(0x3f80); // 1.0
    const __m512bh y = (__m512bh)_mm512_set1_epi16(0x3380); // 2^-24 keeps sums small
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
           a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
#define PB_DOT(acc) acc = _mm512_dpbf16_ps(acc, x, y)
    for (uint64_t i = 0; i < iters; i++) {
        PB_PEAK_16(PB_DOT);
    }
#undef PB_DOT
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)),
                                       _mm512_add_ps(_mm512_add_ps(a12, a13), _mm512_add_ps(a14, a15))));
    return sum_lanes_ps(s);
}

// vpdpbusd: 16 lanes x 4 u8*s8 products x (multiply + add).
double pb_bench_peak_int8_dot_avx512(uint64_t iters)
{
    const __m512i x = _mm512_set1_epi8(1), y = _mm512_set1_epi8(1);
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
            a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
#define PB_DOT(acc) acc = _mm512_dpbusd_epi32(acc, x, y)
    for (uint64_t i = 0; i < iters; i++) {
        PB_PEAK_16(PB_DOT);
    }
#undef PB_DOT
    __m512i s = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)),
                                 _mm512_add_epi32(_mm512_add_epi32(a4, a5), _mm512_add_epi32(a6, a7)));
    s = _mm512_add_epi32(s, _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a8, a9), _mm512_add_epi32(a10, a11)),
                                             _mm512_add_epi32(_mm512_add_epi32(a12, a13), _mm512_add_epi32(a14, a15))));
    int32_t lanes[16];
    _mm512_storeu_si512(lanes, s);
    double sum = 0;
    for (int32_t v : lanes) sum += v;
    return sum;
}
