// brevis-bench: seeds a realistic database, starts brevisd on it (or uses a
// running server), and measures closed-loop load per workload and
// concurrency against the transport's own baseline. Prints a Markdown table
// and writes the same figures as JSON.

#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "server/domain/str_cat.h"
#include "server/store/postgres.h"
#include "tests/bench/api_setup.h"
#include "tests/bench/load.h"
#include "tests/bench/postgres_target.h"
#include "tests/bench/report.h"
#include "tests/bench/seed.h"
#include "tests/bench/server_process.h"
#include "tests/bench/web_load.h"
#include "tests/testing/child_report.h"

namespace brevis::bench {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kStartTimeout{120000};
constexpr milliseconds kStopTimeout{10000};
constexpr milliseconds kInitTimeout{30000};

struct Flags {
  double scale = 1.0;
  double seconds = 5.0;
  std::vector<int> concurrency = {1, 8, 32};
  std::string json = "bench.json";
  std::string brevisd = BREVISD_PATH;
  std::string work_dir;
  bool keep = false;
  std::string addr;
  std::string token_file;
  uint64_t seed = 2026;
  uint64_t max_calls = 2000000;
  bool skip_flatness = false;
  bool web = false;
  std::string brevis_web = BREVIS_WEB_PATH;
  int web_people = 20;
  int web_rounds = 25;
  bool postgres = false;     // also on a throwaway PostgreSQL cluster
  std::string postgres_uri;  // also on this PostgreSQL database
  std::vector<int> replicas = {1, 3};
};

constexpr char kSqlite[] = "sqlite";

std::string PostgresName(int replicas) {
  return brevis::StrCat("postgresql x", replicas);
}

void Progress(const std::string& line) {
  std::cerr << "brevis-bench: " << line << std::endl;
}

std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' ||
                            token.back() == ' ')) {
    token.pop_back();
  }
  return token;
}

