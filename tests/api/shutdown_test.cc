#include <gmock/gmock.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "server/store/finding_repository.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

class ShutdownTest : public ServiceTest {};

TEST_F(ShutdownTest, InFlightWritesAreAnsweredAndNothingAcknowledgedIsLost) {
  v1::Audit audit = MustCreateAudit();
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<grpc::StatusCode> refusals;
  std::atomic<bool> go{true};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&] {
      // Bounded: at most 500 calls each, and they stop at the first refusal.
      for (int i = 0; i < 500 && go; ++i) {
        v1::Finding created;
        grpc::Status status =
            CreateFinding(audit.name(), ExampleFinding(), &created);
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          acknowledged.push_back(created.name());
        } else {
          refusals.push_back(status.error_code());
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  absl::Time start = absl::Now();
  server_->Shutdown(absl::Seconds(5));
  absl::Duration took = absl::Now() - start;
  go = false;
  for (std::thread& writer : writers) writer.join();

  EXPECT_LT(took, absl::Seconds(5)) << "an idle channel must not hold it";
  EXPECT_FALSE(acknowledged.empty());
  for (grpc::StatusCode code : refusals) {
    // New calls are turned away (UNAVAILABLE); gRPC cancels one that raced
    // the shutdown (CANCELLED). Either is safe to retry with its
    // request_id; nothing else may happen to a caller.
    EXPECT_THAT(code, ::testing::AnyOf(grpc::StatusCode::UNAVAILABLE,
                                       grpc::StatusCode::CANCELLED));
  }
  int64_t stored = 0;
  ASSERT_TRUE(db_->Read([&](store::Connection& db) -> absl::Status {
                   auto select = db.Prepare("SELECT count(*) FROM findings");
                   if (!select.ok()) return select.status();
                   if (auto row = (*select)->Step(); !row.ok()) {
                     return row.status();
                   }
                   stored = (*select)->Int(0);
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_GE(stored, static_cast<int64_t>(acknowledged.size()));
  server_.reset();
}

}  // namespace
}  // namespace brevis::api
