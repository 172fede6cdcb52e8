#ifndef BREVIS_SERVER_APP_ACCESS_LOG_H_
#define BREVIS_SERVER_APP_ACCESS_LOG_H_

// Reading the access log (brevis.v1.AccessLogService).

#include "absl/status/statusor.h"
#include "brevis/v1/access_log_service.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"

namespace brevis::app {

// The access log, read by admins. Thread-safe: it holds only the borrowed,
// thread-safe dependencies, which the owner keeps alive.
class AccessLog {
 public:
  explicit AccessLog(const Dependencies& deps) : deps_(deps) {}

  // The entries of one principal, under one resource prefix and between
  // two times, each if given, oldest first (AIP-132). PERMISSION_DENIED
  // without the right to read the access log (admins only);
  // INVALID_ARGUMENT for a malformed principal, a bad time, an end before
  // the start, a bad page_size or page_token; UNAVAILABLE or
  // RESOURCE_EXHAUSTED from the store.
  absl::StatusOr<v1::ListAccessLogResponse> ListAccessLog(
      const Call& call, const v1::ListAccessLogRequest& request);

 private:
  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_ACCESS_LOG_H_
