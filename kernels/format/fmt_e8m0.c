/* precbench format: e8m0 (OCP MX E8M0 scale). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e8m0 = {
    .name = "e8m0",
    .aliases = "float8_e8m0fnu",
    .description = "OCP E8M0 scale: unsigned powers of two 2^-127..2^127, 0xFF is NaN, no zero",
    .kind = PB_FORMAT_KIND_POW2,
    .bits = 8,
    .exp_bits = 8,
    .man_bits = 0,
    .bias = 127,
    .has_sign = false,
    .specials = PB_SPECIALS_FN, /* only the all-ones code 0xFF is NaN */
    .subnormals = false,        /* no zero, no subnormals */
};
