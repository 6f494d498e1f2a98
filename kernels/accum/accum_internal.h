/* precbench: internals of the accumulator models (kernels/accum/).
 *
 * A model is one file filling a pb_accum_model and registered by one line
 * in accum_table.c.  Fast kernels include this header to recognise a model
 * (compare acc->model with &pb_accum_fp32fma, ...).
 */
#ifndef PRECBENCH_ACCUM_INTERNAL_H
#define PRECBENCH_ACCUM_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "precbench/accum.h"

struct pb_accum_model {
    const char *name;
    const char *description;
    const char *syntax;      /* parameter syntax for `precbench list`      */
    bool wide;               /* sums dequantised binary64 values (fp64, exact) */
    bool needs_integers;     /* int32                                       */
    bool needs_bf16;         /* dpbf16                                      */
    /* Parse the text after ':' (NULL when there is none) into *acc (model
     * already set, other fields zero). */
    pb_status (*parse)(pb_accum *acc, const char *args);
    /* Canonical parameters after the ':' ("" when none). */
    void (*print)(const pb_accum *acc, char *buf, size_t size);
    bool (*stochastic)(const pb_accum *acc);
    /* Narrow models: the dot product of quantised floats (a binary32 value,
     * or for wide models their result on the floats widened). */
    double (*dot)(const pb_accum *acc, const float *a, const float *b,
                  size_t n, const pb_accum_env *env);
    /* Wide models: the dot product of binary64 values. */
    double (*dot_wide)(const pb_accum *acc, const double *a, const double *b,
                       size_t n, const pb_accum_env *env);
};

/* The models, one file each. */
extern const pb_accum_model pb_accum_fp32, pb_accum_fp32fma,
    pb_accum_fp32lanes, pb_accum_pairwise, pb_accum_kahan, pb_accum_fp64,
    pb_accum_exact, pb_accum_lowp_fp16, pb_accum_lowp_bf16, pb_accum_dpbf16,
    pb_accum_int32, pb_accum_tensorcore;

/* ---- exact helpers (accum_common.c) ------------------------------------ */

/* x + y rounded to odd at 53 bits (the binary64 nearest the exact sum
 * toward zero, last bit forced to 1 when inexact).  Rounding the result
 * into any format of at most 51 significand bits, in any deterministic
 * mode, gives the rounding of the exact sum. */
double pb_accum_add_odd(double x, double y);

/* x rounded to `p` significant bits (1 <= p <= 52) with an unbounded
 * exponent range, to nearest even (rne) or toward zero. */
double pb_accum_round_bits(double x, int p, bool rne);

/* floor(log2 |x|) of a finite nonzero double. */
static inline int pb_accum_ilog2(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    int be = (int)((b >> 52) & 0x7ff);
    if (be) return be - 1023; /* normal: the exponent field */
    int e;                    /* subnormal double: never a product of floats */
    frexp(x, &e);
    return e - 1;
}

#endif
