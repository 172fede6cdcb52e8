// SIGTERM under load: brevisd stops within its promise while writers are
// mid-call and watches are open; the watches end with a status that says to
// resume, and every acknowledged write is there after a restart.

#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "brevis/v1/event_service.grpc.pb.h"
#include "tests/fault/fault_support.h"

namespace brevis::fault {
namespace {

class ShutdownUnderLoadTest : public FaultTest {};

TEST_F(ShutdownUnderLoadTest, SigtermEndsWatchesCleanlyAndLosesNothing) {
  Init();
  Start();
  MustCreateUnit("BUP Första");  // something for each watch to deliver

  // Two open watches.
  constexpr int kWatches = 2;
  std::vector<grpc::Status> watch_status(kWatches);
  std::vector<std::thread> watchers;
  std::atomic<int> watching{0};
  for (int i = 0; i < kWatches; ++i) {
    watchers.emplace_back([&, i, channel = NewChannel()] {
      auto events = v1::EventService::NewStub(channel);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
      auto reader = events->WatchEvents(&context, v1::WatchEventsRequest());
      v1::WatchEventsResponse response;
      bool first = true;
      while (reader->Read(&response)) {
        if (first) ++watching;
        first = false;
      }
      watch_status[i] = reader->Finish();
    });
  }

  // Eight writers, each recording what was acknowledged.
  std::mutex mu;
  std::set<std::string> acknowledged;  // guarded by mu
  std::atomic<int> acknowledged_count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w, channel = NewChannel()] {
      auto directory = v1::DirectoryService::NewStub(channel);
      for (int i = 0; i < 100000 && !stop; ++i) {
        v1::CreateUnitRequest request;
        *request.mutable_unit() =
            ExampleUnit("BUP " + std::to_string(w) + "-" + std::to_string(i));
        v1::Unit unit;
        auto context = Deadline(std::chrono::milliseconds(5000));
        if (directory->CreateUnit(context.get(), request, &unit).ok()) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert(unit.name());
          ++acknowledged_count;
        } else if (stop) {
          break;
        }
      }
    });
  }
  absl::Time until = absl::Now() + absl::Seconds(10);
  while ((watching < kWatches || acknowledged_count < 50) &&
         absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(watching.load(), kWatches);

  absl::Time signalled = absl::Now();
  ASSERT_TRUE(server_->SendSignal(SIGTERM));
  e2e::ProcessResult stopped = server_->WaitForExit();
  absl::Duration took = absl::Now() - signalled;
  server_.reset();
  stop = true;
  for (std::thread& writer : writers) writer.join();
  for (std::thread& watcher : watchers) watcher.join();

  ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  EXPECT_LT(took, absl::Seconds(6));
  for (const grpc::Status& status : watch_status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
  }

  Start();
  std::set<std::string> present;
  for (const v1::Unit& unit : ListAllUnits()) present.insert(unit.name());
  for (const std::string& name : acknowledged) {
    EXPECT_TRUE(present.contains(name)) << name << " was acknowledged";
  }
  EXPECT_GE(acknowledged.size(), 50u);
}

}  // namespace
}  // namespace brevis::fault
