/* Operand preparation of the fast GEMM kernels (internal): the quantised
 * inputs of docs/schemes.md section 1 as the compact sources the packed
 * engine reads (gemm_pack.h).
 *
 * The values are the model's own: pb_gemm_quantise (kernels/gemm/) gives q
 * for any block of rows, bit-identical to the model; this step only stores
 * them compactly, rows along K:
 *   F32   q as floats, or, for unscaled fp32 (whose quantisation is the
 *         identity up to NaN payloads, which the output canonicalises),
 *         the caller's matrix itself, read through its layout;
 *   BF16  the top 16 bits of q (exact: q is a bf16 value);
 *   I8    q as int8_t (q is an integer code in [-128, 127]).
 */
#ifndef PRECBENCH_SIMD_GEMM_PACK_QUANT_H
#define PRECBENCH_SIMD_GEMM_PACK_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gemm/gemm_fast.h"
#include "simd/gemm_pack.h"

typedef struct pb_simd_operand {
    pb_simd_src src;         /* what the engine reads                         */
    int32_t *colsum;         /* I8 B: rows x nblocks sums of the codes        */
    void *buf;               /* the compact copy: scratch of the calling
                                thread (pb_simd_buf), valid until its next
                                preparation of the same operand            */
} pb_simd_operand;

/* Prepare operand `which` (0: A, 1: B) of the job for `kind`; colsum for
 * I8.  copy: always make the compact copy (rows along K, ld = K), even
 * where F32 could read the caller's matrix.  PB_OK; PB_ERR_NOMEM;
 * PB_ERR_UNSUPPORTED when a quantised value does not fit the kind (an I8
 * value that is not an integer in [-128, 127]): the caller runs the model
 * instead. */
pb_status pb_simd_operand_prepare(const pb_gemm_job *job, int which, pb_simd_kind kind,
                                  bool copy, pb_simd_operand *op);
void pb_simd_operand_free(pb_simd_operand *op);
/* Both operands of the job; on failure neither is left prepared, and the
 * status says why (PB_ERR_UNSUPPORTED: the caller runs the model). */
pb_status pb_simd_operands_prepare(const pb_gemm_job *job, pb_simd_kind kind, bool copy,
                                   pb_simd_operand *a, pb_simd_operand *b);

/* B (quantised, N x K, bq) in column panels of width w, k-major inside a
 * panel, zero past N; and for block-scaled jobs the block factors, fa[i][b]
 * per row of A and fb[b][j] per column of B (zero past N).  bpanel is the
 * calling thread's PB_SIMD_BUF_BPACK buffer; pb_simd_panels_free releases
 * the factors. */
typedef struct pb_simd_panels {
    float *bpanel, *fa, *fb;
    size_t npanels, npad;
} pb_simd_panels;
pb_status pb_simd_panels_make(const pb_gemm_job *job, const float *bq, size_t w,
                              pb_simd_panels *out);
void pb_simd_panels_free(pb_simd_panels *p);

/* task(ctx, t, buf) for every t < ntasks on `threads` OpenMP threads
 * (dynamic schedule, one task at a time), buf being `bytes` of the running
 * thread's PB_SIMD_BUF_APACK scratch.  PB_ERR_NOMEM when a thread cannot
 * have its scratch (its tasks are then not run). */
typedef void pb_simd_task_fn(const void *ctx, size_t t, void *buf);
pb_status pb_simd_run_tasks(int threads, size_t ntasks, size_t bytes, pb_simd_task_fn *task,
                            const void *ctx);

#endif
