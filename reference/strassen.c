/* precbench: Strassen and Strassen-Winograd GEMM over any scheme
 * (precbench/alg.h, docs/algorithms.md).
 *
 * One level splits every operand into four quadrants (M, N, K even):
 *
 *            K/2   K/2              N/2   N/2              N/2   N/2
 *          +-----+-----+          +-----+-----+          +-----+-----+
 *     M/2  | A11 | A12 |     K/2  | B11 | B12 |     M/2  | C11 | C12 |
 *          +-----+-----+    x     +-----+-----+    =     +-----+-----+
 *     M/2  | A21 | A22 |     K/2  | B21 | B22 |     M/2  | C21 | C22 |
 *          +-----+-----+          +-----+-----+          +-----+-----+
 *
 * and forms C from 7 half-size products instead of 8.  Strassen (1969):
 *
 *   M1 = (A11 + A22)(B11 + B22)      C11 = ((M1 + M4) - M5) + M7
 *   M2 = (A21 + A22) B11             C12 = M3 + M5
 *   M3 = A11 (B12 - B22)             C21 = M2 + M4
 *   M4 = A22 (B21 - B11)             C22 = ((M1 - M2) + M3) + M6
 *   M5 = (A11 + A12) B22
 *   M6 = (A21 - A11)(B11 + B12)      18 additions of quadrants
 *   M7 = (A12 - A22)(B21 + B22)
 *
 * Winograd's variant (7 products, 15 additions):
 *
 *   S1 = A21 + A22   T1 = B12 - B11   P1 = A11 B11   U1 = P1 + P2  = C11
 *   S2 = S1 - A11    T2 = B22 - T1    P2 = A12 B21   U2 = P1 + P6
 *   S3 = A11 - A21   T3 = B22 - B12   P3 = S4 B22    U3 = U2 + P7
 *   S4 = A12 - S2    T4 = T2 - B21    P4 = A22 T4    U4 = U2 + P5
 *                                     P5 = S1 T1     U5 = U4 + P3  = C12
 *                                     P6 = S2 T2     U6 = U3 - P4  = C21
 *                                     P7 = S3 T3     U7 = U3 + P5  = C22
 *
 * Every sum above is one fl32 operation on float32 storage, as a real
 * implementation does it; the parenthesisation written is the one computed.
 * The products recurse while min(M, N, K) > cutoff; below, a leaf is one
 * pb_gemm call with the scheme.  A dimension that is odd at some level is
 * padded there with one zero row / column (a copy of the operands; the
 * padded part of C is discarded), so any M x K times K x N works:
 *
 *          K   0               N   0
 *       +-----+-+           +-----+-+
 *     M |  A  |0|         K |  B  |0|      zeros contribute nothing to the
 *       +-----+-+           +-----+-+      kept part of C (a zero row of A
 *     0 |  0  |0|         0 |  0  |0|      only meets zero columns of B)
 *       +-----+-+           +-----+-+
 *
 * Memory: a level holds 3 (Strassen) or 6 (Winograd) quadrant-size
 * temporaries besides its padded copies, all taken from one workspace
 * allocated per call (about (mk + kn + mn)/4 (Strassen) or /2 (Winograd)
 * floats, times 4/3 over the levels). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alg_internal.h"

typedef struct strassen_run {
    const pb_scheme *scheme;
    const pb_gemm_ctx *ctx;
    bool winograd;
    size_t cutoff;
    int threads;
    uint32_t leaf; /* leaves called so far: the next leaf's stream offset */
    float *ws;     /* workspace for every level's temporaries (a stack)      */
    size_t top;    /* floats of ws in use                                   */
} strassen_run;

/* count floats from the workspace stack (released by resetting R->top). */
static float *take(strassen_run *R, size_t count)
{
    float *p = R->ws + R->top;
    R->top += count;
    return p;
}

/* ---- elementwise fl32 operations on r x c blocks ------------------------ */

/* z = fl32(x + y); z may be x or y. */
static void mat_add(const strassen_run *R, size_t r, size_t c, const float *x, size_t ldx,
                    const float *y, size_t ldy, float *z, size_t ldz)
{
#pragma omp parallel for schedule(static) num_threads(R->threads) if (r * c >= PB_ALG_PAR_MIN)
    for (size_t i = 0; i < r; i++) {
        float *zr = z + i * ldz;
        const float *xr = x + i * ldx, *yr = y + i * ldy;
        /* elementwise: z may be x or y, but never overlaps them otherwise */
#pragma omp simd
        for (size_t j = 0; j < c; j++) zr[j] = xr[j] + yr[j];
    }
}

