/* precbench: the registered fast GEMM kernels, one line each, in order of
 * preference (see gemm_fast.h):
 *
 *     PB_GEMM_FAST_KERNEL(pb_gemm_fast_<name>)
 *
 * This file is included twice by gemm_fast.c: once to declare the
 * descriptors, once to list them. */
PB_GEMM_FAST_KERNEL(pb_gemm_fast_avx512bf16)
PB_GEMM_FAST_KERNEL(pb_gemm_fast_avx512vnni)
PB_GEMM_FAST_KERNEL(pb_gemm_fast_avx512)
PB_GEMM_FAST_KERNEL(pb_gemm_fast_avx512tc)
PB_GEMM_FAST_KERNEL(pb_gemm_fast_avx512lowp)
