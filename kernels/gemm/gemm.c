/* precbench: pb_gemm, C = alpha * op(A) * op(B) + beta * C through a
 * precision scheme (precbench/gemm.h, docs/schemes.md section 1).
 *
 * This file validates the call and sets up the job; gemm_operand.c
 * computes scales and quantised values, gemm_model.c is the scalar model
 * and gemm_fast.c picks a registered fast kernel when one supports the
 * scheme (ctx->force_model bypasses it). */
#include <omp.h>
#include <stdint.h>
#include <string.h>

#include "gemm/gemm_internal.h"

pb_gemm_ctx pb_gemm_ctx_default(void)
{
    pb_gemm_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    return ctx;
}

static bool mul_overflows(size_t a, size_t b)
{
    return a && b > SIZE_MAX / a;
}

/* Element (r, kk) of an operand as rows along K (docs/schemes.md, 1.1). */
static void operand_layout(pb_gemm_operand *op, bool is_b, pb_trans t,
                           const float *x, size_t ld)
{
    bool row_contiguous = is_b ? (t == PB_TRANS) : (t == PB_NO_TRANS);
    op->x = x;
    op->rs = row_contiguous ? ld : 1;
    op->ks = row_contiguous ? 1 : ld;
}

pb_status pb_gemm(const pb_scheme *scheme, const pb_gemm_ctx *ctx,
                  pb_trans trans_a, pb_trans trans_b,
                  size_t m, size_t n, size_t k,
                  float alpha, const float *a, size_t lda,
                  const float *b, size_t ldb,
                  float beta, float *c, size_t ldc)
{
    if (!scheme) return PB_ERR_ARG;
    if ((trans_a != PB_NO_TRANS && trans_a != PB_TRANS) ||
        (trans_b != PB_NO_TRANS && trans_b != PB_TRANS))
        return PB_ERR_ARG;
    pb_gemm_ctx def = pb_gemm_ctx_default();
    if (!ctx) ctx = &def;
    if (ctx->threads < 0) return PB_ERR_ARG;
    /* stored shapes: A is M x K (lda >= K) or K x M (lda >= M); B is
     * K x N (ldb >= N) or N x K (ldb >= K); C is M x N (ldc >= N) */
    size_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
    size_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
    if (lda < a_cols || ldb < b_cols || ldc < n) return PB_ERR_ARG;
    if ((a_rows && a_cols && !a) || (b_rows && b_cols && !b) || (m && n && !c))
        return PB_ERR_ARG;
    if (mul_overflows(a_rows, lda) || mul_overflows(b_rows, ldb) ||
        mul_overflows(m, ldc) || mul_overflows(m, k) || mul_overflows(n, k) ||
        mul_overflows(m * k, sizeof(double)) || mul_overflows(n * k, sizeof(double)))
        return PB_ERR_NOMEM;
    /* random indices (i * N + j) * K + k must not wrap */
    if (mul_overflows(m, n) || mul_overflows(m * n, k ? k : 1))
        return PB_ERR_NOMEM;

    if (m == 0 || n == 0) {
        if (ctx->stats) ctx->stats->calls++;
        return PB_OK;
    }

    pb_gemm_job job;
    memset(&job, 0, sizeof job);
    job.scheme = scheme;
    job.ctx = ctx;
    /* By default a small product runs on one thread: below about 2^18
     * multiply-adds, starting an OpenMP team costs more than it saves
     * (Strassen's leaves are such products).  Results do not depend on it. */
    if (ctx->threads > 0)
        job.threads = ctx->threads;
    else if ((double)m * (double)n * (double)k < (double)(1u << 18))
        job.threads = 1;
    else
        job.threads = omp_get_max_threads();
    if (job.threads < 1) job.threads = 1;
    job.m = m;
    job.n = n;
    job.k = k;
    job.alpha = alpha;
    job.beta = beta;
    job.c = c;
    job.ldc = ldc;
    job.block = scheme->block;
    job.nblocks = job.block ? (k + job.block - 1) / job.block : 1;

    /* random streams: A 4s, B 4s + 1, accumulator 4s + 2, output 4s + 3 */
    uint32_t s4 = ctx->stream * 4u;
    const pb_scaling_state *state[2] = {ctx->delayed_a, ctx->delayed_b};
    for (int w = 0; w < 2; w++) {
        pb_gemm_operand *op = &job.op[w];
        op->fmt = scheme->fmt[w];
        op->rows = w == 0 ? m : n;
        op->k = k;
        operand_layout(op, w == 1, w == 0 ? trans_a : trans_b, w == 0 ? a : b,
                       w == 0 ? lda : ldb);
        op->round = scheme->in_round;
        op->round.overflow = PB_OVERFLOW_INF;
        op->round.seed = ctx->seed;
        op->round.stream = s4 + (uint32_t)w;
        op->state = pb_scaling_is_delayed(&scheme->scale[w]) ? state[w] : NULL;
    }
    job.acc_stream = s4 + 2u;
    job.out_round = scheme->out_round;
    job.out_round.seed = ctx->seed;
    job.out_round.stream = s4 + 3u;

    pb_status st = pb_gemm_prepare(&job);
    if (st == PB_OK) {
        const pb_gemm_fast *fast = ctx->force_model ? NULL : pb_gemm_fast_find(scheme);
        st = fast ? fast->run(&job) : pb_gemm_model_run(&job);
    }
    if (st == PB_OK) {
        /* the history learns this call's amax only after the call */
        if (job.op[0].state)
            pb_scaling_state_push(ctx->delayed_a, job.op[0].sc.amax);
        if (job.op[1].state)
            pb_scaling_state_push(ctx->delayed_b, job.op[1].sc.amax);
        if (ctx->stats) {
            for (int w = 0; w < 2; w++) {
                uint64_t over, under;
                pb_gemm_input_stats(&job, w, &over, &under);
                ctx->stats->inputs_overflowed += over;
                ctx->stats->inputs_underflowed += under;
            }
            ctx->stats->outputs_nonfinite += job.outputs_nonfinite;
            ctx->stats->calls++;
        }
    }
    pb_gemm_release(&job);
    return st;
}
