#include "server/auth/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "server/domain/str_cat.h"

namespace brevis::auth {
namespace {

constexpr size_t kPositionBytes = 8;
// 128 bits of the MAC are plenty against forgery and keep tokens short.
constexpr size_t kMacBytes = 16;

absl::Status BadToken() {
  return absl::InvalidArgumentError(
      "page_token: not a token this list issued (altered, truncated, or from "
      "another list or filter); start again without a page_token");
}

}  // namespace

std::string RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                 static_cast<int>(count)) != 1) {
    std::abort();
  }
  return bytes;
}

std::string PageTokenCodec::Mac(std::string_view scope,
                                std::string_view position) const {
  std::string message = brevis::StrCat(scope.size(), ":", scope, position);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

std::string PageTokenCodec::Encode(std::string_view scope,
                                   int64_t after_id) const {
  std::string position(kPositionBytes, '\0');
  uint64_t value = static_cast<uint64_t>(after_id);
  for (size_t i = 0; i < kPositionBytes; ++i) {
    position[kPositionBytes - 1 - i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return absl::WebSafeBase64Escape(position + Mac(scope, position));
}

absl::StatusOr<int64_t> PageTokenCodec::Decode(std::string_view scope,
                                               std::string_view token) const {
  if (token.empty()) return 0;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw) ||
      raw.size() != kPositionBytes + kMacBytes) {
    return BadToken();
  }
  // The decoder forgives whitespace and padding; a token has exactly one
  // spelling, the one Encode wrote, and any other is an altered token.
  if (absl::WebSafeBase64Escape(raw) != token) return BadToken();
  std::string_view position = std::string_view(raw).substr(0, kPositionBytes);
  std::string expected = Mac(scope, position);
  if (CRYPTO_memcmp(expected.data(), raw.data() + kPositionBytes, kMacBytes) !=
      0) {
    return BadToken();
  }
  uint64_t value = 0;
  for (char byte : position) {
    value = (value << 8) | static_cast<unsigned char>(byte);
  }
  return static_cast<int64_t>(value);
}

}  // namespace brevis::auth
