// Handlers run on brevis's own threads: calls waiting for the database do
// not hold up gRPC's few callback threads, so other calls are still
// answered.

#include "server/api/call_executor.h"

#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

// Holds the database's single writer, as a long write would, from its
// construction until Release (or its destruction, at the latest 20 s on).
class WriterHold {
 public:
  explicit WriterHold(store::Database& db)
      : holder_([this, &db] {
          EXPECT_TRUE(db.Write([this](store::Connection&) {
                          holding_ = true;
                          absl::Time until = absl::Now() + absl::Seconds(20);
                          while (!release_ && absl::Now() < until) {
                            absl::SleepFor(absl::Milliseconds(2));
                          }
                          return absl::OkStatus();
                        }).ok());
        }) {
    while (!holding_) absl::SleepFor(absl::Milliseconds(1));
  }
  ~WriterHold() { Release(); }

  void Release() {
    release_ = true;
    if (holder_.joinable()) holder_.join();
  }

 private:
  std::atomic<bool> release_{false};
  std::atomic<bool> holding_{false};
  std::thread holder_;
};

class CallExecutorTest : public ServiceTest {};

TEST_F(CallExecutorTest, WritesWaitingForTheWriterDoNotStallOtherCalls) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  WriterHold hold(*db_);
  // More waiting writers than there are cores (and callback threads).
  constexpr int kWriters = 8;
  std::vector<std::thread> writers;
  std::atomic<int> written{0};
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
      v1::CreateUnitRequest request;
      *request.mutable_unit() = ExampleUnit();
      v1::Unit created;
      if (directory_->CreateUnit(&context, request, &created).ok()) ++written;
    });
  }
  absl::SleepFor(absl::Milliseconds(300));  // let them all reach the writer
  // A read is answered meanwhile.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(3));
  v1::GetUnitRequest request;
  request.set_name(unit.name());
  v1::Unit read;
  grpc::Status status = directory_->GetUnit(&context, request, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(written.load(), 0) << "the writers were still waiting";
  hold.Release();
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(written.load(), kWriters);
}

// A flood must not queue work without end: past its bound the executor
// refuses, and what it took still runs.
TEST(CallExecutorQueueTest, RefusesTasksBeyondItsQueueBound) {
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  {
    CallExecutor executor(/*threads=*/1, /*max_queued=*/2);
    std::atomic<bool> started{false};
    ASSERT_TRUE(executor.TryRun([&] {
      started = true;
      while (!release) absl::SleepFor(absl::Milliseconds(1));
      ++ran;
    }));
    while (!started) absl::SleepFor(absl::Milliseconds(1));
    EXPECT_TRUE(executor.TryRun([&] { ++ran; }));
    EXPECT_TRUE(executor.TryRun([&] { ++ran; }));
    EXPECT_FALSE(executor.TryRun([&] { ++ran; }));
    EXPECT_EQ(executor.queued(), 2);
    release = true;
  }  // the destructor runs what was queued
  EXPECT_EQ(ran.load(), 3);
}

// Calls that need no database are answered on gRPC's thread, ahead of the
// queue: with every worker stuck behind the writer, a caller without a
// token still gets its answer at once.
TEST_F(CallExecutorTest, CallsWithoutCredentialsAreAnsweredWhileWorkersWait) {
  WriterHold hold(*db_);
  std::vector<std::thread> writers;
  for (int i = 0; i < options_.worker_threads; ++i) {
    writers.emplace_back([&] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
      v1::CreateUnitRequest request;
      *request.mutable_unit() = ExampleUnit();
      v1::Unit created;
      directory_->CreateUnit(&context, request, &created);
    });
  }
  absl::SleepFor(absl::Milliseconds(300));  // every worker waits now
  auto anonymous = v1::DirectoryService::NewStub(ChannelFor(""));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  v1::ListUnitsResponse units;
  grpc::Status status =
      anonymous->ListUnits(&context, v1::ListUnitsRequest(), &units);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << status.error_message();
  hold.Release();
  for (std::thread& writer : writers) writer.join();
}

}  // namespace
}  // namespace brevis::api
