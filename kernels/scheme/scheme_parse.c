/* precbench: the single-string scheme grammar (docs/schemes.md, section 6)
 *
 *     fmt=A[,B];in=MODE;scale=S[,S];acc=M[:params];out=F[:MODE]
 *
 * parsed strictly into a pb_scheme, checked for consistency, and printed
 * back in canonical form. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scheme/scheme_internal.h"
#include "scheme/spec.h"

/* Split a method list ("a:x=1,y=2,b") into at most 2 method strings: an
 * item starts a new method unless it is key=value without ':'. */
static pb_status split_methods(const char *text, char out[2][PB_SPEC_MAX],
                               int *count)
{
    *count = 0;
    char item[PB_SPEC_MAX];
    bool bad = false;
    const char *cur = text;
    while (pb_spec_next(&cur, item, sizeof item, &bad)) {
        if (pb_spec_starts_method(item)) {
            if (*count == 2) return PB_ERR_PARSE;
            snprintf(out[*count], PB_SPEC_MAX, "%s", item);
            (*count)++;
        } else {
            if (*count == 0) return PB_ERR_PARSE;
            size_t len = strlen(out[*count - 1]);
            /* the first parameter of a method without ':' cannot appear */
            if (!strchr(out[*count - 1], ':')) return PB_ERR_PARSE;
            if (len + 1 + strlen(item) >= PB_SPEC_MAX) return PB_ERR_PARSE;
            out[*count - 1][len] = ',';
            strcpy(out[*count - 1] + len + 1, item);
        }
    }
    if (bad || *count == 0) return PB_ERR_PARSE;
    return PB_OK;
}

/* Every value of f is a float32 value (output formats). */
static bool fits_float(const pb_format *f)
{
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT:
        return f->spec.man_bits <= 23 && f->max_finite <= FLT_MAX &&
               f->min_subnormal >= 0x1p-149;
    case PB_FORMAT_KIND_POW2:
        return f->max_finite <= FLT_MAX && f->min_subnormal >= 0x1p-149;
    case PB_FORMAT_KIND_INT:
        return f->spec.int_max <= (1 << 24) && f->spec.int_min >= -(1 << 24);
    }
    return false;
}

/* Every value of f is exact in bf16 (dpbf16 inputs). */
static bool fits_bf16(const pb_format *f)
{
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT:
        return f->spec.man_bits <= 7 && f->max_finite <= 0x1.fep127 &&
               f->min_subnormal >= 0x1p-133;
    case PB_FORMAT_KIND_INT:
        return f->spec.int_max <= 256 && f->spec.int_min >= -256;
    case PB_FORMAT_KIND_POW2:
        return false;
    }
    return false;
}

static bool is_stochastic(const pb_rounding *r)
{
    return r->mode == PB_ROUND_SR || r->mode == PB_ROUND_SR_BITS;
}

/* The canonical text of a parsed scheme (docs/schemes.md, section 6). */
static void canonical(const pb_scheme *s, char *buf, size_t size)
{
    char part[PB_SPEC_MAX], part2[PB_SPEC_MAX];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, size - n, "fmt=%s", s->fmt[0]->spec.name);
    if (s->fmt[1] != s->fmt[0] && n < size)
        n += (size_t)snprintf(buf + n, size - n, ",%s", s->fmt[1]->spec.name);
    if (s->in_round.mode != PB_ROUND_RNE && n < size)
        n += (size_t)snprintf(buf + n, size - n, ";in=%s",
                              pb_round_mode_name(&s->in_round, part, sizeof part));
    if (!(pb_scaling_is_none(&s->scale[0]) && pb_scaling_is_none(&s->scale[1])) &&
        n < size) {
        pb_scaling_name(&s->scale[0], part, sizeof part);
        n += (size_t)snprintf(buf + n, size - n, ";scale=%s", part);
        if (!pb_scaling_equal(&s->scale[0], &s->scale[1]) && n < size)
            n += (size_t)snprintf(buf + n, size - n, ",%s",
                                  pb_scaling_name(&s->scale[1], part2, sizeof part2));
    }
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, ";acc=%s",
                              pb_accum_name(&s->acc, part, sizeof part));
    bool out_default = strcmp(s->out->spec.name, "fp32") == 0 &&
                       s->out_round.mode == PB_ROUND_RNE;
    if (!out_default && n < size) {
        n += (size_t)snprintf(buf + n, size - n, ";out=%s", s->out->spec.name);
        if (s->out_round.mode != PB_ROUND_RNE && n < size)
            snprintf(buf + n, size - n, ":%s",
                     pb_round_mode_name(&s->out_round, part, sizeof part));
    }
}

static pb_status parse_fmt(const char *value, pb_scheme *s)
{
    char m[2][PB_SPEC_MAX];
    int count;
    pb_status st = split_methods(value, m, &count);
    if (st != PB_OK) return st;
    for (int i = 0; i < count; i++) {
        if (strchr(m[i], ':')) return PB_ERR_PARSE;
        s->fmt[i] = pb_format_by_name(m[i]);
        if (!s->fmt[i]) return PB_ERR_UNKNOWN_FORMAT;
    }
    if (count == 1) s->fmt[1] = s->fmt[0];
    return PB_OK;
}

