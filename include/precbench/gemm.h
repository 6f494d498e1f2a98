/* precbench: GEMM through a precision scheme.
 *
 *     C = alpha * op(A) * op(B) + beta * C
 *
 * Storage is float32, row-major, with leading dimensions (BLAS row-major
 * convention: op(A) is M x K, op(B) is K x N, C is M x N; A is stored M x K
 * with lda >= K when not transposed, K x M with lda >= M when transposed).
 * The scheme decides everything in between: input formats and scaling,
 * accumulator model, output rounding.  alpha and beta are applied in fp32
 * after the scheme's output rounding:  C = fl(alpha * D) + fl(beta * C),
 * where D is the scheme's result; alpha == 1 and beta == 0 leave D untouched.
 * If beta is zero C is never read (NaN in C does not propagate).
 */
#ifndef PRECBENCH_GEMM_H
#define PRECBENCH_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/status.h"

typedef enum pb_trans { PB_NO_TRANS = 0, PB_TRANS = 1 } pb_trans;

typedef struct pb_scheme pb_scheme;           /* see scheme.h */
typedef struct pb_scaling_state pb_scaling_state; /* delayed-scaling history */

/* Optional statistics a GEMM call adds to (all counts over the quantised
 * inputs and the output). */
typedef struct pb_gemm_stats {
    uint64_t inputs_overflowed;   /* became inf/NaN or saturated             */
    uint64_t inputs_underflowed;  /* nonzero values that became zero         */
    uint64_t outputs_nonfinite;
    uint64_t calls;
} pb_gemm_stats;

/* What a call carries besides the matrices. */
typedef struct pb_gemm_ctx {
    uint64_t seed;             /* stochastic rounding key                     */
    uint32_t stream;           /* distinct per GEMM call when SR must differ  */
    int threads;               /* 0: OpenMP default                           */
    bool force_model;          /* run the scalar model even if a fast kernel exists */
    pb_scaling_state *delayed_a, *delayed_b; /* delayed scaling: per operand history (NULL: current amax) */
    pb_gemm_stats *stats;      /* NULL: no statistics                         */
} pb_gemm_ctx;

pb_gemm_ctx pb_gemm_ctx_default(void);

pb_status pb_gemm(const pb_scheme *scheme, const pb_gemm_ctx *ctx,
                  pb_trans trans_a, pb_trans trans_b,
                  size_t m, size_t n, size_t k,
                  float alpha, const float *a, size_t lda,
                  const float *b, size_t ldb,
                  float beta, float *c, size_t ldc);

/* Which implementation pb_gemm would use for this scheme now:
 * "model" or the fast kernel's name (e.g. "avx512bf16"). */
const char *pb_gemm_backend(const pb_scheme *scheme);

#endif
