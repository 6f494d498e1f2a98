/* precbench format: e4m3 (OCP FP8 E4M3). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e4m3 = {
    .name = "e4m3",
    .aliases = "float8_e4m3fn",
    .description = "OCP FP8 E4M3 (fn): no inf, only S.1111.111 is NaN, max 448",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 8,
    .exp_bits = 4,
    .man_bits = 3,
    .bias = 7,
    .has_sign = true,
    .specials = PB_SPECIALS_FN,
    .subnormals = true,
};
