/* precbench format: fp16 (IEEE binary16). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_fp16 = {
    .name = "fp16",
    .aliases = "float16",
    .description = "IEEE 754 binary16 (1-5-10)",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 16,
    .exp_bits = 5,
    .man_bits = 10,
    .bias = 15,
    .has_sign = true,
    .specials = PB_SPECIALS_IEEE,
    .subnormals = true,
};
