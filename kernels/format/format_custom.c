/* precbench: formats built at run time.
 *
 *   fp:e=E,m=M[,bias=B][,specials=ieee|fn|fnuz|none][,subnormals=0|1]
 *
 * a signed minifloat with E exponent bits and M mantissa bits (1 + E + M
 * bits in all, at most 64).  Defaults: specials=ieee, subnormals=1, bias
 * 2^(E-1) - 1 (2^(E-1) for fnuz, as e4m3fnuz and e5m2fnuz).  Keys come in any
 * order, each at most once.  The format's name is the canonical spelling
 * with every key, e.g. "fp:e=3,m=4,bias=3,specials=ieee,subnormals=1".
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/format_internal.h"

/* Canonical names live as long as the program: a parsed pb_format is a
 * plain value that may be copied anywhere, so its name cannot point into
 * the caller's text.  Each distinct name is stored once. */
typedef struct interned {
    struct interned *next;
    char text[];
} interned;
static interned *names;
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *intern(const char *text)
{
    pthread_mutex_lock(&names_lock);
    const char *found = NULL;
    for (interned *n = names; n && !found; n = n->next)
        if (strcmp(n->text, text) == 0) found = n->text;
    if (!found) {
        size_t len = strlen(text) + 1;
        interned *n = malloc(sizeof *n + len);
        if (n) {
            memcpy(n->text, text, len);
            n->next = names;
            names = n;
            found = n->text;
        }
    }
    pthread_mutex_unlock(&names_lock);
    return found;
}

static const char *const specials_names[] = {
    [PB_SPECIALS_IEEE] = "ieee",
    [PB_SPECIALS_FN] = "fn",
    [PB_SPECIALS_FNUZ] = "fnuz",
    [PB_SPECIALS_NONE] = "none",
};

const char *pb_specials_name(pb_specials s)
{
    return (unsigned)s < sizeof specials_names / sizeof specials_names[0]
               ? specials_names[s] : "?";
}

pb_status pb_format_from_spec(const pb_format_spec *spec, pb_format *out)
{
    return pb_format_derive(spec, out);
}

/* A decimal integer in [lo, hi] spanning exactly [s, end). */
static bool parse_int(const char *s, const char *end, long lo, long hi, long *v)
{
    /* strtol would skip blanks and accept '+': only [-]digits here. */
    if (s == end || end - s > 12 || !(*s == '-' || (*s >= '0' && *s <= '9'))) return false;
    char buf[16];
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = 0;
    char *stop;
    errno = 0;
    long x = strtol(buf, &stop, 10);
    if (errno || *stop || x < lo || x > hi) return false;
    *v = x;
    return true;
}

pb_status pb_format_parse(const char *text, pb_format *out)
{
    if (!text || !out) return PB_ERR_ARG;
    if (strncmp(text, "fp:", 3) != 0) return PB_ERR_PARSE;
    long e = -1, m = -1, bias = 0, sub = 1;
    bool have_bias = false, seen_sp = false, seen_sub = false;
    pb_specials sp = PB_SPECIALS_IEEE;
    const char *p = text + 3;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq) return PB_ERR_PARSE;
        size_t klen = (size_t)(eq - p);
        const char *v = eq + 1;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
        if (KEY("e")) {
            if (e >= 0 || !parse_int(v, end, 1, 11, &e)) return PB_ERR_PARSE;
        } else if (KEY("m")) {
            if (m >= 0 || !parse_int(v, end, 0, 52, &m)) return PB_ERR_PARSE;
        } else if (KEY("bias")) {
            if (have_bias || !parse_int(v, end, -2000, 2000, &bias)) return PB_ERR_PARSE;
            have_bias = true;
        } else if (KEY("subnormals")) {
            if (seen_sub || !parse_int(v, end, 0, 1, &sub)) return PB_ERR_PARSE;
            seen_sub = true;
        } else if (KEY("specials")) {
            if (seen_sp) return PB_ERR_PARSE;
            seen_sp = true;
            size_t vlen = (size_t)(end - v);
            bool ok = false;
            for (int i = 0; i < 4 && !ok; i++)
                if (strlen(specials_names[i]) == vlen &&
                    memcmp(specials_names[i], v, vlen) == 0) {
                    sp = (pb_specials)i;
                    ok = true;
                }
            if (!ok) return PB_ERR_PARSE;
        } else {
            return PB_ERR_PARSE;
        }
#undef KEY
        if (!*end) break;
        p = end + 1;
    }
    if (e < 0 || m < 0) return PB_ERR_PARSE;
    if (1 + e + m > 64) return PB_ERR_ARG;
    if (!have_bias) bias = (1L << (e - 1)) - (sp == PB_SPECIALS_FNUZ ? 0 : 1);

    char name[96];
    snprintf(name, sizeof name, "fp:e=%ld,m=%ld,bias=%ld,specials=%s,subnormals=%ld",
             e, m, bias, specials_names[sp], sub);
    pb_format_spec spec = {
        .name = name,
        .aliases = NULL,
        .description = "parametric minifloat",
        .kind = PB_FORMAT_KIND_FLOAT,
        .bits = (int)(1 + e + m),
        .exp_bits = (int)e,
        .man_bits = (int)m,
        .bias = (int)bias,
        .has_sign = true,
        .specials = sp,
        .subnormals = sub != 0,
    };
    pb_format f;
    pb_status st = pb_format_derive(&spec, &f);
    if (st != PB_OK) return st;
    f.spec.name = intern(name);
    if (!f.spec.name) return PB_ERR_NOMEM;
    *out = f;
    return PB_OK;
}

pb_status pb_format_lookup(const char *text, pb_format *out)
{
    if (!text || !out) return PB_ERR_ARG;
    const pb_format *f = pb_format_by_name(text);
    if (f) {
        *out = *f;
        return PB_OK;
    }
    if (strncmp(text, "fp:", 3) == 0) return pb_format_parse(text, out);
    return PB_ERR_UNKNOWN_FORMAT;
}
