/* precbench: random test matrices by distribution name.
 *
 * Element i of a generated array is a pure function of (seed, stream, i)
 * through the counter-based generator of rng.h, so the values do not depend
 * on the thread count, on how a matrix is split into calls, or on its
 * leading dimension.  Give each operand its own stream (the convention:
 * stream 0 for A, stream 1 for B).
 *
 *   normal     standard normal N(0, 1): pb_rng_normal
 *   uniform    uniform on the open interval (-1, 1)
 *   uniform01  uniform on the open interval (0, 1)
 *   lognormal  exp(Z), Z standard normal (mean e^0.5, variance (e - 1) e)
 *   illcond    reserved: ill-conditioned products come from reference/
 *              (their generator needs both operands); here PB_ERR_UNSUPPORTED
 *
 * The uniforms are exact grid points: uniform01 takes 52 random bits m from
 * draws 0 and 1 and returns (2m + 1) 2^-53, the centre of one of 2^52 equal
 * cells of (0, 1); uniform returns 2 * that - 1, exactly.  Their float32
 * versions keep the top 23 bits of m, giving the centre of one of 2^23 cells,
 * so they stay inside the open interval too.  normal and lognormal in float32
 * are the float64 values rounded to nearest.
 */
#ifndef PRECBENCH_GENERATE_H
#define PRECBENCH_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "precbench/status.h"

typedef enum pb_dist {
    PB_DIST_NORMAL,
    PB_DIST_UNIFORM,
    PB_DIST_UNIFORM01,
    PB_DIST_LOGNORMAL,
    PB_DIST_ILLCOND,
    PB_DIST_COUNT /* number of names, not a distribution */
} pb_dist;

/* "normal", "uniform", "uniform01", "lognormal", "illcond" (exact,
 * case-sensitive) -> *dist; PB_ERR_PARSE for any other text. */
pb_status pb_dist_parse(const char *name, pb_dist *dist);
/* The name of a distribution; NULL for an invalid value. */
const char *pb_dist_name(pb_dist dist);

/* x[i] = element first_index + i, for i < n.  PB_ERR_UNSUPPORTED for
 * PB_DIST_ILLCOND, PB_ERR_ARG for an invalid dist or NULL x with n > 0. */
pb_status pb_generate_f64(pb_dist dist, uint64_t seed, uint32_t stream,
                          uint64_t first_index, double *x, size_t n);
pb_status pb_generate_f32(pb_dist dist, uint64_t seed, uint32_t stream,
                          uint64_t first_index, float *x, size_t n);

/* A rows x cols row-major matrix with leading dimension ld >= cols: element
 * (r, c) is element r * cols + c of the stream, whatever ld. */
pb_status pb_generate_matrix_f64(pb_dist dist, uint64_t seed, uint32_t stream,
                                 size_t rows, size_t cols, double *x, size_t ld);
pb_status pb_generate_matrix_f32(pb_dist dist, uint64_t seed, uint32_t stream,
                                 size_t rows, size_t cols, float *x, size_t ld);

/* Integers uniform on [lo, hi] (lo <= hi), without bias: Lemire's
 * multiply-and-reject on 32-bit words, rejected words replaced by draws
 * 1, 2, ... of the same element.  int8 data for integer GEMMs, int32 for
 * anything wider. */
pb_status pb_generate_i8(uint64_t seed, uint32_t stream, uint64_t first_index,
                         int8_t lo, int8_t hi, int8_t *x, size_t n);
pb_status pb_generate_i32(uint64_t seed, uint32_t stream, uint64_t first_index,
                          int32_t lo, int32_t hi, int32_t *x, size_t n);

#endif
