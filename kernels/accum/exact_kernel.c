/* Portable EFT kernels of the fast exact path (the AVX-512 versions in
 * exact_kernel_avx512.c compute the same recurrences in vector lanes; any
 * order of lanes is fine, since only proved results are ever returned).
 *
 * The recurrences and their error bound: exact_decide.c. */
#include <math.h>

#include "accum/exact_internal.h"

/* One term t into a lane: TwoSum, then the error into c, |c| into b. */
static inline void lane_add(pb_exact_eft *l, double t)
{
    double s = l->s + t, z = s - l->s;
    double e = (l->s - (s - z)) + (t - z);
    l->s = s;
    l->c += e;
    l->b += fabs(l->c);
}

/* One product x*y as TwoProduct (p, q): TwoSum(s, p), then fl(q + r) into c. */
static inline void lane_add2(pb_exact_eft *l, double x, double y)
{
    double p = x * y, q = fma(x, y, -p);
    double s = l->s + p, z = s - l->s;
    double e = (l->s - (s - z)) + (p - z);
    l->s = s;
    l->c += q + e;
    l->b += fabs(l->c);
}

/* A: a[kk * MR + r]; B: b[kk * NR + j]; state of C(r, j) to st[r * NR + j]. */
void pb_exact_kernel_scalar(size_t k, const double *a, const double *b,
                            bool products2, pb_exact_eft *st)
{
    enum { MR = PB_EXACT_MR, NR = PB_EXACT_NR };
    for (int i = 0; i < MR * NR; i++) st[i] = (pb_exact_eft){0, 0, 0};
    for (size_t kk = 0; kk < k; kk++) {
        const double *ak = a + kk * MR, *bk = b + kk * NR;
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++) {
                if (products2)
                    lane_add2(&st[r * NR + j], ak[r], bk[j]);
                else
                    lane_add(&st[r * NR + j], ak[r] * bk[j]);
            }
    }
}

/* Dot-product lanes: element i goes to lane i % PB_EXACT_DOT_LANES, so the
 * vector kernel and this one fill the same lanes (not needed for the
 * result, but it keeps their statistics identical). */
void pb_exact_dot_lanes_scalar(size_t n, const double *x, const double *y,
                               bool products2, pb_exact_eft *lanes,
                               bool *small)
{
    for (size_t i = 0; i < n; i++) {
        pb_exact_eft *l = &lanes[i % PB_EXACT_DOT_LANES];
        if (products2) {
            double p = x[i] * y[i];
            if (fabs(p) < PB_EXACT_TINY_PRODUCT) *small = true;
            lane_add2(l, x[i], y[i]);
        } else {
            lane_add(l, x[i] * y[i]);
        }
    }
}
