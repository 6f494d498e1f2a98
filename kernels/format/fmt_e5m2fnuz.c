/* precbench format: e5m2fnuz (FP8 E5M2 fnuz). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e5m2fnuz = {
    .name = "e5m2fnuz",
    .aliases = "float8_e5m2fnuz",
    .description = "FP8 E5M2 fnuz (bias 16): no inf, no -0, 0x80 is NaN, max 57344",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 8,
    .exp_bits = 5,
    .man_bits = 2,
    .bias = 16,
    .has_sign = true,
    .specials = PB_SPECIALS_FNUZ,
    .subnormals = true,
};
