// Benchmark inputs and the exact reference behind the error column.
//
// Every GEMM benchmark of a shape (OpenBLAS and every scheme) multiplies the
// same matrices: normal(0, 1) entries (generate.h, counter-based) under a
// fixed seed, so that the error column compares like with like.  The exact
// reference (pb_exact_gemm_f32: exact products, one rounding to double) is
// computed once per shape, on the first rows of C only when the shape is
// large: inputs are i.i.d., so a row sample estimates the normwise error of
// the whole product, and the rows used are recorded in the counters.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <tuple>

#include "bench.h"

extern "C" {
#include "precbench/exact.h"
#include "precbench/generate.h"
#include "precbench/metrics.h"
}

namespace {

constexpr uint64_t INPUT_SEED = 0x7072656362656e63ull; // "precbenc"
constexpr uint32_t STREAM_A = 1, STREAM_B = 2;

using shape_key = std::tuple<size_t, size_t, size_t>;

std::map<shape_key, std::unique_ptr<bench_inputs>> inputs_cache;
std::map<shape_key, std::unique_ptr<bench_inputs_f64>> inputs64_cache;
std::map<shape_key, std::unique_ptr<std::vector<double>>> exact_cache;

// Element i of the stream, for i < v.size(), in parallel slices.
void fill_normal(std::vector<float> &v, uint32_t stream)
{
    const size_t slice = 1u << 16;
    long slices = (long)((v.size() + slice - 1) / slice);
#pragma omp parallel for schedule(static)
    for (long s = 0; s < slices; s++) {
        size_t first = (size_t)s * slice, len = std::min(slice, v.size() - first);
        pb_generate_f32(PB_DIST_NORMAL, INPUT_SEED, stream, first, v.data() + first, len);
    }
}

} // namespace

const bench_inputs &bench_inputs_for(size_t m, size_t n, size_t k)
{
    auto &slot = inputs_cache[shape_key(m, n, k)];
    if (!slot) {
        slot = std::make_unique<bench_inputs>();
        slot->a.resize(m * k); // A: M x K, row-major
        slot->b.resize(k * n); // B: K x N, row-major
        fill_normal(slot->a, STREAM_A);
        fill_normal(slot->b, STREAM_B);
    }
    return *slot;
}

const bench_inputs_f64 &bench_inputs_f64_for(size_t m, size_t n, size_t k)
{
    auto &slot = inputs64_cache[shape_key(m, n, k)];
    if (!slot) {
        const bench_inputs &in = bench_inputs_for(m, n, k);
        slot = std::make_unique<bench_inputs_f64>();
        slot->a.assign(in.a.begin(), in.a.end());
        slot->b.assign(in.b.begin(), in.b.end());
    }
    return *slot;
}

size_t bench_error_rows(size_t m, size_t n, size_t k)
{
    uint64_t per_row = (uint64_t)n * k;
    uint64_t rows = per_row ? bench_cfg().error_macs / per_row : m;
    if (rows < 1) rows = 1;
    return rows < m ? (size_t)rows : m;
}

const std::vector<double> *bench_exact_rows(size_t m, size_t n, size_t k)
{
    auto &slot = exact_cache[shape_key(m, n, k)];
    if (!slot) {
        const bench_inputs &in = bench_inputs_for(m, n, k);
        size_t rows = bench_error_rows(m, n, k);
        auto e = std::make_unique<std::vector<double>>(rows * n);
        // E: rows x N = A[0:rows, :] * B, each entry exact, rounded once.
        // An empty vector records a failure so that it is not retried.
        if (pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, rows, n, k, in.a.data(), k,
                              in.b.data(), n, e->data(), n, nullptr, nullptr, 0) != PB_OK)
            e->clear();
        slot = std::move(e);
    }
    return slot->empty() ? nullptr : slot.get();
}

double bench_normwise_error_f64(size_t m, size_t n, size_t k, const double *c)
{
    const std::vector<double> *e = bench_exact_rows(m, n, k);
    if (!e) return NAN;
    pb_metrics_input in = {};
    in.m = e->size() / n;
    in.n = n;
    in.k = k;
    in.c = c;
    in.c_ref = e->data();
    pb_error_metrics metrics;
    if (pb_error_metrics_compute(&in, &metrics) != PB_OK) return NAN;
    return metrics.normwise;
}

double bench_normwise_error(size_t m, size_t n, size_t k, const float *c)
{
    size_t rows = bench_error_rows(m, n, k);
    std::vector<double> c64(c, c + rows * n);
    return bench_normwise_error_f64(m, n, k, c64.data());
}

void bench_set_error(benchmark::State &st, double err)
{
    if (std::isfinite(err))
        st.counters["normwise_error"] = err;
    else
        st.counters["error_nonfinite"] = std::isnan(err) ? 2 : 1;
}
