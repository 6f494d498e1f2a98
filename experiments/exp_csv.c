/* precbench experiments: CSV files built point by point, replaced
 * atomically, resumable (exp_common.h).
 *
 * In memory: the rows loaded from an earlier run (full mode only), each
 * with its point key, and the output: the rows of every point this run has
 * kept or computed, in the order it asked for them.  Loaded rows of points
 * this run never asks for are dropped when the file is rewritten, so
 * changing a parameter that is part of the key replaces the old points. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exp_common.h"

typedef struct line_list {
    char **v;
    size_t n, cap;
} line_list;

struct pb_exp_csv {
    pb_exp *x;
    char file[256];
    char *header;
    size_t key_cols[16], nkey;
    line_list old, old_keys;  /* loaded rows and their keys            */
    bool *old_used;
    line_list out;            /* committed rows, in order              */
    size_t pending;           /* rows after out.n not yet committed    */
    double last_write;
    bool dirty, ready;
};

static pb_status list_push(line_list *l, char *s)
{
    if (!s) return PB_ERR_NOMEM;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return PB_ERR_NOMEM;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return PB_OK;
}

static void list_free(line_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* The index of column `name` in a comma-separated header, or -1. */
static long column_index(const char *header, const char *name)
{
    size_t len = strlen(name);
    long idx = 0;
    for (const char *p = header;; idx++) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0) return idx;
        if (!end) return -1;
        p = end + 1;
    }
}

/* The key of a row: its key columns' values joined by commas. */
static char *row_key(const pb_exp_csv *c, const char *row)
{
    char field[16][128];
    size_t have[16] = {0};
    long col = 0;
    for (const char *p = row;; col++) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        for (size_t k = 0; k < c->nkey; k++)
            if ((long)c->key_cols[k] == col) {
                if (n >= sizeof field[k]) return NULL;
                memcpy(field[k], p, n);
                field[k][n] = '\0';
                have[k] = 1;
            }
        if (!end) break;
        p = end + 1;
    }
    size_t total = 1;
    for (size_t k = 0; k < c->nkey; k++) {
        if (!have[k]) return NULL;
        total += strlen(field[k]) + 1;
    }
    char *key = malloc(total);
    if (!key) return NULL;
    key[0] = '\0';
    for (size_t k = 0; k < c->nkey; k++) {
        if (k) strcat(key, ",");
        strcat(key, field[k]);
    }
    return key;
}

