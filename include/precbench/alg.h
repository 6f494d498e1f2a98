/* precbench: alternative GEMM algorithms (reference/, docs/algorithms.md).
 *
 *     C = A * B        A: M x K, B: K x N, C: M x N, row-major
 *
 * computed by an algorithm other than the classical triple loop, with a
 * precision scheme doing the leaf products where the algorithm has leaves:
 *
 *   classical        one pb_gemm call with the scheme (the yardstick)
 *   strassen[:N0]    Strassen's 7-product recursion, leaves of at most N0
 *                    (default 64) in the smallest dimension done by the
 *                    scheme; submatrix sums in fp32 storage
 *   winograd[:N0]    the Strassen-Winograd variant (7 products, 15 sums)
 *   bf16x3           split precision: each operand split into bf16 pieces
 *   bf16x6           a = a0 + a1 + a2, the products of pieces of levels
 *   bf16x9           i + j <= 1, <= 2 or all, each a pb_gemm with the scheme
 *                    (default "bf16"), summed in fp32 smallest level first
 *   bf16x3k          Karatsuba: a two-digit fixed-point split per row of A
 *                    and column of B whose digit sums are exact in bf16, so
 *                    three products give all four digit products
 *   ozaki:S[,full][,k][,fp64]
 *                    Ozaki-style fp64 emulation: every row of A and column
 *                    of B scaled by a power of two and cut into S int8
 *                    slices, slice products exact in integer GEMMs
 *                    (precbench/intgemm.h), summed exactly with the long
 *                    accumulator and rounded once to fp64.  `full` takes all
 *                    S^2 slice products instead of those with s + t <= S + 1;
 *                    `k` uses 6-bit digits and Karatsuba's trick (one product
 *                    for each pair of cross terms); `fp64` sums the slice
 *                    products in binary64 instead of exactly.
 *
 * Semantics (docs/algorithms.md has the diagrams and the error analysis):
 *
 * - Strassen and Winograd pad an odd dimension with one zero row or column
 *   at the level where it is odd (the padding never reaches C), and recurse
 *   while min(M, N, K) > N0.  Additions of submatrices are fl32 operations
 *   in the order written in reference/strassen.c.
 * - Leaves are pb_gemm calls with alpha = 1, beta = 0 (split precision:
 *   beta = 1 after the first, so C = fl32(P + C)); leaf number t (counted
 *   from 0 in the order of the calls) runs with stream ctx->stream + t, so
 *   stochastic schemes draw distinct random words in every leaf.  Leaves
 *   never use delayed-scaling histories (ctx->delayed_a/_b are ignored:
 *   every leaf scales by its current amax); ctx->stats adds up over leaves.
 *   `classical` is exactly pb_gemm(scheme, ctx, ...), ctx unchanged.
 * - The split-precision algorithms require a scheme whose input formats
 *   hold every bf16 value (bf16, tf32, fp32...) and whose scaling is none:
 *   PB_ERR_UNSUPPORTED otherwise.
 * - ozaki needs no scheme (ignored).  Outputs whose row of A or column of B
 *   holds an infinity or NaN, whose scale is beyond the long accumulator's
 *   reach (max|A_i| max|B_j| above about 2^1900), or whose exact sum is zero
 *   (the sign of zero) are computed by pb_exact_dot_f64 instead, so every
 *   output follows precbench/exact.h's IEEE rules.  With the exact
 *   summation an output is correctly rounded to fp64 whenever the slices
 *   hold every bit of its row and column (docs/algorithms.md, section 3).
 * - pb_alg_gemm takes float32; for ozaki the inputs are widened exactly and
 *   the fp64 result rounded to float32 (nearest even).  pb_alg_gemm_f64
 *   takes float64; for the scheme-based algorithms the inputs are rounded
 *   to float32 (nearest even) first and the result widened.
 *
 * Results do not depend on the thread count.
 */
#ifndef PRECBENCH_ALG_H
#define PRECBENCH_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/gemm.h"
#include "precbench/status.h"

typedef struct pb_scheme pb_scheme;

typedef enum pb_alg_kind {
    PB_ALG_CLASSICAL,
    PB_ALG_STRASSEN,
    PB_ALG_WINOGRAD,
    PB_ALG_BF16X3,
    PB_ALG_BF16X6,
    PB_ALG_BF16X9,
    PB_ALG_BF16X3K,
    PB_ALG_OZAKI
} pb_alg_kind;

/* Default leaf size of strassen / winograd without ":N0". */
enum { PB_ALG_DEFAULT_CUTOFF = 64, PB_ALG_OZAKI_MAX_SLICES = 32 };