// A fresh directory under $TMPDIR; removed at the end unless --keep.
class WorkDir {
 public:
  explicit WorkDir(std::string path, bool keep) : keep_(keep) {
    if (path.empty()) {
      const char* tmp = getenv("TMPDIR");
      std::string pattern =
          brevis::StrCat(tmp != nullptr ? tmp : "/tmp", "/brevis-bench-XXXXXX");
      if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    } else {
      std::filesystem::create_directories(path);
      path_ = path;
      keep_ = true;  // never remove a directory the caller named
    }
  }
  ~WorkDir() {
    std::error_code error;
    if (!keep_ && !path_.empty()) std::filesystem::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_;
};

Targets FromSeed(const SeededData& data) {
  Targets targets;
  targets.audits = data.audits;
  targets.open_audits = data.open_audits;
  targets.open_actions = data.open_actions;
  targets.deep_audit = data.deep_audit;
  targets.busiest_unit = data.busiest_unit;
  return targets;
}

// A database made by `brevisd init` and seeded at `size` in `dir`.
absl::StatusOr<SeededData> MakeDatabase(const Flags& flags,
                                        const std::string& dir,
                                        const SeedSize& size) {
  std::filesystem::create_directories(dir);
  std::string db = dir + "/brevis.db";
  absl::Status init = RunProgram({flags.brevisd, "init", "--db", db,
                                  "--admin-token-file", dir + "/admin.token"},
                                 dir + "/init.log", kInitTimeout);
  if (!init.ok()) return init;
  Progress(brevis::StrCat("seeding ", size.units, " units, ", size.audits,
                          " audits, ", size.findings, " findings, ",
                          size.actions, " actions into ", db));
  absl::StatusOr<SeededData> data = SeedDatabase(db, size, flags.seed);
  if (data.ok()) {
    Progress(brevis::StrCat("seeded in ", Fixed(data->seconds, 1), " s; ",
                            data->overdue_actions, " overdue actions, ",
                            data->busiest_unit_overdue, " of them at ",
                            data->busiest_unit));
  }
  return data;
}

// The offset of the measured ListFindings page: three quarters into the
// deep audit.
int DeepOffset(const SeedSize& size) {
  return size.deep_audit_findings * 3 / 4 / 50 * 50;
}

CellResult FlatnessCell(LoadClient& client, const Flags& flags) {
  auto duration = milliseconds(static_cast<int64_t>(flags.seconds * 1000));
  return client.Run(Workload::kListFindings, 1, duration / 5, duration,
                    flags.max_calls);
}

double LoadAverage() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

// Every workload at every concurrency against `client`'s servers, each
// cell named `configuration` and its ratio taken to the baseline measured
// just before it. `transactions` reads the servers' committed write
// transactions (nullptr for servers whose metrics are out of reach).
void RunCells(LoadClient& client, const Flags& flags,
              const std::string& configuration, Report& report,
              const std::function<double()>& transactions) {
  if (report.load_before < 0) report.load_before = LoadAverage();
  auto duration = milliseconds(static_cast<int64_t>(flags.seconds * 1000));
  auto warmup = std::min(milliseconds(1000), duration / 5);
  for (int concurrency : flags.concurrency) {
    double baseline = 0;
    for (Workload workload :
         {Workload::kBaseline, Workload::kGetAudit, Workload::kListFindings,
          Workload::kListActions, Workload::kCreateFinding,
          Workload::kUpdateAction, Workload::kMixed}) {
      double before = transactions ? transactions() : -1;
      CellResult cell =
          client.Run(workload, concurrency, warmup, duration, flags.max_calls);
      double after = transactions ? transactions() : -1;
      if (IsWrite(workload) && before >= 0 && after > before) {
        cell.writes_per_transaction = cell.calls_ok_total / (after - before);
      }
      if (workload == Workload::kBaseline) baseline = cell.qps;
      cell.ratio = baseline > 0 ? cell.qps / baseline : 0;
      cell.configuration = configuration;
      Progress(brevis::StrCat(configuration, ": ", WorkloadName(workload),
                              " at ", concurrency, ": ", Fixed(cell.qps, 0),
                              " QPS, p99 ", Fixed(cell.p99_ms, 2), " ms, ",
                              cell.errors, " errors"));
      report.cells.push_back(cell);
    }
  }
}

// The web workload (web_load.h) beside the same brevisd. Its QPS is a
// ratio to this run's gRPC health baseline at the same concurrency, as the
// gRPC cells' are: the one in the table if the cells measured it, else one
// measured now and added to the table.
absl::Status RunWebCells(const Flags& flags, const std::string& address,
                         const std::string& certs_dir,
                         const std::string& admin_token,
                         const std::string& unit, const std::string& dir,
                         LoadClient& client, Report& report) {
  auto duration = milliseconds(static_cast<int64_t>(flags.seconds * 1000));
  double baseline_qps = 0;
  for (const CellResult& cell : report.cells) {
    if (cell.workload == Workload::kBaseline && cell.configuration == kSqlite &&
        cell.concurrency == flags.web_people) {
      baseline_qps = cell.qps;
    }
  }
  if (baseline_qps == 0) {
    CellResult baseline = client.Run(Workload::kBaseline, flags.web_people,
                                     std::min(milliseconds(1000), duration / 5),
                                     duration, flags.max_calls);
    baseline.ratio = 1;
    baseline.configuration = kSqlite;
    baseline_qps = baseline.qps;
    report.cells.push_back(baseline);
  }
  WebLoadOptions options;
  options.brevis_web = flags.brevis_web;
  options.brevisd_addr = address;
  options.certs_dir = certs_dir;
  options.admin_token = admin_token;
  options.unit = unit;
  options.work_dir = dir;
  options.people = flags.web_people;
  options.max_rounds = flags.web_rounds;
  options.duration = duration;
  absl::StatusOr<std::vector<CellResult>> cells = RunWebLoad(options);
  if (!cells.ok()) return cells.status();
  for (CellResult& cell : *cells) {
    cell.ratio = baseline_qps > 0 ? cell.qps / baseline_qps : 0;
    cell.configuration = kSqlite;
    Progress(brevis::StrCat(WorkloadName(cell.workload), " with ",
                            cell.concurrency, " people: ", Fixed(cell.qps, 1),
                            " QPS, p95 ", Fixed(cell.p95_ms, 1), " ms, ",
                            cell.errors, " errors"));
    report.cells.push_back(std::move(cell));
  }
  return absl::OkStatus();
}

// The committed write transactions of all `servers`; -1 when one cannot be
// read.
double WriteTransactions(
    const std::vector<std::unique_ptr<ServerProcess>>& servers) {
  double total = 0;
  for (const auto& server : servers) {
    double count = server->Metric("brevis_write_transactions_total");
    if (count < 0) return -1;
    total += count;
  }
  return total;
}

// The cells against `replicas` brevisd on the PostgreSQL database, the
// load's callers spread over them round-robin (one channel each).
absl::Status RunPostgresCells(const Flags& flags, const PostgresTarget& target,
                              int replicas, const std::string& dir,
                              const std::string& token, const SeededData& data,
                              const SeedSize& size, Report& report) {
  Configuration configuration;
  configuration.name = PostgresName(replicas);
  configuration.replicas = replicas;
  configuration.db_bytes_seeded = target.DatabaseBytes();
  auto servers =
      StartReplicas(flags.brevisd, target.uri(), dir, replicas, kStartTimeout);
  if (!servers.ok()) return servers.status();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (const auto& server : *servers) {
    configuration.startup_seconds =
        std::max(configuration.startup_seconds, server->startup_seconds());
    channels.push_back(server->Channel());
  }
  Progress(brevis::StrCat(configuration.name, ": ", replicas,
                          " brevisd serving ", target.Describe(),
                          ", the slowest after ",
                          Fixed(configuration.startup_seconds, 2), " s"));
  LoadClient client(channels, token, FromSeed(data));
  if (absl::Status s = client.FindDeepPage(DeepOffset(size)); !s.ok()) {
    return s;
  }
  RunCells(client, flags, configuration.name, report,
           [&servers] { return WriteTransactions(*servers); });
  for (const auto& server : *servers) {
    configuration.peak_rss_bytes =
        std::max(configuration.peak_rss_bytes, server->PeakRssBytes());
    if (absl::Status s = server->Stop(kStopTimeout); !s.ok()) return s;
  }
  configuration.db_bytes_after = target.DatabaseBytes();
  report.configurations.push_back(configuration);
  return absl::OkStatus();
}

absl::Status RunLocal(const Flags& flags, Report& report) {
  WorkDir work(flags.work_dir, flags.keep);
  if (work.path().empty()) {
    return absl::FailedPreconditionError("cannot make a work directory");
  }
  SeedSize size = SeedSize::FromScale(flags.scale);
  std::string large_dir = work.path() + "/large";
  absl::StatusOr<SeededData> data = MakeDatabase(flags, large_dir, size);
  if (!data.ok()) return data.status();
  std::string db = large_dir + "/brevis.db";
  report.size = size;
  report.seed_seconds = data->seconds;
  std::string admin_token = ReadToken(large_dir + "/admin.token");

  // PostgreSQL gets the same data, copied before the SQLite run writes.
  std::unique_ptr<PostgresTarget> postgres;
  if (flags.postgres || !flags.postgres_uri.empty()) {
    auto target = PostgresTarget::Open(flags.postgres_uri);
    if (!target.ok()) return target.status();
    postgres = *std::move(target);
    Progress(brevis::StrCat("copying ", db, " into ", postgres->Describe(),
                            " (brevisd init, brevisd copy)"));
    if (absl::Status s =
            postgres->LoadFrom(flags.brevisd, db, large_dir, kStartTimeout);
        !s.ok()) {
      return s;
    }
  }

  Configuration sqlite;
  sqlite.name = kSqlite;
  sqlite.db_bytes_seeded = DatabaseBytes(db);
  {
    // brevis-web signs in to brevisd over mutual TLS, so with --web brevisd
    // serves TLS (for the gRPC cells of this run too).
    std::string certs_dir;
    if (flags.web) {
      certs_dir = large_dir + "/certs";
      if (absl::Status made =
              RunProgram({"/bin/bash", BREVIS_MAKE_CERTS, certs_dir},
                         large_dir + "/make-certs.log", kStartTimeout);
          !made.ok()) {
        return made;
      }
    }
    auto server = ServerProcess::Start(flags.brevisd, db, large_dir,
                                       kStartTimeout, certs_dir);
    if (!server.ok()) return server.status();
    report.server_address = (*server)->address();
    sqlite.startup_seconds = (*server)->startup_seconds();
    Progress(brevis::StrCat("brevisd serving at ", (*server)->address(),
                            " after ", Fixed(sqlite.startup_seconds, 2), " s"));
    LoadClient client({(*server)->Channel()}, admin_token, FromSeed(*data));
    if (absl::Status s = client.FindDeepPage(DeepOffset(size)); !s.ok()) {
      return s;
    }
    RunCells(client, flags, kSqlite, report, [&server] {
      return (*server)->Metric("brevis_write_transactions_total");
    });
    if (flags.web) {
      absl::Status web =
          RunWebCells(flags, (*server)->address(), certs_dir, admin_token,
                      data->busiest_unit, large_dir, client, report);
      if (!web.ok()) return web;
    }
    if (!flags.skip_flatness) {
      CellResult flat = FlatnessCell(client, flags);
      report.flat_findings_large = size.findings;
      report.flat_p50_large_ms = flat.p50_ms;
    }
    sqlite.peak_rss_bytes = (*server)->PeakRssBytes();
    if (absl::Status s = (*server)->Stop(kStopTimeout); !s.ok()) return s;
  }
  sqlite.db_bytes_after = DatabaseBytes(db);
  report.configurations.push_back(sqlite);

  if (postgres != nullptr) {
    for (int replicas : flags.replicas) {
      absl::Status s = RunPostgresCells(
          flags, *postgres, replicas,
          brevis::StrCat(work.path(), "/postgresql-", replicas), admin_token,
          *data, size, report);
      if (!s.ok()) return s;
    }
  }
  report.load_after = LoadAverage();
  if (flags.skip_flatness) return absl::OkStatus();

  // The same deep page in a database with a hundredth of the findings.
  SeedSize small = size.WithFindings(size.findings / 100);
  std::string small_dir = work.path() + "/small";
  absl::StatusOr<SeededData> small_data = MakeDatabase(flags, small_dir, small);
  if (!small_data.ok()) return small_data.status();
  auto server = ServerProcess::Start(flags.brevisd, small_dir + "/brevis.db",
                                     small_dir, kStartTimeout);
  if (!server.ok()) return server.status();
  LoadClient client({(*server)->Channel()},
                    ReadToken(small_dir + "/admin.token"),
                    FromSeed(*small_data));
  if (absl::Status s = client.FindDeepPage(DeepOffset(small)); !s.ok()) {
    return s;
  }
  CellResult flat = FlatnessCell(client, flags);
  report.flat_findings_small = small.findings;
  report.flat_p50_small_ms = flat.p50_ms;
  if (flat.p50_ms > 0) {
    report.flat_ratio = report.flat_p50_large_ms / flat.p50_ms;
  }
  return (*server)->Stop(kStopTimeout);
}

absl::Status RunRemote(const Flags& flags, Report& report) {
  if (flags.token_file.empty()) {
    return absl::InvalidArgumentError("--addr needs --token-file");
  }
  std::string token = ReadToken(flags.token_file);
  auto channel =
      grpc::CreateChannel(flags.addr, grpc::InsecureChannelCredentials());
  report.server_address = flags.addr;
  SeedSize size = SeedSize::FromScale(flags.scale);
  Progress(brevis::StrCat("making a working set at ", flags.addr,
                          " through the API"));
  absl::StatusOr<Targets> targets = SetUpThroughApi(channel, token, size);
  if (!targets.ok()) return targets.status();
  report.size = size;
  report.configurations.push_back({.name = "remote"});
  LoadClient client({channel}, token, *std::move(targets));
  if (absl::Status s = client.FindDeepPage(DeepOffset(size)); !s.ok()) {
    return s;
  }
  RunCells(client, flags, "remote", report, nullptr);
  report.load_after = LoadAverage();
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  Flags flags;
  CLI::App app{
      "brevis-bench: seeds a database, starts brevisd on it and measures "
      "closed-loop load against the health check's baseline"};
  app.add_option("--scale", flags.scale,
                 "Data set size; 1 is 300 units, 10,000 audits, 1,000,000 "
                 "findings, 200,000 actions")
      ->capture_default_str()
      ->check(CLI::Range(0.0001, 10.0));
  app.add_option("--seconds", flags.seconds, "Measured time per cell")
      ->capture_default_str()
      ->check(CLI::Range(0.2, 600.0));
  app.add_option("--concurrency", flags.concurrency,
                 "Concurrent callers, one cell each")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--json", flags.json, "Where to write the JSON results")
      ->capture_default_str();
  app.add_option("--brevisd", flags.brevisd, "The brevisd binary")
      ->capture_default_str();
  app.add_option("--work-dir", flags.work_dir,
                 "Where the databases go (kept); default: a temporary "
                 "directory, removed at the end");
  app.add_flag("--keep", flags.keep, "Keep the temporary directory");
  app.add_option("--addr", flags.addr,
                 "Measure a running brevisd at HOST:PORT (plaintext) instead; "
                 "a working set is made through its API");
  app.add_option("--token-file", flags.token_file,
                 "With --addr: a file holding an admin token");
  app.add_option("--seed", flags.seed, "Random seed of the data set")
      ->capture_default_str();
  app.add_option("--max-calls", flags.max_calls,
                 "At most this many calls a cell")
      ->capture_default_str();
  app.add_flag("--skip-flatness", flags.skip_flatness,
               "Skip the list-flatness check (it seeds a second database)");
  app.add_flag("--web", flags.web,
               "Also measure brevis-web beside brevisd: people sign in once "
               "with sign-in links, then open the audit page and post a "
               "finding in a closed loop (local runs only)");
  app.add_option("--brevis-web", flags.brevis_web, "The brevis-web binary")
      ->capture_default_str();
  app.add_option("--web-people", flags.web_people,
                 "Concurrent people of the web workload")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--web-rounds", flags.web_rounds,
                 "At most this many page + post rounds a person")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_flag("--postgres", flags.postgres,
               "Also measure brevisd on PostgreSQL, on a throwaway cluster "
               "this run starts (initdb and pg_ctl on PATH; Unix socket only, "
               "fsync on), with the same data copied in by `brevisd copy`");
  app.add_option("--db", flags.postgres_uri,
                 "Also measure brevisd on PostgreSQL, on this database: the "
                 "postgresql:// URI of an existing empty database made with "
                 "TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' (the run "
                 "sets it up with `brevisd init` and fills it)");
  app.add_option("--replicas", flags.replicas,
                 "With --postgres or --db: how many brevisd replicas share the "
                 "database, one set of cells each (the callers spread over "
                 "them round-robin)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 8));
  CLI11_PARSE(app, argc, argv);
  if (flags.web && !flags.addr.empty()) {
    std::cerr << "brevis-bench: --web needs a local run (not --addr)\n";
    return 2;
  }
  if (!flags.postgres_uri.empty() &&
      !store::pg::IsPostgresUri(flags.postgres_uri)) {
    std::cerr << "brevis-bench: --db must be a postgresql:// URI (the SQLite "
                 "database is always made by the run)\n";
    return 2;
  }
  if (flags.postgres && !flags.postgres_uri.empty()) {
    std::cerr << "brevis-bench: --postgres starts its own cluster; give "
                 "either it or --db\n";
    return 2;
  }
  if ((flags.postgres || !flags.postgres_uri.empty()) && !flags.addr.empty()) {
    std::cerr << "brevis-bench: --postgres and --db need a local run (not "
                 "--addr)\n";
    return 2;
  }

  Report report;
  report.scale = flags.scale;
  report.cell_seconds = flags.seconds;
  report.mode = flags.addr.empty() ? "local" : "remote";
  absl::Status status =
      flags.addr.empty() ? RunLocal(flags, report) : RunRemote(flags, report);
  if (!status.ok()) {
    std::cerr << "brevis-bench: " << status.message() << "\n"
              << brevis::testing::TakeReports() << std::flush;
    return 1;
  }
  EvaluateTargets(report);
  std::cout << MarkdownReport(report) << std::flush;
  std::ofstream json(flags.json);
  json << JsonReport(report);
  json.close();
  if (!json) {
    std::cerr << "brevis-bench: cannot write " << flags.json << std::endl;
    return 1;
  }
  Progress(brevis::StrCat("wrote ", flags.json));
  return 0;
}

}  // namespace
}  // namespace brevis::bench

int main(int argc, char** argv) { return brevis::bench::Main(argc, argv); }
