/* precbench: the scalar model of POW2 formats (E8M0 scales); the encoder's
 * body is pb_pow2_encode_at in encode_impl.h.
 *
 * Code c is 2^(c - bias) for c < 0xFF; 0xFF is NaN; no zero, no sign.
 * Conventions (docs/formats.md), fixed by the conformance vectors:
 * - Nearest (rne and rna alike): 1.5 * 2^k, the midpoint of 2^k and
 *   2^(k+1), goes up.  Below 2^-126 the bottom code 0x00 stands in for zero:
 *   (0, 2^-127] gives 0x00 and (2^-127, 2^-126) gives 0x01 (2^-126), which
 *   is what ml_dtypes does with float32 subnormal inputs.
 * - rtz, down: the lower power; up: the upper one; sr: between the two with
 *   P(upper) = (x - 2^k) / 2^k.  A positive value below 2^emin gives 0x00 in
 *   every mode, up included (0x00 = 2^emin is the upper neighbour there and
 *   nothing lies below it).
 * - Zero, negative values and -inf: NaN (0xFF) under `inf`, the bottom code
 *   0x00 under `sat` (clamped into [2^emin, 2^emax]).  NaN: always 0xFF.
 * - Above 2^emax: NaN under `inf` for the outward modes, 2^emax otherwise.
 */
#include "format/encode_impl.h"

uint64_t pb_pow2_encode(const pb_format *f, double x, const pb_rounding *r,
                        uint64_t index, bool has_w0, uint32_t w0)
{
    return pb_pow2_encode_at(f, x, r, r->mode, index, has_w0, w0);
}

double pb_pow2_decode(const pb_format *f, uint64_t code)
{
    code &= pb_bits_mask(f->spec.bits);
    if (code == f->nan_code) return (double)NAN;
    return pb_scale_exact(1, (int)code - f->spec.bias);
}
