/* precbench: small helpers for parsing method specifications
 * ("name[:item,item,...]", item = key=value or a word), shared by the
 * scaling, accumulator and scheme parsers.  Strict: no spaces, no empty
 * items, numbers must be whole decimal integers in range.
 */
#ifndef PRECBENCH_SCHEME_SPEC_H
#define PRECBENCH_SCHEME_SPEC_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { PB_SPEC_MAX = 256, PB_SPEC_ITEM_MAX = 64 };

/* Split "name:args" at the first ':'.  name gets the part before it (at most
 * size - 1 characters, else false); *args points after the ':' or is NULL
 * when there is none.  An empty name or an empty args string is an error. */
static inline bool pb_spec_split(const char *text, char *name, size_t size,
                                 const char **args)
{
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    if (len == 0 || len >= size) return false;
    memcpy(name, text, len);
    name[len] = '\0';
    *args = colon ? colon + 1 : NULL;
    if (colon && colon[1] == '\0') return false;
    return true;
}

/* Next comma-separated item of *cursor into item (size bytes); advances the
 * cursor.  Returns false at the end; sets *bad on an empty or too long item. */
static inline bool pb_spec_next(const char **cursor, char *item, size_t size,
                                bool *bad)
{
    const char *s = *cursor;
    if (!s) return false;
    const char *comma = strchr(s, ',');
    size_t len = comma ? (size_t)(comma - s) : strlen(s);
    if (len == 0 || len >= size) {
        *bad = true;
        return false;
    }
    memcpy(item, s, len);
    item[len] = '\0';
    *cursor = comma ? comma + 1 : NULL;
    if (comma && comma[1] == '\0') *bad = true; /* trailing comma */
    return true;
}

/* "key=value": splits in place; false when the item has no '='. */
static inline bool pb_spec_kv(char *item, char **key, char **value)
{
    char *eq = strchr(item, '=');
    if (!eq || eq == item || eq[1] == '\0') return false;
    *eq = '\0';
    *key = item;
    *value = eq + 1;
    return true;
}

/* A whole decimal integer in [min, max]. */
static inline bool pb_spec_long(const char *text, long min, long max,
                                long *out)
{
    if (!text || !*text) return false;
    const char *p = text;
    if (*p == '-' || *p == '+') p++;
    if (*p < '0' || *p > '9') return false;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v < min || v > max) return false;
    *out = v;
    return true;
}

/* Does `item` begin a new method in a method list?  A "key=value" item
 * without ':' continues the previous method's parameters. */
static inline bool pb_spec_starts_method(const char *item)
{
    return !strchr(item, '=') || strchr(item, ':');
}

#endif
