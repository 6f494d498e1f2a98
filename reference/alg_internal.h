/* precbench: what the alternative algorithms share (reference/alg.c,
 * strassen.c, splitprec.c, ozaki.c).  Private to reference/. */
#ifndef PRECBENCH_ALG_INTERNAL_H
#define PRECBENCH_ALG_INTERNAL_H

#include "precbench/alg.h"
#include "precbench/gemm.h"
#include "precbench/scheme.h"

/* Elementwise loops are spread over threads from this many elements on. */
enum { PB_ALG_PAR_MIN = 1 << 15 };

/* The context of leaf number `leaf`: the caller's, with stream + leaf and
 * no delayed-scaling histories. */
pb_gemm_ctx pb_alg_leaf_ctx(const pb_gemm_ctx *ctx, uint32_t leaf);
/* The number of threads elementwise loops use (ctx->threads, or OpenMP's). */
int pb_alg_threads(const pb_gemm_ctx *ctx);

/* C = A B by Strassen or Winograd (alg->kind), float32, leaves by scheme. */
pb_status pb_alg_strassen_run(const pb_alg *alg, const pb_scheme *scheme,
                              const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                              const float *a, size_t lda, const float *b, size_t ldb,
                              float *c, size_t ldc);
void pb_alg_strassen_cost(const pb_alg *alg, size_t m, size_t n, size_t k,
                          pb_alg_cost *cost);

/* C = A B by bf16x3 / x6 / x9 / x3k, float32, products by scheme. */
pb_status pb_alg_split_run(const pb_alg *alg, const pb_scheme *scheme,
                           const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                           const float *a, size_t lda, const float *b, size_t ldb,
                           float *c, size_t ldc);
/* PB_OK when the scheme can multiply bf16 pieces exactly as given. */
pb_status pb_alg_split_check_scheme(const pb_scheme *scheme);
void pb_alg_split_cost(const pb_alg *alg, size_t m, size_t n, size_t k,
                       pb_alg_cost *cost);

/* C = A B by the Ozaki scheme, float64. */
pb_status pb_alg_ozaki_run(const pb_alg *alg, const pb_gemm_ctx *ctx,
                           size_t m, size_t n, size_t k,
                           const double *a, size_t lda, const double *b, size_t ldb,
                           double *c, size_t ldc);
void pb_alg_ozaki_cost(const pb_alg *alg, size_t m, size_t n, size_t k,
                       pb_alg_cost *cost);

#endif
