/* Exact GEMM: C = op(A) op(B), each element rounded once (exact.h).
 *
 * Blocking (BLIS-like, but every micro-tile runs the whole K loop, since an
 * EFT state cannot be split along K without a merge):
 *
 *   for each block of MC rows of op(A)             (MC * K doubles <= 32 MB)
 *     pack the block as MR-row slivers             (parallel over slivers)
 *     for each tile (NR columns x G slivers)       (parallel, dynamic)
 *       pack the NR-column panel of op(B)          (K x NR doubles, per thread,
 *                                                   reused by the next tile of
 *                                                   the same panel)
 *       for each sliver: micro-kernel -> MR x NR EFT states
 *         each state: proved -> C(i, j); else the long accumulator over
 *         row i of op(A) and column j of op(B).
 *
 * Inputs are converted to double while packing; float32 products are then
 * exact.  For float64 inputs the TwoProduct of a row and a column is exact
 * when their smallest nonzero magnitudes have exponents summing to at least
 * -960 (exact_decide.c); other elements take the long accumulator.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "accum/exact_internal.h"

enum { MR = PB_EXACT_MR, NR = PB_EXACT_NR, G = 8 };
#define PACK_BUDGET_DOUBLES ((size_t)4 << 20) /* 32 MB of packed A */

/* ---- backend selection --------------------------------------------------- */

static int force_scalar;

