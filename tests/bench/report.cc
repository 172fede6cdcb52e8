#include "tests/bench/report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "server/domain/str_cat.h"
#include "server/json_log.h"

namespace brevis::bench {
namespace {

std::string Megabytes(int64_t bytes) {
  return bytes < 0 ? "n/a" : Fixed(bytes / 1048576.0, 1) + " MB";
}

// The cells of one workload at the highest concurrency measured.
const CellResult* AtTop(const Report& report, Workload workload) {
  const CellResult* found = nullptr;
  for (const CellResult& cell : report.cells) {
    if (cell.workload == workload &&
        (found == nullptr || cell.concurrency > found->concurrency)) {
      found = &cell;
    }
  }
  return found;
}

}  // namespace

std::string Fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

void EvaluateTargets(Report& report) {
  report.targets.clear();
  auto ratio_target = [&](Workload workload, double goal) {
    const CellResult* cell = AtTop(report, workload);
    if (cell == nullptr) return;
    report.targets.push_back(
        {brevis::StrCat(WorkloadName(workload), " QPS / baseline at ",
                        cell->concurrency),
         brevis::StrCat(">= ", Fixed(goal, 2)), Fixed(cell->ratio, 2),
         cell->ratio >= goal && cell->errors == 0});
  };
  ratio_target(Workload::kCreateFinding, 0.5);
  ratio_target(Workload::kUpdateAction, 0.5);
  ratio_target(Workload::kGetAudit, 0.8);
  ratio_target(Workload::kListFindings, 0.8);
  ratio_target(Workload::kListActions, 0.8);
  for (Workload workload :
       {Workload::kCreateFinding, Workload::kUpdateAction}) {
    const CellResult* cell = AtTop(report, workload);
    if (cell == nullptr) continue;
    report.targets.push_back(
        {brevis::StrCat(WorkloadName(workload), " p99 at ", cell->concurrency),
         "<= 20 ms", brevis::StrCat(Fixed(cell->p99_ms, 1), " ms"),
         cell->p99_ms <= 20 && cell->calls > 0});
  }
  if (report.flat_ratio > 0) {
    report.targets.push_back(
        {brevis::StrCat("list page at ", report.flat_findings_large,
                        " findings / at ", report.flat_findings_small),
         "<= 1.30", Fixed(report.flat_ratio, 2), report.flat_ratio <= 1.3});
  }
  if (report.peak_rss_bytes >= 0) {
    report.targets.push_back({"server peak RSS", "<= 250 MB",
                              Megabytes(report.peak_rss_bytes),
                              report.peak_rss_bytes <= 250LL * 1048576});
  }
  if (report.startup_seconds >= 0) {
    report.targets.push_back(
        {"start-up on the seeded database", "<= 1 s",
         brevis::StrCat(Fixed(report.startup_seconds, 2), " s"),
         report.startup_seconds <= 1.0});
  }
}

std::string MarkdownReport(const Report& report) {
  std::ostringstream out;
  out << "## brevis-bench (" << report.mode << ", scale " << report.scale
      << ")\n\n"
      << "Data: " << report.size.units << " units, " << report.size.audits
      << " audits, " << report.size.findings << " findings, "
      << report.size.actions << " actions";
  if (report.seed_seconds > 0) {
    out << " (seeded in " << Fixed(report.seed_seconds, 1) << " s)";
  }
  out << ". " << Fixed(report.cell_seconds, 1)
      << " s per cell, closed loop, plaintext loopback. Load average "
      << Fixed(report.load_before, 2) << " before the cells, "
      << Fixed(report.load_after, 2) << " after.\n\n"
      << "| workload | conc. | QPS | p50 ms | p95 ms | p99 ms | QPS / baseline "
         "| writes / txn | errors |\n"
      << "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  std::vector<CellResult> cells = report.cells;
  std::stable_sort(cells.begin(), cells.end(),
                   [](const CellResult& a, const CellResult& b) {
                     return a.workload < b.workload;
                   });
  for (const CellResult& cell : cells) {
    out << "| " << WorkloadName(cell.workload) << " | " << cell.concurrency
        << " | " << Fixed(cell.qps, 0) << " | " << Fixed(cell.p50_ms, 2)
        << " | " << Fixed(cell.p95_ms, 2) << " | " << Fixed(cell.p99_ms, 2)
        << " | "
        << Fixed(cell.ratio, cell.ratio > 0 && cell.ratio < 0.1 ? 4 : 2)
        << " | "
        << (cell.writes_per_transaction > 0
                ? Fixed(cell.writes_per_transaction, 1)
                : "")
        << " | " << cell.errors << " |\n";
  }
  out << "\n| server | |\n| --- | --- |\n"
      << "| start-up on the seeded database | "
      << (report.startup_seconds < 0 ? "n/a"
                                     : Fixed(report.startup_seconds, 2) + " s")
      << " |\n"
      << "| peak RSS (VmHWM) | " << Megabytes(report.peak_rss_bytes) << " |\n"
      << "| database size, seeded | " << Megabytes(report.db_bytes_seeded)
      << " |\n"
      << "| database size, after the run | " << Megabytes(report.db_bytes_after)
      << " |\n";
  if (report.flat_ratio > 0) {
    out << "| ListFindings deep page p50, " << report.flat_findings_large
        << " / " << report.flat_findings_small << " findings | "
        << Fixed(report.flat_p50_large_ms, 2) << " ms / "
        << Fixed(report.flat_p50_small_ms, 2)
        << " ms = " << Fixed(report.flat_ratio, 2) << " |\n";
  }
  out << "\n| target | goal | reached | met |\n| --- | --- | --- | --- |\n";
  for (const Target& target : report.targets) {
    out << "| " << target.name << " | " << target.goal << " | "
        << target.achieved << " | " << (target.met ? "yes" : "no") << " |\n";
  }
  for (const CellResult& cell : cells) {
    if (!cell.first_error.empty()) {
      out << "\nfirst error of " << WorkloadName(cell.workload) << " at "
          << cell.concurrency << ": " << cell.first_error << "\n";
    }
  }
  return out.str();
}

std::string JsonReport(const Report& report) {
  std::ostringstream out;
  out << "{\n  \"mode\": " << JsonLog::Quote(report.mode)
      << ",\n  \"scale\": " << report.scale
      << ",\n  \"data\": {\"units\": " << report.size.units
      << ", \"audits\": " << report.size.audits
      << ", \"findings\": " << report.size.findings
      << ", \"actions\": " << report.size.actions
      << ", \"deep_audit_findings\": " << report.size.deep_audit_findings
      << ", \"seed_seconds\": " << Fixed(report.seed_seconds, 3) << "}"
      << ",\n  \"cell_seconds\": " << Fixed(report.cell_seconds, 3)
      << ",\n  \"load_average\": {\"before\": " << Fixed(report.load_before, 2)
      << ", \"after\": " << Fixed(report.load_after, 2) << "}"
      << ",\n  \"server\": {\"startup_seconds\": "
      << Fixed(report.startup_seconds, 3)
      << ", \"peak_rss_bytes\": " << report.peak_rss_bytes
      << ", \"db_bytes_seeded\": " << report.db_bytes_seeded
      << ", \"db_bytes_after\": " << report.db_bytes_after << "}"
      << ",\n  \"cells\": [";
  for (size_t i = 0; i < report.cells.size(); ++i) {
    const CellResult& cell = report.cells[i];
    out << (i == 0 ? "\n" : ",\n")
        << "    {\"workload\": " << JsonLog::Quote(WorkloadName(cell.workload))
        << ", \"concurrency\": " << cell.concurrency
        << ", \"calls\": " << cell.calls << ", \"errors\": " << cell.errors
        << ", \"seconds\": " << Fixed(cell.seconds, 3)
        << ", \"qps\": " << Fixed(cell.qps, 1)
        << ", \"p50_ms\": " << Fixed(cell.p50_ms, 3)
        << ", \"p95_ms\": " << Fixed(cell.p95_ms, 3)
        << ", \"p99_ms\": " << Fixed(cell.p99_ms, 3)
        << ", \"ratio_to_baseline\": " << Fixed(cell.ratio, 4)
        << ", \"writes_per_transaction\": "
        << Fixed(cell.writes_per_transaction, 2)
        << ", \"first_error\": " << JsonLog::Quote(cell.first_error) << "}";
  }
  out << "\n  ],\n  \"flatness\": {\"findings_large\": "
      << report.flat_findings_large
      << ", \"findings_small\": " << report.flat_findings_small
      << ", \"p50_large_ms\": " << Fixed(report.flat_p50_large_ms, 3)
      << ", \"p50_small_ms\": " << Fixed(report.flat_p50_small_ms, 3)
      << ", \"ratio\": " << Fixed(report.flat_ratio, 3)
      << "},\n  \"targets\": [";
  for (size_t i = 0; i < report.targets.size(); ++i) {
    const Target& target = report.targets[i];
    out << (i == 0 ? "\n" : ",\n")
        << "    {\"name\": " << JsonLog::Quote(target.name)
        << ", \"goal\": " << JsonLog::Quote(target.goal)
        << ", \"reached\": " << JsonLog::Quote(target.achieved)
        << ", \"met\": " << (target.met ? "true" : "false") << "}";
  }
  out << "\n  ]\n}\n";
  return out.str();
}

}  // namespace brevis::bench
