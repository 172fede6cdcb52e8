#ifndef BREVIS_SERVER_STORE_ROWS_H_
#define BREVIS_SERVER_STORE_ROWS_H_

// Conversions between proto fields and the column encodings of
// migrations/0001_initial.sql: times as Unix microseconds, dates as
// YYYY-MM-DD text, sets of enum values as bit masks, etags as revisions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/types.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/status_macros.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// A page of a List: rows in id order, the id of the last one, and whether
// more rows follow it.
template <typename Resource>
struct Page {
  std::vector<Resource> items;
  int64_t last_id = 0;
  bool more = false;
};

// Reads a page from `stmt`, a keyset query whose first column is the row id
// and which was bound with LIMIT `limit` + 1: the extra row only tells that
// more follow.
template <typename Resource, typename ReadRow>
absl::StatusOr<Page<Resource>> CollectPage(Statement& stmt, int limit,
                                           ReadRow read_row) {
  Page<Resource> page;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == limit) {
      page.more = true;
      break;
    }
    page.items.push_back(read_row(stmt));
    page.last_id = stmt.Int(0);
  }
  return page;
}

inline int64_t ToMicros(absl::Time time) { return absl::ToUnixMicros(time); }

void SetTimestamp(int64_t micros, google::protobuf::Timestamp* timestamp);
// The column encoding of a timestamp: Unix microseconds.
inline int64_t TimestampMicros(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1000000 + timestamp.nanos() / 1000;
}

// NULL (nullopt) for an unset date.
std::optional<std::string> DateColumn(const v1::Date& date);
void SetDate(const std::string& text, v1::Date* date);

int64_t ToMask(const google::protobuf::RepeatedField<int>& values);
void FromMask(int64_t mask, google::protobuf::RepeatedField<int>* values);

inline std::string Etag(int64_t revision) { return std::to_string(revision); }

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_ROWS_H_
