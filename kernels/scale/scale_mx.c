/* precbench scaling: OCP microscaling (MX) blocks along K with an E8M0
 * scale (OCP Microscaling Formats (MX) v1.0, section 6.3):
 *     e = floor(log2(amax)) - emax_elem      (rule=ocp)
 * or the scale rounded up so that nothing saturates (rule=up):
 *     e = min { e : amax <= fmax_elem * 2^e }
 * clamped to the E8M0 range [-127, 127]; a NaN or inf in the block gives
 * the NaN scale 0xFF; amax == 0 gives 2^-127.  Integer elements follow
 * MXINT8: the element is its code times 2^-(bits-2), emax_elem = 0
 * (docs/schemes.md, section 3). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scale/scale_internal.h"
#include "scheme/spec.h"

enum { PB_MX_DEFAULT_BLOCK = 32, PB_MX_MAX_BLOCK = 4096 };

/* The element's implicit power of two: integer elements are code *
 * 2^-(bits-2) (MXINT8: 2^-6); float elements 2^0. */
static int mx_elem_shift(const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_INT ? elem->spec.bits - 2 : 0;
}

/* The block's scale exponent; false for the NaN scale. */
static bool mx_exponent(const pb_format *elem, pb_mx_rule rule, double amax,
                        int *e_out)
{
    if (amax != amax || isinf(amax)) return false;
    int e;
    if (amax == 0.0) {
        e = -127;
    } else {
        int shift = mx_elem_shift(elem);
        int emax_elem = elem->spec.kind == PB_FORMAT_KIND_INT ? 0 : elem->emax;
        int ex;
        frexp(amax, &ex); /* amax = m 2^ex, m in [0.5, 1) */
        int fl = ex - 1;  /* floor(log2(amax)) */
        if (rule == PB_MX_RULE_OCP) {
            e = fl - emax_elem;
        } else {
            /* largest element value, in the element's own units */
            double fmax = ldexp(elem->max_finite, -shift);
            int fe;
            frexp(fmax, &fe);
            e = fl - (fe - 1) - 1;
            while (amax > ldexp(fmax, e)) e++;
        }
    }
    if (e < -127) e = -127;
    if (e > 127) e = 127;
    *e_out = e;
    return true;
}

uint8_t pb_scale_mx_e8m0(const pb_format *elem, pb_mx_rule rule,
                         const float *x, size_t n, size_t stride)
{
    int e;
    if (!elem || !mx_exponent(elem, rule, pb_scale_amax(x, n, stride), &e))
        return 0xFF;
    return (uint8_t)(e + 127);
}

static void mx_defaults(pb_scaling *s)
{
    s->block = PB_MX_DEFAULT_BLOCK;
    s->rule = PB_MX_RULE_OCP;
}

static pb_status mx_param(pb_scaling *s, const char *key, const char *value)
{
    if (strcmp(key, "block") == 0) {
        long v;
        if (!pb_spec_long(value, 1, PB_MX_MAX_BLOCK, &v)) return PB_ERR_PARSE;
        s->block = (size_t)v;
        return PB_OK;
    }
    if (strcmp(key, "rule") == 0) {
        if (strcmp(value, "ocp") == 0) s->rule = PB_MX_RULE_OCP;
        else if (strcmp(value, "up") == 0) s->rule = PB_MX_RULE_UP;
        else return PB_ERR_PARSE;
        return PB_OK;
    }
    return PB_ERR_PARSE;
}

static int mx_print(const pb_scaling *s, char *buf, size_t size)
{
    /* parameters that differ from the defaults, in a fixed order */
    bool b = s->block != PB_MX_DEFAULT_BLOCK, u = s->rule == PB_MX_RULE_UP;
    if (b && u) return snprintf(buf, size, "block=%zu,rule=up", s->block);
    if (b) return snprintf(buf, size, "block=%zu", s->block);
    if (u) return snprintf(buf, size, "rule=up");
    return snprintf(buf, size, "%s", "");
}

static pb_status mx_check(const pb_scaling *s, const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_POW2 ? PB_ERR_UNSUPPORTED : PB_OK;
}

static pb_status mx_compute(const pb_scaling *s, const pb_format *elem,
                            const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    int shift = mx_elem_shift(elem);
    size_t nb = sc->nblocks, cells = v->rows * nb;
    /* the block maxima go into enc first (each is last read where it is
     * overwritten): no scratch memory */
    double *amax = sc->enc;
    pb_scale_view_amax_blocks(v, sc->block, amax);
    for (size_t r = 0; r < v->rows; r++) sc->outer[r] = 1.0f;
    for (size_t cell = 0; cell < cells; cell++) {
        int e;
        if (mx_exponent(elem, s->rule, amax[cell], &e)) {
            /* 2^(e - shift) >= 2^-133: a float (subnormal at worst) */
            sc->blk[cell] = (float)ldexp(1.0, e - shift);
            sc->enc[cell] = ldexp(1.0, shift - e);
        } else {
            sc->blk[cell] = NAN;
            sc->enc[cell] = NAN;
        }
    }
    sc->amax = 0.0;
    return PB_OK;
}

const pb_scaling_method pb_scaling_mx = {
    .name = "mx",
    .saturate = true,
    .description = "OCP MX: blocks of B (32) along K, E8M0 scale 2^(floor(log2 amax) - emax_elem), or rounded up",
    .syntax = "[:block=B,rule=ocp|up]",
    .block = true,
    .defaults = mx_defaults,
    .param = mx_param,
    .print = mx_print,
    .check_format = mx_check,
    .compute = mx_compute,
};
