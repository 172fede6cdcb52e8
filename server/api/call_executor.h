#ifndef BREVIS_SERVER_API_CALL_EXECUTOR_H_
#define BREVIS_SERVER_API_CALL_EXECUTOR_H_

// The threads brevis handlers run on. gRPC's callback API gives a server
// one callback thread per core, and a handler that waits there (for
// SQLite, an fsync, the access log) keeps every other call waiting too: on
// two cores at most two writes ever reached the database together, so
// group commit had nothing to group. Handlers run here instead, and the
// callback threads only accept calls and send answers.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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
  [[nodiscard]] bool TryRun(std::function<void()> task);

  // Tasks queued and not yet started.
  int queued() const;

 private:
  void Loop();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_CALL_EXECUTOR_H_
