/* The packed, cache-blocked GEMM engine of the fast CPU kernels (internal).
 *
 * One loop nest (BLIS), micro-kernels that differ in what one 32-bit word of
 * a packed panel holds and in the instruction that consumes it:
 *
 *   kind   word                                 k per word  instruction
 *   F32    one float                            1           vfmadd231ps, or
 *                                                           vmulps + vaddps
 *   BF16   bf16 pair {hi = k, lo = k+1}         2           vdpbf16ps
 *   I8     bytes {k, k+1, k+2, k+3}, A as u8    4           vpdpbusd
 *          (a + 128), B as s8
 *
 * The BF16 pair puts element k in the HIGH half because vdpbf16ps adds the
 * high product first (docs/cpu_dot_instructions.md): that makes the run of
 * instructions over K the index-order sum of the `dpbf16` model.
 *
 * Loops (C: M x N, tiles of MR x NR):
 *
 *   for jc over N by NC                      B panel  kc x NC   (L3)
 *     for pc over K by KC                    pack B once, shared by threads
 *       for ic over M by MC  (OpenMP)        pack A   MC x kc   (L2)
 *         for jr over NC by NR               B micro-panel kc x NR (L1)
 *           for ir over MC by MR             micro-kernel: MR x NR in registers
 *
 * The K loop is never split into partial sums that are added later: when
 * K > KC, the accumulators of every tile are kept in a workspace between K
 * blocks and reloaded, so each C element sees exactly the instructions of
 * one unblocked pass.  A C element is computed by one thread from start to
 * end, so results do not depend on the thread count.
 *
 * Block scaling (docs/schemes.md, section 1, step 4): with a block of Bk
 * k-values, a block's sums start from +0 in registers and are merged into
 * running sums after it:
 *     s = fmaf(partial, fl32(blkA[i][b] * blkB[j][b]), s)
 * (I8: partial = float(int32 sum - 128 * colsum_b[j])); the micro-kernel
 * works on the tile's two halves of 6 rows so that both sets stay in
 * registers.  K blocks of the loop nest start on scale-block boundaries.
 *
 * Sources are "rows along K" (docs/schemes.md, section 1): A is M rows, B
 * is N rows (its columns), each of K elements:
 *   F32  (the caller's float matrices, read through the transpose flag)
 *        A: element (i, k) at  trans ? p[k*ld + i] : p[i*ld + k]
 *        B: element (k, j) at  trans ? p[j*ld + k] : p[k*ld + j]
 *        (a quantised F32 copy is rows along K: A untransposed, B
 *        transposed);
 *   BF16 (uint16_t bf16 bits), I8 (int8_t): compact copies made by the
 *        quantisation pass, row r element k at p[r*ld + k] (trans unused).
 *
 * Packed buffers are arrays of 32-bit words: an A micro-panel is ng groups of
 * MR words (group g holds k = kw*g .. kw*g + kw - 1 of rows i0 .. i0+MR-1), a
 * B micro-panel ng groups of NR words.  Rows and columns past the matrix are
 * packed as zeros; a tail group past K is padded so that it adds nothing:
 * F32 needs none (the loop stops at K), BF16 pads with a = -0, b = +0 (the
 * product -0 leaves every accumulator unchanged, -0 included), I8 with b = 0.
 */
#ifndef PRECBENCH_SIMD_GEMM_PACK_H
#define PRECBENCH_SIMD_GEMM_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/status.h"

/* Register tile: MR rows of C by NR = 2 vectors of 16 columns: 24
 * accumulators, 2 B vectors and one broadcast A word in the 32 registers. */
enum { PB_SIMD_MR = 12, PB_SIMD_NR = 32 };

typedef enum pb_simd_kind {
    PB_SIMD_KIND_F32,  /* float sources                                      */
    PB_SIMD_KIND_BF16, /* bf16 bit patterns (uint16_t), vdpbf16ps            */
    PB_SIMD_KIND_I8    /* int8_t, vpdpbusd                                   */
} pb_simd_kind;

/* How F32 accumulates (the other kinds have one instruction each). */
typedef enum pb_simd_f32_op {
    PB_SIMD_F32_FMA,   /* s = fmaf(a, b, s)            (`fp32fma`)           */
    PB_SIMD_F32_MULADD /* s = fl32(s + fl32(a * b))    (`fp32`)              */
} pb_simd_f32_op;

/* k per packed word: 1, 2, 4. */
static inline size_t pb_simd_kind_kw(pb_simd_kind kind)
{
    return kind == PB_SIMD_KIND_F32 ? 1 : kind == PB_SIMD_KIND_BF16 ? 2 : 4;
}

