/* precbench: number formats and rounding.
 *
 * A format is data: a pb_format_spec filled in one file under kernels/format/
 * and registered by one line in kernels/format/format_table.c.  The library
 * derives the rest (limits, special codes) into a pb_format.
 *
 * Codes are unsigned integers holding the format's bit pattern in the low
 * `bits` bits (fp64 uses all 64).  Integer formats use two's complement in
 * their width (ternary: 2 bits, -1 = 0b11).  E8M0 is unsigned: code c is
 * 2^(c - 127), 0xFF is NaN, and there is no zero.
 */
#ifndef PRECBENCH_FORMAT_H
#define PRECBENCH_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "precbench/status.h"

typedef enum pb_format_kind {
    PB_FORMAT_KIND_FLOAT, /* sign, exponent, mantissa (minifloats, IEEE)     */
    PB_FORMAT_KIND_POW2,  /* unsigned power of two, no zero (E8M0 scales)    */
    PB_FORMAT_KIND_INT    /* integers in [int_min, int_max] (int8, ternary)  */
} pb_format_kind;

/* How the top of the exponent range and NaN/inf are encoded. */
typedef enum pb_specials {
    PB_SPECIALS_IEEE, /* top exponent: inf (mantissa 0) and NaN              */
    PB_SPECIALS_FN,   /* OCP "fn": no inf; only S.1111.111 (all ones) is NaN */
    PB_SPECIALS_FNUZ, /* no inf, no -0: the code 1000...0 is the only NaN    */
    PB_SPECIALS_NONE  /* every code is a finite number (FP6, FP4)            */
} pb_specials;

typedef struct pb_format_spec {
    const char *name;        /* canonical name, e.g. "e4m3"                    */
    const char *aliases;     /* comma-separated other spellings, or NULL       */
    const char *description; /* one line                                       */
    pb_format_kind kind;
    int bits;                /* storage width in bits                          */
    int exp_bits, man_bits;  /* FLOAT, POW2                                    */
    int bias;                /* FLOAT, POW2                                    */
    bool has_sign;
    pb_specials specials;
    bool subnormals;         /* false: results below the normal range flush to 0 */
    int32_t int_min, int_max;/* INT                                            */
} pb_format_spec;

/* A registered format: its spec plus derived facts. */
typedef struct pb_format {
    pb_format_spec spec;
    int index;               /* position in the format table                   */
    int emin, emax;          /* unbiased exponents of the normal range         */
    double max_finite;       /* largest finite value                           */
    double min_normal;       /* smallest positive normal                       */
    double min_subnormal;    /* smallest positive value (== min_normal if none)*/
    double eps;              /* 2^-man_bits (1 for POW2 and INT)               */
    uint64_t max_code_finite;/* magnitude code of max_finite                   */
    uint64_t nan_code;       /* canonical positive NaN code, or, for formats
                                without NaN, the code a NaN input becomes      */
    bool has_nan, has_inf;
    int code_bytes;          /* 1, 2, 4 or 8: how codes are stored in files    */
} pb_format;

/* ---- rounding ---------------------------------------------------------- */

typedef enum pb_round_mode {
    PB_ROUND_RNE,   /* to nearest, ties to even                               */
    PB_ROUND_RNA,   /* to nearest, ties away from zero                        */
    PB_ROUND_RTZ,   /* toward zero                                            */
    PB_ROUND_UP,    /* toward +infinity                                       */
    PB_ROUND_DOWN,  /* toward -infinity                                       */
    PB_ROUND_SR,    /* stochastic, exact: P(away from the lower neighbour)
                       = (x - lower) / (upper - lower)                        */
    PB_ROUND_SR_BITS/* stochastic with r random bits: the probability above
                       truncated to a multiple of 2^-r (hardware style)       */
} pb_round_mode;

typedef enum pb_overflow {
    PB_OVERFLOW_INF, /* to inf where the format has one, else NaN where it
                        has one, else saturate (ml_dtypes behaviour); directed
                        modes that round inward give +-max as in IEEE 754     */
    PB_OVERFLOW_SAT  /* clamp to +-max_finite                                */
} pb_overflow;

/* Everything a rounding needs besides the value and the element index. */
typedef struct pb_rounding {
    pb_round_mode mode;
    int sr_bits;          /* PB_ROUND_SR_BITS: r in 1..24                    */
    pb_overflow overflow;
    uint64_t seed;        /* stochastic modes: key of the random stream      */
    uint32_t stream;      /* stochastic modes: which stream under the seed   */
} pb_rounding;

