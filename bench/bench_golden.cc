// Golden outputs: every scheme of the table on fixed inputs, each output
// hashed (XXH3_64bits of the float32 bytes) and its normwise error against
// the exact reference, compared with a committed baseline
// (results/baseline/golden.json, written by --golden-write).
//
// Failures (exit 1), each naming the scheme: a changed bit in any case's
// output; a normwise error worse than the baseline's; the scalar model and
// the default path disagreeing; pb_gemm failing.  A scheme missing from the
// baseline is reported as new and one missing from the table as gone, and
// neither fails.  If the inputs themselves changed (the generator), every
// hash is meaningless: that alone is reported, and fails.
//
// The cases (fixed seed, normal(0, 1) data):
//   0: C (37 x 29) = A (37 x 300) B (300 x 29); row i of A scaled by
//      2^((i mod 7) - 3) so per-row and per-block scaling see a range of
//      magnitudes; the error is measured on this case.
//   1: C (19 x 41) = 0.5 A^T B^T + 2 C, A stored 70 x 19, B stored 41 x 70:
//      transposes, alpha and beta.
// Odd sizes on purpose: no dimension is a multiple of a kernel's block.
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <map>
#include <vector>

#include <jansson.h>
#include <xxhash.h>

#include "bench.h"

extern "C" {
#include "precbench/exact.h"
#include "precbench/gemm.h"
#include "precbench/generate.h"
#include "precbench/metrics.h"
#include "precbench/scale.h"
#include "precbench/scheme.h"
}

namespace {

constexpr uint64_t GOLDEN_SEED = 0x676f6c64656eull; // "golden"

struct golden_case {
    size_t m, n, k;
    pb_trans ta, tb;
    float alpha, beta;
    std::vector<float> a, b, c0; // as stored (transposed where ta/tb say)
    size_t lda, ldb;
};

std::vector<golden_case> make_cases()
{
    std::vector<golden_case> cases(2);
    golden_case &g0 = cases[0];
    g0 = {37, 29, 300, PB_NO_TRANS, PB_NO_TRANS, 1.0f, 0.0f, {}, {}, {}, 300, 29};
    g0.a.resize(37 * 300);
    g0.b.resize(300 * 29);
    pb_generate_f32(PB_DIST_NORMAL, GOLDEN_SEED, 0, 0, g0.a.data(), g0.a.size());
    pb_generate_f32(PB_DIST_NORMAL, GOLDEN_SEED, 1, 0, g0.b.data(), g0.b.size());
    for (size_t i = 0; i < 37; i++)
        for (size_t p = 0; p < 300; p++) g0.a[i * 300 + p] *= std::ldexp(1.0f, (int)(i % 7) - 3);

    golden_case &g1 = cases[1];
    // op(A) = A^T: 19 x 70, stored 70 x 19 (lda 19); op(B) = B^T: 70 x 41,
    // stored 41 x 70 (ldb 70); C: 19 x 41.
    g1 = {19, 41, 70, PB_TRANS, PB_TRANS, 0.5f, 2.0f, {}, {}, {}, 19, 70};
    g1.a.resize(70 * 19);
    g1.b.resize(41 * 70);
    g1.c0.resize(19 * 41);
    pb_generate_f32(PB_DIST_NORMAL, GOLDEN_SEED, 2, 0, g1.a.data(), g1.a.size());
    pb_generate_f32(PB_DIST_NORMAL, GOLDEN_SEED, 3, 0, g1.b.data(), g1.b.size());
    pb_generate_f32(PB_DIST_NORMAL, GOLDEN_SEED, 4, 0, g1.c0.data(), g1.c0.size());
    return cases;
}

uint64_t hash_floats(const std::vector<float> &v, uint64_t seed = 0)
{
    return XXH3_64bits_withSeed(v.data(), v.size() * sizeof(float), seed);
}

std::string hex(uint64_t h)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%016" PRIx64, h);
    return buf;
}

uint64_t inputs_hash(const std::vector<golden_case> &cases)
{
    uint64_t h = 0;
    for (const golden_case &g : cases) {
        h = hash_floats(g.a, h);
        h = hash_floats(g.b, h);
        h = hash_floats(g.c0, h);
    }
    return h;
}

struct scheme_result {
    std::vector<std::string> hashes;
    double error = NAN;
    std::string backend;
    std::string problem; // non-empty: pb_gemm failed, or model != default path
};

