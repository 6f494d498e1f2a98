/* The MPFR oracle: exact dot products and GEMMs, rounded once (reference.h).
 *
 * Per output:
 *   1. classify every pair: NaN, inf * 0 and opposite infinities give NaN;
 *      other infinities give inf; zero products only mark the zero sign;
 *   2. every other product exactly, at 106 bits (mpfr_mul of two 53-bit
 *      numbers; float32 inputs are exact doubles), in one block of memory
 *      (MPFR's custom interface: no allocation per term);
 *   3. S = mpfr_sum of the products at a precision covering all their bits
 *      plus carries: the sum is exact (checked: ternary 0);
 *   4. S rounded into the format (round_into below).
 * This file shares no code with the fast path except pb_format_round for the
 * mapping of NaN, inf and signed zeros into a format.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <mpfr.h>
#include <omp.h>

#include "precbench/reference.h"
#include "precbench/rng.h"

enum { PROD_PREC = 106 };

/* ---- exact sums ------------------------------------------------------------ */

typedef struct exact_sum {
    mpfr_t s;          /* the exact sum (when no special and not all zeros) */
    int special;       /* 0, or 1 = NaN, 2 = +inf, 3 = -inf                 */
    bool saw_pos_zero, saw_neg_zero, saw_nonzero;
} exact_sum;

/* Save the caller's exponent range and widen it to the maximum. */
typedef struct exp_range {
    mpfr_exp_t emin, emax;
} exp_range;

static exp_range range_widen(void)
{
    exp_range saved = {mpfr_get_emin(), mpfr_get_emax()};
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    return saved;
}

static void range_restore(exp_range saved)
{
    mpfr_set_emin(saved.emin);
    mpfr_set_emax(saved.emax);
}

/* x, y: n doubles (float32 values already widened).  On PB_OK, e->s is
 * initialised iff e->special == 0 and e->saw_nonzero. */
static pb_status sum_products(size_t n, const double *x, const double *y,
                              exact_sum *e)
{
    memset(e, 0, sizeof *e);
    bool nan = false, pinf = false, ninf = false;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        double a = x[i], b = y[i];
        bool neg = signbit(a) != signbit(b);
        if (isnan(a) || isnan(b)) {
            nan = true;
        } else if (isinf(a) || isinf(b)) {
            if (a == 0 || b == 0) nan = true;
            else if (neg) ninf = true;
            else pinf = true;
        } else if (a == 0 || b == 0) {
            if (neg) e->saw_neg_zero = true;
            else e->saw_pos_zero = true;
        } else {
            count++;
        }
    }
    if (nan || (pinf && ninf)) {
        e->special = 1;
        return PB_OK;
    }
    if (pinf || ninf) {
        e->special = pinf ? 2 : 3;
        return PB_OK;
    }
    if (count == 0) return PB_OK;
    e->saw_nonzero = true;

    size_t limb_bytes = mpfr_custom_get_size(PROD_PREC);
    mpfr_t *terms = malloc(count * sizeof *terms);
    mpfr_ptr *ptrs = malloc(count * sizeof *ptrs);
    char *store = malloc(count * limb_bytes);
    if (!terms || !ptrs || !store) {
        free(terms);
        free(ptrs);
        free(store);
        return PB_ERR_NOMEM;
    }
    mpfr_t fa, fb;
    mpfr_init2(fa, 53);
    mpfr_init2(fb, 53);
    mpfr_exp_t lo = 0, hi = 0;
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        double a = x[i], b = y[i];
        if (!isfinite(a) || !isfinite(b) || a == 0 || b == 0) continue;
        mpfr_custom_init(store + t * limb_bytes, PROD_PREC);
        mpfr_custom_init_set(terms[t], MPFR_ZERO_KIND, 0, PROD_PREC,
                             store + t * limb_bytes);
        mpfr_set_d(fa, a, MPFR_RNDN);
        mpfr_set_d(fb, b, MPFR_RNDN);
        mpfr_mul(terms[t], fa, fb, MPFR_RNDN); /* 53 + 53 bits: exact */
        mpfr_exp_t ex = mpfr_get_exp(terms[t]);
        if (t == 0 || ex < lo) lo = ex;
        if (t == 0 || ex > hi) hi = ex;
        ptrs[t] = terms[t];
        t++;
    }
    /* Every bit of every product lies in [lo - 106, hi); carries of `count`
     * terms add at most 64 bits above. */
    mpfr_prec_t prec = (mpfr_prec_t)(hi - lo) + PROD_PREC + 66;
    mpfr_init2(e->s, prec);
    int inexact = mpfr_sum(e->s, ptrs, (unsigned long)count, MPFR_RNDN);
    mpfr_clear(fa);
    mpfr_clear(fb);
    free(terms);
    free(ptrs);
    free(store);
    /* The precision covers every bit: an inexact sum would be a bug here. */
    if (inexact) {
        mpfr_clear(e->s);
        return PB_ERR_ARG;
    }
    return PB_OK;
}

