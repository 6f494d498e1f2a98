/* precbench format: fp32 (IEEE binary32). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_fp32 = {
    .name = "fp32",
    .aliases = NULL,
    .description = "IEEE 754 binary32 (1-8-23)",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 32,
    .exp_bits = 8,
    .man_bits = 23,
    .bias = 127,
    .has_sign = true,
    .specials = PB_SPECIALS_IEEE,
    .subnormals = true,
};
