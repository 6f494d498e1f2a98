/* precbench: split precision, fp32 emulated by bf16 products
 * (precbench/alg.h, docs/algorithms.md).
 *
 * bf16x3 / bf16x6 / bf16x9 (Henry, Tang and Heinecke, "Leveraging the
 * bfloat16 artificial intelligence datatype for higher-precision
 * computations", ARITH 2019).  Every float32 a is cut into bf16 pieces,
 * each the nearest-even bf16 of what the previous pieces left:
 *
 *     a0 = bf16(a),  a1 = bf16(a - a0),  a2 = bf16(a - a0 - a1)
 *
 *     a  = | 8 bits | 8 bits | 8 bits |      (24-bit significand; each
 *            a0       a1       a2             difference is exact in fp32,
 *                                             and a0 + a1 + a2 == a)
 *
 * and A B = sum_ij Ai Bj.  A product Ai Bj is about 2^-8(i+j) of A B, so
 * the terms are grouped in levels L = i + j and the smallest are dropped:
 *
 *              B0      B1      B2
 *          +-------+-------+-------+
 *      A0  | L=0 3 | L=1 3 | L=2 6 |     bf16x3: the cells marked 3
 *          +-------+-------+-------+     bf16x6: 3 and 6
 *      A1  | L=1 3 | L=2 6 | L=3 9 |     bf16x9: all nine
 *          +-------+-------+-------+
 *      A2  | L=2 6 | L=3 9 | L=4 9 |
 *          +-------+-------+-------+
 *
 * Each kept Ai Bj is one pb_gemm with the scheme (the fast bf16 kernel does
 * the work; the pieces are exact bf16 values, so the scheme's quantisation
 * leaves them alone), and the products are added to C in fp32 from the
 * smallest level to the largest, inside a level by increasing i, through
 * pb_gemm's beta = 1 (C = fl32(P + C)):
 *
 *     bf16x9:  C = A2B2; C += A1B2; C += A2B1; C += A0B2; C += A1B1;
 *              C += A2B0; C += A0B1; C += A1B0; C += A0B0
 *
 * bf16x3k (Karatsuba).  With floating pieces the Karatsuba trick
 * (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0 cannot save a product:
 * a0 + a1 is not a bf16 number, and rounded back to bf16 it is a0.  It
 * works when the pieces are integer digits of one fixed-point grid, whose
 * sums stay exact: each row i of A is scaled by 2^-e_i (e_i the exponent
 * with max_k |a_ik| < 2^e_i) and cut into two 7-bit digits,
 *
 *     a_ik = 2^(e_i - 14) (128 d0 + d1) + (truncated rest),  |d0|,|d1| <= 127
 *
 * (truncation toward zero, so d0 and d1 have a's sign), each column j of B
 * likewise with f_j into e0, e1.  Then d0 + d1 is an integer of magnitude
 * <= 254, exact in bf16, and three products give all four digit products:
 *
 *     P0 = D0 E0,  P1 = D1 E1,  Ps = (D0 + D1)(E0 + E1)
 *     cross = fl32(fl32(Ps - P0) - P1)                    (= D0 E1 + D1 E0)
 *     C_ij = 2^(e_i + f_j - 14) fl32(fl32(fl32(P1 2^-7) + cross) 2^-7 + P0)
 *
 * The products are sums of integers below 2^16, exact in the fp32
 * accumulator while K <= 256; the price is the fixed point: 14 bits
 * relative to the row's largest element instead of about 16 bits relative
 * to each element for bf16x3.  An infinity or NaN in A or B goes through as
 * its own digit d0 (inf gives NaN through the difference Ps - P0). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alg_internal.h"
#include "precbench/format.h"

static const pb_format *bf16_format(void)
{
    return pb_format_by_name("bf16");
}

pb_status pb_alg_split_check_scheme(const pb_scheme *scheme)
{
    for (int op = 0; op < 2; op++) {
        const pb_format *f = pb_scheme_format(scheme, op);
        /* every bf16 value (8-bit exponent, 7-bit fraction, subnormals)
         * must be a value of the operand format, and nothing may rescale it */
        if (!f || f->spec.kind != PB_FORMAT_KIND_FLOAT || f->spec.man_bits < 7 ||
            f->emin > -126 || f->emax < 127 || !f->spec.subnormals ||
            f->spec.man_bits - f->emin < 133 || /* bf16's smallest: 2^-133 */
            !pb_scaling_is_none(pb_scheme_scaling(scheme, op)))
            return PB_ERR_UNSUPPORTED;
    }
    return PB_OK;
}

/* ---- bf16x3 / x6 / x9 ------------------------------------------------------- */

/* x (rows x cols, leading dimension ldx) -> np dense bf16 pieces:
 * piece 0 = bf16(x), piece p = bf16(x - piece 0 - ... - piece p-1), every
 * difference exact in fp32.  An infinity or NaN stays in piece 0 (the rest
 * 0), and a finite value beyond bf16's range takes bf16's largest value
 * there.  No buffer besides the pieces: each residual is recomputed from x
 * (exact, so the same value) into the next piece and rounded in place. */
