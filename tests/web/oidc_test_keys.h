#ifndef BREVIS_TESTS_WEB_OIDC_TEST_KEYS_H_
#define BREVIS_TESTS_WEB_OIDC_TEST_KEYS_H_

// Signing keys and ID tokens for the OpenID Connect unit tests: keys made
// by OpenSSL (EVP_PKEY_Q_keygen) at test time, handed to cjose as JWKs;
// tokens signed with cjose, and the forgeries (alg none, HS256 keyed with
// the public key) built by hand. Not thread-safe; one per test.

#include <cjose/jwk.h>
#include <jansson.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

namespace brevis::web::testing {

class TestKey {
 public:
  // A new RSA key of `bits` (RS256) or P-256 key (ES256), with `kid`.
  static TestKey Rsa(const std::string& kid, int bits = 2048);
  static TestKey Ec(const std::string& kid);

  // The public JWK as JSON (with kid; `extra` members merged in, e.g.
  // {"alg":"ES256"}).
  std::string PublicJwk(const std::string& extra = "{}") const;
  // The public key as PEM (SubjectPublicKeyInfo): what an attacker has.
  std::string PublicPem() const;
  // A compact JWS of `claims` (JSON) signed with this key; `header` (JSON)
  // is merged over {"alg": alg(), "kid": kid()}.
  std::string Sign(const std::string& claims,
                   const std::string& header = "{}") const;

  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }

 private:
  std::string kid_;
  std::string alg_;
  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<cjose_jwk_t> jwk_;
};

// {"keys": [the JWKs]}.
std::string JwkSetJson(const std::vector<std::string>& jwks);
// base64url(header) "." base64url(claims) "." base64url(signature).
std::string Compact(const std::string& header, const std::string& claims,
                    const std::string& signature);
// A token "signed" with HMAC-SHA256 keyed with `secret` (the forgery that
// uses an RSA public key's PEM as the HMAC secret).
std::string HmacToken(const std::string& header, const std::string& claims,
                      const std::string& secret);
// `base` (a JSON object) with the members of `over` set or replaced, and
// those whose value in `over` is null removed.
std::string MergeJson(const std::string& base, const std::string& over);

}  // namespace brevis::web::testing

#endif  // BREVIS_TESTS_WEB_OIDC_TEST_KEYS_H_
