#include "tests/bench/report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <utility>

#include "server/domain/str_cat.h"
#include "server/json_log.h"

namespace brevis::bench {
namespace {

std::string Megabytes(int64_t bytes) {
  return bytes < 0 ? "n/a" : Fixed(bytes / 1048576.0, 1) + " MB";
}

std::string RatioText(double ratio) {
  return Fixed(ratio, ratio > 0 && ratio < 0.1 ? 4 : 2);
}

// The first configuration, which the targets judge; an empty one when
// nothing ran.
const Configuration& Primary(const Report& report) {
  static const Configuration* const kNone = new Configuration();
  return report.configurations.empty() ? *kNone : report.configurations[0];
}

// The cell of one workload at the highest concurrency measured in the
// first configuration.
const CellResult* AtTop(const Report& report, Workload workload) {
  const CellResult* found = nullptr;
  for (const CellResult& cell : report.cells) {
    if (cell.workload == workload &&
        cell.configuration == Primary(report).name &&
        (found == nullptr || cell.concurrency > found->concurrency)) {
      found = &cell;
    }
  }
  return found;
}

// `figure` of every configuration as Markdown cells: " a | b |".
template <typename Figure>
std::string PerConfiguration(const Report& report, Figure figure) {
  std::string row;
  for (const Configuration& configuration : report.configurations) {
    row += brevis::StrCat(" ", figure(configuration), " |");
  }
  return row;
}

std::string Name(const Configuration& c) { return c.name; }

// Side by side: each workload's ratio to its own configuration's baseline.
void ComparisonTable(const Report& report, const std::vector<CellResult>& cells,
                     std::ostringstream& out) {
  out << "\nQPS / baseline side by side (each configuration against its own "
         "baseline, all measured in this run):\n\n| workload | conc. |"
      << PerConfiguration(report, Name) << "\n| --- | ---: |"
      << PerConfiguration(report, [](const Configuration&) { return "---:"; })
      << "\n";
  for (const CellResult& row : cells) {
    if (row.configuration != Primary(report).name) continue;
    auto ratio = [&](const Configuration& configuration) {
      for (const CellResult& cell : cells) {
        if (cell.configuration == configuration.name &&
            cell.workload == row.workload &&
            cell.concurrency == row.concurrency) {
          return brevis::StrCat(RatioText(cell.ratio), " (", Fixed(cell.qps, 0),
                                " QPS)");
        }
      }
      return std::string("n/a");
    };
    out << "| " << WorkloadName(row.workload) << " | " << row.concurrency
        << " |" << PerConfiguration(report, ratio) << "\n";
  }
}

void ServerTable(const Report& report, std::ostringstream& out) {
  out << "\n| server |" << PerConfiguration(report, Name) << "\n| --- |"
      << PerConfiguration(report, [](const Configuration&) { return "---"; })
      << "\n| replicas |"
      << PerConfiguration(report,
                          [](const Configuration& c) { return c.replicas; })
      << "\n| start-up on the seeded database (slowest replica) |"
      << PerConfiguration(report,
                          [](const Configuration& c) {
                            return c.startup_seconds < 0
                                       ? std::string("n/a")
                                       : Fixed(c.startup_seconds, 2) + " s";
                          })
      << "\n| peak RSS (VmHWM, largest replica) |"
      << PerConfiguration(
             report,
             [](const Configuration& c) { return Megabytes(c.peak_rss_bytes); })
      << "\n| database size, seeded |"
      << PerConfiguration(report,
                          [](const Configuration& c) {
                            return Megabytes(c.db_bytes_seeded);
                          })
      << "\n| database size, after the run |"
      << PerConfiguration(
             report,
             [](const Configuration& c) { return Megabytes(c.db_bytes_after); })
      << "\n";
}

std::string ServerJson(const Configuration& configuration) {
  return brevis::StrCat(
      "{\"startup_seconds\": ", Fixed(configuration.startup_seconds, 3),
      ", \"peak_rss_bytes\": ", configuration.peak_rss_bytes,
      ", \"db_bytes_seeded\": ", configuration.db_bytes_seeded,
      ", \"db_bytes_after\": ", configuration.db_bytes_after, "}");
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
  // The targets of the performance issue (reads and writes close to the
  // transport), at the highest concurrency measured.
  ratio_target(Workload::kGetAudit, 0.6);
  ratio_target(Workload::kListFindings, 0.4);
  ratio_target(Workload::kListActions, 0.4);
  ratio_target(Workload::kCreateFinding, 0.35);
  ratio_target(Workload::kUpdateAction, 0.35);
  ratio_target(Workload::kMixed, 0.4);
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
  const Configuration& primary = Primary(report);
  if (primary.peak_rss_bytes >= 0) {
    report.targets.push_back({"server peak RSS", "<= 250 MB",
                              Megabytes(primary.peak_rss_bytes),
                              primary.peak_rss_bytes <= 250LL * 1048576});
  }
  if (primary.startup_seconds >= 0) {
    report.targets.push_back(
        {"start-up on the seeded database", "<= 1 s",
         brevis::StrCat(Fixed(primary.startup_seconds, 2), " s"),
         primary.startup_seconds <= 1.0});
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
      << "| servers | workload | conc. | QPS | p50 ms | p95 ms | p99 ms | "
         "QPS / baseline | writes / txn | errors |\n"
      << "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
         "|\n";
  // By configuration in the order measured, then by workload.
  auto rank = [&report](const CellResult& cell) {
    for (size_t i = 0; i < report.configurations.size(); ++i) {
      if (report.configurations[i].name == cell.configuration) return i;
    }
    return report.configurations.size();
  };
  std::vector<CellResult> cells = report.cells;
  std::stable_sort(cells.begin(), cells.end(),
                   [&rank](const CellResult& a, const CellResult& b) {
                     return std::make_pair(rank(a), a.workload) <
                            std::make_pair(rank(b), b.workload);
                   });
  for (const CellResult& cell : cells) {
    out << "| " << cell.configuration << " | " << WorkloadName(cell.workload)
        << " | " << cell.concurrency << " | " << Fixed(cell.qps, 0) << " | "
        << Fixed(cell.p50_ms, 2) << " | " << Fixed(cell.p95_ms, 2) << " | "
        << Fixed(cell.p99_ms, 2) << " | " << RatioText(cell.ratio) << " | "
        << (cell.writes_per_transaction > 0
                ? Fixed(cell.writes_per_transaction, 1)
                : "")
        << " | " << cell.errors << " |\n";
  }
  if (report.configurations.size() > 1) ComparisonTable(report, cells, out);
  ServerTable(report, out);
  if (report.flat_ratio > 0) {
    out << "\nListFindings deep page p50 (" << Primary(report).name << "), "
        << report.flat_findings_large << " / " << report.flat_findings_small
        << " findings: " << Fixed(report.flat_p50_large_ms, 2) << " ms / "
        << Fixed(report.flat_p50_small_ms, 2)
        << " ms = " << Fixed(report.flat_ratio, 2) << "\n";
  }
  out << "\n| target (" << Primary(report).name
      << ") | goal | reached | met |\n| --- | --- | --- | --- |\n";
  for (const Target& target : report.targets) {
    out << "| " << target.name << " | " << target.goal << " | "
        << target.achieved << " | " << (target.met ? "yes" : "no") << " |\n";
  }
  for (const CellResult& cell : cells) {
    if (!cell.first_error.empty()) {
      out << "\nfirst error of " << WorkloadName(cell.workload) << " at "
          << cell.concurrency << " (" << cell.configuration
          << "): " << cell.first_error << "\n";
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
      << ",\n  \"server\": " << ServerJson(Primary(report))
      << ",\n  \"configurations\": [";
  for (size_t i = 0; i < report.configurations.size(); ++i) {
    const Configuration& configuration = report.configurations[i];
    out << (i == 0 ? "\n" : ",\n")
        << "    {\"name\": " << JsonLog::Quote(configuration.name)
        << ", \"replicas\": " << configuration.replicas
        << ", \"server\": " << ServerJson(configuration) << "}";
  }
  out << "\n  ],\n  \"cells\": [";
  for (size_t i = 0; i < report.cells.size(); ++i) {
    const CellResult& cell = report.cells[i];
    out << (i == 0 ? "\n" : ",\n")
        << "    {\"configuration\": " << JsonLog::Quote(cell.configuration)
        << ", \"workload\": " << JsonLog::Quote(WorkloadName(cell.workload))
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
