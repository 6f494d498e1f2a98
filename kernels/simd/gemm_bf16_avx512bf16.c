/* bf16 micro-kernel of the packed GEMM engine: 12 x 32 vdpbf16ps.
 * With pairs packed {hi = k, lo = k+1} each accumulator receives the
 * measured vdpbf16ps step (docs/cpu_dot_instructions.md) for k = 0, 1, ...
 * in order: the `dpbf16` accumulator model, bit for bit. */
#include "simd/gemm_pack_ukr.h"

PB_UKR_DEFINE(pb_simd_ukr_bf16, DPBF16, FLOAT)
