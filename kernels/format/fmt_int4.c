/* precbench format: int4. */
#include "precbench/format.h"

const pb_format_spec pb_format_spec_int4 = {
    .name = "int4",
    .aliases = NULL,
    .description = "4-bit two's complement integers in [-8, 7]",
    .kind = PB_FORMAT_KIND_INT,
    .bits = 4,
    .has_sign = true,
    .specials = PB_SPECIALS_NONE,
    .int_min = -8,
    .int_max = 7,
};