/* ---- rounding into a format ---------------------------------------------- */

static bool outward(pb_round_mode mode, bool neg)
{
    switch (mode) {
    case PB_ROUND_RTZ: return false;
    case PB_ROUND_UP: return !neg;
    case PB_ROUND_DOWN: return neg;
    default: return true;
    }
}

static double signed_zero(const pb_format *f, bool neg)
{
    if (f->spec.specials == PB_SPECIALS_FNUZ) return 0.0; /* no -0 */
    return neg ? -0.0 : 0.0;
}

/* A FLOAT result beyond max_finite. */
static double float_overflow(const pb_format *f, bool neg, const pb_rounding *r)
{
    if (r->overflow == PB_OVERFLOW_INF && outward(r->mode, neg)) {
        if (f->has_inf) return neg ? -INFINITY : INFINITY;
        if (f->has_nan) return NAN;
    }
    return neg ? -f->max_finite : f->max_finite;
}

static mpfr_rnd_t mpfr_mode(pb_round_mode mode)
{
    switch (mode) {
    case PB_ROUND_RTZ: return MPFR_RNDZ;
    case PB_ROUND_UP: return MPFR_RNDU;
    case PB_ROUND_DOWN: return MPFR_RNDD;
    default: return MPFR_RNDN;
    }
}

/* y = S rounded by MPFR to the format's precision and exponent range:
 * unbounded exponent first, then mpfr_check_range and mpfr_subnormalize
 * with the format's range (MPFR's recipe for emulating IEEE formats, which
 * avoids double rounding by passing the ternary value along). */
static void mpfr_round_format(mpfr_t y, const mpfr_t s, const pb_format *f,
                              mpfr_rnd_t rnd)
{
    exp_range saved = range_widen();
    int t = mpfr_set(y, s, rnd);
    /* Smallest subnormal 2^(emin - m) = 2^(mpfr emin - 1); the top binade
     * [2^emax, 2^(emax+1)) is the last in range. */
    mpfr_set_emin(f->emin - f->spec.man_bits + 1);
    mpfr_set_emax(f->emax + 1);
    t = mpfr_check_range(y, t, rnd);
    mpfr_subnormalize(y, t, rnd);
    range_restore(saved);
}

/* The exact stochastic decision: up iff U < frac, U = 0.w0 w1 ... (words
 * of pb_rng_u32 for `index`), frac in [0, 1) exact; destroys frac. */
static bool sr_decide(mpfr_t frac, const pb_rounding *r, uint64_t index)
{
    if (r->mode == PB_ROUND_SR_BITS) {
        int rb = r->sr_bits < 1 ? 1 : r->sr_bits > 24 ? 24 : r->sr_bits;
        mpfr_mul_2si(frac, frac, rb, MPFR_RNDN);
        mpfr_floor(frac, frac);
        unsigned long top = mpfr_get_ui(frac, MPFR_RNDN);
        uint32_t w = pb_rng_u32(r->seed, r->stream, index, 0);
        return (unsigned long)(w >> (32 - rb)) < top;
    }
    mpfr_t word;
    mpfr_init2(word, 64);
    bool up = false;
    for (uint32_t k = 0;; k++) {
        mpfr_mul_2si(frac, frac, 32, MPFR_RNDN);
        mpfr_floor(word, frac);
        mpfr_sub(frac, frac, word, MPFR_RNDN); /* exact */
        uint32_t fw = (uint32_t)mpfr_get_ui(word, MPFR_RNDN);
        uint32_t w = pb_rng_u32(r->seed, r->stream, index, k);
        if (w != fw) {
            up = w < fw;
            break;
        }
        if (mpfr_zero_p(frac)) break; /* U >= frac */
    }
    mpfr_clear(word);
    return up;
}

