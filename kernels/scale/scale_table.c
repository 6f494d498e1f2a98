/* precbench: the table of scaling methods, and parsing/printing/computing
 * through it.  Adding a method: one file filling a pb_scaling_method and
 * one line in `methods` below (plus its extern in scale_internal.h). */
#include <stdio.h>
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
    free(sc->enc);
    free(sc->outer);
    free(sc->blk);
    sc->enc = NULL;
    sc->outer = NULL;
    sc->blk = NULL;
}

pb_status pb_scale_compute_strided(const pb_scaling *s, const pb_format *elem,
                                   const float *x, size_t rows, size_t k,
                                   size_t rs, size_t ks, int threads,
                                   const pb_scaling_state *state,
                                   pb_scales *out)
{
    if (!s || !s->method || !elem || !out || (!x && rows && k)) return PB_ERR_ARG;
    pb_status st = pb_scaling_check_format(s, elem);
    if (st != PB_OK) return st;
    pb_scales sc;
    memset(&sc, 0, sizeof sc);
    sc.rows = rows;
    sc.k = k;
    sc.block = s->method->block ? s->block : 0;
    sc.nblocks = sc.block ? (k + sc.block - 1) / sc.block : 1;
    if (sc.nblocks == 0) sc.nblocks = 1; /* K == 0 */
    sc.saturate = s->method->saturate;
    size_t cells = rows * sc.nblocks;
    if (rows && cells / rows != sc.nblocks) return PB_ERR_NOMEM;
    sc.enc = malloc((cells ? cells : 1) * sizeof *sc.enc);
    sc.outer = malloc((rows ? rows : 1) * sizeof *sc.outer);
    if (sc.block) sc.blk = malloc((cells ? cells : 1) * sizeof *sc.blk);
    if (!sc.enc || !sc.outer || (sc.block && !sc.blk)) {
        pb_scales_free(&sc);
        return PB_ERR_NOMEM;
    }
    const pb_scale_view v = {x, rows, k, rs, ks, threads};
    st = s->method->compute(s, elem, &v, state, &sc);
    if (st != PB_OK) {
        pb_scales_free(&sc);
        return st;
    }
    *out = sc;
    return PB_OK;
}

pb_status pb_scale_compute(const pb_scaling *s, const pb_format *elem,
                           const float *x, size_t rows, size_t k, size_t ldx,
                           const pb_scaling_state *state, pb_scales *out)
{
    if (ldx < k) return PB_ERR_ARG;
    return pb_scale_compute_strided(s, elem, x, rows, k, ldx, 1, 0, state, out);
}
