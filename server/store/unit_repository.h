#ifndef BREVIS_SERVER_STORE_UNIT_REPOSITORY_H_
#define BREVIS_SERVER_STORE_UNIT_REPOSITORY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/unit.pb.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct UnitFilter {
  std::optional<bool> active;
  std::optional<int> kind;
  std::optional<std::string> region;
  // Only the units in this principal's unit scopes.
  std::optional<int64_t> scoped_to_principal;
};

// The units table. Works inside the caller's transaction on `connection`;
// not thread-safe (neither is the connection).
class UnitRepository {
 public:
  explicit UnitRepository(Connection& connection) : db_(connection) {}

  // Inserts `unit` under id `uid` and fills in its name, times and etag.
  // ALREADY_EXISTS when another unit has the same hsa_id.
  absl::Status Create(std::string_view uid, absl::Time now, v1::Unit* unit);
  // NOT_FOUND when there is no unit `uid`.
  absl::StatusOr<v1::Unit> Get(std::string_view uid);
  // The row id, for references from other tables. NOT_FOUND as Get.
  absl::StatusOr<int64_t> RowId(std::string_view uid);
  // Up to `limit` units with row id above `after_id`, in id order.
  absl::StatusOr<Page<v1::Unit>> List(const UnitFilter& filter,
                                      int64_t after_id, int limit);
  // Overwrites the mutable columns of unit `uid` with `unit`'s, bumps its
  // revision and fills in update_time and etag. NOT_FOUND, ALREADY_EXISTS
  // (hsa_id taken).
  absl::Status Update(std::string_view uid, absl::Time now, v1::Unit* unit);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_UNIT_REPOSITORY_H_
