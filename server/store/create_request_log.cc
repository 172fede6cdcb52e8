#include "server/store/create_request_log.h"

#include "server/domain/status_macros.h"
#include "server/store/rows.h"

namespace brevis::store {

absl::StatusOr<std::optional<CreateRecord>> CreateRequestLog::Find(
    std::string_view method, std::string_view caller,
    std::string_view request_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT request_hash, resource FROM create_requests WHERE method = ? "
          "AND caller = ? AND request_id = ?"));
  select->Bind(1, method).Bind(2, caller).Bind(3, request_id);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return std::nullopt;
  return CreateRecord{select->Blob(0), select->Text(1)};
}

absl::Status CreateRequestLog::Record(std::string_view method,
                                      std::string_view caller,
                                      std::string_view request_id,
                                      const CreateRecord& record,
                                      absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO create_requests (method, caller, request_id, "
          "request_hash, resource, create_time) VALUES (?, ?, ?, ?, ?, ?)"));
  return insert->Bind(1, method)
      .Bind(2, caller)
      .Bind(3, request_id)
      .BindBlob(4, record.request_hash)
      .Bind(5, record.resource)
      .Bind(6, ToMicros(now))
      .Run();
}

absl::StatusOr<int64_t> CreateRequestLog::PurgeBefore(absl::Time cutoff) {
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare("DELETE FROM create_requests WHERE create_time < ?"));
  BREVIS_RETURN_IF_ERROR(remove->Bind(1, ToMicros(cutoff)).Run());
  return db_.Changes();
}

}  // namespace brevis::store
