// Power cuts at random instants, simulated at SQLite's file layer (see
// power_cut_vfs.h): whatever was not synced when the power went may be
// lost, in part or whole. After each cut the database is opened again the
// way brevisd opens it, and must hold every write the API acknowledged
// before the cut and the access-log entry of every read it served, pass
// integrity_check and foreign_key_check, and number its events without a
// gap. The SIGKILL test (kill_test.cc) cannot show this: the kernel keeps
// what a killed process wrote.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "server/api/server.h"
#include "server/domain/clock.h"
#include "server/json_log.h"
#include "server/operator_tokens.h"
#include "server/store/database.h"
#include "tests/fault/fault_support.h"
#include "tests/fault/power_cut_vfs.h"
#include "tests/testing/bearer_channel.h"

namespace brevis::fault {
namespace {

constexpr int kShortCuts = 20;
constexpr int kLongCuts = 200;
// The cut falls on one of the first this many writes, syncs and truncates
// after the set-up: a few dozen calls, with checkpoints among them.
constexpr int64_t kLatestCut = 600;
constexpr int kWorkers = 3;
// A bound on each worker's loop should the cut never come.
constexpr int kMaxRounds = 400;
// Every this many rounds the first worker checkpoints the WAL into the
// main file, as SQLite does by itself once the WAL is large, so that cuts
// also fall inside checkpoints.
constexpr int kCheckpointEvery = 4;
constexpr milliseconds kCallTimeout{10000};

// What the API acknowledged before the cut.
struct Acknowledged {
  std::mutex mu;
  std::vector<std::string> created;  // findings whose CreateFinding was OK
  std::vector<std::string> read;     // findings whose GetFinding was OK
  std::vector<std::string> call_errors;
};

struct Server {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<api::ApiServer> api;
  std::shared_ptr<grpc::Channel> channel;
};

// brevisd's database at `path` served in this process, with a channel that
// calls as the admin whose secret is in `token_file`. Empty with *error set
// when it cannot start.
Server Serve(const std::string& path, const std::string& token_file,
             const domain::Clock& clock, std::string* error) {
  Server server;
  store::DatabaseOptions options;
  options.path = path;
  auto db = store::Database::Open(options);
  if (!db.ok()) {
    *error = "opening the database: " + std::string(db.status().message());
    return Server();
  }
  server.db = std::move(*db);
  api::ServerOptions api_options;
  api_options.listen_address = "127.0.0.1:0";
  auto api = api::ApiServer::Start(api_options, server.db.get(), &clock);
  if (!api.ok()) {
    *error = "starting the server: " + std::string(api.status().message());
    return Server();
  }
  server.api = std::move(*api);
  std::ifstream in(token_file);
  std::string secret;
  std::getline(in, secret);
  server.channel = testing::BearerChannel(
      "127.0.0.1:" + std::to_string(server.api->port()), secret);
  return server;
}

// One worker's calls until the power goes: a finding created, then read.
void Work(int worker, const std::string& audit, const std::string& db_path,
          PowerCutVfs& vfs, std::shared_ptr<grpc::Channel> channel,
          Acknowledged& acknowledged) {
  auto audits = v1::AuditService::NewStub(channel);
  std::unique_ptr<store::Connection> checkpointer;
  if (worker == 0) {
    auto connection = store::SqliteConnection::Open(db_path, false, false);
    if (connection.ok()) checkpointer = std::move(*connection);
  }
  for (int round = 0; round < kMaxRounds && !vfs.cut(); ++round) {
    if (checkpointer != nullptr && round % kCheckpointEvery == 0) {
      // Its failure after the cut is expected; it acknowledges nothing.
      checkpointer->Exec("PRAGMA wal_checkpoint(PASSIVE)").IgnoreError();
    }
    v1::CreateFindingRequest create;
    create.set_parent(audit);
    *create.mutable_finding() = ExampleFinding(
        "Iakttagelse " + std::to_string(worker) + "." + std::to_string(round) +
        ": unga vill vara med när beslut fattas.");
    v1::Finding created;
    grpc::Status status =
        audits->CreateFinding(Deadline(kCallTimeout).get(), create, &created);
    if (!status.ok()) {
      // After the cut a call fails with a status; before it, none may.
      if (!vfs.cut()) {
        std::lock_guard<std::mutex> lock(acknowledged.mu);
        acknowledged.call_errors.push_back("CreateFinding before the cut: " +
                                           status.error_message());
      }
      break;
    }
    {
      std::lock_guard<std::mutex> lock(acknowledged.mu);
      acknowledged.created.push_back(created.name());
    }
    v1::GetFindingRequest get;
    get.set_name(created.name());
    v1::Finding read;
    status = audits->GetFinding(Deadline(kCallTimeout).get(), get, &read);
    if (!status.ok()) break;
    std::lock_guard<std::mutex> lock(acknowledged.mu);
    acknowledged.read.push_back(created.name());
  }
}

// What one cut left, against what was acknowledged: one line per problem.
std::vector<std::string> Verify(const std::string& path,
                                const std::string& token_file,
                                const Acknowledged& acknowledged) {
  std::vector<std::string> problems;
  domain::SystemClock clock;
  std::string error;
  Server server = Serve(path, token_file, clock, &error);
  if (server.db == nullptr) return {"brevisd cannot reopen it: " + error};

  FileCheck check = CheckFile(path);
  if (!check.error.empty()) problems.push_back("check: " + check.error);
  if (check.integrity != "ok") {
    problems.push_back("integrity_check: " + check.integrity);
  }
  for (const std::string& row : check.foreign_keys) {
    problems.push_back("foreign_key_check: a row of " + row);
  }
  auto events = QueryColumn(
      path,
      "SELECT count(*) || ' events, ' || "
      "coalesce(max(sequence) - min(sequence) + 1, 0) || ' numbers' "
      "FROM events",
      &error);
  if (!events.has_value() || events->size() != 1) {
    problems.push_back("cannot count the events: " + error);
  } else {
    std::istringstream words((*events)[0]);
    int64_t count = -1;
    int64_t numbers = -2;
    std::string skip;
    words >> count >> skip >> numbers;
    if (count != numbers) {
      problems.push_back("a gap in the event sequence: " + (*events)[0]);
    }
  }

  // The access log first: the reads below would add entries of their own.
  auto log = v1::AccessLogService::NewStub(server.channel);
  for (const std::string& name : acknowledged.read) {
    v1::ListAccessLogRequest request;
    request.set_resource_prefix(name);
    request.set_page_size(10);
    v1::ListAccessLogResponse response;
    grpc::Status status =
        log->ListAccessLog(Deadline(kCallTimeout).get(), request, &response);
    if (!status.ok()) {
      problems.push_back("ListAccessLog: " + status.error_message());
    } else if (response.entries_size() == 0) {
      problems.push_back("served read of " + name + " has no access-log entry");
    }
  }
  auto audits = v1::AuditService::NewStub(server.channel);
  for (const std::string& name : acknowledged.created) {
    v1::GetFindingRequest request;
    request.set_name(name);
    v1::Finding finding;
    grpc::Status status =
        audits->GetFinding(Deadline(kCallTimeout).get(), request, &finding);
    if (!status.ok()) {
      problems.push_back("acknowledged " + name +
                         " is lost: " + status.error_message());
    }
  }
  return problems;
}

struct CutResult {
  std::string what;  // the cut, the loss and what the files kept
  size_t created = 0;
  size_t read = 0;
  std::vector<std::string> problems;
};

const char* LossName(Loss loss) {
  switch (loss) {
    case Loss::kAll:
      return "every unsynced operation lost";
    case Loss::kPrefix:
      return "a prefix of them kept";
    case Loss::kSubset:
      return "a random subset of them kept";
  }
  return "?";
}

// One database: set up, load, cut, restore the power, verify. The cut's
// instant and the loss are drawn from `random` unless given.
CutResult RunCut(std::mt19937& random, bool syncs_lie,
                 std::optional<Loss> forced_loss = std::nullopt,
                 std::optional<int64_t> forced_cut = std::nullopt) {
  CutResult result;
  e2e::TempDir dir;
  const std::string path = dir.File("brevis.db");
  const std::string token_file = dir.File("admin.token");
  PowerCutVfs vfs;
  domain::SystemClock clock;
  std::string audit;
  Acknowledged acknowledged;
  const int64_t cut_at = forced_cut.value_or(
      std::uniform_int_distribution<int64_t>(1, kLatestCut)(random));
  const Loss loss = forced_loss.value_or(static_cast<Loss>(random() % 3));
  {
    absl::Status created =
        store::CreateDatabase(path, store::EmbeddedMigrations());
    if (!created.ok()) return {"init", 0, 0, {std::string(created.message())}};
    {
      store::DatabaseOptions options;
      options.path = path;
      auto db = store::Database::Open(options);
      if (!db.ok()) return {"open", 0, 0, {std::string(db.status().message())}};
      auto token = IssueOperatorToken(**db, clock, std::nullopt, token_file,
                                      absl::Hours(1), true);
      if (!token.ok()) {
        return {"token", 0, 0, {std::string(token.status().message())}};
      }
    }
    std::string error;
    Server server = Serve(path, token_file, clock, &error);
    if (server.db == nullptr) return {"serve", 0, 0, {error}};
    auto directory = v1::DirectoryService::NewStub(server.channel);
    auto audits = v1::AuditService::NewStub(server.channel);
    v1::CreateUnitRequest unit_request;
    *unit_request.mutable_unit() = ExampleUnit("BUP Prima Handen");
    v1::Unit unit;
    grpc::Status status = directory->CreateUnit(Deadline(kCallTimeout).get(),
                                                unit_request, &unit);
    v1::CreateAuditRequest audit_request;
    *audit_request.mutable_audit() = ExampleAudit(unit.name());
    v1::Audit created_audit;
    if (status.ok()) {
      status = audits->CreateAudit(Deadline(kCallTimeout).get(), audit_request,
                                   &created_audit);
    }
    if (!status.ok()) return {"set-up", 0, 0, {status.error_message()}};
    audit = created_audit.name();

    vfs.set_syncs_lie(syncs_lie);
    vfs.ArmCut(cut_at);
    std::vector<std::thread> workers;
    for (int worker = 0; worker < kWorkers; ++worker) {
      workers.emplace_back(Work, worker, audit, path, std::ref(vfs),
                           server.channel, std::ref(acknowledged));
    }
    for (std::thread& worker : workers) worker.join();
    vfs.CutNow();  // should the workers have ended before it
    // The process "dies": the server and the database go with the power
    // off, so nothing they write on the way out reaches the disk.
  }
  // Written only by a close after the cut, which a real cut never allows.
  std::filesystem::remove(path + ".clean");
  result.what =
      "cut at operation " + std::to_string(cut_at) + ", " + LossName(loss);
  for (const std::string& line : vfs.RestorePower(loss, random)) {
    result.what += "\n  " + line;
  }
  result.created = acknowledged.created.size();
  result.read = acknowledged.read.size();
  result.problems = acknowledged.call_errors;
  for (std::string& problem : Verify(path, token_file, acknowledged)) {
    result.problems.push_back(std::move(problem));
  }
  return result;
}

class PowerLossTest : public ::testing::Test {
 protected:
  void SetUp() override { JsonLog::Global().Redirect(&server_log_); }
  void TearDown() override { JsonLog::Global().Redirect(&std::cerr); }
  // brevisd's own log of the failures a cut causes, kept out of the output.
  std::ostringstream server_log_;
};

TEST_F(PowerLossTest, AcknowledgedWritesAndServedReadsSurviveAPowerCut) {
  const int cuts = LongFaults() ? kLongCuts : kShortCuts;
  const uint32_t seed = FaultSeed();
  SCOPED_TRACE("replay with BREVIS_FAULT_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  size_t created = 0;
  size_t read = 0;
  for (int i = 0; i < cuts; ++i) {
    CutResult result = RunCut(random, /*syncs_lie=*/false);
    created += result.created;
    read += result.read;
    std::string problems;
    for (const std::string& problem : result.problems) {
      problems += "\n  " + problem;
    }
    EXPECT_TRUE(result.problems.empty())
        << "cut " << i << " (" << result.what << "), " << result.created
        << " findings acknowledged, " << result.read
        << " reads served:" << problems;
    if (HasFailure()) break;
  }
  // A cut that always fell before the first call would prove nothing.
  EXPECT_GT(created, static_cast<size_t>(cuts));
  EXPECT_GT(read, static_cast<size_t>(cuts));
  std::cout << "[ power loss ] " << cuts << " cuts, " << created
            << " findings acknowledged, " << read << " reads served, seed "
            << seed << "\n";
}

// The test above can fail: when syncs make nothing durable (a disk that
// lies, or synchronous=OFF), a cut that loses every unsynced write loses
// the acknowledged findings, and the same checks say so.
TEST_F(PowerLossTest, CatchesWritesLostWhenSyncsAreNotDurable) {
  const uint32_t seed = FaultSeed();
  SCOPED_TRACE("replay with BREVIS_FAULT_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  CutResult result = RunCut(random, /*syncs_lie=*/true, Loss::kAll, kLatestCut);
  ASSERT_GT(result.created, 0u) << result.what;
  bool lost = false;
  for (const std::string& problem : result.problems) {
    lost |= problem.find("is lost") != std::string::npos;
  }
  EXPECT_TRUE(lost) << "syncs kept nothing and every unsynced write was "
                       "dropped, yet no acknowledged finding was missed ("
                    << result.what << ")";
}

}  // namespace
}  // namespace brevis::fault
