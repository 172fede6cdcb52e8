// Three brevisd replicas on one PostgreSQL database under writers through
// all three. A replica killed (SIGKILL) at random instants: every write
// acknowledged by any replica is there once, read back through another,
// with one event each in a feed without gaps. PostgreSQL itself stopped
// mid-load (cleanly, and as a crash): the replicas answer UNAVAILABLE,
// acknowledge nothing they could not keep, and serve again when it is
// back. 6 kills and 2 stops here; 60 and 8 with BREVIS_LONG_FAULTS=1.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "server/domain/str_cat.h"
#include "tests/fault/fault_support.h"
#include "tests/fault/write_ledger.h"
#include "tests/replicas/replica_test.h"

namespace brevis::replicas {
namespace {

using fault::Ledger;
using fault::Write;
using Clock = std::chrono::steady_clock;

constexpr int kShortKills = 6;
constexpr int kLongKills = 60;
constexpr int kShortOutages = 2;
constexpr int kLongOutages = 8;
// Two writers per replica; writer 0 makes units, the others findings.
constexpr int kWriters = 2 * kReplicas;
constexpr int kMaxWritesPerRound = 2000;
constexpr int kWriteTimeoutMs = 5000;
// A writer stops after this many refusals while PostgreSQL is down: each
// refused write is retried afterwards.
constexpr int kMaxRefusalsPerWriter = 5;
// How long the writers run before the kill or the stop, at random.
constexpr int kMinLoadMs = 20;
constexpr int kMaxLoadMs = 300;
// How long the writers go on after it: survivors keep writing past a
// kill, and everyone is refused while PostgreSQL is down.
constexpr milliseconds kAfterFault{150};
// How long the replicas may take to serve again once PostgreSQL is back.
constexpr milliseconds kRecoveryTimeout{30000};

// Words of libpq and of the PostgreSQL server that must never reach a
// caller (tests/testing/engine_phrases.h has SQLite's).
constexpr std::string_view kPostgresPhrases[] = {"server closed the connection",
                                                 "could not connect",
                                                 "terminating connection",
                                                 "connection to server",
                                                 "libpq",
                                                 "sqlstate",
                                                 "no connection to the server",
                                                 "postmaster",
                                                 "postgres"};

std::string PostgresPhraseIn(const std::string& message) {
  for (std::string_view phrase : kPostgresPhrases) {
    if (message.find(phrase) != std::string::npos) return std::string(phrase);
  }
  return "";
}

class ReplicaFaultTest : public ReplicaTest {
 protected:
  void SetUp() override {
    ReplicaTest::SetUp();
    if (HasFatalFailure()) return;
    v1::Unit unit = MustCreateUnit("BUP Prima Handen");
    audit_ = MustCreateAudit(unit.name()).name();
    ASSERT_FALSE(audit_.empty());
    ledger_.Acknowledged(Write{true, "", "BUP Prima Handen", unit.name()});
  }

  // The cluster is the binary's: a test that failed while it was down
  // leaves it running for the next.
  void TearDown() override {
    if (cluster_ == nullptr) return;
    absl::Status restarted = cluster_->Restart();
    EXPECT_TRUE(restarted.ok()) << restarted.message();
  }

  // Retries every write whose outcome is unknown with its request_id
  // through `replica`, as a client would on another replica: it is created
  // now or returned as first made, once.
  void RetryUnknown(int replica) {
    auto directory = v1::DirectoryService::NewStub(AdminChannel(replica));
    auto audits = v1::AuditService::NewStub(AdminChannel(replica));
    for (Write& write : ledger_.TakeUnknown()) {
      grpc::Status status = fault::SendWrite(*directory, *audits, audit_,
                                             kWriteTimeoutMs, &write);
      ASSERT_TRUE(status.ok())
          << "retry of " << write.request_id << " through replica " << replica
          << ": " << status.error_code() << " " << status.error_message();
      ledger_.Acknowledged(std::move(write));
    }
  }

