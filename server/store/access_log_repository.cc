#include "server/store/access_log_repository.h"

#include "server/domain/status_macros.h"

namespace brevis::store {
namespace {

// The smallest string greater than every string starting with `prefix`, so
// that a prefix match is a range the resource index can serve.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last < 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(1, '\xff');
}

}  // namespace

absl::Status AccessLogRepository::Append(const v1::AccessLogEntry& entry) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO access_log (time, principal, method, kind, resource, "
          "request_id, peer, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  return insert->Bind(1, TimestampMicros(entry.time()))
      .Bind(2, entry.principal())
      .Bind(3, entry.method())
      .Bind(4, int64_t{entry.kind()})
      .Bind(5, entry.resource())
      .Bind(6, entry.request_id())
      .Bind(7, entry.peer())
      .Bind(8, entry.detail())
      .Run();
}

absl::StatusOr<Page<v1::AccessLogEntry>> AccessLogRepository::List(
    const AccessLogFilter& filter, int64_t after_id, int limit) {
  // Only the conditions given, so that SQLite can walk the index of the
  // one that narrows most (principal: its index keeps rows in id order)
  // instead of testing every row. Fixed fragments only; values are bound.
  std::string sql =
      "SELECT id, time, principal, method, kind, resource, request_id, peer, "
      "detail FROM access_log WHERE id > ?1";
  if (filter.principal) sql += " AND principal = ?2";
  if (filter.resource_prefix) sql += " AND resource >= ?3 AND resource < ?4";
  if (filter.start_time) sql += " AND time >= ?5";
  if (filter.end_time) sql += " AND time < ?6";
  sql += " ORDER BY id LIMIT ?7";
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(sql));
  Statement& stmt = *select;
  stmt.Bind(1, after_id).Bind(7, int64_t{limit} + 1);
  if (filter.principal) stmt.Bind(2, std::string_view(*filter.principal));
  std::string prefix_end;
  if (filter.resource_prefix) {
    prefix_end = PrefixEnd(*filter.resource_prefix);
    stmt.Bind(3, std::string_view(*filter.resource_prefix))
        .Bind(4, std::string_view(prefix_end));
  }
  if (filter.start_time) stmt.Bind(5, ToMicros(*filter.start_time));
  if (filter.end_time) stmt.Bind(6, ToMicros(*filter.end_time));
  return CollectPage<v1::AccessLogEntry>(stmt, limit, [](const Statement& row) {
    v1::AccessLogEntry entry;
    entry.set_sequence(row.Int(0));
    SetTimestamp(row.Int(1), entry.mutable_time());
    entry.set_principal(row.Text(2));
    entry.set_method(row.Text(3));
    entry.set_kind(static_cast<v1::AccessKind>(row.Int(4)));
    entry.set_resource(row.Text(5));
    entry.set_request_id(row.Text(6));
    entry.set_peer(row.Text(7));
    entry.set_detail(row.Text(8));
    return entry;
  });
}

absl::StatusOr<int64_t> AccessLogRepository::PurgeBefore(absl::Time cutoff) {
  BREVIS_ASSIGN_OR_RETURN(auto remove,
                          db_.Prepare("DELETE FROM access_log WHERE time < ?"));
  BREVIS_RETURN_IF_ERROR(remove->Bind(1, ToMicros(cutoff)).Run());
  return db_.Changes();
}

}  // namespace brevis::store
