/* precbench format: int8. */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_int8 = {
    .name = "int8",
    .aliases = NULL,
    .description = "8-bit two's complement integers in [-128, 127]",
    .kind = PB_FORMAT_KIND_INT,
    .bits = 8,
    .has_sign = true,
    .specials = PB_SPECIALS_NONE,
    .int_min = -128,
    .int_max = 127,
};
