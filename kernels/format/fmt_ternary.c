/* precbench format: ternary weights (BitNet b1.58 style). */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_ternary = {
    .name = "ternary",
    .aliases = NULL,
    .description = "ternary {-1, 0, 1} in 2-bit two's complement (code 0b10 unused)",
    .kind = PB_FORMAT_KIND_INT,
    .bits = 2,
    .has_sign = true,
    .specials = PB_SPECIALS_NONE,
    .int_min = -1,
    .int_max = 1,  /* -2 (code 0b10) is outside the format */
};
