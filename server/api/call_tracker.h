#ifndef BREVIS_SERVER_API_CALL_TRACKER_H_
#define BREVIS_SERVER_API_CALL_TRACKER_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>

#include "absl/status/status.h"
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
  grpc::ServerUnaryReactor* StartUnary();

  // Waits until no call is in flight or `deadline` passes. True when idle.
  bool WaitIdle(absl::Time deadline);

  int in_flight() const;

 private:
  class CountingReactor;
  void Done();

  mutable std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;  // guarded by mu_
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_CALL_TRACKER_H_
