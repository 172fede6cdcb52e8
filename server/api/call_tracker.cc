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
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  return new CountingReactor(this);
}

void CallTracker::Done() {
  absl::MutexLock lock(&mu_);
  if (--in_flight_ == 0) idle_.SignalAll();
}

bool CallTracker::WaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  while (in_flight_ != 0) {
    if (idle_.WaitWithDeadline(&mu_, deadline)) return in_flight_ == 0;
  }
  return true;
}

int CallTracker::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

}  // namespace brevis::api
