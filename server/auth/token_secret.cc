#include "server/auth/token_secret.h"

#include "absl/strings/escaping.h"
#include "server/auth/page_token.h"
#include "server/domain/digest.h"

namespace brevis::auth {

std::string NewTokenSecret() {
  return "brv_" + absl::WebSafeBase64Escape(RandomBytes(32));
}

std::string HashTokenSecret(std::string_view secret) {
  return domain::Sha256(secret);
}

bool SameHash(std::string_view a, std::string_view b) {
  return domain::SameDigest(a, b);
}

}  // namespace brevis::auth
