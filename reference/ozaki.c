/* precbench: Ozaki-style fp64 GEMM from exact int8 slice products
 * (precbench/alg.h, docs/algorithms.md).
 *
 * After Ozaki, Ogita, Oishi and Rump, "Error-free transformations of matrix
 * multiplication by using fast routines of matrix multiplication and its
 * applications", Numer. Algorithms 59, 2012, and Ootomo, Ozaki and Yokota,
 * "DGEMM on integer matrix multiplication unit", IJHPCA 2024.
 *
 * Row i of A shares the exponent e_i (max_k |a_ik| < 2^e_i), column j of B
 * shares f_j.  Every a_ik / 2^e_i lies in (-1, 1) and is cut into S digits of
 * w bits (w = 7, or 6 for Karatsuba), truncated toward zero so that every
 * digit has the value's sign and |digit| <= 2^w - 1 fits int8:
 *
 *   a_ik = 2^e_i (d1 2^-w + d2 2^-2w + ... + dS 2^-Sw) + rest,
 *          |rest| < 2^(e_i - S w)
 *
 *          sign  | w bits | w bits | ... | w bits |  dropped
 *   A  =  2^e_i  (  A_1    +  A_2   + ... +  A_S  )   (A_s: M x K int8)
 *   B  =  2^f_j  (  B_1    +  B_2   + ... +  B_S  )   (B_t: K x N int8)
 *
 * Each slice product A_s B_t is an integer GEMM, exact in int64
 * (pb_intgemm_i64: |sum| <= K 127^2), worth 2^(e_i + f_j - w (s + t)).
 * Which products are taken:
 *
 *          B_1  B_2  B_3  B_4           s + t <= S + 1 (default, S = 4):
 *    A_1    x    x    x    x            the products that matter most;
 *    A_2    x    x    x    .            `full` takes every cell (S^2),
 *    A_3    x    x    .    .            so that with S w >= 53 + (the
 *    A_4    x    .    .    .            spread of exponents in a row)
 *                                       nothing at all is dropped.
 *
 * The products of one level L = s + t are added in int64 (Q_L), and the
 * levels are summed per output either exactly, in the long accumulator of
 * precbench/exact.h, with one rounding to fp64 (default), or in binary64
 * from the smallest level up (`fp64`: every level rounded to a double and
 * every addition rounded; cheaper, not correctly rounded).  Plain binary64
 * summation is not enough for correct rounding: the levels overlap in their
 * bits, so a sum of 2S - 1 doubles carries up to 2S - 2 rounding errors of
 * u |C| each, and with any such error a result near a rounding boundary
 * comes out one ulp off.  So the default accumulates exactly.
 *
 * Karatsuba (`k`): with w = 6 the digit sums d_s + d_t stay within
 * [-126, 126] and fit int8, so each pair of cross terms costs one product:
 *
 *     A_s B_t + A_t B_s = (A_s + A_t)(B_s + B_t) - A_s B_s - A_t B_t   (exact)
 *
 * The same cells are summed; the diagonal products A_s B_s needed by the
 * pairs are computed once.  Cost: #pairs + #diagonals instead of
 * 2 #pairs + #diagonals, for one bit fewer per slice.
 *
 * Specials: an output whose row of A or column of B holds an infinity or a
 * NaN, whose scale 2^(e_i + f_j) is beyond the accumulator's range, or
 * whose exact sum is zero (for the sign of zero) is computed by
 * pb_exact_dot_f64, which has the IEEE semantics of precbench/exact.h. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "alg_internal.h"
#include "precbench/exact.h"
#include "precbench/intgemm.h"

/* Row blocks keep the per-level int64 sums within this many bytes. */
#define OZAKI_BLOCK_BYTES ((size_t)64 << 20)
/* Scales 2^(e_i + f_j) beyond this go to the exact dot product (the long
 * accumulator's products of doubles stop near 2^2046). */
enum { OZAKI_MAX_SCALE = 1900 };

typedef struct ozaki_plan {
    int S, w;
    bool full, karatsuba, sum_fp64;
} ozaki_plan;

static bool in_set(const ozaki_plan *P, int s, int t) /* 0-based slices */
{
    return P->full || s + t + 2 <= P->S + 1;
}

/* The exponent e with max |x| < 2^e over the finite values (0 if none is
 * nonzero); *bad: some value is an infinity or NaN. */
static int vec_exponent(size_t len, const double *x, size_t inc, bool *bad)
{
    double amax = 0.0;
    *bad = false;
    for (size_t t = 0; t < len; t++) {
        double v = fabs(x[t * inc]);
        if (!isfinite(v))
            *bad = true;
        else if (v > amax)
            amax = v;
    }
    int e = 0;
    if (amax > 0.0) frexp(amax, &e);
    return e;
}

