#include "server/store/server_key_repository.h"

#include "server/domain/status_macros.h"

namespace brevis::store {

absl::StatusOr<std::string> ServerKeyRepository::GetOrCreate(
    std::string_view purpose, std::string_view fresh) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare("INSERT INTO server_keys (purpose, secret) VALUES (?, ?) "
                  "ON CONFLICT (purpose) DO NOTHING"));
  BREVIS_RETURN_IF_ERROR(insert->Bind(1, purpose).BindBlob(2, fresh).Run());
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT secret FROM server_keys WHERE purpose = ?"));
  select->Bind(1, purpose);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::InternalError("server key vanished after insert");
  return select->Blob(0);
}

}  // namespace brevis::store
