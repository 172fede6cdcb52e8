// brevisd killed with SIGKILL at random instants while clients write: every
// write it acknowledged must be there after the restart, exactly once, with
// exactly one event in a change feed without gaps, and the file must be
// whole. 20 kills here, 200 with BREVIS_LONG_FAULTS=1.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "brevis/v1/event.pb.h"
#include "server/domain/str_cat.h"
#include "tests/fault/fault_support.h"

namespace brevis::fault {
namespace {

constexpr int kShortRounds = 20;
constexpr int kLongRounds = 200;
constexpr int kWriters = 4;
// Each writer's bound per round; a round is over in well under a second.
constexpr int kMaxWritesPerRound = 2000;
constexpr milliseconds kWriteTimeout{3000};
// How long the writers run before the kill: a random instant in this range.
constexpr int kMinKillDelayMs = 5;
constexpr int kMaxKillDelayMs = 250;
// Every fifth round kills brevisd while it is still starting (recovering
// the WAL, checking the file) instead of under load.
constexpr int kStartupKillEvery = 5;
constexpr int kMaxStartupKillDelayMs = 60;

// One create call: a unit or a finding, told apart by the unique text.
struct Write {
  bool unit = false;
  std::string request_id;
  std::string text;  // the unit's display_name or the finding's text
  std::string name;  // set once acknowledged
};

// What the writers saw: acknowledged writes and those whose outcome is
// unknown because brevisd died during the call. Thread-safe.
class Ledger {
 public:
  void Acknowledged(Write write) {
    std::lock_guard<std::mutex> lock(mu_);
    acknowledged_.push_back(std::move(write));
  }
  void Unknown(Write write) {
    std::lock_guard<std::mutex> lock(mu_);
    unknown_.push_back(std::move(write));
  }
  std::vector<Write> TakeUnknown() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(unknown_, {});
  }
  std::vector<Write> acknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    return acknowledged_;
  }

 private:
  std::mutex mu_;
  std::vector<Write> acknowledged_;
  std::vector<Write> unknown_;
};

// Text -> the names of the rows that hold it.
using Stored = std::map<std::string, std::vector<std::string>>;

class KillTest : public FaultTest {
 protected:
  Stored StoredInFile() {
    Stored stored;
    std::string error;
    auto rows = QueryColumn(
        db_path_,
        "SELECT 'audits/' || a.uid || '/findings/' || f.uid || char(9) || "
        "f.text FROM findings f JOIN audits a ON a.id = f.audit_id "
        "UNION ALL SELECT 'units/' || uid || char(9) || display_name "
        "FROM units",
        &error);
    EXPECT_TRUE(rows.has_value()) << error;
    for (const std::string& row : rows.value_or(std::vector<std::string>())) {
      size_t tab = row.find('\t');
      stored[row.substr(tab + 1)].push_back(row.substr(0, tab));
    }
    return stored;
  }

  Stored StoredByServer(const std::string& audit) {
    Stored stored;
    for (const v1::Finding& finding : ListAllFindings(audit)) {
      stored[finding.text()].push_back(finding.name());
    }
    for (const v1::Unit& unit : ListAllUnits()) {
      stored[unit.display_name()].push_back(unit.name());
    }
    return stored;
  }

  // The change feed: sequences 1..N with no gap or repeat, and exactly one
  // "created" event for each acknowledged create, a retried one included.
  void ExpectEvents(const std::vector<Write>& acknowledged) {
    std::string error;
    auto span =
        QueryColumn(db_path_,
                    "SELECT count(*) || ' ' || count(DISTINCT sequence) "
                    "|| ' ' || coalesce(min(sequence), 0) || ' ' || "
                    "coalesce(max(sequence), 0) FROM events",
                    &error);
    ASSERT_TRUE(span.has_value()) << error;
    int64_t count = 0, distinct = 0, first = 0, last = 0;
    std::istringstream(span->front()) >> count >> distinct >> first >> last;
    ASSERT_GT(count, 0);
    EXPECT_EQ(distinct, count) << "a repeated event sequence";
    EXPECT_EQ(first, 1);
    ASSERT_EQ(last - first + 1, count)
        << "a gap in the event sequence: " << span->front();
    auto created = QueryColumn(db_path_,
                               "SELECT resource FROM events WHERE kind = " +
                                   std::to_string(v1::EVENT_KIND_CREATED),
                               &error);
    ASSERT_TRUE(created.has_value()) << error;
    std::map<std::string, int> events;
    for (const std::string& resource : *created) ++events[resource];
    size_t wrong = 0;
    for (const Write& write : acknowledged) {
      auto it = events.find(write.name);
      int found = it == events.end() ? 0 : it->second;
      if (found != 1 && ++wrong <= 5) {
        ADD_FAILURE() << write.name << " (" << write.text << ") has " << found
                      << " created events";
      }
    }
    ASSERT_EQ(wrong, 0u);
  }

  static void ExpectExactly(const std::vector<Write>& acknowledged,
                            const Stored& stored, const std::string& where) {
    size_t missing = 0;
    for (const Write& write : acknowledged) {
      auto it = stored.find(write.text);
      if (it == stored.end()) {
        if (++missing <= 5)
          ADD_FAILURE() << "lost " << where << ": " << write.text;
        continue;
      }
      EXPECT_EQ(it->second, std::vector<std::string>{write.name})
          << write.text << " " << where;
    }
    ASSERT_EQ(missing, 0u) << "acknowledged writes lost " << where;
    ASSERT_EQ(stored.size(), acknowledged.size())
        << "rows " << where << " that were never acknowledged nor retried";
  }

