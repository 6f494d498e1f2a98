/* precbench tests: the tool's list, convert and decode commands, run as a
 * separate process ($PB_BIN, default bin/precbench).
 *
 * Round trips through convert and decode for every format, aliases, the
 * stochastic options against the library, streaming across blocks, and the
 * error contract: exit status 2, one line on stderr, nothing on stdout for
 * bad arguments, and for truncated input only the complete elements. */
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "precbench/format.h"

static char dir[64];
static const char *bin;

static char *path_of(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *name, const void *data, size_t n)
{
    FILE *fp = fopen(path_of(name), "wb");
    if (!fp) return;
    if (n) fwrite(data, 1, n, fp);
    fclose(fp);
}

static unsigned char *read_file(const char *name, size_t *n)
{
    FILE *fp = fopen(path_of(name), "rb");
    *n = 0;
    if (!fp) return NULL;
    size_t cap = 1 << 16;
    unsigned char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + *n, 1, cap - *n, fp)) > 0) {
        *n += got;
        if (*n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    return buf;
}

/* Run `precbench ARGS < in > out 2> err`; the exit status. */
static int run(const char *args, const char *in)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s < '%s' > '%s' 2> '%s'", bin, args, in ? path_of(in) : "/dev/null",
             path_of("out"), path_of("err"));
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* stderr holds exactly one line starting "precbench". */
static bool one_line_error(void)
{
    size_t n;
    unsigned char *e = read_file("err", &n);
    bool ok = e && n > 10 && memcmp(e, "precbench", 9) == 0 && e[n - 1] == '\n' &&
              memchr(e, '\n', n) == e + n - 1;
    free(e);
    return ok;
}

static size_t out_size(void)
{
    size_t n;
    free(read_file("out", &n));
    return n;
}

static bool out_contains(const char *text)
{
    size_t n;
    unsigned char *o = read_file("out", &n);
    if (!o) return false;
    o = realloc(o, n + 1);
    o[n] = 0;
    bool found = strstr((char *)o, text) != NULL;
    free(o);
    return found;
}

static void test_help(void)
{
    const char *cmds[] = {"--help", "list --help", "convert --help", "decode --help", "convert bf16 -h",
                          "list -h"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        PBT_CHECK(run(cmds[i], NULL) == 0, "'%s' exit status", cmds[i]);
        PBT_CHECK(out_contains("usage"), "'%s' prints no usage", cmds[i]);
    }
    PBT_CHECK(run("convert --help", NULL) == 0 && out_contains("--round") && out_contains("sr:R") &&
              out_contains("--overflow"), "convert --help lists the options");
}

static void test_list(void)
{
    PBT_REQUIRE(run("list", NULL) == 0, "list failed");
    for (size_t i = 0; i < pb_format_count(); i++) {
        const pb_format *f = pb_format_at(i);
        PBT_CHECK(out_contains(f->spec.name), "list lacks %s", f->spec.name);
        if (f->spec.aliases) PBT_CHECK(out_contains(f->spec.aliases), "list lacks %s", f->spec.aliases);
    }
    PBT_CHECK(out_contains("rne") && out_contains("sr:R") && out_contains("sat") && out_contains("448"),
              "list lacks modes, policies or limits");
    PBT_CHECK(run("list formats", NULL) == 0 && out_contains("e4m3") && !out_contains("toward zero"),
              "list formats");
    PBT_CHECK(run("list modes", NULL) == 0 && out_contains("toward zero"), "list modes");
    PBT_CHECK(run("list nosuch", NULL) == 2 && one_line_error() && out_size() == 0, "list nosuch");
}

/* Every non-NaN value of the format as float32 (formats of at most 16
 * bits), or a sample of float32 values that the format holds exactly. */
static size_t format_values(const pb_format *f, float *xs, size_t cap)
{
    size_t n = 0;
    if (f->spec.bits <= 16) {
        for (uint64_t c = 0; c < (UINT64_C(1) << f->spec.bits) && n < cap; c++) {
            double v = pb_format_decode(f, c);
            if (!isnan(v)) xs[n++] = (float)v;
        }
        return n;
    }
    pb_rounding r = pb_rounding_default();
    for (uint64_t i = 0; n < cap; i++) {
        uint32_t u = (uint32_t)((i * 0x9E3779B97F4A7C15u) >> 32);
        if (f->spec.man_bits < 23) u &= ~((UINT32_C(1) << (23 - f->spec.man_bits)) - 1);
        float x;
        memcpy(&x, &u, 4);
        if (!isnan(x) && pb_format_round(f, x, &r, 0) == x) xs[n++] = x;
    }
    return n;
}

