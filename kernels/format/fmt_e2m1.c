/* precbench format: e2m1 (OCP FP4 E2M1). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_e2m1 = {
    .name = "e2m1",
    .aliases = "float4_e2m1fn",
    .description = "OCP FP4 E2M1: every code finite, max 6",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 4,
    .exp_bits = 2,
    .man_bits = 1,
    .bias = 1,
    .has_sign = true,
    .specials = PB_SPECIALS_NONE,
    .subnormals = true,
};
