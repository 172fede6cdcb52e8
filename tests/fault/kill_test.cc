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
#include "tests/fault/write_ledger.h"

namespace brevis::fault {
namespace {

constexpr int kShortRounds = 20;
constexpr int kLongRounds = 200;
constexpr int kWriters = 4;
// Each writer's bound per round; a round is over in well under a second.
constexpr int kMaxWritesPerRound = 2000;
constexpr int kWriteTimeoutMs = 3000;
// How long the writers run before the kill: a random instant in this range.
constexpr int kMinKillDelayMs = 5;
constexpr int kMaxKillDelayMs = 250;
// Every fifth round kills brevisd while it is still starting (recovering
// the WAL, checking the file) instead of under load.
constexpr int kStartupKillEvery = 5;
constexpr int kMaxStartupKillDelayMs = 60;

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
    ExpectOneCreatedEventEach(acknowledged, events);
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
      writers.emplace_back(WriteUntilFailure, NewChannel(), "k", round, w,
                           audit, kMaxWritesPerRound, kWriteTimeoutMs, &stop,
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
      grpc::Status status =
          SendWrite(*directory_, *audits_, audit, kWriteTimeoutMs, &write);
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
          ledger.acknowledged(), StoredByServer(*directory_, *audits_, audit),
          "through the API"));
    }
    if (HasFailure()) return;
  }
  std::cout << "[ kill test ] " << rounds << " kills, "
            << ledger.acknowledged().size() << " acknowledged writes, seed "
            << seed << "\n";
}

}  // namespace
}  // namespace brevis::fault