/* z = fl32(x - y); z may be x or y. */
static void mat_sub(const strassen_run *R, size_t r, size_t c, const float *x, size_t ldx,
                    const float *y, size_t ldy, float *z, size_t ldz)
{
#pragma omp parallel for schedule(static) num_threads(R->threads) if (r * c >= PB_ALG_PAR_MIN)
    for (size_t i = 0; i < r; i++) {
        float *zr = z + i * ldz;
        const float *xr = x + i * ldx, *yr = y + i * ldy;
#pragma omp simd
        for (size_t j = 0; j < c; j++) zr[j] = xr[j] - yr[j];
    }
}

/* z = x; the rest of z's rows up to zc columns and rows up to zr are zero. */
static void mat_copy_pad(size_t r, size_t c, const float *x, size_t ldx,
                         size_t zr, size_t zc, float *z)
{
    for (size_t i = 0; i < zr; i++) {
        if (i < r) {
            memcpy(z + i * zc, x + i * ldx, c * sizeof *z);
            if (zc > c) memset(z + i * zc + c, 0, (zc - c) * sizeof *z);
        } else {
            memset(z + i * zc, 0, zc * sizeof *z);
        }
    }
}

static void mat_copy(size_t r, size_t c, const float *x, size_t ldx, float *z, size_t ldz)
{
    for (size_t i = 0; i < r; i++) memcpy(z + i * ldz, x + i * ldx, c * sizeof *z);
}

/* ---- the recursion --------------------------------------------------------- */

static pb_status rec(strassen_run *R, size_t m, size_t n, size_t k, const float *a,
                     size_t lda, const float *b, size_t ldb, float *c, size_t ldc);

static pb_status leaf(strassen_run *R, size_t m, size_t n, size_t k, const float *a,
                      size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
    pb_gemm_ctx lc = pb_alg_leaf_ctx(R->ctx, R->leaf++);
    return pb_gemm(R->scheme, &lc, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, lda, b, ldb,
                   0.0f, c, ldc);
}

/* Quadrant (qi, qj) of an r x c block with leading dimension ld, cut at
 * (r/2, c/2). */
#define QUAD(x, ld, hr, hc, qi, qj) ((x) + (size_t)(qi) * (hr) * (ld) + (size_t)(qj) * (hc))

