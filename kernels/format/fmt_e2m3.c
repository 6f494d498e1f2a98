/* precbench format: e2m3 (OCP FP6 E2M3). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e2m3 = {
    .name = "e2m3",
    .aliases = "float6_e2m3fn",
    .description = "OCP FP6 E2M3: every code finite, max 7.5",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 6,
    .exp_bits = 2,
    .man_bits = 3,
    .bias = 1,
    .has_sign = true,
    .specials = PB_SPECIALS_NONE,
    .subnormals = true,
};
