/* precbench format: bf16 (bfloat16). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_bf16 = {
    .name = "bf16",
    .aliases = "bfloat16",
    .description = "bfloat16 (1-8-7), IEEE-style inf and NaN",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 16,
    .exp_bits = 8,
    .man_bits = 7,
    .bias = 127,
    .has_sign = true,
    .specials = PB_SPECIALS_IEEE,
    .subnormals = true,
};
