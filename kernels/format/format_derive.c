/* precbench: validate a format spec and derive its limits and special codes.
 *
 * Used once per named format (format_table.c) and for every format built at
 * run time (format_custom.c), so both are held to the same rules.
 */
#include "format/format_internal.h"

static pb_status derive_float(pb_format *f)
{
    const pb_format_spec *s = &f->spec;
    const int e = s->exp_bits, m = s->man_bits;
    /* The model computes on doubles: every value must be a double. */
    if (!s->has_sign || e < 1 || e > 11 || m < 0 || m > 52 ||
        s->bits < 1 + e + m || s->bits > 64)
        return PB_ERR_ARG;
    if (s->specials == PB_SPECIALS_IEEE && m < 1) return PB_ERR_ARG; /* NaN needs a mantissa */
    const int pad = s->bits - 1 - e - m;
    const uint64_t all = pb_bits_mask(e + m); /* all-ones magnitude */
    uint64_t max_mag;
    switch (s->specials) {
    case PB_SPECIALS_IEEE: max_mag = (pb_bits_mask(e) << m) - 1; break;
    case PB_SPECIALS_FN: max_mag = all - 1; break;
    case PB_SPECIALS_FNUZ:
    case PB_SPECIALS_NONE: max_mag = all; break;
    default: return PB_ERR_ARG;
    }
    f->emin = 1 - s->bias;
    f->emax = (int)(max_mag >> m) - s->bias;
    /* At least one normal binade, and the whole range inside double's. */
    if ((max_mag >> m) < 1 || f->emax > 1023 || f->emin - m < -1074)
        return PB_ERR_ARG;
    f->max_code_finite = max_mag << pad;
    f->has_inf = s->specials == PB_SPECIALS_IEEE;
    f->has_nan = s->specials != PB_SPECIALS_NONE;
    const uint64_t sign = UINT64_C(1) << (s->bits - 1);
    switch (s->specials) {
    case PB_SPECIALS_IEEE:
        f->nan_code = ((pb_bits_mask(e) << m) | (UINT64_C(1) << (m - 1))) << pad;
        break;
    case PB_SPECIALS_FN: f->nan_code = all << pad; break;
    case PB_SPECIALS_FNUZ: f->nan_code = sign; break;
    case PB_SPECIALS_NONE: f->nan_code = sign; break; /* -0: as ml_dtypes */
    }
    f->max_finite = pb_float_decode(f, f->max_code_finite);
    f->min_normal = pb_scale_exact(1, f->emin);
    f->min_subnormal = s->subnormals ? pb_scale_exact(1, f->emin - m) : f->min_normal;
    f->eps = pb_scale_exact(1, -m);
    return PB_OK;
}

static pb_status derive_pow2(pb_format *f)
{
    const pb_format_spec *s = &f->spec;
    /* One layout: an unsigned exponent field whose all-ones code is NaN. */
    if (s->has_sign || s->man_bits != 0 || s->exp_bits != s->bits ||
        s->bits < 2 || s->bits > 11 || s->specials != PB_SPECIALS_FN)
        return PB_ERR_ARG;
    const uint64_t all = pb_bits_mask(s->bits);
    f->emin = -s->bias;
    f->emax = (int)(all - 1) - s->bias;
    if (f->emin < -1074 || f->emax > 1023) return PB_ERR_ARG;
    f->max_code_finite = all - 1;
    f->nan_code = all;
    f->has_nan = true;
    f->has_inf = false;
    f->max_finite = pb_scale_exact(1, f->emax);
    f->min_normal = f->min_subnormal = pb_scale_exact(1, f->emin);
    f->eps = 1.0;
    return PB_OK;
}

static pb_status derive_int(pb_format *f)
{
    const pb_format_spec *s = &f->spec;
    if (!s->has_sign || s->bits < 2 || s->bits > 32 || s->int_min >= 0 ||
        s->int_max <= 0)
        return PB_ERR_ARG;
    const int64_t lo = -((int64_t)1 << (s->bits - 1)), hi = -lo - 1;
    if (s->int_min < lo || s->int_max > hi) return PB_ERR_ARG;
    f->emin = f->emax = 0;
    f->max_code_finite = (uint64_t)s->int_max;
    f->nan_code = 0;
    f->has_nan = f->has_inf = false;
    f->max_finite = s->int_max;
    f->min_normal = f->min_subnormal = 1.0;
    f->eps = 1.0;
    return PB_OK;
}

pb_status pb_format_derive(const pb_format_spec *spec, pb_format *out)
{
    if (!spec || !out || !spec->name || !spec->name[0]) return PB_ERR_ARG;
    pb_format f;
    memset(&f, 0, sizeof f);
    f.spec = *spec;
    f.index = -1;
    pb_status st;
    switch (spec->kind) {
    case PB_FORMAT_KIND_FLOAT: st = derive_float(&f); break;
    case PB_FORMAT_KIND_POW2: st = derive_pow2(&f); break;
    case PB_FORMAT_KIND_INT: st = derive_int(&f); break;
    default: return PB_ERR_ARG;
    }
    if (st != PB_OK) return st;
    f.code_bytes = spec->bits <= 8 ? 1 : spec->bits <= 16 ? 2 : spec->bits <= 32 ? 4 : 8;
    *out = f;
    return PB_OK;
}
