// EventWatcher against the real brevisd: it sees each change once, and
// when brevisd is stopped and started again on the same database and port
// it resumes where it was, missing nothing and repeating nothing.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/synchronization/mutex.h"
#include "brevis/client/event_watcher.h"
#include "tests/client/brevisd_fixture.h"

namespace brevis::client_testing {
namespace {

using client::Client;

class EventWatchEndToEndTest : public BrevisdFixture {
 protected:
  // The names of units seen in CREATED events, in order.
  std::vector<std::string> Units() {
    absl::MutexLock lock(&mu_);
    return units_;
  }
  // Waits up to 10 s until `count` units have been seen.
  bool WaitForUnits(size_t count) {
    absl::MutexLock lock(&mu_);
    auto enough = [&] { return units_.size() >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
  }

  absl::Mutex mu_;
  std::vector<std::string> units_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> sequences_ ABSL_GUARDED_BY(mu_);
};

TEST_F(EventWatchEndToEndTest, ResumesAcrossAServerRestartWithoutGaps) {
  client::ClientOptions options = AdminOptions();
  options.retry.initial_backoff = absl::Milliseconds(50);
  options.retry.max_backoff = absl::Milliseconds(200);
  options.retry.watch_max_attempts = 100;  // 20 s at most of restarting
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  v1::WatchEventsRequest request;
  request.set_filter("kind = CREATED");
  client::CallOptions call;
  call.deadline = absl::Seconds(60);
  client::EventWatcher watcher = client->NewEventWatcher(request, call);
  absl::Status result;
  std::thread watching;
  // However the test ends, the watch ends and its thread is joined.
  absl::Cleanup join = [&] {
    watcher.Stop();
    if (watching.joinable()) watching.join();
  };
  watching = std::thread([&] {
    result = watcher.Run([&](const v1::Event& event) {
      absl::MutexLock lock(&mu_);
      sequences_.push_back(event.sequence());
      if (event.resource().rfind("units/", 0) == 0) {
        units_.push_back(event.resource());
      }
      return units_.size() < 5;
    });
  });

  std::vector<std::string> created;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<v1::Unit> unit = client->CreateUnit(UnitRequest(i));
    ASSERT_TRUE(unit.ok()) << unit.status();
    created.push_back(unit->name());
  }
  ASSERT_TRUE(WaitForUnits(3));

  // Stop brevisd (the stream ends with UNAVAILABLE) and start it again on
  // the same database and port.
  ASSERT_TRUE(server_->SendSignal(SIGTERM));
  e2e::ProcessResult stopped = server_->WaitForExit();
  ASSERT_EQ(stopped.exit_code, 0) << stopped.Describe();
  std::string error;
  server_ = e2e::BrevisdProcess::Start(
      {"serve", "--db", db_, "--listen", address_}, &error);
  ASSERT_NE(server_, nullptr) << error;
  ASSERT_TRUE(server_->WaitForListening().has_value()) << server_->err();

  for (int i = 3; i < 5; ++i) {
    absl::StatusOr<v1::Unit> unit = client->CreateUnit(UnitRequest(i));
    ASSERT_TRUE(unit.ok()) << unit.status();
    created.push_back(unit->name());
  }
  ASSERT_TRUE(WaitForUnits(5));
  watching.join();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(Units(), created);
  absl::MutexLock lock(&mu_);
  for (size_t i = 1; i < sequences_.size(); ++i) {
    EXPECT_LT(sequences_[i - 1], sequences_[i]);
  }
  EXPECT_GE(watcher.streams_opened(), 2);
}

}  // namespace
}  // namespace brevis::client_testing
