/* precbench format: fp64 (IEEE binary64). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_fp64 = {
    .name = "fp64",
    .aliases = NULL,
    .description = "IEEE 754 binary64 (1-11-52)",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 64,
    .exp_bits = 11,
    .man_bits = 52,
    .bias = 1023,
    .has_sign = true,
    .specials = PB_SPECIALS_IEEE,
    .subnormals = true,
};
