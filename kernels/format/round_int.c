/* precbench: the scalar model of INT formats (int8, int4, ternary); the
 * encoder's body is pb_int_encode_at in encode_impl.h.
 *
 * The grid is the integers; every rounding mode works as for floats (ties
 * to even = to the even integer).  Overflow always saturates to int_min or
 * int_max, whatever the policy: integer formats have no inf or NaN.  NaN
 * becomes 0.  Codes are two's complement in `bits` bits; a code outside
 * [int_min, int_max] (ternary 0b10) is not a value and decodes to NaN.
 */
#include "format/encode_impl.h"

uint64_t pb_int_encode(const pb_format *f, double x, const pb_rounding *r,
                       uint64_t index, bool has_w0, uint32_t w0)
{
    return pb_int_encode_at(f, x, r, r->mode, index, has_w0, w0);
}

double pb_int_decode(const pb_format *f, uint64_t code)
{
    const int bits = f->spec.bits;
    code &= pb_bits_mask(bits);
    int64_t v = (int64_t)code;
    if (bits < 64 && (code >> (bits - 1)) & 1) v -= (int64_t)(UINT64_C(1) << bits);
    if (v < f->spec.int_min || v > f->spec.int_max) return (double)NAN;
    return (double)v;
}