typedef struct pb_simd_src {
    const void *p;
    size_t ld;
    bool trans;
} pb_simd_src;

/* Writes one finished tile of accumulators into C: rows i0 .. i0+mr-1,
 * columns j0 .. j0+nr-1; tile is MR x NR words (float; int32 for I8 without
 * block scaling), row stride NR. */
typedef void (*pb_simd_epilogue_fn)(const void *ctx, size_t i0, size_t j0,
                                    size_t mr, size_t nr, const uint32_t *tile);

typedef struct pb_simd_gemm_loop {
    pb_simd_kind kind;
    pb_simd_f32_op f32_op;
    size_t m, n, k;
    pb_simd_src a, b;
    /* Block scaling: block > 0 is the block length along K (a multiple of
     * the kind's k per word); blk_a is M x nblocks, blk_b N x nblocks
     * (row-major), colsum_b (I8) N x nblocks sums of B's codes per block. */
    size_t block, nblocks;
    const float *blk_a, *blk_b;
    const int32_t *colsum_b;
    pb_simd_epilogue_fn epilogue;
    const void *epilogue_ctx;
    int threads;           /* 0: OpenMP default                              */
} pb_simd_gemm_loop;

/* Run the loop nest.  PB_ERR_NOMEM when a buffer cannot be allocated; the
 * caller checked everything else.  Call only on a CPU with AVX-512 F/BW/VL/DQ
 * (and AVX512-BF16 for BF16, AVX512-VNNI for I8). */
pb_status pb_simd_gemm_run(const pb_simd_gemm_loop *p);

/* ---- buffers (gemm_pack_buf.c) ------------------------------------------- */

/* Scratch memory of the engine, kept per thread between calls so that a
 * sequence of GEMMs does not pay for fresh pages every time (first touches
 * of new pages are expensive, and BLAS libraries keep their packing
 * buffers too).  A slot holds one buffer; pb_simd_buf returns it grown to
 * at least `bytes` (64-byte aligned; contents undefined) or NULL.  The
 * memory of a thread is released when the thread ends, or by
 * pb_simd_buf_release. */
typedef enum pb_simd_buf_slot {
    PB_SIMD_BUF_A,       /* quantised A (calling thread)                    */
    PB_SIMD_BUF_B,       /* quantised B                                     */
    PB_SIMD_BUF_PANEL,   /* quantisation panel (each thread)                */
    PB_SIMD_BUF_BPACK,   /* packed B panel and its block data               */
    PB_SIMD_BUF_WORK,    /* accumulators kept between K blocks              */
    PB_SIMD_BUF_APACK,   /* packed A block (each thread)                    */
    PB_SIMD_BUF_SCALES_A, /* pb_gemm's scales of A and B (calling thread)   */
    PB_SIMD_BUF_SCALES_B,
    PB_SIMD_BUF_COUNT
} pb_simd_buf_slot;

void *pb_simd_buf(pb_simd_buf_slot slot, size_t bytes);
/* Free every buffer of the calling thread. */
void pb_simd_buf_release(void);

/* ---- packing (gemm_pack_avx512.c) ---------------------------------------- */

/* A micro-panel: rows i0 .. i0+mr-1 (mr <= MR), k0 .. k0+kc-1. */
void pb_simd_pack_a(pb_simd_kind kind, const pb_simd_src *a, size_t i0,
                    size_t mr, size_t k0, size_t kc, uint32_t *dst);
/* B micro-panel: columns j0 .. j0+nr-1 (nr <= NR), k0 .. k0+kc-1. */
void pb_simd_pack_b(pb_simd_kind kind, const pb_simd_src *b, size_t j0,
                    size_t nr, size_t k0, size_t kc, uint32_t *dst);

/* ---- micro-kernels --------------------------------------------------------
 * Without block scaling: tile (MR x NR words, 64-byte aligned) = first ? +0
 * : tile, then the ng groups of ap (ng x MR words) and bp (ng x NR words)
 * accumulated in order.
 * With block scaling (bg = groups per block > 0): as above block by block,
 * each block's sum merged into the tile; as/bs hold one scale per row /
 * column per block (MR and NR floats per block), bcs (I8) the column sums. */
typedef struct pb_simd_ukr_args {
    size_t ng;
    const uint32_t *ap, *bp;
    uint32_t *tile;
    bool first;
    size_t bg;
    const float *as, *bs;
    const int32_t *bcs;
} pb_simd_ukr_args;

void pb_simd_ukr_fma(const pb_simd_ukr_args *u);
void pb_simd_ukr_muladd(const pb_simd_ukr_args *u);
void pb_simd_ukr_bf16(const pb_simd_ukr_args *u);
void pb_simd_ukr_i8(const pb_simd_ukr_args *u);

#endif
