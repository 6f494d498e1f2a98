/* Entry of the fast GEMM kernels from their portable descriptors
 * (gemm_pack_fast.c) into the AVX-512 code (gemm_run_avx512.c). */
#ifndef PRECBENCH_SIMD_GEMM_PACK_RUN_H
#define PRECBENCH_SIMD_GEMM_PACK_RUN_H

#include "gemm/gemm_fast.h"
#include "simd/gemm_pack.h"

/* Every C element of the job through the packed engine with micro-kernel
 * `kind` (f32_op for F32).  Falls back to the model itself when the job
 * cannot run as `kind` (a scale block that splits a packed word, an I8
 * value outside int8).  Call only on a CPU with the kind's ISA. */
pb_status pb_simd_gemm_job(pb_gemm_job *job, pb_simd_kind kind, pb_simd_f32_op f32_op);

#endif
