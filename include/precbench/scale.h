/* precbench: scaling methods (docs/schemes.md, section 3).
 *
 * A scaling method turns the raw float32 values of one GEMM operand into
 *   - an encode multiplier per element group (`enc`): the value quantised is
 *     fl32(x * enc), the exact product rounded once to binary32;
 *   - an outer decode scale per row (`outer`), applied to the accumulated
 *     result: D = fl32(acc * fl32(outerA[i] * outerB[j]));
 *   - for block methods, a decode scale per row and block of K (`blk`),
 *     applied to each block's partial sum with fmaf.
 * An operand is seen as `rows` rows of `k` elements along K: op(A) is
 * M x K, and op(B) is seen as N rows (its columns) of K elements.
 *
 * Each method is one file in kernels/scale/, registered by one line in
 * kernels/scale/scale_table.c.
 */
#ifndef PRECBENCH_SCALE_H
#define PRECBENCH_SCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/format.h"
#include "precbench/status.h"

typedef struct pb_scaling_method pb_scaling_method;   /* kernels/scale/ */
typedef struct pb_scaling_state pb_scaling_state;     /* delayed scaling */

/* OCP MX rule for the shared exponent. */
typedef enum pb_mx_rule {
    PB_MX_RULE_OCP, /* e = floor(log2(amax)) - emax_elem (OCP MX v1.0)     */
    PB_MX_RULE_UP   /* smallest e with amax <= fmax_elem * 2^e: no element
                       saturates (the scale rounded up)                    */
} pb_mx_rule;

/* A parsed scaling: the method and its parameters (unused ones are 0). */
typedef struct pb_scaling {
    const pb_scaling_method *method;
    int margin;          /* tensor, delayed, rowcol: enc *= 2^-margin       */
    size_t history;      /* delayed: amax history length H                  */
    size_t block;        /* mx, nvfp4: block length along K                 */
    pb_mx_rule rule;     /* mx                                              */
    int exp;             /* pow2: enc = 2^exp                               */
} pb_scaling;

/* The scales of one operand (rows x k), filled by pb_scale_compute. */
typedef struct pb_scales {
    size_t rows, k;
    size_t block;        /* 0: no block scaling; else block length along K */
    size_t nblocks;      /* ceil(k / block), 1 without block scaling        */
    double *enc;         /* rows * nblocks encode multipliers (row-major)   */
    float *outer;        /* rows outer decode scales                        */
    float *blk;          /* rows * nblocks block decode scales, or NULL     */
    bool saturate;       /* quantise with overflow policy sat (scaled)      */
    double amax;         /* the operand's amax (tensor methods), else 0     */
    void *mem;           /* the one block enc, outer and blk live in        */
    bool borrowed;       /* mem is the caller's (pb_scales_free keeps it)   */
} pb_scales;

/* ---- the method table ------------------------------------------------- */

size_t pb_scaling_method_count(void);
const pb_scaling_method *pb_scaling_method_at(size_t i);
const pb_scaling_method *pb_scaling_method_by_name(const char *name);
const char *pb_scaling_method_name(const pb_scaling_method *m);
const char *pb_scaling_method_description(const pb_scaling_method *m);
/* The parameter syntax, e.g. "[:h=H,margin=M]". */
const char *pb_scaling_method_syntax(const pb_scaling_method *m);

/* "none", "tensor:margin=1", "mx:block=32,rule=up", ... into *out.
 * PB_ERR_UNKNOWN_SCHEME for an unknown method, PB_ERR_PARSE for a bad or
 * unknown parameter. */
