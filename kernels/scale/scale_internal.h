/* precbench: internals of the scaling module (kernels/scale/).
 *
 * A scaling method is one file filling a pb_scaling_method and registered
 * by one line in scale_table.c.  The method parses its parameters, prints
 * them canonically and computes the scales of an operand.
 */
#ifndef PRECBENCH_SCALE_INTERNAL_H
#define PRECBENCH_SCALE_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "precbench/scale.h"

/* The operand a method reads: rows x k, element (r, kk) at
 * x[r * rs + kk * ks]; one of the strides is 1 when the operand comes from
 * a GEMM (its rows or its columns are contiguous). */
typedef struct pb_scale_view {
    const float *x;
    size_t rows, k, rs, ks;
    int threads;                 /* OpenMP threads (0: the default)         */
} pb_scale_view;

struct pb_scaling_method {
    const char *name;
    const char *description;
    const char *syntax;          /* parameter syntax for `precbench list` */
    bool block;                  /* per-block method                       */
    bool saturate;               /* quantise with overflow policy sat       */
    /* Set defaults in *s (method already set). */
    void (*defaults)(pb_scaling *s);
    /* One "key=value" parameter; PB_ERR_PARSE when unknown or bad. */
    pb_status (*param)(pb_scaling *s, const char *key, const char *value);
    /* Canonical parameters after the ':' ("" when none); returns length. */
    int (*print)(const pb_scaling *s, char *buf, size_t size);
    /* Accept the element format? (NULL: any). */
    pb_status (*check_format)(const pb_scaling *s, const pb_format *elem);
    /* Fill sc->enc, sc->outer, sc->blk (allocated by the caller with the
     * layout given by sc->block / sc->nblocks) and sc->amax. */
    pb_status (*compute)(const pb_scaling *s, const pb_format *elem,
                         const pb_scale_view *v, const pb_scaling_state *state,
                         pb_scales *sc);
};

/* The methods, one file each. */
extern const pb_scaling_method pb_scaling_none, pb_scaling_tensor,
    pb_scaling_delayed, pb_scaling_rowcol, pb_scaling_mx, pb_scaling_nvfp4,
    pb_scaling_absmean, pb_scaling_pow2;

/* ---- shared pieces ----------------------------------------------------- */

/* amax over the whole operand (NaN if any element is NaN); the order of
 * reading does not matter, so it follows memory. */
double pb_scale_view_amax(const pb_scale_view *v);
/* amax of every block of `block` elements along K of every row (the last
 * block of a row may be shorter): out[r * nblocks + b], nblocks =
 * ceil(k / block) (1 when k == 0, its amax 0).  block = k: per row. */
void pb_scale_view_amax_blocks(const pb_scale_view *v, size_t block,
                               double *out);

/* Transformer Engine style per-tensor encode multiplier for amax T:
 * fl32(fmax / T) * 2^-margin when T is finite and > 0 and the result is
 * finite and nonzero, else 1. */
double pb_scale_te_enc(double fmax, double amax, int margin);
/* fl32(1 / enc) as the decode scale. */
float pb_scale_dec_of(double enc);
/* Parse "margin=M" (|M| <= 64). */
pb_status pb_scale_param_margin(pb_scaling *s, const char *key,
                                const char *value);

#endif
