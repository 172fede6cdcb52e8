// Handlers run on brevis's own threads: calls waiting for the database do
// not hold up gRPC's few callback threads, so other calls are still
// answered.

#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

class CallExecutorTest : public ServiceTest {};

TEST_F(CallExecutorTest, WritesWaitingForTheWriterDoNotStallOtherCalls) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  std::atomic<bool> release{false};
  std::atomic<bool> holding{false};
  // Holds the writer, as a long write would.
  std::thread holder([&] {
    EXPECT_TRUE(db_->Write([&](store::Connection&) {
                     holding = true;
                     absl::Time until = absl::Now() + absl::Seconds(20);
                     while (!release && absl::Now() < until) {
                       absl::SleepFor(absl::Milliseconds(2));
                     }
                     return absl::OkStatus();
                   })
                    .ok());
  });
  while (!holding) absl::SleepFor(absl::Milliseconds(1));
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
  release = true;
  holder.join();
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(written.load(), kWriters);
}

}  // namespace
}  // namespace brevis::api
