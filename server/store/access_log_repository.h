#ifndef BREVIS_SERVER_STORE_ACCESS_LOG_REPOSITORY_H_
#define BREVIS_SERVER_STORE_ACCESS_LOG_REPOSITORY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/access_log.pb.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct AccessLogFilter {
  std::optional<std::string> principal;
  std::optional<std::string> resource_prefix;
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
};

// The access_log table: append and read, never change. Works inside the
// caller's transaction; not thread-safe.
class AccessLogRepository {
 public:
  explicit AccessLogRepository(Connection& connection) : db_(connection) {}

  // Appends `entry` (its sequence is assigned here; its covered names are
  // kept below the folder they share under its resource, one line each).
  // INTERNAL when a covered name is not under the entry's resource.
  absl::Status Append(const v1::AccessLogEntry& entry);
  // Entries after `after_id` in sequence order, at most `limit`, matching
  // every condition of `filter` given. A resource prefix matches an entry
  // whose resource starts with it or, for an entry of the prefix's audit,
  // one of whose covered names does.
  absl::StatusOr<Page<v1::AccessLogEntry>> List(const AccessLogFilter& filter,
                                                int64_t after_id, int limit);
  // Deletes entries older than `cutoff`; returns how many.
  absl::StatusOr<int64_t> PurgeBefore(absl::Time cutoff);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_ACCESS_LOG_REPOSITORY_H_
