// Every scheme's GEMM, by walking the scheme table (a new scheme is
// benchmarked without new code here), and the alternative algorithms of
// precbench/alg.h over chosen schemes (a new one is one line in `algos`).
//
//   gemm/<scheme>/m:M/n:N/k:K/threads:T            pb_gemm through the scheme
//   alg/<algorithm>/<scheme>/m:M/n:N/k:K/threads:T pb_alg_gemm (Strassen,
//                                                  split precision, ...)
//   alg/<algorithm>/m:M/...                        an algorithm without a scheme
// counters: FLOPS (2MNK/s, whatever the algorithm really does), normwise_error.
//
// What is timed is what pb_gemm does by default for the scheme: its fast
// kernel where one exists, else the scalar model (label, the "path" column:
// the kernel's name or "model").  Cases range from a scalar model to a VNNI
// kernel, four orders of magnitude, so each takes the mode's shapes cheapest
// first while the estimated times of one call add up to at most
// bench_config::case_seconds, and always the smallest shape.  The estimate
// comes from a probe (seconds_per_mac) that starts at 64^3 on the scalar
// model and 128^3 otherwise and grows to at most 512^3; small products are
// less efficient, so it errs on the side of time.  The quick mode decides by
// path instead (the scalar model: the smallest shape), so that its set of
// benchmarks never changes from run to run.
// The error column comes from one extra, untimed call on the same inputs
// (fresh delayed-scaling state) against the exact reference.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "bench.h"

extern "C" {
#include "precbench/alg.h"
#include "precbench/gemm.h"
#include "precbench/scale.h"
#include "precbench/scheme.h"
}

