/* precbench: the format table.
 *
 * Adding a format: one file kernels/format/fmt_<name>.c defining
 * `const pb_format_spec pb_format_spec_<name>`, and one line X(<name>) in
 * the list below (its position is its place in `precbench list`).  Tests
 * and the tool loop over the table, so nothing else changes. */
#include <pthread.h>

#include "format/format_internal.h"

#define PB_FORMAT_LIST(X)                                                     \
    X(fp64)                                                                   \
    X(fp32)                                                                   \
    X(tf32)                                                                   \
    X(bf16)                                                                   \
    X(fp16)                                                                   \
    X(e4m3)                                                                   \
    X(e5m2)                                                                   \
    X(e4m3fnuz)                                                               \
    X(e5m2fnuz)                                                               \
    X(e2m3)                                                                   \
    X(e3m2)                                                                   \
    X(e2m1)                                                                   \
    X(e8m0)                                                                   \
    X(int8)                                                                   \
    X(int4)                                                                   \
    X(ternary)

#define PB_FORMAT_DECLARE(name) extern const pb_format_spec pb_format_spec_##name;
PB_FORMAT_LIST(PB_FORMAT_DECLARE)

#define PB_FORMAT_ENTRY(name) &pb_format_spec_##name,
static const pb_format_spec *const specs[] = {PB_FORMAT_LIST(PB_FORMAT_ENTRY)};
enum { FORMAT_COUNT = sizeof specs / sizeof specs[0] };

/* Derived once, on first use, by whichever thread gets there first. */
static pb_format table[FORMAT_COUNT];
static size_t table_count;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
    size_t n = 0;
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        /* A spec that fails validation is left out (test_format_codes
         * checks that every spec is registered). */
        if (pb_format_derive(specs[i], &table[n]) != PB_OK) continue;
        table[n].index = (int)n;
        n++;
    }
    table_count = n;
}

size_t pb_format_count(void)
{
    pthread_once(&table_once, table_init);
    return table_count;
}

const pb_format *pb_format_at(size_t i)
{
    pthread_once(&table_once, table_init);
    return i < table_count ? &table[i] : NULL;
}

/* Is `name` one of the comma-separated entries of `list`? */
static bool in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    while (list && *list) {
        const char *comma = strchr(list, ',');
        size_t n = comma ? (size_t)(comma - list) : strlen(list);
        if (n == len && memcmp(list, name, len) == 0) return true;
        list = comma ? comma + 1 : NULL;
    }
    return false;
}

const pb_format *pb_format_by_name(const char *name)
{
    if (!name || !*name) return NULL;
    size_t n = pb_format_count();
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].spec.name, name) == 0 || in_list(table[i].spec.aliases, name))
            return &table[i];
    return NULL;
}
