/* precbench list: what the tool knows, in sections (formats, rounding
 * modes, overflow policies; other parts add their sections to the table
 * below).  `precbench list SECTION` prints one section. */
#include <string.h>

#include "cli.h"
#include "precbench/accum.h"
#include "precbench/format.h"
#include "precbench/scale.h"
#include "precbench/scheme.h"

static void print_formats(FILE *out)
{
    fprintf(out, "  %-10s %-16s %4s  %-14s %-13s %-13s %-13s %s\n", "name", "aliases", "bits", "layout",
            "max", "min normal", "min subnorm", "description");
    for (size_t i = 0; i < pb_format_count(); i++) {
        const pb_format *f = pb_format_at(i);
        const pb_format_spec *s = &f->spec;
        char layout[32];
        if (s->kind == PB_FORMAT_KIND_INT)
            snprintf(layout, sizeof layout, "int");
        else
            snprintf(layout, sizeof layout, "%sE%dM%d b%d", s->has_sign ? "S" : "", s->exp_bits,
                     s->man_bits, s->bias);
        fprintf(out, "  %-10s %-16s %4d  %-14s %-13.7g %-13.7g %-13.7g %s\n", s->name,
                s->aliases ? s->aliases : "-", s->bits, layout, f->max_finite, f->min_normal,
                f->min_subnormal, s->description);
    }
    fprintf(out, "  run-time minifloats: fp:e=E,m=M[,bias=B][,specials=ieee|fn|fnuz|none][,subnormals=0|1]\n");
}

static void print_modes(FILE *out)
{
    for (int m = 0; pb_round_mode_syntax((pb_round_mode)m); m++)
        fprintf(out, "  %-6s %s\n", pb_round_mode_syntax((pb_round_mode)m),
                pb_round_mode_description((pb_round_mode)m));
}

static void print_overflow(FILE *out)
{
    for (int o = 0; pb_overflow_name((pb_overflow)o); o++)
        fprintf(out, "  %-6s %s\n", pb_overflow_name((pb_overflow)o), pb_overflow_description((pb_overflow)o));
}

static void print_schemes(FILE *out)
{
    fprintf(out, "  %-26s %-5s %-4s %-4s %-8s %s\n", "name", "block", "fast", "det", "bound",
            "description / composition");
    for (size_t i = 0; i < pb_scheme_count(); i++) {
        const pb_scheme *s = pb_scheme_at(i);
        fprintf(out, "  %-26s %-5zu %-4s %-4s %-8.2g %s\n  %-26s %s\n", pb_scheme_name(s),
                pb_scheme_block(s), pb_scheme_fast_expected(s) ? "yes" : "no",
                pb_scheme_deterministic(s) ? "yes" : "no", pb_scheme_error_bound(s),
                pb_scheme_description(s), "", pb_scheme_spec(s));
    }
    fprintf(out, "  composed: fmt=A[,B];in=MODE;scale=S[,S];acc=M[:params];out=F[:MODE] (docs/schemes.md)\n");
}

static void print_scalings(FILE *out)
{
    for (size_t i = 0; i < pb_scaling_method_count(); i++) {
        const pb_scaling_method *m = pb_scaling_method_at(i);
        char name[64];
        snprintf(name, sizeof name, "%s%s", pb_scaling_method_name(m), pb_scaling_method_syntax(m));
        fprintf(out, "  %-28s %s\n", name, pb_scaling_method_description(m));
    }
}

static void print_accums(FILE *out)
{
    for (size_t i = 0; i < pb_accum_model_count(); i++) {
        const pb_accum_model *m = pb_accum_model_at(i);
        fprintf(out, "  %-12s %s\n  %-12s %s%s\n", pb_accum_model_name(m),
                pb_accum_model_description(m), "", pb_accum_model_name(m), pb_accum_model_syntax(m));
    }
    for (size_t i = 0; i < pb_tensorcore_preset_count(); i++)
        fprintf(out, "  tensorcore:%-10s %s\n", pb_tensorcore_preset_name(i),
                pb_tensorcore_preset_source(i));
}

/* One line per section, printed in this order. */
static const struct {
    const char *name, *title;
    void (*print)(FILE *out);
} sections[] = {
    {"formats", "formats (convert/decode FORMAT)", print_formats},
    {"modes", "rounding modes (--round MODE)", print_modes},
    {"overflow", "overflow policies (--overflow POLICY)", print_overflow},
    {"schemes", "schemes (--scheme NAME or a composition)", print_schemes},
    {"scalings", "scaling methods (--scaling S, scale=S)", print_scalings},
    {"accumulators", "accumulator models (--accum M, acc=M)", print_accums},
};
enum { SECTIONS = sizeof sections / sizeof sections[0] };

static void usage(FILE *out)
{
    fprintf(out, "usage: precbench list [SECTION]\n\nPrints every section, or only SECTION, one of:");
    for (int i = 0; i < SECTIONS; i++) fprintf(out, " %s", sections[i].name);
    fprintf(out, "\n");
}

int pb_cmd_list(int argc, char **argv)
{
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (pb_cli_is_help(argv[i])) {
            usage(stdout);
            return PB_EXIT_OK;
        }
        if (argv[i][0] == '-') return pb_cli_error("list", "unknown option '%s' (try: precbench list --help)", argv[i]);
        if (only) return pb_cli_error("list", "unexpected argument '%s' (one SECTION only)", argv[i]);
        only = argv[i];
    }
    int printed = 0;
    for (int i = 0; i < SECTIONS; i++) {
        if (only && strcmp(only, sections[i].name) != 0) continue;
        if (!only) fprintf(stdout, "%s%s:\n", printed ? "\n" : "", sections[i].title);
        sections[i].print(stdout);
        printed++;
    }
    if (!printed) return pb_cli_error("list", "unknown section '%s' (try: precbench list --help)", only);
    return fflush(stdout) == 0 ? PB_EXIT_OK : PB_EXIT_FAILED;
}