namespace {

constexpr uint64_t GEMM_SEED = 0x67656d6dull; // "gemm": stochastic rounding key

// One line per GEMM algorithm.  spec: an algorithm of precbench/alg.h
// (pb_alg_parse), or nullptr for pb_gemm itself.  schemes: "*" for every
// scheme of the table, "" for the algorithm's default scheme (or none), or a
// comma-separated list; a scheme the algorithm does not support is skipped.
struct gemm_algo {
    const char *spec;
    const char *schemes;
};
const gemm_algo algos[] = {
    {nullptr, "*"},
    {"strassen", "fp32,bf16"},
    {"winograd", "fp32,bf16"},
    {"bf16x3", ""},
    {"bf16x6", ""},
    {"bf16x9", ""},
    {"bf16x3k", ""},
    {"ozaki:4", ""},
    {"ozaki:8", ""},
};

// What one benchmark runs: pb_gemm, or an algorithm, with a scheme.
struct gemm_case {
    std::string name;  // benchmark family name
    bool is_alg = false;
    pb_alg alg{};
    const pb_scheme *scheme = nullptr; // nullptr: an algorithm without one
    std::string label; // the kernel the scheme runs ("model", ...)
};

// The delayed-scaling histories a scheme needs (none for most).
struct scheme_states {
    pb_scaling_state *a = nullptr, *b = nullptr;
    explicit scheme_states(const pb_scheme *s)
    {
        if (!s || !pb_scheme_uses_delayed(s)) return;
        if (pb_scheme_state_create(s, 0, &a) != PB_OK) a = nullptr;
        if (pb_scheme_state_create(s, 1, &b) != PB_OK) b = nullptr;
    }
    ~scheme_states()
    {
        if (a) pb_scaling_state_destroy(a);
        if (b) pb_scaling_state_destroy(b);
    }
    scheme_states(const scheme_states &) = delete;
    scheme_states &operator=(const scheme_states &) = delete;
};

pb_gemm_ctx make_ctx(int threads, const scheme_states &states)
{
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.seed = GEMM_SEED;
    ctx.threads = threads;
    ctx.delayed_a = states.a;
    ctx.delayed_b = states.b;
    return ctx;
}

// C: M x N = A * B, A: M x K, B: K x N, all row-major, no transposes.
pb_status run_case(const gemm_case &gc, const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                   const float *a, const float *b, float *c)
{
    if (gc.is_alg) return pb_alg_gemm(&gc.alg, gc.scheme, ctx, m, n, k, a, k, b, n, c, n);
    return pb_gemm(gc.scheme, ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f,
                   c, n);
}

// Normwise error of the case on the shape's inputs, cached: the result does
// not depend on the thread count, and the untimed call costs a timed one.
double case_error(const gemm_case &gc, const bench_shape &sh)
{
    static std::map<std::string, double> cache;
    std::string key = gc.name + "/" + std::to_string(sh.m) + "x" + std::to_string(sh.n) + "x" +
                      std::to_string(sh.k);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    const bench_inputs &in = bench_inputs_for(sh.m, sh.n, sh.k);
    std::vector<float> c(sh.m * sh.n);
    scheme_states states(gc.scheme);
    pb_gemm_ctx ctx = make_ctx(0, states);
    double err = run_case(gc, &ctx, sh.m, sh.n, sh.k, in.a.data(), in.b.data(), c.data()) == PB_OK
                     ? bench_normwise_error(sh.m, sh.n, sh.k, c.data())
                     : NAN;
    cache[key] = err;
    return err;
}

void bm_case(benchmark::State &st, const gemm_case *gc, bench_shape sh, int threads)
{
    bench_openblas_settle();
    const bench_inputs &in = bench_inputs_for(sh.m, sh.n, sh.k);
    std::vector<float> c(sh.m * sh.n);
    scheme_states states(gc->scheme);
    pb_gemm_ctx ctx = make_ctx(threads, states);
    pb_status r = PB_OK;
    // One untimed call first, as for SGEMM (bench_blas.cc): the first call
    // pays for page faults on C and on the kernel's scratch buffers, which
    // a training loop pays once.  The scalar model is slow enough not to
    // care, and its call would cost seconds.
    if (gc->label != "model")
        r = run_case(*gc, &ctx, sh.m, sh.n, sh.k, in.a.data(), in.b.data(), c.data());
    if (r != PB_OK) {
        st.SkipWithError(pb_status_message(r));
        return;
    }
    for (auto _ : st) {
        r = run_case(*gc, &ctx, sh.m, sh.n, sh.k, in.a.data(), in.b.data(), c.data());
        if (r != PB_OK) {
            st.SkipWithError(pb_status_message(r));
            break;
        }
        benchmark::ClobberMemory();
    }
    if (r != PB_OK) return;
    st.counters["FLOPS"] = benchmark::Counter(2.0 * sh.m * sh.n * sh.k,
                                              benchmark::Counter::kIsIterationInvariantRate);
    bench_set_error(st, case_error(*gc, sh));
    st.SetLabel(gc->label);
}

// Whether the case runs at all: PB_ERR_UNSUPPORTED on a 1 x 1 x 1 product
// (or, for an algorithm, from pb_alg_check_scheme) means no.
bool supported(const gemm_case &gc)
{
    if (gc.is_alg && pb_alg_check_scheme(&gc.alg, gc.scheme) != PB_OK) return false;
    float a = 1.0f, b = 1.0f, c = 0.0f;
    scheme_states states(gc.scheme);
    pb_gemm_ctx ctx = make_ctx(1, states);
    return run_case(gc, &ctx, 1, 1, 1, &a, &b, &c) != PB_ERR_UNSUPPORTED;
}

// Seconds per multiply-add of the case on all threads, estimated from the
// fastest of five size^3 calls on one thread, divided by 0.8 x the thread
// count.  One thread, because on a busy machine a parallel call waits for
// whichever of its threads was descheduled, which makes short parallel
// timings erratic; the fastest call, because other work only slows a call
// down.  The size doubles from `size` while a call takes under 5 ms, up to
// 512, so that fast kernels are timed on a product large enough to be
// efficient.  0 on failure.
double seconds_per_mac(const gemm_case &gc, size_t size)
{
    scheme_states states(gc.scheme);
    pb_gemm_ctx ctx = make_ctx(1, states);
    double scale = 0.8 * bench_cfg().threads_all;
    for (;;) {
        const bench_inputs &in = bench_inputs_for(size, size, size);
        std::vector<float> c(size * size);
        double best = INFINITY;
        for (int rep = 0; rep < 5; rep++) {
            auto start = std::chrono::steady_clock::now();
            if (run_case(gc, &ctx, size, size, size, in.a.data(), in.b.data(), c.data()) != PB_OK)
                return 0;
            std::chrono::duration<double> t = std::chrono::steady_clock::now() - start;
            best = std::min(best, t.count());
        }
        if (best >= 0.005 || size >= 512)
            return best / scale / ((double)size * (double)size * (double)size);
        size *= 2;
    }
}

// The schemes an algorithm line names.
std::vector<const pb_scheme *> schemes_of(const gemm_algo &algo, const pb_alg *alg)
{
    std::vector<const pb_scheme *> out;
    std::string list = algo.schemes;
    if (list == "*") {
        for (size_t i = 0; i < pb_scheme_count(); i++) out.push_back(pb_scheme_at(i));
    } else if (list.empty()) {
        const char *name = alg && pb_alg_uses_scheme(alg) ? pb_alg_default_scheme(alg) : nullptr;
        out.push_back(name ? pb_scheme_by_name(name) : nullptr);
    } else {
        std::stringstream ss(list);
        std::string name;
        while (std::getline(ss, name, ','))
            if (const pb_scheme *s = pb_scheme_by_name(name.c_str())) out.push_back(s);
    }
    return out;
}

// Every case lives as long as the program (the benchmarks point to them).
std::vector<std::unique_ptr<gemm_case>> cases;

} // namespace