static pb_status split_pieces(const pb_format *bf, int threads, size_t rows, size_t cols,
                              const float *x, size_t ldx, int np, float **piece)
{
    const size_t total = rows * cols;
    const pb_rounding rne = pb_rounding_default();
    const float bfmax = (float)bf->max_finite;
#pragma omp parallel for schedule(static) num_threads(threads) if (total >= PB_ALG_PAR_MIN)
    for (size_t i = 0; i < rows; i++) memcpy(piece[0] + i * cols, x + i * ldx, cols * sizeof(float));
    pb_status st = pb_round_f32(bf, piece[0], piece[0], total, &rne, 0);
    for (int p = 1; p < np && st == PB_OK; p++) {
#pragma omp parallel for schedule(static) num_threads(threads) if (total >= PB_ALG_PAR_MIN)
        for (size_t i = 0; i < rows; i++)
            for (size_t j = 0; j < cols; j++) {
                const size_t t = i * cols + j;
                float r = x[i * ldx + j];
                if (!isfinite(r)) {
                    piece[p][t] = 0.0f;
                    continue;
                }
                if (p == 1 && !isfinite(piece[0][t])) piece[0][t] = copysignf(bfmax, r);
                for (int q = 0; q < p; q++) r -= piece[q][t];
                piece[p][t] = r;
            }
        st = pb_round_f32(bf, piece[p], piece[p], total, &rne, 0);
    }
    return st;
}

/* The products of bf16xN in the order they are added: (i, j) of Ai Bj. */
static const unsigned char order_x9[][2] = {{2, 2}, {1, 2}, {2, 1}, {0, 2}, {1, 1},
                                            {2, 0}, {0, 1}, {1, 0}, {0, 0}};
static const unsigned char order_x6[][2] = {{0, 2}, {1, 1}, {2, 0}, {0, 1}, {1, 0}, {0, 0}};
static const unsigned char order_x3[][2] = {{0, 1}, {1, 0}, {0, 0}};

static int split_products(pb_alg_kind kind, const unsigned char (**order)[2])
{
    switch (kind) {
    case PB_ALG_BF16X9: *order = order_x9; return 9;
    case PB_ALG_BF16X6: *order = order_x6; return 6;
    default: *order = order_x3; return 3;
    }
}

static pb_status run_bf16xn(const pb_alg *alg, const pb_scheme *scheme, const pb_gemm_ctx *ctx,
                            size_t m, size_t n, size_t k, const float *a, size_t lda,
                            const float *b, size_t ldb, float *c, size_t ldc)
{
    const pb_format *bf = bf16_format();
    if (!bf) return PB_ERR_UNKNOWN_FORMAT;
    const unsigned char(*order)[2];
    const int nprod = split_products(alg->kind, &order);
    const int np = alg->kind == PB_ALG_BF16X3 ? 2 : 3;
    const int threads = pb_alg_threads(ctx);
    float *pa[3] = {0}, *pb[3] = {0}; // pieces: A_i M x K, B_j K x N, dense
    pb_status st = PB_OK;
    for (int p = 0; p < np; p++) {
        pa[p] = malloc(m * k * sizeof(float));
        pb[p] = malloc(k * n * sizeof(float));
        if (!pa[p] || !pb[p]) st = PB_ERR_NOMEM;
    }
    if (st == PB_OK) st = split_pieces(bf, threads, m, k, a, lda, np, pa);
    if (st == PB_OK) st = split_pieces(bf, threads, k, n, b, ldb, np, pb);
    for (int t = 0; t < nprod && st == PB_OK; t++) {
        pb_gemm_ctx lc = pb_alg_leaf_ctx(ctx, (uint32_t)t);
        st = pb_gemm(scheme, &lc, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, pa[order[t][0]], k,
                     pb[order[t][1]], n, t == 0 ? 0.0f : 1.0f, c, ldc);
    }
    for (int p = 0; p < 3; p++) {
        free(pa[p]);
        free(pb[p]);
    }
    return st;
}

/* ---- bf16x3k ------------------------------------------------------------------ */

/* The exponent e with max |x| < 2^e over the finite values of a row or
 * column (0 when they are all zero or none is finite). */
static int vec_exponent(size_t len, const float *x, size_t inc)
{
    float amax = 0.0f;
    for (size_t t = 0; t < len; t++) {
        float v = fabsf(x[t * inc]);
        if (isfinite(v) && v > amax) amax = v;
    }
    int e = 0;
    if (amax > 0.0f) frexpf(amax, &e);
    return e;
}

/* Digits of x with exponent e: d0, d1 and d0 + d1 (all exact in bf16). */
static void digits(float x, int e, float *d0, float *d1, float *ds)
{
    if (!isfinite(x)) {
        *d0 = *ds = x;
        *d1 = 0.0f;
        return;
    }
    double r = ldexp((double)x, 7 - e); /* |r| < 128, exact in binary64 */
    double h = trunc(r);
    double l = trunc((r - h) * 128.0);
    *d0 = (float)h;
    *d1 = (float)l;
    *ds = (float)(h + l);
}

