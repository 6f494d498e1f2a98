/* precbench accumulator: exact integer accumulation of integer codes, as
 * VNNI vpdpbusd does it: the exact sum of the products, wrapped to int32
 * (two's complement), converted to binary32 with round-to-nearest-even.
 * Inputs must be integers (integer element formats); a non-finite input
 * gives NaN. */
#include "accum/accum_internal.h"

static double int32_dot(const pb_accum *acc, const float *a, const float *b,
                        size_t n, const pb_accum_env *env)
{
    uint64_t s = 0; /* arithmetic modulo 2^64; the low 32 bits are int32's */
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(a[k]) || !isfinite(b[k])) return NAN;
        int64_t x = (int64_t)a[k], y = (int64_t)b[k];
        s += (uint64_t)x * (uint64_t)y;
    }
    int32_t w = (int32_t)(uint32_t)s;
    return (float)w;
}

const pb_accum_model pb_accum_int32 = {
    .name = "int32",
    .description = "exact integer accumulation wrapped to int32 (VNNI vpdpbusd), then fp32",
    .syntax = "",
    .needs_integers = true,
    .dot = int32_dot,
};
