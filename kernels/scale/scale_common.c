/* precbench: pieces shared by the scaling methods. */
#include <float.h>
#include <math.h>

#include "scale/scale_internal.h"
#include "scheme/spec.h"

double pb_scale_amax(const float *x, size_t n, size_t stride)
{
    double m = 0.0;
    bool nan = false;
    for (size_t i = 0; i < n; i++) {
        double v = fabs((double)x[i * stride]);
        if (v != v) nan = true;
        else if (v > m) m = v;
    }
    return nan ? NAN : m;
}

double pb_scale_te_enc(double fmax, double amax, int margin)
{
    if (!(amax > 0.0) || !isfinite(amax)) return 1.0;
    /* fmax and amax are floats, so the binary64 quotient rounds correctly
     * to binary32 (53 >= 2 * 24 + 2): this is fl32(fmax / amax). */
    float enc = (float)(fmax / amax);
    if (!isfinite(enc) || enc == 0.0f) return 1.0;
    /* The margin scales by a power of two: exact in binary64 even where
     * the multiplier leaves the float range (|margin| <= 64). */
    return ldexp((double)enc, -margin);
}

float pb_scale_dec_of(double enc)
{
    return (float)(1.0 / enc);
}

pb_status pb_scale_param_margin(pb_scaling *s, const char *key,
                                const char *value)
{
    long v;
    if (strcmp(key, "margin") != 0) return PB_ERR_PARSE;
    if (!pb_spec_long(value, -64, 64, &v)) return PB_ERR_PARSE;
    s->margin = (int)v;
    return PB_OK;
}

double pb_scale_quantise(const pb_scales *sc, const pb_format *elem,
                         const pb_rounding *r, size_t row, size_t kk,
                         float x, uint64_t index)
{
    size_t b = sc->block ? kk / sc->block : 0;
    double enc = sc->enc[row * sc->nblocks + b];
    pb_rounding rr = *r;
    if (sc->saturate) rr.overflow = PB_OVERFLOW_SAT;
    float y = (float)((double)x * enc);
    return pb_format_round(elem, (double)y, &rr, index);
}
