#ifndef BREVIS_TESTS_TESTING_FAKE_CLOCK_H_
#define BREVIS_TESTS_TESTING_FAKE_CLOCK_H_

#include <mutex>

#include "server/domain/clock.h"

namespace brevis::testing {

// A clock that stands still until a test moves it. Thread-safe.
class FakeClock : public domain::Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration step) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += step;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_FAKE_CLOCK_H_
