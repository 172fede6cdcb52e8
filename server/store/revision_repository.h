#ifndef BREVIS_SERVER_STORE_REVISION_REPOSITORY_H_
#define BREVIS_SERVER_STORE_REVISION_REPOSITORY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "server/domain/resource_name.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// The earlier versions of findings and recommendations corrected after
// publication, and whether one was ever published. Works inside the
// caller's transaction; not thread-safe.
class RevisionRepository {
 public:
  enum class Kind { kFinding, kRecommendation };
  // The row of one finding or recommendation, whose versions are kept.
  struct Row {
    Kind kind;
    int64_t id;
  };

  explicit RevisionRepository(Connection& connection) : db_(connection) {}

  // The row of finding or recommendation `name` of audit `audit_id`.
  // NOT_FOUND.
  absl::StatusOr<Row> RowOf(const domain::name::Finding& name,
                            int64_t audit_id);
  absl::StatusOr<Row> RowOf(const domain::name::Recommendation& name,
                            int64_t audit_id);
  // Whether finding or recommendation `name` of audit `audit_id` was part
  // of a published report at any time, even if the audit has been reopened
  // or cancelled since. NOT_FOUND.
  absl::StatusOr<bool> WasPublished(const domain::name::Finding& name,
                                    int64_t audit_id);
  absl::StatusOr<bool> WasPublished(const domain::name::Recommendation& name,
                                    int64_t audit_id);
  // Keeps `current` (the version about to be replaced, whose revision field
  // numbers it) and marks the row as corrected once more, for `reason`,
  // and as published text (a correction is of published text only).
  absl::Status Correct(const Row& row, const google::protobuf::Message& current,
                       int64_t correction, std::string_view reason);
  // The kept versions, oldest first, serialized.
  absl::StatusOr<std::vector<std::string>> Earlier(const Row& row);

 private:
  absl::StatusOr<Row> RowOf(Kind kind, int64_t audit_id, std::string_view uid);
  absl::StatusOr<bool> WasPublished(Kind kind, int64_t audit_id,
                                    std::string_view uid);

  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_REVISION_REPOSITORY_H_
