/* fp32 micro-kernels of the packed GEMM engine: 12 x 32 broadcast FMA, and
 * the same with a separate multiply and add.  Each accumulator receives its
 * products for k = 0, 1, ... in order: `fp32fma` (s = fmaf(a, b, s)) and
 * `fp32` (s = fl32(s + fl32(a * b))) bit for bit. */
#include "simd/gemm_pack_ukr.h"

PB_UKR_DEFINE(pb_simd_ukr_fma, FMA, FLOAT)
PB_UKR_DEFINE(pb_simd_ukr_muladd, MULADD, FLOAT)
