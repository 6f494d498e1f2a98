/* precbench: exact references (reference/).
 *
 * The yardsticks every scheme is measured against.  reference/ may use
 * kernels/; kernels/ never includes this header.
 */
#ifndef PRECBENCH_REFERENCE_H
#define PRECBENCH_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "precbench/format.h"
#include "precbench/gemm.h"
#include "precbench/status.h"

/* ---- the MPFR oracle (reference/mpfr_oracle.c) ------------------------------
 * The definition of "exact" in the project: every output is the exact sum
 * of the exact products (MPFR, products at 106 bits, mpfr_sum at a precision
 * that makes the sum exact), rounded once into `out` (NULL: fp64) under r
 * (NULL: RNE, inf overflow) by MPFR at the format's precision and exponent
 * range (mpfr_check_range, mpfr_subnormalize); then the format's overflow
 * policy, flush of subnormals and missing -0.  Round to nearest away and
 * the stochastic modes, which MPFR does not have, are built from MPFR's
 * directed roundings and exact arithmetic.  NaN, inf and the sign of an
 * exact zero follow the rules in precbench/exact.h; a NaN or infinite
 * result is mapped into the format by pb_format_round.  The fast exact
 * path (exact.h) must give the same bits on every input.
 *
 * Thread-safe with a thread-safe MPFR build (mpfr_buildopt_tls_p(), as
 * Debian's): the exponent range is per thread, saved and restored; the GEMM
 * runs on one thread otherwise.  Cost: about 65 ns per multiply-add.
 *
 * Strides as BLAS (exact.h); the dot product's stochastic index is 0, C(i, j)
 * uses i * n + j.  PB_ERR_ARG for bad arguments, PB_ERR_NOMEM. */
pb_status pb_mpfr_dot_f64(size_t n, const double *x, ptrdiff_t incx,
                          const double *y, ptrdiff_t incy,
                          const pb_format *out, const pb_rounding *r,
                          double *result);
pb_status pb_mpfr_dot_f32(size_t n, const float *x, ptrdiff_t incx,
                          const float *y, ptrdiff_t incy,
                          const pb_format *out, const pb_rounding *r,
                          double *result);

/* C = op(A) op(B), row-major, BLAS conventions as pb_exact_gemm_f64; C is
 * M x N doubles with ldc >= N.  threads: 0 = OpenMP default. */
pb_status pb_mpfr_gemm_f64(pb_trans trans_a, pb_trans trans_b,
                           size_t m, size_t n, size_t k,
                           const double *a, size_t lda,
                           const double *b, size_t ldb,
                           double *c, size_t ldc,
                           const pb_format *out, const pb_rounding *r,
                           int threads);
pb_status pb_mpfr_gemm_f32(pb_trans trans_a, pb_trans trans_b,
                           size_t m, size_t n, size_t k,
                           const float *a, size_t lda,
                           const float *b, size_t ldb,
                           double *c, size_t ldc,
                           const pb_format *out, const pb_rounding *r,
                           int threads);

/* ---- ill-conditioned dot products (reference/gen_illcond.c) -----------------
 * x, y of length n >= 6 with condition number
 *     cond(x, y) = 2 sum |x_i y_i| / |sum x_i y_i|
 * near `cond` (1 <= cond <= 1e300), after Ogita, Rump and Oishi, "Accurate
 * sum and dot product", SIAM J. Sci. Comput. 26(6), 2005, Algorithm 6.1
 * (GenDot): half the pairs have random exponents spread over
 * log2(cond) / 2, the other half are chosen one by one to cancel the exact
 * running dot product (computed exactly, long accumulator) so that the
 * total ends near 1; then the pairs are shuffled.  The float32 version does
 * its arithmetic so that every value is a float32.  Every value is a pure
 * function of (n, cond, seed, stream).  *achieved (may be NULL) receives the
 * true condition number of the result, computed exactly (inf when the exact
 * dot product is 0).  The exponent range allows cond up to about 1e300 in
 * float64 and 1e60 in float32; PB_ERR_ARG outside those. */
pb_status pb_gen_illcond_dot_f64(size_t n, double cond, uint64_t seed,
                                 uint32_t stream, double *x, double *y,
                                 double *achieved);
pb_status pb_gen_illcond_dot_f32(size_t n, double cond, uint64_t seed,
                                 uint32_t stream, float *x, float *y,
                                 double *achieved);
/* The exact condition number of a dot product (as above; inf when the dot
 * product is exactly 0 and some product is not, 0 when all are 0; NaN when
 * an input is not finite). */
double pb_dot_condition_f64(size_t n, const double *x, const double *y);

#endif
