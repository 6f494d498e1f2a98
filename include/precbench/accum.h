/* precbench: accumulator models (docs/schemes.md, section 4).
 *
 * An accumulator model defines, bit for bit, how the products of one dot
 * product are summed: fp32 in index order (with or without FMA), fp32 in W
 * interleaved lanes, pairwise, Kahan, fp64, exact, low-precision fp16/bf16
 * accumulators with round-to-nearest or stochastic rounding, the
 * AVX512-BF16 vdpbf16ps instruction, int32 integer accumulation, and a
 * GPU tensor-core model.
 *
 * Each model is one file in kernels/accum/, registered by one line in
 * kernels/accum/accum_table.c.
 */
#ifndef PRECBENCH_ACCUM_H
#define PRECBENCH_ACCUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/format.h"
#include "precbench/status.h"

typedef struct pb_accum_model pb_accum_model; /* kernels/accum/ */

/* Tensor-core model parameters (docs/schemes.md, "tensorcore"). */
typedef struct pb_tensorcore {
    int block;      /* products per hardware step (1..512)                  */
    int frac;       /* fraction bits kept in the alignment (0..40)          */
    int outfrac;    /* fraction bits of the normalised step result (0..23)  */
    bool round_rne; /* alignment: false = truncation, true = nearest even   */
    bool norm_rne;  /* normalisation: false = toward zero, true = nearest   */
    int promote;    /* promote into fp32 every N steps (0: never)           */
} pb_tensorcore;

/* A parsed accumulator: the model and its parameters. */
typedef struct pb_accum {
    const pb_accum_model *model;
    int lanes;               /* fp32lanes: W                                 */
    const pb_format *fmt;    /* fp16 / bf16 accumulators: the format         */
    pb_rounding round;       /* fp16 / bf16 accumulators: the rounding       */
    pb_tensorcore tc;        /* tensorcore                                   */
} pb_accum;

/* What a dot product needs besides the vectors. */
typedef struct pb_accum_env {
    uint64_t seed;           /* stochastic accumulators: key                 */
    uint32_t stream;         /*   ... stream                                 */
    uint64_t index0;         /*   ... random index of product 0 (product k
                                  uses index0 + k)                           */
    int emin_a, emin_b;      /* tensorcore: minimum normal exponent of the
                                input formats (default -126)                 */
    const pb_format *out;    /* exact: the output format (NULL: fp32)        */
    pb_rounding out_round;   /* exact: its rounding (default RNE, inf)       */
    uint64_t out_index;      /* exact: random index of the output            */
} pb_accum_env;

pb_accum_env pb_accum_env_default(void);

/* ---- the model table ---------------------------------------------------- */

size_t pb_accum_model_count(void);
const pb_accum_model *pb_accum_model_at(size_t i);
const pb_accum_model *pb_accum_model_by_name(const char *name);
const char *pb_accum_model_name(const pb_accum_model *m);
const char *pb_accum_model_description(const pb_accum_model *m);
const char *pb_accum_model_syntax(const pb_accum_model *m);

/* "fp32", "fp32lanes:16", "fp16:sr", "tensorcore:h100-fp8,promote=4", ...
 * PB_ERR_UNKNOWN_SCHEME (unknown model or preset), PB_ERR_UNKNOWN_MODE,
 * PB_ERR_PARSE. */
pb_status pb_accum_parse(const char *text, pb_accum *out);
/* Canonical text; buf of >= 96 bytes. */
const char *pb_accum_name(const pb_accum *acc, char *buf, size_t size);
bool pb_accum_equal(const pb_accum *x, const pb_accum *y);

/* Wide models (fp64, exact) sum the dequantised values in binary64 or
 * exactly; the others work on the quantised values and give a binary32. */
bool pb_accum_is_wide(const pb_accum *acc);
/* Uses random numbers (stochastic rounding). */
bool pb_accum_is_stochastic(const pb_accum *acc);
/* Needs integer inputs (int32). */
bool pb_accum_needs_integers(const pb_accum *acc);
/* Needs inputs exact in bf16 (dpbf16). */
bool pb_accum_needs_bf16(const pb_accum *acc);

/* The named tensor-core presets: v100, a100, a100-tf32, h100, h100-tf32,
 * h100-fp8, b200, b200-fp8.  PB_ERR_UNKNOWN_SCHEME when unknown. */
pb_status pb_tensorcore_preset(const char *name, pb_tensorcore *out);
size_t pb_tensorcore_preset_count(void);
/* Name, and a one-line source, of preset i (NULL past the end). */
const char *pb_tensorcore_preset_name(size_t i);
const char *pb_tensorcore_preset_source(size_t i);

/* ---- dot products --------------------------------------------------------
 * sum_k a[k] * b[k] for k < n under the model.  For narrow models the
 * result is a binary32 value; for `exact` it is the sum rounded into
 * env->out; for `fp64` a binary64.  env NULL: pb_accum_env_default(). */
double pb_accum_dot(const pb_accum *acc, const float *a, const float *b,
                    size_t n, const pb_accum_env *env);
/* The same over binary64 inputs: wide models only (others return NaN). */
double pb_accum_dot_wide(const pb_accum *acc, const double *a,
                         const double *b, size_t n, const pb_accum_env *env);

#endif
