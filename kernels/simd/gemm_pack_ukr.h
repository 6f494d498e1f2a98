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
 * after it into the running sums: s = fmaf(partial, fl32(as[i] * bs[j]), s).
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

/* The accumulators' type: float vectors, or int32 vectors when the file
 * defines PB_UKR_INT_ACC before including this header (vpdpbusd).  Typed
 * accumulators keep the compiler from copying them around casts. */
#ifdef PB_UKR_INT_ACC
#define PB_UKR_ACC __m512i
#define PB_UKR_ACC_ZERO() _mm512_setzero_si512()
#define PB_UKR_ACC_LOAD(p) _mm512_load_si512(p)
#define PB_UKR_ACC_STORE(p, v) _mm512_store_si512((p), (v))
#else
#define PB_UKR_ACC __m512
#define PB_UKR_ACC_ZERO() _mm512_setzero_ps()
#define PB_UKR_ACC_LOAD(p) _mm512_load_ps((const float *)(p))
#define PB_UKR_ACC_STORE(p, v) _mm512_store_ps((float *)(p), (v))
#endif

#define PB_UKR_DECL(i) PB_UKR_ACC c##i##_0, c##i##_1;
#define PB_UKR_ZERO(i) c##i##_0 = PB_UKR_ACC_ZERO(); c##i##_1 = PB_UKR_ACC_ZERO();
#define PB_UKR_LOAD(i)                                                                   \
    c##i##_0 = PB_UKR_ACC_LOAD(tile + (i) * PB_SIMD_NR);                                 \
    c##i##_1 = PB_UKR_ACC_LOAD(tile + (i) * PB_SIMD_NR + 16);
