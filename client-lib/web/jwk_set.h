#ifndef BREVIS_CLIENT_LIB_WEB_JWK_SET_H_
#define BREVIS_CLIENT_LIB_WEB_JWK_SET_H_

// An OpenID provider's signing keys: a JWK Set (RFC 7517 §5), as its
// jwks_uri serves it, parsed with cjose. Only keys that can sign are kept:
// "use" absent or "sig", kty RSA or EC, and a "kid" (tokens pick their key
// by kid; OpenID Connect Core 1.0 §10.1). Other keys are skipped, not
// refused, so a provider that also publishes encryption keys still works.
//
// Immutable after Parse; thread-safe to share (the provider hands out a
// shared_ptr<const JwkSet>). Owns its cjose keys.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

typedef struct _cjose_jwk_int cjose_jwk_t;

namespace brevis::web {

class JwkSet {
 public:
  struct Key {
    std::shared_ptr<cjose_jwk_t> jwk;
    // The JWK's own "alg" when it names one (RFC 7517 §4.4), else "".
    std::string alg;
  };

  // Parses a JWK Set document (JSON, at most the 1 MiB the HTTPS client
  // reads). INVALID_ARGUMENT when it is not JSON, has no "keys" array, or
  // names one kid twice (a token's kid would then be ambiguous).
  static absl::StatusOr<JwkSet> Parse(std::string_view json);

  // The key with `kid`, or null.
  const Key* Find(std::string_view kid) const;
  size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, Key, std::less<>> keys_;
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_JWK_SET_H_
