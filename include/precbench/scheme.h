/* precbench: precision schemes (docs/schemes.md).
 *
 *     scheme = input format(s) x input rounding x scaling x accumulator model
 *              x output rounding
 *
 * A scheme is addressed by one string everywhere: a name from the table
 * ("fp8-e4m3-h100") or a composition in the single-string grammar
 * ("fmt=e4m3,e5m2;scale=tensor;acc=tensorcore:h100-fp8;out=fp32").
 * Table entries are static; composed schemes are allocated by the parser
 * and released with pb_scheme_free (which ignores table entries).
 */
#ifndef PRECBENCH_SCHEME_H
#define PRECBENCH_SCHEME_H

#include <stdbool.h>
#include <stddef.h>

#include "precbench/accum.h"
#include "precbench/format.h"
#include "precbench/scale.h"
#include "precbench/status.h"

typedef struct pb_scheme pb_scheme;

/* ---- the table of named schemes ----------------------------------------- */

size_t pb_scheme_count(void);
const pb_scheme *pb_scheme_at(size_t i);
/* A named scheme, or NULL. */
const pb_scheme *pb_scheme_by_name(const char *name);

/* ---- parsing ---------------------------------------------------------------
 * A name or a composition (docs/schemes.md, section 6).  *out is the table
 * entry for a name, else a new scheme.  Errors: PB_ERR_PARSE,
 * PB_ERR_UNKNOWN_FORMAT, PB_ERR_UNKNOWN_MODE, PB_ERR_UNKNOWN_SCHEME,
 * PB_ERR_UNSUPPORTED, PB_ERR_NOMEM; *out is NULL then. */
pb_status pb_scheme_parse(const char *text, pb_scheme **out);
/* The command line's parts: format "A[,B]", scaling "S[,S]", accumulator
 * "M[:params]", output "F[:MODE]", input rounding "MODE"; NULL for the
 * default of an optional part (format and accumulator are required). */
pb_status pb_scheme_compose(const char *format, const char *scaling,
                            const char *accum, const char *out,
                            const char *in_round, pb_scheme **out_scheme);
/* Release a scheme from pb_scheme_parse/compose (table entries: no-op). */
void pb_scheme_free(pb_scheme *s);

/* ---- what a scheme is ------------------------------------------------------- */

/* The stable name of a table entry, or the canonical composition. */
const char *pb_scheme_name(const pb_scheme *s);
/* The canonical composition (for table entries: their definition). */
const char *pb_scheme_spec(const pb_scheme *s);
const char *pb_scheme_description(const pb_scheme *s);
/* Operand formats (operand 0 = A, 1 = B), output format. */
const pb_format *pb_scheme_format(const pb_scheme *s, int operand);
const pb_format *pb_scheme_out_format(const pb_scheme *s);
const pb_rounding *pb_scheme_out_rounding(const pb_scheme *s);
/* Input rounding mode (mode and sr_bits only). */
const pb_rounding *pb_scheme_in_rounding(const pb_scheme *s);
const pb_scaling *pb_scheme_scaling(const pb_scheme *s, int operand);
const pb_accum *pb_scheme_accum(const pb_scheme *s);
/* Scale block length along K (0: none). */
size_t pb_scheme_block(const pb_scheme *s);
/* A fast kernel is expected on a CPU with AVX-512 (the table's promise;
 * pb_gemm_backend says what actually runs). */
bool pb_scheme_fast_expected(const pb_scheme *s);
/* The result does not depend on the seed (no stochastic rounding). */
bool pb_scheme_deterministic(const pb_scheme *s);
/* Loose bound on the normwise error ||C - AB||_F / || |A||B| ||_F on the
 * standard random test (docs/schemes.md, section 7). */
double pb_scheme_error_bound(const pb_scheme *s);
/* Whether either operand uses delayed scaling. */
bool pb_scheme_uses_delayed(const pb_scheme *s);
/* A delayed-scaling state for operand 0 (A) or 1 (B) with the history
 * length of the scheme's delayed scaling (16 when it has none). */
pb_status pb_scheme_state_create(const pb_scheme *s, int operand,
                                 pb_scaling_state **out);

#endif
