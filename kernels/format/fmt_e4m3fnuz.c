/* precbench format: e4m3fnuz (FP8 E4M3 fnuz). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e4m3fnuz = {
    .name = "e4m3fnuz",
    .aliases = "float8_e4m3fnuz",
    .description = "FP8 E4M3 fnuz (bias 8): no inf, no -0, 0x80 is NaN, max 240",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 8,
    .exp_bits = 4,
    .man_bits = 3,
    .bias = 8,
    .has_sign = true,
    .specials = PB_SPECIALS_FNUZ,
    .subnormals = true,
};