/* The S digits of v / 2^e, |v| < 2^e, into d[0], d[stride], ... */
static void slice_value(double v, int e, const ozaki_plan *P, int8_t *d, size_t stride)
{
    if (!isfinite(v)) {
        for (int s = 0; s < P->S; s++) d[(size_t)s * stride] = 0;
        return;
    }
    const double radix = (double)(1 << P->w);
    double x = ldexp(v, -e); /* |x| < 1; exact unless below 2^-1074 */
    for (int s = 0; s < P->S; s++) {
        x *= radix;           /* exact */
        double h = trunc(x);  /* |h| <= radix - 1 */
        x -= h;               /* exact: the fraction of x */
        d[(size_t)s * stride] = (int8_t)h;
    }
}

/* acc += x 2^p exactly, x an integer with |x| < 2^32 and x 2^p a multiple
 * of 2^-2148 (every nonzero digit is worth a multiple of 2^-1074, so every
 * product of two and every part of their integer sums is). */
static void add_pow2(pb_longacc *acc, double x, int p)
{
    if (x == 0.0) return;
    int tz = __builtin_ctzll((unsigned long long)fabs(x));
    x = ldexp(x, -tz);
    p += tz;
    int p1 = p < -1074 ? -1074 : p > 991 ? 991 : p;
    pb_longacc_add_product(acc, ldexp(x, p1), ldexp(1.0, p - p1));
}

/* acc += q 2^p exactly (q split into 32-bit halves, each exact). */
static void add_int(pb_longacc *acc, int64_t q, int p)
{
    if (q == 0) return;
    uint64_t lo = (uint64_t)q & 0xffffffffu;
    int64_t hi = (q - (int64_t)lo) / ((int64_t)1 << 32);
    add_pow2(acc, (double)hi, p + 32);
    add_pow2(acc, (double)lo, p);
}

/* ---- one block of rows --------------------------------------------------- */

typedef struct ozaki_data {
    const ozaki_plan *P;
    size_t m, n, k;
    const double *a, *b;
    size_t lda, ldb;
    int8_t *ad, *bd;  /* digits: slice s of A at ad + s*m*k (M x K), of B at bd + s*k*n */
    int *ea, *eb;
    bool *bad_a, *bad_b;
    int threads;
} ozaki_data;

/* Rows i0 .. i0 + rows of one slice of A (M x K int8) as an integer matrix. */
static pb_int_matrix slice_a(const ozaki_data *D, const int8_t *base, size_t i0, size_t rows)
{
    return pb_int_matrix_make(PB_INT_ELEM_I8, rows, D->k, base + i0 * D->k);
}

/* q[t] += p[t] (sign = +1) or -= (sign = -1) over len entries. */
static void acc_add(int threads, size_t len, int64_t *q, const int64_t *p, int sign)
{
    if (sign > 0) {
#pragma omp parallel for simd schedule(static) num_threads(threads) if (len >= PB_ALG_PAR_MIN)
        for (size_t t = 0; t < len; t++) q[t] += p[t];
    } else {
#pragma omp parallel for simd schedule(static) num_threads(threads) if (len >= PB_ALG_PAR_MIN)
        for (size_t t = 0; t < len; t++) q[t] -= p[t];
    }
}

