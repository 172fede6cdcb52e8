#ifndef BREVIS_SERVER_STORE_CREATE_REQUEST_LOG_H_
#define BREVIS_SERVER_STORE_CREATE_REQUEST_LOG_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// A create that carried a request_id: what was asked (as a hash) and what
// it made.
struct CreateRecord {
  std::string request_hash;
  std::string resource;  // the created resource's name
};

// Remembers every create that carried a request_id, so a retry gets the
// first result back instead of creating a duplicate. Works inside the
// caller's transaction, which makes the record and the created row one
// atomic write. Records older than a day are purged (see PurgeBefore).
class CreateRequestLog {
 public:
  explicit CreateRequestLog(Connection& connection) : db_(connection) {}

  absl::StatusOr<std::optional<CreateRecord>> Find(std::string_view method,
                                                   std::string_view caller,
                                                   std::string_view request_id);
  absl::Status Record(std::string_view method, std::string_view caller,
                      std::string_view request_id, const CreateRecord& record,
                      absl::Time now);
  // Forgets records made before `cutoff`; returns how many.
  absl::StatusOr<int64_t> PurgeBefore(absl::Time cutoff);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_CREATE_REQUEST_LOG_H_
