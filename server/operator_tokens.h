#ifndef BREVIS_SERVER_OPERATOR_TOKENS_H_
#define BREVIS_SERVER_OPERATOR_TOKENS_H_

// Tokens made by the operator on the database directly, without the API:
// the first admin's at `brevisd init`, and a new one for whoever has lost
// every admin token (`brevisd token create`).

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/domain/clock.h"
#include "server/store/database.h"

namespace brevis {

// Where init and `token create` put the secret unless told otherwise: the
// file admin.token beside the database.
std::string DefaultTokenFile(const std::string& db_path);

// Issues a token for `principal` (principals/{p}), or, when unset, for the
// first active admin, creating an admin named "Administratör" when there is
// none. Writes the secret to a new file `out_path` (mode 0600; an existing
// file is replaced only when `replace_file`, never written through a link)
// and returns the token's name. The secret is never printed.
// ALREADY_EXISTS when `out_path` exists and may not be replaced.
absl::StatusOr<std::string> IssueOperatorToken(
    store::Database& db, const domain::Clock& clock,
    std::optional<std::string> principal, const std::string& out_path,
    absl::Duration lifetime, bool replace_file);

// Revokes token `name` (principals/{p}/tokens/{t}). NOT_FOUND.
absl::Status RevokeOperatorToken(store::Database& db,
                                 const domain::Clock& clock,
                                 std::string_view name);

}  // namespace brevis

#endif  // BREVIS_SERVER_OPERATOR_TOKENS_H_
