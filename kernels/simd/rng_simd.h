/* Vectorised counter-based random words (internal interface).
 *
 * pb_rng_fill_u32_avx512 writes exactly the words of pb_rng_fill_u32
 * (include/precbench/rng.h): out[i] = pb_rng_u32(seed, stream,
 * first_index + i, draw).  It contains AVX-512 instructions: call it only
 * where pb_simd_level_detect() (simd/convert_simd.h) is not PB_SIMD_NONE.
 */
#ifndef PRECBENCH_SIMD_RNG_SIMD_H
#define PRECBENCH_SIMD_RNG_SIMD_H

#include <stddef.h>
#include <stdint.h>

void pb_rng_fill_u32_avx512(uint64_t seed, uint32_t stream, uint64_t first_index,
                            uint32_t draw, uint32_t *out, size_t n);

#endif
