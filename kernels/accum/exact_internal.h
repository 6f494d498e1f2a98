/* precbench: internals of the fast exact path (kernels/accum/exact_*.c).
 *
 * Two ways to an exactly rounded sum of products (docs/exact.md):
 *   1. the error-free-transformation (EFT) state below, run in vector lanes:
 *      cheap, and at the end it either proves the rounded result or says
 *      it cannot;
 *   2. the long accumulator (exact.h), used when it cannot.
 */
#ifndef PRECBENCH_ACCUM_EXACT_INTERNAL_H
#define PRECBENCH_ACCUM_EXACT_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "precbench/exact.h"

/* ---- reading a long accumulator ------------------------------------------ */

/* |S| as normalised 32-bit digits (bit b weighs 2^(b - 2148)), its sign, and
 * the position of its top bit (-1 when S == 0). */
typedef struct pb_exact_mag {
    uint32_t digit[PB_LONGACC_DIGITS];
    int top;      /* index of the top nonzero digit, -1 when zero */
    int msb;      /* bit position of the top set bit, -1 when zero */
    bool negative;
} pb_exact_mag;

enum { PB_EXACT_BIAS = 2148 }; /* bit b of the magnitude weighs 2^(b - 2148) */

void pb_exact_magnitude(const pb_longacc *acc, pb_exact_mag *mag);
/* Bits [lo, lo + count) as an integer, count <= 64; bits below 0 read 0. */
uint64_t pb_exact_mag_bits(const pb_exact_mag *mag, int lo, int count);
/* Whether any bit strictly below position `below` is set. */
bool pb_exact_mag_sticky(const pb_exact_mag *mag, int below);
/* q = the `prec` bits from the top down to lsb = max(msb - prec + 1,
 * min_lsb), the round bit just below lsb and the sticky bit below that. */
void pb_exact_mag_to_grid(const pb_exact_mag *mag, int prec, int min_lsb,
                          uint64_t *q, int *round, int *sticky, int *lsb);
/* The signed value rounded to odd at 53 bits (+-DBL_MAX from 2^1024 up). */
double pb_exact_mag_round_odd(const pb_exact_mag *mag);
/* A nonzero finite magnitude rounded to a double, IEEE overflow. */
double pb_exact_mag_round_f64(const pb_exact_mag *mag, pb_round_mode mode);
/* The exact-zero sum: its sign from the PB_LONGACC_SAW_* bits and the mode. */
double pb_exact_zero(unsigned zeros, pb_round_mode mode);

/* ---- the output target ----------------------------------------------------- */

typedef enum pb_exact_route {
    PB_EXACT_ROUTE_F64,   /* the double grid itself: round directly, then the
                             format's overflow policy (fp64)                 */
    PB_EXACT_ROUTE_ODD,   /* round to odd at 53 bits, then pb_format_round   */
    PB_EXACT_ROUTE_NONE   /* not supported (a custom format too close to fp64) */
} pb_exact_route;

typedef struct pb_exact_target {
    const pb_format *f;   /* never NULL: fp64 from the table when none given */
    pb_rounding r;
    pb_exact_route route;
    bool stochastic;      /* r.mode is PB_ROUND_SR or PB_ROUND_SR_BITS        */
} pb_exact_target;

/* Fill *t for format f (NULL: fp64) and rounding r (NULL: default). */
void pb_exact_target_init(pb_exact_target *t, const pb_format *f,
                          const pb_rounding *r);

/* The long accumulator's sum rounded into the target (the fallback). */
double pb_exact_round_acc(const pb_longacc *acc, const pb_exact_target *t,
                          uint64_t index);

/* ---- the EFT state and its proof ---------------------------------------------
 * One lane sums terms t_1..t_N (exact products, or the two halves of a
 * TwoProduct) as
 *     (s, e_i) = TwoSum(s, t_i)      s + e_i == s_old + t_i exactly
 *     c        = fl(c + e_i)         (or fl(c + fl(q_i + e_i)), see below)
 *     b        = fl(b + |c|)
 * so that S = s + c + delta with |delta| <= 8 u b, u = 2^-53 (derivation in
 * pb_exact_decide, exact_decide.c).  A lane that overflowed has a non-finite
 * s, c or b and is never proved. */
typedef struct pb_exact_eft {
    double s, c, b;
} pb_exact_eft;

/* Whether lanes of at most this many terms keep the bound above (it uses
 * N u <= 2^-13 for the recursive summation of b). */
#define PB_EXACT_EFT_MAX_TERMS (UINT64_C(1) << 40)

/* Try to prove the rounded result of S = s + c + delta (|delta| <= 8 u b).
 * grid: every product is known to be a multiple of 2^grid, or
 * PB_EXACT_GRID_UNKNOWN.  true: *out is the target's result for S (bit for
 * bit what the long accumulator gives); false: undecided. */
#define PB_EXACT_GRID_UNKNOWN INT_MIN
bool pb_exact_decide(const pb_exact_eft *st, int grid,
                     const pb_exact_target *t, uint64_t index, double *out);
/* The exponent of the lowest set bit of a finite nonzero double. */
static inline int pb_exact_lsb(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    int e = (int)((u >> 52) & 0x7ff);
    uint64_t f = u & ((UINT64_C(1) << 52) - 1);
    if (e == 0) return -1074 + __builtin_ctzll(f);
    return e - 1075 + (f ? __builtin_ctzll(f) : 52);
}

/* Merge lanes into one state with the same guarantee (exact_decide.c). */
pb_exact_eft pb_exact_eft_merge(const pb_exact_eft *lanes, int count);

/* Whether the AVX-512 kernels run (CPU support, not forced off). */
bool pb_exact_use_avx512(void);

/* ---- counters -------------------------------------------------------------- */
void pb_exact_stats_set(uint64_t proved, uint64_t fallback);

/* ---- micro-kernels (exact_kernel*.c) ----------------------------------------
 * Packed panels of doubles: A as MR-row slivers, a[k * MR + r]; B as
 * NR-column slivers, b[k * NR + j].  The kernel writes the EFT state of the
 * MR x NR block of C to st[r * NR + j].  `products2` selects the float64
 * variant (TwoProduct: both halves summed); otherwise a * b is exact. */
enum { PB_EXACT_MR = 4, PB_EXACT_NR = 16 };
void pb_exact_kernel_scalar(size_t k, const double *a, const double *b,
                            bool products2, pb_exact_eft *st);
void pb_exact_kernel_avx512(size_t k, const double *a, const double *b,
                            bool products2, pb_exact_eft *st);
/* Dot products: element i of contiguous x, y goes to lane
 * i % PB_EXACT_DOT_LANES of `lanes` (which carry over between calls).  With
 * products2, *small is set when some rounded product has |p| < 2^-968: its
 * TwoProduct may have underflowed (the caller checks those elements). */
enum { PB_EXACT_DOT_LANES = 32 };
#define PB_EXACT_TINY_PRODUCT 0x1p-968
void pb_exact_dot_lanes_scalar(size_t n, const double *x, const double *y,
                               bool products2, pb_exact_eft *lanes,
                               bool *small);
void pb_exact_dot_lanes_avx512(size_t n, const double *x, const double *y,
                               bool products2, pb_exact_eft *lanes,
                               bool *small);

#endif
