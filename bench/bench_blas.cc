// OpenBLAS SGEMM and DGEMM on the same shapes and inputs as the schemes, in
// the same process: the yardstick that turns every GFLOP/s into a ratio that
// survives a change of machine.  OpenBLAS is used only here and in tests,
// never in the library.
//
//   blas/sgemm/m:M/n:N/k:K/threads:T   FLOPS, normwise_error
//   blas/dgemm/m:M/n:N/k:K/threads:T   FLOPS, normwise_error (of the fp64 result)
#include <cblas.h>
#include <chrono>
#include <thread>
#include <vector>

#include "bench.h"

namespace {

// OpenBLAS 0.3's workers spin for 2^28 cycles (~0.07 s at 4 GHz) before
// sleeping; 0.15 s covers that with margin.
constexpr auto OPENBLAS_SPIN = std::chrono::milliseconds(150);
std::chrono::steady_clock::time_point openblas_last;

void bm_sgemm(benchmark::State &st, bench_shape s, int threads)
{
    const bench_inputs &in = bench_inputs_for(s.m, s.n, s.k);
    std::vector<float> c(s.m * s.n);
    openblas_set_num_threads(threads);
    // C: M x N = A: M x K (row-major, lda = K) * B: K x N (ldb = N)
    auto call = [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)s.m, (int)s.n, (int)s.k,
                    1.0f, in.a.data(), (int)s.k, in.b.data(), (int)s.n, 0.0f, c.data(),
                    (int)s.n);
    };
    call(); // untimed: first touches of C and of OpenBLAS's buffers
    for (auto _ : st) {
        call();
        benchmark::ClobberMemory();
    }
    st.counters["FLOPS"] = benchmark::Counter(2.0 * s.m * s.n * s.k,
                                              benchmark::Counter::kIsIterationInvariantRate);
    bench_set_error(st, bench_normwise_error(s.m, s.n, s.k, c.data()));
    st.SetLabel("openblas");
    bench_openblas_mark();
}

void bm_dgemm(benchmark::State &st, bench_shape s, int threads)
{
    const bench_inputs_f64 &in = bench_inputs_f64_for(s.m, s.n, s.k);
    std::vector<double> c(s.m * s.n);
    openblas_set_num_threads(threads);
    auto call = [&] {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)s.m, (int)s.n, (int)s.k,
                    1.0, in.a.data(), (int)s.k, in.b.data(), (int)s.n, 0.0, c.data(),
                    (int)s.n);
    };
    call(); // untimed, as for SGEMM
    for (auto _ : st) {
        call();
        benchmark::ClobberMemory();
    }
    st.counters["FLOPS"] = benchmark::Counter(2.0 * s.m * s.n * s.k,
                                              benchmark::Counter::kIsIterationInvariantRate);
    bench_set_error(st, bench_normwise_error_f64(s.m, s.n, s.k, c.data()));
    st.SetLabel("openblas");
    bench_openblas_mark();
}

} // namespace

void bench_openblas_mark() { openblas_last = std::chrono::steady_clock::now(); }

void bench_openblas_settle()
{
    auto ready = openblas_last + OPENBLAS_SPIN;
    if (std::chrono::steady_clock::now() < ready) std::this_thread::sleep_until(ready);
}

void bench_register_blas()
{
    const bench_config &cfg = bench_cfg();
    for (const bench_shape &s : bench_gemm_shapes())
        for (int t : cfg.gemm_threads) {
            std::vector<int64_t> args = {(int64_t)s.m, (int64_t)s.n, (int64_t)s.k, t};
            bench_register("blas/sgemm", {"m", "n", "k", "threads"}, args,
                           [s, t](benchmark::State &st) { bm_sgemm(st, s, t); })
                ->Unit(benchmark::kMillisecond);
            bench_register("blas/dgemm", {"m", "n", "k", "threads"}, args,
                           [s, t](benchmark::State &st) { bm_dgemm(st, s, t); })
                ->Unit(benchmark::kMillisecond);
        }
}
