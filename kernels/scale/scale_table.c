/* precbench: the table of scaling methods, and parsing/printing/computing
 * through it.  Adding a method: one file filling a pb_scaling_method and
 * one line in `methods` below (plus its extern in scale_internal.h). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scale/scale_internal.h"
#include "scheme/spec.h"

static const pb_scaling_method *const methods[] = {
    &pb_scaling_none,
    &pb_scaling_tensor,
    &pb_scaling_delayed,
    &pb_scaling_rowcol,
    &pb_scaling_mx,
    &pb_scaling_nvfp4,
    &pb_scaling_absmean,
    &pb_scaling_pow2,
};

size_t pb_scaling_method_count(void)
{
    return sizeof methods / sizeof methods[0];
}

const pb_scaling_method *pb_scaling_method_at(size_t i)
{
    return i < pb_scaling_method_count() ? methods[i] : NULL;
}

const pb_scaling_method *pb_scaling_method_by_name(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < pb_scaling_method_count(); i++)
        if (strcmp(methods[i]->name, name) == 0) return methods[i];
    return NULL;
}

const char *pb_scaling_method_name(const pb_scaling_method *m)
{
    return m ? m->name : "";
}

const char *pb_scaling_method_description(const pb_scaling_method *m)
{
    return m ? m->description : "";
}

const char *pb_scaling_method_syntax(const pb_scaling_method *m)
{
    return m ? m->syntax : "";
}

pb_status pb_scaling_parse(const char *text, pb_scaling *out)
{
    if (!text || !out) return PB_ERR_ARG;
    char name[PB_SPEC_ITEM_MAX];
    const char *args;
    if (!pb_spec_split(text, name, sizeof name, &args)) return PB_ERR_PARSE;
    const pb_scaling_method *m = pb_scaling_method_by_name(name);
    if (!m) return PB_ERR_UNKNOWN_SCHEME;
    pb_scaling s;
    memset(&s, 0, sizeof s);
    s.method = m;
    if (m->defaults) m->defaults(&s);
    char item[PB_SPEC_ITEM_MAX];
    bool bad = false;
    while (pb_spec_next(&args, item, sizeof item, &bad)) {
        char *key, *value;
        if (!pb_spec_kv(item, &key, &value) || !m->param) return PB_ERR_PARSE;
        pb_status st = m->param(&s, key, value);
        if (st != PB_OK) return st;
    }
    if (bad) return PB_ERR_PARSE;
    *out = s;
    return PB_OK;
}

const char *pb_scaling_name(const pb_scaling *s, char *buf, size_t size)
{
    if (!buf || size == 0) return "";
    if (!s || !s->method) {
        snprintf(buf, size, "?");
        return buf;
    }
    char params[PB_SPEC_MAX] = "";
    if (s->method->print) s->method->print(s, params, sizeof params);
    if (params[0])
        snprintf(buf, size, "%s:%s", s->method->name, params);
    else
        snprintf(buf, size, "%s", s->method->name);
    return buf;
}

bool pb_scaling_equal(const pb_scaling *x, const pb_scaling *y)
{
    if (x->method != y->method) return false;
    char a[PB_SPEC_MAX], b[PB_SPEC_MAX];
    return strcmp(pb_scaling_name(x, a, sizeof a),
                  pb_scaling_name(y, b, sizeof b)) == 0;
}

size_t pb_scaling_block(const pb_scaling *s)
{
    return s && s->method && s->method->block ? s->block : 0;
}

bool pb_scaling_is_none(const pb_scaling *s)
{
    return !s || s->method == &pb_scaling_none;
}

bool pb_scaling_is_delayed(const pb_scaling *s)
{
    return s && s->method == &pb_scaling_delayed;
}

pb_status pb_scaling_check_format(const pb_scaling *s, const pb_format *elem)
{
    if (!s || !s->method || !elem) return PB_ERR_ARG;
    return s->method->check_format ? s->method->check_format(s, elem) : PB_OK;
}

void pb_scales_free(pb_scales *sc)
{
    if (!sc) return;
    if (!sc->borrowed) free(sc->mem);
    sc->mem = NULL;
    sc->enc = NULL;
    sc->outer = NULL;
    sc->blk = NULL;
}

/* The layout of the scales of a rows x k operand: blocks and cells. */
static bool scales_shape(const pb_scaling *s, size_t rows, size_t k, size_t *block,
                         size_t *nblocks, size_t *cells)
{
    *block = s->method->block ? s->block : 0;
    *nblocks = *block ? (k + *block - 1) / *block : 1;
    if (*nblocks == 0) *nblocks = 1; /* K == 0 */
    *cells = rows * *nblocks;
    return !rows || *cells / rows == *nblocks;
}

