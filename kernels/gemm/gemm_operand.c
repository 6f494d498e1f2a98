/* precbench: the operands of a GEMM: their scales, their quantised values
 * (docs/schemes.md, section 1, steps 1-3) and their input statistics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm/gemm_internal.h"
#include "simd/gemm_pack.h"

pb_status pb_gemm_prepare(pb_gemm_job *job)
{
    for (int w = 0; w < 2; w++) {
        pb_gemm_operand *op = &job->op[w];
        const pb_scaling *s = &job->scheme->scale[w];
        /* The scales read the operand where it lies, transposed or not,
         * and live in the calling thread's scratch memory, reused from call
         * to call (fresh pages for megabytes of block scales would cost
         * page faults every call). */
        size_t bytes = pb_scales_bytes(s, op->rows, op->k);
        void *buf = bytes ? pb_simd_buf(w == 0 ? PB_SIMD_BUF_SCALES_A : PB_SIMD_BUF_SCALES_B, bytes)
                          : NULL;
        pb_status st = pb_scale_compute_in(s, op->fmt, op->x, op->rows, op->k, op->rs, op->ks,
                                           job->threads, op->state, buf, buf ? bytes : 0, &op->sc);
        if (st != PB_OK) return st;
        if (op->sc.saturate) op->round.overflow = PB_OVERFLOW_SAT;
    }
    return PB_OK;
}

void pb_gemm_release(pb_gemm_job *job)
{
    pb_scales_free(&job->op[0].sc);
    pb_scales_free(&job->op[1].sc);
}

/* fl32(x * enc) for element kk of row r (enc == 1 leaves x as it is). */
static inline float scaled_value(const pb_gemm_operand *op, size_t r,
                                 size_t kk, float x)
{
    size_t b = op->sc.block ? kk / op->sc.block : 0;
    double enc = op->sc.enc[r * op->sc.nblocks + b];
    return enc == 1.0 ? x : (float)((double)x * enc);
}

void pb_gemm_quantise(const pb_gemm_job *job, int which, size_t r0,
                      size_t r1, size_t k0, size_t k1, float *dst,
                      size_t lddst)
{
    const pb_gemm_operand *op = &job->op[which];
    size_t len = k1 - k0;
    for (size_t r = r0; r < r1; r++) {
        float *d = dst + (r - r0) * lddst;
        const float *src = op->x + r * op->rs + k0 * op->ks;
        for (size_t t = 0; t < len; t++)
            d[t] = scaled_value(op, r, k0 + t, src[t * op->ks]);
        /* the bulk rounding is bit-identical to pb_format_round, element t
         * taking the input index r * K + k0 + t */
        pb_round_f32(op->fmt, d, d, len, &op->round, (uint64_t)r * op->k + k0);
    }
}

void pb_gemm_input_stats(const pb_gemm_job *job, int which,
                         uint64_t *overflowed, uint64_t *underflowed)
{
    const pb_gemm_operand *op = &job->op[which];
    double fmax = op->fmt->max_finite;
    uint64_t over = 0, under = 0;
    if (op->k == 0) {
        *overflowed = *underflowed = 0;
        return;
    }
#pragma omp parallel num_threads(job->threads) reduction(+ : over, under)
    {
        float *q = malloc(op->k * sizeof *q);
#pragma omp for schedule(static)
        for (size_t r = 0; r < op->rows; r++) {
            if (!q) continue;
            pb_gemm_quantise(job, which, r, r + 1, 0, op->k, q, op->k);
            for (size_t kk = 0; kk < op->k; kk++) {
                float x = op->x[r * op->rs + kk * op->ks];
                if (!isfinite(x)) continue;
                float y = scaled_value(op, r, kk, x);
                if (!isfinite(y) || fabs((double)y) > fmax || !isfinite(q[kk]))
                    over++;
                if (x != 0.0f && q[kk] == 0.0f) under++;
            }
        }
        free(q);
    }
    *overflowed = over;
    *underflowed = under;
}

float pb_gemm_block_factor(const pb_gemm_job *job, size_t i, size_t j,
                           size_t b)
{
    const pb_scales *sa = &job->op[0].sc, *sb = &job->op[1].sc;
    double fa = sa->blk ? sa->blk[i * sa->nblocks + b] : 1.0;
    double fb = sb->blk ? sb->blk[j * sb->nblocks + b] : 1.0;
    return (float)(fa * fb); /* exact product, one rounding */
}

pb_accum_env pb_gemm_accum_env(const pb_gemm_job *job, size_t i, size_t j,
                               size_t k0)
{
    pb_accum_env env = pb_accum_env_default();
    env.seed = job->ctx->seed;
    env.stream = job->acc_stream;
    env.index0 = ((uint64_t)i * job->n + j) * job->k + k0;
    for (int w = 0; w < 2; w++) {
        const pb_format *f = job->op[w].fmt;
        int emin = f->spec.kind == PB_FORMAT_KIND_FLOAT ? f->emin : -126;
        if (w == 0) env.emin_a = emin;
        else env.emin_b = emin;
    }
    env.out = job->scheme->out;
    env.out_round = job->out_round;
    env.out_index = (uint64_t)i * job->n + j;
    return env;
}
