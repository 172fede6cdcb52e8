#include "server/store/create_request_log.h"

#include "server/store/rows.h"

namespace brevis::store {

absl::StatusOr<std::optional<std::string>> CreateRequestLog::Find(
    std::string_view method, std::string_view request_id) {
  auto select = db_.Prepare(
      "SELECT response FROM create_requests WHERE method = ? AND "
      "request_id = ?");
  if (!select.ok()) return select.status();
  (*select)->Bind(1, method).Bind(2, request_id);
  absl::StatusOr<bool> row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return (*select)->Text(0);
}

absl::Status CreateRequestLog::Record(std::string_view method,
                                      std::string_view request_id,
                                      std::string_view response,
                                      absl::Time now) {
  auto insert = db_.Prepare(
      "INSERT INTO create_requests (method, request_id, response, "
      "create_time) VALUES (?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  return (*insert)
      ->Bind(1, method)
      .Bind(2, request_id)
      .BindBlob(3, response)
      .Bind(4, ToMicros(now))
      .Run();
}

absl::StatusOr<std::string> ServerKeyRepository::GetOrCreate(
    std::string_view purpose, std::string_view fresh) {
  auto insert = db_.Prepare(
      "INSERT INTO server_keys (purpose, secret) VALUES (?, ?) "
      "ON CONFLICT (purpose) DO NOTHING");
  if (!insert.ok()) return insert.status();
  if (auto s = (*insert)->Bind(1, purpose).BindBlob(2, fresh).Run(); !s.ok()) {
    return s;
  }
  auto select = db_.Prepare("SELECT secret FROM server_keys WHERE purpose = ?");
  if (!select.ok()) return select.status();
  (*select)->Bind(1, purpose);
  absl::StatusOr<bool> row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("server key vanished after insert");
  return (*select)->Text(0);
}

}  // namespace brevis::store