struct states_guard {
    pb_scaling_state *a = nullptr, *b = nullptr;
    explicit states_guard(const pb_scheme *s)
    {
        if (!pb_scheme_uses_delayed(s)) return;
        if (pb_scheme_state_create(s, 0, &a) != PB_OK) a = nullptr;
        if (pb_scheme_state_create(s, 1, &b) != PB_OK) b = nullptr;
    }
    ~states_guard()
    {
        if (a) pb_scaling_state_destroy(a);
        if (b) pb_scaling_state_destroy(b);
    }
};

// One case through the scheme, fresh delayed-scaling state; false on error.
bool run_case(const pb_scheme *s, const golden_case &g, bool model, std::vector<float> &c,
              pb_status *status)
{
    states_guard states(s);
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.seed = GOLDEN_SEED;
    ctx.force_model = model;
    ctx.delayed_a = states.a;
    ctx.delayed_b = states.b;
    c = g.c0.empty() ? std::vector<float>(g.m * g.n, 0.0f) : g.c0;
    *status = pb_gemm(s, &ctx, g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a.data(), g.lda,
                      g.b.data(), g.ldb, g.beta, c.data(), g.n);
    return *status == PB_OK;
}

scheme_result evaluate(const pb_scheme *s, const std::vector<golden_case> &cases,
                       const std::vector<double> &exact0)
{
    scheme_result r;
    r.backend = pb_gemm_backend(s);
    for (size_t i = 0; i < cases.size(); i++) {
        std::vector<float> c, cm;
        pb_status st;
        if (!run_case(s, cases[i], false, c, &st)) {
            r.problem = "pb_gemm failed on case " + std::to_string(i) + ": " +
                        pb_status_message(st);
            return r;
        }
        r.hashes.push_back(hex(hash_floats(c)));
        if (r.backend != "model") {
            if (!run_case(s, cases[i], true, cm, &st)) {
                r.problem = "the scalar model failed on case " + std::to_string(i) + ": " +
                            pb_status_message(st);
                return r;
            }
            if (memcmp(c.data(), cm.data(), c.size() * sizeof(float)) != 0)
                r.problem = "case " + std::to_string(i) + ": the " + r.backend +
                            " kernel and the scalar model differ";
        }
        if (i == 0 && !exact0.empty()) {
            std::vector<double> c64(c.begin(), c.end());
            pb_metrics_input in = {};
            in.m = cases[0].m;
            in.n = cases[0].n;
            in.k = cases[0].k;
            in.c = c64.data();
            in.c_ref = exact0.data();
            pb_error_metrics m;
            if (pb_error_metrics_compute(&in, &m) == PB_OK) r.error = m.normwise;
        }
    }
    return r;
}

// Error comparisons allow for the last bits of the metric's own arithmetic.
bool worse(double now, double base)
{
    if (std::isnan(base)) return false;
    if (std::isnan(now)) return true;
    return now > base * (1 + 1e-9) + 1e-300;
}

json_t *real_or_null(double v) { return std::isfinite(v) ? json_real(v) : json_null(); }

} // namespace

