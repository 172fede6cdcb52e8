// Reads a member guarded by a mutex without holding it. The thread-safety
// build (BREVIS_THREAD_SAFETY, `make sanitize`) must refuse to compile this
// file; tests/build_flags/check.sh makes sure it does. No build links it.

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace {

class Counter {
 public:
  void Add() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    ++count_;
  }
  int count() const { return count_; }  // the violation: no lock

 private:
  mutable absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

int ThreadSafetyViolation() {
  Counter counter;
  counter.Add();
  return counter.count();
}