static void test_round_trip(void)
{
    enum { CAP = 70000 };
    float *xs = malloc(CAP * sizeof *xs);
    unsigned char *want = malloc(CAP * 8);
    for (size_t i = 0; i <= pb_format_count(); i++) {
        pb_format custom;
        const pb_format *f = i < pb_format_count() ? pb_format_at(i) : NULL;
        if (!f) {
            if (pb_format_parse("fp:e=3,m=3,specials=fnuz", &custom) != PB_OK) continue;
            f = &custom;
        }
        size_t n = format_values(f, xs, CAP);
        write_file("in", xs, n * 4);
        pb_rounding r = pb_rounding_default();
        pb_convert_f32(f, xs, want, n, &r, 0);
        char args[256];
        snprintf(args, sizeof args, "convert '%s'", f->spec.name);
        PBT_CHECK(run(args, "in") == 0, "%s", args);
        size_t got_n;
        unsigned char *got = read_file("out", &got_n);
        PBT_CHECK(got && got_n == n * (size_t)f->code_bytes && memcmp(got, want, got_n) == 0,
                  "%s: %zu bytes, expected %zu, or different codes", args, got_n, n * (size_t)f->code_bytes);
        free(got);
        if (rename(path_of("out"), path_of("codes")) != 0) continue;
        snprintf(args, sizeof args, "decode '%s'", f->spec.name);
        PBT_CHECK(run(args, "codes") == 0, "%s", args);
        got = read_file("out", &got_n);
        PBT_CHECK(got && got_n == n * 4 && memcmp(got, xs, got_n) == 0, "%s: the values do not come back",
                  args);
        free(got);
    }
    free(xs);
    free(want);
}