int bench_golden(const std::string &path, bool write)
{
    std::vector<golden_case> cases = make_cases();
    const golden_case &g0 = cases[0];
    std::vector<double> exact0(g0.m * g0.n);
    if (pb_exact_gemm_f32(g0.ta, g0.tb, g0.m, g0.n, g0.k, g0.a.data(), g0.lda, g0.b.data(),
                          g0.ldb, exact0.data(), g0.n, nullptr, nullptr, 0) != PB_OK)
        exact0.clear();
    std::string ihash = hex(inputs_hash(cases));

    if (write) {
        json_t *doc = json_object();
        json_object_set_new(doc, "description",
                            json_string("golden outputs of every scheme on fixed inputs "
                                        "(precbench_bench --golden-write); see bench/bench_golden.cc"));
        json_object_set_new(doc, "inputs_hash", json_string(ihash.c_str()));
        json_t *jc = json_array();
        for (const golden_case &g : cases) {
            json_t *o = json_object();
            json_object_set_new(o, "m", json_integer((json_int_t)g.m));
            json_object_set_new(o, "n", json_integer((json_int_t)g.n));
            json_object_set_new(o, "k", json_integer((json_int_t)g.k));
            json_object_set_new(o, "trans_a", json_boolean(g.ta == PB_TRANS));
            json_object_set_new(o, "trans_b", json_boolean(g.tb == PB_TRANS));
            json_object_set_new(o, "alpha", json_real(g.alpha));
            json_object_set_new(o, "beta", json_real(g.beta));
            json_array_append_new(jc, o);
        }
        json_object_set_new(doc, "cases", jc);
        json_t *js = json_object();
        int problems = 0;
        for (size_t i = 0; i < pb_scheme_count(); i++) {
            const pb_scheme *s = pb_scheme_at(i);
            scheme_result r = evaluate(s, cases, exact0);
            if (!r.problem.empty()) {
                fprintf(stderr, "golden: %s: %s (not written)\n", pb_scheme_name(s),
                        r.problem.c_str());
                problems++;
                continue;
            }
            json_t *o = json_object();
            json_t *h = json_array();
            for (const std::string &x : r.hashes) json_array_append_new(h, json_string(x.c_str()));
            json_object_set_new(o, "hashes", h);
            json_object_set_new(o, "normwise_error", real_or_null(r.error));
            json_object_set_new(o, "backend", json_string(r.backend.c_str()));
            json_object_set_new(js, pb_scheme_name(s), o);
        }
        json_object_set_new(doc, "schemes", js);
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        size_t count = json_object_size(js);
        json_decref(doc);
        bool ok = text && bench_write_atomic(path, std::string(text) + "\n");
        free(text);
        if (!ok) {
            fprintf(stderr, "golden: cannot write %s\n", path.c_str());
            return 2;
        }
        printf("golden: wrote %zu schemes to %s\n", count, path.c_str());
        return problems ? 1 : 0;
    }

    json_error_t err;
    json_t *doc = json_load_file(path.c_str(), 0, &err);
    if (!doc) {
        if (err.line <= 0)
            fprintf(stderr, "golden: missing or unreadable baseline %s (%s); "
                            "make bench-baseline writes it\n", path.c_str(), err.text);
        else
            fprintf(stderr, "golden: %s is not valid JSON (line %d: %s)\n", path.c_str(),
                    err.line, err.text);
        return 2;
    }
    json_t *base = json_object_get(doc, "schemes");
    const char *base_ihash = json_string_value(json_object_get(doc, "inputs_hash"));
    if (!json_is_object(base) || !base_ihash) {
        fprintf(stderr, "golden: %s has no \"schemes\" object or \"inputs_hash\"\n",
                path.c_str());
        json_decref(doc);
        return 2;
    }
    if (ihash != base_ihash) {
        printf("FAIL golden: the fixed inputs changed (hash %s, baseline %s): the generator "
               "changed, so no output can be compared; regenerate with make bench-baseline "
               "once that is intended\n", ihash.c_str(), base_ihash);
        json_decref(doc);
        return 1;
    }

    int failed = 0, fresh = 0, checked = 0;
    std::map<std::string, bool> seen;
    for (size_t i = 0; i < pb_scheme_count(); i++) {
        const pb_scheme *s = pb_scheme_at(i);
        const char *name = pb_scheme_name(s);
        seen[name] = true;
        scheme_result r = evaluate(s, cases, exact0);
        json_t *b = json_object_get(base, name);
        std::vector<std::string> why;
        if (!r.problem.empty()) why.push_back(r.problem);
        if (!b) {
            printf("NEW  %-28s not in the baseline (error %.3e, %s); not a failure\n", name,
                   r.error, r.backend.c_str());
            fresh++;
            if (!why.empty()) {
                printf("FAIL %-28s %s\n", name, why[0].c_str());
                failed++;
            }
            continue;
        }
        checked++;
        json_t *bh = json_object_get(b, "hashes");
        for (size_t c = 0; c < r.hashes.size(); c++) {
            const char *old = json_string_value(json_array_get(bh, c));
            if (!old || r.hashes[c] != old)
                why.push_back("output of case " + std::to_string(c) + " changed (hash " +
                              r.hashes[c] + ", baseline " + (old ? old : "none") + ")");
        }
        json_t *be = json_object_get(b, "normwise_error");
        double base_err = json_is_number(be) ? json_number_value(be) : NAN;
        char buf[160];
        if (worse(r.error, base_err)) {
            snprintf(buf, sizeof buf, "normwise error %.6e is worse than the baseline's %.6e",
                     r.error, base_err);
            why.push_back(buf);
        }
        if (why.empty()) {
            printf("ok   %-28s error %.3e  %s\n", name, r.error, r.backend.c_str());
        } else {
            failed++;
            for (const std::string &w : why) printf("FAIL %-28s %s\n", name, w.c_str());
        }
    }
    int gone = 0;
    const char *key;
    json_t *value;
    json_object_foreach(base, key, value) {
        if (!seen.count(key)) {
            printf("GONE %-28s in the baseline, no longer in the scheme table\n", key);
            gone++;
        }
    }
    json_decref(doc);
    printf("golden: %d checked, %d failed, %d new, %d gone (baseline %s)\n", checked, failed,
           fresh, gone, path.c_str());
    return failed ? 1 : 0;
}
