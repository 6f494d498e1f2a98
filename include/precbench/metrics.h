/* precbench: how far a computed product is from the exact one.
 *
 * Inputs: C (computed) and C_ref (the exact product rounded to double), both
 * M x N row-major and dense; optionally C_ref rounded to the output format
 * to nearest-even (for the fraction of correctly rounded outputs) and |A||B|
 * (or A and B, to compute it) for the classical bounds.
 *
 * Conventions, entry by entry (c = C_ij, r = C_ref_ij):
 *   - relative error |c - r| / |r|, with 0/0 = 0 and x/0 = +inf for x > 0;
 *   - error in ulps |c - r| / ulp(r), ulp of the output format (below);
 *   - where r is not finite the entry's error is 0 if c is the same
 *     (NaN and NaN, or the same infinity) and +inf otherwise; a non-finite c
 *     where r is finite has error +inf and is counted in `nonfinite`.
 *     Such entries are left out of the Frobenius norms when they match and
 *     make `normwise` +inf when they do not.
 *
 * ulp(x) in a format with p - 1 = man_bits fraction bits and normal exponents
 * emin..emax: 2^(max(e, emin) - man_bits) where 2^e <= |x| < 2^(e + 1), e
 * clamped to emax beyond the range; so ulp(0) and the ulp of every subnormal
 * is the smallest subnormal 2^(emin - man_bits) (also in a format that
 * flushes subnormals, where it is the spacing of the lowest binade).  Integer
 * formats: 1.
 *
 * The classical bounds for an inner product of length K in a precision of
 * unit roundoff u (Higham, Accuracy and Stability, 2002, eq. 3.13; Higham and
 * Mary, SIAM J. Sci. Comput. 2019, for the probabilistic one):
 *
 *   |C - C_ref| <= gamma_K |A||B|,  gamma_K = K u / (1 - K u)    (always)
 *   |C - C_ref| <~ sqrt(K) u |A||B|                 (with high probability)
 *
 * normalised like the metric they bound:  bound_det and bound_prob multiply
 * gamma_K and sqrt(K) u by kappa = || |A||B| ||_F / ||C_ref||_F, so they bound
 * `normwise`; bound_det_comp and bound_prob_comp multiply them by
 * max_ij (|A||B|)_ij / |C_ref_ij| (0/0 = 0, x/0 = inf), so they bound
 * `max_rel`.  gamma_K is +inf when K u >= 1.  For nonnegative data
 * |A||B| = |C_ref| and the factors are 1.
 */
#ifndef PRECBENCH_METRICS_H
#define PRECBENCH_METRICS_H

#include <stddef.h>

#include "precbench/format.h"
#include "precbench/status.h"

typedef struct pb_error_metrics {
    double normwise;   /* ||C - C_ref||_F / ||C_ref||_F (0/0 = 0, x/0 = inf)   */
    double max_rel;    /* max_ij |C_ij - C_ref_ij| / |C_ref_ij|               */
    double median_rel; /* median of the same (mean of the middle two)          */
    double max_ulp;    /* max_ij |C_ij - C_ref_ij| / ulp(C_ref_ij)             */
    double frac_correctly_rounded; /* share of C_ij equal to C_ref_ij rounded
                          to the output format (NaN when not given)            */
    double bound_det;  /* gamma_K * kappa: bounds normwise                     */
    double bound_prob; /* sqrt(K) u * kappa: normwise, with high probability   */
    double bound_det_comp;  /* gamma_K * max (|A||B|)_ij / |C_ref_ij|: max_rel */
    double bound_prob_comp; /* sqrt(K) u * the same                            */
    double kappa;      /* || |A||B| ||_F / ||C_ref||_F (NaN without |A||B|)    */
    double u;          /* the unit roundoff the bounds used                    */
    size_t nonfinite;  /* entries where C is NaN or inf and C_ref is finite    */
} pb_error_metrics;

typedef struct pb_metrics_input {
    size_t m, n, k;            /* C: M x N; K: the inner dimension            */
    const double *c;           /* M x N, the computed product                 */
    const double *c_ref;       /* M x N, the exact product rounded to double  */
    const double *c_ref_out;   /* M x N, the exact product rounded to the
                                  output format (RNE), or NULL                */
    const double *abs_ab;      /* M x N, |A||B|, or NULL: then from a and b,
                                  or without them the bounds are NaN          */
    const double *a, *b;       /* A: M x K, B: K x N, or NULL                 */
    const pb_format *out;      /* output format of C; NULL: fp64              */
    double u;                  /* unit roundoff for the bounds; 0: that of
                                  `out`, 2^-(man_bits + 1)                    */
} pb_metrics_input;

/* Fill *m from *in.  PB_ERR_ARG when c or c_ref is NULL with M N > 0, or u is
 * negative or not finite; PB_ERR_NOMEM. */
pb_status pb_error_metrics_compute(const pb_metrics_input *in, pb_error_metrics *m);

/* ulp(x) in format f as defined above (NaN for a NaN x; x = inf gives the
 * ulp of the top binade). */
double pb_metrics_ulp(const pb_format *f, double x);

/* abs_ab = |A| |B|, computed in fp64 (every term is nonnegative, so its
 * relative error is at most gamma_K in fp64).  A: M x K, B: K x N,
 * abs_ab: M x N, all row-major and dense. */
pb_status pb_metrics_abs_product(size_t m, size_t n, size_t k, const double *a,
                                 const double *b, double *abs_ab);

#endif
