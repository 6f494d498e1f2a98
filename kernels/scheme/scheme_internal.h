/* precbench: internals of the scheme module (kernels/scheme/).
 *
 * Fast kernels include this header to read a scheme's parts.
 */
#ifndef PRECBENCH_SCHEME_INTERNAL_H
#define PRECBENCH_SCHEME_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "precbench/scheme.h"

enum { PB_SCHEME_TEXT_MAX = 384 };

struct pb_scheme {
    char name[PB_SCHEME_TEXT_MAX];  /* table name, or the canonical form   */
    char spec[PB_SCHEME_TEXT_MAX];  /* canonical composition               */
    const char *description;
    const pb_format *fmt[2];        /* A, B                                */
    pb_rounding in_round;           /* mode and sr_bits                    */
    pb_scaling scale[2];            /* A, B                                */
    pb_accum acc;
    const pb_format *out;
    pb_rounding out_round;          /* mode and sr_bits, overflow inf      */
    size_t block;                   /* scale block along K (0: none)       */
    bool fast_expected;
    bool deterministic;
    double err_bound;               /* NaN: none                           */
    bool owned;                     /* allocated by pb_scheme_parse        */
};

/* One row of the named-scheme table (scheme_table.c): data only. */
typedef struct pb_scheme_row {
    const char *name;
    const char *spec;        /* a composition in the single-string grammar */
    const char *description;
    bool fast_expected;
    double err_bound;
} pb_scheme_row;

size_t pb_scheme_row_count(void);
const pb_scheme_row *pb_scheme_row_at(size_t i);

/* Parse a composition (not a name) into *s (fills everything but the
 * table fields: name = spec = canonical form). */
pb_status pb_scheme_parse_composition(const char *text, pb_scheme *s);

#endif
