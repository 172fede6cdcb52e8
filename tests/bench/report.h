#ifndef BREVIS_TESTS_BENCH_REPORT_H_
#define BREVIS_TESTS_BENCH_REPORT_H_

// The benchmark's results, as a Markdown table for people and a JSON file
// for tools.

#include <cstdint>
#include <string>
#include <vector>

#include "tests/bench/load.h"

namespace brevis::bench {

struct Target {
  std::string name;
  std::string goal;      // e.g. ">= 0.50"
  std::string achieved;  // e.g. "0.42"
  bool met = false;
};

// The servers one set of cells ran against, and what was measured of them.
struct Configuration {
  // "sqlite", "postgresql x1", "postgresql x3" or "remote"; the cells of
  // this configuration carry the same name.
  std::string name;
  int replicas = 1;
  double startup_seconds = -1;  // the slowest replica's; -1: not measured
  int64_t peak_rss_bytes = -1;  // the largest replica's; -1: not measured
  int64_t db_bytes_seeded = -1;
  int64_t db_bytes_after = -1;
};

struct Report {
  std::string mode;  // "local" or "remote"
  double scale = 0;
  SeedSize size;
  double seed_seconds = 0;
  double cell_seconds = 0;
  std::string server_address;
  // /proc/loadavg's 1-minute figure before and after the cells: other work
  // on the machine skews absolute figures (ratios less so).
  double load_before = -1;
  double load_after = -1;
  // In the order measured; the first is the one the targets judge.
  std::vector<Configuration> configurations;
  std::vector<CellResult> cells;
  // ListFindings of the same deep page, concurrency 1.
  int64_t flat_findings_large = 0;
  int64_t flat_findings_small = 0;
  double flat_p50_large_ms = 0;
  double flat_p50_small_ms = 0;
  double flat_ratio = 0;
  std::vector<Target> targets;
};

// `value` with `digits` decimals.
std::string Fixed(double value, int digits);

// Fills report.targets from the first configuration's cells and figures
// (the targets were set for brevisd on SQLite).
void EvaluateTargets(Report& report);

std::string MarkdownReport(const Report& report);
std::string JsonReport(const Report& report);

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_REPORT_H_
