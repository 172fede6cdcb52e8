#include "server/api/call_executor.h"

#include <algorithm>

namespace brevis::api {

CallExecutor::CallExecutor(int threads, int max_queued)
    : max_queued_(static_cast<size_t>(std::max(1, max_queued))) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

CallExecutor::~CallExecutor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  ready_.SignalAll();
  for (std::thread& thread : threads_) thread.join();
}

bool CallExecutor::TryRun(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    if (tasks_.size() >= max_queued_) return false;
    tasks_.push_back(std::move(task));
  }
  ready_.Signal();
  return true;
}

int CallExecutor::queued() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(tasks_.size());
}

void CallExecutor::Loop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    while (!stopping_ && tasks_.empty()) ready_.Wait(&mu_);
    if (tasks_.empty()) return;  // stopping, and nothing left to run
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    mu_.Unlock();
    task();
    mu_.Lock();
  }
}

}  // namespace brevis::api
