/* B in column panels and the block-scale factors, shared by the tensor-core
 * and low-precision-accumulator kernels (gemm_tc_avx512.c,
 * gemm_lowp_avx512.c), which walk B a panel of W columns at a time. */
#include <stdlib.h>

#include "gemm/gemm_internal.h"
#include "simd/gemm_pack_quant.h"

pb_status pb_simd_panels_make(const pb_gemm_job *job, const float *bq, size_t w,
                              pb_simd_panels *out)
{
    const size_t N = job->n, K = job->k, M = job->m;
    const size_t npanels = (N + w - 1) / w, npad = npanels * w;
    const size_t nblocks = job->block ? job->nblocks : 1;
    *out = (pb_simd_panels){.npanels = npanels, .npad = npad};
    out->bpanel = pb_simd_buf(PB_SIMD_BUF_BPACK, npad * K * sizeof(float) + 64);
    if (job->block) {
        out->fa = malloc((M * nblocks + 1) * sizeof *out->fa);
        out->fb = malloc((nblocks * npad + 1) * sizeof *out->fb);
    }
    if (!out->bpanel || (job->block && (!out->fa || !out->fb))) {
        pb_simd_panels_free(out);
        return PB_ERR_NOMEM;
    }
    if (job->block) {
        /* block factors: A per row [i][b], B per block [b][j] (padded) */
        const pb_scales *sa = &job->op[0].sc, *sb = &job->op[1].sc;
        for (size_t i = 0; i < M * nblocks; i++) out->fa[i] = sa->blk ? sa->blk[i] : 1.0f;
        for (size_t bb = 0; bb < nblocks; bb++)
            for (size_t j = 0; j < npad; j++)
                out->fb[bb * npad + j] =
                    j >= N ? 0.0f : sb->blk ? sb->blk[j * nblocks + bb] : 1.0f;
    }
    /* bpanel[(p*K + k)*w + l] = B(k, p*w + l), zero past N; bq is N x K */
    float *bpanel = out->bpanel;
#pragma omp parallel for schedule(static) num_threads(job->threads)
    for (size_t p = 0; p < npanels; p++)
        for (size_t k = 0; k < K; k++)
            for (size_t l = 0; l < w; l++) {
                const size_t j = p * w + l;
                bpanel[(p * K + k) * w + l] = j < N ? bq[j * K + k] : 0.0f;
            }
    return PB_OK;
}

void pb_simd_panels_free(pb_simd_panels *p)
{
    free(p->fa);
    free(p->fb);
    p->fa = p->fb = NULL;
}

pb_status pb_simd_run_tasks(int threads, size_t ntasks, size_t bytes, pb_simd_task_fn *task,
                            const void *ctx)
{
    bool nomem = false;
#pragma omp parallel num_threads(threads)
    {
        void *buf = pb_simd_buf(PB_SIMD_BUF_APACK, bytes);
        if (!buf) {
#pragma omp atomic write
            nomem = true;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t t = 0; t < ntasks; t++)
            if (buf) task(ctx, t, buf);
    }
    return nomem ? PB_ERR_NOMEM : PB_OK;
}
