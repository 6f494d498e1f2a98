/* int8 micro-kernel of the packed GEMM engine: 12 x 32 vpdpbusd, u8 (A + 128)
 * by s8 (B), int32 wrap-around accumulators.  Removing 128 * (column sum of
 * B) afterwards gives the exact sum modulo 2^32 whatever K: the `int32`
 * accumulator model (exact sum wrapped to int32). */
#define PB_UKR_INT_ACC
#include "simd/gemm_pack_ukr.h"

PB_UKR_DEFINE(pb_simd_ukr_i8, DPBUSD, INT)