/* One Strassen level on even M, N, K. */
static pb_status level_strassen(strassen_run *R, size_t m, size_t n, size_t k, const float *a,
                                size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
    const size_t mh = m / 2, nh = n / 2, kh = k / 2;
    // A: M x K -> Aij: M/2 x K/2;  B: K x N -> Bij: K/2 x N/2;  C: Cij: M/2 x N/2
    const float *a11 = QUAD(a, lda, mh, kh, 0, 0), *a12 = QUAD(a, lda, mh, kh, 0, 1);
    const float *a21 = QUAD(a, lda, mh, kh, 1, 0), *a22 = QUAD(a, lda, mh, kh, 1, 1);
    const float *b11 = QUAD(b, ldb, kh, nh, 0, 0), *b12 = QUAD(b, ldb, kh, nh, 0, 1);
    const float *b21 = QUAD(b, ldb, kh, nh, 1, 0), *b22 = QUAD(b, ldb, kh, nh, 1, 1);
    float *c11 = QUAD(c, ldc, mh, nh, 0, 0), *c12 = QUAD(c, ldc, mh, nh, 0, 1);
    float *c21 = QUAD(c, ldc, mh, nh, 1, 0), *c22 = QUAD(c, ldc, mh, nh, 1, 1);

    const size_t top = R->top;
    float *sa = take(R, mh * kh); // M/2 x K/2
    float *ta = take(R, kh * nh); // K/2 x N/2
    float *pa = take(R, mh * nh); // M/2 x N/2
    pb_status st;

    /* M1 -> C11 and C22 */
    mat_add(R, mh, kh, a11, lda, a22, lda, sa, kh);
    mat_add(R, kh, nh, b11, ldb, b22, ldb, ta, nh);
    if ((st = rec(R, mh, nh, kh, sa, kh, ta, nh, c11, ldc)) != PB_OK) goto out;
    mat_copy(mh, nh, c11, ldc, c22, ldc);
    /* M2 -> C21;  C22 = M1 - M2 */
    mat_add(R, mh, kh, a21, lda, a22, lda, sa, kh);
    if ((st = rec(R, mh, nh, kh, sa, kh, b11, ldb, c21, ldc)) != PB_OK) goto out;
    mat_sub(R, mh, nh, c22, ldc, c21, ldc, c22, ldc);
    /* M3 -> C12;  C22 = (M1 - M2) + M3 */
    mat_sub(R, kh, nh, b12, ldb, b22, ldb, ta, nh);
    if ((st = rec(R, mh, nh, kh, a11, lda, ta, nh, c12, ldc)) != PB_OK) goto out;
    mat_add(R, mh, nh, c22, ldc, c12, ldc, c22, ldc);
    /* M4:  C11 = M1 + M4,  C21 = M2 + M4 */
    mat_sub(R, kh, nh, b21, ldb, b11, ldb, ta, nh);
    if ((st = rec(R, mh, nh, kh, a22, lda, ta, nh, pa, nh)) != PB_OK) goto out;
    mat_add(R, mh, nh, c11, ldc, pa, nh, c11, ldc);
    mat_add(R, mh, nh, c21, ldc, pa, nh, c21, ldc);
    /* M5:  C11 = (M1 + M4) - M5,  C12 = M3 + M5 */
    mat_add(R, mh, kh, a11, lda, a12, lda, sa, kh);
    if ((st = rec(R, mh, nh, kh, sa, kh, b22, ldb, pa, nh)) != PB_OK) goto out;
    mat_sub(R, mh, nh, c11, ldc, pa, nh, c11, ldc);
    mat_add(R, mh, nh, c12, ldc, pa, nh, c12, ldc);
    /* M6:  C22 = ((M1 - M2) + M3) + M6 */
    mat_sub(R, mh, kh, a21, lda, a11, lda, sa, kh);
    mat_add(R, kh, nh, b11, ldb, b12, ldb, ta, nh);
    if ((st = rec(R, mh, nh, kh, sa, kh, ta, nh, pa, nh)) != PB_OK) goto out;
    mat_add(R, mh, nh, c22, ldc, pa, nh, c22, ldc);
    /* M7:  C11 = ((M1 + M4) - M5) + M7 */
    mat_sub(R, mh, kh, a12, lda, a22, lda, sa, kh);
    mat_add(R, kh, nh, b21, ldb, b22, ldb, ta, nh);
    if ((st = rec(R, mh, nh, kh, sa, kh, ta, nh, pa, nh)) != PB_OK) goto out;
    mat_add(R, mh, nh, c11, ldc, pa, nh, c11, ldc);
out:
    R->top = top;
    return st;
}

/* One Winograd level on even M, N, K (the schedule keeps 2 + 2 + 2
 * temporaries; C's quadrants hold products until they are final). */
