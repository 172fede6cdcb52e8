#include "server/auth/token_secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "server/auth/page_token.h"

namespace brevis::auth {

std::string NewTokenSecret() {
  return "brv_" + absl::WebSafeBase64Escape(RandomBytes(32));
}

std::string HashTokenSecret(std::string_view secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(secret.data(), secret.size(), digest, &size, EVP_sha256(),
             nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

bool SameHash(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace brevis::auth