/* |S| split on a grid of unit 2^q: kept = floor(|S| / 2^q) (as a double,
 * exact below 2^53) and frac = the rest, in [0, 1). */
static double grid_split(const mpfr_t s, long q, mpfr_t frac)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(s));
    mpfr_abs(t, s, MPFR_RNDN);
    mpfr_mul_2si(t, t, -q, MPFR_RNDN);
    mpfr_set_prec(frac, mpfr_get_prec(s));
    mpfr_frac(frac, t, MPFR_RNDN);
    mpfr_floor(t, t);
    double kept = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return kept;
}

static double round_float(const mpfr_t s, const pb_format *f,
                          const pb_rounding *r, uint64_t index)
{
    const bool neg = mpfr_sgn(s) < 0;
    const int m = f->spec.man_bits;
    const long e = (long)mpfr_get_exp(s) - 1; /* 2^e <= |S| < 2^(e+1) */
    double v;
    if (r->mode == PB_ROUND_SR || r->mode == PB_ROUND_SR_BITS) {
        if (e > f->emax) return float_overflow(f, neg, r);
        long q = (e < f->emin ? f->emin : e) - m;
        mpfr_t frac;
        mpfr_init2(frac, 2);
        double kept = grid_split(s, q, frac);
        bool up = !mpfr_zero_p(frac) && sr_decide(frac, r, index);
        mpfr_clear(frac);
        v = ldexp(kept + (up ? 1.0 : 0.0), (int)q);
        if (neg) v = -v;
    } else {
        mpfr_t y;
        mpfr_init2(y, m + 1);
        if (r->mode == PB_ROUND_RNA) {
            /* Nearest, ties away: the nearest result unless S is exactly
             * halfway between its toward-zero and away roundings. */
            mpfr_t z, a, twice;
            mpfr_inits2(m + 1, z, a, (mpfr_ptr)0);
            mpfr_round_format(y, s, f, MPFR_RNDN);
            mpfr_round_format(z, s, f, MPFR_RNDZ);
            mpfr_round_format(a, s, f, MPFR_RNDA);
            if (mpfr_number_p(a) && !mpfr_equal_p(z, a)) {
                mpfr_init2(twice, mpfr_get_prec(s) + m + 8);
                mpfr_add(twice, z, a, MPFR_RNDN); /* exact */
                mpfr_div_2ui(twice, twice, 1, MPFR_RNDN);
                if (mpfr_equal_p(twice, s)) mpfr_set(y, a, MPFR_RNDN);
                mpfr_clear(twice);
            }
            mpfr_clears(z, a, (mpfr_ptr)0);
        } else {
            mpfr_round_format(y, s, f, mpfr_mode(r->mode));
        }
        if (mpfr_inf_p(y)) {
            mpfr_clear(y);
            return float_overflow(f, neg, r);
        }
        v = mpfr_get_d(y, MPFR_RNDN); /* y has at most 53 bits: exact */
        mpfr_clear(y);
    }
    if (fabs(v) > f->max_finite) return float_overflow(f, neg, r);
    if (!f->spec.subnormals && fabs(v) < f->min_normal) v = 0;
    if (v == 0) return signed_zero(f, neg);
    return v;
}

static double round_int(const mpfr_t s, const pb_format *f,
                        const pb_rounding *r, uint64_t index)
{
    const bool neg = mpfr_sgn(s) < 0;
    const double limit = neg ? -(double)f->spec.int_min : f->spec.int_max;
    double mag;
    if (mpfr_get_exp(s) > 40) {
        mag = limit; /* far beyond any integer format */
    } else if (r->mode == PB_ROUND_SR || r->mode == PB_ROUND_SR_BITS) {
        mpfr_t frac;
        mpfr_init2(frac, 2);
        mag = grid_split(s, 0, frac);
        if (!mpfr_zero_p(frac) && sr_decide(frac, r, index)) mag += 1;
        mpfr_clear(frac);
    } else {
        mpfr_t y;
        mpfr_init2(y, 64);
        if (r->mode == PB_ROUND_RNA) mpfr_round(y, s);
        else mpfr_rint(y, s, mpfr_mode(r->mode));
        mag = fabs(mpfr_get_d(y, MPFR_RNDN));
        mpfr_clear(y);
    }
    if (mag > limit) mag = limit;
    if (mag == 0) return 0.0; /* integer formats have one zero */
    return neg ? -mag : mag;
}