  // Every acknowledged write is there exactly once, read through
  // `replica`; the feed runs 1..N without gaps with one CREATED event per
  // acknowledged write.
  void ExpectEverythingOnce(int replica) {
    std::vector<Write> acknowledged = ledger_.acknowledged();
    auto directory = v1::DirectoryService::NewStub(AdminChannel(replica));
    auto audits = v1::AuditService::NewStub(AdminChannel(replica));
    ASSERT_NO_FATAL_FAILURE(fault::ExpectExactly(
        acknowledged, fault::StoredByServer(*directory, *audits, audit_),
        "through replica " + std::to_string(replica)));
    std::vector<v1::Event> events = ListAllEvents(replica);
    ASSERT_NO_FATAL_FAILURE(ExpectGapless(events));
    std::map<std::string, int> created;
    for (const v1::Event& event : events) {
      if (event.kind() == v1::EVENT_KIND_CREATED) ++created[event.resource()];
    }
    ASSERT_NO_FATAL_FAILURE(
        fault::ExpectOneCreatedEventEach(acknowledged, created));
  }

  // Polls replica `i` with a read until it answers, for at most
  // kRecoveryTimeout; the wait between polls reads the replicas' output.
  void WaitUntilServing(int i) {
    auto units = v1::DirectoryService::NewStub(AdminChannel(i));
    auto deadline = Clock::now() + kRecoveryTimeout;
    grpc::Status status;
    do {
      v1::ListUnitsRequest request;
      request.set_page_size(1);
      v1::ListUnitsResponse response;
      status = units->ListUnits(fault::Deadline(milliseconds(2000)).get(),
                                request, &response);
      if (status.ok()) return;
      Pump(milliseconds(50));
    } while (Clock::now() < deadline);
    FAIL() << "replica " << i << " does not serve " << kRecoveryTimeout.count()
           << " ms after PostgreSQL came back: " << status.error_code() << " "
           << status.error_message();
  }

  std::string audit_;
  Ledger ledger_;
};

TEST_F(ReplicaFaultTest, AcknowledgedWritesSurviveKilledReplicas) {
  const int rounds = fault::LongFaults() ? kLongKills : kShortKills;
  const uint32_t seed = fault::FaultSeed();
  SCOPED_TRACE(StrCat("BREVIS_FAULT_SEED=", seed));
  std::mt19937 random(seed);

  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(StrCat("round ", round));
    const int victim =
        std::uniform_int_distribution<int>(0, kReplicas - 1)(random);
    std::atomic<bool> stop{false};
    std::vector<grpc::Status> endings(kWriters);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w, channel = AdminChannel(w % kReplicas)] {
        endings[w] = fault::WriteUntilFailure(channel, "r", round, w, audit_,
                                              kMaxWritesPerRound,
                                              kWriteTimeoutMs, &stop, &ledger_);
      });
    }
    Pump(milliseconds(
        std::uniform_int_distribution<int>(kMinLoadMs, kMaxLoadMs)(random)));
    KillReplica(victim);
    Pump(kAfterFault);
    stop = true;
    for (std::thread& writer : writers) writer.join();
    if (HasFatalFailure()) return;
    // A replica's death costs only the calls it was serving.
    for (int w = 0; w < kWriters; ++w) {
      if (w % kReplicas == victim) continue;
      ASSERT_TRUE(endings[w].ok())
          << "writer " << w << " through surviving replica " << w % kReplicas
          << ": " << endings[w].error_code() << " "
          << endings[w].error_message();
    }

    ASSERT_NO_FATAL_FAILURE(StartReplica(victim));
    ASSERT_NO_FATAL_FAILURE(RetryUnknown((victim + 1) % kReplicas));
    ASSERT_NO_FATAL_FAILURE(ExpectEverythingOnce((victim + 2) % kReplicas));
  }
  std::cout << "[ replica kill test ] " << rounds << " kills, "
            << ledger_.acknowledged().size() << " acknowledged writes, seed "
            << seed << "\n";
}

// What a writer saw of one call while PostgreSQL went away.
struct Outcome {
  Write write;
  Clock::time_point sent;
  grpc::Status status;
};

