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

/* Every C element of a job whose accumulator is `tensorcore`
 * (gemm_tc_avx512.c); runs the model itself for inputs that quantise to
 * inf or NaN.  Call only on a CPU with AVX-512. */
pb_status pb_simd_gemm_tc(pb_gemm_job *job);

/* Every C element of a job whose accumulator is a low-precision one
 * (`fp16:MODE`, `bf16:MODE`; gemm_lowp_avx512.c).  Call only on a CPU
 * with AVX-512. */
pb_status pb_simd_gemm_lowp(pb_gemm_job *job);

#endif