pb_status pb_scaling_parse(const char *text, pb_scaling *out);
/* The canonical text (every parameter); buf of >= 64 bytes. */
const char *pb_scaling_name(const pb_scaling *s, char *buf, size_t size);
bool pb_scaling_equal(const pb_scaling *x, const pb_scaling *y);
/* Block length along K (0 for non-block methods). */
size_t pb_scaling_block(const pb_scaling *s);
/* Whether the method is `none` (quantise with the format's own policy). */
bool pb_scaling_is_none(const pb_scaling *s);
/* Whether the method keeps an amax history (delayed). */
bool pb_scaling_is_delayed(const pb_scaling *s);
/* Whether elem is an acceptable element format for the method. */
pb_status pb_scaling_check_format(const pb_scaling *s, const pb_format *elem);

/* ---- computing scales --------------------------------------------------- */

/* Scales of x (rows x k, row-major with leading dimension ldx >= k) for
 * element format elem.  state: delayed scaling history (NULL: use the
 * current amax); the history is read, not updated (see
 * pb_scaling_state_push).  Free with pb_scales_free. */
pb_status pb_scale_compute(const pb_scaling *s, const pb_format *elem,
                           const float *x, size_t rows, size_t k, size_t ldx,
                           const pb_scaling_state *state, pb_scales *out);
/* The same for a strided operand: element (r, kk) at x[r * rs + kk * ks]
 * (a transposed operand without a copy).  threads: at most this many
 * OpenMP threads (0: the default).  The scales do not depend on the
 * strides or on the thread count. */
pb_status pb_scale_compute_strided(const pb_scaling *s, const pb_format *elem,
                                   const float *x, size_t rows, size_t k,
                                   size_t rs, size_t ks, int threads,
                                   const pb_scaling_state *state,
                                   pb_scales *out);
/* pb_scale_compute_strided with the arrays placed in the caller's memory
 * `buf` (at least pb_scales_bytes bytes, 8-byte aligned) when it is large
 * enough, else allocated: a caller that computes scales on every call
 * reuses one buffer instead of fresh pages each time. */
pb_status pb_scale_compute_in(const pb_scaling *s, const pb_format *elem,
                              const float *x, size_t rows, size_t k, size_t rs,
                              size_t ks, int threads,
                              const pb_scaling_state *state, void *buf,
                              size_t buf_bytes, pb_scales *out);
/* The bytes the scales of a rows x k operand take (0 on overflow). */
size_t pb_scales_bytes(const pb_scaling *s, size_t rows, size_t k);
void pb_scales_free(pb_scales *sc);

/* The quantised value of element (r, kk) of x under the scales:
 * round_elem(fl32(x * enc), r) with the overflow policy of the scales. */
double pb_scale_quantise(const pb_scales *sc, const pb_format *elem,
                         const pb_rounding *r, size_t row, size_t kk,
                         float x, uint64_t index);

/* OCP MX shared scale of one block of n values (stride apart): the E8M0
 * code (0xFF is NaN: a NaN or inf in the block).  Integer element formats
 * follow MXINT8 (emax_elem = 0, elements scaled by 2^-(bits-2)). */
uint8_t pb_scale_mx_e8m0(const pb_format *elem, pb_mx_rule rule,
                         const float *x, size_t n, size_t stride);

/* amax of n values: max |x|, NaN if any is NaN. */
double pb_scale_amax(const float *x, size_t n, size_t stride);

/* ---- delayed scaling state ------------------------------------------------ */

/* A history of the last `history_len` amax values (1 <= H <= 2^20). */
pb_status pb_scaling_state_create(size_t history_len, pb_scaling_state **out);
void pb_scaling_state_destroy(pb_scaling_state *st);
void pb_scaling_state_reset(pb_scaling_state *st);
/* Record one amax (non-finite and negative values are ignored). */
void pb_scaling_state_push(pb_scaling_state *st, double amax);
/* Largest recorded amax (0 when the history is empty). */
double pb_scaling_state_amax(const pb_scaling_state *st);
/* How many amax values are held (at most the history length). */
size_t pb_scaling_state_count(const pb_scaling_state *st);
size_t pb_scaling_state_history(const pb_scaling_state *st);

#endif