static pb_status level_winograd(strassen_run *R, size_t m, size_t n, size_t k, const float *a,
                                size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
    const size_t mh = m / 2, nh = n / 2, kh = k / 2;
    const float *a11 = QUAD(a, lda, mh, kh, 0, 0), *a12 = QUAD(a, lda, mh, kh, 0, 1);
    const float *a21 = QUAD(a, lda, mh, kh, 1, 0), *a22 = QUAD(a, lda, mh, kh, 1, 1);
    const float *b11 = QUAD(b, ldb, kh, nh, 0, 0), *b12 = QUAD(b, ldb, kh, nh, 0, 1);
    const float *b21 = QUAD(b, ldb, kh, nh, 1, 0), *b22 = QUAD(b, ldb, kh, nh, 1, 1);
    float *c11 = QUAD(c, ldc, mh, nh, 0, 0), *c12 = QUAD(c, ldc, mh, nh, 0, 1);
    float *c21 = QUAD(c, ldc, mh, nh, 1, 0), *c22 = QUAD(c, ldc, mh, nh, 1, 1);

    const size_t top = R->top;
    float *sa = take(R, mh * kh), *sb = take(R, mh * kh); // M/2 x K/2
    float *ta = take(R, kh * nh), *tb = take(R, kh * nh); // K/2 x N/2
    float *pa = take(R, mh * nh), *pb = take(R, mh * nh); // M/2 x N/2
    pb_status st;

    mat_add(R, mh, kh, a21, lda, a22, lda, sa, kh);             /* sa = S1 */
    mat_sub(R, kh, nh, b12, ldb, b11, ldb, ta, nh);             /* ta = T1 */
    if ((st = rec(R, mh, nh, kh, sa, kh, ta, nh, pa, nh)) != PB_OK) goto out; /* pa = P5 */
    mat_sub(R, mh, kh, sa, kh, a11, lda, sb, kh);               /* sb = S2 */
    mat_sub(R, kh, nh, b22, ldb, ta, nh, tb, nh);               /* tb = T2 */
    if ((st = rec(R, mh, nh, kh, sb, kh, tb, nh, pb, nh)) != PB_OK) goto out; /* pb = P6 */
    mat_sub(R, mh, kh, a12, lda, sb, kh, sa, kh);               /* sa = S4 */
    mat_sub(R, kh, nh, tb, nh, b21, ldb, ta, nh);               /* ta = T4 */
    mat_sub(R, mh, kh, a11, lda, a21, lda, sb, kh);             /* sb = S3 */
    mat_sub(R, kh, nh, b22, ldb, b12, ldb, tb, nh);             /* tb = T3 */
    if ((st = rec(R, mh, nh, kh, a11, lda, b11, ldb, c11, ldc)) != PB_OK) goto out; /* C11 = P1 */
    mat_add(R, mh, nh, c11, ldc, pb, nh, pb, nh);               /* pb = U2 = P1 + P6 */
    if ((st = rec(R, mh, nh, kh, a12, lda, b21, ldb, c12, ldc)) != PB_OK) goto out; /* C12 = P2 */
    mat_add(R, mh, nh, c11, ldc, c12, ldc, c11, ldc);           /* C11 = U1 = P1 + P2 */
    if ((st = rec(R, mh, nh, kh, sb, kh, tb, nh, c12, ldc)) != PB_OK) goto out; /* C12 = P7 */
    mat_add(R, mh, nh, pb, nh, c12, ldc, c21, ldc);             /* C21 = U3 = U2 + P7 */
    mat_add(R, mh, nh, pb, nh, pa, nh, pb, nh);                 /* pb = U4 = U2 + P5 */
    mat_add(R, mh, nh, c21, ldc, pa, nh, c22, ldc);             /* C22 = U7 = U3 + P5 */
    if ((st = rec(R, mh, nh, kh, sa, kh, b22, ldb, c12, ldc)) != PB_OK) goto out; /* C12 = P3 */
    mat_add(R, mh, nh, pb, nh, c12, ldc, c12, ldc);             /* C12 = U5 = U4 + P3 */
    if ((st = rec(R, mh, nh, kh, a22, lda, ta, nh, pa, nh)) != PB_OK) goto out; /* pa = P4 */
    mat_sub(R, mh, nh, c21, ldc, pa, nh, c21, ldc);             /* C21 = U6 = U3 - P4 */
out:
    R->top = top;
    return st;
}

static pb_status level(strassen_run *R, size_t m, size_t n, size_t k, const float *a,
                       size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
    return R->winograd ? level_winograd(R, m, n, k, a, lda, b, ldb, c, ldc)
                       : level_strassen(R, m, n, k, a, lda, b, ldb, c, ldc);
}

static size_t min3(size_t x, size_t y, size_t z)
{
    size_t v = x < y ? x : y;
    return v < z ? v : z;
}

static pb_status rec(strassen_run *R, size_t m, size_t n, size_t k, const float *a,
                     size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
    if (min3(m, n, k) <= R->cutoff) return leaf(R, m, n, k, a, lda, b, ldb, c, ldc);
    if (!(m & 1) && !(n & 1) && !(k & 1)) return level(R, m, n, k, a, lda, b, ldb, c, ldc);

    /* Odd dimension: pad it with one zero row / column at this level. */
    const size_t mp = m + (m & 1), np = n + (n & 1), kp = k + (k & 1);
    const size_t top = R->top;
    float *ap = take(R, mp * kp); // M' x K'
    float *bp = take(R, kp * np); // K' x N'
    float *cp = take(R, mp * np); // M' x N'
    mat_copy_pad(m, k, a, lda, mp, kp, ap);
    mat_copy_pad(k, n, b, ldb, kp, np, bp);
    pb_status st = level(R, mp, np, kp, ap, kp, bp, np, cp, np);
    if (st == PB_OK) mat_copy(m, n, cp, np, c, ldc);
    R->top = top;
    return st;
}

