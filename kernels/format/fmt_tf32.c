/* precbench format: tf32 (NVIDIA TF32). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_tf32 = {
    .name = "tf32",
    .aliases = NULL,
    .description = "TensorFloat-32 (1-8-10), stored as a float32 bit pattern with the low 13 bits zero",
    .kind = PB_FORMAT_KIND_FLOAT,
    .bits = 32,    /* 1 + 8 + 10 significant bits, then 13 zero bits */
    .exp_bits = 8,
    .man_bits = 10,
    .bias = 127,
    .has_sign = true,
    .specials = PB_SPECIALS_IEEE,
    .subnormals = true,
};
