/* precbench format: e5m2 (OCP FP8 E5M2). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e5m2 = {
    .name = "e5m2",
    .aliases = "float8_e5m2",
    .description = "OCP FP8 E5M2, IEEE-style inf and NaN, max 57344",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 8,
    .exp_bits = 5,
    .man_bits = 2,
    .bias = 15,
    .has_sign = true,
    .specials = PB_SPECIALS_IEEE,
    .subnormals = true,
};
