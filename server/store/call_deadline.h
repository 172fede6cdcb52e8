#ifndef BREVIS_SERVER_STORE_CALL_DEADLINE_H_
#define BREVIS_SERVER_STORE_CALL_DEADLINE_H_

// The deadline of the call the current thread serves. Database::Write
// checks it once it holds the write lock and again just before COMMIT: a
// call whose client has already given up (DEADLINE_EXCEEDED on its side)
// must not leave a write behind that nobody was told of.

#include "absl/time/time.h"

namespace brevis::store {

// Sets the current thread's call deadline for the object's lifetime. Not
// copyable; nest at most one per thread (the API sets it per call).
class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline) {
    previous_ = current_;
    current_ = deadline;
  }
  ~ScopedCallDeadline() { current_ = previous_; }
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

  // The deadline of this thread's call; InfiniteFuture outside any call
  // (start-up, the access-log writer, tools).
  static absl::Time Current() { return current_; }

 private:
  static inline thread_local absl::Time current_ = absl::InfiniteFuture();
  absl::Time previous_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_CALL_DEADLINE_H_