static pb_status run_bf16x3k(const pb_scheme *scheme, const pb_gemm_ctx *ctx, size_t m,
                             size_t n, size_t k, const float *a, size_t lda, const float *b,
                             size_t ldb, float *c, size_t ldc)
{
    const int threads = pb_alg_threads(ctx);
    int *ea = malloc((m ? m : 1) * sizeof *ea), *eb = malloc((n ? n : 1) * sizeof *eb);
    float *da[3], *db[3];                    // digits D0, D1, D0 + D1: M x K and K x N
    float *p0 = malloc(m * n * sizeof *p0);  // M x N
    float *p1 = malloc(m * n * sizeof *p1);  // M x N
    pb_status st = (ea && eb && p0 && p1) ? PB_OK : PB_ERR_NOMEM;
    for (int d = 0; d < 3; d++) {
        da[d] = malloc(m * k * sizeof(float));
        db[d] = malloc(k * n * sizeof(float));
        if (!da[d] || !db[d]) st = PB_ERR_NOMEM;
    }
    if (st != PB_OK) goto out;

#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < m; i++) {
        ea[i] = vec_exponent(k, a + i * lda, 1);
        for (size_t t = 0; t < k; t++)
            digits(a[i * lda + t], ea[i], &da[0][i * k + t], &da[1][i * k + t], &da[2][i * k + t]);
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t j = 0; j < n; j++) eb[j] = vec_exponent(k, b + j, ldb);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t t = 0; t < k; t++)
        for (size_t j = 0; j < n; j++)
            digits(b[t * ldb + j], eb[j], &db[0][t * n + j], &db[1][t * n + j], &db[2][t * n + j]);

    pb_gemm_ctx lc = pb_alg_leaf_ctx(ctx, 0);
    st = pb_gemm(scheme, &lc, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, da[0], k, db[0], n, 0.0f,
                 p0, n);
    lc = pb_alg_leaf_ctx(ctx, 1);
    if (st == PB_OK)
        st = pb_gemm(scheme, &lc, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, da[1], k, db[1], n,
                     0.0f, p1, n);
    lc = pb_alg_leaf_ctx(ctx, 2);
    if (st == PB_OK)
        st = pb_gemm(scheme, &lc, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, da[2], k, db[2], n,
                     0.0f, c, ldc);
    if (st != PB_OK) goto out;

#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            float s0 = p0[i * n + j], s1 = p1[i * n + j], ss = c[i * ldc + j];
            float cross = (ss - s0) - s1;
            float acc = s1 * 0x1p-7f + cross;
            acc = acc * 0x1p-7f + s0;
            c[i * ldc + j] = ldexpf(acc, ea[i] + eb[j] - 14);
        }
out:
    free(ea);
    free(eb);
    free(p0);
    free(p1);
    for (int d = 0; d < 3; d++) {
        free(da[d]);
        free(db[d]);
    }
    return st;
}

pb_status pb_alg_split_run(const pb_alg *alg, const pb_scheme *scheme,
                           const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                           const float *a, size_t lda, const float *b, size_t ldb,
                           float *c, size_t ldc)
{
    pb_status st = pb_alg_split_check_scheme(scheme);
    if (st != PB_OK) return st;
    if (k == 0) /* no pieces to split: C = 0 as the scheme writes it */
        return pb_gemm(scheme, ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, 0, 1.0f, a, lda, b, ldb,
                       0.0f, c, ldc);
    if (alg->kind == PB_ALG_BF16X3K)
        return run_bf16x3k(scheme, ctx, m, n, k, a, lda, b, ldb, c, ldc);
    return run_bf16xn(alg, scheme, ctx, m, n, k, a, lda, b, ldb, c, ldc);
}

void pb_alg_split_cost(const pb_alg *alg, size_t m, size_t n, size_t k, pb_alg_cost *cost)
{
    const double mk = (double)m * (double)k, kn = (double)k * (double)n, mn = (double)m * (double)n;
    const double prod = 2.0 * (double)m * (double)n * (double)k;
    if (alg->kind == PB_ALG_BF16X3K) {
        /* digits: scale, two truncations, one sum per element; products;
         * combination: 6 operations per output */
        cost->products = 3;
        cost->product_flops = 3 * prod;
        cost->extra_flops = 4 * (mk + kn) + 6 * mn;
        return;
    }
    const unsigned char(*order)[2];
    const int nprod = split_products(alg->kind, &order);
    const int np = alg->kind == PB_ALG_BF16X3 ? 2 : 3;
    cost->products = (uint64_t)nprod;
    cost->product_flops = nprod * prod;
    /* np roundings and np - 1 subtractions per element; nprod - 1 sums */
    cost->extra_flops = (2.0 * np - 1) * (mk + kn) + (nprod - 1) * mn;
}