static void test_aliases(void)
{
    const float xs[] = {1.0f, 0.3f, -2.7e-3f, 448, 500, 1e6f, -0.0f, 7.25f, 1e-9f};
    write_file("in", xs, sizeof xs);
    static const char *const pairs[][2] = {
        {"float8_e4m3fn", "e4m3"}, {"float8_e5m2", "e5m2"}, {"float6_e2m3fn", "e2m3"},
        {"float6_e3m2fn", "e3m2"}, {"float4_e2m1fn", "e2m1"}, {"float8_e8m0fnu", "e8m0"},
        {"bfloat16", "bf16"}, {"float16", "fp16"}, {"float8_e4m3fnuz", "e4m3fnuz"},
        {"float8_e5m2fnuz", "e5m2fnuz"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char args[128];
        size_t na, nb;
        snprintf(args, sizeof args, "convert %s --round sr --seed 3", pairs[i][0]);
        PBT_CHECK(run(args, "in") == 0, "%s", args);
        unsigned char *a = read_file("out", &na);
        snprintf(args, sizeof args, "convert %s --round sr --seed 3", pairs[i][1]);
        PBT_CHECK(run(args, "in") == 0, "%s", args);
        unsigned char *b = read_file("out", &nb);
        PBT_CHECK(a && b && na == nb && na > 0 && memcmp(a, b, na) == 0, "alias %s", pairs[i][0]);
        free(a);
        free(b);
    }
}

/* Stochastic options, and more values than one block of the tool. */
static void test_options_match_library(void)
{
    const size_t n = (1 << 20) + 4321;
    float *xs = malloc(n * sizeof *xs);
    for (size_t i = 0; i < n; i++) xs[i] = (float)((double)(i % 1000) * 0.0137 - 6.1);
    write_file("big", xs, n * 4);
    const pb_format *f = pb_format_by_name("e4m3");
    unsigned char *want = malloc(n);
    const char *const args[] = {
        "convert e4m3 --round sr --seed 12345 --stream 9 --first-index 77",
        "convert e4m3 --round=sr:5 --seed=12345 --overflow=sat",
        "convert e4m3 --overflow sat --round down",
    };
    for (int k = 0; k < 3; k++) {
        pb_rounding r = pb_rounding_default();
        uint64_t first = 0;
        if (k == 0) {
            pb_round_mode_parse("sr", &r);
            r.seed = 12345;
            r.stream = 9;
            first = 77;
        } else if (k == 1) {
            pb_round_mode_parse("sr:5", &r);
            r.seed = 12345;
            r.overflow = PB_OVERFLOW_SAT;
        } else {
            r.mode = PB_ROUND_DOWN;
            r.overflow = PB_OVERFLOW_SAT;
        }
        pb_convert_f32(f, xs, want, n, &r, first);
        PBT_CHECK(run(args[k], "big") == 0, "%s", args[k]);
        size_t got_n;
        unsigned char *got = read_file("out", &got_n);
        PBT_CHECK(got && got_n == n && memcmp(got, want, n) == 0, "%s differs from the library", args[k]);
        free(got);
    }
    free(xs);
    free(want);
}

static void test_bad_arguments(void)
{
    const float one = 1;
    write_file("in", &one, 4);
    static const char *const bad[] = {
        "convert", "convert nosuch", "convert E4M3", "convert e4m3 --round nearest", "convert e4m3 --round sr:0",
        "convert e4m3 --round sr:25", "convert e4m3 --round", "convert e4m3 --overflow nan",
        "convert e4m3 --overflow", "convert e4m3 --seed abc", "convert e4m3 --seed -1", "convert e4m3 --seed 1.5",
        "convert e4m3 --seed", "convert e4m3 --stream 4294967296", "convert e4m3 --first-index x",
        "convert e4m3 --bogus", "convert e4m3 bf16", "convert fp:e=3", "convert fp:e=1,m=0",
        "decode", "decode nosuch", "decode e4m3 --round rne", "decode e4m3 e5m2", "nosuchcommand",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int st = run(bad[i], "in");
        PBT_CHECK(st == 2, "'%s': exit status %d", bad[i], st);
        PBT_CHECK(one_line_error(), "'%s': not one line on stderr", bad[i]);
        PBT_CHECK(out_size() == 0, "'%s': wrote to stdout", bad[i]);
    }
}

static void test_truncated_input(void)
{
    float xs[6] = {1, 2, 3, -0.5f, 1e-3f, 300};
    const pb_format *e4 = pb_format_by_name("e4m3");
    unsigned char want[8];
    pb_rounding r = pb_rounding_default();
    pb_convert_f32(e4, xs, want, 6, &r, 0);
    for (size_t extra = 1; extra < 4; extra++) {
        write_file("in", xs, 5 * 4 + extra);
        PBT_CHECK(run("convert e4m3", "in") == 2 && one_line_error(), "convert: %zu trailing bytes", extra);
        size_t n;
        unsigned char *o = read_file("out", &n);
        PBT_CHECK(o && n == 5 && memcmp(o, want, 5) == 0, "convert: %zu bytes written for 5 values", n);
        free(o);
    }
    /* decode: 16-bit codes with an odd byte count, fp32 codes with 4k + 2. */
    const uint16_t bf[3] = {0x3f80, 0xc000, 0x7fc0};
    write_file("in", bf, 5);
    PBT_CHECK(run("decode bf16", "in") == 2 && one_line_error(), "decode bf16 truncated");
    size_t n;
    unsigned char *o = read_file("out", &n);
    const float want_bf[2] = {1, -2};
    PBT_CHECK(o && n == 8 && memcmp(o, want_bf, 8) == 0, "decode bf16: %zu bytes", n);
    free(o);
    write_file("in", xs, 10);
    PBT_CHECK(run("decode fp32", "in") == 2 && one_line_error() && out_size() == 8, "decode fp32 truncated");
    write_file("in", xs, 2);
    PBT_CHECK(run("convert fp16", "in") == 2 && one_line_error() && out_size() == 0, "2 bytes only");
    /* Empty input is fine. */
    write_file("in", xs, 0);
    PBT_CHECK(run("convert e2m1", "in") == 0 && out_size() == 0, "empty input");
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    bin = getenv("PB_BIN");
    if (!bin || !*bin) bin = "bin/precbench";
    snprintf(dir, sizeof dir, "/tmp/pbt_cli_XXXXXX");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot create a temporary directory\n");
        return 1;
    }
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "FAIL %s: no executable %s (set PB_BIN)\n", pbt_program, bin);
        printf("%s: 0 passed, 1 failed\n", pbt_program);
        return 1;
    }
    PBT_RUN(test_help);
    PBT_RUN(test_list);
    PBT_RUN(test_round_trip);
    PBT_RUN(test_aliases);
    PBT_RUN(test_options_match_library);
    PBT_RUN(test_bad_arguments);
    PBT_RUN(test_truncated_input);
    const char *files[] = {"in", "out", "err", "codes", "big"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) unlink(path_of(files[i]));
    rmdir(dir);
    return pbt_finish();
}
