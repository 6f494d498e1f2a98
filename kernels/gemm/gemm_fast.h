/* precbench: the hook through which fast GEMM kernels plug into pb_gemm.
 *
 * pb_gemm does everything around the accumulation itself: it validates the
 * call, computes the scales of both operands (and updates delayed-scaling
 * histories), counts statistics, and owns the definition of every step
 * (docs/schemes.md).  A fast kernel only has to produce, for every output
 * (i, j), the model's *accumulator value* `acc` bit for bit:
 *
 *     narrow accumulators (everything except fp64 and exact):
 *       no block scaling:  acc = dot(qA[i][0..K), qB[j][0..K))
 *       block scaling:     acc = +0; for each block b in order:
 *                            acc = fmaf(dot(block b), fl32(blkA[i][b] *
 *                                       blkB[j][b]), acc)
 *
 * where q are the quantised inputs (pb_gemm_quantise gives them for any
 * sub-block, bit-identical to the model) and dot is the scheme's
 * accumulator model; it then hands each row segment of acc to
 * pb_gemm_finish_row, which applies the outer scales, the output rounding,
 * alpha and beta, NaN canonicalisation and the output statistics, and
 * writes C.  Wide accumulators (fp64, exact) always run the model.
 *
 * Registering a kernel: define a `const pb_gemm_fast pb_gemm_fast_<name>`
 * in your own file and add ONE line `PB_GEMM_FAST_KERNEL(pb_gemm_fast_<name>)`
 * to kernels/gemm/gemm_fast_list.h.  The first kernel in the list whose
 * ISA is present and whose supports() accepts the scheme runs;
 * ctx->force_model bypasses them all; pb_gemm_backend names the choice.
 *
 * The descriptor itself must live in a portable translation unit (or be a
 * constant initialiser only): pb_gemm reads `isa` and checks the CPU
 * before it calls supports() or run().
 */
#ifndef PRECBENCH_GEMM_FAST_H
#define PRECBENCH_GEMM_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/gemm.h"
#include "precbench/scale.h"
#include "precbench/scheme.h"
#include "scheme/scheme_internal.h"

/* Instruction sets a kernel needs (checked with __builtin_cpu_supports). */
enum {
    PB_ISA_AVX512F = 1u << 0,     /* with BW, VL, DQ */
    PB_ISA_AVX512BF16 = 1u << 1,
    PB_ISA_AVX512VNNI = 1u << 2,
    PB_ISA_FMA = 1u << 3,
    PB_ISA_F16C = 1u << 4
};

/* One operand, seen as `rows` rows of `k` elements along K:
 * A: op(A), M x K.  B: the columns of op(B), N x K. */
typedef struct pb_gemm_operand {
    const pb_format *fmt;
    size_t rows, k;
    /* raw element (r, kk) = x[r * rs + kk * ks] */
    const float *x;
    size_t rs, ks;
    pb_scales sc;        /* enc (rows x nblocks), outer (rows), blk or NULL */
    pb_rounding round;   /* input rounding: mode, overflow (sat when scaled),
                            seed, stream (input index r * k + kk)          */
    const pb_scaling_state *state; /* delayed history read (NULL: none)    */
} pb_gemm_operand;

/* One validated call. */
typedef struct pb_gemm_job {
    const pb_scheme *scheme;
    const pb_gemm_ctx *ctx;       /* never NULL */
    int threads;                  /* >= 1: use exactly this many          */
    size_t m, n, k;
    float alpha, beta;
    float *c;
    size_t ldc;
    pb_gemm_operand op[2];        /* 0: A, 1: B                           */
    size_t block;                 /* scale block along K (0: none)        */
    size_t nblocks;               /* ceil(K / block), or 1 (0 when K = 0) */
    pb_rounding out_round;        /* output rounding with seed and stream */
    uint32_t acc_stream;          /* accumulator SR stream                */
    uint64_t outputs_nonfinite;   /* updated atomically by finish_row     */
} pb_gemm_job;

typedef struct pb_gemm_fast {
    const char *name;             /* pb_gemm_backend's answer             */
    unsigned isa;                 /* PB_ISA_* bits required               */
    /* Does the kernel implement this scheme?  (Called only when the ISA
     * is present; wide accumulators are never offered.) */
    bool (*supports)(const pb_scheme *scheme);
    /* Write every C element of the job, via pb_gemm_finish_row. */
    pb_status (*run)(pb_gemm_job *job);
} pb_gemm_fast;

/* ---- helpers for kernels ------------------------------------------------ */

/* Quantised values of rows [r0, r1) and elements [k0, k1) of operand `which`
 * (0: A, 1: B) into dst (row-major, leading dimension lddst): exactly the
 * model's q.  Thread-safe. */
void pb_gemm_quantise(const pb_gemm_job *job, int which, size_t r0,
                      size_t r1, size_t k0, size_t k1, float *dst,
                      size_t lddst);

/* fl32(blkA[i][b] * blkB[j][b]): the block factor of the fmaf above (1 for
 * an operand without block scales). */
float pb_gemm_block_factor(const pb_gemm_job *job, size_t i, size_t j,
                           size_t b);

/* Finish C[i][j0..j1) from the accumulator values acc[0 .. j1-j0):
 * D = fl32(acc * fl32(outerA[i] * outerB[j])), output rounding,
 * C = alpha/beta update, canonical NaN, statistics.  Thread-safe. */
void pb_gemm_finish_row(pb_gemm_job *job, size_t i, size_t j0, size_t j1,
                        const float *acc);

/* The accumulator environment of output (i, j) for a block starting at k0
 * (SR index (i * N + j) * K + k0 for its first product). */
pb_accum_env pb_gemm_accum_env(const pb_gemm_job *job, size_t i, size_t j,
                               size_t k0);

#endif
