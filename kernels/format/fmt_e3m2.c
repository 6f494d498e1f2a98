/* precbench format: e3m2 (OCP FP6 E3M2). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e3m2 = {
    .name = "e3m2",
    .aliases = "float6_e3m2fn",
    .description = "OCP FP6 E3M2: every code finite, max 28",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 6,
    .exp_bits = 3,
    .man_bits = 2,
    .bias = 3,
    .has_sign = true,
    .specials = PB_SPECIALS_NONE,
    .subnormals = true,
};
