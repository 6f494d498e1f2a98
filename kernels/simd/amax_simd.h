/* Vectorised amax scans for the scaling methods (internal interface).
 *
 * kernels/scale/scale_common.c calls these when pb_simd_level_detect()
 * reports AVX-512; otherwise it runs its portable loops.  Both give the
 * same values: max |x| over the elements, NaN when any element is NaN (a
 * max is exact, so the order of the scan does not matter).
 */
#ifndef PRECBENCH_SIMD_AMAX_SIMD_H
#define PRECBENCH_SIMD_AMAX_SIMD_H

#include <stddef.h>

/* max |x[i]|, i < n (contiguous); NaN if any is NaN. */
float pb_amax_avx512(const float *x, size_t n);
/* Blocks of one contiguous row: out[b] = amax of x[b*block .. min(k, (b+1)*block)). */
void pb_amax_blocks_avx512(const float *x, size_t k, size_t block, double *out);
/* Columns of a row-major stretch: m[c] = max(m[c], |x[kk*ld + c]|) for
 * kk < nk, c < ncols, NaN winning and staying. */
void pb_amax_cols_avx512(const float *x, size_t ld, size_t nk, size_t ncols, float *m);

#endif