/* E8M0-style powers of two: the conventions of the format module
 * (docs/formats.md), rewritten here on the exact value. */
static double round_pow2(const mpfr_t s, const pb_format *f,
                         const pb_rounding *r, uint64_t index)
{
    const double bottom = ldexp(1.0, f->emin);
    if (mpfr_sgn(s) < 0) return r->overflow == PB_OVERFLOW_SAT ? bottom : NAN;
    const bool out = r->overflow == PB_OVERFLOW_INF && outward(r->mode, false);
    const double over = out ? NAN : ldexp(1.0, f->emax);
    const long e = (long)mpfr_get_exp(s) - 1;
    if (e > f->emax) return over;
    mpfr_t frac;
    mpfr_init2(frac, 2);
    grid_split(s, e, frac); /* |S| = 2^e (1 + frac) */
    const bool exact = mpfr_zero_p(frac);
    const bool nearest = r->mode == PB_ROUND_RNE || r->mode == PB_ROUND_RNA;
    double v;
    if (e < f->emin + 1 && nearest) {
        v = (e == f->emin && !exact) ? ldexp(1.0, f->emin + 1) : bottom;
    } else if (e < f->emin) {
        v = bottom;
    } else {
        bool up = false;
        if (!exact) {
            switch (r->mode) {
            case PB_ROUND_RNE:
            case PB_ROUND_RNA: up = mpfr_cmp_d(frac, 0.5) >= 0; break;
            case PB_ROUND_UP: up = true; break;
            case PB_ROUND_SR:
            case PB_ROUND_SR_BITS: up = sr_decide(frac, r, index); break;
            default: up = false; break;
            }
        }
        long k = e + (up ? 1 : 0);
        v = k > f->emax ? over : ldexp(1.0, (int)k);
    }
    mpfr_clear(frac);
    return v;
}

static const pb_format *fp64_format(void)
{
    return pb_format_by_name("fp64");
}

/* The whole rounding of an exact_sum into f under r. */
static double round_into(const exact_sum *e, const pb_format *f,
                         const pb_rounding *r, uint64_t index)
{
    if (e->special) {
        double v = e->special == 1 ? NAN : e->special == 2 ? INFINITY : -INFINITY;
        return pb_format_round(f, v, r, index);
    }
    if (!e->saw_nonzero || mpfr_zero_p(e->s)) {
        /* Exact zero: -0 when every term is -0, +0 when every term is +0
         * or there is none, else +0 (-0 when rounding down). */
        double z;
        if (e->saw_neg_zero && !e->saw_pos_zero && !e->saw_nonzero) z = -0.0;
        else if (!e->saw_neg_zero && !e->saw_nonzero) z = 0.0;
        else z = r->mode == PB_ROUND_DOWN ? -0.0 : 0.0;
        return pb_format_round(f, z, r, index);
    }
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT: return round_float(e->s, f, r, index);
    case PB_FORMAT_KIND_INT: return round_int(e->s, f, r, index);
    case PB_FORMAT_KIND_POW2: return round_pow2(e->s, f, r, index);
    }
    return NAN;
}

/* ---- dot products and GEMM -------------------------------------------------- */

static pb_status oracle_dot(size_t n, const double *x, const double *y,
                            const pb_format *f, const pb_rounding *r,
                            uint64_t index, double *result)
{
    exact_sum e;
    pb_status st = sum_products(n, x, y, &e);
    if (st != PB_OK) return st;
    *result = round_into(&e, f, r, index);
    if (!e.special && e.saw_nonzero) mpfr_clear(e.s);
    return PB_OK;
}

/* Gather a strided vector (BLAS convention) into doubles. */
static void gather(size_t n, const void *p, ptrdiff_t inc, bool f32, double *out)
{
    ptrdiff_t at = inc < 0 ? (ptrdiff_t)(n - 1) * -inc : 0;
    for (size_t i = 0; i < n; i++, at += inc)
        out[i] = f32 ? (double)((const float *)p)[at] : ((const double *)p)[at];
}

