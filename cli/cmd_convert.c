/* precbench convert: little-endian float32 on stdin -> codes on stdout.
 *
 * The input is streamed in blocks; element i of the whole stream is
 * rounded with index i (plus --first-index), so the output does not depend
 * on the block size.  A trailing partial float32 is an error (exit 2) after
 * the complete elements before it have been written; nothing is written
 * for the partial one. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "precbench/format.h"

enum { BLOCK_ELEMS = 1 << 20 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: precbench convert FORMAT [--round MODE] [--overflow POLICY] [--seed S]\n"
            "                         [--stream N] [--first-index I]\n"
            "\n"
            "Reads little-endian float32 values on stdin and writes their codes in FORMAT\n"
            "on stdout: one byte per value for formats of at most 8 bits (the code in the\n"
            "low bits), two bytes little-endian for 16-bit formats, four for fp32 and tf32\n"
            "(tf32 as its float32 bit pattern), eight for fp64.\n"
            "\n"
            "  FORMAT             a name or alias from `precbench list formats`, or a\n"
            "                     run-time minifloat fp:e=E,m=M[,bias=B][,specials=ieee|fn|fnuz|none][,subnormals=0|1]\n"
            "  --round MODE       rne (default), rna, rtz, up, down, sr, sr:R (R = 1..24)\n"
            "  --overflow POLICY  inf (default) or sat\n"
            "  --seed S           stochastic modes: the random seed (default 0)\n"
            "  --stream N         stochastic modes: the stream under the seed (default 0)\n"
            "  --first-index I    index of the first value (default 0): value i uses\n"
            "                     the random words of index I + i\n"
            "  -h, --help         this text\n");
}

/* "--name VALUE" or "--name=VALUE": 1 matched (value set, *i advanced),
 * 0 not this option, -1 matched without a value. */
static int option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0) return 0;
    if (argv[*i][len] == '=') {
        *value = argv[*i] + len + 1;
        return 1;
    }
    if (argv[*i][len] != 0) return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

/* Read up to size bytes (short only at end of input or on error). */
static size_t read_full(FILE *in, unsigned char *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        size_t n = fread(buf + got, 1, size - got, in);
        if (n == 0) break;
        got += n;
    }
    return got;
}

int pb_cmd_convert(int argc, char **argv)
{
    const char *cmd = "convert";
    const char *format_name = NULL, *v;
    pb_rounding r = pb_rounding_default();
    uint64_t first_index = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        if (pb_cli_is_help(argv[i])) {
            usage(stdout);
            return PB_EXIT_OK;
        } else if ((m = option(argc, argv, &i, "--round", &v))) {
            if (m < 0) return pb_cli_error(cmd, "--round needs a value (rne, rna, rtz, up, down, sr, sr:R)");
            if (pb_round_mode_parse(v, &r) != PB_OK)
                return pb_cli_error(cmd, "unknown rounding mode '%s' (rne, rna, rtz, up, down, sr, sr:R with R = 1..24)", v);
        } else if ((m = option(argc, argv, &i, "--overflow", &v))) {
            if (m < 0) return pb_cli_error(cmd, "--overflow needs a value (inf or sat)");
            if (pb_overflow_parse(v, &r.overflow) != PB_OK)
                return pb_cli_error(cmd, "unknown overflow policy '%s' (inf or sat)", v);
        } else if ((m = option(argc, argv, &i, "--seed", &v))) {
            if (m < 0 || !pb_cli_parse_u64(v, &r.seed))
                return pb_cli_error(cmd, "--seed needs an unsigned 64-bit integer, got '%s'", m < 0 ? "" : v);
        } else if ((m = option(argc, argv, &i, "--stream", &v))) {
            long s;
            if (m < 0 || !pb_cli_parse_long(v, 0, UINT32_MAX, &s))
                return pb_cli_error(cmd, "--stream needs an integer in 0..4294967295, got '%s'", m < 0 ? "" : v);
            r.stream = (uint32_t)s;
        } else if ((m = option(argc, argv, &i, "--first-index", &v))) {
            if (m < 0 || !pb_cli_parse_u64(v, &first_index))
                return pb_cli_error(cmd, "--first-index needs an unsigned 64-bit integer, got '%s'", m < 0 ? "" : v);
        } else if (argv[i][0] == '-' && argv[i][1] != 0) {
            return pb_cli_error(cmd, "unknown option '%s' (try: precbench convert --help)", argv[i]);
        } else if (format_name) {
            return pb_cli_error(cmd, "unexpected argument '%s' (one FORMAT only)", argv[i]);
        } else {
            format_name = argv[i];
        }
    }
    if (!format_name) return pb_cli_error(cmd, "missing FORMAT (try: precbench convert --help)");
    pb_format f;
    pb_status st = pb_format_lookup(format_name, &f);
    if (st != PB_OK)
        return pb_cli_error(cmd, "unknown format '%s'%s (see: precbench list formats)", format_name,
                            st == PB_ERR_UNKNOWN_FORMAT ? "" : st == PB_ERR_PARSE ? ": malformed fp: specification"
                                                                                   : ": impossible parameters");

    const size_t cb = (size_t)f.code_bytes;
    unsigned char *in = malloc((size_t)BLOCK_ELEMS * 4);
    unsigned char *out = malloc((size_t)BLOCK_ELEMS * cb);
    float *x = malloc((size_t)BLOCK_ELEMS * sizeof *x);
    if (!in || !out || !x) {
        free(in);
        free(out);
        free(x);
        return pb_cli_status_error(cmd, "buffers", PB_ERR_NOMEM);
    }
    int rc = PB_EXIT_OK;
    uint64_t done = 0;
    for (;;) {
        size_t got = read_full(stdin, in, (size_t)BLOCK_ELEMS * 4);
        size_t n = got / 4;
        if (ferror(stdin)) {
            rc = pb_cli_error(cmd, "cannot read standard input");
            break;
        }
        for (size_t i = 0; i < n; i++) { /* little-endian float32 */
            const unsigned char *p = in + 4 * i;
            uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            memcpy(&x[i], &u, 4);
        }
        st = pb_convert_f32(&f, x, out, n, &r, first_index + done);
        if (st != PB_OK) {
            rc = pb_cli_status_error(cmd, "conversion", st);
            break;
        }
        if (n && !pb_cli_write_all(stdout, out, n * cb)) {
            pb_cli_error(cmd, "cannot write standard output");
            rc = PB_EXIT_FAILED;
            break;
        }
        done += n;
        if (got % 4) {
            rc = pb_cli_error(cmd, "truncated input: %zu trailing byte%s after %" PRIu64
                                   " float32 values (input must be a multiple of 4 bytes)",
                              got % 4, got % 4 == 1 ? "" : "s", done);
            break;
        }
        if (got < (size_t)BLOCK_ELEMS * 4) break; /* end of input */
    }
    free(in);
    free(out);
    free(x);
    return rc;
}