#define PB_UKR_STORE(i)                                                                  \
    PB_UKR_ACC_STORE(tile + (i) * PB_SIMD_NR, c##i##_0);                                 \
    PB_UKR_ACC_STORE(tile + (i) * PB_SIMD_NR + 16, c##i##_1);

/* ---- OP: one k group into the accumulators of row i ---------------------- */

/* fp32 FMA: c = fl32(a * b + c) (vfmadd231ps). */
#define PB_UKR_STEP_FMA(i)                                                               \
    {                                                                                    \
        float av;                                                                        \
        memcpy(&av, ap + (i), sizeof av);                                                \
        const __m512 a = _mm512_set1_ps(av);                                             \
        c##i##_0 = _mm512_fmadd_ps(a, _mm512_castsi512_ps(b0), c##i##_0);               \
        c##i##_1 = _mm512_fmadd_ps(a, _mm512_castsi512_ps(b1), c##i##_1);               \
    }
/* fp32 without FMA: c = fl32(c + fl32(a * b)). */
#define PB_UKR_STEP_MULADD(i)                                                            \
    {                                                                                    \
        float av;                                                                        \
        memcpy(&av, ap + (i), sizeof av);                                                \
        const __m512 a = _mm512_set1_ps(av);                                             \
        c##i##_0 = _mm512_add_ps(c##i##_0, _mm512_mul_ps(a, _mm512_castsi512_ps(b0)));   \
        c##i##_1 = _mm512_add_ps(c##i##_1, _mm512_mul_ps(a, _mm512_castsi512_ps(b1)));   \
    }
/* bf16 pairs: vdpbf16ps (high pair first). */
#define PB_UKR_STEP_DPBF16(i)                                                            \
    {                                                                                    \
        const __m512i a = _mm512_set1_epi32((int)ap[i]);                                 \
        c##i##_0 = _mm512_dpbf16_ps(c##i##_0, (__m512bh)a, (__m512bh)b0);               \
        c##i##_1 = _mm512_dpbf16_ps(c##i##_1, (__m512bh)a, (__m512bh)b1);               \
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

/* The blocked kernel works on the tile's two halves of 6 rows in turn:
 * 12 registers of block sums and 12 of running accumulators per half, so
 * that the merge after every block stays in registers. */
#define PB_UKR_HALF(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define PB_UKR_HDECL(i) PB_UKR_ACC c##i##_0, c##i##_1; __m512 s##i##_0, s##i##_1;
#define PB_UKR_HSTART(i)                                                                 \
    if (u->first) {                                                                      \
        s##i##_0 = _mm512_setzero_ps(); s##i##_1 = _mm512_setzero_ps();                  \
    } else {                                                                             \
        s##i##_0 = _mm512_load_ps((const float *)u->tile + (h + i) * PB_SIMD_NR);        \
        s##i##_1 = _mm512_load_ps((const float *)u->tile + (h + i) * PB_SIMD_NR + 16);   \
    }
#define PB_UKR_HSTORE(i)                                                                 \
    _mm512_store_ps((float *)u->tile + (h + i) * PB_SIMD_NR, s##i##_0);                  \
    _mm512_store_ps((float *)u->tile + (h + i) * PB_SIMD_NR + 16, s##i##_1);
#define PB_UKR_HMERGE(i, PARTIAL)                                                        \
    {                                                                                    \
        const __m512 sa = _mm512_set1_ps(as[h + i]);                                     \
        s##i##_0 = _mm512_fmadd_ps(PARTIAL(c##i##_0), _mm512_mul_ps(sa, bs0), s##i##_0);     \
        s##i##_1 = _mm512_fmadd_ps(PARTIAL(c##i##_1), _mm512_mul_ps(sa, bs1), s##i##_1);     \
    }
#define PB_UKR_HMERGE_FLOAT(i) PB_UKR_HMERGE(i, PB_UKR_PARTIAL_FLOAT)
#define PB_UKR_HMERGE_INT(i) PB_UKR_HMERGE(i, PB_UKR_PARTIAL_INT)
#define PB_UKR_PARTIAL_FLOAT(c) (c)
/* I8: the block's sum of (a + 128) * b minus 128 * the block's column sums
 * of B, modulo 2^32 (the sums start from -128 * column sum: see
 * PB_UKR_HSTART_INT), converted with round to nearest even */
#define PB_UKR_PARTIAL_INT(c) _mm512_cvtepi32_ps(c)
/* A block's sums start from +0 (FLOAT) or from -128 * the block's column
 * sums of B (INT: ncs0, ncs1), so that no subtraction follows. */
#define PB_UKR_HSTART_FLOAT(i) PB_UKR_ZERO(i)
#define PB_UKR_HSTART_INT(i) c##i##_0 = ncs0; c##i##_1 = ncs1;
#define PB_UKR_HRUN(OP, ga, gb)                                                          \
    for (size_t g = (ga); g < (gb); g++) {                                               \
        const uint32_t *ap = u->ap + g * PB_SIMD_MR + h;                                 \
        const __m512i b0 = _mm512_loadu_si512(u->bp + g * PB_SIMD_NR);                   \
        const __m512i b1 = _mm512_loadu_si512(u->bp + g * PB_SIMD_NR + 16);              \
        PB_UKR_HALF(PB_UKR_STEP_##OP)                                                    \
    }

/* NAME(u): the micro-kernel of instruction OP, PARTIAL FLOAT or INT (two
 * loops, one per mode, so that each keeps its 24 accumulators in
 * registers). */
#define PB_UKR_DEFINE(NAME, OP, PARTIAL)                                                 \
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
        for (size_t h = 0; h < PB_SIMD_MR; h += 6) {                                     \
            PB_UKR_HALF(PB_UKR_HDECL)                                                    \
            PB_UKR_HALF(PB_UKR_HSTART)                                                   \
            for (size_t g0 = 0, b = 0; g0 < u->ng; g0 += u->bg, b++) {                   \
                const size_t g1 = g0 + u->bg < u->ng ? g0 + u->bg : u->ng;               \
                /* the first group peeled: the sums start from +0 without a loop  \
                 * entry shared by all 12 (which makes the compiler copy them on    \
                 * every iteration) */                                              \
                __m512i ncs0 = _mm512_setzero_si512(), ncs1 = _mm512_setzero_si512();    \
                if (u->bcs) {                                                            \
                    const __m512i *cs = (const __m512i *)(u->bcs + b * PB_SIMD_NR);       \
                    ncs0 = _mm512_sub_epi32(ncs0, _mm512_slli_epi32(_mm512_loadu_si512(cs), 7)); \
                    ncs1 = _mm512_sub_epi32(ncs1, _mm512_slli_epi32(_mm512_loadu_si512(cs + 1), 7)); \
                }                                                                        \
                (void)ncs0;                                                              \
                (void)ncs1;                                                              \
                PB_UKR_HALF(PB_UKR_HSTART_##PARTIAL)                                     \
                PB_UKR_HRUN(OP, g0, g0 + 1)                                              \
                PB_UKR_HRUN(OP, g0 + 1, g1)                                              \
                const float *as = u->as + b * PB_SIMD_MR;                                \
                const __m512 bs0 = _mm512_loadu_ps(u->bs + b * PB_SIMD_NR);              \
                const __m512 bs1 = _mm512_loadu_ps(u->bs + b * PB_SIMD_NR + 16);         \
                PB_UKR_HALF(PB_UKR_HMERGE_##PARTIAL)                                     \
            }                                                                            \
            PB_UKR_HALF(PB_UKR_HSTORE)                                                   \
        }                                                                                \
    }                                                                                    \
    void NAME(const pb_simd_ukr_args *u)                                                 \
    {                                                                                    \
        _Static_assert(PB_SIMD_MR == 12 && PB_SIMD_NR == 32, "tile shape");               \
        if (u->bg == 0) NAME##_plain(u);                                                 \
        else NAME##_blocked(u);                                                          \
    }

#endif