/* enc (cells doubles), then blk (cells floats, block methods), then outer
 * (rows floats); at least 1 byte. */
static size_t scales_layout_bytes(size_t rows, size_t cells, bool block)
{
    if (cells > SIZE_MAX / 16 || rows > SIZE_MAX / 16) return 0;
    return cells * sizeof(double) + (block ? cells * sizeof(float) : 0) + rows * sizeof(float) + 8;
}

size_t pb_scales_bytes(const pb_scaling *s, size_t rows, size_t k)
{
    size_t block, nb, cells;
    if (!s || !s->method || !scales_shape(s, rows, k, &block, &nb, &cells)) return 0;
    return scales_layout_bytes(rows, cells, block != 0);
}

pb_status pb_scale_compute_in(const pb_scaling *s, const pb_format *elem,
                              const float *x, size_t rows, size_t k, size_t rs,
                              size_t ks, int threads,
                              const pb_scaling_state *state, void *buf,
                              size_t buf_bytes, pb_scales *out)
{
    if (!s || !s->method || !elem || !out || (!x && rows && k)) return PB_ERR_ARG;
    pb_status st = pb_scaling_check_format(s, elem);
    if (st != PB_OK) return st;
    pb_scales sc;
    memset(&sc, 0, sizeof sc);
    sc.rows = rows;
    sc.k = k;
    size_t cells;
    if (!scales_shape(s, rows, k, &sc.block, &sc.nblocks, &cells)) return PB_ERR_NOMEM;
    sc.saturate = s->method->saturate;
    const size_t bytes = scales_layout_bytes(rows, cells, sc.block != 0);
    if (bytes == 0) return PB_ERR_NOMEM;
    if (buf && buf_bytes >= bytes && (uintptr_t)buf % sizeof(double) == 0) {
        sc.mem = buf;
        sc.borrowed = true;
    } else {
        sc.mem = malloc(bytes);
        if (!sc.mem) return PB_ERR_NOMEM;
    }
    sc.enc = sc.mem;
    float *f = (float *)(sc.enc + cells);
    if (sc.block) {
        sc.blk = f;
        f += cells;
    }
    sc.outer = f;
    const pb_scale_view v = {x, rows, k, rs, ks, threads};
    st = s->method->compute(s, elem, &v, state, &sc);
    if (st != PB_OK) {
        pb_scales_free(&sc);
        return st;
    }
    *out = sc;
    return PB_OK;
}

pb_status pb_scale_compute_strided(const pb_scaling *s, const pb_format *elem,
                                   const float *x, size_t rows, size_t k,
                                   size_t rs, size_t ks, int threads,
                                   const pb_scaling_state *state,
                                   pb_scales *out)
{
    return pb_scale_compute_in(s, elem, x, rows, k, rs, ks, threads, state, NULL, 0, out);
}

pb_status pb_scale_compute(const pb_scaling *s, const pb_format *elem,
                           const float *x, size_t rows, size_t k, size_t ldx,
                           const pb_scaling_state *state, pb_scales *out)
{
    if (ldx < k) return PB_ERR_ARG;
    return pb_scale_compute_strided(s, elem, x, rows, k, ldx, 1, 0, state, out);
}