bool bench_is_gemm_group(const std::string &group)
{
    return group == "blas" || group == "gemm" || group == "alg";
}

void bench_register_gemm()
{
    const bench_config &cfg = bench_cfg();
    std::vector<bench_shape> shapes = bench_gemm_shapes();
    for (const gemm_algo &algo : algos) {
        pb_alg alg{};
        char alg_name[64] = "";
        if (algo.spec) {
            if (pb_alg_parse(algo.spec, &alg) != PB_OK) continue;
            pb_alg_name(&alg, alg_name, sizeof alg_name);
        }
        for (const pb_scheme *s : schemes_of(algo, algo.spec ? &alg : nullptr)) {
            auto gc = std::make_unique<gemm_case>();
            gc->is_alg = algo.spec != nullptr;
            gc->alg = alg;
            gc->scheme = s;
            if (!gc->is_alg && !s) continue;
            gc->name = gc->is_alg ? std::string("alg/") + alg_name : std::string("gemm");
            if (s) gc->name += std::string("/") + pb_scheme_name(s);
            gc->label = s ? pb_gemm_backend(s) : "intgemm";
            // Nothing to prepare when the filter selects none of its shapes.
            bool any = false;
            for (const bench_shape &sh : shapes)
                for (int t : cfg.gemm_threads)
                    any = any || bench_selected(gc->name + "/m:" + std::to_string(sh.m) +
                                                "/n:" + std::to_string(sh.n) +
                                                "/k:" + std::to_string(sh.k) +
                                                "/threads:" + std::to_string(t) + "/real_time");
            if (!any || !supported(*gc)) continue;
            // The shapes within the case's time budget, cheapest first.  The
            // quick mode (CI's throughput comparison, case_seconds 0) needs
            // the same set on every run, which a timing cannot promise: there
            // the scalar model takes the smallest shape, every other case all.
            bool by_path = cfg.case_seconds <= 0;
            bool model = gc->label == "model";
            double per_mac = by_path ? (model ? INFINITY : 0) : seconds_per_mac(*gc, model ? 64 : 128);
            std::vector<size_t> order(shapes.size());
            for (size_t i = 0; i < order.size(); i++) order[i] = i;
            auto macs = [&](size_t i) {
                return (double)shapes[i].m * (double)shapes[i].n * (double)shapes[i].k;
            };
            std::stable_sort(order.begin(), order.end(),
                             [&](size_t x, size_t y) { return macs(x) < macs(y); });
            std::vector<bool> take(shapes.size(), false);
            double spent = 0;
            for (size_t i : order) {
                spent += per_mac * macs(i);
                if (i != order[0] && spent > cfg.case_seconds) break;
                take[i] = true;
            }
            const gemm_case *cp = gc.get();
            cases.push_back(std::move(gc));
            for (size_t i = 0; i < shapes.size(); i++) {
                if (!take[i]) continue;
                const bench_shape sh = shapes[i];
                for (int t : cfg.gemm_threads)
                    bench_register(cp->name, {"m", "n", "k", "threads"},
                                   {(int64_t)sh.m, (int64_t)sh.n, (int64_t)sh.k, t},
                                   [cp, sh, t](benchmark::State &st) { bm_case(st, cp, sh, t); })
                        ->Unit(benchmark::kMillisecond);
            }
        }
    }
}
