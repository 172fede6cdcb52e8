#include "server/auth/failure_throttle.h"

namespace brevis::auth {

std::string FailureThrottle::HostOf(std::string_view peer) {
  size_t colon = peer.rfind(':');
  size_t scheme = peer.find(':');
  if (colon == std::string_view::npos || colon == scheme) {
    return std::string(peer);
  }
  return std::string(peer.substr(0, colon));
}

bool FailureThrottle::IsThrottled(std::string_view peer, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(HostOf(peer));
  return it != peers_.end() && now < it->second.throttled_until;
}

void FailureThrottle::RecordFailure(std::string_view peer, absl::Time now) {
  absl::MutexLock lock(&mu_);
  std::string host = HostOf(peer);
  auto it = peers_.find(host);
  if (it == peers_.end()) {
    if (peers_.size() >= max_peers_) {
      auto stalest = peers_.begin();
      for (auto p = peers_.begin(); p != peers_.end(); ++p) {
        if (p->second.window_start < stalest->second.window_start) stalest = p;
      }
      peers_.erase(stalest);
    }
    it = peers_.emplace(host, Record{now}).first;
  }
  Record& record = it->second;
  if (now - record.window_start > absl::Minutes(1)) {
    record.window_start = now;
    record.failures = 0;
  }
  if (++record.failures >= max_failures_) {
    record.throttled_until = now + penalty_;
    record.failures = 0;
    record.window_start = now;
  }
}

}  // namespace brevis::auth