typedef struct pb_alg {
    pb_alg_kind kind;
    size_t cutoff;   /* strassen, winograd: recurse while min(M,N,K) > cutoff (>= 1) */
    int slices;      /* ozaki: S, 1..PB_ALG_OZAKI_MAX_SLICES                */
    bool full;       /* ozaki: all S^2 slice products                       */
    bool karatsuba;  /* ozaki: 6-bit digits, Karatsuba cross products       */
    bool sum_fp64;   /* ozaki: binary64 summation instead of exact           */
} pb_alg;

/* "classical", "strassen[:N0]", "winograd[:N0]", "bf16x3", "bf16x6",
 * "bf16x9", "bf16x3k", "ozaki:S[,full][,k][,fp64]".  PB_ERR_UNKNOWN_SCHEME
 * for an unknown name, PB_ERR_PARSE for a bad parameter. */
pb_status pb_alg_parse(const char *text, pb_alg *out);
/* The canonical text (parses back to the same pb_alg); buf of >= 48 bytes. */
const char *pb_alg_name(const pb_alg *alg, char *buf, size_t size);
/* The one-line syntax of every algorithm, for --help. */
const char *pb_alg_syntax(void);
/* Whether the algorithm runs a precision scheme at its leaves (all but
 * ozaki), and the scheme used when the caller passes NULL: "fp32" for
 * classical, strassen and winograd, "bf16" for the split-precision ones;
 * NULL for ozaki. */
bool pb_alg_uses_scheme(const pb_alg *alg);
const char *pb_alg_default_scheme(const pb_alg *alg);

/* PB_OK when pb_alg_gemm can run alg with this scheme (NULL: the default):
 * PB_ERR_UNSUPPORTED for a split-precision algorithm and a scheme that
 * would change the bf16 pieces; PB_ERR_ARG for an invalid alg. */
pb_status pb_alg_check_scheme(const pb_alg *alg, const pb_scheme *scheme);

/* C = A B (float32 storage; lda >= K, ldb >= N, ldc >= N).  scheme NULL:
 * the default above.  ctx NULL: pb_gemm_ctx_default().  C is written, never
 * read.  PB_ERR_ARG, PB_ERR_NOMEM, PB_ERR_UNSUPPORTED, or a leaf's status. */
pb_status pb_alg_gemm(const pb_alg *alg, const pb_scheme *scheme,
                      const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                      const float *a, size_t lda, const float *b, size_t ldb,
                      float *c, size_t ldc);
/* The same with float64 storage (see above for the scheme-based ones). */
pb_status pb_alg_gemm_f64(const pb_alg *alg, const pb_scheme *scheme,
                          const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                          const double *a, size_t lda, const double *b,
                          size_t ldb, double *c, size_t ldc);

/* ---- cost, for "error vs cost" -------------------------------------------- */

typedef struct pb_alg_cost {
    unsigned depth;         /* Strassen levels (0 for the others)             */
    uint64_t products;      /* leaf products: pb_gemm or integer GEMM calls   */
    double product_flops;   /* 2 * sum of m_l n_l k_l over the leaf products  */
    double extra_flops;     /* elementwise work outside the leaves: sums of
                               submatrices and of products, splitting, scaling
                               (one flop per element operation)                */
    double classical_flops; /* 2 M N K                                        */
} pb_alg_cost;

/* The cost of one pb_alg_gemm call of this size (the recursion is walked
 * exactly as the call would walk it, padding included).  PB_ERR_ARG. */
pb_status pb_alg_cost_of(const pb_alg *alg, size_t m, size_t n, size_t k,
                         pb_alg_cost *out);

/* ---- Strassen's error bound ------------------------------------------------
 * The coefficient f of Higham, "Accuracy and Stability of Numerical
 * Algorithms", 2nd ed., SIAM 2002, Theorems 23.2 (Strassen) and 23.3
 * (Winograd), for N x N matrices, N = 2^d N0, leaves by the conventional
 * product, every operation with unit roundoff u:
 *
 *   max|C - fl(C)| <= f u max|A| max|B| + O(u^2),
 *   Strassen:  f = (N/N0)^log2(12) (N0^2 + 5 N0) - 5 N
 *   Winograd:  f = (N/N0)^log2(18) (N0^2 + 6 N0) - 6 N
 *
 * (d = 0 gives N0^2, the conventional bound in this norm).  kind is
 * PB_ALG_STRASSEN or PB_ALG_WINOGRAD (otherwise N^2); NaN unless N = 2^d N0. */
double pb_alg_strassen_bound(pb_alg_kind kind, size_t n, size_t n0);

#endif
