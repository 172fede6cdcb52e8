#ifndef BREVIS_SERVER_STORE_SERVER_KEY_REPOSITORY_H_
#define BREVIS_SERVER_STORE_SERVER_KEY_REPOSITORY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// Secrets the server keeps across restarts (the page-token key), one per
// purpose (the server_keys table). Works inside the caller's transaction;
// not thread-safe.
class ServerKeyRepository {
 public:
  explicit ServerKeyRepository(Connection& connection) : db_(connection) {}

  // The secret stored for `purpose`, or `fresh` after storing it when there
  // was none.
  absl::StatusOr<std::string> GetOrCreate(std::string_view purpose,
                                          std::string_view fresh);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SERVER_KEY_REPOSITORY_H_
