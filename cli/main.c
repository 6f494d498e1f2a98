/* precbench: the command-line tool, a thin layer over the library. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct pb_cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} pb_cli_command;

/* One line per command. */
static const pb_cli_command commands[] = {
    {"list", "list formats, rounding modes and schemes", pb_cmd_list},
    {"convert", "float32 on stdin -> codes of a format on stdout", pb_cmd_convert},
    {"decode", "codes of a format on stdin -> float32 on stdout", pb_cmd_decode},
    {"compare", "compare two benchmark runs (Google Benchmark JSON)", pb_cmd_compare},
    {"gemm", "C = A B with a scheme or algorithm, and its error against the exact product", pb_cmd_gemm},
    {"experiment", "run an experiment behind the figures (--list names them)", pb_cmd_experiment},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: precbench COMMAND [OPTIONS]   (precbench COMMAND --help for more)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    if (pb_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return PB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return pb_cli_error("", "unknown command '%s' (try: precbench --help)", argv[1]);
}