  // Sends `write` once; fills write->name when acknowledged.
  static grpc::Status Send(v1::DirectoryService::Stub& directory,
                           v1::AuditService::Stub& audits,
                           const std::string& audit, Write* write) {
    auto context = Deadline(kWriteTimeout);
    if (write->unit) {
      v1::CreateUnitRequest request;
      *request.mutable_unit() = ExampleUnit(write->text);
      request.set_request_id(write->request_id);
      v1::Unit created;
      grpc::Status status =
          directory.CreateUnit(context.get(), request, &created);
      write->name = created.name();
      return status;
    }
    v1::CreateFindingRequest request;
    request.set_parent(audit);
    *request.mutable_finding() = ExampleFinding(write->text);
    request.set_request_id(write->request_id);
    v1::Finding created;
    grpc::Status status =
        audits.CreateFinding(context.get(), request, &created);
    write->name = created.name();
    return status;
  }

  // One writer until `stop` or its first failed call (brevisd is gone).
  static void Writer(std::shared_ptr<grpc::Channel> channel, int round,
                     int writer, const std::string& audit,
                     std::atomic<bool>* stop, Ledger* ledger) {
    auto directory = v1::DirectoryService::NewStub(channel);
    auto audits = v1::AuditService::NewStub(channel);
    for (int i = 0; i < kMaxWritesPerRound && !stop->load(); ++i) {
      Write write;
      write.unit = writer == 0;
      write.request_id = StrCat("k", round, "-", writer, "-", i);
      write.text = StrCat(write.unit ? "BUP Enhet " : "Iakttagelse ",
                          write.request_id, " om delaktighet");
      grpc::Status status = Send(*directory, *audits, audit, &write);
      if (status.ok()) {
        ledger->Acknowledged(std::move(write));
      } else {
        ledger->Unknown(std::move(write));
        return;
      }
    }
  }
};

TEST_F(KillTest, AcknowledgedWritesSurviveSigkillAtRandomInstants) {
  const int rounds = LongFaults() ? kLongRounds : kShortRounds;
  const uint32_t seed = FaultSeed();
  SCOPED_TRACE(StrCat("BREVIS_FAULT_SEED=", seed));
  std::mt19937 random(seed);
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string unit = MustCreateUnit("BUP Prima Handen").name();
  const std::string audit = MustCreateAudit(unit).name();
  ASSERT_FALSE(audit.empty());
  Ledger ledger;
  ledger.Acknowledged(Write{true, "", "BUP Prima Handen", unit});

  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(StrCat("round ", round));
    if (server_ == nullptr) {
      ASSERT_NO_FATAL_FAILURE(Start());
    }

    if (round % kStartupKillEvery == kStartupKillEvery - 1) {
      // A kill during start-up, then a clean start for the checks below.
      channel_.reset();
      server_.reset();  // SIGKILLs and reaps the running one
      std::string error;
      server_ = e2e::BrevisdProcess::Start(
          {"serve", "--db", db_path_, "--listen", "127.0.0.1:0"}, &error);
      ASSERT_NE(server_, nullptr) << error;
      std::this_thread::sleep_for(
          milliseconds(std::uniform_int_distribution<int>(
              0, kMaxStartupKillDelayMs)(random)));
      server_.reset();
      ASSERT_NO_FATAL_FAILURE(Start());
    }

    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back(Writer, NewChannel(), round, w, audit, &stop,
                           &ledger);
    }
    server_->ReadOutputFor(milliseconds(std::uniform_int_distribution<int>(
        kMinKillDelayMs, kMaxKillDelayMs)(random)));
    channel_.reset();
    Kill();
    stop = true;
    for (std::thread& writer : writers) writer.join();
    if (HasFatalFailure()) return;

    ASSERT_NO_FATAL_FAILURE(Start());
    FileCheck check = CheckFile(db_path_);
    ASSERT_EQ(check.error, "");
    ASSERT_EQ(check.integrity, "ok");
    ASSERT_TRUE(check.foreign_keys.empty())
        << "foreign_key_check: " << check.foreign_keys.size()
        << " rows, first in table " << check.foreign_keys.front();

    // A write cut off by the kill is retried with its request_id, as a
    // client would: it is created now or returned as first made, once.
    for (Write& write : ledger.TakeUnknown()) {
      grpc::Status status = Send(*directory_, *audits_, audit, &write);
      ASSERT_TRUE(status.ok())
          << "retry of " << write.request_id << ": " << status.error_code()
          << " " << status.error_message();
      ledger.Acknowledged(std::move(write));
    }

    // Every acknowledged write is there exactly once with its own name,
    // and nothing else is: read from the file each round (cheap), and
    // through the restarted server after the last.
    ASSERT_NO_FATAL_FAILURE(
        ExpectExactly(ledger.acknowledged(), StoredInFile(), "in the file"));
    ASSERT_NO_FATAL_FAILURE(ExpectEvents(ledger.acknowledged()));
    if (round == rounds - 1) {
      ASSERT_NO_FATAL_FAILURE(ExpectExactly(
          ledger.acknowledged(), StoredByServer(audit), "through the API"));
    }
    if (HasFailure()) return;
  }
  std::cout << "[ kill test ] " << rounds << " kills, "
            << ledger.acknowledged().size() << " acknowledged writes, seed "
            << seed << "\n";
}

}  // namespace
}  // namespace brevis::fault
