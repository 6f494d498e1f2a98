/* precbench: the scheme table (built once from the rows of
 * scheme_table.c), lookup, composition and accessors. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheme/scheme_internal.h"

static pb_scheme *table;        /* pb_scheme_row_count() entries */
static size_t table_count;      /* rows that parsed              */
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Rows whose definition does not parse are left out (the scheme test
 * checks that none is). */
static void table_build(void)
{
    size_t n = pb_scheme_row_count();
    table = calloc(n ? n : 1, sizeof *table);
    if (!table) return;
    for (size_t i = 0; i < n; i++) {
        const pb_scheme_row *row = pb_scheme_row_at(i);
        pb_scheme *s = &table[table_count];
        if (pb_scheme_parse_composition(row->spec, s) != PB_OK) continue;
        snprintf(s->name, sizeof s->name, "%s", row->name);
        s->description = row->description;
        s->fast_expected = row->fast_expected;
        s->err_bound = row->err_bound;
        s->owned = false;
        table_count++;
    }
}

static void table_init(void)
{
    pthread_once(&table_once, table_build);
}

size_t pb_scheme_count(void)
{
    table_init();
    return table_count;
}

const pb_scheme *pb_scheme_at(size_t i)
{
    table_init();
    return i < table_count ? &table[i] : NULL;
}

const pb_scheme *pb_scheme_by_name(const char *name)
{
    table_init();
    for (size_t i = 0; name && i < table_count; i++)
        if (strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

pb_status pb_scheme_parse(const char *text, pb_scheme **out)
{
    if (!out) return PB_ERR_ARG;
    *out = NULL;
    if (!text) return PB_ERR_ARG;
    if (!strchr(text, '=')) {
        const pb_scheme *s = pb_scheme_by_name(text);
        if (!s) return *text ? PB_ERR_UNKNOWN_SCHEME : PB_ERR_PARSE;
        *out = (pb_scheme *)s;
        return PB_OK;
    }
    pb_scheme *s = malloc(sizeof *s);
    if (!s) return PB_ERR_NOMEM;
    pb_status st = pb_scheme_parse_composition(text, s);
    if (st != PB_OK) {
        free(s);
        return st;
    }
    s->owned = true;
    /* a composition equal to a named scheme takes its name and contract */
    table_init();
    for (size_t i = 0; i < table_count; i++)
        if (strcmp(table[i].spec, s->spec) == 0) {
            snprintf(s->name, sizeof s->name, "%s", table[i].name);
            s->description = table[i].description;
            s->fast_expected = table[i].fast_expected;
            s->err_bound = table[i].err_bound;
            break;
        }
    *out = s;
    return PB_OK;
}

pb_status pb_scheme_compose(const char *format, const char *scaling,
                            const char *accum, const char *out,
                            const char *in_round, pb_scheme **out_scheme)
{
    if (!out_scheme) return PB_ERR_ARG;
    *out_scheme = NULL;
    if (!format || !accum) return PB_ERR_ARG;
    const char *parts[5] = {format, scaling, accum, out, in_round};
    for (int i = 0; i < 5; i++)
        if (parts[i] && (strchr(parts[i], ';') || !*parts[i])) return PB_ERR_PARSE;
    char text[PB_SCHEME_TEXT_MAX];
    int n = snprintf(text, sizeof text, "fmt=%s;acc=%s", format, accum);
    if (scaling && n > 0 && (size_t)n < sizeof text)
        n += snprintf(text + n, sizeof text - (size_t)n, ";scale=%s", scaling);
    if (out && n > 0 && (size_t)n < sizeof text)
        n += snprintf(text + n, sizeof text - (size_t)n, ";out=%s", out);
    if (in_round && n > 0 && (size_t)n < sizeof text)
        n += snprintf(text + n, sizeof text - (size_t)n, ";in=%s", in_round);
    if (n < 0 || (size_t)n >= sizeof text) return PB_ERR_PARSE;
    return pb_scheme_parse(text, out_scheme);
}

void pb_scheme_free(pb_scheme *s)
{
    if (s && s->owned) free(s);
}

const char *pb_scheme_name(const pb_scheme *s) { return s ? s->name : ""; }
const char *pb_scheme_spec(const pb_scheme *s) { return s ? s->spec : ""; }
const char *pb_scheme_description(const pb_scheme *s)
{
    return s ? s->description : "";
}

const pb_format *pb_scheme_format(const pb_scheme *s, int operand)
{
    return s && (operand == 0 || operand == 1) ? s->fmt[operand] : NULL;
}

const pb_format *pb_scheme_out_format(const pb_scheme *s)
{
    return s ? s->out : NULL;
}

const pb_rounding *pb_scheme_out_rounding(const pb_scheme *s)
{
    return s ? &s->out_round : NULL;
}

const pb_rounding *pb_scheme_in_rounding(const pb_scheme *s)
{
    return s ? &s->in_round : NULL;
}

const pb_scaling *pb_scheme_scaling(const pb_scheme *s, int operand)
{
    return s && (operand == 0 || operand == 1) ? &s->scale[operand] : NULL;
}

const pb_accum *pb_scheme_accum(const pb_scheme *s) { return s ? &s->acc : NULL; }
size_t pb_scheme_block(const pb_scheme *s) { return s ? s->block : 0; }
bool pb_scheme_fast_expected(const pb_scheme *s)
{
    return s && s->fast_expected;
}
bool pb_scheme_deterministic(const pb_scheme *s) { return s && s->deterministic; }
double pb_scheme_error_bound(const pb_scheme *s) { return s ? s->err_bound : NAN; }

bool pb_scheme_uses_delayed(const pb_scheme *s)
{
    return s && (pb_scaling_is_delayed(&s->scale[0]) ||
                 pb_scaling_is_delayed(&s->scale[1]));
}

pb_status pb_scheme_state_create(const pb_scheme *s, int operand,
                                 pb_scaling_state **out)
{
    if (!s || (operand != 0 && operand != 1) || !out) return PB_ERR_ARG;
    const pb_scaling *sc = &s->scale[operand];
    size_t h = pb_scaling_is_delayed(sc) ? sc->history : 16;
    return pb_scaling_state_create(h, out);
}