/* Load an earlier run's rows when the header is the same. */
static pb_status load_old(pb_exp_csv *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return PB_OK;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool first = true, same_header = false;
    pb_status st = PB_OK;
    while (st == PB_OK && (len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (first) {
            first = false;
            same_header = strcmp(line, c->header) == 0;
            if (!same_header) break;
            continue;
        }
        if (len == 0) continue;
        char *key = row_key(c, line);
        if (!key) continue; /* a malformed row: recomputed */
        st = list_push(&c->old_keys, key);
        if (st == PB_OK) st = list_push(&c->old, strdup(line));
    }
    free(line);
    fclose(f);
    if (st == PB_OK && c->old.n) {
        c->old_used = calloc(c->old.n, sizeof *c->old_used);
        if (!c->old_used) st = PB_ERR_NOMEM;
    }
    if (!same_header && !first)
        pb_exp_note(c->x, "an earlier CSV had another header and was not resumed");
    return st;
}

pb_status pb_exp_csv_open(pb_exp *x, const char *file, const char *header,
                          const char *key_columns, pb_exp_csv **out)
{
    *out = NULL;
    pb_exp_csv *c = calloc(1, sizeof *c);
    if (!c) return PB_ERR_NOMEM;
    c->x = x;
    if (strlen(file) >= sizeof c->file) {
        free(c);
        return PB_ERR_ARG;
    }
    strcpy(c->file, file);
    c->header = strdup(header);
    if (!c->header) {
        free(c);
        return PB_ERR_NOMEM;
    }
    char keys[512];
    snprintf(keys, sizeof keys, "%s", key_columns);
    for (char *save = NULL, *w = strtok_r(keys, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        long idx = column_index(header, w);
        if (idx < 0 || c->nkey == sizeof c->key_cols / sizeof c->key_cols[0]) {
            pb_exp_csv_close(c, PB_ERR_ARG);
            return PB_ERR_ARG;
        }
        c->key_cols[c->nkey++] = (size_t)idx;
    }
    c->last_write = pb_exp_now();
    pb_status st = PB_OK;
    if (x->resumable) {
        char path[PB_EXP_PATH_MAX];
        if (!pb_exp_path(x, file, path, sizeof path)) st = PB_ERR_ARG;
        else st = load_old(c, path);
    }
    if (st != PB_OK) {
        pb_exp_csv_close(c, st);
        return st;
    }
    c->ready = true;
    *out = c;
    return PB_OK;
}

static bool has_key(const pb_exp_csv *c, const char *key)
{
    for (size_t i = 0; i < c->old.n; i++)
        if (!c->old_used[i] && strcmp(c->old_keys.v[i], key) == 0) return true;
    return false;
}

/* Mark the loaded rows of a point used; keep them in the output or not. */
static bool claim(pb_exp_csv *c, const char *key, bool keep)
{
    if (keep) /* drop rows added since the last commit: the old point replaces them */
        while (c->pending) {
            free(c->out.v[--c->out.n]);
            c->pending--;
        }
    for (size_t i = 0; i < c->old.n; i++)
        if (!c->old_used[i] && strcmp(c->old_keys.v[i], key) == 0) {
            c->old_used[i] = true;
            if (keep && list_push(&c->out, strdup(c->old.v[i])) != PB_OK) return false;
        }
    c->dirty = true;
    return true;
}

bool pb_exp_csv_done(pb_exp_csv *c, const char *key)
{
    return has_key(c, key) && claim(c, key, true);
}

bool pb_exp_csv_done_all(pb_exp_csv *const *cs, size_t n, const char *key)
{
    bool all = true;
    for (size_t i = 0; i < n; i++) all = all && has_key(cs[i], key);
    for (size_t i = 0; i < n; i++)
        if (!claim(cs[i], key, all)) all = false;
    return all;
}

pb_status pb_exp_csv_row(pb_exp_csv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) return PB_ERR_NOMEM;
    pb_status st = list_push(&c->out, s);
    if (st == PB_OK) c->pending++;
    return st;
}

/* The committed rows; then, unless `final`, the loaded rows no point has
 * claimed yet, so that a run interrupted again loses none of them. */
static pb_status write_file(pb_exp_csv *c, bool final)
{
    size_t committed = c->out.n - c->pending;
    size_t total = strlen(c->header) + 2;
    for (size_t i = 0; i < committed; i++) total += strlen(c->out.v[i]) + 1;
    for (size_t i = 0; !final && i < c->old.n; i++)
        if (!c->old_used[i]) total += strlen(c->old.v[i]) + 1;
    char *text = malloc(total);
    if (!text) return PB_ERR_NOMEM;
    char *p = text;
    p += sprintf(p, "%s\n", c->header);
    for (size_t i = 0; i < committed; i++) {
        size_t n = strlen(c->out.v[i]);
        memcpy(p, c->out.v[i], n);
        p += n;
        *p++ = '\n';
    }
    for (size_t i = 0; !final && i < c->old.n; i++) {
        if (c->old_used[i]) continue;
        size_t n = strlen(c->old.v[i]);
        memcpy(p, c->old.v[i], n);
        p += n;
        *p++ = '\n';
    }
    *p = '\0';
    pb_status st = pb_exp_write_text(c->x, c->file, text);
    free(text);
    if (st == PB_OK) {
        c->dirty = false;
        c->last_write = pb_exp_now();
    }
    return st;
}

pb_status pb_exp_csv_commit(pb_exp_csv *c)
{
    c->pending = 0;
    c->dirty = true;
    if (pb_exp_now() - c->last_write < 1.0) return PB_OK;
    return write_file(c, false);
}

pb_status pb_exp_csv_close(pb_exp_csv *c, pb_status run)
{
    if (!c) return PB_OK;
    pb_status st = PB_OK;
    if (c->ready && (c->dirty || run == PB_OK)) st = write_file(c, run == PB_OK);
    list_free(&c->old);
    list_free(&c->old_keys);
    list_free(&c->out);
    free(c->old_used);
    free(c->header);
    free(c);
    return st;
}
