/* The fixed-point path of the tensor-core model on AVX-512
 * (gemm_tc_fixed_avx512.c), entered from pb_simd_gemm_tc (gemm_tc_avx512.c)
 * once the operands are quantised and known to be finite. */
#ifndef PRECBENCH_SIMD_GEMM_TC_FIXED_H
#define PRECBENCH_SIMD_GEMM_TC_FIXED_H

#include <stdbool.h>

#include "gemm/gemm_fast.h"

/* Can the path run this scheme at all (formats, parameters)?  The data
 * may still be out of its range: see pb_simd_gemm_tc_fixed. */
bool pb_simd_tc_fixed_scheme(const pb_gemm_job *job);

/* Every C element of the job.  aq: quantised A, M x K, rows along K; bq:
 * quantised B, N x K (its columns), rows along K; every value finite.
 * PB_OK; PB_ERR_NOMEM; PB_ERR_UNSUPPORTED (nothing written) when an
 * exponent of the data is outside the path's range: the caller runs
 * another path. */
pb_status pb_simd_gemm_tc_fixed(pb_gemm_job *job, const float *aq, const float *bq);

#endif
