/* precbench command-line tool: error reporting, number parsing, I/O. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int pb_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "precbench%s%s: ", cmd && *cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return PB_EXIT_USAGE;
}

int pb_cli_status_error(const char *cmd, const char *what, pb_status st)
{
    return pb_cli_error(cmd, "%s: %s", what, pb_status_message(st));
}

bool pb_cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

bool pb_cli_parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text || *text == '-') return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || *end) return false;
    *out = v;
    return true;
}

bool pb_cli_parse_long(const char *text, long min, long max, long *out)
{
    if (!text || !*text) return false;
    errno = 0;
    char *end;
    long v = strtol(text, &end, 10);
    if (errno || *end || v < min || v > max) return false;
    *out = v;
    return true;
}

bool pb_cli_parse_double(const char *text, double *out)
{
    if (!text || !*text) return false;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (errno == ERANGE || *end) return false;
    *out = v;
    return true;
}

unsigned char *pb_cli_read_all(FILE *in, size_t *size)
{
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        if (len == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) { free(buf); return NULL; }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, in);
        len += got;
        if (got == 0) break;
    }
    if (ferror(in)) { free(buf); return NULL; }
    *size = len;
    return buf;
}

bool pb_cli_write_all(FILE *out, const void *data, size_t size)
{
    return fwrite(data, 1, size, out) == size && fflush(out) == 0;
}
