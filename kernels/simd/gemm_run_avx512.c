/* The fast GEMM kernels' run(): quantised operands (gemm_pack_quant.h)
 * through the packed engine (gemm_pack.h); each finished tile's
 * accumulator values go through a 16-lane transcription of
 * pb_gemm_finish_row (the same float operations in the same order, so the
 * same bits: tests/test_gemm_fast.c). */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "gemm/gemm_internal.h"
#include "simd/gemm_pack_quant.h"
#include "simd/gemm_pack_run.h"

typedef struct epilogue_ctx {
    pb_gemm_job *job;
    bool int_sums;          /* tile holds int32 sums of A + 128 (I8, no blocks) */
    const int32_t *colsum;  /* I8: sums of B's codes per column (of all K)    */
    bool out_identity;      /* fp32 output: the output rounding changes nothing */
} epilogue_ctx;

static __mmask16 lane_mask(size_t nr, int h)
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
static void finish_row(const epilogue_ctx *e, size_t i, size_t j0, size_t nr, float *acc)
{
    pb_gemm_job *job = e->job;
    const float oa = job->op[0].sc.outer[i];
    const float *ob = job->op[1].sc.outer + j0;
    for (int h = 0; h < 2; h++) {
        const __mmask16 m = lane_mask(nr, h);
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
        const __mmask16 m = lane_mask(nr, h);
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

/* Tile rows -> accumulator values -> the finished row of C. */
static void epilogue(const void *vctx, size_t i0, size_t j0, size_t mr, size_t nr,
                     const uint32_t *tile)
{
    const epilogue_ctx *e = vctx;
    float acc[PB_SIMD_NR] __attribute__((aligned(64)));
    for (size_t i = 0; i < mr; i++) {
        const uint32_t *row = tile + i * PB_SIMD_NR;
        if (e->int_sums) {
            /* sum a*b = sum (a + 128)*b - 128 * sum b, modulo 2^32; then
             * int32 -> binary32 with round to nearest even */
            for (int h = 0; h < 2; h++) {
                __m512i cs = _mm512_maskz_loadu_epi32(lane_mask(nr, h), e->colsum + j0 + 16 * h);
                __m512i s = _mm512_sub_epi32(_mm512_load_si512(row + 16 * h), _mm512_slli_epi32(cs, 7));
                _mm512_store_ps(acc + 16 * h, _mm512_cvtepi32_ps(s));
            }
        } else {
            memcpy(acc, row, sizeof acc);
        }
        finish_row(e, i0 + i, j0, nr, acc);
    }
}

pb_status pb_simd_gemm_job(pb_gemm_job *job, pb_simd_kind kind, pb_simd_f32_op f32_op)
{
    const size_t kw = pb_simd_kind_kw(kind);
    if (job->block && job->block % kw) return pb_gemm_model_run(job);
    pb_simd_operand a, b;
    pb_status st = pb_simd_operand_prepare(job, 0, kind, &a);
    if (st == PB_OK) {
        st = pb_simd_operand_prepare(job, 1, kind, &b);
        if (st != PB_OK) pb_simd_operand_free(&a);
    }
    if (st == PB_ERR_UNSUPPORTED) return pb_gemm_model_run(job);
    if (st != PB_OK) return st;

    const bool blocked = job->block > 0;
    /* Block factors per row / column: blk, or 1 for an operand without. */
    float *fa = NULL, *fb = NULL;
    const size_t nb = job->nblocks;
    if (blocked) {
        fa = malloc((job->m * nb + 1) * sizeof *fa);
        fb = malloc((job->n * nb + 1) * sizeof *fb);
        if (!fa || !fb) {
            st = PB_ERR_NOMEM;
            goto done;
        }
        for (int w = 0; w < 2; w++) {
            const pb_scales *sc = &job->op[w].sc;
            float *f = w == 0 ? fa : fb;
            const size_t rows = w == 0 ? job->m : job->n;
            for (size_t r = 0; r < rows * nb; r++) f[r] = sc->blk ? sc->blk[r] : 1.0f;
        }
    }

    epilogue_ctx ectx = {
        .job = job,
        .int_sums = kind == PB_SIMD_KIND_I8 && !blocked,
        .colsum = b.colsum,
        .out_identity = strcmp(job->scheme->out->spec.name, "fp32") == 0,
    };
    pb_simd_gemm_loop loop = {
        .kind = kind,
        .f32_op = f32_op,
        .m = job->m,
        .n = job->n,
        .k = job->k,
        .a = a.src,
        .b = b.src,
        .block = job->block,
        .nblocks = nb,
        .blk_a = fa,
        .blk_b = fb,
        .colsum_b = blocked ? b.colsum : NULL,
        .epilogue = epilogue,
        .epilogue_ctx = &ectx,
        .threads = job->threads,
    };
    st = pb_simd_gemm_run(&loop);

done:
    free(fa);
    free(fb);
    pb_simd_operand_free(&a);
    pb_simd_operand_free(&b);
    return st;
}
