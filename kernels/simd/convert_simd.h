/* Vectorised bulk conversion of float32 arrays (internal interface).
 *
 * kernels/format/convert.c calls these for each chunk of a pb_convert_f32 or
 * pb_round_f32 call when pb_convert_simd_supported() says yes; otherwise it
 * runs the scalar model.  The kernels reproduce the scalar model bit for bit
 * (tests/test_convert_simd.c): codes and rounded values for every format of
 * the table whose layout they know, every rounding mode, both overflow
 * policies, with the stochastic modes drawing the same Philox words as
 * pb_rng_u32 (element first_index + i uses index first_index + i).
 *
 * The pb_convert_*_avx512 functions contain AVX-512 instructions: call them
 * only after pb_convert_simd_supported() returned true, which checks the CPU
 * at run time.  They never fail (arguments were checked by the caller).
 */
#ifndef PRECBENCH_SIMD_CONVERT_SIMD_H
#define PRECBENCH_SIMD_CONVERT_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/format.h"

/* The instruction sets the CPU offers, detected once. */
typedef enum pb_simd_level {
    PB_SIMD_NONE = 0,
    PB_SIMD_AVX512 = 1,     /* AVX-512 F, BW, VL, DQ and BMI2, F16C         */
    PB_SIMD_AVX512BF16 = 2  /* the above plus AVX512-BF16                   */
} pb_simd_level;

pb_simd_level pb_simd_level_detect(void);
/* "avx512bf16", "avx512" or "scalar" for a level. */
const char *pb_simd_level_name(pb_simd_level level);

/* True when the CPU has AVX-512 and the kernels below implement this format
 * (named or run-time custom) with this rounding. */
bool pb_convert_simd_supported(const pb_format *f, const pb_rounding *r);

/* x: n float32 -> codes: n codes of f->code_bytes bytes, little-endian. */
void pb_convert_f32_avx512(const pb_format *f, const float *x, void *codes,
                           size_t n, const pb_rounding *r,
                           uint64_t first_index);
/* x: n float32 -> y: the rounded values as float32 (y may equal x). */
void pb_round_f32_avx512(const pb_format *f, const float *x, float *y,
                         size_t n, const pb_rounding *r, uint64_t first_index);

/* Whether the AVX-512 kernels accept the format and rounding; no CPU check
 * (pb_convert_simd_supported combines it with pb_simd_level_detect). */
bool pb_convert_avx512_handles(const pb_format *f, const pb_rounding *r);

/* bf16 under rne and `inf` on a CPU with AVX512-BF16: the vcvtne2ps2bf16
 * kernel (convert_avx512bf16.c) that pb_convert_f32_avx512 hands it to. */
bool pb_convert_avx512bf16_takes(const pb_format *f, const pb_rounding *r);
void pb_convert_bf16_avx512bf16(const float *x, uint16_t *codes, size_t n);

#endif
