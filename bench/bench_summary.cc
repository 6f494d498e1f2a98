// The summary: reads the group JSON files back (jansson), merges them into
// bench.json, and reduces every benchmark to the median of its repetitions
// (the peak probes to their best repetition):
//
//   summary.csv        scheme,m,n,k,threads,gflops,ratio_to_openblas_sgemm,
//                      fraction_of_peak,normwise_error
//                      (every GEMM: OpenBLAS and every scheme and algorithm)
//   summary_other.csv  name,size,threads,rate,unit,ratio
//                      (peaks, conversions, exact references, integer GEMM)
//   throughput.dat     GFLOP/s against size, one block per scheme (square
//                      shapes, all threads), and plot_vars.gp: the peak, for
//                      plots/bench_throughput.gp
//
// Ratios are taken within the run: a GEMM against OpenBLAS SGEMM on the same
// shape and threads; fraction of peak against the fp32 FMA probe on the same
// threads; a conversion against a plain float32 copy of the same length and
// threads; a peak against the fp32 FMA peak; an exact or integer GEMM against
// OpenBLAS DGEMM on the same shape (or, when DGEMM did not run on it, the
// smallest square shape it ran on) and threads.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <jansson.h>

#include "bench.h"

namespace {

// One benchmark, reduced to medians over its repetitions.
struct result {
    std::string run_name; // without "/real_time"
    std::string group, rest;
    std::map<std::string, long long> args; // m, n, k, threads, ...
    std::string label;
    std::map<std::string, double> value;   // counter -> median
    bool failed = false;
    std::string error;
};

const char *standard_keys[] = {"name", "family_index", "per_family_instance_index",
                               "run_name", "run_type", "repetitions", "repetition_index",
                               "threads", "iterations", "real_time", "cpu_time", "time_unit",
                               "label", "error_occurred", "error_message", "aggregate_name",
                               "aggregate_unit"};

bool is_standard(const char *key)
{
    for (const char *s : standard_keys)
        if (!strcmp(s, key)) return true;
    return false;
}

double median(std::vector<double> v)
{
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

// "gemm/bf16/m:256/n:256/k:256/threads:2/real_time" -> group "gemm",
// rest "bf16", args {m: 256, ...}.
void parse_name(result &r)
{
    std::string name = r.run_name;
    std::vector<std::string> parts;
    std::stringstream ss(name);
    std::string p;
    while (std::getline(ss, p, '/')) parts.push_back(p);
    std::vector<std::string> plain;
    for (const std::string &part : parts) {
        size_t colon = part.find(':');
        char *end = nullptr;
        std::string key = colon == std::string::npos ? "" : part.substr(0, colon);
        // Only the harness's own arguments: "strassen:64" is part of a name.
        if (key == "m" || key == "n" || key == "k" || key == "threads") {
            long long v = strtoll(part.c_str() + colon + 1, &end, 10);
            if (end && *end == '\0' && end != part.c_str() + colon + 1) {
                r.args[part.substr(0, colon)] = v;
                continue;
            }
        }
        plain.push_back(part);
    }
    r.group = plain.empty() ? "" : plain[0];
    for (size_t i = 1; i < plain.size(); i++) r.rest += (i > 1 ? "/" : "") + plain[i];
}

std::string strip_suffix(std::string s, const char *suffix)
{
    size_t n = strlen(suffix);
    if (s.size() >= n && s.compare(s.size() - n, n, suffix) == 0) s.erase(s.size() - n);
    return s;
}

// Group files in the order the groups ran, bench.json and temporaries excluded.
std::vector<std::string> group_files(const std::string &dir)
{
    namespace fs = std::filesystem;
    static const char *order[] = {"peak", "blas", "gemm", "alg", "memory", "convert",
                                  "convert_scalar", "exact", "intgemm"};
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        std::string f = e.path().filename().string();
        if (!e.is_regular_file() || f == "bench.json" || f.size() < 6 ||
            f.compare(f.size() - 5, 5, ".json") != 0)
            continue;
        names.push_back(f.substr(0, f.size() - 5));
    }
    auto rank = [](const std::string &g) {
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
            if (g == order[i]) return (int)i;
        return 100;
    };
    std::sort(names.begin(), names.end(), [&](const std::string &a, const std::string &b) {
        return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
    });
    for (std::string &n : names) n = dir + "/" + n + ".json";
    return names;
}

std::string fmt(const char *f, double v)
{
    if (!std::isfinite(v)) return "";
    char buf[64];
    snprintf(buf, sizeof buf, f, v);
    return buf;
}

// 1234567 -> "1.23G" style for the console.
std::string human(double v)
{
    if (!std::isfinite(v)) return "-";
    const char *units[] = {"", "k", "M", "G", "T"};
    int u = 0;
    while (std::fabs(v) >= 1000 && u < 4) { v /= 1000; u++; }
    char buf[32];
    snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
    return buf;
}

struct gemm_row {
    std::string scheme, path;
    long long m, n, k, threads;
    double gflops, ratio, fraction, error;
};

struct other_row {
    std::string name, size, unit;
    long long threads;
    double rate, ratio;
};

} // namespace

