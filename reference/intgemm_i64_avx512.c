/* precbench reference: the int64 integer GEMM's inner kernels built with
 * AVX-512 (the build gives *_avx512.c files the ISA flags).  Called only
 * after intgemm_i64.c has checked the CPU. */
#define PB_IG_KERNEL(name) name##_avx512
#include "intgemm_i64_kernel.h"