bool pb_exact_use_avx512(void)
{
    if (__atomic_load_n(&force_scalar, __ATOMIC_RELAXED)) return false;
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

const char *pb_exact_backend(void)
{
    return pb_exact_use_avx512() ? "avx512" : "scalar";
}

bool pb_exact_force_scalar(bool force)
{
    return __atomic_exchange_n(&force_scalar, force ? 1 : 0, __ATOMIC_RELAXED) != 0;
}

/* ---- operands -------------------------------------------------------------- */

/* op(X) as strides over its storage: op(X)(i, j) = p[i * rs + j * cs]. */
typedef struct operand {
    const void *p;
    size_t ld, rs, cs;
    bool trans, f32;
} operand;

static operand operand_make(const void *p, size_t ld, bool trans, bool f32)
{
    return (operand){p, ld, trans ? 1 : ld, trans ? ld : 1, trans, f32};
}

static inline double load(const operand *o, size_t off)
{
    return o->f32 ? (double)((const float *)o->p)[off] : ((const double *)o->p)[off];
}

/* n elements of a line of op(X) starting at offset `off`, step `step`, as
 * doubles into dst with stride `ds` (the float32 / float64 test hoisted). */
static void copy_line(const operand *o, size_t off, size_t step, size_t n,
                      double *dst, size_t ds)
{
    if (o->f32) {
        const float *src = (const float *)o->p + off;
        for (size_t t = 0; t < n; t++) dst[t * ds] = (double)src[t * step];
    } else {
        const double *src = (const double *)o->p + off;
        for (size_t t = 0; t < n; t++) dst[t * ds] = src[t * step];
    }
}

typedef struct gemm_job {
    operand a, b;           /* op(A): m x k, op(B): k x n                   */
    size_t m, n, k;
    double *c;
    size_t ldc;
    pb_exact_target t;
    bool products2;         /* float64 inputs: TwoProduct                    */
    bool try_eft;
    double *amin, *bmin;    /* float64: smallest nonzero |.| per row of op(A)
                               and per column of op(B)                       */
} gemm_job;

/* The smallest nonzero magnitude of every row (by_row) or column of a
 * stored rows x cols matrix, scanning in storage order (parallel: called
 * inside an OpenMP region). */
static void min_magnitudes(const operand *o, size_t rows, size_t cols,
                           bool by_row, double *out)
{
    if (by_row) {
#pragma omp for schedule(static)
        for (size_t i = 0; i < rows; i++) {
            double mn = INFINITY;
            for (size_t j = 0; j < cols; j++) {
                double v = fabs(load(o, i * o->ld + j));
                if (v != 0 && v < mn) mn = v;
            }
            out[i] = mn;
        }
    } else {
        /* Each thread a band of columns, walking the rows. */
        const size_t band = 256;
#pragma omp for schedule(static)
        for (size_t j0 = 0; j0 < cols; j0 += band) {
            size_t j1 = cols - j0 < band ? cols : j0 + band;
            for (size_t j = j0; j < j1; j++) out[j] = INFINITY;
            for (size_t i = 0; i < rows; i++)
                for (size_t j = j0; j < j1; j++) {
                    double v = fabs(load(o, i * o->ld + j));
                    if (v != 0 && v < out[j]) out[j] = v;
                }
        }
    }
}

/* Can the TwoProducts of row i and column j underflow?  (exact_decide.c:
 * exact when the exponents of the factors sum to at least -960.) */
static bool products_safe(const gemm_job *job, size_t i, size_t j)
{
    double a = job->amin[i], b = job->bmin[j];
    if (!isfinite(a) || !isfinite(b)) return true; /* an all-zero line */
    return ilogb(a) + ilogb(b) >= -960;
}

/* dst[t * ds + l] = op(X)(line l, t) for `lines` lines starting at line
 * l0 (rows of op(A), or columns of op(B) seen as rows of op(B)^T) and t < k,
 * walking the storage in whichever order is contiguous. */
static void pack_lines(const operand *o, size_t l0, size_t lines, size_t lstride,
                       size_t tstride, size_t k, double *dst, size_t ds)
{
    if (tstride == 1) {
        for (size_t l = 0; l < lines; l++)
            copy_line(o, (l0 + l) * lstride, 1, k, dst + l, ds);
    } else {
        /* Consecutive lines are adjacent in memory: read them together. */
        for (size_t t = 0; t < k; t++)
            copy_line(o, l0 * lstride + t * tstride, lstride, lines, dst + t * ds, 1);
    }
}

static void pack_a_sliver(const gemm_job *job, size_t i0, double *dst)
{
    /* dst: k x MR, dst[kk * MR + r] = op(A)(i0 + r, kk), zero past m */
    size_t rows = job->m - i0 < MR ? job->m - i0 : MR;
    pack_lines(&job->a, i0, rows, job->a.rs, job->a.cs, job->k, dst, MR);
    for (size_t r = rows; r < MR; r++)
        for (size_t kk = 0; kk < job->k; kk++) dst[kk * MR + r] = 0.0;
}

static void pack_b_panel(const gemm_job *job, size_t j0, double *dst)
{
    /* dst: k x NR, dst[kk * NR + j] = op(B)(kk, j0 + j), zero past n */
    size_t nj = job->n - j0 < NR ? job->n - j0 : NR;
    pack_lines(&job->b, j0, nj, job->b.cs, job->b.rs, job->k, dst, NR);
    for (size_t j = nj; j < NR; j++)
        for (size_t kk = 0; kk < job->k; kk++) dst[kk * NR + j] = 0.0;
}

/* Row r of a packed A sliver and column j of a packed B panel (exact
 * copies of the inputs, as doubles). */
typedef struct packed_pair {
    const double *a, *b; /* a[kk * MR], b[kk * NR] */
    size_t k;
} packed_pair;

/* One element through the long accumulator. */
static double fallback(const gemm_job *job, packed_pair p, uint64_t index)
{
    pb_longacc acc;
    pb_longacc_init(&acc);
    for (size_t kk = 0; kk < p.k; kk++)
        pb_longacc_add_product(&acc, p.a[kk * MR], p.b[kk * NR]);
    return pb_exact_round_acc(&acc, &job->t, index);
}

/* The exponent G of the coarsest power of two dividing every product
 * (INT_MAX when all are zero). */
static int grid_of(packed_pair p)
{
    int grid = INT_MAX;
    for (size_t kk = 0; kk < p.k; kk++) {
        double a = p.a[kk * MR], b = p.b[kk * NR];
        if (a != 0 && b != 0 && isfinite(a) && isfinite(b)) {
            int g = pb_exact_lsb(a) + pb_exact_lsb(b);
            if (g < grid) grid = g;
        }
    }
    return grid;
}

/* Write the MR x NR tile at (i0, j0) from its EFT states; ap, bp: the
 * packed sliver and panel. */
static void finish_tile(const gemm_job *job, size_t i0, size_t j0,
                        const double *ap, const double *bp,
                        const pb_exact_eft *st, uint64_t *proved,
                        uint64_t *fell)
{
    for (int r = 0; r < MR && i0 + (size_t)r < job->m; r++) {
        size_t i = i0 + (size_t)r;
        for (int jj = 0; jj < NR && j0 + (size_t)jj < job->n; jj++) {
            size_t j = j0 + (size_t)jj;
            double v;
            const uint64_t index = (uint64_t)i * job->n + j;
            const pb_exact_eft *e = &st[r * NR + jj];
            const packed_pair p = {ap + r, bp + jj, job->k};
            bool ok = job->try_eft &&
                      (!job->products2 || products_safe(job, i, j));
            if (ok && !pb_exact_decide(e, PB_EXACT_GRID_UNKNOWN, &job->t, index, &v)) {
                /* Exact double sums need the grid (exact_decide.c). */
                int g = grid_of(p);
                ok = g != INT_MAX && pb_exact_decide(e, g, &job->t, index, &v);
            }
            if (ok) {
                (*proved)++;
            } else {
                v = fallback(job, p, index);
                (*fell)++;
            }
            job->c[i * job->ldc + j] = v;
        }
    }
}

static pb_status run(gemm_job *job, int threads)
{
    const size_t m = job->m, n = job->n, k = job->k;
    const bool simd = pb_exact_use_avx512();
    void (*kernel)(size_t, const double *, const double *, bool, pb_exact_eft *) =
        simd ? pb_exact_kernel_avx512 : pb_exact_kernel_scalar;
    const int nt = threads > 0 ? threads : omp_get_max_threads();

    size_t mc = PACK_BUDGET_DOUBLES / (k ? k : 1);
    mc = mc / MR * MR;
    if (mc < MR) mc = MR;
    size_t m_up = (m + MR - 1) / MR * MR;
    if (mc > m_up) mc = m_up;

    double *apack = malloc(mc * k * sizeof(double));
    double *bpack = malloc((size_t)nt * k * NR * sizeof(double));
    pb_exact_eft *states = malloc((size_t)nt * MR * NR * sizeof(pb_exact_eft));
    if (job->products2) {
        job->amin = malloc(m * sizeof(double));
        job->bmin = malloc(n * sizeof(double));
    }
    if (!apack || !bpack || !states ||
        (job->products2 && (!job->amin || !job->bmin))) {
        free(apack);
        free(bpack);
        free(states);
        free(job->amin);
        free(job->bmin);
        return PB_ERR_NOMEM;
    }
    uint64_t proved = 0, fell = 0;
    const size_t panels = (n + NR - 1) / NR;

#pragma omp parallel num_threads(nt) reduction(+ : proved, fell)
    {
        const int tid = omp_get_thread_num();
        double *bp = bpack + (size_t)tid * k * NR;
        pb_exact_eft *st = states + (size_t)tid * MR * NR;
        if (job->products2) {
            /* op(A)'s rows are stored rows unless transposed; op(B)'s
             * columns are stored columns unless transposed. */
            if (job->a.trans) min_magnitudes(&job->a, k, m, false, job->amin);
            else min_magnitudes(&job->a, m, k, true, job->amin);
            if (job->b.trans) min_magnitudes(&job->b, n, k, true, job->bmin);
            else min_magnitudes(&job->b, k, n, false, job->bmin);
        }
        size_t packed_panel = SIZE_MAX; /* B panels do not depend on ic */
        for (size_t ic = 0; ic < m; ic += mc) {
            const size_t rows = m - ic < mc ? m - ic : mc;
            const size_t slivers = (rows + MR - 1) / MR;
            const size_t groups = (slivers + G - 1) / G;
#pragma omp for schedule(static)
            for (size_t s = 0; s < slivers; s++)
                pack_a_sliver(job, ic + s * MR, apack + s * k * MR);
#pragma omp for schedule(dynamic, 1)
            for (size_t tile = 0; tile < panels * groups; tile++) {
                size_t jp = tile / groups, g = tile % groups;
                if (packed_panel != jp) {
                    pack_b_panel(job, jp * NR, bp);
                    packed_panel = jp;
                }
                size_t s_end = (g + 1) * G < slivers ? (g + 1) * G : slivers;
                for (size_t s = g * G; s < s_end; s++) {
                    const double *ap = apack + s * k * MR;
                    if (job->try_eft) kernel(k, ap, bp, job->products2, st);
                    finish_tile(job, ic + s * MR, jp * NR, ap, bp, st, &proved, &fell);
                }
            }
        }
    }
    free(apack);
    free(bpack);
    free(states);
    free(job->amin);
    free(job->bmin);
    pb_exact_stats_set(proved, fell);
    return PB_OK;
}

static pb_status gemm_any(pb_trans trans_a, pb_trans trans_b, size_t m,
                          size_t n, size_t k, const void *a, size_t lda,
                          const void *b, size_t ldb, double *c, size_t ldc,
                          bool f32, const pb_format *out, const pb_rounding *r,
                          int threads)
{
    if ((trans_a != PB_NO_TRANS && trans_a != PB_TRANS) ||
        (trans_b != PB_NO_TRANS && trans_b != PB_TRANS) || threads < 0)
        return PB_ERR_ARG;
    if (m == 0 || n == 0) return PB_OK;
    /* Leading dimensions as BLAS (row-major) requires them. */
    size_t a_cols = trans_a ? m : k, b_cols = trans_b ? k : n;
    if (!c || ldc < n || lda < (a_cols ? a_cols : 1) || ldb < (b_cols ? b_cols : 1))
        return PB_ERR_ARG;
    if (k && (!a || !b)) return PB_ERR_ARG;
    /* Every offset below, and the packed buffers, must fit a size_t. */
    size_t a_rows = trans_a ? k : m, b_rows = trans_b ? n : k;
    if (m > SIZE_MAX / ldc || a_rows > SIZE_MAX / lda || b_rows > SIZE_MAX / ldb ||
        k > SIZE_MAX / (sizeof(double) * NR * 256))
        return PB_ERR_NOMEM;
    if (r && pb_rounding_check(r) != PB_OK) return PB_ERR_ARG;
    gemm_job job = {
        .a = operand_make(a, lda, trans_a == PB_TRANS, f32),
        .b = operand_make(b, ldb, trans_b == PB_TRANS, f32),
        .m = m, .n = n, .k = k, .c = c, .ldc = ldc,
        .products2 = !f32,
        .try_eft = k > 0 && (uint64_t)k < PB_EXACT_EFT_MAX_TERMS,
    };
    pb_exact_target_init(&job.t, out, r);
    if (job.t.route == PB_EXACT_ROUTE_NONE) return PB_ERR_UNSUPPORTED;
    if (k == 0) { /* empty sums: the exact zero, +0 */
        pb_longacc acc;
        pb_longacc_init(&acc);
        double z = pb_exact_round_acc(&acc, &job.t, 0);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) c[i * ldc + j] = z;
        pb_exact_stats_set(0, 0);
        return PB_OK;
    }
    if (!job.try_eft) job.products2 = false; /* no exponent checks needed */
    return run(&job, threads);
}

pb_status pb_exact_gemm_f64(pb_trans trans_a, pb_trans trans_b,
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

pb_status pb_exact_gemm_f32(pb_trans trans_a, pb_trans trans_b,
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
