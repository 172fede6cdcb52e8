// EventWatcher against a stand-in EventService that drops the stream every
// few events: the watcher resumes from the last sequence it saw, so the
// handler gets every event once and in order; it stops when asked, gives up
// after a bounded number of failed streams, and does not retry a refusal.

#include "brevis/client/event_watcher.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "brevis/client/client.h"
#include "brevis/v1/event_service.grpc.pb.h"

namespace brevis::client_testing {
namespace {

namespace v1 = ::brevis::v1;
using client::Client;
using client::ClientOptions;

// Events 1..`total`; each stream ends with UNAVAILABLE after `per_stream`
// events, like a server going away. With nothing left to send, it sends
// one empty message saying it looked up to `total + 5` (events the caller
// may not see), then waits for the client to cancel (at most 5 s).
class DroppingEvents final : public v1::EventService::Service {
 public:
  DroppingEvents(int total, int per_stream, grpc::Status refusal)
      : total_(total), per_stream_(per_stream), refusal_(refusal) {}

  grpc::Status WatchEvents(
      grpc::ServerContext* context, const v1::WatchEventsRequest* request,
      grpc::ServerWriter<v1::WatchEventsResponse>* writer) override {
    {
      absl::MutexLock lock(&mu_);
      after_sequences_.push_back(request->after_sequence());
    }
    if (!refusal_.ok()) return refusal_;
    int sent = 0;
    for (int64_t sequence = request->after_sequence() + 1; sequence <= total_;
         ++sequence) {
      if (sent == per_stream_) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
      }
      v1::WatchEventsResponse response;
      v1::Event* event = response.add_events();
      event->set_sequence(sequence);
      event->set_resource("units/" + std::to_string(sequence));
      response.set_resume_after(sequence);
      if (!writer->Write(response)) return grpc::Status::CANCELLED;
      ++sent;
    }
    v1::WatchEventsResponse idle;
    idle.set_resume_after(
        std::max<int64_t>(request->after_sequence(), total_ + 5));
    writer->Write(idle);
    for (int i = 0; i < 500 && !context->IsCancelled(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return grpc::Status::OK;
  }

  std::vector<int64_t> after_sequences() const {
    absl::MutexLock lock(&mu_);
    return after_sequences_;
  }

 private:
  const int total_;
  const int per_stream_;
  const grpc::Status refusal_;
  mutable absl::Mutex mu_;
  std::vector<int64_t> after_sequences_ ABSL_GUARDED_BY(mu_);
};

class EventWatcherTest : public ::testing::Test {
 protected:
  void Start(int total, int per_stream,
             grpc::Status refusal = grpc::Status::OK) {
    service_ = std::make_unique<DroppingEvents>(total, per_stream, refusal);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ClientOptions options;
    options.target = "127.0.0.1:" + std::to_string(port);
    options.token = "brv_test";
    options.retry.initial_backoff = absl::Milliseconds(10);
    options.retry.max_backoff = absl::Milliseconds(50);
    absl::StatusOr<Client> client = Client::Create(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::make_unique<Client>(*std::move(client));
  }
  void TearDown() override {
    if (server_) {
      server_->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::seconds(1));
    }
  }

  std::unique_ptr<DroppingEvents> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(EventWatcherTest, ResumesAfterEachDropWithoutGapsOrRepeats) {
  Start(/*total=*/7, /*per_stream=*/3);
  client::CallOptions call;
  call.deadline = absl::Seconds(20);
  client::EventWatcher watcher =
      client_->NewEventWatcher(v1::WatchEventsRequest(), call);
  std::vector<int64_t> seen;
  absl::Status status = watcher.Run([&](const v1::Event& event) {
    seen.push_back(event.sequence());
    return seen.size() < 7;
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(service_->after_sequences(), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(watcher.resume_after(), 7);
  EXPECT_EQ(watcher.streams_opened(), 3);

  // Run again: nothing new, but the server's empty message moves the
  // resume point; Stop from another thread ends the open stream.
  std::thread stopper([&] {
    for (int i = 0; i < 500 && watcher.resume_after() < 12; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    watcher.Stop();
  });
  auto start = std::chrono::steady_clock::now();
  status = watcher.Run([&](const v1::Event& event) {
    seen.push_back(event.sequence());
    return true;
  });
  stopper.join();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(watcher.resume_after(), 12);
  EXPECT_EQ(service_->after_sequences().back(), 7);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(EventWatcherTest, ARefusalIsNotRetried) {
  Start(7, 3,
        grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no watch scope"));
  client::EventWatcher watcher =
      client_->NewEventWatcher(v1::WatchEventsRequest());
  absl::Status status = watcher.Run([](const v1::Event&) { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(watcher.streams_opened(), 1);
}

TEST(EventWatcherUnreachableTest, GivesUpAfterTheConfiguredStreams) {
  ClientOptions options;
  // Port 1 on loopback: nothing listens there on a test machine.
  options.target = "127.0.0.1:1";
  options.retry.initial_backoff = absl::Milliseconds(10);
  options.retry.watch_max_attempts = 3;
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok());
  client::EventWatcher watcher =
      client->NewEventWatcher(v1::WatchEventsRequest());
  auto start = std::chrono::steady_clock::now();
  absl::Status status = watcher.Run([](const v1::Event&) { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("(3 attempts)"), absl::string_view::npos)
      << status;
  EXPECT_EQ(watcher.streams_opened(), 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace brevis::client_testing