TEST_F(ReplicaFaultTest, StoppedPostgresMeansUnavailableAndNothingLost) {
  const int outages = fault::LongFaults() ? kLongOutages : kShortOutages;
  const uint32_t seed = fault::FaultSeed();
  SCOPED_TRACE(StrCat("BREVIS_FAULT_SEED=", seed));
  std::mt19937 random(seed);

  for (int outage = 0; outage < outages; ++outage) {
    // Alternately a clean stop and a crash of the server.
    const auto mode = outage % 2 == 0
                          ? testing::PgCluster::StopMode::kFast
                          : testing::PgCluster::StopMode::kImmediate;
    SCOPED_TRACE(StrCat("outage ", outage,
                        outage % 2 == 0 ? " (fast stop)" : " (crash)"));
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<Outcome> outcomes;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w, channel = AdminChannel(w % kReplicas)] {
        auto directory = v1::DirectoryService::NewStub(channel);
        auto audits = v1::AuditService::NewStub(channel);
        // Unlike the kill test's writers these go on after a refusal.
        int refusals = 0;
        for (int i = 0; i < kMaxWritesPerRound && !stop &&
                        refusals < kMaxRefusalsPerWriter;
             ++i) {
          Outcome outcome{fault::NumberedWrite("o", outage, w, i), Clock::now(),
                          grpc::Status::OK};
          outcome.status = fault::SendWrite(*directory, *audits, audit_,
                                            kWriteTimeoutMs, &outcome.write);
          if (!outcome.status.ok()) ++refusals;
          std::lock_guard<std::mutex> lock(mu);
          outcomes.push_back(std::move(outcome));
        }
      });
    }
    Pump(milliseconds(
        std::uniform_int_distribution<int>(kMinLoadMs, kMaxLoadMs)(random)));
    absl::Status stopped = cluster_->Stop(mode);
    const Clock::time_point down = Clock::now();
    Pump(kAfterFault);
    // Reads are refused the same way while it is down.
    for (int i = 0; i < kReplicas; ++i) {
      v1::ListUnitsRequest request;
      v1::ListUnitsResponse response;
      grpc::Status read =
          v1::DirectoryService::NewStub(AdminChannel(i))
              ->ListUnits(fault::Deadline(milliseconds(kWriteTimeoutMs)).get(),
                          request, &response);
      EXPECT_EQ(read.error_code(), grpc::StatusCode::UNAVAILABLE)
          << "a read through replica " << i << ": " << read.error_message();
    }
    stop = true;
    for (std::thread& writer : writers) writer.join();
    ASSERT_TRUE(stopped.ok()) << stopped.message();

    int refused = 0, acknowledged_while_down = 0;
    for (Outcome& outcome : outcomes) {
      if (outcome.status.ok()) {
        if (outcome.sent > down && ++acknowledged_while_down <= 5) {
          ADD_FAILURE() << outcome.write.request_id
                        << " acknowledged while PostgreSQL was down";
        }
        ledger_.Acknowledged(std::move(outcome.write));
        continue;
      }
      ++refused;
      EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << outcome.write.request_id << ": " << outcome.status.error_message();
      EXPECT_EQ(PostgresPhraseIn(outcome.status.error_message()), "")
          << outcome.status.error_message();
      ledger_.Unknown(std::move(outcome.write));
    }
    ASSERT_EQ(acknowledged_while_down, 0);
    ASSERT_GT(refused, 0) << "no call reached a replica while PostgreSQL "
                             "was down";
    if (HasFailure()) return;

    absl::Status restarted = cluster_->Restart();
    ASSERT_TRUE(restarted.ok()) << restarted.message();
    for (int i = 0; i < kReplicas; ++i) {
      ASSERT_NO_FATAL_FAILURE(WaitUntilServing(i));
    }
    // Retried across the replicas; each must write again.
    ASSERT_NO_FATAL_FAILURE(RetryUnknown(outage % kReplicas));
    for (int i = 0; i < kReplicas; ++i) {
      auto directory = v1::DirectoryService::NewStub(AdminChannel(i));
      auto audits = v1::AuditService::NewStub(AdminChannel(i));
      Write write = fault::NumberedWrite("after", outage, /*writer=*/1, i);
      grpc::Status status = fault::SendWrite(*directory, *audits, audit_,
                                             kWriteTimeoutMs, &write);
      ASSERT_TRUE(status.ok())
          << "replica " << i << " after the outage: " << status.error_message();
      ledger_.Acknowledged(std::move(write));
    }
    ASSERT_NO_FATAL_FAILURE(ExpectEverythingOnce((outage + 1) % kReplicas));
  }
  std::cout << "[ replica outage test ] " << outages << " outages, "
            << ledger_.acknowledged().size() << " acknowledged writes, seed "
            << seed << "\n";
}

}  // namespace
}  // namespace brevis::replicas