static pb_status block_products(const ozaki_data *D, size_t i0, size_t rb, int64_t *q,
                                int64_t *tmp, int64_t *diag, int8_t *sa, int8_t *sb)
{
    const ozaki_plan *P = D->P;
    const size_t m = D->m, n = D->n, k = D->k, len = rb * n;
    const int S = P->S;
    memset(q, 0, (size_t)(2 * S - 1) * len * sizeof *q);
    pb_status st = PB_OK;
    if (!P->karatsuba) {
        for (int s = 0; s < S && st == PB_OK; s++)
            for (int t = 0; t < S && st == PB_OK; t++) {
                if (!in_set(P, s, t)) continue;
                pb_int_matrix A = slice_a(D, D->ad + (size_t)s * m * k, i0, rb);
                pb_int_matrix B = pb_int_matrix_make(PB_INT_ELEM_I8, k, n, D->bd + (size_t)t * k * n);
                st = pb_intgemm_i64(&A, &B, tmp, n);
                if (st == PB_OK) acc_add(D->threads, len, q + (size_t)(s + t) * len, tmp, 1);
            }
        return st;
    }
    /* Karatsuba: the diagonal products every pair or cell needs, then one
     * product per pair of cross terms. */
    for (int s = 0; s < S && st == PB_OK; s++) {
        bool need = in_set(P, s, s);
        for (int t = 0; t < S && !need; t++) need = t != s && in_set(P, s, t);
        if (!need) continue;
        pb_int_matrix A = slice_a(D, D->ad + (size_t)s * m * k, i0, rb);
        pb_int_matrix B = pb_int_matrix_make(PB_INT_ELEM_I8, k, n, D->bd + (size_t)s * k * n);
        st = pb_intgemm_i64(&A, &B, diag + (size_t)s * len, n);
        if (st == PB_OK && in_set(P, s, s))
            acc_add(D->threads, len, q + (size_t)(2 * s) * len, diag + (size_t)s * len, 1);
    }
    for (int s = 0; s < S && st == PB_OK; s++)
        for (int t = s + 1; t < S && st == PB_OK; t++) {
            if (!in_set(P, s, t)) continue;
            const int8_t *as = D->ad + (size_t)s * m * k + i0 * k, *at = D->ad + (size_t)t * m * k + i0 * k;
            const int8_t *bs = D->bd + (size_t)s * k * n, *bt = D->bd + (size_t)t * k * n;
            // (A_s + A_t): rb x K, (B_s + B_t): K x N, |digit sums| <= 126
#pragma omp parallel for schedule(static) num_threads(D->threads) if (rb * k >= PB_ALG_PAR_MIN)
            for (size_t x = 0; x < rb * k; x++) sa[x] = (int8_t)(as[x] + at[x]);
#pragma omp parallel for schedule(static) num_threads(D->threads) if (k * n >= PB_ALG_PAR_MIN)
            for (size_t x = 0; x < k * n; x++) sb[x] = (int8_t)(bs[x] + bt[x]);
            pb_int_matrix A = pb_int_matrix_make(PB_INT_ELEM_I8, rb, k, sa);
            pb_int_matrix B = pb_int_matrix_make(PB_INT_ELEM_I8, k, n, sb);
            st = pb_intgemm_i64(&A, &B, tmp, n);
            if (st != PB_OK) break;
            int64_t *ql = q + (size_t)(s + t) * len;
            acc_add(D->threads, len, ql, tmp, 1);
            acc_add(D->threads, len, ql, diag + (size_t)s * len, -1);
            acc_add(D->threads, len, ql, diag + (size_t)t * len, -1);
        }
    return st;
}

static double exact_output(const ozaki_data *D, size_t i, size_t j)
{
    return pb_exact_dot_f64(D->k, D->a + i * D->lda, 1, D->b + j, (ptrdiff_t)D->ldb, NULL, NULL);
}

static void block_sum(const ozaki_data *D, size_t i0, size_t rb, const int64_t *q, double *c,
                      size_t ldc)
{
    const ozaki_plan *P = D->P;
    const size_t n = D->n, len = rb * n;
    const int nlev = 2 * P->S - 1, w = P->w;
#pragma omp parallel for schedule(dynamic, 1) num_threads(D->threads)
    for (size_t ii = 0; ii < rb; ii++) {
        const size_t i = i0 + ii;
        pb_longacc acc;
        for (size_t j = 0; j < n; j++) {
            const int g = D->ea[i] + D->eb[j];
            double v;
            if (D->bad_a[i] || D->bad_b[j] || g > OZAKI_MAX_SCALE) {
                v = exact_output(D, i, j);
            } else if (P->sum_fp64) {
                /* level l (0-based) is worth 2^(g - w (l + 2)); smallest first */
                v = 0.0;
                for (int l = nlev - 1; l >= 0; l--)
                    v += ldexp((double)q[(size_t)l * len + ii * n + j], g - w * (l + 2));
            } else {
                pb_longacc_init(&acc);
                for (int l = nlev - 1; l >= 0; l--)
                    add_int(&acc, q[(size_t)l * len + ii * n + j], g - w * (l + 2));
                v = pb_longacc_round_f64(&acc, PB_ROUND_RNE);
                if (v == 0.0) v = exact_output(D, i, j); /* the sign of zero */
            }
            c[i * ldc + j] = v;
        }
    }
}

