/* precbench: counter-based random numbers.
 *
 * Every random word is a pure function of (seed, stream, index, draw): there is
 * no generator state, so stochastic rounding gives the same bits whatever the
 * thread count, tiling or order of evaluation.  The words come from Random123's
 * Philox4x32-10 (the same bits in C and in CUDA):
 *
 *     key     = { seed & 0xffffffff, seed >> 32 }
 *     counter = { (index >> 2) & 0xffffffff, index >> 34, stream, draw }
 *     word    = philox4x32_10(counter, key)[index & 3]
 *
 * so the four elements index = 4j .. 4j+3 share one Philox call (a vectorised
 * path generates 4 words per call), and an element that needs more than one
 * word (exact stochastic rounding in the rare case that 32 bits do not decide)
 * takes draw = 1, 2, ...
 */
#ifndef PRECBENCH_RNG_H
#define PRECBENCH_RNG_H

#include <stddef.h>
#include <stdint.h>

uint32_t pb_rng_u32(uint64_t seed, uint32_t stream, uint64_t index, uint32_t draw);

/* out[i] = pb_rng_u32(seed, stream, first_index + i, draw), i < n: one
 * Philox call per four aligned indices. */
void pb_rng_fill_u32(uint64_t seed, uint32_t stream, uint64_t first_index,
                     uint32_t draw, uint32_t *out, size_t n);

/* Uniform double in [0, 1) with 53 random bits:
 * (w_draw * 2^21 + (w_{draw+1} >> 11)) * 2^-53, w_d = pb_rng_u32(..., d). */
double pb_rng_uniform(uint64_t seed, uint32_t stream, uint64_t index, uint32_t draw);

/* Standard normal deviate (Box-Muller on draws 0..3 of `index`):
 * sqrt(-2 ln(1 - u1)) cos(2 pi u2), u1 = pb_rng_uniform(..., 0),
 * u2 = pb_rng_uniform(..., 2).  Uses libm's log and cos. */
double pb_rng_normal(uint64_t seed, uint32_t stream, uint64_t index);

#endif
