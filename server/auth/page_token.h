#ifndef BREVIS_SERVER_AUTH_PAGE_TOKEN_H_
#define BREVIS_SERVER_AUTH_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace brevis::auth {

// Issues and checks the opaque page tokens of List calls. A token carries
// the position after which the next page starts and an HMAC-SHA256 over
// that position and the list's scope (method, parent, filter), so a caller
// can neither forge a position nor reuse a token on another list or filter.
// Thread-safe; immutable after construction.
class PageTokenCodec {
 public:
  // `key`: at least 32 secret bytes, kept in the database so tokens survive
  // a restart.
  explicit PageTokenCodec(std::string key) : key_(std::move(key)) {}

  std::string Encode(std::string_view scope, int64_t after_id) const;

  // The position in `token`; 0 for an empty token (the first page).
  // INVALID_ARGUMENT naming page_token when the token was altered, truncated
  // or issued for another list, parent or filter.
  absl::StatusOr<int64_t> Decode(std::string_view scope,
                                 std::string_view token) const;

 private:
  std::string Mac(std::string_view scope, std::string_view position) const;

  const std::string key_;
};

// `count` bytes from OpenSSL's random generator (aborts if it fails, as
// nothing secret can be made without it).
std::string RandomBytes(size_t count);

}  // namespace brevis::auth

#endif  // BREVIS_SERVER_AUTH_PAGE_TOKEN_H_