int bench_summarize(const std::string &dir, bool print)
{
    std::vector<std::string> files = group_files(dir);
    if (files.empty()) {
        fprintf(stderr, "precbench bench: no benchmark results in %s\n", dir.c_str());
        return 2;
    }

    // ---- merge -------------------------------------------------------------
    json_t *merged = json_object();
    json_t *all = json_array();
    for (const std::string &f : files) {
        json_error_t err;
        json_t *doc = json_load_file(f.c_str(), 0, &err);
        if (!doc) {
            fprintf(stderr, "precbench bench: %s:%d: %s\n", f.c_str(), err.line, err.text);
            json_decref(merged);
            json_decref(all);
            return 2;
        }
        json_t *runs = json_object_get(doc, "benchmarks");
        if (!json_is_array(runs)) {
            fprintf(stderr, "precbench bench: %s: no \"benchmarks\" array\n", f.c_str());
            json_decref(doc);
            json_decref(merged);
            json_decref(all);
            return 2;
        }
        if (!json_object_get(merged, "context") && json_object_get(doc, "context"))
            json_object_set(merged, "context", json_object_get(doc, "context"));
        json_array_extend(all, runs);
        json_decref(doc);
    }
    json_object_set_new(merged, "benchmarks", all);
    char *text = json_dumps(merged, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    bool ok = text && bench_write_atomic(dir + "/bench.json", std::string(text) + "\n");
    free(text);
    if (!ok) {
        fprintf(stderr, "precbench bench: cannot write %s/bench.json\n", dir.c_str());
        json_decref(merged);
        return 2;
    }

    // ---- reduce to medians ---------------------------------------------------
    std::vector<result> results;
    std::map<std::string, size_t> index;
    std::map<std::string, std::map<std::string, std::vector<double>>> samples;
    size_t i;
    json_t *run;
    json_array_foreach(all, i, run) {
        const char *type = json_string_value(json_object_get(run, "run_type"));
        const char *rn = json_string_value(json_object_get(run, "run_name"));
        if (!rn || (type && strcmp(type, "iteration") != 0)) continue;
        std::string name = strip_suffix(rn, "/real_time");
        if (!index.count(name)) {
            index[name] = results.size();
            result r;
            r.run_name = name;
            parse_name(r);
            results.push_back(r);
        }
        result &r = results[index[name]];
        if (json_is_true(json_object_get(run, "error_occurred"))) {
            r.failed = true;
            const char *msg = json_string_value(json_object_get(run, "error_message"));
            r.error = msg ? msg : "error";
            continue;
        }
        const char *label = json_string_value(json_object_get(run, "label"));
        if (label) r.label = label;
        const char *key;
        json_t *v;
        json_object_foreach(run, key, v) {
            if (json_is_number(v) && !is_standard(key)) samples[name][key].push_back(json_number_value(v));
        }
    }
    // A peak is the best the machine can do: anything else on the machine
    // only lowers it, so the probes keep their fastest repetition.
    for (result &r : results)
        for (auto &kv : samples[r.run_name])
            r.value[kv.first] = r.group == "peak"
                                    ? *std::max_element(kv.second.begin(), kv.second.end())
                                    : median(kv.second);

    auto find = [&](const std::string &name) -> const result * {
        auto it = index.find(name);
        if (it == index.end() || results[it->second].failed) return nullptr;
        return &results[it->second];
    };
    auto val = [](const result *r, const char *key) {
        if (!r) return (double)NAN;
        auto it = r->value.find(key);
        return it == r->value.end() ? (double)NAN : it->second;
    };
    auto shape = [](const result &r) {
        return "/m:" + std::to_string(r.args.at("m")) + "/n:" + std::to_string(r.args.at("n")) +
               "/k:" + std::to_string(r.args.at("k")) +
               "/threads:" + std::to_string(r.args.at("threads"));
    };
    auto has_shape = [](const result &r) {
        return r.args.count("m") && r.args.count("n") && r.args.count("k") && r.args.count("threads");
    };

    // ---- GEMM rows -----------------------------------------------------------
    std::vector<gemm_row> gemm;
    std::vector<std::string> shape_order;
    std::vector<std::string> failures;
    for (const result &r : results) {
        if (!bench_is_gemm_group(r.group) || !has_shape(r)) continue;
        if (r.failed) {
            failures.push_back(r.run_name + ": " + r.error);
            continue;
        }
        gemm_row g;
        // gemm/<scheme>, alg/<algorithm>[/<scheme>], blas/<sgemm|dgemm>
        g.scheme = r.group == "blas" ? "openblas_" + r.rest : r.rest;
        g.path = r.label;
        g.m = r.args.at("m");
        g.n = r.args.at("n");
        g.k = r.args.at("k");
        g.threads = r.args.at("threads");
        g.gflops = val(&r, "FLOPS") / 1e9;
        g.ratio = g.gflops / (val(find("blas/sgemm" + shape(r)), "FLOPS") / 1e9);
        g.fraction = g.gflops /
                     (val(find("peak/fp32_fma/threads:" + std::to_string(g.threads)), "FLOPS") / 1e9);
        g.error = val(&r, "normwise_error");
        if (val(&r, "error_nonfinite") == 1) g.error = INFINITY; // overflow in C
        if (std::find(shape_order.begin(), shape_order.end(), shape(r)) == shape_order.end())
            shape_order.push_back(shape(r));
        gemm.push_back(g);
    }

    // ---- other rows ----------------------------------------------------------
    // The smallest square shape DGEMM ran on, per thread count (the fallback
    // yardstick of the exact and integer GEMMs).
    std::map<long long, const result *> dgemm_small;
    for (const result &r : results)
        if (!r.failed && r.group == "blas" && r.rest == "dgemm" && has_shape(r) &&
            r.args.at("m") == r.args.at("n") && r.args.at("n") == r.args.at("k")) {
            const result *&best = dgemm_small[r.args.at("threads")];
            if (!best || best->args.at("m") > r.args.at("m")) best = &r;
        }
    std::vector<other_row> other;
    for (const result &r : results) {
        if (bench_is_gemm_group(r.group) && has_shape(r)) continue;
        if (r.failed) {
            failures.push_back(r.run_name + ": " + r.error);
            continue;
        }
        other_row o;
        o.name = r.group + (r.rest.empty() ? "" : "/" + r.rest);
        o.threads = r.args.count("threads") ? r.args.at("threads") : 1;
        std::string threads = "/threads:" + std::to_string(o.threads);
        if (has_shape(r))
            o.size = std::to_string(r.args.at("m")) + "x" + std::to_string(r.args.at("n")) + "x" +
                     std::to_string(r.args.at("k"));
        else if (r.args.count("n"))
            o.size = std::to_string(r.args.at("n"));
        if (r.value.count("FLOPS")) {
            o.rate = r.value.at("FLOPS"), o.unit = "flop/s";
        } else if (r.value.count("OPS")) {
            o.rate = r.value.at("OPS"), o.unit = "op/s";
        } else if (r.value.count("items_per_second")) {
            o.rate = r.value.at("items_per_second"), o.unit = "elem/s";
        } else {
            continue;
        }
        double base = NAN;
        if (r.group == "convert" || r.group == "convert_scalar") {
            base = val(find("memory/copy_f32/n:" + o.size + threads), "items_per_second");
        } else if (r.group == "peak") {
            base = val(find("peak/fp32_fma" + threads), "FLOPS");
        } else if (r.group == "exact" || r.group == "intgemm") {
            const result *d = has_shape(r) ? find("blas/dgemm" + shape(r)) : nullptr;
            if (!d && dgemm_small.count(o.threads)) d = dgemm_small[o.threads];
            base = val(d, "FLOPS");
        }
        o.ratio = o.rate / base;
        other.push_back(o);
    }
    json_decref(merged);

    // ---- files ---------------------------------------------------------------
    std::string csv = "scheme,m,n,k,threads,gflops,ratio_to_openblas_sgemm,fraction_of_peak,"
                      "normwise_error\n";
    for (const gemm_row &g : gemm)
        csv += g.scheme + "," + std::to_string(g.m) + "," + std::to_string(g.n) + "," +
               std::to_string(g.k) + "," + std::to_string(g.threads) + "," +
               fmt("%.4f", g.gflops) + "," + fmt("%.4f", g.ratio) + "," +
               fmt("%.4f", g.fraction) + "," +
               (std::isinf(g.error) ? std::string("inf") : fmt("%.4e", g.error)) + "\n";
    std::string csv_other = "name,size,threads,rate,unit,ratio\n";
    for (const other_row &o : other)
        csv_other += o.name + "," + o.size + "," + std::to_string(o.threads) + "," +
                     fmt("%.6e", o.rate) + "," + o.unit + "," + fmt("%.4f", o.ratio) + "\n";

    // throughput.dat: one block per scheme (two blank lines between blocks),
    // square shapes at the largest thread count, OpenBLAS SGEMM first.
    long long tmax = 0;
    for (const gemm_row &g : gemm) tmax = std::max(tmax, g.threads);
    std::vector<std::string> schemes;
    for (const gemm_row &g : gemm)
        if (std::find(schemes.begin(), schemes.end(), g.scheme) == schemes.end())
            schemes.push_back(g.scheme);
    std::stable_partition(schemes.begin(), schemes.end(),
                          [](const std::string &s) { return s == "openblas_sgemm"; });
    std::string dat = "# GFLOP/s of square GEMMs (M = N = K) at " + std::to_string(tmax) +
                      " threads; one block per scheme\n";
    int blocks = 0;
    for (const std::string &s : schemes) {
        std::string block;
        for (const gemm_row &g : gemm)
            if (g.scheme == s && g.threads == tmax && g.m == g.n && g.n == g.k &&
                std::isfinite(g.gflops))
                block += std::to_string(g.m) + " " + fmt("%.4f", g.gflops) + "\n";
        if (block.empty()) continue;
        dat += (blocks ? "\n\n" : "") + std::string("size \"") + s + "\"\n" + block;
        blocks++;
    }
    double peak = val(find("peak/fp32_fma/threads:" + std::to_string(tmax)), "FLOPS") / 1e9;
    std::string vars = "# written by precbench_bench --summarize\n";
    vars += "bench_blocks = " + std::to_string(blocks) + "\n";
    vars += "bench_threads = " + std::to_string(tmax) + "\n";
    vars += "bench_peak_fp32 = " + (std::isfinite(peak) ? fmt("%.4f", peak) : "NaN") + "\n";

    if (!bench_write_atomic(dir + "/summary.csv", csv) ||
        !bench_write_atomic(dir + "/summary_other.csv", csv_other) ||
        !bench_write_atomic(dir + "/throughput.dat", dat) ||
        !bench_write_atomic(dir + "/plot_vars.gp", vars)) {
        fprintf(stderr, "precbench bench: cannot write the summary files in %s\n", dir.c_str());
        return 2;
    }
    if (!print) return 0;

    // ---- console ---------------------------------------------------------------
    size_t w = 6;
    for (const gemm_row &g : gemm) w = std::max(w, g.scheme.size());
    if (!gemm.empty())
        printf("\nGEMM (GFLOP/s = 2MNK / time, median of repetitions; error: normwise vs exact)\n");
    if (!gemm.empty())
        printf("%-*s %5s %5s %5s %3s %-12s %9s %8s %6s %11s\n", (int)w, "scheme", "M", "N",
               "K", "thr", "path", "GFLOP/s", "x SGEMM", "%peak", "error");
    for (const std::string &sh : shape_order) {
        if (&sh != &shape_order[0]) printf("\n");
        for (const gemm_row &g : gemm) {
            std::string key = "/m:" + std::to_string(g.m) + "/n:" + std::to_string(g.n) +
                              "/k:" + std::to_string(g.k) + "/threads:" + std::to_string(g.threads);
            if (key != sh) continue;
            printf("%-*s %5lld %5lld %5lld %3lld %-12s %9.2f %8s %6s %11s\n", (int)w,
                   g.scheme.c_str(), g.m, g.n, g.k, g.threads, g.path.c_str(), g.gflops,
                   std::isfinite(g.ratio) ? fmt("%.3f", g.ratio).c_str() : "-",
                   std::isfinite(g.fraction) ? fmt("%.1f", 100 * g.fraction).c_str() : "-",
                   std::isinf(g.error)      ? "inf"
                   : std::isfinite(g.error) ? fmt("%.3e", g.error).c_str()
                                            : "-");
        }
    }
    if (!other.empty()) {
        size_t wo = 4;
        for (const other_row &o : other) wo = std::max(wo, o.name.size());
        printf("\nOther (rate: median of repetitions, best one for peaks; ratio: see "
               "docs/bench.md)\n");
        printf("%-*s %14s %3s %10s %-7s %8s\n", (int)wo, "name", "size", "thr", "rate", "unit",
               "ratio");
        for (const other_row &o : other)
            printf("%-*s %14s %3lld %10s %-7s %8s\n", (int)wo, o.name.c_str(), o.size.c_str(),
                   o.threads, human(o.rate).c_str(), o.unit.c_str(),
                   std::isfinite(o.ratio) ? fmt("%.3f", o.ratio).c_str() : "-");
    }
    for (const std::string &f : failures) printf("FAILED %s\n", f.c_str());
    printf("\nresults: %s/bench.json, %s/summary.csv, %s/summary_other.csv\n", dir.c_str(),
           dir.c_str(), dir.c_str());
    return failures.empty() ? 0 : 1;
}

int bench_export_slim(const std::string &dir, const std::string &path)
{
    std::string from = dir + "/bench.json";
    json_error_t err;
    json_t *doc = json_load_file(from.c_str(), 0, &err);
    if (!doc) {
        fprintf(stderr, "precbench bench: %s: %s\n", from.c_str(), err.text);
        return 2;
    }
    // The fields `precbench compare` reads; it recomputes the aggregates
    // from the repetitions.
    static const char *keep[] = {"run_name", "run_type", "real_time", "time_unit",
                                 "error_occurred", "error_message"};
    static const char *context_keep[] = {"date", "host_name", "num_cpus", "mhz_per_cpu",
                                         "cpu_model", "cpu_flags", "threads", "compiler",
                                         "git_revision", "openblas", "precbench_mode"};
    json_t *slim = json_object();
    json_t *ctx = json_object();
    for (const char *k : context_keep) {
        json_t *v = json_object_get(json_object_get(doc, "context"), k);
        if (v) json_object_set(ctx, k, v);
    }
    json_object_set_new(slim, "context", ctx);
    json_t *runs = json_array();
    size_t i;
    json_t *run;
    json_array_foreach(json_object_get(doc, "benchmarks"), i, run) {
        const char *type = json_string_value(json_object_get(run, "run_type"));
        if (type && strcmp(type, "iteration") != 0) continue;
        json_t *r = json_object();
        for (const char *k : keep) {
            json_t *v = json_object_get(run, k);
            if (v) json_object_set(r, k, v);
        }
        json_array_append_new(runs, r);
    }
    json_object_set_new(slim, "benchmarks", runs);
    json_decref(doc);
    char *text = json_dumps(slim, JSON_INDENT(1) | JSON_REAL_PRECISION(6));
    json_decref(slim);
    bool ok = text && bench_write_atomic(path, std::string(text) + "\n");
    free(text);
    if (!ok) {
        fprintf(stderr, "precbench bench: cannot write %s\n", path.c_str());
        return 2;
    }
    printf("wrote %s\n", path.c_str());
    return 0;
}
