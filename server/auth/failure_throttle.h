#ifndef BREVIS_SERVER_AUTH_FAILURE_THROTTLE_H_
#define BREVIS_SERVER_AUTH_FAILURE_THROTTLE_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace brevis::auth {

// Slows down guessing: a peer address with `max_failures` failed sign-ins
// within a minute is refused for `penalty`, whatever it sends. Memory is
// bounded: at most `max_peers` addresses are tracked, the stalest dropped.
// Thread-safe.
class FailureThrottle {
 public:
  FailureThrottle(int max_failures, absl::Duration penalty,
                  size_t max_peers = 10000)
      : max_failures_(max_failures), penalty_(penalty), max_peers_(max_peers) {}

  // True while `peer` is being refused.
  bool IsThrottled(std::string_view peer, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);
  void RecordFailure(std::string_view peer, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The address part of a gRPC peer string ("ipv4:1.2.3.4:5678" gives
  // "ipv4:1.2.3.4"), so a new connection from the same host counts too.
  static std::string HostOf(std::string_view peer);

 private:
  struct Record {
    absl::Time window_start;
    int failures = 0;
    absl::Time throttled_until = absl::InfinitePast();
  };

  const int max_failures_;
  const absl::Duration penalty_;
  const size_t max_peers_;
  absl::Mutex mu_;
  std::map<std::string, Record, std::less<>> peers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace brevis::auth

#endif  // BREVIS_SERVER_AUTH_FAILURE_THROTTLE_H_