pb_status pb_alg_ozaki_run(const pb_alg *alg, const pb_gemm_ctx *ctx,
                           size_t m, size_t n, size_t k,
                           const double *a, size_t lda, const double *b, size_t ldb,
                           double *c, size_t ldc)
{
    if (m == 0 || n == 0) return PB_OK;
    if (k == 0) {
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) c[i * ldc + j] = 0.0;
        return PB_OK;
    }
    const ozaki_plan P = {
        .S = alg->slices,
        .w = alg->karatsuba ? 6 : 7,
        .full = alg->full,
        .karatsuba = alg->karatsuba,
        .sum_fp64 = alg->sum_fp64,
    };
    const int S = P.S, nlev = 2 * S - 1;
    ozaki_data D = {
        .P = &P, .m = m, .n = n, .k = k, .a = a, .b = b, .lda = lda, .ldb = ldb,
        .threads = pb_alg_threads(ctx),
    };
    /* rows per block: the level sums, the diagonal products (Karatsuba) and
     * one product within OZAKI_BLOCK_BYTES */
    size_t per_row = (size_t)(nlev + 1 + (P.karatsuba ? S : 0)) * n * sizeof(int64_t);
    size_t rb = OZAKI_BLOCK_BYTES / per_row;
    if (rb < 8) rb = 8;
    if (rb > m) rb = m;

    D.ad = malloc((size_t)S * m * k);           // S slices of M x K
    D.bd = malloc((size_t)S * k * n);           // S slices of K x N
    D.ea = malloc(m * sizeof *D.ea);
    D.eb = malloc(n * sizeof *D.eb);
    D.bad_a = malloc(m * sizeof *D.bad_a);
    D.bad_b = malloc(n * sizeof *D.bad_b);
    int64_t *q = malloc((size_t)nlev * rb * n * sizeof *q);   // levels: rb x N each
    int64_t *tmp = malloc(rb * n * sizeof *tmp);               // rb x N
    int64_t *diag = P.karatsuba ? malloc((size_t)S * rb * n * sizeof *diag) : NULL;
    int8_t *sa = P.karatsuba ? malloc(rb * k) : NULL;          // rb x K
    int8_t *sb = P.karatsuba ? malloc(k * n) : NULL;           // K x N
    pb_status st = PB_OK;
    if (!D.ad || !D.bd || !D.ea || !D.eb || !D.bad_a || !D.bad_b || !q || !tmp ||
        (P.karatsuba && (!diag || !sa || !sb)))
        st = PB_ERR_NOMEM;
    const int old_threads = omp_get_max_threads();
    if (st == PB_OK) {
        const int threads = D.threads;
        /* the integer GEMMs use OpenMP's default: make it ours, then restore */
        omp_set_num_threads(threads);
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t i = 0; i < m; i++) {
            D.ea[i] = vec_exponent(k, a + i * lda, 1, &D.bad_a[i]);
            for (size_t t = 0; t < k; t++)
                slice_value(a[i * lda + t], D.ea[i], &P, D.ad + i * k + t, m * k);
        }
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t j = 0; j < n; j++) D.eb[j] = vec_exponent(k, b + j, ldb, &D.bad_b[j]);
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t t = 0; t < k; t++)
            for (size_t j = 0; j < n; j++)
                slice_value(b[t * ldb + j], D.eb[j], &P, D.bd + t * n + j, k * n);

        for (size_t i0 = 0; i0 < m && st == PB_OK; i0 += rb) {
            size_t rows = m - i0 < rb ? m - i0 : rb;
            st = block_products(&D, i0, rows, q, tmp, diag, sa, sb);
            if (st == PB_OK) block_sum(&D, i0, rows, q, c, ldc);
        }
        omp_set_num_threads(old_threads);
    }
    free(D.ad);
    free(D.bd);
    free(D.ea);
    free(D.eb);
    free(D.bad_a);
    free(D.bad_b);
    free(q);
    free(tmp);
    free(diag);
    free(sa);
    free(sb);
    return st;
}

void pb_alg_ozaki_cost(const pb_alg *alg, size_t m, size_t n, size_t k, pb_alg_cost *cost)
{
    const ozaki_plan P = {.S = alg->slices, .full = alg->full, .karatsuba = alg->karatsuba};
    const int S = P.S;
    uint64_t cells = 0, pairs = 0, diags = 0;
    for (int s = 0; s < S; s++) {
        bool need = in_set(&P, s, s);
        for (int t = 0; t < S; t++) {
            if (!in_set(&P, s, t)) continue;
            cells++;
            if (t > s) pairs++;
            if (t != s) need = true;
        }
        diags += need;
    }
    const double mk = (double)m * (double)k, kn = (double)k * (double)n, mn = (double)m * (double)n;
    cost->products = P.karatsuba ? pairs + diags : cells;
    cost->product_flops = (double)cost->products * 2.0 * (double)m * (double)n * (double)k;
    /* slicing: 3 operations per digit; level sums; the final sum per output */
    cost->extra_flops = 3.0 * S * (mk + kn) + (double)cells * mn + (2.0 * S - 1) * mn;
    if (P.karatsuba) cost->extra_flops += (double)pairs * (mk + kn + 3 * mn);
}
