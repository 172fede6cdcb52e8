#include "server/api/call_tracker.h"

namespace brevis::api {

class CallTracker::CountingReactor : public grpc::ServerUnaryReactor {
 public:
  explicit CountingReactor(CallTracker* tracker) : tracker_(tracker) {}
  void OnDone() override {
    tracker_->Done();
    delete this;
  }

 private:
  CallTracker* const tracker_;
};

grpc::ServerUnaryReactor* CallTracker::StartUnary() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++in_flight_;
  }
  return new CountingReactor(this);
}

void CallTracker::Done() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) idle_.notify_all();
}

bool CallTracker::WaitIdle(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_until(lock, absl::ToChronoTime(deadline),
                          [this] { return in_flight_ == 0; });
}

int CallTracker::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

}  // namespace brevis::api
