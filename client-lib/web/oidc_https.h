#ifndef BREVIS_CLIENT_LIB_WEB_OIDC_HTTPS_H_
#define BREVIS_CLIENT_LIB_WEB_OIDC_HTTPS_H_

// HTTPS to the OpenID provider (discovery, JWKS, token endpoint) through
// libcurl: https only, the peer's certificate and host name verified
// (against `ca_file` when given, else the system's store), no redirects
// followed, connect within 5 s and the whole exchange within 10 s, and at
// most 1 MiB of response read. So a provider that is down or slow gives
// brevis-web's thread back within a bound, and a hostile one cannot fill
// its memory.
//
// OidcHttps is an interface so that the provider's tests can answer
// without a network; CurlHttps is the real one. CurlHttps is thread-safe
// (each call uses its own curl handle); curl_global_init must have run
// before threads start (brevis-web's main does it).

#include <string>

#include "absl/status/statusor.h"

namespace brevis::web {

struct HttpsReply {
  long status = 0;  // the HTTP status
  std::string body;
};

class OidcHttps {
 public:
  virtual ~OidcHttps() = default;
  // GET `url`. UNAVAILABLE when the provider cannot be reached, times out,
  // fails TLS verification or answers more than the limit; the HTTP status
  // is the caller's to judge.
  virtual absl::StatusOr<HttpsReply> Get(const std::string& url) = 0;
  // POST `form` (application/x-www-form-urlencoded) to `url` with HTTP
  // Basic authentication as `user` / `password` (already form-encoded, RFC
  // 6749 §2.3.1). Errors as Get.
  virtual absl::StatusOr<HttpsReply> PostForm(const std::string& url,
                                              const std::string& form,
                                              const std::string& user,
                                              const std::string& password) = 0;
};

class CurlHttps : public OidcHttps {
 public:
  static constexpr long kConnectTimeoutMs = 5000;
  static constexpr long kTotalTimeoutMs = 10000;
  static constexpr size_t kMaxResponseBytes = 1 << 20;

  // `ca_file`: PEM CA bundle for the provider's certificate; "" for the
  // system's store.
  explicit CurlHttps(std::string ca_file) : ca_file_(std::move(ca_file)) {}

  absl::StatusOr<HttpsReply> Get(const std::string& url) override;
  absl::StatusOr<HttpsReply> PostForm(const std::string& url,
                                      const std::string& form,
                                      const std::string& user,
                                      const std::string& password) override;

 private:
  absl::StatusOr<HttpsReply> Perform(const std::string& url,
                                     const std::string* form,
                                     const std::string& user,
                                     const std::string& password) const;

  const std::string ca_file_;
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_OIDC_HTTPS_H_
