// Peak probes: the machine's fp32 FMA peak (the denominator of every
// "fraction of peak"), and the bf16 and int8 dot-product peaks of the
// instructions the fast kernels use.  Run on 1 thread and on all threads.
//
//   peak/fp32_fma/threads:T   FLOPS   (AVX-512 FMA; AVX2 FMA without AVX-512)
//   peak/bf16_dot/threads:T   FLOPS   (vdpbf16ps)
//   peak/int8_dot/threads:T   OPS     (vpdpbusd)
#include <omp.h>

#include "bench.h"
#include "peak.h"

namespace {

// Rounds per call per thread: ~10-20 ms of work, long enough to hide the
// cost of starting the parallel region.
constexpr uint64_t ROUNDS = 1u << 20;

struct peak_probe {
    const char *name;
    const char *counter;
    bool (*available)();
    double (*run)(uint64_t iters);
    double work_per_round;
};

bool have_avx512f() { return __builtin_cpu_supports("avx512f"); }
bool have_avx512bf16() { return have_avx512f() && __builtin_cpu_supports("avx512bf16"); }
bool have_avx512vnni() { return have_avx512f() && __builtin_cpu_supports("avx512vnni"); }
bool have_avx2_only()
{
    return !have_avx512f() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// One line per probe; the first available one of a name is used.
const peak_probe probes[] = {
    {"fp32_fma", "FLOPS", have_avx512f, pb_bench_peak_fp32_fma_avx512, PB_PEAK_FP32_AVX512_FLOP},
    {"fp32_fma", "FLOPS", have_avx2_only, pb_bench_peak_fp32_fma_avx2, PB_PEAK_FP32_AVX2_FLOP},
    {"bf16_dot", "FLOPS", have_avx512bf16, pb_bench_peak_bf16_dot_avx512, PB_PEAK_BF16_AVX512_FLOP},
    {"int8_dot", "OPS", have_avx512vnni, pb_bench_peak_int8_dot_avx512, PB_PEAK_INT8_AVX512_OPS},
};

void run_probe(benchmark::State &st, const peak_probe *p, int threads)
{
    volatile double sink = 0;
    for (auto _ : st) {
        double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
        total += p->run(ROUNDS);
        sink = sink + total;
    }
    st.counters[p->counter] = benchmark::Counter(p->work_per_round * (double)ROUNDS * threads,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

void bench_register_peak()
{
    const bench_config &cfg = bench_cfg();
    std::vector<int> threads = {1};
    if (cfg.threads_all > 1) threads.push_back(cfg.threads_all);
    std::string done;
    for (const peak_probe &p : probes) {
        if (!p.available() || done.find(std::string(" ") + p.name + " ") != std::string::npos)
            continue;
        done += std::string(" ") + p.name + " ";
        for (int t : threads)
            bench_register("peak/" + std::string(p.name), {"threads"}, {t},
                           [&p, t](benchmark::State &st) { run_probe(st, &p, t); })
                ->Unit(benchmark::kMillisecond);
    }
}