/* Floats of workspace the recursion needs below a call of this size: the
 * padded copies and one level's temporaries, then the deepest path below
 * (the 7 products run one after the other and reuse the same space). */
static size_t workspace(bool winograd, size_t cutoff, size_t m, size_t n, size_t k)
{
    if (min3(m, n, k) <= cutoff) return 0;
    size_t need = 0;
    if ((m | n | k) & 1) {
        m += m & 1;
        n += n & 1;
        k += k & 1;
        need += m * k + k * n + m * n;
    }
    const size_t mh = m / 2, nh = n / 2, kh = k / 2;
    need += (winograd ? 2 : 1) * (mh * kh + kh * nh + mh * nh);
    return need + workspace(winograd, cutoff, mh, nh, kh);
}

pb_status pb_alg_strassen_run(const pb_alg *alg, const pb_scheme *scheme,
                              const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                              const float *a, size_t lda, const float *b, size_t ldb,
                              float *c, size_t ldc)
{
    strassen_run R = {
        .scheme = scheme,
        .ctx = ctx,
        .winograd = alg->kind == PB_ALG_WINOGRAD,
        .cutoff = alg->cutoff,
        .threads = pb_alg_threads(ctx),
        .leaf = 0,
    };
    /* one allocation for the whole recursion: the temporaries of a level
     * are touched once per call, not once per product */
    const size_t need = workspace(R.winograd, R.cutoff, m, n, k);
    if (need > SIZE_MAX / sizeof(float)) return PB_ERR_NOMEM;
    if (need) {
        R.ws = malloc(need * sizeof(float));
        if (!R.ws) return PB_ERR_NOMEM;
    }
    pb_status st = rec(&R, m, n, k, a, lda, b, ldb, c, ldc);
    free(R.ws);
    return st;
}

/* ---- cost: the same walk without arithmetic --------------------------------- */

static void cost_rec(bool winograd, size_t cutoff, size_t m, size_t n, size_t k,
                     unsigned depth, pb_alg_cost *cost)
{
    if (min3(m, n, k) <= cutoff) {
        cost->products++;
        cost->product_flops += 2.0 * (double)m * (double)n * (double)k;
        if (depth > cost->depth) cost->depth = depth;
        return;
    }
    m += m & 1;
    n += n & 1;
    k += k & 1;
    const double qa = (double)(m / 2) * (double)(k / 2);
    const double qb = (double)(k / 2) * (double)(n / 2);
    const double qc = (double)(m / 2) * (double)(n / 2);
    /* Strassen: 5 sums of A's quadrants, 5 of B's, 8 of C's;
     * Winograd: 4, 4 and 7. */
    cost->extra_flops += winograd ? 4 * qa + 4 * qb + 7 * qc : 5 * qa + 5 * qb + 8 * qc;
    /* the 7 products have the same size: walk one, count it 7 times */
    pb_alg_cost sub = {0};
    cost_rec(winograd, cutoff, m / 2, n / 2, k / 2, depth + 1, &sub);
    cost->products += 7 * sub.products;
    cost->product_flops += 7 * sub.product_flops;
    cost->extra_flops += 7 * sub.extra_flops;
    if (sub.depth > cost->depth) cost->depth = sub.depth;
}

void pb_alg_strassen_cost(const pb_alg *alg, size_t m, size_t n, size_t k, pb_alg_cost *cost)
{
    cost_rec(alg->kind == PB_ALG_WINOGRAD, alg->cutoff, m, n, k, 0, cost);
}

double pb_alg_strassen_bound(pb_alg_kind kind, size_t n, size_t n0)
{
    if (n0 == 0 || n < n0 || n % n0) return NAN;
    size_t q = n / n0;
    if (q & (q - 1)) return NAN;
    const double N = (double)n, N0 = (double)n0;
    if (kind == PB_ALG_STRASSEN) return pow(N / N0, log2(12.0)) * (N0 * N0 + 5 * N0) - 5 * N;
    if (kind == PB_ALG_WINOGRAD) return pow(N / N0, log2(18.0)) * (N0 * N0 + 6 * N0) - 6 * N;
    return N * N;
}
