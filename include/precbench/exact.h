/* precbench: the fast exact path.
 *
 * Dot products and GEMMs whose every output is the exact sum of the exact
 * products, rounded once into a chosen format and rounding mode.  The MPFR
 * oracle (reference.h) defines the result; these functions give the same bits
 * on every input, without MPFR (docs/exact.md says how and why).
 *
 * Semantics of one output  S = sum_i x_i * y_i  (exact, unbounded):
 *   - any NaN input, inf * 0, or products +inf and -inf together: NaN;
 *   - otherwise any infinite product: inf of that sign (finite terms ignored);
 *   - otherwise S is finite and is rounded once into the output format:
 *     overflow follows the rounding's overflow policy and the format
 *     (pb_rounding.overflow, as pb_format_round does for a double);
 *   - an exact zero S is -0 when every product is -0, +0 when every product
 *     is +0 or there is none, and otherwise +0, or -0 under PB_ROUND_DOWN
 *     (IEEE 754's rule for an exact zero sum);
 *   - specials and zeros are then mapped into the format by pb_format_round
 *     (a format without -0, inf or NaN decides what they become).
 * The output format NULL means fp64.  Stochastic modes address their random
 * words with the output's index: 0 for a dot product, i * n + j for C(i, j).
 */
#ifndef PRECBENCH_EXACT_H
#define PRECBENCH_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/format.h"
#include "precbench/gemm.h"
#include "precbench/status.h"

/* ---- the long accumulator ------------------------------------------------
 * A fixed-point number wide enough to hold any sum of products of doubles
 * exactly: bit b has weight 2^(b - 2148) (2^-2148 is the smallest product of
 * two subnormals), 32-bit digits kept in int64 so additions need no carry
 * propagation (carries are resolved every 2^29 additions and on rounding).
 * Plain data: it may live on the stack and be copied. */
enum { PB_LONGACC_DIGITS = 136 };

typedef struct pb_longacc {
    int64_t digit[PB_LONGACC_DIGITS]; /* value = sum digit[j] 2^(32 j - 2148) */
    uint32_t pending;  /* additions since digits were last normalised        */
    uint8_t specials;  /* PB_LONGACC_NAN / _POS_INF / _NEG_INF bits          */
    uint8_t zeros;     /* PB_LONGACC_SAW_*: decides the sign of an exact 0   */
} pb_longacc;

enum {
    PB_LONGACC_NAN = 1, PB_LONGACC_POS_INF = 2, PB_LONGACC_NEG_INF = 4
};
enum {
    PB_LONGACC_SAW_POS_ZERO = 1, /* a term that is +0                        */
    PB_LONGACC_SAW_NEG_ZERO = 2, /* a term that is -0                        */
    PB_LONGACC_SAW_NONZERO = 4   /* a finite nonzero term                    */
};

/* Set to the empty sum (also the way to reuse an accumulator). */
void pb_longacc_init(pb_longacc *acc);
/* acc += x (one term; NaN and inf follow the rules above). */
void pb_longacc_add(pb_longacc *acc, double x);
/* acc += x * y, the product taken exactly (one term). */
void pb_longacc_add_product(pb_longacc *acc, double x, double y);
/* acc += other (as if every term of other had been added to acc). */
void pb_longacc_add_acc(pb_longacc *acc, const pb_longacc *other);

/* -1, 0 or +1: the sign of the exact sum of the finite terms (NaN and
 * infinite terms are not in it: check pb_longacc_specials). */
int pb_longacc_sign(const pb_longacc *acc);
/* The PB_LONGACC_NAN / _POS_INF / _NEG_INF bits seen so far. */
static inline unsigned pb_longacc_specials(const pb_longacc *acc)
{
    return acc->specials;
}

/* The sum correctly rounded to a double under a non-stochastic mode
 * (PB_ROUND_RNE, RNA, RTZ, UP, DOWN; IEEE overflow: RNE/RNA -> inf, RTZ ->
 * +-DBL_MAX, UP/DOWN -> inf on their own side and +-DBL_MAX on the other).
 * A stochastic mode is treated as RNE here; use pb_longacc_round for it. */
double pb_longacc_round_f64(const pb_longacc *acc, pb_round_mode mode);

/* The sum rounded to odd at 53 bits: the double nearest S toward zero,
 * with its last bit forced to 1 when S is not a double (+-DBL_MAX when
 * |S| >= 2^1024).  Rounding that double with any mode into a format of at
 * most 51 significand bits whose smallest quantum is >= 2^-1072 gives the
 * same result as rounding S itself (docs/exact.md). */
double pb_longacc_round_odd(const pb_longacc *acc);

/* The sum rounded once into format f (NULL: fp64) under r, as a double;
 * `index` addresses the random words of stochastic modes.  Every mode,
 * stochastic ones included, acts on the exact value. */
double pb_longacc_round(const pb_longacc *acc, const pb_format *f,
                        const pb_rounding *r, uint64_t index);

/* Whether the exact path can round into f (NULL: fp64): fp64 itself, and
 * every format that the round-to-odd argument above covers (all registered
 * formats).  Functions below return NaN / PB_ERR_UNSUPPORTED otherwise. */
bool pb_exact_format_supported(const pb_format *f);

/* ---- dot products ---------------------------------------------------------
 * sum_{i<n} x_i y_i rounded once into `out` (NULL: fp64) under r (NULL: RNE,
 * inf overflow).  BLAS strides: element i of x is x[i * incx] for incx > 0
 * and x[(n - 1 - i) * -incx] for incx < 0; incx == 0 repeats x[0]. */
double pb_exact_dot_f64(size_t n, const double *x, ptrdiff_t incx,
                        const double *y, ptrdiff_t incy,
                        const pb_format *out, const pb_rounding *r);
double pb_exact_dot_f32(size_t n, const float *x, ptrdiff_t incx,
                        const float *y, ptrdiff_t incy,
                        const pb_format *out, const pb_rounding *r);

/* ---- GEMM -------------------------------------------------------------------
 *     C = op(A) * op(B), every element rounded once into `out` (NULL: fp64)
 * under r (NULL: RNE), stored as double.  Row-major with BLAS conventions
 * (precbench/gemm.h): op(A) is M x K, op(B) is K x N, C is M x N with
 * ldc >= N; A is stored M x K (lda >= K) or, transposed, K x M (lda >= M).
 * threads: 0 = OpenMP default.  The result does not depend on it. */
pb_status pb_exact_gemm_f64(pb_trans trans_a, pb_trans trans_b,
                            size_t m, size_t n, size_t k,
                            const double *a, size_t lda,
                            const double *b, size_t ldb,
                            double *c, size_t ldc,
                            const pb_format *out, const pb_rounding *r,
                            int threads);
pb_status pb_exact_gemm_f32(pb_trans trans_a, pb_trans trans_b,
                            size_t m, size_t n, size_t k,
                            const float *a, size_t lda,
                            const float *b, size_t ldb,
                            double *c, size_t ldc,
                            const pb_format *out, const pb_rounding *r,
                            int threads);

/* Counters of the last GEMM or dot product on the calling thread: how many
 * outputs the error-free-transformation path proved, and how many fell back
 * to the long accumulator (tests use this to check both paths run). */
typedef struct pb_exact_stats {
    uint64_t proved, fallback;
} pb_exact_stats;
pb_exact_stats pb_exact_last_stats(void);

/* Which GEMM micro-kernel runs: "avx512" or "scalar". */
const char *pb_exact_backend(void);
/* Force the portable kernel (tests compare); returns the old setting. */
bool pb_exact_force_scalar(bool force);

#endif
