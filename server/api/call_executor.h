#ifndef BREVIS_SERVER_API_CALL_EXECUTOR_H_
#define BREVIS_SERVER_API_CALL_EXECUTOR_H_

// The threads brevis handlers run on. gRPC's callback API gives a server
// one callback thread per core, and a handler that waits there (for
// SQLite, an fsync, the access log) keeps every other call waiting too: on
// two cores at most two writes ever reached the database together, so
// group commit had nothing to group. Handlers run here instead, and the
// callback threads only accept calls and send answers.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace brevis::api {

// A fixed pool of threads running tasks in the order given, with a bounded
// queue: a flood of calls must not grow memory without end, so past
// `max_queued` waiting tasks new ones are refused. Thread-safe.
class CallExecutor {
 public:
  CallExecutor(int threads, int max_queued);
  // Runs what is queued, then joins the threads.
  ~CallExecutor();
  CallExecutor(const CallExecutor&) = delete;
  CallExecutor& operator=(const CallExecutor&) = delete;

  // Queues `task`; false (and `task` is dropped unrun) when max_queued
  // tasks are already waiting.
  [[nodiscard]] bool TryRun(std::function<void()> task)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Tasks queued and not yet started.
  int queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  absl::CondVar ready_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_CALL_EXECUTOR_H_
