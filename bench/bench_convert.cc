// Bulk conversion of float32 arrays into every registered format, by walking
// the format table: a new format is benchmarked without new code.
//
//   convert/<format>/<mode>/n:N/threads:T          items_per_second (elements/s)
//   convert_scalar/<format>/<mode>/n:N/threads:1   the portable path (FULL=1)
//   memory/copy_f32/n:N/threads:T                  a plain float32 copy: the
//                                                  memory-bound yardstick
// Modes: rne and sr (exact stochastic rounding, counter-based random words).
#include <algorithm>
#include <omp.h>
#include <vector>

#include "bench.h"

extern "C" {
#include "precbench/format.h"
#include "precbench/generate.h"
}

namespace {

constexpr uint64_t CONVERT_SEED = 0x636f6e76ull; // "conv"

// The float32 input, normal(0, 1), shared by every conversion benchmark.
const std::vector<float> &convert_input()
{
    static std::vector<float> x;
    size_t n = bench_cfg().convert_n;
    if (x.size() != n) {
        x.resize(n);
        const size_t slice = 1u << 16;
        long slices = (long)((n + slice - 1) / slice);
#pragma omp parallel for schedule(static)
        for (long s = 0; s < slices; s++) {
            size_t first = (size_t)s * slice, len = std::min(slice, n - first);
            pb_generate_f32(PB_DIST_NORMAL, CONVERT_SEED, 3, first, x.data() + first, len);
        }
    }
    return x;
}

struct mode_entry {
    const char *name;
    pb_round_mode mode;
};
const mode_entry modes[] = {{"rne", PB_ROUND_RNE}, {"sr", PB_ROUND_SR}};

// Runs with `threads` OpenMP threads, then restores the default.
struct omp_threads_scope {
    explicit omp_threads_scope(int t) { omp_set_num_threads(t); }
    ~omp_threads_scope() { omp_set_num_threads(bench_cfg().threads_all); }
};

void bm_convert(benchmark::State &st, const pb_format *f, pb_round_mode mode, int threads,
                bool scalar)
{
    bench_openblas_settle();
    const std::vector<float> &x = convert_input();
    size_t n = x.size();
    // Zero-filled on construction, so its pages are mapped before timing.
    std::vector<unsigned char> codes(n * (size_t)f->code_bytes);
    pb_rounding r = pb_rounding_default();
    r.mode = mode;
    r.seed = CONVERT_SEED;
    omp_threads_scope scope(threads);
    bool old = pb_convert_force_scalar(scalar);
    for (auto _ : st) {
        pb_status s = pb_convert_f32(f, x.data(), codes.data(), n, &r, 0);
        if (s != PB_OK) {
            st.SkipWithError(pb_status_message(s));
            break;
        }
        benchmark::ClobberMemory();
    }
    pb_convert_force_scalar(old);
    st.SetItemsProcessed((int64_t)st.iterations() * (int64_t)n);
    st.SetBytesProcessed((int64_t)st.iterations() * (int64_t)(n * (4 + f->code_bytes)));
    st.SetLabel(scalar ? "scalar" : pb_convert_backend());
}

void bm_copy(benchmark::State &st, int threads)
{
    bench_openblas_settle();
    const std::vector<float> &x = convert_input();
    long n = (long)x.size();
    std::vector<float> y(x.size(), 0.0f);
    for (auto _ : st) {
#pragma omp parallel for schedule(static) num_threads(threads)
        for (long i = 0; i < n; i++) y[i] = x[i];
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed((int64_t)st.iterations() * (int64_t)n);
    st.SetBytesProcessed((int64_t)st.iterations() * (int64_t)n * 8);
}

} // namespace

void bench_register_convert()
{
    const bench_config &cfg = bench_cfg();
    const int64_t n = (int64_t)cfg.convert_n;
    for (int t : cfg.conv_threads)
        bench_register("memory/copy_f32", {"n", "threads"}, {n, t},
                       [t](benchmark::State &st) { bm_copy(st, t); })
            ->Unit(benchmark::kMillisecond);
    for (size_t i = 0; i < pb_format_count(); i++) {
        const pb_format *f = pb_format_at(i);
        for (const mode_entry &m : modes) {
            std::string name = std::string(f->spec.name) + "/" + m.name;
            pb_round_mode mode = m.mode;
            for (int t : cfg.conv_threads)
                bench_register("convert/" + name, {"n", "threads"}, {n, t},
                               [f, mode, t](benchmark::State &st) {
                                   bm_convert(st, f, mode, t, false);
                               })
                    ->Unit(benchmark::kMillisecond);
            if (cfg.mode & BENCH_FULL)
                bench_register("convert_scalar/" + name, {"n", "threads"}, {n, 1},
                               [f, mode](benchmark::State &st) {
                                   bm_convert(st, f, mode, 1, true);
                               })
                    ->Unit(benchmark::kMillisecond);
        }
    }
}
