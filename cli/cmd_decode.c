/* precbench decode: codes of a format on stdin -> little-endian float32 on
 * stdout (the reverse of convert).  Codes are f->code_bytes bytes each,
 * little-endian; bits above the format's width are ignored.  A trailing
 * partial code is an error (exit 2) after the complete codes before it have
 * been decoded and written. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "precbench/format.h"

enum { BLOCK_ELEMS = 1 << 20 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: precbench decode FORMAT\n"
            "\n"
            "Reads codes of FORMAT on stdin (one byte each for formats of at most 8 bits,\n"
            "two bytes little-endian for 16-bit formats, four for fp32 and tf32, eight for\n"
            "fp64) and writes their values as little-endian float32 on stdout.  NaN codes\n"
            "give a float32 NaN; fp64 values are rounded to float32 (to nearest even).\n"
            "\n"
            "  FORMAT       a name or alias from `precbench list formats`, or a run-time\n"
            "               minifloat fp:e=E,m=M[,bias=B][,specials=...][,subnormals=0|1]\n"
            "  -h, --help   this text\n");
}

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

int pb_cmd_decode(int argc, char **argv)
{
    const char *cmd = "decode";
    const char *format_name = NULL;
    for (int i = 1; i < argc; i++) {
        if (pb_cli_is_help(argv[i])) {
            usage(stdout);
            return PB_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != 0) {
            return pb_cli_error(cmd, "unknown option '%s' (try: precbench decode --help)", argv[i]);
        } else if (format_name) {
            return pb_cli_error(cmd, "unexpected argument '%s' (one FORMAT only)", argv[i]);
        } else {
            format_name = argv[i];
        }
    }
    if (!format_name) return pb_cli_error(cmd, "missing FORMAT (try: precbench decode --help)");
    pb_format f;
    pb_status st = pb_format_lookup(format_name, &f);
    if (st != PB_OK)
        return pb_cli_error(cmd, "unknown format '%s'%s (see: precbench list formats)", format_name,
                            st == PB_ERR_UNKNOWN_FORMAT ? "" : st == PB_ERR_PARSE ? ": malformed fp: specification"
                                                                                   : ": impossible parameters");
    const size_t cb = (size_t)f.code_bytes;
    unsigned char *in = malloc((size_t)BLOCK_ELEMS * cb);
    unsigned char *out = malloc((size_t)BLOCK_ELEMS * 4);
    float *y = malloc((size_t)BLOCK_ELEMS * sizeof *y);
    if (!in || !out || !y) {
        free(in);
        free(out);
        free(y);
        return pb_cli_status_error(cmd, "buffers", PB_ERR_NOMEM);
    }
    int rc = PB_EXIT_OK;
    uint64_t done = 0;
    for (;;) {
        size_t got = read_full(stdin, in, (size_t)BLOCK_ELEMS * cb);
        size_t n = got / cb;
        if (ferror(stdin)) {
            rc = pb_cli_error(cmd, "cannot read standard input");
            break;
        }
        st = pb_decode_f32(&f, in, y, n);
        if (st != PB_OK) {
            rc = pb_cli_status_error(cmd, "decoding", st);
            break;
        }
        for (size_t i = 0; i < n; i++) { /* little-endian float32 */
            uint32_t u;
            memcpy(&u, &y[i], 4);
            for (int b = 0; b < 4; b++) out[4 * i + (size_t)b] = (unsigned char)(u >> (8 * b));
        }
        if (n && !pb_cli_write_all(stdout, out, n * 4)) {
            pb_cli_error(cmd, "cannot write standard output");
            rc = PB_EXIT_FAILED;
            break;
        }
        done += n;
        if (got % cb) {
            rc = pb_cli_error(cmd, "truncated input: %zu trailing byte%s after %" PRIu64
                                   " codes (%s codes are %zu bytes each)",
                              got % cb, got % cb == 1 ? "" : "s", done, f.spec.name, cb);
            break;
        }
        if (got < (size_t)BLOCK_ELEMS * cb) break; /* end of input */
    }
    free(in);
    free(out);
    free(y);
    return rc;
}
