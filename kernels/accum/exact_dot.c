/* Exact dot products: EFT lanes with a proof, the long accumulator when the
 * proof fails (exact.h; bound and decision in exact_decide.c). */
#include <limits.h>
#include <math.h>

#include "accum/exact_internal.h"

enum { CHUNK = 1024 }; /* a multiple of PB_EXACT_DOT_LANES */

/* BLAS strides: element i lives at base[i * inc] with base moved to the
 * last element when inc < 0. */
static inline ptrdiff_t start_of(size_t n, ptrdiff_t inc)
{
    return inc < 0 ? (ptrdiff_t)(n - 1) * -inc : 0;
}

static double dot_any(size_t n, const void *xv, ptrdiff_t incx, const void *yv,
                      ptrdiff_t incy, bool f32, const pb_format *out,
                      const pb_rounding *r)
{
    pb_exact_target t;
    pb_exact_target_init(&t, out, r);
    if (t.route == PB_EXACT_ROUTE_NONE) return NAN;
    const float *xf = (const float *)xv, *yf = (const float *)yv;
    const double *xd = (const double *)xv, *yd = (const double *)yv;
    const ptrdiff_t x0 = n ? start_of(n, incx) : 0, y0 = n ? start_of(n, incy) : 0;
#define ELEM(p32, p64, s0, inc, i)                                            \
    (f32 ? (double)(p32)[(s0) + (ptrdiff_t)(i) * (inc)]                       \
         : (p64)[(s0) + (ptrdiff_t)(i) * (inc)])

    if (n > 0 && n < PB_EXACT_EFT_MAX_TERMS) {
        void (*lanes_fn)(size_t, const double *, const double *, bool,
                         pb_exact_eft *, bool *) =
            pb_exact_use_avx512() ? pb_exact_dot_lanes_avx512
                                  : pb_exact_dot_lanes_scalar;
        pb_exact_eft lanes[PB_EXACT_DOT_LANES] = {{0, 0, 0}};
        bool underflow = false;
        /* Contiguous float64 runs in one call; anything else is gathered
         * (and widened) chunk by chunk. */
        const bool direct = !f32 && incx == 1 && incy == 1;
        const size_t chunk = direct ? n : CHUNK;
        double bx[CHUNK], by[CHUNK];
        for (size_t i0 = 0; i0 < n; i0 += chunk) {
            size_t len = n - i0 < chunk ? n - i0 : chunk;
            const double *px = bx, *py = by;
            if (direct) {
                px = xd + i0;
                py = yd + i0;
            } else {
                for (size_t i = 0; i < len; i++) bx[i] = ELEM(xf, xd, x0, incx, i0 + i);
                for (size_t i = 0; i < len; i++) by[i] = ELEM(yf, yd, y0, incy, i0 + i);
            }
            bool small = false;
            lanes_fn(len, px, py, !f32, lanes, &small);
            /* A product of nonzero factors below 2^-968 may have lost bits
             * in its TwoProduct: such a dot product is not proved. */
            if (small)
                for (size_t i = 0; i < len; i++)
                    if (px[i] != 0 && py[i] != 0 &&
                        fabs(px[i] * py[i]) < PB_EXACT_TINY_PRODUCT)
                        underflow = true;
        }
        if (!underflow) {
            pb_exact_eft st = pb_exact_eft_merge(lanes, PB_EXACT_DOT_LANES);
            double res;
            bool ok = pb_exact_decide(&st, PB_EXACT_GRID_UNKNOWN, &t, 0, &res);
            if (!ok) {
                /* Sums that are exact doubles need the grid (exact_decide.c):
                 * a pass over the data, far cheaper than the fallback. */
                int grid = INT_MAX;
                for (size_t i = 0; i < n; i++) {
                    double a = ELEM(xf, xd, x0, incx, i), b = ELEM(yf, yd, y0, incy, i);
                    if (a != 0 && b != 0 && isfinite(a) && isfinite(b)) {
                        int g = pb_exact_lsb(a) + pb_exact_lsb(b);
                        if (g < grid) grid = g;
                    }
                }
                if (grid != INT_MAX) ok = pb_exact_decide(&st, grid, &t, 0, &res);
            }
            if (ok) {
                pb_exact_stats_set(1, 0);
                return res;
            }
        }
    }
    pb_longacc acc;
    pb_longacc_init(&acc);
    for (size_t i = 0; i < n; i++)
        pb_longacc_add_product(&acc, ELEM(xf, xd, x0, incx, i), ELEM(yf, yd, y0, incy, i));
#undef ELEM
    pb_exact_stats_set(0, 1);
    return pb_exact_round_acc(&acc, &t, 0);
}

double pb_exact_dot_f64(size_t n, const double *x, ptrdiff_t incx,
                        const double *y, ptrdiff_t incy,
                        const pb_format *out, const pb_rounding *r)
{
    if (n && (!x || !y)) return NAN;
    return dot_any(n, x, incx, y, incy, false, out, r);
}

double pb_exact_dot_f32(size_t n, const float *x, ptrdiff_t incx,
                        const float *y, ptrdiff_t incy,
                        const pb_format *out, const pb_rounding *r)
{
    if (n && (!x || !y)) return NAN;
    return dot_any(n, x, incx, y, incy, true, out, r);
}
