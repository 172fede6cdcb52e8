#include "server/store/server_key_repository.h"

namespace brevis::store {

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