/* Round to nearest even, inf overflow, seed 0: the default everywhere. */
pb_rounding pb_rounding_default(void);

/* Parse "rne", "rna", "rtz", "up", "down", "sr", "sr:R" into r->mode/sr_bits. */
pb_status pb_round_mode_parse(const char *text, pb_rounding *r);
/* Parse "inf" or "sat". */
pb_status pb_overflow_parse(const char *text, pb_overflow *o);
/* The canonical text of a mode ("sr:8" for 8-bit SR); buf of >= 16 bytes. */
const char *pb_round_mode_name(const pb_rounding *r, char *buf, size_t size);
/* The syntax ("rne" ... "sr", "sr:R") and a one-line description of each
 * mode; NULL past the last, so that a loop over modes stops there. */
const char *pb_round_mode_syntax(pb_round_mode mode);
const char *pb_round_mode_description(pb_round_mode mode);
/* The name ("inf", "sat") and a one-line description of each policy; NULL
 * past the last. */
const char *pb_overflow_name(pb_overflow o);
const char *pb_overflow_description(pb_overflow o);
/* PB_OK when r is usable: a known mode and policy, and sr_bits in 1..24 for
 * PB_ROUND_SR_BITS.  The bulk functions check it; the scalar model assumes
 * it (it clamps sr_bits into 1..24 rather than misbehave). */
pb_status pb_rounding_check(const pb_rounding *r);

/* ---- the format table -------------------------------------------------- */

size_t pb_format_count(void);
const pb_format *pb_format_at(size_t i);
/* Canonical names and aliases (case-sensitive); NULL when unknown. */
const pb_format *pb_format_by_name(const char *name);
/* "ieee", "fn", "fnuz", "none". */
const char *pb_specials_name(pb_specials s);

/* Formats built at run time (index -1), held to the same validation as the
 * table: FLOAT kind, 1..11 exponent and 0..52 mantissa bits, every value a
 * double.  spec->name must outlive the format. */
pb_status pb_format_from_spec(const pb_format_spec *spec, pb_format *out);
/* Parse "fp:e=E,m=M[,bias=B][,specials=ieee|fn|fnuz|none][,subnormals=0|1]"
 * (defaults: ieee, subnormals 1, bias 2^(E-1)-1, or 2^(E-1) for fnuz).  The
 * format's name becomes the canonical spelling with every key.
 * PB_ERR_PARSE for bad syntax, PB_ERR_ARG for an impossible format. */
pb_status pb_format_parse(const char *text, pb_format *out);
/* A named format (copied) or, for text starting "fp:", a parsed one;
 * PB_ERR_UNKNOWN_FORMAT otherwise. */
pb_status pb_format_lookup(const char *text, pb_format *out);

/* ---- scalar model: the definition of every conversion ------------------ */
/* `index` addresses the random words of stochastic modes (see rng.h): the
 * element's position in its tensor, so results do not depend on order.
 * The semantics (overflow, NaN, -0, E8M0 and integer conventions) are
 * written out in docs/formats.md.                                          */

/* Real -> code.  x is any double (NaN, inf included). */
uint64_t pb_format_encode(const pb_format *f, double x, const pb_rounding *r,
                          uint64_t index);
/* Code -> real (NaN for NaN codes).  Bits above f->spec.bits are ignored. */
double pb_format_decode(const pb_format *f, uint64_t code);
/* Real -> nearest value of the format under r, as a double: the value of
 * pb_format_encode, decoded. */
double pb_format_round(const pb_format *f, double x, const pb_rounding *r,
                       uint64_t index);

/* ---- bulk conversion of float32 arrays (fast paths) ----------------------
 * Bit-identical to the scalar model; element i uses index first_index + i.
 * Vectorised with AVX-512 where the CPU has it, OpenMP across cores.
 * codes: f->code_bytes bytes per element, little-endian.                   */
pb_status pb_convert_f32(const pb_format *f, const float *x, void *codes,
                         size_t n, const pb_rounding *r, uint64_t first_index);
/* x -> rounded values as float32 (y may equal x).  For fp64 this copies. */
pb_status pb_round_f32(const pb_format *f, const float *x, float *y, size_t n,
                       const pb_rounding *r, uint64_t first_index);
/* codes -> float32 values. */
pb_status pb_decode_f32(const pb_format *f, const void *codes, float *y,
                        size_t n);

/* Which bulk path is in use: "avx512bf16", "avx512" or "scalar". */
const char *pb_convert_backend(void);
/* Force the portable path (tests compare the two); returns the old value. */
bool pb_convert_force_scalar(bool force);

#endif
