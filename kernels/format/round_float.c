/* precbench: the scalar model of FLOAT formats (minifloats and IEEE): the
 * encoder (its body is pb_float_encode_at in encode_impl.h, where the code
 * layout and the rounding steps are described) and the decoder. */
#include "format/encode_impl.h"

uint64_t pb_float_encode(const pb_format *f, double x, const pb_rounding *r,
                         uint64_t index, bool has_w0, uint32_t w0)
{
    return pb_float_encode_at(f, x, r, r->mode, index, has_w0, w0);
}

double pb_float_decode(const pb_format *f, uint64_t code)
{
    const int m = f->spec.man_bits, pad = pb_format_pad(f);
    code &= pb_bits_mask(f->spec.bits);
    const bool neg = (code >> (f->spec.bits - 1)) & 1;
    const uint64_t mag = (code & pb_bits_mask(f->spec.bits - 1)) >> pad;
    const uint64_t biased = mag >> m, man = mag & pb_bits_mask(m);
    switch (f->spec.specials) {
    case PB_SPECIALS_IEEE:
        if (biased == pb_bits_mask(f->spec.exp_bits)) {
            if (man) {
                if (m == 52) return pb_bits_double(code); /* fp64: the NaN as it is */
                return neg ? -(double)NAN : (double)NAN;
            }
            return neg ? -(double)INFINITY : (double)INFINITY;
        }
        break;
    case PB_SPECIALS_FN:
        if (mag == pb_bits_mask(f->spec.exp_bits + m)) return neg ? -(double)NAN : (double)NAN;
        break;
    case PB_SPECIALS_FNUZ:
        if (neg && mag == 0) return (double)NAN;
        break;
    case PB_SPECIALS_NONE:
        break;
    }
    /* Without subnormals, biased exponent 0 holds only zeros (a nonzero
     * mantissa there is never produced, and reads as zero). */
    uint64_t sig = biased ? man | (UINT64_C(1) << m) : f->spec.subnormals ? man : 0;
    int k = (biased ? (int)biased : 1) - 1 + f->emin - m;
    double v = pb_scale_exact(sig, k);
    return neg ? -v : v;
}
