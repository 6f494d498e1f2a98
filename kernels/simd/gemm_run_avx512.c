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
#include "simd/gemm_pack_finish.h"
#include "simd/gemm_pack_run.h"

/* Tile rows -> accumulator values -> the finished row of C. */
static void epilogue(const void *vctx, size_t i0, size_t j0, size_t mr, size_t nr,
                     const uint32_t *tile)
{
    const pb_simd_finish_ctx *e = vctx;
    float acc[PB_SIMD_NR] __attribute__((aligned(64)));
    for (size_t i = 0; i < mr; i++) {
        const uint32_t *row = tile + i * PB_SIMD_NR;
        if (e->int_sums) {
            /* sum a*b = sum (a + 128)*b - 128 * sum b, modulo 2^32; then
             * int32 -> binary32 with round to nearest even */
            for (int h = 0; h < 2; h++) {
                __m512i cs = _mm512_maskz_loadu_epi32(pb_simd_lane_mask(nr, h), e->colsum + j0 + 16 * h);
                __m512i s = _mm512_sub_epi32(_mm512_load_si512(row + 16 * h), _mm512_slli_epi32(cs, 7));
                _mm512_store_ps(acc + 16 * h, _mm512_cvtepi32_ps(s));
            }
        } else {
            memcpy(acc, row, sizeof acc);
        }
        pb_simd_finish_row(e, i0 + i, j0, nr, acc);
    }
}

pb_status pb_simd_gemm_job(pb_gemm_job *job, pb_simd_kind kind, pb_simd_f32_op f32_op)
{
    const size_t kw = pb_simd_kind_kw(kind);
    if (job->block && job->block % kw) return pb_gemm_model_run(job);
    pb_simd_operand a, b;
    pb_status st = pb_simd_operands_prepare(job, kind, false, &a, &b);
    if (st == PB_ERR_UNSUPPORTED) return pb_gemm_model_run(job);
    if (st != PB_OK) return st;

    const bool blocked = job->block > 0;
    /* Block factors per row / column: the operand's blk, or 1 for an
     * operand without (then a row of ones is made). */
    const float *fa = NULL, *fb = NULL;
    float *ones = NULL;
    const size_t nb = job->nblocks;
    if (blocked) {
        fa = job->op[0].sc.blk;
        fb = job->op[1].sc.blk;
        if (!fa || !fb) {
            const size_t rows = !fa && !fb ? (job->m > job->n ? job->m : job->n)
                                : !fa      ? job->m
                                           : job->n;
            ones = malloc((rows * nb + 1) * sizeof *ones);
            if (!ones) {
                st = PB_ERR_NOMEM;
                goto done;
            }
            for (size_t r = 0; r < rows * nb; r++) ones[r] = 1.0f;
            if (!fa) fa = ones;
            if (!fb) fb = ones;
        }
    }

    pb_simd_finish_ctx ectx = {
        .job = job,
        .int_sums = kind == PB_SIMD_KIND_I8 && !blocked,
        .colsum = b.colsum,
        .out_identity = pb_simd_out_identity(job),
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
    free(ones);
    pb_simd_operand_free(&a);
    pb_simd_operand_free(&b);
    return st;
}
