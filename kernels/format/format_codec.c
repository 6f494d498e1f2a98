/* precbench: pb_format_encode / decode / round, dispatched on the kind. */
#include "format/format_internal.h"

uint64_t pb_format_encode_w(const pb_format *f, double x, const pb_rounding *r,
                            uint64_t index, bool has_w0, uint32_t w0)
{
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT: return pb_float_encode(f, x, r, index, has_w0, w0);
    case PB_FORMAT_KIND_POW2: return pb_pow2_encode(f, x, r, index, has_w0, w0);
    case PB_FORMAT_KIND_INT: return pb_int_encode(f, x, r, index, has_w0, w0);
    }
    return f->nan_code;
}

uint64_t pb_format_encode(const pb_format *f, double x, const pb_rounding *r,
                          uint64_t index)
{
    return pb_format_encode_w(f, x, r, index, false, 0);
}

double pb_format_decode(const pb_format *f, uint64_t code)
{
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT: return pb_float_decode(f, code);
    case PB_FORMAT_KIND_POW2: return pb_pow2_decode(f, code);
    case PB_FORMAT_KIND_INT: return pb_int_decode(f, code);
    }
    return (double)NAN;
}

double pb_format_round(const pb_format *f, double x, const pb_rounding *r,
                       uint64_t index)
{
    return pb_format_decode(f, pb_format_encode(f, x, r, index));
}

bool pb_sr_exact_tail(const pb_rounding *r, uint64_t index, uint64_t rem, int shift)
{
    /* Word 0 tied; U >= frac as soon as frac has no bits left. */
    for (int k = 1;; k++) {
        if (!pb_frac_rest(rem, shift, k - 1)) return false;
        uint32_t w = pb_rng_u32(r->seed, r->stream, index, (uint32_t)k);
        uint32_t fw = pb_frac_word(rem, shift, k);
        if (w != fw) return w < fw;
    }
}