static pb_status dot_any(size_t n, const void *x, ptrdiff_t incx, const void *y,
                         ptrdiff_t incy, bool f32, const pb_format *out,
                         const pb_rounding *r, double *result)
{
    if (!result || (n && (!x || !y))) return PB_ERR_ARG;
    pb_rounding rr = r ? *r : pb_rounding_default();
    if (pb_rounding_check(&rr) != PB_OK) return PB_ERR_ARG;
    const pb_format *f = out ? out : fp64_format();
    double *bx = malloc((n ? n : 1) * sizeof(double));
    double *by = malloc((n ? n : 1) * sizeof(double));
    if (!bx || !by) {
        free(bx);
        free(by);
        return PB_ERR_NOMEM;
    }
    gather(n, x, incx, f32, bx);
    gather(n, y, incy, f32, by);
    pb_status st = oracle_dot(n, bx, by, f, &rr, 0, result);
    free(bx);
    free(by);
    return st;
}

pb_status pb_mpfr_dot_f64(size_t n, const double *x, ptrdiff_t incx,
                          const double *y, ptrdiff_t incy,
                          const pb_format *out, const pb_rounding *r,
                          double *result)
{
    return dot_any(n, x, incx, y, incy, false, out, r, result);
}

pb_status pb_mpfr_dot_f32(size_t n, const float *x, ptrdiff_t incx,
                          const float *y, ptrdiff_t incy,
                          const pb_format *out, const pb_rounding *r,
                          double *result)
{
    return dot_any(n, x, incx, y, incy, true, out, r, result);
}

static pb_status gemm_any(pb_trans ta, pb_trans tb, size_t m, size_t n,
                          size_t k, const void *a, size_t lda, const void *b,
                          size_t ldb, double *c, size_t ldc, bool f32,
                          const pb_format *out, const pb_rounding *r,
                          int threads)
{
    if ((ta != PB_NO_TRANS && ta != PB_TRANS) ||
        (tb != PB_NO_TRANS && tb != PB_TRANS) || threads < 0)
        return PB_ERR_ARG;
    if (m == 0 || n == 0) return PB_OK;
    size_t a_cols = ta ? m : k, b_cols = tb ? k : n;
    if (!c || ldc < n || lda < (a_cols ? a_cols : 1) || ldb < (b_cols ? b_cols : 1) ||
        (k && (!a || !b)))
        return PB_ERR_ARG;
    pb_rounding rr = r ? *r : pb_rounding_default();
    if (pb_rounding_check(&rr) != PB_OK) return PB_ERR_ARG;
    const pb_format *f = out ? out : fp64_format();
    int nt = threads > 0 ? threads : omp_get_max_threads();
    /* The exponent range is per thread only in a thread-safe MPFR build. */
    if (!mpfr_buildopt_tls_p()) nt = 1;
    pb_status status = PB_OK;
#pragma omp parallel num_threads(nt)
    {
        double *x = malloc((k ? k : 1) * sizeof(double));
        double *y = malloc((k ? k : 1) * sizeof(double));
        bool ok = x && y;
        if (!ok) {
#pragma omp critical(pb_mpfr_gemm_status)
            status = PB_ERR_NOMEM;
        }
#pragma omp for schedule(dynamic, 1) collapse(2)
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                if (!ok) continue;
                for (size_t kk = 0; kk < k; kk++) {
                    size_t ia = ta ? kk * lda + i : i * lda + kk;
                    size_t ib = tb ? j * ldb + kk : kk * ldb + j;
                    x[kk] = f32 ? (double)((const float *)a)[ia] : ((const double *)a)[ia];
                    y[kk] = f32 ? (double)((const float *)b)[ib] : ((const double *)b)[ib];
                }
                pb_status st = oracle_dot(k, x, y, f, &rr, (uint64_t)i * n + j,
                                          &c[i * ldc + j]);
                if (st != PB_OK) {
#pragma omp critical(pb_mpfr_gemm_status)
                    status = st;
                }
            }
        free(x);
        free(y);
    }
    return status;
}

pb_status pb_mpfr_gemm_f64(pb_trans trans_a, pb_trans trans_b,
                           size_t m, size_t n, size_t k,
                           const double *a, size_t lda,
                           const double *b, size_t ldb,
                           double *c, size_t ldc,
                           const pb_format *out, const pb_rounding *r,
                           int threads)
{
    return gemm_any(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, false,
                    out, r, threads);
}

pb_status pb_mpfr_gemm_f32(pb_trans trans_a, pb_trans trans_b,
                           size_t m, size_t n, size_t k,
                           const float *a, size_t lda,
                           const float *b, size_t ldb,
                           double *c, size_t ldc,
                           const pb_format *out, const pb_rounding *r,
                           int threads)
{
    return gemm_any(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, true,
                    out, r, threads);
}
