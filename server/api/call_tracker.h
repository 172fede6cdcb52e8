#ifndef BREVIS_SERVER_API_CALL_TRACKER_H_
#define BREVIS_SERVER_API_CALL_TRACKER_H_

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace brevis::api {

// Counts the brevis calls in flight, from their start until gRPC is done
// with them (the status sent), so that shutdown can end as soon as the last
// one is answered instead of waiting out its deadline for idle
// connections. Thread-safe.
class CallTracker {
 public:
  // Counts a unary call from now until gRPC is done with the reactor
  // returned, which the caller must Finish exactly once (from any thread).
  // Returns what the generated service method must return.
  grpc::ServerUnaryReactor* StartUnary() ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until no call is in flight or `deadline` passes. True when idle.
  bool WaitIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

  int in_flight() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class CountingReactor;
  void Done() ABSL_LOCKS_EXCLUDED(mu_);

  mutable absl::Mutex mu_;
  absl::CondVar idle_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_CALL_TRACKER_H_
