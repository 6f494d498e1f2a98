/* The 12 x 32 register-blocked micro-kernel, written once for every
 * instruction (include from *_avx512*.c files only).
 *
 *   c (12 x 32 accumulators) = first ? +0 : tile
 *   for g in 0 .. ng-1:                  // in order: never reassociated
 *       b0, b1 = bp[g][0..15], bp[g][16..31]
 *       for i in 0 .. 11:
 *           a = broadcast ap[g][i]
 *           c[i][0] = OP(c[i][0], a, b0);  c[i][1] = OP(c[i][1], a, b1)
 *   tile = c
 *
 * With block scaling the registers start every block at +0 and are merged
 * into the tile after it: tile = fmaf(partial, fl32(as[i] * bs[j]), tile).
 *
 * The 24 accumulators are named variables, not an array, so that the
 * compiler keeps all of them in registers (an array spills at -O2).
 */
#ifndef PRECBENCH_SIMD_GEMM_PACK_UKR_H
#define PRECBENCH_SIMD_GEMM_PACK_UKR_H

#include <immintrin.h>
#include <string.h>

#include "simd/gemm_pack.h"

#define PB_UKR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

#define PB_UKR_DECL(i) __m512i c##i##_0, c##i##_1;
#define PB_UKR_ZERO(i) c##i##_0 = _mm512_setzero_si512(); c##i##_1 = _mm512_setzero_si512();
#define PB_UKR_LOAD(i)                                                                   \
    c##i##_0 = _mm512_load_si512(tile + (i) * PB_SIMD_NR);                               \
    c##i##_1 = _mm512_load_si512(tile + (i) * PB_SIMD_NR + 16);
