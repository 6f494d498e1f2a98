/* The last steps of a fast GEMM (include from *_avx512*.c files only):
 * accumulator values of a row segment -> C, exactly as pb_gemm_finish_row
 * (kernels/gemm/gemm_epilogue.c) does it, on 16 lanes. */
#ifndef PRECBENCH_SIMD_GEMM_PACK_FINISH_H
#define PRECBENCH_SIMD_GEMM_PACK_FINISH_H

#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "gemm/gemm_fast.h"
#include "simd/gemm_pack.h"

/* What the finishing of a row needs besides the job (acc holds NR floats,
 * 64-byte aligned; only the first nr <= NR are used). */
typedef struct pb_simd_finish_ctx {
    pb_gemm_job *job;
    bool int_sums;          /* tile holds int32 sums of A + 128 (I8, no blocks) */
    const int32_t *colsum;  /* I8: sums of B's codes per column (of all K)    */
    bool out_identity;      /* fp32 output: the output rounding changes nothing */
} pb_simd_finish_ctx;

static inline __mmask16 pb_simd_lane_mask(size_t nr, int h)
{
    size_t lo = 16u * (size_t)h;
    return (__mmask16)(nr >= lo + 16 ? 0xffff : nr > lo ? (1u << (nr - lo)) - 1 : 0);
}

/* pb_gemm_finish_row (kernels/gemm/gemm_epilogue.c) on 16 lanes, the same
 * float operations in the same order:
 *     D = fl32(acc * fl32(outerA[i] * outerB[j])), output rounding,
 *     C = beta == 0 ? (alpha == 1 ? D : fl32(alpha * D))
 *                   : fl32((alpha == 1 ? D : fl32(alpha * D)) + fl32(beta * C)),
 *     NaN -> 0x7fc00000, non-finite results counted.
 * C is not read when beta == 0. */
static inline void pb_simd_finish_row(const pb_simd_finish_ctx *e, size_t i, size_t j0,
                                      size_t nr, float *acc)
{
    pb_gemm_job *job = e->job;
    const float oa = job->op[0].sc.outer[i];
    const float *ob = job->op[1].sc.outer + j0;
    for (int h = 0; h < 2; h++) {
        const __mmask16 m = pb_simd_lane_mask(nr, h);
        if (!m) break;
        __m512 tau = _mm512_mul_ps(_mm512_set1_ps(oa), _mm512_maskz_loadu_ps(m, ob + 16 * h));
        _mm512_store_ps(acc + 16 * h, _mm512_mul_ps(_mm512_load_ps(acc + 16 * h), tau));
    }
    if (!e->out_identity)
        pb_round_f32(job->scheme->out, acc, acc, nr, &job->out_round, (uint64_t)i * job->n + j0);
    float *crow = job->c + i * job->ldc + j0;
    const __m512 alpha = _mm512_set1_ps(job->alpha), beta = _mm512_set1_ps(job->beta);
    const __m512 cnan = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fc00000));
    const __m512 inf = _mm512_set1_ps(INFINITY);
    unsigned nonfinite = 0;
    for (int h = 0; h < 2; h++) {
        const __mmask16 m = pb_simd_lane_mask(nr, h);
        if (!m) break;
        __m512 c = _mm512_load_ps(acc + 16 * h);
        if (job->alpha != 1.0f) c = _mm512_mul_ps(alpha, c);
        if (job->beta != 0.0f)
            c = _mm512_add_ps(c, _mm512_mul_ps(beta, _mm512_maskz_loadu_ps(m, crow + 16 * h)));
        /* |c| == inf or NaN: not (|c| < inf) */
        __mmask16 bad = _mm512_mask_cmp_ps_mask(m, _mm512_abs_ps(c), inf, _CMP_NLT_UQ);
        nonfinite += (unsigned)__builtin_popcount(bad);
        c = _mm512_mask_mov_ps(c, _mm512_cmp_ps_mask(c, c, _CMP_UNORD_Q), cnan);
        _mm512_mask_storeu_ps(crow + 16 * h, m, c);
    }
    if (nonfinite) __atomic_fetch_add(&job->outputs_nonfinite, nonfinite, __ATOMIC_RELAXED);
}

/* Is the output rounding the identity on binary32 values (fp32 output, in
 * any mode: the value is already a float)? */
static inline bool pb_simd_out_identity(const pb_gemm_job *job)
{
    return strcmp(job->scheme->out->spec.name, "fp32") == 0;
}

#endif
