// The harness's display reporter: progress on the console, and one Google
// Benchmark JSON file per group kept up to date after every run.
//
// Google Benchmark calls ReportRuns once per repetition (and once more with
// the aggregates).  Each group has its own JSONReporter writing into a string;
// after every call the string, closed with the JSON array and object ends, is
// a complete Google Benchmark JSON document, which replaces <dir>/<group>.json
// through a rename.  Killing the run at any moment therefore leaves every
// finished repetition on disk in a valid file.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "bench.h"

namespace {

std::string group_of(const std::string &name)
{
    size_t slash = name.find('/');
    return slash == std::string::npos ? name : name.substr(0, slash);
}

// The console reporter, with a "[done/total]" counter before each line.
class ProgressConsole : public benchmark::ConsoleReporter {
public:
    ProgressConsole(OutputOptions opts, size_t total)
        : ConsoleReporter(opts), total_(total) {}
    void count_done() { done_++; }

protected:
    // The header's lines, indented past the counter.
    void PrintHeader(const Run &run) override
    {
        std::ostream &out = GetOutputStream();
        std::ostringstream header;
        SetOutputStream(&header);
        ConsoleReporter::PrintHeader(run);
        SetOutputStream(&out);
        std::istringstream lines(header.str());
        std::string line;
        while (std::getline(lines, line)) out << std::string(prefix_width(), ' ') << line << "\n";
    }
    void PrintRunData(const Run &run) override
    {
        char buf[48];
        if (total_)
            snprintf(buf, sizeof buf, "[%*zu/%zu] ", digits(total_), done_, total_);
        else
            snprintf(buf, sizeof buf, "[%zu] ", done_);
        GetOutputStream() << buf;
        ConsoleReporter::PrintRunData(run);
    }

private:
    static int digits(size_t v)
    {
        int d = 1;
        while (v >= 10) { v /= 10; d++; }
        return d;
    }
    size_t prefix_width() const { return total_ ? 4 + 2 * (size_t)digits(total_) : 6; }
    size_t total_, done_ = 0;
};

struct GroupFile {
    std::ostringstream text;
    benchmark::JSONReporter json;
};

class TeeReporter : public benchmark::BenchmarkReporter {
public:
    TeeReporter(const std::string &dir, size_t total)
        : dir_(dir),
          console_(isatty(fileno(stdout)) ? benchmark::ConsoleReporter::OO_Color
                                          : benchmark::ConsoleReporter::OO_None,
                   total)
    {
    }

    bool ReportContext(const Context &context) override
    {
        return console_.ReportContext(context);
    }

    void ReportRuns(const std::vector<Run> &runs) override
    {
        if (runs.empty()) return;
        // Console: the per-repetition lines are noise once aggregates come;
        // show the median (or the single run when there are no repetitions).
        std::vector<Run> shown;
        for (const Run &r : runs) {
            bool repeated = r.repetitions > 1;
            if (r.error_occurred || (!repeated && r.run_type == Run::RT_Iteration) ||
                (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median"))
                shown.push_back(r);
        }
        bool finished = false;
        for (const Run &r : runs)
            if (r.error_occurred || r.run_type == Run::RT_Aggregate ||
                r.repetitions <= 1)
                finished = true;
        if (finished) console_.count_done();
        if (!shown.empty()) console_.ReportRuns(shown);
        std::cout.flush();

        std::string group = group_of(runs[0].benchmark_name());
        GroupFile &g = file_for(group);
        g.json.ReportRuns(runs);
        if (!bench_write_atomic(dir_ + "/" + group + ".json", g.text.str() + "\n  ]\n}\n"))
            std::cerr << "precbench bench: cannot write " << dir_ << "/" << group
                      << ".json\n";
    }

    void Finalize() override { console_.Finalize(); }

private:
    GroupFile &file_for(const std::string &group)
    {
        auto it = files_.find(group);
        if (it != files_.end()) return *it->second;
        auto g = std::make_unique<GroupFile>();
        g->json.SetOutputStream(&g->text);
        g->json.SetErrorStream(&std::cerr);
        Context context; // CPU and system information, as in the console header
        g->json.ReportContext(context);
        GroupFile &ref = *g;
        files_[group] = std::move(g);
        return ref;
    }

    std::string dir_;
    ProgressConsole console_;
    std::map<std::string, std::unique_ptr<GroupFile>> files_;
};

} // namespace

benchmark::BenchmarkReporter *bench_reporter_create(const std::string &dir, size_t total)
{
    return new TeeReporter(dir, total);
}

bool bench_write_atomic(const std::string &path, const std::string &text)
{
    std::string tmp = path + ".tmp";
    FILE *f = fopen(tmp.c_str(), "wb");
    if (!f) return false;
    bool ok = fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
        remove(tmp.c_str());
        return false;
    }
    return true;
}
