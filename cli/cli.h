/* precbench command-line tool: shared declarations.
 *
 * Each command is one file cli/cmd_<name>.c exporting
 *     int pb_cmd_<name>(int argc, char **argv);   (argv[0] is the command name)
 * and one line in the table in cli/main.c.  A command returns its exit status:
 * 0 on success, 2 on bad input (after one line on stderr naming the problem,
 * via pb_cli_error), 1 when the work itself found a failure (e.g. a comparison).
 */
#ifndef PRECBENCH_CLI_H
#define PRECBENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "precbench/status.h"

enum { PB_EXIT_OK = 0, PB_EXIT_FAILED = 1, PB_EXIT_USAGE = 2 };

/* Print "precbench <cmd>: <message>" on one line of stderr; returns 2. */
int pb_cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same, for a library status: "precbench <cmd>: <what>: <status message>". */
int pb_cli_status_error(const char *cmd, const char *what, pb_status st);

/* True when arg equals --help or -h. */
bool pb_cli_is_help(const char *arg);

/* Strict number parsing: the whole string must be a number in range. */
bool pb_cli_parse_u64(const char *text, uint64_t *out);
bool pb_cli_parse_long(const char *text, long min, long max, long *out);
bool pb_cli_parse_double(const char *text, double *out);

/* Read all of a stream into a malloc'ed buffer (NULL on error). */
unsigned char *pb_cli_read_all(FILE *in, size_t *size);
/* Write all bytes; false on error. */
bool pb_cli_write_all(FILE *out, const void *data, size_t size);

/* Commands. */
int pb_cmd_list(int argc, char **argv);
int pb_cmd_convert(int argc, char **argv);
int pb_cmd_decode(int argc, char **argv);
int pb_cmd_compare(int argc, char **argv);
int pb_cmd_gemm(int argc, char **argv);
int pb_cmd_experiment(int argc, char **argv);

#endif
