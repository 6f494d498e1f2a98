/* Tiles of the low-precision accumulators rounded to nearest even
 * (`fp16:rn`, `bf16:rn`) on binary32 lanes: PB_LOWP_R_RN rows x PB_LOWP_V
 * panels of 16 columns, one independent chain per (row, panel), so that
 * the steps of different outputs overlap (one step is a chain of about ten
 * dependent instructions).  Why the binary32 step is exact: gemm_lowp.h. */
#include "simd/gemm_lowp.h"

_Static_assert(PB_LOWP_V == 2, "the tile loads two panels");

static inline __attribute__((always_inline)) void rn_tile(const pb_lowp_tile *t, bool fp16)
{
    enum { R = PB_LOWP_R_RN, V = PB_LOWP_V, W = PB_LOWP_W };
    __m512 s[R][V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) s[r][v] = _mm512_setzero_ps();
    const float *ap = t->ap;
    const float *bp0 = t->bp[0], *bp1 = t->bp[1];
    for (size_t k = t->k0; k < t->k1; k++) {
        const __m512 b[V] = {_mm512_load_ps(bp0 + k * W), _mm512_load_ps(bp1 + k * W)};
#pragma GCC unroll 16
        for (int r = 0; r < R; r++) {
            const __m512 a = _mm512_set1_ps(ap[k * R + (size_t)r]);
#pragma GCC unroll 4
            for (int v = 0; v < V; v++) {
                const __m512 p = _mm512_mul_ps(a, b[v]); /* exact (P) */
                s[r][v] = fp16 ? pb_lowp_rn_fp16(s[r][v], p) : pb_lowp_rn_bf16(s[r][v], p);
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            _mm512_storeu_ps(t->out + (size_t)r * V * W + (size_t)v * W, s[r][v]);
}

void pb_lowp_tile_rn_bf16(const pb_lowp_tile *t) { rn_tile(t, false); }

void pb_lowp_tile_rn_fp16(const pb_lowp_tile *t) { rn_tile(t, true); }
