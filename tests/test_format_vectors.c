/* precbench tests: agreement with the shared conversion vectors
 * ($PB_VECTORS, default /work/shared/vectors: codes computed by ml_dtypes,
 * round to nearest even, its own overflow behaviour = our `inf` policy).
 *
 * Every input through the scalar model, through pb_convert_f32 (default and
 * forced-portable backend) and pb_round_f32; every decode table through
 * pb_format_decode and pb_decode_f32; the limits in vectors.json against the
 * derived fields of each format. */
#include <jansson.h>
#include <math.h>

#include "harness.h"
#include "precbench/format.h"

static const char *vec_dir(void)
{
    const char *d = getenv("PB_VECTORS");
    return d && *d ? d : "/work/shared/vectors";
}

static unsigned char *read_file(const char *name, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", vec_dir(), name);
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf && fread(buf, 1, (size_t)len, fp) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *size = (size_t)len;
    return buf;
}

static uint64_t code_at(const unsigned char *p, size_t i, int bytes)
{
    uint64_t c = 0;
    for (int b = 0; b < bytes; b++) c |= (uint64_t)p[i * (size_t)bytes + (size_t)b] << (8 * b);
    return c;
}

static float f32_at(const unsigned char *p, size_t i)
{
    uint32_t u = (uint32_t)code_at(p, i, 4);
    float x;
    memcpy(&x, &u, 4);
    return x;
}

static json_t *root;
static float *inputs;
static size_t count;

static void test_files_present(void)
{
    json_error_t err;
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors.json", vec_dir());
    root = json_load_file(path, 0, &err);
    PBT_REQUIRE(root, "cannot read %s (%s): set PB_VECTORS", path, err.text);
    size_t size;
    unsigned char *raw = read_file("inputs.f32", &size);
    PBT_REQUIRE(raw && size % 4 == 0, "cannot read inputs.f32");
    count = size / 4;
    PBT_CHECK(count == (size_t)json_integer_value(json_object_get(root, "count")),
              "inputs.f32 has %zu values", count);
    inputs = malloc(count * sizeof *inputs);
    for (size_t i = 0; i < count; i++) inputs[i] = f32_at(raw, i);
    free(raw);
    PBT_CHECK(json_object_size(json_object_get(root, "formats")) >= 10,
              "vectors.json lists too few formats");
}

/* Same double, NaN matching NaN. */
static bool same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

static void test_limits(void)
{
    PBT_REQUIRE(root, "no vectors");
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(root, "formats"), name, v) {
        const pb_format *f = pb_format_by_name(name);
        PBT_CHECK(f, "%s: no format of that name or alias", name);
        if (!f) continue;
        PBT_CHECK(f->spec.bits == json_integer_value(json_object_get(v, "bits")), "%s bits", name);
        PBT_CHECK(f->code_bytes == json_integer_value(json_object_get(v, "code_bytes")), "%s code_bytes", name);
        PBT_CHECK(f->max_finite == json_real_value(json_object_get(v, "max")), "%s max %g", name, f->max_finite);
        PBT_CHECK(f->min_normal == json_real_value(json_object_get(v, "smallest_normal")), "%s min normal %g", name, f->min_normal);
        PBT_CHECK(f->min_subnormal == json_real_value(json_object_get(v, "smallest_subnormal")), "%s min subnormal %g", name, f->min_subnormal);
        PBT_CHECK(f->eps == json_real_value(json_object_get(v, "eps")), "%s eps %g", name, f->eps);
    }
}

static void test_codes(void)
{
    PBT_REQUIRE(root && inputs, "no vectors");
    const pb_rounding r = pb_rounding_default();
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(root, "formats"), name, v) {
        const pb_format *f = pb_format_by_name(name);
        if (!f) continue;
        size_t size;
        unsigned char *want = read_file(json_string_value(json_object_get(v, "codes")), &size);
        PBT_CHECK(want && size == count * (size_t)f->code_bytes, "%s: codes file", name);
        if (!want || size != count * (size_t)f->code_bytes) {
            free(want);
            continue;
        }
        const int nb = f->code_bytes;
        size_t bad = 0;
        for (size_t i = 0; i < count; i++) {
            uint64_t got = pb_format_encode(f, inputs[i], &r, i), exp = code_at(want, i, nb);
            if (got != exp) {
                bad++;
                PBT_CHECK(got == exp, "%s: input %a: model 0x%" PRIx64 ", vectors 0x%" PRIx64,
                          name, (double)inputs[i], got, exp);
            }
            double rv = pb_format_round(f, inputs[i], &r, i);
            PBT_CHECK(same_value(rv, pb_format_decode(f, exp)),
                      "%s: round(%a) = %a", name, (double)inputs[i], rv);
        }
        PBT_CHECK(bad == 0, "%s: %zu of %zu inputs differ", name, bad, count);

        /* The bulk paths, both backends, give the same bytes. */
        unsigned char *got = malloc(count * (size_t)nb);
        float *y = malloc(count * sizeof *y);
        for (int force = 0; force < 2; force++) {
            bool old = pb_convert_force_scalar(force);
            memset(got, 0xA5, count * (size_t)nb);
            PBT_CHECK(pb_convert_f32(f, inputs, got, count, &r, 0) == PB_OK, "%s: convert", name);
            PBT_CHECK(memcmp(got, want, count * (size_t)nb) == 0,
                      "%s: pb_convert_f32 (%s) differs from the vectors", name,
                      force ? "forced scalar" : pb_convert_backend());
            PBT_CHECK(pb_round_f32(f, inputs, y, count, &r, 0) == PB_OK, "%s: round", name);
            size_t rbad = 0;
            for (size_t i = 0; i < count; i++)
                rbad += !same_value(y[i], (float)pb_format_decode(f, code_at(want, i, nb)));
            PBT_CHECK(rbad == 0, "%s: pb_round_f32 differs on %zu inputs", name, rbad);
            pb_convert_force_scalar(old);
        }
        free(got);
        free(y);
        free(want);
    }
}

static void test_decode_tables(void)
{
    PBT_REQUIRE(root, "no vectors");
    const char *name;
    json_t *v;
    int tables = 0;
    json_object_foreach(json_object_get(root, "formats"), name, v) {
        const pb_format *f = pb_format_by_name(name);
        const char *file = json_string_value(json_object_get(v, "decode_table"));
        if (!f || !file) continue;
        size_t size;
        unsigned char *tab = read_file(file, &size);
        const size_t ncodes = (size_t)1 << f->spec.bits;
        PBT_CHECK(tab && size == 4 * ncodes, "%s: decode table", name);
        if (!tab || size != 4 * ncodes) {
            free(tab);
            continue;
        }
        tables++;
        unsigned char codes[256];
        float y[256];
        for (size_t c = 0; c < ncodes; c++) codes[c] = (unsigned char)c;
        PBT_CHECK(pb_decode_f32(f, codes, y, ncodes) == PB_OK, "%s: decode", name);
        for (size_t c = 0; c < ncodes; c++) {
            float want = f32_at(tab, c);
            double got = pb_format_decode(f, c);
            PBT_CHECK(same_value(got, want), "%s: decode(0x%zx) = %a, table %a", name, c, got, (double)want);
            PBT_CHECK(same_value(y[c], want), "%s: pb_decode_f32(0x%zx) = %a", name, c, (double)y[c]);
        }
        free(tab);
    }
    PBT_CHECK(tables >= 8, "only %d decode tables", tables);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_files_present);
    PBT_RUN(test_limits);
    PBT_RUN(test_codes);
    PBT_RUN(test_decode_tables);
    free(inputs);
    json_decref(root);
    return pbt_finish();
}