#define PB_UKR_STORE(i)                                                                  \
    _mm512_store_si512(tile + (i) * PB_SIMD_NR, c##i##_0);                               \
    _mm512_store_si512(tile + (i) * PB_SIMD_NR + 16, c##i##_1);

/* ---- OP: one k group into the accumulators of row i ---------------------- */

/* fp32 FMA: c = fl32(a * b + c) (vfmadd231ps). */
#define PB_UKR_STEP_FMA(i)                                                               \
    {                                                                                    \
        float av;                                                                        \
        memcpy(&av, ap + (i), sizeof av);                                                \
        const __m512 a = _mm512_set1_ps(av);                                             \
        c##i##_0 = _mm512_castps_si512(                                                  \
            _mm512_fmadd_ps(a, _mm512_castsi512_ps(b0), _mm512_castsi512_ps(c##i##_0))); \
        c##i##_1 = _mm512_castps_si512(                                                  \
            _mm512_fmadd_ps(a, _mm512_castsi512_ps(b1), _mm512_castsi512_ps(c##i##_1))); \
    }
/* fp32 without FMA: c = fl32(c + fl32(a * b)). */
#define PB_UKR_STEP_MULADD(i)                                                            \
    {                                                                                    \
        float av;                                                                        \
        memcpy(&av, ap + (i), sizeof av);                                                \
        const __m512 a = _mm512_set1_ps(av);                                             \
        c##i##_0 = _mm512_castps_si512(_mm512_add_ps(                                    \
            _mm512_castsi512_ps(c##i##_0), _mm512_mul_ps(a, _mm512_castsi512_ps(b0))));  \
        c##i##_1 = _mm512_castps_si512(_mm512_add_ps(                                    \
            _mm512_castsi512_ps(c##i##_1), _mm512_mul_ps(a, _mm512_castsi512_ps(b1))));  \
    }
/* bf16 pairs: vdpbf16ps (high pair first). */
#define PB_UKR_STEP_DPBF16(i)                                                            \
    {                                                                                    \
        const __m512i a = _mm512_set1_epi32((int)ap[i]);                                 \
        c##i##_0 = _mm512_castps_si512(_mm512_dpbf16_ps(_mm512_castsi512_ps(c##i##_0),   \
                                                        (__m512bh)a, (__m512bh)b0));     \
        c##i##_1 = _mm512_castps_si512(_mm512_dpbf16_ps(_mm512_castsi512_ps(c##i##_1),   \
                                                        (__m512bh)a, (__m512bh)b1));     \
    }
/* u8 x s8 quads: vpdpbusd (wrap-around int32). */
#define PB_UKR_STEP_DPBUSD(i)                                                            \
    {                                                                                    \
        const __m512i a = _mm512_set1_epi32((int)ap[i]);                                 \
        c##i##_0 = _mm512_dpbusd_epi32(c##i##_0, a, b0);                                 \
        c##i##_1 = _mm512_dpbusd_epi32(c##i##_1, a, b1);                                 \
    }

/* The groups [g0, g1) of the panels into the registers. */
#define PB_UKR_RUN(OP)                                                                   \
    for (size_t g = g0; g < g1; g++) {                                                   \
        const uint32_t *ap = u->ap + g * PB_SIMD_MR;                                     \
        const __m512i b0 = _mm512_loadu_si512(u->bp + g * PB_SIMD_NR);                   \
        const __m512i b1 = _mm512_loadu_si512(u->bp + g * PB_SIMD_NR + 16);              \
        PB_UKR_ROWS(PB_UKR_STEP_##OP)                                                    \
    }

/* Block merge: tile = fmaf(partial, fl32(as[i] * bs[j]), tile) for one
 * block's partial sums (MR x NR words in part; I8: int32 sums of the offset
 * A, corrected by 128 * the block's column sums of B and converted to float
 * with round to nearest even, the model's int32 -> binary32). */
static inline void pb_ukr_merge(uint32_t *tile, const uint32_t *part, const float *as,
                                const float *bs, const int32_t *bcs)
{
    for (int h = 0; h < 2; h++) {
        const __m512 bsv = _mm512_loadu_ps(bs + 16 * h);
        const __m512i csv = bcs ? _mm512_slli_epi32(_mm512_loadu_si512(bcs + 16 * h), 7)
                                : _mm512_setzero_si512();
        for (int i = 0; i < PB_SIMD_MR; i++) {
            float *t = (float *)tile + i * PB_SIMD_NR + 16 * h;
            const __m512i pv = _mm512_load_si512(part + i * PB_SIMD_NR + 16 * h);
            const __m512 p = bcs ? _mm512_cvtepi32_ps(_mm512_sub_epi32(pv, csv))
                                 : _mm512_castsi512_ps(pv);
            const __m512 sc = _mm512_mul_ps(_mm512_set1_ps(as[i]), bsv);
            _mm512_store_ps(t, _mm512_fmadd_ps(p, sc, _mm512_load_ps(t)));
        }
    }
}

/* NAME(u): the micro-kernel of instruction OP (two loops, one per mode, so
 * that each keeps its 24 accumulators in registers). */
#define PB_UKR_DEFINE(NAME, OP)                                                          \
    static void NAME##_plain(const pb_simd_ukr_args *u)                                  \
    {                                                                                    \
        uint32_t *tile = u->tile;                                                        \
        PB_UKR_ROWS(PB_UKR_DECL)                                                         \
        if (u->first) {                                                                  \
            PB_UKR_ROWS(PB_UKR_ZERO)                                                     \
        } else {                                                                         \
            PB_UKR_ROWS(PB_UKR_LOAD)                                                     \
        }                                                                                \
        const size_t g0 = 0, g1 = u->ng;                                                 \
        PB_UKR_RUN(OP)                                                                   \
        PB_UKR_ROWS(PB_UKR_STORE)                                                        \
    }                                                                                    \
    static void NAME##_blocked(const pb_simd_ukr_args *u)                                \
    {                                                                                    \
        uint32_t part[PB_SIMD_MR * PB_SIMD_NR] __attribute__((aligned(64)));              \
        if (u->first) memset(u->tile, 0, sizeof part);                                   \
        for (size_t g0 = 0, b = 0; g0 < u->ng; g0 += u->bg, b++) {                       \
            const size_t g1 = g0 + u->bg < u->ng ? g0 + u->bg : u->ng;                   \
            uint32_t *tile = part;                                                       \
            PB_UKR_ROWS(PB_UKR_DECL)                                                     \
            PB_UKR_ROWS(PB_UKR_ZERO)                                                     \
            PB_UKR_RUN(OP)                                                               \
            PB_UKR_ROWS(PB_UKR_STORE)                                                    \
            pb_ukr_merge(u->tile, part, u->as + b * PB_SIMD_MR, u->bs + b * PB_SIMD_NR,  \
                         u->bcs ? u->bcs + b * PB_SIMD_NR : NULL);                       \
        }                                                                                \
    }                                                                                    \
    void NAME(const pb_simd_ukr_args *u)                                                 \
    {                                                                                    \
        _Static_assert(PB_SIMD_MR == 12 && PB_SIMD_NR == 32, "tile shape");               \
        if (u->bg == 0) NAME##_plain(u);                                                 \
        else NAME##_blocked(u);                                                          \
    }

#endif
