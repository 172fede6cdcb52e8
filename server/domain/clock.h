#ifndef BREVIS_SERVER_DOMAIN_CLOCK_H_
#define BREVIS_SERVER_DOMAIN_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace brevis::domain {

// The server's notion of now. Injected so tests can fix or move time (due
// dates and overdue actions depend on it). Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_CLOCK_H_