static pb_status parse_scale(const char *value, pb_scheme *s)
{
    char m[2][PB_SPEC_MAX];
    int count;
    pb_status st = split_methods(value, m, &count);
    if (st != PB_OK) return st;
    for (int i = 0; i < count; i++) {
        st = pb_scaling_parse(m[i], &s->scale[i]);
        if (st != PB_OK) return st;
    }
    if (count == 1) s->scale[1] = s->scale[0];
    return PB_OK;
}

static pb_status parse_mode(const char *text, pb_rounding *r)
{
    *r = pb_rounding_default();
    return pb_round_mode_parse(text, r);
}

static pb_status parse_out(const char *value, pb_scheme *s)
{
    char name[PB_SPEC_ITEM_MAX];
    const char *mode;
    if (!pb_spec_split(value, name, sizeof name, &mode)) return PB_ERR_PARSE;
    s->out = pb_format_by_name(name);
    if (!s->out) return PB_ERR_UNKNOWN_FORMAT;
    s->out_round = pb_rounding_default();
    return mode ? parse_mode(mode, &s->out_round) : PB_OK;
}

/* The parts fit together? */
static pb_status check(pb_scheme *s)
{
    if (!fits_float(s->out)) return PB_ERR_UNSUPPORTED;
    for (int i = 0; i < 2; i++) {
        pb_status st = pb_scaling_check_format(&s->scale[i], s->fmt[i]);
        if (st != PB_OK) return st;
        if (pb_accum_needs_integers(&s->acc) &&
            s->fmt[i]->spec.kind != PB_FORMAT_KIND_INT)
            return PB_ERR_UNSUPPORTED;
        if (pb_accum_needs_bf16(&s->acc) && !fits_bf16(s->fmt[i]))
            return PB_ERR_UNSUPPORTED;
    }
    size_t ba = pb_scaling_block(&s->scale[0]), bb = pb_scaling_block(&s->scale[1]);
    if (ba && bb && ba != bb) return PB_ERR_UNSUPPORTED;
    s->block = ba ? ba : bb;
    s->deterministic = !is_stochastic(&s->in_round) &&
                       !is_stochastic(&s->out_round) &&
                       !pb_accum_is_stochastic(&s->acc);
    return PB_OK;
}

pb_status pb_scheme_parse_composition(const char *text, pb_scheme *s)
{
    if (!text || !s) return PB_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->in_round = pb_rounding_default();
    s->out_round = pb_rounding_default();
    s->out = pb_format_by_name("fp32");
    pb_scaling none;
    pb_status st = pb_scaling_parse("none", &none);
    if (st != PB_OK) return st;
    s->scale[0] = s->scale[1] = none;
    s->err_bound = NAN;

    enum { F_FMT, F_IN, F_SCALE, F_ACC, F_OUT, F_COUNT };
    static const char *const keys[F_COUNT] = {"fmt", "in", "scale", "acc", "out"};
    bool seen[F_COUNT] = {false};

    size_t len = strlen(text);
    if (len == 0 || len >= PB_SCHEME_TEXT_MAX) return PB_ERR_PARSE;
    const char *p = text;
    while (true) {
        const char *semi = strchr(p, ';');
        size_t flen = semi ? (size_t)(semi - p) : strlen(p);
        char field[PB_SCHEME_TEXT_MAX];
        if (flen == 0) return PB_ERR_PARSE; /* empty field, ";;" or a trailing ';' */
        memcpy(field, p, flen);
        field[flen] = '\0';
        char *eq = strchr(field, '=');
        if (!eq || eq == field || eq[1] == '\0') return PB_ERR_PARSE;
        *eq = '\0';
        const char *value = eq + 1;
        int f = -1;
        for (int i = 0; i < F_COUNT; i++)
            if (strcmp(field, keys[i]) == 0) f = i;
        if (f < 0 || seen[f]) return PB_ERR_PARSE;
        seen[f] = true;
        switch (f) {
        case F_FMT: st = parse_fmt(value, s); break;
        case F_IN: st = parse_mode(value, &s->in_round); break;
        case F_SCALE: st = parse_scale(value, s); break;
        case F_ACC: st = pb_accum_parse(value, &s->acc); break;
        case F_OUT: st = parse_out(value, s); break;
        }
        if (st != PB_OK) return st;
        if (!semi) break;
        p = semi + 1;
        if (*p == '\0') return PB_ERR_PARSE;
    }
    if (!seen[F_FMT] || !seen[F_ACC]) return PB_ERR_PARSE;
    /* only the mode of the input and output roundings is part of a scheme */
    s->in_round.overflow = PB_OVERFLOW_INF;
    s->out_round.overflow = PB_OVERFLOW_INF;
    st = check(s);
    if (st != PB_OK) return st;
    canonical(s, s->spec, sizeof s->spec);
    snprintf(s->name, sizeof s->name, "%s", s->spec);
    s->description = "composed scheme";
    return PB_OK;
}
